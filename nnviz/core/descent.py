"""Gradient descent: the book's loop, a recorded path with stopping rules, step-size theory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnviz.core.gradient import numerical_gradient

FloatArray = NDArray[np.float64]
Status = Literal["converged", "diverged", "max_steps"]
StepMode = Literal["plain", "normalized"]
Regime = Literal["stalled", "slow", "fastest", "oscillating", "cycling", "divergent"]


def gradient_descent(
    f: Callable[[FloatArray], ArrayLike], init_x: ArrayLike, lr: float = 0.01, step_num: int = 100
) -> FloatArray:
    """x ← x − lr·∇f(x) repeated step_num times, ∇f by numerical_gradient; init_x is not modified."""
    x = np.array(init_x, dtype=np.float64)
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x


@dataclass(frozen=True)
class DescentPath:
    """Every iterate of a descent run and why it stopped.

    xs has one row per iterate (x_0 first); fs (None without f) and grad_norms are
    f and |∇f| at those rows.  stopped_at is the step index that triggered
    "converged" or "diverged", None for "max_steps".
    """

    xs: FloatArray
    fs: FloatArray | None
    grad_norms: FloatArray
    status: Status
    stopped_at: int | None

    @property
    def steps_taken(self) -> int:
        """Number of completed steps shown in xs."""
        return len(self.xs) - 1


def descent_path(
    grad_fn: Callable[[FloatArray], ArrayLike],
    x0: ArrayLike,
    lr: float,
    steps: int,
    f: Callable[[FloatArray], ArrayLike] | None = None,
    mode: StepMode = "plain",
    tol: float = 1e-8,
    bound: float = 1e8,
) -> DescentPath:
    """Run x ← x − lr·∇f (plain) or x ← x − lr·∇f/|∇f| (normalized), recording the path.

    Stops as "converged" when |∇f(x_k)| ≤ tol, as "diverged" when x_k is non-finite
    (x_k is then left out) or |x_k| > bound, else after `steps` steps ("max_steps").
    A negative lr climbs (gradient ascent).  Never emits floating-point warnings.
    """
    if mode not in ("plain", "normalized"):
        raise ValueError(f"mode must be 'plain' or 'normalized', got {mode!r}")
    if steps < 0 or not np.isfinite(lr) or not tol >= 0:
        raise ValueError("steps must be ≥ 0, lr finite and tol ≥ 0")
    x = np.atleast_1d(np.array(x0, dtype=np.float64))
    if x.ndim != 1 or not np.all(np.isfinite(x)):
        raise ValueError("x0 must be a finite scalar or 1-D vector")

    xs: list[FloatArray] = []
    grad_norms: list[float] = []
    status: Status = "max_steps"
    stopped_at: int | None = None
    with np.errstate(all="ignore"):
        for k in range(steps + 1):
            if k > 0:
                direction = g / g_norm if mode == "normalized" else g
                x = x - lr * direction
                if not np.all(np.isfinite(x)):
                    status, stopped_at = "diverged", k
                    break
            g = np.asarray(grad_fn(x), dtype=np.float64).reshape(x.shape)
            g_norm = float(np.linalg.norm(g))
            xs.append(x)
            grad_norms.append(g_norm)
            if not np.linalg.norm(x) <= bound:
                status, stopped_at = "diverged", k
                break
            if g_norm <= tol:
                status, stopped_at = "converged", k
                break
        path = np.array(xs)
        fs = None if f is None else np.array([float(f(p)) for p in path])
    return DescentPath(path, fs, np.array(grad_norms), status, stopped_at)


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
