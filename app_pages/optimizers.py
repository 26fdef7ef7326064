"""Optimizers: SGD, Momentum, Nesterov, AdaGrad, RMSprop and Adam race on test surfaces."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import streamlit as st

from nnviz.core import quadratic as qd
from nnviz.core.paths import first_exit
from nnviz.core.surfaces import quadratic_hessian, surface_from_expression
from nnviz.core import averaging
from nnviz.lessons import optimizers as oa
from nnviz.core.expr import Expression, parse
from nnviz.figures import optimizers as figs
from nnviz.core.optimizer import BOOK_LRS, OPTIMIZERS, OptimizerPath, hyper_params, make_optimizer, run_path, tune_lr
from nnviz.core.schedules import SCHEDULES, make_schedule
from nnviz.core.surfaces import SURFACES, Surface, surface_grid
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.formula import formula_input
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import t

PAGE = "optimizers"
SURFACE_KEYS = ["elongated", "rosenbrock", "beale", "himmelblau", "saddle", "rastrigin", "custom"]
NAMES = list(OPTIMIZERS)
DEFAULT_OPTIMIZERS = ["sgd", "momentum", "adagrad", "adam"]
DEFAULT_FORMULA = "x**2/10 + y**2/2"
LR_IDS = list(hyper_params("sgd")[0].choices())
TOLERANCES = ["1e-2", "1e-3", "1e-4", "1e-6"]
BETAS = (0.5, 0.9, 0.99)
MAP_GRID, SMALL_GRID, SURFACE_GRID = 100, 70, 60
VIEWS = ["race", "multiples", "internals", "schedules", "averaging"]
# The book's comparison figure as a one-click preset (widget key → value).
BOOK_PRESET = {"surface": "elongated", "opts": DEFAULT_OPTIMIZERS, "mode": "book", "steps": 30, "noise": 0.0,
               "own_start": False, "view": "multiples",
               **{f"{n}_lr": f"{BOOK_LRS[n]:g}" for n in NAMES}}


def name(key: str) -> str:
    return t(f"optimizers.opt_{key}")


@dataclass(frozen=True)
class SurfaceSpec:
    """What identifies the surface: a preset key, or a formula with its window (hashable, for caches)."""

    key: str
    formula: str = ""
    xlim: tuple[float, float] = (-3.0, 3.0)
    ylim: tuple[float, float] = (-3.0, 3.0)


@lru_cache(maxsize=64)
def build_surface(spec: SurfaceSpec) -> Surface:
    if spec.key != "custom":
        return SURFACES[spec.key]
    return surface_from_expression(parse(spec.formula, ("x", "y")), spec.xlim, spec.ylim)


@dataclass(frozen=True)
class Run:
    """One optimizer's settings as used: hyper-parameters (sorted pairs) and the lr."""

    name: str
    hyper: tuple[tuple[str, float], ...]

    @property
    def lr(self) -> float:
        return dict(self.hyper)["lr"]


@st.cache_data(max_entries=512, show_spinner=False)
def run(spec: SurfaceSpec, start: tuple[float, float], opt: Run, steps: int, noise: float, seed: int,
        schedule: tuple | None = None) -> OptimizerPath:
    surface = build_surface(spec)
    sched = None if schedule is None else make_schedule(schedule[0], schedule[1], schedule[2], **dict(schedule[3]))
    return run_path(surface.gradient_at, start, make_optimizer(opt.name, **dict(opt.hyper)), steps,
                    f=surface.value_at, noise_std=noise, seed=seed, schedule=sched)


@st.cache_data(max_entries=256, show_spinner=False)
def tuned_lr(spec: SurfaceSpec, start: tuple[float, float], opt: Run, steps: int, noise: float, seed: int) -> float:
    surface = build_surface(spec)
    lr, _ = tune_lr(surface.gradient_at, surface.value_at, start, opt.name, steps, hyper=dict(opt.hyper),
                    noise_std=noise, seed=seed)
    return lr


