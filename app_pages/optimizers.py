"""Optimizers: SGD, Momentum, Nesterov, AdaGrad, RMSprop and Adam race on test surfaces."""

from __future__ import annotations

import streamlit as st

from nnviz.core import quadratic as qd
from nnviz.core.averaging import ewa
from nnviz.core.optimizer import OPTIMIZERS, hyper_params, run_path
from nnviz.core.schedules import SCHEDULES, make_schedule
from nnviz.figures import optimizers as figs
from nnviz.lessons import optimizers as lesson
from nnviz.lessons.optimizers import (
    BOOK_FIGURE,
    Outcome,
    Run,
    ScheduleSpec,
    Setup,
    SurfaceSpec,
)
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.formula import formula_input
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import labels, t
from nnviz.ui.tables import table

PAGE = "optimizers"
# Schedules open with noisy gradients: small late steps average the noise out (f 0.0126 against 0.80
# at a constant rate); without noise a decaying rate only slows the descent down (0.078 against 0.013).
SCHEDULE_NOISE = 0.5
SURFACE_KEYS = ["elongated", "rosenbrock", "beale", "himmelblau", "saddle", "rastrigin", "custom"]
NAMES = list(OPTIMIZERS)
DEFAULT_OPTIMIZERS = list(BOOK_FIGURE.optimizers)
BOOK_LRS = dict(BOOK_FIGURE.lrs)
DEFAULT_FORMULA = "x**2/10 + y**2/2"
LR_IDS = list(hyper_params("sgd")[0].choices())
TOLERANCES = ["1e-2", "1e-3", "1e-4", "1e-6"]
SMALL_GRID, SURFACE_GRID = 70, 60
VIEWS = ["race", "multiples", "internals", "schedules", "averaging"]


def name(key: str) -> str:
    return t(f"optimizers.opt_{key}")


def book_preset() -> dict[str, object]:
    """The book's comparison figure as a one-click preset (widget key → value)."""
    return {"surface": BOOK_FIGURE.surface, "opts": list(BOOK_FIGURE.optimizers), "mode": "book",
            "steps": BOOK_FIGURE.steps, "noise": 0.0, "own_start": False, "view": "multiples",
            **{f"{n}_lr": f"{lr:g}" for n, lr in BOOK_FIGURE.lrs}}


# --- controls ----------------------------------------------------------------

def lr_choice(key: str, label: str, default: float) -> float:
    return w.ladder(key, label, LR_IDS, f"{default:g}")


def hyper_controls(opt: str, mode: str) -> dict[str, float]:
    """Sliders for one optimizer's hyper-parameters (its lr only in "book" mode)."""
    values: dict[str, float] = {}
    for hp in hyper_params(opt):
        key = f"{opt}_{hp.name}"
        label = t(f"optimizers.hp_{hp.name}")
        if hp.name != "lr":
            values[hp.name] = w.hyper_param(key, label, hp)
        elif mode == "book":
            values["lr"] = lr_choice(key, label, BOOK_LRS[opt])
    return values


def surface_controls() -> tuple[SurfaceSpec, tuple[float, float]]:
    key = w.choice("surface", t("optimizers.surface"), SURFACE_KEYS, "elongated",
                   format_func=lambda k: t(f"optimizers.surface_{k}"))
    spec = SurfaceSpec(key)
    if key == "custom":
        expr = formula_input("fxy", t("optimizers.formula"), DEFAULT_FORMULA, variables=("x", "y"),
                             help=t("optimizers.formula_help"))
        xlim = w.range_slider("xr", t("optimizers.x_window"), -10.0, 10.0, (-3.0, 3.0), step=0.5)
        ylim = w.range_slider("yr", t("optimizers.y_window"), -10.0, 10.0, (-3.0, 3.0), step=0.5)
        spec = SurfaceSpec("custom", expr.text, xlim, ylim)
    surface = lesson.build_surface(spec)
    start = surface.start
    if w.toggle("own_start", t("optimizers.own_start")):
        (x0, x1), (y0, y1), step = surface.xlim, surface.ylim, lesson.start_step(surface)
        start = (w.slider(f"sx_{key}", "x₀", x0, x1, float(surface.start[0]), step=step),
                 w.slider(f"sy_{key}", "y₀", y0, y1, float(surface.start[1]), step=step))
    return spec, (float(start[0]), float(start[1]))


