"""Gradient descent: a point rolling down f(x), paths on surfaces, and a line fitted by descent."""

import streamlit as st

from nnviz.core import regression as reg
from nnviz.core.descent import DescentPath, descend_many, descent_path
from nnviz.core.optimizer import LR_LADDER
from nnviz.core.quadratic import quadratic_closed_form
from nnviz.core.surfaces import CriticalPoint, Surface
from nnviz.figures import descent as figs
from nnviz.lessons import descent as lesson
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.formula import formula_input
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import labels, t
from nnviz.ui.tables import table

PAGE = "descent"
LADDER = list(LR_LADDER)
SURFACE_KEYS = ["bowl", "elongated", "saddle", "mountain", "rosenbrock", "himmelblau", "beale", "rastrigin", "custom"]
DEFAULT_CUSTOM_2D = "(x**2 - 1)**2 + y**2"
NUMBER = "%.8g"
LAST_SURFACE = "_descent_surface"  # the surface of the previous run: a new one starts from its own rate


def status_text(status: str, stopped_at: int | None, steps: int) -> str:
    return t(f"descent.status_{status}", k=stopped_at, n=steps)


def advice_text(advice: lesson.Advice) -> str:
    return t(f"descent.advice_{advice.kind}", bound=advice.bound)


def numbers(columns: dict, height: int | str = 260, text: tuple[str, ...] = ()) -> None:
    """A table whose number columns read with 8 significant digits (text columns as given)."""
    table(columns, formats={name: NUMBER for name in columns if name not in text}, height=height)


def iteration_table(path: DescentPath, names: list[str], value: str) -> None:
    """k, the coordinates, the value and |∇| of the first iterates."""
    rows = lesson.iterations(path)
    numbers({t("descent.col_k"): rows.k, **dict(zip(names, rows.coordinates)), value: rows.values,
             t("descent.col_grad"): rows.grad_norms})


# --- 1-D ---------------------------------------------------------------------------------

def one_variable() -> None:
    controls, main = st.columns([1, 3], gap="medium")
    with controls:
        key = w.choice("fn", t("descent.fn"), [*lesson.CURVES_1D, "custom"], "square",
                       format_func=lambda k: t(f"descent.fn_{k}"))
        curve = lesson.CURVES_1D.get(key, lesson.CUSTOM_1D)
        expr = (formula_input("f1", t("descent.custom_1d"), curve.formula, help=t("descent.custom_help"))
                if key == "custom" else curve.expression)
        x0 = w.slider("x0", t("descent.x0"), -10.0, 10.0, 3.0, step=0.1)
        lr_id = w.choice("lr", t("descent.lr"), LADDER, "0.02", kind="slider", help=t("descent.lr_help"))
        steps = int(w.slider("steps", t("descent.steps"), 1, 200, 100, step=1))
    lr = float(lr_id)
    run = lesson.descend_curve(expr, curve.window, x0, lr, steps)
    with main:
        if run.diverged:
            st.warning(t("descent.diverged_banner", k=run.path.stopped_at, lr=lr, advice=advice_text(run.report.advice)),
                       icon=":material/trending_up:")
        elif run.exit is not None:
            st.info(t("descent.left_banner", k=run.exit), icon=":material/open_in_new:")
        if not run.defined:
            st.warning(t("descent.undefined_1d"))
        fig = figs.curve_figure(run, labels(figs.CurveLabels, PAGE), presentation=presentation())
        chart(fig, PAGE, alt=t("descent.alt_1d", formula=expr.text, x0=x0, lr=lr_id),
              caption=t("descent.caption_1d"), settings={"f": expr.text, "x0": x0, "lr": lr_id, "n": steps})
        explain, tables = st.columns([2, 3], gap="medium")
        with explain:
            regime_box(run.report)
        with tables:
            st.markdown(t("descent.halving_heading"))
            rows = run.halving
            status = t("descent.col_status")
            numbers({
                t("descent.col_lr"): [r.lr for r in rows], t("descent.col_steps"): [r.steps for r in rows],
                t("descent.col_xn"): [r.x_final for r in rows], t("descent.col_fn"): [r.f_final for r in rows],
                status: [status_text(r.status, r.stopped_at, r.steps) for r in rows],
            }, height=145, text=(status,))
            st.caption(t("descent.halving_lesson"))
        with st.expander(t("descent.iterations"), icon=":material/table_rows:"):
            iteration_table(run.path, ["xₖ"], "f(xₖ)")
        show_code(lesson.run_1d, descent_path, quadratic_closed_form)