@st.cache_data(max_entries=64, show_spinner=False)
def grid(spec: SurfaceSpec, n: int) -> figs.Grid:
    X, Y, Z = surface_grid(build_surface(spec), n)
    return figs.Grid(X[0], Y[:, 0], Z)


# --- controls ----------------------------------------------------------------

@dataclass(frozen=True)
class Setup:
    spec: SurfaceSpec
    surface: Surface
    start: tuple[float, float]
    runs: list[Run]
    mode: str
    steps: int
    noise: float
    seed: int


def lr_choice(key: str, label: str, default: float) -> float:
    return float(w.choice(key, label, LR_IDS, f"{default:g}", kind="slider"))


def hyper_controls(opt: str, mode: str) -> dict[str, float]:
    """Sliders for one optimizer's hyper-parameters (its lr only in "book" mode)."""
    values: dict[str, float] = {}
    for hp in hyper_params(opt):
        key = f"{opt}_{hp.name}"
        label = t(f"optimizers.hp_{hp.name}")
        if hp.name == "lr":
            if mode == "book":
                values["lr"] = lr_choice(key, label, BOOK_LRS[opt])
        else:
            values[hp.name] = w.hyper_param(key, label, hp)
    return values


def surface_controls() -> tuple[SurfaceSpec, Surface, tuple[float, float]]:
    key = w.choice("surface", t("optimizers.surface"), SURFACE_KEYS, "elongated",
                   format_func=lambda k: t(f"optimizers.surface_{k}"))
    spec = SurfaceSpec(key)
    if key == "custom":
        expr: Expression = formula_input("fxy", t("optimizers.formula"), DEFAULT_FORMULA, variables=("x", "y"),
                                         help=t("optimizers.formula_help"))
        xlim = w.range_slider("xr", t("optimizers.x_window"), -10.0, 10.0, (-3.0, 3.0), step=0.5)
        ylim = w.range_slider("yr", t("optimizers.y_window"), -10.0, 10.0, (-3.0, 3.0), step=0.5)
        spec = SurfaceSpec("custom", expr.text, xlim, ylim)
    surface = build_surface(spec)
    start = surface.start
    if w.toggle("own_start", t("optimizers.own_start")):
        (x0, x1), (y0, y1) = surface.xlim, surface.ylim
        step = round((x1 - x0) / 200, 3)
        start = (w.slider(f"sx_{key}", "x₀", x0, x1, float(surface.start[0]), step=step),
                 w.slider(f"sy_{key}", "y₀", y0, y1, float(surface.start[1]), step=step))
    return spec, surface, (float(start[0]), float(start[1]))


def setup(with_optimizers: bool = True) -> Setup:
    """The sidebar: surface, start, updates and noise; optimizers and their hyper-parameters if asked."""
    with st.sidebar:
        st.header(t("optimizers.setup"))
        spec, surface, start = surface_controls()
        if with_optimizers:
            chosen = w.multi("opts", t("optimizers.optimizers"), NAMES, DEFAULT_OPTIMIZERS, format_func=name)
            mode = w.choice("mode", t("optimizers.mode"), ["book", "shared", "tuned"], "book",
                            format_func=lambda m: t(f"optimizers.mode_{m}"), kind="segmented",
                            help=t("optimizers.mode_help"))
            shared = lr_choice("lr", t("optimizers.shared_lr"), 0.1) if mode == "shared" else None
        steps = int(w.slider("steps", t("optimizers.steps"), 1, 300, 30, step=1))
        noise = w.slider("noise", t("optimizers.noise"), 0.0, 3.0, 0.0, step=0.05, help=t("optimizers.noise_help"))
        seed = int(w.slider("seed", t("optimizers.seed"), 0, 999, 0, step=1)) if noise > 0 else 0
        if not with_optimizers:
            return Setup(spec, surface, start, [], "book", steps, noise, seed)
        st.subheader(t("optimizers.hyper_heading"))
        runs = []
        for opt in chosen:
            with st.expander(name(opt)):
                hyper = hyper_controls(opt, mode)
            if shared is not None:
                hyper["lr"] = shared
            runs.append(Run(opt, tuple(sorted(hyper.items()))))
    if mode == "tuned":
        with st.spinner(t("optimizers.tuning")):
            runs = [Run(r.name, tuple(sorted({**dict(r.hyper), "lr": tuned_lr(spec, start, r, steps, noise, seed)}.items())))
                    for r in runs]
    return Setup(spec, surface, start, runs, mode, steps, noise, seed)