def optimizer_controls() -> tuple[list[str], str, float | None]:
    chosen = w.multi("opts", t("optimizers.optimizers"), NAMES, DEFAULT_OPTIMIZERS, format_func=name)
    mode = w.choice("mode", t("optimizers.mode"), ["book", "shared", "tuned"], "book",
                    format_func=lambda m: t(f"optimizers.mode_{m}"), kind="segmented", help=t("optimizers.mode_help"))
    shared = lr_choice("lr", t("optimizers.shared_lr"), 0.1) if mode == "shared" else None
    return chosen, mode, shared


def run_controls(chosen: list[str], mode: str, shared: float | None) -> tuple[Run, ...]:
    st.subheader(t("optimizers.hyper_heading"))
    runs = []
    for opt in chosen:
        with st.expander(name(opt)):
            hyper = hyper_controls(opt, mode)
        if shared is not None:
            hyper["lr"] = shared
        runs.append(Run.of(opt, hyper))
    return tuple(runs)


def setup(with_optimizers: bool = True, noise_default: float = 0.0) -> Setup:
    """The sidebar: surface, start, updates and noise; optimizers and their hyper-parameters if asked."""
    with st.sidebar:
        st.header(t("optimizers.setup"))
        spec, start = surface_controls()
        chosen, mode, shared = optimizer_controls() if with_optimizers else ([], "book", None)
        steps = int(w.slider("steps", t("optimizers.steps"), 1, 300, 30, step=1))
        noise = w.slider("noise", t("optimizers.noise"), 0.0, 3.0, noise_default, step=0.05,
                         help=t("optimizers.noise_help"))
        seed = int(w.slider("seed", t("optimizers.seed"), 0, 999, 0, step=1)) if noise > 0 else 0
        runs = run_controls(chosen, mode, shared) if with_optimizers else ()
    s = Setup(spec, start, runs, mode, steps, noise, seed)
    if mode == "tuned":
        with st.spinner(t("optimizers.tuning")):
            failed = lesson.untunable(s)
            s = lesson.tuned(s)
        if failed:
            st.warning(t("optimizers.tune_failed", names=", ".join(name(n) for n in failed)), icon=":material/warning:")
    return s


# --- shared pieces -------------------------------------------------------------

def series(results: list[Outcome], names: list[str], style_ids: list[int]) -> list[figs.PathSeries]:
    """Paths as drawn: each one up to (and including) its first iterate outside the window."""
    return [figs.PathSeries(label, o.shown, o.path.values, i) for o, label, i in zip(results, names, style_ids)]


def styles(s: Setup) -> list[int]:
    return [NAMES.index(r.name) for r in s.runs]


def escape_notes(s: Setup, results: list[Outcome], names: list[str]) -> None:
    """A clear note for every path that left the map or diverged, and for a partly undefined f."""
    for o, label in zip(results, names):
        if o.diverged:
            st.warning(t("optimizers.diverged", name=label, k=o.path.diverged_at, shown=o.last_shown),
                       icon=":material/warning:")
        elif o.exit_at is not None:
            st.warning(t("optimizers.left_plot", name=label, k=o.exit_at), icon=":material/open_in_new:")
    if s.spec.key == "custom":
        share = lesson.defined_share(s.spec)
        if share == "none":
            st.error(t("optimizers.custom_undefined"))
        elif share == "part":
            st.warning(t("optimizers.custom_gaps"))


def settings(s: Setup) -> dict[str, object]:
    return {"f": s.spec.key, "steps": s.steps, "mode": s.mode}


def race_chart(s: Setup, results: list[Outcome], names: list[str], run_styles: list[int], alt: str,
               caption: str | None, extra: dict[str, object]) -> None:
    fig = figs.race_figure(lesson.scene(s.spec, s.start), series(results, names, run_styles), s.surface.f_min,
                           s.steps, labels(figs.RaceLabels, PAGE), presentation())
    chart(fig, PAGE, alt=alt, caption=caption, settings=settings(s) | extra)
    escape_notes(s, results, names)


