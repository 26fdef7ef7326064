"""What the Gradient-descent page computes, on top of nnviz.core.descent, surfaces and regression.

1-D curves f(x) (presets and typed formulas), the quadratic closed form for any
a·x² + b·x + c, the "halve the rate, double the steps" runs, many starts on a
surface stepped together, where a path leaves its window, which known critical
point it ended near, and the Hessians that give the stable learning-rate bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnviz.core.descent import DescentPath, Status, StepMode, descend_many, descent_path
from nnviz.core.paths import path_window
from nnviz.core.quadratic import stable_lr_bound
from nnviz.core.expr import Expression
from nnviz.core.regression import loss, to_original_params, to_standardized_params
from nnviz.core.surfaces import CriticalPoint, Surface, Window

FloatArray = NDArray[np.float64]

@dataclass(frozen=True)
class Curve1D:
    """A preset f(x): its formula (parsed with nnviz.core.expr) and the x window to draw."""

    key: str
    formula: str
    window: Window


CURVES_1D: dict[str, Curve1D] = {c.key: c for c in (
    Curve1D("square", "x**2", (-4.0, 4.0)),
    Curve1D("book", "0.01*x**2 + 0.1*x", (-15.0, 10.0)),
    Curve1D("wells", "x**4/4 - x**2 + 0.3*x", (-2.5, 2.5)),
)}


# --- quadratics ------------------------------------------------------------------------


# --- 1-D runs --------------------------------------------------------------------------

def _frozen(path: DescentPath) -> DescentPath:
    for array in (path.xs, path.fs, path.grad_norms):
        if array is not None:
            array.flags.writeable = False
    return path


@lru_cache(maxsize=256)
def run_1d(expr: Expression, x0: float, lr: float, steps: int, mode: StepMode = "plain",
           tol: float = 0.0) -> DescentPath:
    """Descent on a one-variable formula with its symbolic derivative; fs = f at every iterate.

    tol = 0 runs every step (as the book does) unless the gradient is exactly zero.
    Cached (an Expression is immutable); the returned arrays are read-only.
    """
    df = expr.diff(expr.variables[0])
    with np.errstate(all="ignore"):
        run = descent_path(lambda x: df(x), [x0], lr, steps, mode=mode, tol=tol)
        fs = expr(run.xs[:, 0])
    return _frozen(DescentPath(run.xs, fs, run.grad_norms, run.status, run.stopped_at))


class HalvingRow(NamedTuple):
    lr: float
    steps: int
    x_final: float
    f_final: float
    status: Status
    stopped_at: int | None


def halving_runs(expr: Expression, x0: float, lr: float, steps: int,
                 first: DescentPath | None = None) -> list[HalvingRow]:
    """The notes' lesson in three runs: (η, N), (η/2, N) and (η/2, 2N) from the same start.

    first, the (η, N) run if the caller already has it, is reused; (η/2, N) is read off
    the first N steps of the (η/2, 2N) run, so only one new run is needed.
    """
    first = first if first is not None else run_1d(expr, x0, lr, steps)
    long = run_1d(expr, x0, lr / 2, 2 * steps)
    rows = [HalvingRow(lr, steps, float(first.xs[-1, 0]), float(first.fs[-1]), first.status, first.stopped_at)]
    if long.stopped_at is not None and long.stopped_at <= steps:
        half = HalvingRow(lr / 2, steps, float(long.xs[-1, 0]), float(long.fs[-1]), long.status, long.stopped_at)
    else:
        half = HalvingRow(lr / 2, steps, float(long.xs[steps, 0]), float(long.fs[steps]), "max_steps", None)
    rows.append(half)
    rows.append(HalvingRow(lr / 2, 2 * steps, float(long.xs[-1, 0]), float(long.fs[-1]), long.status,
                           long.stopped_at))
    return rows


def curvature_1d(expr: Expression, x: float) -> float:
    """f''(x) from the symbolic second derivative (nan where undefined)."""
    var = expr.variables[0]
    with np.errstate(all="ignore"):
        return float(expr.diff(var).diff(var)(np.array(x)))


# --- surfaces ----------------------------------------------------------------------------

def local_lr_bound(surface: Surface, point: ArrayLike) -> float | None:
    """2/λ_max of the Hessian at point (inf if no positive curvature); None without a usable Hessian."""
    if surface.hessian is None:
        return None
    h = np.asarray(surface.hessian(*np.asarray(point, dtype=np.float64)), dtype=np.float64)
    if h.shape != (2, 2) or not np.all(np.isfinite(h)):
        return None
    return stable_lr_bound(h)


def spread_starts(xlim: Window, ylim: Window) -> list[tuple[float, float]]:
    """A 3 × 3 grid of starts at 15 %, 50 % and 85 % of the window, top row first."""
    fractions = (0.15, 0.5, 0.85)
    xs = [xlim[0] + f * (xlim[1] - xlim[0]) for f in fractions]
    ys = [ylim[0] + f * (ylim[1] - ylim[0]) for f in reversed(fractions)]
    return [(round(x, 3), round(y, 3)) for y in ys for x in xs]


_NUMBER = r"[-+−]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_PAIR = rf"\s*({_NUMBER})\s*[,，]\s*({_NUMBER})\s*"
_POINT = re.compile(rf"\({_PAIR}\)|{_PAIR}")


def parse_points(text: str, max_points: int = 9, limit: float = 1e4) -> list[tuple[float, float]] | None:
    """Points typed as "x, y; x, y" (brackets optional, ; or newline between points).

    Returns [] for empty text and None for anything else that is not 1 … max_points
    finite points with |coordinate| ≤ limit.
    """
    parts = [p for p in re.split(r"[;；\n]+", text.strip()) if p.strip()]
    if not parts:
        return []
    if len(parts) > max_points:
        return None
    points = []
    for part in parts:
        match = _POINT.fullmatch(part.strip())
        if match is None:
            return None
        x, y = (float(v.replace("−", "-")) for v in match.groups() if v is not None)
        if not (abs(x) <= limit and abs(y) <= limit):
            return None
        points.append((x, y))
    return points


@lru_cache(maxsize=128)
def descend_many_cached(surface: Surface, starts: tuple[tuple[float, float], ...], lr: float, steps: int,
                        mode: StepMode = "plain", tol: float = 1e-8) -> tuple[DescentPath, ...]:
    """descend_many for hashable arguments (preset or cached surfaces), cached; arrays read-only."""
    return tuple(_frozen(p) for p in descend_many(surface, starts, lr, steps, mode, tol))


def nearest_critical(surface: Surface, point: ArrayLike, radius: float = 0.05) -> CriticalPoint | None:
    """The known critical point within `radius`·(window diagonal) of point, nearest first."""
    p = np.asarray(point, dtype=np.float64)
    diagonal = float(np.hypot(surface.xlim[1] - surface.xlim[0], surface.ylim[1] - surface.ylim[0]))
    best, best_d = None, radius * diagonal
    for cp in surface.critical_points:
        d = float(np.hypot(p[0] - cp.x, p[1] - cp.y))
        if d <= best_d:
            best, best_d = cp, d
    return best


# --- regression ------------------------------------------------------------------------


class Landscape(NamedTuple):
    """The (w, b) loss map the regression path is drawn on, in the coordinates of the descent."""

    path: FloatArray  # the iterates in view coordinates
    optimum: tuple[float, float]
    window: tuple[Window, Window]
    W: FloatArray
    B: FloatArray
    L: FloatArray


def regression_landscape(x: ArrayLike, y: ArrayLike, params: ArrayLike, optimum: tuple[float, float],
                         standardize_x: bool, diverged: bool, n: int = 100) -> Landscape:
    """Loss on an n × n grid around the start and the optimum, in (w, b) or standardised (w′, b′).

    The box is a square centred between the start and the optimum, 1.2 times their larger
    spread and at least 2 wide, widened to hold the whole path unless it diverged.
    """
    x = np.asarray(x, dtype=np.float64)
    mean, std = float(x.mean()), float(x.std())
    p = np.asarray(params, dtype=np.float64).reshape(-1, 2)
    opt = np.array([optimum], dtype=np.float64)
    if standardize_x:
        p = np.column_stack(to_standardized_params(p[:, 0], p[:, 1], mean, std))
        opt = np.column_stack(to_standardized_params(opt[:, 0], opt[:, 1], mean, std))
    lo, hi = np.minimum(p[0], opt[0]), np.maximum(p[0], opt[0])
    half, mid = max(float(np.max(hi - lo)) * 0.6, 1.0), (lo + hi) / 2  # a square: drawn at equal scales
    base = ((float(mid[0] - half), float(mid[0] + half)), (float(mid[1] - half), float(mid[1] + half)))
    window = path_window(base, p, diverged)
    W, B = np.meshgrid(np.linspace(*window[0], n), np.linspace(*window[1], n))
    Wo, Bo = to_original_params(W, B, mean, std) if standardize_x else (W, B)
    return Landscape(p, (float(opt[0, 0]), float(opt[0, 1])), window, W, B, np.asarray(loss(Wo, Bo, x, y)))
