"""Step sizes on a quadratic: regimes and closed forms in 1-D, stable and best rates from the Hessian."""

from __future__ import annotations

from typing import Literal, NamedTuple
from dataclasses import dataclass

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from nnviz.core.expr import Expression, degree_bound

FloatArray = NDArray[np.float64]
Regime = Literal["stalled", "slow", "fastest", "oscillating", "cycling", "divergent"]


def quadratic_regime(a: float, lr: float) -> Regime:
    """How plain descent behaves on f = a·x² (a > 0), from the ratio r = 1 − 2·a·lr.

    The product p = 2·a·lr is compared exactly with 0, 1 and 2 in floating point.
    """
    if not a > 0:
        raise ValueError(f"a must be positive (f = a·x² needs a minimum), got {a}")
    if not np.isfinite(lr):
        raise ValueError(f"lr must be finite, got {lr}")
    p = 2 * a * lr
    if p == 0:
        return "stalled"
    if p < 0 or p > 2:
        return "divergent"
    if p < 1:
        return "slow"
    if p == 1:
        return "fastest"
    if p < 2:
        return "oscillating"
    return "cycling"


def quadratic_iterates(a: float, lr: float, x0: float, steps: int) -> FloatArray:
    """Closed form x_k = x0·(1 − 2·a·lr)^k for k = 0 … steps on f = a·x²; overflow gives ±inf."""
    k = np.arange(steps + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        return x0 * (1 - 2 * a * lr) ** k


def stable_lr_bound(hessian: ArrayLike) -> float:
    """2 / λ_max of a symmetric Hessian (a scalar counts as 1 × 1); inf when λ_max ≤ 0."""
    h = np.atleast_2d(np.asarray(hessian, dtype=np.float64))
    if h.shape[0] != h.shape[1]:
        raise ValueError(f"hessian must be square, got shape {h.shape}")
    lam_max = float(np.linalg.eigvalsh((h + h.T) / 2)[-1])
    return 2 / lam_max if lam_max > 0 else float("inf")


EXPAND_DEGREE = 12


class Quadratic(NamedTuple):
    """f(x) = a·(x − center)² + const."""

    a: float
    center: float


def quadratic_form(expr: Expression) -> Quadratic | None:
    """(a, center) when a one-variable formula is exactly a·x² + b·x + c with a ≠ 0, else None.

    Only a polynomial of degree at most EXPAND_DEGREE as written is expanded: expanding
    (x+1)**99*(x-1)**99 would cost seconds, and such a high degree hardly ever cancels to 2.
    """
    if len(expr.variables) != 1 or not 2 <= degree_bound(expr.sympy) <= EXPAND_DEGREE:
        return None
    try:
        poly = sp.Poly(sp.expand(expr.sympy), expr.symbols[0])
    except sp.PolynomialError:
        return None
    if poly.degree() != 2:
        return None
    a, b, _ = (complex(c) for c in poly.all_coeffs())
    if a.imag or b.imag or not np.isfinite(a.real) or not np.isfinite(b.real) or a.real == 0:
        return None
    return Quadratic(a.real, -b.real / (2 * a.real) + 0.0)  # + 0.0 turns −0.0 into 0.0


def quadratic_closed_form(q: Quadratic, lr: float, x0: float, steps: int) -> FloatArray:
    """x_k = center + (x0 − center)·(1 − 2·a·lr)^k for k = 0 … steps (overflow gives ±inf)."""
    with np.errstate(all="ignore"):
        return q.center + quadratic_iterates(q.a, lr, x0 - q.center, steps)


FLAT = 1e-12  # an eigenvalue this small against the largest is rounding error: a flat direction


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

    @property
    def shape(self) -> Literal["bowl", "saddle", "cap", "trough"]:
        """bowl: both eigenvalues > 0 (a minimum); saddle: one < 0 < the other; cap: both < 0 (a
        maximum); trough: one is 0 (flat along its eigenvector: no single minimum point)."""
        lo, hi = (0.0 if abs(v) <= FLAT * max(abs(w) for w in self.eigenvalues) else v for v in self.eigenvalues)
        return "bowl" if lo > 0 else "saddle" if lo < 0 < hi else "cap" if hi < 0 else "trough"


def quadratic_insight(hessian: np.ndarray) -> QuadraticInsight:
    """λ_min ≤ λ_max, κ = λ_max/λ_min, stable η < 2/λ_max, best GD and best heavy-ball settings.

    Best plain GD: η = 2/(λ_min + λ_max), error × (κ − 1)/(κ + 1) per step.
    Best heavy ball (Polyak): η = 4/(√λ_max + √λ_min)², α = ((√κ − 1)/(√κ + 1))², error × √α per step.
    """
    lo, hi = (float(v) for v in np.linalg.eigvalsh(np.asarray(hessian, dtype=float)))
    if lo <= FLAT * max(abs(lo), abs(hi)):
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