def choose_one() -> None:
    st.info(t("optimizers.choose_one"))


# --- views ---------------------------------------------------------------------

def race_view(s: Setup) -> None:
    if not s.runs:
        return choose_one()
    results = list(lesson.outcomes(s))
    names = [name(r.name) for r in s.runs]
    race_chart(s, results, names, styles(s), alt=t("optimizers.alt_race", names=", ".join(names)),
               caption=t("optimizers.caption_race"), extra={})
    race_table(s, results)
    if w.toggle("surf3d", t("optimizers.show_3d")):
        fig3d = figs.surface_figure(lesson.map_grid(s.spec, SURFACE_GRID), series(results, names, styles(s)),
                                    labels(figs.SurfaceLabels, PAGE), presentation())
        chart(fig3d, PAGE, alt=t("optimizers.alt_3d"), settings=settings(s) | {"view": "3d"})
    theory = quadratic_panel(s)
    show_code(run_path, *[OPTIMIZERS[r.name].compute_step for r in s.runs[:2]], lesson.race_stats,
              *([qd.quadratic_insight, lesson.contraction_checks] if theory else []))


def race_table(s: Setup, results: list[Outcome]) -> None:
    left, _ = st.columns([1, 3])
    with left:
        tol_id = w.choice("tol", t("optimizers.tolerance"), TOLERANCES, "1e-3", kind="segmented")
    stats = [lesson.race_stats(o.path, s.surface.f_min, float(tol_id)) for o in results]
    final, length = t("optimizers.col_final"), t("optimizers.col_length")
    st.markdown(t("optimizers.race_heading", tol=tol_id))
    table({
        t("optimizers.col_optimizer"): [name(r.name) for r in s.runs],
        "η": [r.lr for r in s.runs],
        t("optimizers.col_steps_to", tol=tol_id): ["—" if x.steps_to_tol is None else str(x.steps_to_tol)
                                                    for x in stats],
        final: [x.final_value for x in stats],
        length: [x.length for x in stats],
        t("optimizers.col_status"): [t("optimizers.status_diverged", k=o.path.diverged_at) if o.diverged
                                     else t("optimizers.status_ok") for o in results],
    }, formats={"η": "%.4g", final: "%.4g", length: "%.3f"})
    if s.surface.f_min is None:
        st.caption(t("optimizers.no_minimum" if lesson.quadratic(s.spec) else "optimizers.no_fmin"))
    if s.mode == "tuned":
        st.caption(t("optimizers.tuned_note"))


def quadratic_metrics(q: qd.QuadraticInsight) -> None:
    lo, hi = q.eigenvalues
    cols = st.columns(5)
    cols[0].metric("λ_min, λ_max", f"{lo:.4g}, {hi:.4g}")
    cols[1].metric(t("optimizers.quad_kappa"), f"{q.condition:.4g}")
    cols[2].metric(t("optimizers.quad_stable"), f"{q.stable_lr:.4g}")
    cols[3].metric(t("optimizers.quad_best_gd"), f"{q.gd_lr:.4g}")
    cols[4].metric(t("optimizers.quad_best_hb"), f"{q.hb_lr:.4g}, {q.hb_momentum:.4g}")
    st.latex(r"\eta_{GD}^* = \frac{2}{\lambda_{min}+\lambda_{max}}, \quad "
             r"\eta_{HB}^* = \frac{4}{(\sqrt{\lambda_{max}}+\sqrt{\lambda_{min}})^2}, \quad "
             r"\alpha^* = \left(\frac{\sqrt{\kappa}-1}{\sqrt{\kappa}+1}\right)^2")


def setting(check: lesson.RateCheck) -> str:
    return f"η = {check.lr:.4g}" if check.momentum is None else f"η = {check.lr:.4g}, α = {check.momentum:.4g}"


