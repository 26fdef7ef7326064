"""What the Optimizers page computes: runs of every optimizer on a test surface (cached), how each
run sits in the plotted window, race statistics, the quadratic theory against your settings, the
step-by-step internals, learning-rate schedules and exponentially weighted averages."""

from __future__ import annotations

import math

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

import numpy as np

from nnviz.core import quadratic as qd
from nnviz.core.averaging import ewa, noisy_temperatures
from nnviz.core.expr import parse
from nnviz.core.optimizer import (
    BOOK_LRS,
    OptimizerPath,
    hyper_params,
    make_optimizer,
    run_path,
    tune_lr,
)
from nnviz.core.paths import first_exit, path_length
from nnviz.core.schedules import Schedule, ScheduleParam, make_schedule
from nnviz.core.surfaces import (
    SURFACES,
    CriticalPoint,
    Surface,
    quadratic_hessian,
    surface_from_expression,
    surface_grid,
    with_quadratic_minimum,
)
from nnviz.lessons.frozen import read_only
from nnviz.lessons.runs import run_length

Array = np.ndarray
Point = tuple[float, float]
MAP_GRID = 100
SHRINK = 1e-3
"""The quadratic table's verdict: updates until the error is SHRINK times what it was."""
MILESTONE_FRACTIONS = (0.3, 0.6, 0.8)
BETAS = (0.5, 0.9, 0.99)
INTERNALS_DIGITS = 6




# --- the surface -----------------------------------------------------------------

@dataclass(frozen=True)
class SurfaceSpec:
    """What identifies the surface: a preset key, or "custom" with a formula and its window (hashable)."""

    key: str
    formula: str = ""
    xlim: tuple[float, float] = (-3.0, 3.0)
    ylim: tuple[float, float] = (-3.0, 3.0)


@lru_cache(maxsize=64)
def build_surface(spec: SurfaceSpec) -> Surface:
    """The preset, or the typed f(x, y) with SymPy's gradient and Hessian over its window (and, for a
    quadratic with a minimum, that minimum in closed form)."""
    if spec.key != "custom":
        return SURFACES[spec.key]
    return with_quadratic_minimum(surface_from_expression(parse(spec.formula, ("x", "y")), spec.xlim, spec.ylim))


@dataclass(frozen=True)
class Grid:
    """f sampled on a regular grid (rows follow y), for contour and surface plots; read-only."""

    x: Array
    y: Array
    z: Array


@lru_cache(maxsize=64)
def map_grid(spec: SurfaceSpec, n: int = MAP_GRID) -> Grid:
    """f on an n × n grid over the surface's window."""
    X, Y, Z = surface_grid(build_surface(spec), n)
    grid = Grid(X[0].copy(), Y[:, 0].copy(), Z)
    read_only(grid.x, grid.y, grid.z)
    return grid


def start_step(surface: Surface) -> float:
    """The step of the start sliders: 1/200 of the window's width, to three decimals."""
    return round((surface.xlim[1] - surface.xlim[0]) / 200, 3)


def minima_in_window(surface: Surface) -> tuple[CriticalPoint, ...]:
    """The known minima that lie inside the plot window."""
    (x0, x1), (y0, y1) = surface.xlim, surface.ylim
    return tuple(c for c in surface.critical_points if c.kind == "min" and x0 <= c.x <= x1 and y0 <= c.y <= y1)


@dataclass(frozen=True)
class Scene:
    """What every map of the page shows under the paths: f on a grid, the start and the minima."""

    grid: Grid
    start: Point
    minima: tuple[CriticalPoint, ...]


def scene(spec: SurfaceSpec, start: Point, n: int = MAP_GRID) -> Scene:
    return Scene(map_grid(spec, n), start, minima_in_window(build_surface(spec)))


def defined_share(spec: SurfaceSpec, n: int = MAP_GRID) -> Literal["none", "part", "all"]:
    """Whether f is defined (finite) nowhere, on part of the map's grid, or everywhere on it."""
    finite = np.isfinite(map_grid(spec, n).z)
    return "all" if finite.all() else "part" if finite.any() else "none"


