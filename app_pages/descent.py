"""Gradient descent: a point rolling down f(x), paths on surfaces, and a line fitted by descent."""

import numpy as np
import pandas as pd
import streamlit as st

from nnviz.lessons import descent as lab
from nnviz.core import regression as reg
from nnviz.core import paths as geo
from nnviz.core import quadratic as qd
from nnviz.core.descent import descend_many
from nnviz.core.optimizer import LR_LADDER
from nnviz.core.surfaces import quadratic_hessian, surface_from_expression
from nnviz.core.descent import DescentPath, descent_path
from nnviz.core.quadratic import quadratic_regime, stable_lr_bound
from nnviz.core.expr import parse
from nnviz.figures import descent as figs
from nnviz.core.quadratic import quadratic_insight
from nnviz.core.surfaces import get_surface, surface_grid
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.formula import formula_input
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import t

PAGE = "descent"
LADDER = list(LR_LADDER)
SURFACE_KEYS = ["bowl", "elongated", "saddle", "mountain", "rosenbrock", "himmelblau", "beale", "rastrigin", "custom"]
DEFAULT_CUSTOM_1D = "x**2/2 + sin(3*x)"
DEFAULT_CUSTOM_2D = "(x**2 - 1)**2 + y**2"
GRID_N = 100
MAX_TABLE_ROWS = 201


def animation_text() -> figs.AnimationText:
    return figs.AnimationText(t("descent.play"), t("descent.pause"), t("descent.step_prefix"))


def status_text(path: DescentPath, steps: int) -> str:
    return t(f"descent.status_{path.status}", k=path.stopped_at, n=steps)


def iteration_table(path: DescentPath, names: list[str], value: str = "f") -> pd.DataFrame:
    """k, the coordinates, f and |∇f| of the first MAX_TABLE_ROWS iterates."""
    rows = slice(0, MAX_TABLE_ROWS)
    table = {t("descent.col_k"): np.arange(len(path.xs))[rows]}
    for i, name in enumerate(names):
        table[name] = path.xs[rows, i]
    table[value] = path.fs[rows]
    table[t("descent.col_grad")] = path.grad_norms[rows]
    return pd.DataFrame(table)


def show_table(frame: pd.DataFrame, height: int = 260) -> None:
    """Floats with 8 significant digits (a column format: much faster than a pandas Styler)."""
    floats = {c: st.column_config.NumberColumn(format="%.8g") for c in frame.columns if frame[c].dtype.kind == "f"}
    st.dataframe(frame, hide_index=True, width="stretch", height=height, column_config=floats)


# --- 1-D ---------------------------------------------------------------------------------