def regime_box(report: lesson.RegimeReport) -> None:
    if report.shape == "curved":
        tail = (t("descent.not_quadratic_bound", bound=report.local_bound) if report.local_bound is not None
                else t("descent.not_quadratic_flat"))
        st.markdown(t("descent.not_quadratic", curv=report.curvature) + tail)
        return
    if report.shape == "concave":
        st.markdown(t("descent.concave"))
        return
    st.markdown(t("descent.regime_heading"))
    st.latex(rf"x_k = x^* + (x_0 - x^*)\,(1 - 2a\eta)^k,\quad a = {report.a:.6g},\ x^* = {report.center:.6g}")
    box = st.success if report.converges else st.warning
    box(t(f"descent.regime_{report.regime}", r=report.ratio))
    st.markdown(t("descent.stable_1d", bound=report.stable_below, fastest=report.fastest))


# --- 2-D ---------------------------------------------------------------------------------

BOOK_EXAMPLE = {"surf": "bowl", "lrs": ["10", "0.1", "1e-10"], "starts": "", "grid9": False, "steps2": 100,
                "mode": "plain", LAST_SURFACE: "bowl"}


def surface_controls() -> tuple[str, Surface, list[str], lesson.Starts, str, int, bool]:
    key = w.choice("surf", t("descent.surface"), SURFACE_KEYS, "bowl", format_func=lambda k: t(f"descent.surf_{k}"))
    expr = None
    if key == "custom":
        expr = formula_input("f2", t("descent.custom_2d"), DEFAULT_CUSTOM_2D, variables=("x", "y"),
                             help=t("descent.custom_help"))
    surface = lesson.surface_for(key, expr)
    suggested = lesson.suggested_rate(surface)
    if st.session_state.get(LAST_SURFACE, key) != key and "lrs" in st.session_state:
        st.session_state["lrs"] = [suggested]  # a new surface starts from its own sensible rate
    st.session_state[LAST_SURFACE] = key
    chosen = w.multi("lrs", t("descent.lrs"), LADDER, [suggested], max_selections=3, help=t("descent.lrs_help"))
    typed = w.text("starts", t("descent.starts"), "", help=t("descent.starts_help"), placeholder="-3, 4; 3, -2")
    grid9 = w.toggle("grid9", t("descent.grid_starts"), help=t("descent.grid_starts_help"))
    mode = w.choice("mode", t("descent.mode"), ["plain", "normalized"], "plain",
                    format_func=lambda m: t(f"descent.mode_{m}"), kind="segmented", help=t("descent.mode_help"))
    steps = int(w.slider("steps2", t("descent.steps"), 1, 200, 100, step=1))
    show_3d = w.toggle("d3", t("descent.show_3d"))
    w.preset_button(t("descent.book_button"), BOOK_EXAMPLE, key="book", help=t("descent.book_button_help"),
                    icon=":material/menu_book:")
    return key, surface, chosen, lesson.choose_starts(typed, grid9, surface), mode, steps, show_3d