# --- one run -------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    """One optimizer's settings as used: its name and hyper-parameters (sorted pairs, hashable)."""

    name: str
    hyper: tuple[tuple[str, float], ...]

    @classmethod
    def of(cls, name: str, hyper: Mapping[str, float]) -> Run:
        return cls(name, tuple(sorted(hyper.items())))

    @classmethod
    def defaults(cls, name: str, lr: float) -> Run:
        """The optimizer's default hyper-parameters with the learning rate ``lr``."""
        return cls.of(name, {hp.name: hp.default for hp in hyper_params(name)} | {"lr": lr})

    @property
    def lr(self) -> float:
        return dict(self.hyper)["lr"]

    @property
    def momentum(self) -> float | None:
        return dict(self.hyper).get("momentum")

    def with_lr(self, lr: float) -> Run:
        return Run.of(self.name, dict(self.hyper) | {"lr": lr})


@dataclass(frozen=True)
class ScheduleSpec:
    """A learning-rate schedule (nnviz.core.schedules) by name, base rate, warm-up and parameters."""

    name: str
    base_lr: float
    warmup: int = 0
    params: tuple[tuple[str, ScheduleParam], ...] = ()

    def schedule(self) -> Schedule:
        return make_schedule(self.name, self.base_lr, self.warmup, **dict(self.params))


def milestones(steps: int) -> tuple[int, ...]:
    """Multi-step milestones at 30 %, 60 % and 80 % of the run (at least update 1, no repeats)."""
    return tuple(sorted({max(1, int(steps * f)) for f in MILESTONE_FRACTIONS}))


def schedule_rates(spec: ScheduleSpec, steps: int) -> Array:
    """The rate each update 1 … steps uses: the schedule at t = 0 … steps − 1."""
    return np.asarray(spec.schedule()(np.arange(steps)), dtype=float)


@dataclass(frozen=True)
class Setup:
    """The race: surface, start, the runs, how their rates were chosen, updates and gradient noise."""

    spec: SurfaceSpec
    start: Point
    runs: tuple[Run, ...]
    mode: str
    steps: int
    noise: float
    seed: int

    @property
    def surface(self) -> Surface:
        return build_surface(self.spec)


@dataclass(frozen=True)
class Outcome:
    """One run and how it sits in the window: ``shown`` are the iterates up to (and including)
    the first one outside the window, ``exit_at`` its index (None: it stayed inside)."""

    run: Run
    path: OptimizerPath
    shown: Array
    exit_at: int | None

    @property
    def diverged(self) -> bool:
        return self.path.status == "diverged"

    @property
    def last_shown(self) -> int:
        """The last update drawn."""
        return self.exit_at if self.exit_at is not None else len(self.path.points) - 1

    @property
    def final_value(self) -> float:
        return float(self.path.values[-1])


def _freeze_path(path: OptimizerPath) -> OptimizerPath:
    read_only(path.points, path.values, path.grads, path.steps, path.lrs, *path.state.values())
    return replace(path, state=MappingProxyType(dict(path.state)))


STEP_CHUNK = 32  # runs are computed to a multiple of this and cut (nnviz.lessons.runs); the book's 30 → 32


@lru_cache(maxsize=512)
def outcome(spec: SurfaceSpec, start: Point, run: Run, steps: int, noise: float, seed: int,
            schedule: ScheduleSpec | None = None, internals: bool = False) -> Outcome:
    """``run`` for ``steps`` updates from ``start`` (seeded gradient noise, an optional schedule);
    the gradients, steps and optimizer state of every update only with ``internals``."""
    longer = run_length(steps, STEP_CHUNK)
    path = _freeze_path(_path(spec, start, run, longer, noise, seed, schedule, internals).first(steps))
    surface = build_surface(spec)
    exit_at = first_exit(path.points, surface.xlim, surface.ylim)
    shown = path.points if exit_at is None else path.points[: exit_at + 1]
    return Outcome(run, path, shown, exit_at)