# --- shared pieces -------------------------------------------------------------

def labels() -> dict[str, str]:
    keys = ["start", "minimum", "play", "pause", "step", "iteration", "loss_gap", "loss_value", "map_title",
            "loss_title", "surface_title", "lr_title", "path_title", "lr_axis", "raw_title", "corrected_title",
            "day", "value", "data"]
    return {k: t(f"optimizers.fig_{k}") for k in keys}


def minima(surface: Surface) -> list[tuple[float, float]]:
    (x0, x1), (y0, y1) = surface.xlim, surface.ylim
    return [(c.x, c.y) for c in surface.critical_points if c.kind == "min" and x0 <= c.x <= x1 and y0 <= c.y <= y1]


def series(s: Setup, paths: list[OptimizerPath], names: list[str], styles: list[int]) -> list[figs.PathSeries]:
    """Paths as drawn: each one up to (and including) its first iterate outside the window."""
    out = []
    for path, label, style in zip(paths, names, styles):
        exit_at = first_exit(path.points, s.surface.xlim, s.surface.ylim)
        shown = path.points if exit_at is None else path.points[: exit_at + 1]
        out.append(figs.PathSeries(label, shown, path.values, style))
    return out


def escape_notes(s: Setup, paths: list[OptimizerPath], names: list[str]) -> None:
    """A clear note for every path that left the map or diverged."""
    for path, label in zip(paths, names):
        exit_at = first_exit(path.points, s.surface.xlim, s.surface.ylim)
        if path.status == "diverged":
            st.warning(t("optimizers.diverged", name=label, k=path.diverged_at,
                         shown=exit_at if exit_at is not None else len(path.points) - 1), icon=":material/warning:")
        elif exit_at is not None:
            st.warning(t("optimizers.left_plot", name=label, k=exit_at), icon=":material/open_in_new:")
    if s.surface.key == "custom":
        g = grid(s.spec, MAP_GRID).z
        if not np.isfinite(g).any():
            st.error(t("optimizers.custom_undefined"))
        elif not np.isfinite(g).all():
            st.warning(t("optimizers.custom_gaps"))


def run_all(s: Setup) -> list[OptimizerPath]:
    return [run(s.spec, s.start, r, s.steps, s.noise, s.seed) for r in s.runs]


def settings(s: Setup) -> dict[str, object]:
    return {"f": s.spec.key, "steps": s.steps, "mode": s.mode}


def choose_one() -> bool:
    st.info(t("optimizers.choose_one"))
    return False


# --- views ---------------------------------------------------------------------

def race_view(s: Setup) -> None:
    if not s.runs:
        return choose_one()
    paths = run_all(s)
    names = [name(r.name) for r in s.runs]
    styles = [NAMES.index(r.name) for r in s.runs]
    fig = figs.race_figure(grid(s.spec, MAP_GRID), series(s, paths, names, styles), s.start, minima(s.surface),
                           s.surface.f_min, s.steps, labels(), presentation())
    chart(fig, PAGE, alt=t("optimizers.alt_race", names=", ".join(names)), caption=t("optimizers.caption_race"),
          settings=settings(s))
    escape_notes(s, paths, names)
    race_table(s, paths)
    if w.toggle("surf3d", t("optimizers.show_3d")):
        fig3d = figs.surface_figure(grid(s.spec, SURFACE_GRID), series(s, paths, names, styles), labels(), presentation())
        chart(fig3d, PAGE, alt=t("optimizers.alt_3d"), settings=settings(s) | {"view": "3d"})
    quadratic_panel(s)
    show_code(run_path, *[OPTIMIZERS[r.name].compute_step for r in s.runs[:2]], oa.race_stats)