def two_variables() -> None:
    controls, main = st.columns([1, 3], gap="medium")
    with controls:
        key, surface, chosen, starts, mode, steps, show_3d = surface_controls()
    with main:
        if starts.unreadable:
            st.error(t("descent.starts_error"), icon=":material/error:")
        if not chosen:
            st.info(t("descent.lrs_empty"))
        lrs = lesson.rates_in_order(chosen, surface)
        run = lesson.descend_surface(surface, starts.points, lrs, steps, mode)
        if run.map.defined == "none":
            st.error(t("descent.undefined_all"))
        elif run.map.defined == "part":
            st.warning(t("descent.undefined_2d"))
        for d in run.divergences:
            st.warning(t("descent.diverged_banner", k=d.step, lr=d.rate, advice=advice_text(d.advice)),
                       icon=":material/trending_up:")
        surface_labels = labels(figs.SurfaceLabels, PAGE)
        name = t(f"descent.surf_{key}") if key != "custom" else surface.formula
        caption = t("descent.caption_2d") + (" " + t("descent.caption_log") if figs.log_coloured(run.map.Z) else "")
        chart(figs.surface_figure(run, surface_labels, presentation=presentation()), PAGE,
              alt=t("descent.alt_2d", surface=name, count=len(run.starts), lrs=", ".join(lrs)),
              caption=caption, settings={"surf": key, "lr": "-".join(lrs), "n": steps, "mode": mode})
        st.markdown(f"**{t('descent.summary_heading')}** — $f(x, y) = {surface.latex}$")
        summary_table(run, steps)
        if show_3d:
            chart(figs.surface_3d_figure(run, surface_labels, presentation=presentation()), PAGE,
                  alt=t("descent.alt_3d", surface=name, lr=lrs[0]), settings={"surf": key, "view": "3d"})
        first = surface_labels.start(run.starts[0])
        with st.expander(t("descent.iterations_for", lr=lrs[0], start=first), icon=":material/table_rows:"):
            iteration_table(run.panels[0].paths[0], ["x", "y"], "f(x, y)")
        show_code(descend_many)


def near_text(near: CriticalPoint | None) -> str:
    if near is None:
        return t("descent.near_none")
    return t("descent.near_point", kind=t(f"descent.kind_{near.kind}"), x=near.x, y=near.y)


def summary_table(run: lesson.Run2D, steps: int) -> None:
    """Where each path ended, for every rate and start: value, slope, status and the critical point near it."""
    rows = run.endings
    words = {t(f"descent.col_{c}"): values for c, values in (
        ("lr", [e.lr for e in rows]),
        ("start", [f"({e.start[0]:g}, {e.start[1]:g})" for e in rows]),
        ("end", [f"({e.end[0]:.6g}, {e.end[1]:.6g})" for e in rows]))}
    numbers({**words, t("descent.col_f"): [e.f for e in rows], t("descent.col_grad"): [e.grad_norm for e in rows],
             t("descent.col_status"): [status_text(e.status, e.stopped_at, steps) for e in rows],
             t("descent.col_near"): [near_text(e.near) for e in rows]},
            height=min(38 + 35 * len(rows), 360), text=(*words, t("descent.col_status"), t("descent.col_near")))


# --- regression ----------------------------------------------------------------------------

def fit_controls() -> tuple[str, bool, str, int, float, float]:
    fit = w.choice("fit", t("descent.fit"), ["w", "wb"], "w", format_func=lambda m: t(f"descent.fit_{m}"),
                   kind="segmented")
    intercept = fit == "wb"
    standardize = intercept and w.toggle("stdz", t("descent.standardize"), help=t("descent.standardize_help"))
    lr_id = w.choice("lr_r", t("descent.lr"), LADDER, "0.001", kind="slider", help=t("descent.lr_help"))
    steps = int(w.slider("steps_r", t("descent.steps"), 1, 200, 100, step=1))
    w0 = w.slider("w0", t("descent.w0"), -1.0, 3.0, 2.0, step=0.05)
    b0 = w.slider("b0", t("descent.b0"), -3.0, 3.0, 0.0, step=0.1) if intercept else 0.0
    return fit, standardize, lr_id, steps, w0, b0