@lru_cache(maxsize=128)
def _path(spec: SurfaceSpec, start: Point, run: Run, steps: int, noise: float, seed: int,
          schedule: ScheduleSpec | None, internals: bool) -> OptimizerPath:
    surface = build_surface(spec)
    path = run_path(surface.gradient_at, start, make_optimizer(run.name, **dict(run.hyper)), steps,
                    noise_std=noise, seed=seed, schedule=None if schedule is None else schedule.schedule(),
                    internals=internals)
    path = replace(path, values=np.asarray(surface.f(path.points[:, 0], path.points[:, 1]), dtype=float))
    return _freeze_path(path)


def outcomes(setup: Setup) -> tuple[Outcome, ...]:
    return tuple(outcome(setup.spec, setup.start, r, setup.steps, setup.noise, setup.seed) for r in setup.runs)


@lru_cache(maxsize=256)
def tuned_lr(spec: SurfaceSpec, start: Point, run: Run, steps: int, noise: float, seed: int) -> float:
    """The rate from nnviz.core.optimizer.DEFAULT_LRS with the lowest final f (the run's other settings
    kept); NaN when every rate diverged."""
    surface = build_surface(spec)
    lr, _ = tune_lr(surface.gradient_at, surface.value_at, start, run.name, steps, hyper=dict(run.hyper),
                    noise_std=noise, seed=seed)
    return lr


def tuned(setup: Setup) -> Setup:
    """The setup with every run's learning rate tuned; a run for which nothing converged keeps its own
    rate, or the optimizer's default one."""
    rates = [tuned_lr(setup.spec, setup.start, r, setup.steps, setup.noise, setup.seed) for r in setup.runs]
    runs = tuple(r.with_lr(_default_lr(r) if math.isnan(lr) else lr) for r, lr in zip(setup.runs, rates))
    return replace(setup, runs=runs)


def _default_lr(run: Run) -> float:
    own = dict(run.hyper).get("lr")
    return own if own is not None else next(hp.default for hp in hyper_params(run.name) if hp.name == "lr")


def untunable(setup: Setup) -> tuple[str, ...]:
    """The optimizers of the setup for which every candidate rate diverged (tuning found nothing)."""
    return tuple(r.name for r in setup.runs
                 if math.isnan(tuned_lr(setup.spec, setup.start, r, setup.steps, setup.noise, setup.seed)))


# --- the book's figure -----------------------------------------------------------------

@dataclass(frozen=True)
class BookFigure:
    """The book's comparison: four optimizers on x²/20 + y² from (−7, 2), 30 updates, its own rates."""

    surface: str = "elongated"
    optimizers: tuple[str, ...] = ("sgd", "momentum", "adagrad", "adam")
    steps: int = 30
    lrs: tuple[tuple[str, float], ...] = tuple(BOOK_LRS.items())


BOOK_FIGURE = BookFigure()


# --- race statistics ------------------------------------------------------------------

@dataclass(frozen=True)
class RaceStats:
    """How one run did: first step with f − f* < tol (None: never or f* unknown), final f, path length."""

    steps_to_tol: int | None
    final_value: float
    length: float


def steps_to_tolerance(values: np.ndarray, f_min: float | None, tol: float) -> int | None:
    """The first k (0 = the start) with values[k] − f_min < tol; None if never or f_min is unknown."""
    if f_min is None:
        return None
    hits = np.flatnonzero(np.asarray(values, dtype=float) - f_min < tol)
    return int(hits[0]) if hits.size else None


def race_stats(path: OptimizerPath, f_min: float | None, tol: float) -> RaceStats:
    """Steps to tolerance, final value and path length of one run (needs ``path.values``)."""
    if path.values is None:
        raise ValueError("the path was run without f, so it has no values")
    return RaceStats(steps_to_tolerance(path.values, f_min, tol), float(path.values[-1]),
                     path_length(path.points))