def one_variable() -> None:
    controls, main = st.columns([1, 3], gap="medium")
    with controls:
        key = w.choice("fn", t("descent.fn"), [*lab.CURVES_1D, "custom"], "square",
                       format_func=lambda k: t(f"descent.fn_{k}"))
        if key == "custom":
            expr = formula_input("f1", t("descent.custom_1d"), DEFAULT_CUSTOM_1D, help=t("descent.custom_help"))
            window = (-4.0, 4.0)
        else:
            expr, window = parse(lab.CURVES_1D[key].formula), lab.CURVES_1D[key].window
        x0 = w.slider("x0", t("descent.x0"), -10.0, 10.0, 3.0, step=0.1)
        lr_id = w.choice("lr", t("descent.lr"), LADDER, "0.02", kind="slider", help=t("descent.lr_help"))
        steps = int(w.slider("steps", t("descent.steps"), 1, 200, 100, step=1))
    lr = float(lr_id)
    run = lab.run_1d(expr, x0, lr, steps)
    quad = qd.quadratic_form(expr)
    view = geo.view_window(window, x0)
    exit = geo.exit_to_mark(run.xs, run.status, view)
    grid = np.linspace(view[0], view[1], 600)
    values = expr(grid)
    closed = qd.quadratic_closed_form(quad, lr, x0, steps) if quad is not None else None
    with main:
        if run.status == "diverged":
            st.warning(t("descent.diverged_banner", k=run.stopped_at, lr=lr, advice=advice_1d(expr, quad, x0)),
                       icon=":material/trending_up:")
        elif exit is not None:
            st.info(t("descent.left_banner", k=exit), icon=":material/open_in_new:")
        if not np.isfinite(values).all():
            st.warning(t("descent.undefined_1d"))
        text = figs.CurveText((t("descent.titles_1d_left"), t("descent.titles_1d_right")), t("descent.curve"),
                              t("descent.iterates"), t("descent.closed_form"), t("descent.exit_1d"),
                              t("descent.step_axis"), animation_text())
        fig = figs.curve_figure(grid, values, run.xs[:, 0], run.fs, view, text, closed_form=closed, exit=exit,
                                presentation=presentation())
        chart(fig, PAGE, alt=t("descent.alt_1d", formula=expr.text, x0=x0, lr=lr_id),
              caption=t("descent.caption_1d"), settings={"f": expr.text, "x0": x0, "lr": lr_id, "n": steps})
        explain, tables = st.columns([2, 3], gap="medium")
        with explain:
            regime_box(expr, quad, x0, lr)
        with tables:
            st.markdown(t("descent.halving_heading"))
            rows = lab.halving_runs(expr, x0, lr, steps, first=run)
            show_table(pd.DataFrame({
                t("descent.col_lr"): [r.lr for r in rows], t("descent.col_steps"): [r.steps for r in rows],
                t("descent.col_xn"): [r.x_final for r in rows], t("descent.col_fn"): [r.f_final for r in rows],
                t("descent.col_status"): [t(f"descent.status_{r.status}", k=r.stopped_at, n=r.steps) for r in rows],
            }), height=145)
            st.caption(t("descent.halving_lesson"))
        with st.expander(t("descent.iterations"), icon=":material/table_rows:"):
            show_table(iteration_table(run, ["xₖ"], "f(xₖ)"))
        show_code(lab.run_1d, descent_path, qd.quadratic_closed_form)


def regime_box(expr, quad, x0: float, lr: float) -> None:
    if quad is None:
        curv = lab.curvature_1d(expr, x0)
        tail = (t("descent.not_quadratic_bound", bound=2 / curv) if np.isfinite(curv) and curv > 0
                else t("descent.not_quadratic_flat"))
        st.markdown(t("descent.not_quadratic", curv=curv) + tail)
        return
    if quad.a < 0:
        st.markdown(t("descent.concave"))
        return
    regime = quadratic_regime(quad.a, lr)
    r = 1 - 2 * quad.a * lr
    st.markdown(t("descent.regime_heading"))
    st.latex(rf"x_k = x^* + (x_0 - x^*)\,(1 - 2a\eta)^k,\quad a = {quad.a:.6g},\ x^* = {quad.center:.6g}")
    box = st.success if regime in ("slow", "fastest", "oscillating") else st.warning
    box(t(f"descent.regime_{regime}", r=r))
    st.markdown(t("descent.stable_1d", bound=1 / quad.a, fastest=1 / (2 * quad.a)))


def advice_1d(expr, quad, x0: float) -> str:
    if quad is not None:
        return t("descent.advice_quadratic", bound=1 / quad.a) if quad.a > 0 else t("descent.advice_none")
    curv = lab.curvature_1d(expr, x0)
    if np.isfinite(curv) and curv > 0:
        return t("descent.advice_local", bound=2 / curv)
    return t("descent.advice_generic")


# --- 2-D ---------------------------------------------------------------------------------

def set_book_example() -> None:
    st.session_state.update({"surf": "bowl", "lrs": ["10", "0.1", "1e-10"], "starts": "", "grid9": False,
                             "steps2": 100, "mode": "plain", "_descent_surface": "bowl"})