def quadratic_panel(s: Setup) -> bool:
    """The theory of a quadratic surface and where the SGD/Momentum settings sit; False if f is not quadratic."""
    q = lesson.quadratic(s.spec)
    if q is None:
        return False
    st.subheader(t("optimizers.quad_heading"))
    if q.shape != "bowl":
        st.markdown(t(f"optimizers.quad_{q.shape}", lo=q.eigenvalues[0], hi=q.eigenvalues[1]))
        return True
    quadratic_metrics(q)
    checks = lesson.contraction_checks(q, s.runs)
    if not checks:
        st.caption(t("optimizers.quad_only_linear"))
        return True
    yours, best = t("optimizers.quad_yours"), t("optimizers.quad_best")
    st.markdown(t("optimizers.quad_where"))
    table({
        t("optimizers.col_optimizer"): [name(c.name) for c in checks],
        t("optimizers.quad_setting"): [setting(c) for c in checks],
        yours: [c.factor for c in checks],
        best: [c.best for c in checks],
        t("optimizers.quad_verdict"): [t("optimizers.verdict_diverges") if c.steps is None
                                       else t("optimizers.verdict_converges", n=c.steps) for c in checks],
    }, formats={yours: "%.4f", best: "%.4f"})
    return True


def multiples_view(s: Setup) -> None:
    w.preset_button(t("optimizers.book_preset"), book_preset(), key="book_preset",
                    icon=":material/menu_book:", help=t("optimizers.book_preset_help"))
    if not s.runs:
        return choose_one()
    results = list(lesson.outcomes(s))
    names = [name(r.name) for r in s.runs]
    titles = [f"{n} (η = {r.lr:g})" for n, r in zip(names, s.runs)]
    fig = figs.multiples_figure(lesson.scene(s.spec, s.start, SMALL_GRID), series(results, names, styles(s)), titles,
                                labels(figs.MultiplesLabels, PAGE), presentation())
    chart(fig, PAGE, alt=t("optimizers.alt_multiples", names=", ".join(names)),
          caption=t("optimizers.caption_multiples"), settings=settings(s) | {"view": "multiples"})
    escape_notes(s, results, names)
    points = results[0].path.points
    if len(points) > 1:
        st.markdown(t("optimizers.first_step", name=names[0], x0=points[0][0], y0=points[0][1],
                      x1=points[1][0], y1=points[1][1]))


def internals_view(s: Setup) -> None:
    if not s.runs:
        return choose_one()
    chosen = [r.name for r in s.runs]
    pick = w.choice("inspect", t("optimizers.inspect"), chosen, chosen[0], format_func=name, kind="segmented")
    r = s.runs[chosen.index(pick)] if pick in chosen else s.runs[0]
    result = lesson.outcome(s.spec, s.start, r, s.steps, s.noise, s.seed, internals=True)
    label = name(r.name)
    race_chart(s, [result], [label], [NAMES.index(r.name)], alt=t("optimizers.alt_race", names=label),
               caption=None, extra={"inspect": r.name})
    st.latex(OPTIMIZERS[r.name].RULE)
    st.markdown(t("optimizers.internals_lead"))
    table(lesson.internals_columns(result.path, t("optimizers.col_effective")), height=360)
    show_code(OPTIMIZERS[r.name].compute_step, lesson.effective_rates)


def schedule_params(sched: str, steps: int) -> dict[str, object]:
    """The chosen schedule's own sliders (multi-step: milestones at fixed shares of the run)."""
    params: dict[str, object] = {}
    left, right, _ = st.columns([1, 1, 2])
    if sched == "step":
        with left:
            params["step_size"] = int(w.slider("step_size", t("optimizers.step_size"), 1, 100, 10, step=1))
        with right:
            params["gamma"] = w.slider("gamma", "γ", 0.05, 0.95, 0.5, step=0.05)
    elif sched == "multistep":
        params["milestones"] = lesson.milestones(steps)
        with left:
            params["gamma"] = w.slider("gamma", "γ", 0.05, 0.95, 0.5, step=0.05)
        with right:
            st.caption(t("optimizers.milestones", marks=", ".join(map(str, params["milestones"]))))
    elif sched == "exponential":
        with left:
            params["gamma"] = w.slider("egamma", "γ", 0.5, 0.999, 0.9, step=0.001, fmt="%.3f")
    elif sched == "cosine":
        with left:
            params["t_max"] = int(w.slider("t_max", "T_max", 1, 300, 30, step=1))
    return params