def fit_labels(right_title: str, standardized: bool = False) -> figs.RegressionLabels:
    std = "_std" if standardized else ""
    return labels(figs.RegressionLabels, PAGE, reg_titles_right=t(right_title), w_axis=t(f"descent.w_axis{std}"),
                  b_axis=t(f"descent.b_axis{std}"))


def fit_chart(fig: object, fit: lesson.Fit, lr: float, settings: dict) -> None:
    """The divergence banner (with the stable bound of this quadratic loss), then the chart."""
    if fit.diverged:
        st.warning(t("descent.reg_diverged", k=fit.path.stopped_at, lr=lr,
                     advice=t("descent.reg_advice", bound=fit.bound)), icon=":material/trending_up:")
    chart(fig, PAGE, alt=t("descent.alt_reg"), caption=t("descent.caption_reg"), settings=settings)


def slope_view(fit: lesson.SlopeFit, lr: float, settings: dict) -> None:
    fig = figs.slope_figure(fit, fit_labels("descent.reg_titles_curve"), presentation=presentation())
    fit_chart(fig, fit, lr, settings)
    n = fit.path.steps_taken
    metrics = st.columns(3)
    metrics[0].metric(t("descent.metric_w", n=n), f"{fit.w_end:.8f}")
    metrics[1].metric(t("descent.metric_w_star"), f"{fit.w_star:.16g}")
    metrics[2].metric(t("descent.metric_loss", n=n), f"{fit.loss_end:.6g}")
    st.markdown(t("descent.w_star_formula", w=fit.w_star) + " " + t("descent.reg_bound_1", bound=fit.bound))


def line_view(fit: lesson.LineFit, lr: float, settings: dict) -> None:
    title = "descent.reg_titles_contour_std" if fit.standardized else "descent.reg_titles_contour"
    fig = figs.line_figure(fit, fit_labels(title, fit.standardized), presentation=presentation())
    fit_chart(fig, fit, lr, settings)
    n, (w_star, b_star) = fit.path.steps_taken, fit.optimum
    metrics = st.columns(4)
    metrics[0].metric(t("descent.metric_w", n=n), f"{fit.w_end:.8f}")
    metrics[1].metric(t("descent.metric_w_star"), f"{w_star:.8f}")
    metrics[2].metric(t("descent.metric_b", n=n), f"{fit.b_end:.8f}")
    metrics[3].metric(t("descent.metric_b_star"), f"{b_star:.8f}")
    st.markdown(t("descent.reg_bound", bound=fit.bound, eig=", ".join(f"{e:.4g}" for e in fit.eigenvalues),
                  cond=fit.condition))
    st.markdown(t("descent.reg_lesson"))


def line_fit() -> None:
    controls, main = st.columns([1, 3], gap="medium")
    with controls:
        fit_id, standardize, lr_id, steps, w0, b0 = fit_controls()
    lr = float(lr_id)
    settings = {"fit": fit_id, "std": int(standardize), "lr": lr_id, "n": steps}
    with main:
        if fit_id == "w":
            fit = lesson.fit_slope(w0, lr, steps)
            slope_view(fit, lr, settings)
        else:
            fit = lesson.fit_line(w0, b0, lr, steps, standardize)
            line_view(fit, lr, settings)
        with st.expander(t("descent.iterations"), icon=":material/table_rows:"):
            iteration_table(fit.path, ["w"] if fit_id == "w" else ["w", "b"], t("descent.col_loss"))
        show_code(reg.regression_descent, reg.loss_gradient)


page_header(PAGE)
VIEWS = {"1d": one_variable, "2d": two_variables, "reg": line_fit}
view = w.choice("view", t("descent.view"), list(VIEWS), "1d", format_func=lambda v: t(f"descent.view_{v}"),
                kind="segmented")
VIEWS[view]()