# --- the quadratic theory ---------------------------------------------------------------

@lru_cache(maxsize=64)
def quadratic(spec: SurfaceSpec) -> qd.QuadraticInsight | None:
    """Eigenvalues, κ and the best rates when f is a quadratic (constant Hessian); None otherwise."""
    hessian = quadratic_hessian(build_surface(spec))
    return None if hessian is None else qd.quadratic_insight(hessian)


@dataclass(frozen=True)
class RateCheck:
    """Where a run's settings sit on a quadratic: its worst error factor per update against the best
    possible, and the updates until the error is SHRINK of what it was (None: it never shrinks)."""

    name: str
    lr: float
    momentum: float | None
    factor: float
    best: float
    steps: int | None


def contraction_checks(insight: qd.QuadraticInsight, runs: tuple[Run, ...]) -> tuple[RateCheck, ...]:
    """The linear theory for plain SGD (max |1 − ηλ|) and heavy-ball Momentum (spectral radius);
    other optimizers are not linear and are left out. Needs a positive definite Hessian."""
    checks = []
    for r in runs:
        if r.name == "sgd":
            factor, best, momentum = qd.gd_contraction(r.lr, insight.eigenvalues), insight.gd_rate, None
        elif r.name == "momentum":
            momentum = r.momentum
            factor, best = qd.heavy_ball_contraction(r.lr, momentum, insight.eigenvalues), insight.hb_rate
        else:
            continue
        checks.append(RateCheck(r.name, r.lr, momentum, factor, best, qd.steps_to_shrink(factor, SHRINK)))
    return tuple(checks)


# --- internals -----------------------------------------------------------------------------

def effective_rates(path: OptimizerPath) -> np.ndarray:
    """Per step and coordinate, −ΔW/g: the plain-SGD rate that would have made the same move.

    For SGD it is η; for AdaGrad/RMSprop it is their ``rate``; for momentum and
    Adam it also shows the push of past gradients. NaN where g = 0.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = -path.steps / path.grads
    rates[~np.isfinite(rates)] = np.nan
    return rates


def internals_columns(path: OptimizerPath, effective: str = "−ΔW/g") -> dict[str, Array]:
    """One row per update: k, η, the point before it (w), the gradient (g), the state after it,
    ΔW and −ΔW/g (titled ``effective``), each 2-vector as an x and a y column, rounded to 6 decimals."""
    n = len(path.steps)
    columns: dict[str, Array] = {"k": np.arange(1, n + 1), "η": np.round(path.lrs, INTERNALS_DIGITS)}
    pairs = [("w", path.points[:n]), ("g", path.grads), *path.state.items(),
             ("ΔW", path.steps), (effective, effective_rates(path))]
    for label, values in pairs:
        for i, axis in enumerate(("x", "y")):
            columns[f"{label} {axis}"] = np.round(values[:, i], INTERNALS_DIGITS) if len(values) else np.empty(0)
    return columns


# --- moving averages ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Smoothing:
    """Noisy daily temperatures and their exponentially weighted averages, raw and bias-corrected."""

    days: Array
    data: Array
    betas: tuple[float, ...]
    raw: tuple[Array, ...]
    corrected: tuple[Array, ...]


@lru_cache(maxsize=64)
def smoothing(days: int, seed: int, noise: float, betas: tuple[float, ...] = BETAS) -> Smoothing:
    """nnviz.core.averaging.noisy_temperatures for ``days`` days, averaged with every β."""
    data = noisy_temperatures(days=days, seed=seed, noise_std=noise)
    raw = tuple(ewa(data, b) for b in betas)
    corrected = tuple(ewa(data, b, bias_correction=True) for b in betas)
    result = Smoothing(np.arange(1, days + 1), data, betas, raw, corrected)
    read_only(result.days, result.data, *raw, *corrected)
    return result