def two_variables() -> None:
    controls, main = st.columns([1, 3], gap="medium")
    with controls:
        key = w.choice("surf", t("descent.surface"), SURFACE_KEYS, "bowl",
                       format_func=lambda k: t(f"descent.surf_{k}"))
        expr = None
        if key == "custom":
            expr = formula_input("f2", t("descent.custom_2d"), DEFAULT_CUSTOM_2D, variables=("x", "y"),
                                 help=t("descent.custom_help"))
            surface = surface_from_expression(expr)
        else:
            surface = get_surface(key)
        suggested = f"{surface.lr:g}"
        if st.session_state.get("_descent_surface", key) != key and "lrs" in st.session_state:
            st.session_state["lrs"] = [suggested]  # a new surface starts from its own sensible rate
        st.session_state["_descent_surface"] = key
        chosen = w.multi("lrs", t("descent.lrs"), LADDER, [suggested], max_selections=3, help=t("descent.lrs_help"))
        typed = w.text("starts", t("descent.starts"), "", help=t("descent.starts_help"), placeholder="-3, 4; 3, -2")
        grid9 = w.toggle("grid9", t("descent.grid_starts"), help=t("descent.grid_starts_help"))
        mode = w.choice("mode", t("descent.mode"), ["plain", "normalized"], "plain",
                        format_func=lambda m: t(f"descent.mode_{m}"), kind="segmented", help=t("descent.mode_help"))
        steps = int(w.slider("steps2", t("descent.steps"), 1, 200, 100, step=1))
        show_3d = w.toggle("d3", t("descent.show_3d"))
        st.button(t("descent.book_button"), on_click=set_book_example, help=t("descent.book_button_help"),
                  icon=":material/menu_book:")
    with main:
        starts = lab.parse_points(typed)
        if starts is None:
            st.error(t("descent.starts_error"), icon=":material/error:")
        if grid9:
            starts = lab.spread_starts(surface.xlim, surface.ylim)
        if not starts:
            starts = [surface.start]
        lrs = sorted(chosen, key=float, reverse=True) or [suggested]
        if not chosen:
            st.info(t("descent.lrs_empty"))
        X, Y, Z = surface_grid(surface, GRID_N)
        if not np.isfinite(Z).any():
            st.error(t("descent.undefined_all"))
        elif not np.isfinite(Z).all():
            st.warning(t("descent.undefined_2d"))
        runs = {lr: lab.descend_many_cached(surface, tuple(starts), float(lr), steps, mode, 0.0) for lr in lrs}
        names = [t("descent.start_name", x=x, y=y) for x, y in starts]
        quadratic = quadratic_hessian(surface) is not None
        for lr in lrs:
            diverged = [(i, p) for i, p in enumerate(runs[lr]) if p.status == "diverged"]
            if diverged:
                i, path = min(diverged, key=lambda ip: ip[1].stopped_at)
                bound = lab.local_lr_bound(surface, starts[i])
                st.warning(t("descent.diverged_banner", k=path.stopped_at, lr=float(lr),
                             advice=advice_2d(bound, quadratic)), icon=":material/trending_up:")
        panels = []
        exits: dict[tuple[str, int], int | None] = {}
        for lr in lrs:
            paths = []
            for i, path in enumerate(runs[lr]):
                exits[lr, i] = geo.exit_to_mark(path.xs, path.status, surface.xlim, surface.ylim)
                paths.append(figs.Path2D(path.xs, names[i], i, exits[lr, i]))
            panels.append(figs.Panel(t("descent.panel_title", lr=lr) if len(lrs) > 1 else "", paths))
        critical = [(c.x, c.y, c.kind) for c in surface.critical_points
                    if surface.xlim[0] <= c.x <= surface.xlim[1] and surface.ylim[0] <= c.y <= surface.ylim[1]]
        text = figs.SurfaceText({k: t(f"descent.kind_{k}") for k in ("min", "saddle", "max")},
                                t("descent.exit_2d"), animation_text(), z_title=t("descent.z_log"))
        fig = figs.surface_figure(X, Y, Z, panels, critical, text, presentation=presentation())
        label = t(f"descent.surf_{key}") if key != "custom" else expr.text
        _, logged = figs.contour_values(Z)
        caption = t("descent.caption_2d") + (" " + t("descent.caption_log") if logged else "")
        chart(fig, PAGE, alt=t("descent.alt_2d", surface=label, count=len(starts), lrs=", ".join(lrs)),
              caption=caption, settings={"surf": key, "lr": "-".join(lrs), "n": steps, "mode": mode})
        st.markdown(f"**{t('descent.summary_heading')}** — $f(x, y) = {surface.latex}$")
        show_table(summary_table(surface, runs, starts, steps), height=min(38 + 35 * len(starts) * len(lrs), 360))
        if show_3d:
            if not logged:
                text = figs.SurfaceText(text.kinds, text.exit, text.animation, z_title="f(x, y)")
            paths = panels[0].paths
            fig3 = figs.surface_3d_figure(X, Y, Z, paths, [p.fs for p in runs[lrs[0]]], text,
                                          presentation=presentation())
            chart(fig3, PAGE, alt=t("descent.alt_3d", surface=label, lr=lrs[0]), settings={"surf": key, "view": "3d"})
        with st.expander(t("descent.iterations_for", lr=lrs[0], start=names[0]), icon=":material/table_rows:"):
            show_table(iteration_table(runs[lrs[0]][0], ["x", "y"], "f(x, y)"))
        show_code(descend_many)


