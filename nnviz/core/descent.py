"""Gradient descent: the book's loop, a recorded path with stopping rules, many starts at once."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnviz.core.gradient import numerical_gradient
from nnviz.core.surfaces import Surface

FloatArray = NDArray[np.float64]
Status = Literal["converged", "diverged", "max_steps"]
StepMode = Literal["plain", "normalized"]


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

    def first(self, steps: int) -> DescentPath:
        """The path of the first ``steps`` steps: what the same run with ``steps`` returns, as views."""
        if self.stopped_at is not None and self.stopped_at <= steps:
            return self
        rows = slice(0, steps + 1)
        return DescentPath(self.xs[rows], None if self.fs is None else self.fs[rows], self.grad_norms[rows],
                           "max_steps", None)


def _norm(v: FloatArray) -> float:
    """|v| for a real vector, as np.linalg.norm computes it (√(v·v)), without its overhead."""
    return math.sqrt(float(v.dot(v)))


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
            g_norm = _norm(g)
            xs.append(x)
            grad_norms.append(g_norm)
            if not _norm(x) <= bound:
                status, stopped_at = "diverged", k
                break
            if g_norm <= tol:
                status, stopped_at = "converged", k
                break
        path = np.array(xs)
        fs = None if f is None else np.array([float(f(p)) for p in path])
    return DescentPath(path, fs, np.array(grad_norms), status, stopped_at)


def descend_many(surface: Surface, starts: ArrayLike, lr: float, steps: int, mode: StepMode = "plain",
                 tol: float = 1e-8, bound: float = 1e8) -> list[DescentPath]:
    """descent_path from every start at once, with the surface's vectorised gradient.

    Follows descent_path(surface.gradient_at, start, ...) for each start: same stopping
    rules, same rows, and the same numbers up to rounding in the last bit (vectorised
    arithmetic), which only chaotic runs can amplify. Never warns.
    """
    x = np.array(starts, dtype=np.float64).reshape(-1, 2)
    n = len(x)
    if mode not in ("plain", "normalized") or steps < 0 or not np.isfinite(lr) or not np.all(np.isfinite(x)):
        raise ValueError("bad mode, steps, lr or starts")
    history = np.full((steps + 1, n, 2), np.nan)
    norms = np.full((steps + 1, n), np.nan)
    length = np.zeros(n, dtype=int)  # rows recorded per start
    status = np.full(n, "max_steps", dtype=object)
    stopped: list[int | None] = [None] * n
    active = np.ones(n, dtype=bool)
    g = np.zeros_like(x)
    g_norm = np.zeros(n)

    def stop(rows: NDArray[np.intp], why: str, k: int) -> None:
        for i in rows:
            status[i], stopped[i] = why, k
        active[rows] = False

    with np.errstate(all="ignore"):
        for k in range(steps + 1):
            idx = np.flatnonzero(active)
            if idx.size == 0:
                break
            if k > 0:
                direction = g[idx] / g_norm[idx, None] if mode == "normalized" else g[idx]
                new = x[idx] - lr * direction
                finite = np.all(np.isfinite(new), axis=1)
                stop(idx[~finite], "diverged", k)
                idx, new = idx[finite], new[finite]
                x[idx] = new
            gx, gy = surface.grad(x[idx, 0], x[idx, 1])
            g[idx, 0], g[idx, 1] = np.broadcast_to(gx, idx.shape), np.broadcast_to(gy, idx.shape)
            g_norm[idx] = np.sqrt(g[idx, 0] * g[idx, 0] + g[idx, 1] * g[idx, 1])  # = np.linalg.norm, bit for bit
            history[k, idx], norms[k, idx] = x[idx], g_norm[idx]
            length[idx] = k + 1
            far = ~(np.sqrt(x[idx, 0] * x[idx, 0] + x[idx, 1] * x[idx, 1]) <= bound)
            stop(idx[far], "diverged", k)
            stop(idx[~far & (g_norm[idx] <= tol)], "converged", k)
        paths = []
        for i in range(n):
            xs = history[: length[i], i].copy()
            fs = np.asarray(surface.f(xs[:, 0], xs[:, 1]), dtype=np.float64).reshape(-1)
            paths.append(DescentPath(xs, fs, norms[: length[i], i].copy(), status[i], stopped[i]))
    return paths
