"""Numerical differentiation, directional derivatives and gradient fields."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

FloatArray = NDArray[np.float64]
DiffMethod = Literal["central", "forward"]


def _check_step(h: float) -> None:
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"step h must be a positive finite number, got {h!r}")


def numerical_diff(
    f: Callable[[FloatArray], ArrayLike],
    x: ArrayLike,
    h: float = 1e-4,
    method: DiffMethod = "central",
) -> float | FloatArray:
    """Derivative of a one-variable f by a finite difference (element-wise over x)."""
    _check_step(h)
    x = np.asarray(x, dtype=np.float64)
    if method == "central":
        d = (np.asarray(f(x + h)) - np.asarray(f(x - h))) / (2 * h)
    elif method == "forward":
        d = (np.asarray(f(x + h)) - np.asarray(f(x))) / h
    else:
        raise ValueError(f"method must be 'central' or 'forward', got {method!r}")
    d = np.asarray(d, dtype=np.float64)
    return float(d) if d.ndim == 0 else d


def numerical_gradient(
    f: Callable[[FloatArray], ArrayLike], x: ArrayLike, h: float = 1e-4
) -> FloatArray:
    """Central-difference gradient of a scalar f at an array x of any shape.

    f receives a float64 copy of x with one entry perturbed at a time; the
    caller's array is never touched, so f must compute from its argument.
    """
    _check_step(h)
    xw = np.array(x, dtype=np.float64)
    grad = np.empty_like(xw)
    for idx in np.ndindex(xw.shape):
        original = xw[idx]
        xw[idx] = original + h
        f_plus = f(xw)
        xw[idx] = original - h
        f_minus = f(xw)
        xw[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def unit_vector(direction: ArrayLike) -> FloatArray:
    """direction / |direction|; ValueError for a zero or non-finite direction."""
    d = np.asarray(direction, dtype=np.float64)
    if d.ndim != 1 or d.size == 0:
        raise ValueError(f"direction must be a non-empty 1-D vector, got shape {d.shape}")
    if not np.all(np.isfinite(d)):
        raise ValueError(f"direction must be finite, got {d.tolist()}")
    norm = np.linalg.norm(d)
    if norm == 0:
        raise ValueError("direction must not be the zero vector (it has no unit vector)")
    return d / norm


def _point_and_unit(point: ArrayLike, direction: ArrayLike) -> tuple[FloatArray, FloatArray]:
    p = np.asarray(point, dtype=np.float64)
    u = unit_vector(direction)
    if p.shape != u.shape:
        raise ValueError(f"point {p.shape} and direction {u.shape} must have the same shape")
    return p, u


def directional_derivative(
    grad: Callable[[FloatArray], ArrayLike], point: ArrayLike, direction: ArrayLike
) -> float:
    """D_u f(P) = ∇f(P) · u with u the unit vector of direction (the dot product correctly rounded)."""
    p, u = _point_and_unit(point, direction)
    return math.fsum(np.asarray(grad(p), dtype=np.float64) * u)


def directional_derivative_limit(
    f: Callable[[FloatArray], ArrayLike],
    point: ArrayLike,
    direction: ArrayLike,
    h: float = 1e-5,
) -> float:
    """The limit definition (f(P + h u) − f(P − h u)) / (2h), evaluated at a small h."""
    _check_step(h)
    p, u = _point_and_unit(point, direction)
    return float((f(p + h * u) - f(p - h * u)) / (2 * h))


@dataclass(frozen=True)
class DirectionalProfile:
    """D_u f over u = (cos θ, sin θ), θ ∈ [0, 2π], and where it peaks."""

    theta: FloatArray
    slope: FloatArray
    theta_max: float
    max_slope: float


def directional_profile(grad_at_p: ArrayLike, n: int = 361) -> DirectionalProfile:
    """Slope in every direction at a point with 2-D gradient grad_at_p (for a polar plot)."""
    g = np.asarray(grad_at_p, dtype=np.float64) + 0.0  # + 0.0 turns −0.0 into 0.0: atan2(−0, −0) is π
    if g.shape != (2,):
        raise ValueError(f"grad_at_p must be a 2-vector, got shape {g.shape}")
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    theta = np.linspace(0.0, 2 * np.pi, n)
    slope = g[0] * np.cos(theta) + g[1] * np.sin(theta)
    theta_max = float(np.arctan2(g[1], g[0]) % (2 * np.pi))
    if theta_max >= 2 * np.pi:  # a tiny negative angle rounds up to 2π
        theta_max = 0.0
    return DirectionalProfile(theta, slope, theta_max, float(np.hypot(g[0], g[1])))


class VectorField(NamedTuple):
    """Arrow positions (X, Y) and components (U, V) on an n × n grid."""

    X: FloatArray
    Y: FloatArray
    U: FloatArray
    V: FloatArray


def grid_2d(
    xlim: tuple[float, float], ylim: tuple[float, float], n: int
) -> tuple[FloatArray, FloatArray]:
    """X, Y of an n × n grid spanning xlim × ylim (np.meshgrid "xy" layout)."""
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    return np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))


def gradient_field(
    grad_fn: Callable[[FloatArray, FloatArray], tuple[ArrayLike, ArrayLike]],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    n: int,
) -> VectorField:
    """Sample grad_fn(X, Y) → (gx, gy) on an n × n grid (rows follow y, columns x)."""
    X, Y = grid_2d(xlim, ylim, n)
    gx, gy = grad_fn(X, Y)
    U = np.array(np.broadcast_to(gx, X.shape), dtype=np.float64)
    V = np.array(np.broadcast_to(gy, X.shape), dtype=np.float64)
    return VectorField(X, Y, U, V)


@dataclass(frozen=True)
class DifferenceErrors:
    """Absolute errors of forward and central differences for each step h."""

    h: FloatArray
    forward: FloatArray
    central: FloatArray


def difference_errors(
    f: Callable[[NDArray[np.floating]], ArrayLike],
    df: Callable[[FloatArray], ArrayLike],
    x: float,
    hs: ArrayLike,
    dtype: DTypeLike = np.float64,
) -> DifferenceErrors:
    """|finite difference − df(x)| for every h, with x, h and f's values held in dtype.

    The exact derivative df is taken in float64 at the dtype-rounded x.  A step that
    rounds to 0 in dtype gives a nan error (no division is attempted).
    """
    dt = np.dtype(dtype)
    if not np.issubdtype(dt, np.floating):
        raise ValueError(f"dtype must be a floating type, got {dt}")
    h64 = np.asarray(hs, dtype=np.float64)
    if h64.ndim != 1 or not np.all(h64 > 0):
        raise ValueError("hs must be a 1-D array of positive steps")
    xd = np.asarray(x, dtype=dt)
    hd = h64.astype(dt)
    f_plus = np.asarray(f(xd + hd), dtype=dt)
    f_minus = np.asarray(f(xd - hd), dtype=dt)
    f_here = np.asarray(f(xd), dtype=dt)
    usable = hd != 0
    forward = np.divide(f_plus - f_here, hd, out=np.full(hd.shape, np.nan, dt), where=usable)
    central = np.divide(f_plus - f_minus, 2 * hd, out=np.full(hd.shape, np.nan, dt), where=usable)
    exact = float(df(np.float64(xd)))
    return DifferenceErrors(
        h=h64,
        forward=np.abs(forward.astype(np.float64) - exact),
        central=np.abs(central.astype(np.float64) - exact),
    )