def advice_2d(bound: float | None, quadratic: bool) -> str:
    if bound is None:
        return t("descent.advice_generic")
    if not np.isfinite(bound):
        return t("descent.advice_none")
    return t("descent.advice_quadratic" if quadratic else "descent.advice_local", bound=bound)


def summary_table(surface, runs: dict, starts: list, steps: int) -> pd.DataFrame:
    rows = []
    for lr, paths in runs.items():
        for (x, y), path in zip(starts, paths):
            end = path.xs[-1]
            near = lab.nearest_critical(surface, end)
            rows.append({
                t("descent.col_lr"): lr, t("descent.col_start"): f"({x:g}, {y:g})",
                t("descent.col_end"): f"({end[0]:.6g}, {end[1]:.6g})", t("descent.col_f"): float(path.fs[-1]),
                t("descent.col_grad"): float(path.grad_norms[-1]), t("descent.col_status"): status_text(path, steps),
                t("descent.col_near"): t("descent.near_point", kind=t(f"descent.kind_{near.kind}"), x=near.x, y=near.y)
                if near is not None else t("descent.near_none"),
            })
    return pd.DataFrame(rows)


# --- regression ----------------------------------------------------------------------------

def line_fit() -> None:
    controls, main = st.columns([1, 3], gap="medium")
    with controls:
        fit = w.choice("fit", t("descent.fit"), ["w", "wb"], "w", format_func=lambda m: t(f"descent.fit_{m}"),
                       kind="segmented")
        intercept = fit == "wb"
        standardize = intercept and w.toggle("stdz", t("descent.standardize"), help=t("descent.standardize_help"))
        lr_id = w.choice("lr_r", t("descent.lr"), LADDER, "0.001", kind="slider", help=t("descent.lr_help"))
        steps = int(w.slider("steps_r", t("descent.steps"), 1, 200, 100, step=1))
        w0 = w.slider("w0", t("descent.w0"), -1.0, 3.0, 2.0, step=0.05)
        b0 = w.slider("b0", t("descent.b0"), -3.0, 3.0, 0.0, step=0.1) if intercept else 0.0
    lr = float(lr_id)
    x, y = reg.NOTES_X, reg.NOTES_Y
    run = reg.regression_descent(x, y, lr, steps, w0=w0, b0=b0, fit_intercept=intercept,
                                 standardize_x=standardize, tol=0.0)
    w_star, b_star = reg.least_squares(x, y, fit_intercept=intercept)
    params = run.xs if intercept else np.column_stack([run.xs[:, 0], np.zeros(len(run.xs))])
    hessian = reg.regression_hessian(x, intercept, standardize)
    bound = stable_lr_bound(hessian)
    text = figs.RegressionText(
        (t("descent.reg_titles_left"), t("descent.reg_titles_curve") if not intercept else
         t("descent.reg_titles_contour_std") if standardize else t("descent.reg_titles_contour")),
        t("descent.reg_data"), t("descent.reg_fit"), t("descent.reg_optimum"), t("descent.reg_path"),
        t("descent.reg_loss"), t("descent.w_axis_std" if standardize else "descent.w_axis"),
        t("descent.b_axis_std" if standardize else "descent.b_axis"), t("descent.reg_exit"), animation_text())
    diverged = run.status == "diverged"
    with main:
        if diverged:
            st.warning(t("descent.reg_diverged", k=run.stopped_at, lr=lr,
                         advice=t("descent.reg_advice", bound=bound)), icon=":material/trending_up:")
        if not intercept:
            window = (geo.view_window((-1.0, 3.0), w0), (0.0, 1.0))
            exit = geo.exit_to_mark(run.xs[:, 0], run.status, window[0])
            wg = np.linspace(*window[0], 300)
            fig = figs.regression_figure(x, y, params, (w_star, 0.0), text, window=window,
                                         loss_curve=(wg, reg.loss(wg, 0.0, x, y)), losses=run.fs, exit=exit,
                                         presentation=presentation())
        else:
            land = lab.regression_landscape(x, y, params, (w_star, b_star), standardize, diverged, GRID_N)
            exit = geo.exit_to_mark(land.path, run.status, *land.window)
            fig = figs.regression_figure(x, y, params, (w_star, b_star), text, view_params=land.path,
                                         view_optimum=land.optimum, window=land.window,
                                         loss_grid=(land.W, land.B, land.L), exit=exit, presentation=presentation())
        chart(fig, PAGE, alt=t("descent.alt_reg"), caption=t("descent.caption_reg"),
              settings={"fit": fit, "std": int(standardize), "lr": lr_id, "n": steps})
        metrics = st.columns(4 if intercept else 3)
        metrics[0].metric(t("descent.metric_w", n=run.steps_taken), f"{run.xs[-1, 0]:.8f}")
        metrics[1].metric(t("descent.metric_w_star"), f"{w_star:.16g}" if not intercept else f"{w_star:.8f}")
        if intercept:
            metrics[2].metric(t("descent.metric_b", n=run.steps_taken), f"{run.xs[-1, 1]:.8f}")
            metrics[3].metric(t("descent.metric_b_star"), f"{b_star:.8f}")
        else:
            metrics[2].metric(t("descent.metric_loss", n=run.steps_taken), f"{run.fs[-1]:.6g}")
        if intercept:
            insight = quadratic_insight(hessian)
            st.markdown(t("descent.reg_bound", bound=bound, eig=", ".join(f"{e:.4g}" for e in insight.eigenvalues),
                          cond=insight.condition))
            st.markdown(t("descent.reg_lesson"))
        else:
            st.markdown(t("descent.w_star_formula", w=w_star) + " " + t("descent.reg_bound_1", bound=bound))
        with st.expander(t("descent.iterations"), icon=":material/table_rows:"):
            names = ["w", "b"] if intercept else ["w"]
            show_table(iteration_table(run, names, t("descent.col_loss")))
        show_code(reg.regression_descent, reg.loss_gradient)


page_header(PAGE)
VIEWS = {"1d": one_variable, "2d": two_variables, "reg": line_fit}
view = w.choice("view", t("descent.view"), list(VIEWS), "1d", format_func=lambda v: t(f"descent.view_{v}"),
                kind="segmented")
VIEWS[view]()