def schedule_choices() -> tuple[str, str, float, int]:
    """The schedule, the optimizer, the base rate and the warm-up, in one row above the chart."""
    cols = st.columns(4)
    with cols[0]:
        sched = w.choice("sched", t("optimizers.schedule"), list(SCHEDULES), "step",
                         format_func=lambda k: t(f"optimizers.sched_{k}"))
    with cols[1]:
        opt = w.choice("sch_opt", t("optimizers.sched_optimizer"), NAMES, "sgd", format_func=name)
    with cols[2]:
        base = lr_choice("sch_lr", t("optimizers.base_lr"), 0.95)
    with cols[3]:
        warmup = int(w.slider("warmup", t("optimizers.warmup"), 0, 50, 0, step=1))
    return sched, opt, base, warmup


def schedules_view(s: Setup) -> None:
    """The chart comes right after the main row of controls; the schedule's own sliders go under it,
    so that on a 1280×720 projector the chart starts inside the screen."""
    sched, opt, base, warmup = schedule_choices()
    chart_slot = st.container()
    spec = ScheduleSpec(sched, base, warmup, tuple(sorted(schedule_params(sched, s.steps).items())))
    r = Run.defaults(opt, spec.base_lr)
    results = [lesson.outcome(s.spec, s.start, r, s.steps, s.noise, s.seed, schedule)
               for schedule in (None, spec)]
    names = [t("optimizers.constant_path", name=name(opt)), t("optimizers.scheduled_path", name=name(opt))]
    fig = figs.schedule_figure(lesson.schedule_rates(spec, s.steps), spec.base_lr, lesson.scene(s.spec, s.start),
                               series(results, names, [0, 1]), labels(figs.ScheduleLabels, PAGE), presentation())
    with chart_slot:
        chart(fig, PAGE, alt=t("optimizers.alt_schedule"), caption=t("optimizers.caption_schedule"),
              settings={"sched": spec.name, "lr": spec.base_lr, "opt": opt})
    escape_notes(s, results, names)
    for col, label, result in zip(st.columns(2), names, results):
        col.metric(t("optimizers.final_of", name=label), f"{result.final_value:.4g}")
    st.markdown(t("optimizers.schedule_lesson"))
    show_code(SCHEDULES[spec.name], make_schedule)


def averaging_view() -> None:
    cols = st.columns(3)
    with cols[0]:
        days = int(w.slider("days", t("optimizers.days"), 5, 365, 30, step=1))
    with cols[1]:
        spread = w.slider("avg_noise", t("optimizers.avg_noise"), 0.0, 10.0, 3.0, step=0.5)
    with cols[2]:
        avg_seed = int(w.slider("avg_seed", t("optimizers.seed"), 0, 999, 0, step=1))
    smooth = lesson.smoothing(days, avg_seed, spread)
    fig = figs.averaging_figure(smooth, labels(figs.AveragingLabels, PAGE), presentation())
    chart(fig, PAGE, alt=t("optimizers.alt_averaging"), caption=t("optimizers.caption_averaging"),
          settings={"days": days, "seed": avg_seed})
    rows = "; ".join(f"β = {b}: {raw[0]:.3f} → {corrected[0]:.3f}"
                     for b, raw, corrected in zip(smooth.betas, smooth.raw, smooth.corrected))
    st.markdown(t("optimizers.day_one", x1=smooth.data[0], rows=rows))
    st.latex(r"v_t = \beta\,v_{t-1} + (1-\beta)\,x_t,\quad v_0 = 0,\qquad \hat v_t = \frac{v_t}{1-\beta^t}")
    st.markdown(t("optimizers.averaging_lesson"))
    show_code(ewa)


page_header(PAGE)
PANELS = {"race": race_view, "multiples": multiples_view, "internals": internals_view,
          "schedules": schedules_view}
view = w.choice("view", t("optimizers.view"), VIEWS, "race", format_func=lambda v: t(f"optimizers.view_{v}"),
                kind="segmented")
if view == "averaging":
    averaging_view()
else:
    schedules = view == "schedules"
    PANELS[view](setup(with_optimizers=not schedules, noise_default=SCHEDULE_NOISE if schedules else 0.0))