def race_table(s: Setup, paths: list[OptimizerPath]) -> None:
    left, _ = st.columns([1, 3])
    with left:
        tol_id = w.choice("tol", t("optimizers.tolerance"), TOLERANCES, "1e-3", kind="segmented")
    tol = float(tol_id)
    rows = []
    for r, path in zip(s.runs, paths):
        stats = oa.race_stats(path, s.surface.f_min, tol)
        status = (t("optimizers.status_diverged", k=path.diverged_at) if path.status == "diverged"
                  else t("optimizers.status_ok"))
        rows.append({
            t("optimizers.col_optimizer"): name(r.name),
            "η": r.lr,
            t("optimizers.col_steps_to", tol=tol_id): str(stats.steps_to_tol) if stats.steps_to_tol is not None else "—",
            t("optimizers.col_final"): stats.final_value,
            t("optimizers.col_length"): stats.length,
            t("optimizers.col_status"): status,
        })
    st.markdown(t("optimizers.race_heading", tol=tol_id))
    table = pd.DataFrame(rows)
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "η": st.column_config.NumberColumn(format="%.4g"),
        t("optimizers.col_final"): st.column_config.NumberColumn(format="%.4g"),
        t("optimizers.col_length"): st.column_config.NumberColumn(format="%.3f"),
    })
    if s.surface.f_min is None:
        st.caption(t("optimizers.no_fmin"))
    if s.mode == "tuned":
        st.caption(t("optimizers.tuned_note"))


def quadratic_panel(s: Setup) -> None:
    hessian = quadratic_hessian(s.surface)
    if hessian is None:
        return
    q = qd.quadratic_insight(hessian)
    st.subheader(t("optimizers.quad_heading"))
    lo, hi = q.eigenvalues
    if q.condition is None:
        st.markdown(t("optimizers.quad_indefinite", lo=lo, hi=hi))
        return
    cols = st.columns(5)
    cols[0].metric("λ_min, λ_max", f"{lo:.4g}, {hi:.4g}")
    cols[1].metric(t("optimizers.quad_kappa"), f"{q.condition:.4g}")
    cols[2].metric(t("optimizers.quad_stable"), f"{q.stable_lr:.4g}")
    cols[3].metric(t("optimizers.quad_best_gd"), f"{q.gd_lr:.4g}")
    cols[4].metric(t("optimizers.quad_best_hb"), f"{q.hb_lr:.4g}, {q.hb_momentum:.4g}")
    st.latex(r"\eta_{GD}^* = \frac{2}{\lambda_{min}+\lambda_{max}}, \quad "
             r"\eta_{HB}^* = \frac{4}{(\sqrt{\lambda_{max}}+\sqrt{\lambda_{min}})^2}, \quad "
             r"\alpha^* = \left(\frac{\sqrt{\kappa}-1}{\sqrt{\kappa}+1}\right)^2")
    rows = []
    for r in s.runs:
        hyper = dict(r.hyper)
        if r.name == "sgd":
            yours, best = qd.gd_contraction(r.lr, q.eigenvalues), q.gd_rate
            setting = f"η = {r.lr:.4g}"
        elif r.name == "momentum":
            yours = qd.heavy_ball_contraction(r.lr, hyper["momentum"], q.eigenvalues)
            best, setting = q.hb_rate, f"η = {r.lr:.4g}, α = {hyper['momentum']:.4g}"
        else:
            continue
        rows.append({t("optimizers.col_optimizer"): name(r.name), t("optimizers.quad_setting"): setting,
                     t("optimizers.quad_yours"): yours, t("optimizers.quad_best"): best,
                     t("optimizers.quad_verdict"): t("optimizers.verdict_diverges") if yours >= 1
                     else t("optimizers.verdict_converges", n=qd.steps_to_shrink(yours, 1e-3))})
    if rows:
        st.markdown(t("optimizers.quad_where"))
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_config={
            t("optimizers.quad_yours"): st.column_config.NumberColumn(format="%.4f"),
            t("optimizers.quad_best"): st.column_config.NumberColumn(format="%.4f")})
    else:
        st.caption(t("optimizers.quad_only_linear"))
    show_code(qd.quadratic_insight, qd.heavy_ball_contraction)


