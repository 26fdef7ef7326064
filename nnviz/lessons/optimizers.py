"""Reading optimizer runs: race statistics, effective step sizes, and the quadratic theory.

Everything here works on :class:`nnviz.core.optimizer.OptimizerPath` results or on a
2 × 2 Hessian; the Optimizers page only displays what these functions return.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.core.expr import Expression
from nnviz.core.optimizer import OptimizerPath
from nnviz.core.surfaces import Surface, Window

# Fractions of the window where a Hessian is sampled to decide whether it is constant;
# irregular so that periodic or symmetric surfaces do not repeat by accident.
_PROBE_FRACTIONS = (0.13, 0.5, 0.87)


@dataclass(frozen=True)
class RaceStats:
    """How one run did: first step with f − f* < tol (None: never or f* unknown), final f, path length."""

    steps_to_tol: int | None
    final_value: float
    length: float


def path_length(points: np.ndarray) -> float:
    """Sum of the Euclidean lengths of the segments between successive iterates."""
    if len(points) < 2:
        return 0.0
    return float(np.sum(np.linalg.norm(np.diff(points, axis=0), axis=1)))


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


def first_exit(points: np.ndarray, xlim: Window, ylim: Window) -> int | None:
    """Index of the first iterate outside the window xlim × ylim (or non-finite); None if all stay in."""
    x, y = points[:, 0], points[:, 1]
    with np.errstate(invalid="ignore"):
        inside = (x >= xlim[0]) & (x <= xlim[1]) & (y >= ylim[0]) & (y <= ylim[1])
    out = np.flatnonzero(~inside)
    return int(out[0]) if out.size else None


def effective_rates(path: OptimizerPath) -> np.ndarray:
    """Per step and coordinate, −ΔW/g: the plain-SGD rate that would have made the same move.

    For SGD it is η; for AdaGrad/RMSprop it is their ``rate``; for momentum and
    Adam it also shows the push of past gradients. NaN where g = 0.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = -path.steps / path.grads
    rates[~np.isfinite(rates)] = np.nan
    return rates


# --- quadratic surfaces ------------------------------------------------------

def constant_hessian(surface: Surface) -> np.ndarray | None:
    """The surface's Hessian if it is the same (and finite) at nine points of the window, else None."""
    if surface.hessian is None:
        return None
    xs = [surface.xlim[0] + a * (surface.xlim[1] - surface.xlim[0]) for a in _PROBE_FRACTIONS]
    ys = [surface.ylim[0] + a * (surface.ylim[1] - surface.ylim[0]) for a in _PROBE_FRACTIONS]
    with np.errstate(all="ignore"):
        samples = [np.asarray(surface.hessian(x, y), dtype=float) for x in xs for y in ys]
    first = samples[0]
    if first.shape != (2, 2) or not np.all(np.isfinite(first)):
        return None
    if all(np.allclose(h, first, rtol=1e-9, atol=1e-12) for h in samples[1:]):
        return (first + first.T) / 2
    return None


@dataclass(frozen=True)
class QuadraticInsight:
    """Theory for f = ½ wᵀHw + …: eigenvalues, conditioning, the best rates and their contraction.

    For an H that is not positive definite (a saddle, a maximum) only the
    eigenvalues are given and the rest is None: there is no minimum to reach.
    """

    eigenvalues: tuple[float, float]
    condition: float | None
    stable_lr: float | None
    gd_lr: float | None
    gd_rate: float | None
    hb_lr: float | None
    hb_momentum: float | None
    hb_rate: float | None


def quadratic_insight(hessian: np.ndarray) -> QuadraticInsight:
    """λ_min ≤ λ_max, κ = λ_max/λ_min, stable η < 2/λ_max, best GD and best heavy-ball settings.

    Best plain GD: η = 2/(λ_min + λ_max), error × (κ − 1)/(κ + 1) per step.
    Best heavy ball (Polyak): η = 4/(√λ_max + √λ_min)², α = ((√κ − 1)/(√κ + 1))², error × √α per step.
    """
    lo, hi = (float(v) for v in np.linalg.eigvalsh(np.asarray(hessian, dtype=float)))
    if lo <= 0:
        return QuadraticInsight((lo, hi), None, None, None, None, None, None, None)
    kappa = hi / lo
    root = np.sqrt(kappa)
    return QuadraticInsight(
        eigenvalues=(lo, hi),
        condition=kappa,
        stable_lr=2 / hi,
        gd_lr=2 / (lo + hi),
        gd_rate=(kappa - 1) / (kappa + 1),
        hb_lr=4 / (np.sqrt(hi) + np.sqrt(lo)) ** 2,
        hb_momentum=((root - 1) / (root + 1)) ** 2,
        hb_rate=(root - 1) / (root + 1),
    )


def gd_contraction(lr: float, eigenvalues: tuple[float, ...]) -> float:
    """Worst-case factor by which one plain GD step shrinks the error: max |1 − ηλ|."""
    return float(max(abs(1 - lr * lam) for lam in eigenvalues))


def heavy_ball_contraction(lr: float, momentum: float, eigenvalues: tuple[float, ...]) -> float:
    """Asymptotic error factor per heavy-ball step: the largest spectral radius of
    [[1 + α − ηλ, −α], [1, 0]] over the eigenvalues λ (the map (w_k, w_{k−1}) ↦ (w_{k+1}, w_k))."""
    radii = []
    for lam in eigenvalues:
        matrix = np.array([[1 + momentum - lr * lam, -momentum], [1.0, 0.0]])
        radii.append(float(np.max(np.abs(np.linalg.eigvals(matrix)))))
    return max(radii)


def steps_to_shrink(rate: float, factor: float = 1e-3) -> int | None:
    """Steps n for an error contracting by ``rate`` per step to shrink by ``factor``: ⌈ln factor / ln rate⌉.

    1 for rate 0 (one step removes the error), None for rate ≥ 1 (the error does not shrink).
    """
    if rate >= 1:
        return None
    if rate <= 0:
        return 1
    return int(np.ceil(np.log(factor) / np.log(rate)))


# --- user-typed surfaces -----------------------------------------------------

def surface_from_expression(expr: Expression, xlim: Window, ylim: Window) -> Surface:
    """A safe Surface for a parsed f(x, y), with SymPy's gradient and Hessian."""
    if expr.variables != ("x", "y"):
        raise ValueError("the expression must be a function of (x, y)")
    dx, dy = expr.gradient()
    dxx, dxy, dyy = dx.diff("x"), dx.diff("y"), dy.diff("y")

    def hessian(x: float, y: float) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.array([[float(dxx(x, y)), float(dxy(x, y))], [float(dxy(x, y)), float(dyy(x, y))]])

    return Surface.from_functions(
        "custom", expr, lambda x, y: (dx(x, y), dy(x, y)), xlim=xlim, ylim=ylim,
        latex=expr.latex, hessian=hessian,
    )