def apply_book_preset() -> None:
    for key, value in BOOK_PRESET.items():
        st.session_state[key] = list(value) if isinstance(value, list) else value


def multiples_view(s: Setup) -> None:
    st.button(t("optimizers.book_preset"), on_click=apply_book_preset, icon=":material/menu_book:",
              help=t("optimizers.book_preset_help"))
    if not s.runs:
        return choose_one()
    paths = run_all(s)
    names = [name(r.name) for r in s.runs]
    titles = [f"{n} (η = {r.lr:g})" for n, r in zip(names, s.runs)]
    styles = [NAMES.index(r.name) for r in s.runs]
    fig = figs.multiples_figure(grid(s.spec, SMALL_GRID), series(s, paths, names, styles), titles, s.start,
                                minima(s.surface), labels(), presentation())
    chart(fig, PAGE, alt=t("optimizers.alt_multiples", names=", ".join(names)),
          caption=t("optimizers.caption_multiples"), settings=settings(s) | {"view": "multiples"})
    escape_notes(s, paths, names)
    first = paths[0]
    if len(first.points) > 1:
        st.markdown(t("optimizers.first_step", name=names[0], x0=first.points[0][0], y0=first.points[0][1],
                      x1=first.points[1][0], y1=first.points[1][1]))


def internals_view(s: Setup) -> None:
    if not s.runs:
        return choose_one()
    chosen = [r.name for r in s.runs]
    pick = w.choice("inspect", t("optimizers.inspect"), chosen, chosen[0], format_func=name, kind="segmented")
    r = s.runs[chosen.index(pick)] if pick in chosen else s.runs[0]
    path = run(s.spec, s.start, r, s.steps, s.noise, s.seed)
    label = name(r.name)
    fig = figs.race_figure(grid(s.spec, MAP_GRID), series(s, [path], [label], [NAMES.index(r.name)]), s.start,
                           minima(s.surface), s.surface.f_min, s.steps, labels(), presentation())
    chart(fig, PAGE, alt=t("optimizers.alt_race", names=label), settings=settings(s) | {"inspect": r.name})
    escape_notes(s, [path], [label])
    st.latex(OPTIMIZERS[r.name].RULE)
    st.markdown(t("optimizers.internals_lead"))
    st.dataframe(internals_table(path), hide_index=True, width="stretch", height=360)
    show_code(OPTIMIZERS[r.name].compute_step, oa.effective_rates)


def internals_table(path: OptimizerPath) -> pd.DataFrame:
    """One row per step: where it started, the gradient, the state after it, ΔW and −ΔW/g."""
    n = len(path.steps)
    columns: dict[str, np.ndarray] = {"k": np.arange(1, n + 1), "η": path.lrs}
    pairs = [("w", path.points[:n]), ("g", path.grads)]
    pairs += [(key, values) for key, values in path.state.items()]
    pairs += [("ΔW", path.steps), (t("optimizers.col_effective"), oa.effective_rates(path))]
    for label, values in pairs:
        for i, axis in enumerate(("x", "y")):
            columns[f"{label} {axis}"] = values[:, i] if len(values) else np.empty(0)
    return pd.DataFrame(columns).round(6)


def schedules_view(s: Setup) -> None:
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
    overrides: dict[str, object] = {}
    left, right, _ = st.columns([1, 1, 2])
    if sched == "step":
        with left:
            overrides["step_size"] = int(w.slider("step_size", t("optimizers.step_size"), 1, 100, 10, step=1))
        with right:
            overrides["gamma"] = w.slider("gamma", "γ", 0.05, 0.95, 0.5, step=0.05)
    elif sched == "multistep":
        overrides["milestones"] = tuple(sorted({max(1, int(s.steps * f)) for f in (0.3, 0.6, 0.8)}))
        with left:
            overrides["gamma"] = w.slider("gamma", "γ", 0.05, 0.95, 0.5, step=0.05)
        with right:
            st.caption(t("optimizers.milestones", marks=", ".join(map(str, overrides["milestones"]))))
    elif sched == "exponential":
        with left:
            overrides["gamma"] = w.slider("egamma", "γ", 0.5, 0.999, 0.9, step=0.001, fmt="%.3f")
    elif sched == "cosine":
        with left:
            overrides["t_max"] = int(w.slider("t_max", "T_max", 1, 300, 30, step=1))
    hyper = {hp.name: hp.default for hp in hyper_params(opt)} | {"lr": base}
    r = Run(opt, tuple(sorted(hyper.items())))
    spec = (sched, base, warmup, tuple(sorted(overrides.items())))
    plain = run(s.spec, s.start, r, s.steps, s.noise, s.seed)
    scheduled = run(s.spec, s.start, r, s.steps, s.noise, s.seed, spec)
    names = [t("optimizers.constant_path", name=name(opt)), t("optimizers.scheduled_path", name=name(opt))]
    shown = series(s, [plain, scheduled], names, [0, 1])
    rates = np.asarray(make_schedule(sched, base, warmup, **overrides)(np.arange(s.steps)), dtype=float)
    fig = figs.schedule_figure(np.arange(1, s.steps + 1), rates, base, grid(s.spec, MAP_GRID), shown, s.start,
                               minima(s.surface), labels(), presentation())
    chart(fig, PAGE, alt=t("optimizers.alt_schedule"), caption=t("optimizers.caption_schedule"),
          settings={"sched": sched, "lr": base, "opt": opt})
    escape_notes(s, [plain, scheduled], names)
    final = [p.values[-1] for p in (plain, scheduled)]
    cols = st.columns(2)
    for col, label, value in zip(cols, names, final):
        col.metric(t("optimizers.final_of", name=label), f"{value:.4g}")
    st.markdown(t("optimizers.schedule_lesson"))
    show_code(SCHEDULES[sched], make_schedule)


def averaging_view() -> None:
    cols = st.columns(3)
    with cols[0]:
        days = int(w.slider("days", t("optimizers.days"), 5, 365, 30, step=1))
    with cols[1]:
        spread = w.slider("avg_noise", t("optimizers.avg_noise"), 0.0, 10.0, 3.0, step=0.5)
    with cols[2]:
        avg_seed = int(w.slider("avg_seed", t("optimizers.seed"), 0, 999, 0, step=1))
    temps = averaging.noisy_temperatures(days=days, seed=avg_seed, noise_std=spread)
    averages = [(f"β = {b}", averaging.ewa(temps, b), averaging.ewa(temps, b, bias_correction=True))
                for b in BETAS]
    fig = figs.averaging_figure(np.arange(1, days + 1), temps, averages, labels(), presentation())
    chart(fig, PAGE, alt=t("optimizers.alt_averaging"), caption=t("optimizers.caption_averaging"),
          settings={"days": days, "seed": avg_seed})
    first = temps[0]
    st.markdown(t("optimizers.day_one", x1=first, rows="; ".join(
        f"β = {b}: {(1 - b) * first:.3f} → {first:.3f}" for b in BETAS)))
    st.latex(r"v_t = \beta\,v_{t-1} + (1-\beta)\,x_t,\quad v_0 = 0,\qquad \hat v_t = \frac{v_t}{1-\beta^t}")
    st.markdown(t("optimizers.averaging_lesson"))
    show_code(averaging.ewa)


page_header(PAGE)
PANELS = {"race": race_view, "multiples": multiples_view, "internals": internals_view,
          "schedules": schedules_view}
view = w.choice("view", t("optimizers.view"), VIEWS, "race", format_func=lambda v: t(f"optimizers.view_{v}"),
                kind="segmented")
if view == "averaging":
    averaging_view()
else:
    PANELS[view](setup(with_optimizers=view != "schedules"))
