"""What the Gradients page computes: slices through a surface, typed surfaces, the
numerical-differentiation lab and the notes' worked examples."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnviz.core.gradient import (
    DifferenceErrors,
    difference_errors,
    directional_derivative,
    directional_derivative_limit,
    numerical_diff,
    numerical_gradient,
    unit_vector,
)
from nnviz.core.expr import parse
from nnviz.core.surfaces import Surface, get_surface

FloatArray = NDArray[np.float64]

# The presets typed as text, as a user would enter them in the formula box.
# --- slices -----------------------------------------------------------------------

@dataclass(frozen=True)
class Slice:
    """g(s) along a line through P, and the tangent slope of g at P."""

    s: FloatArray
    values: FloatArray
    at_p: float
    slope: float


def axis_slices(surface: Surface, point: ArrayLike, n: int = 201) -> tuple[Slice, Slice]:
    """f(x, y₀) over the x-window and f(x₀, y) over the y-window, with slopes ∂f/∂x, ∂f/∂y at P."""
    x0, y0 = np.asarray(point, dtype=np.float64)
    gx, gy = surface.gradient_at((x0, y0))
    fp = surface.value_at((x0, y0))
    xs, ys = np.linspace(*surface.xlim, n), np.linspace(*surface.ylim, n)
    along_x = np.asarray(surface.f(xs, np.full_like(xs, y0)), dtype=np.float64)
    along_y = np.asarray(surface.f(np.full_like(ys, x0), ys), dtype=np.float64)
    return Slice(xs, along_x, fp, float(gx)), Slice(ys, along_y, fp, float(gy))


def line_slice(surface: Surface, point: ArrayLike, direction: ArrayLike, half_length: float,
               n: int = 201) -> Slice:
    """g(t) = f(P + t·u) for t ∈ [−half_length, half_length], u the unit direction; slope D_u f(P)."""
    p = np.asarray(point, dtype=np.float64)
    u = unit_vector(direction)
    t = np.linspace(-half_length, half_length, n)
    values = np.asarray(surface.f(p[0] + t * u[0], p[1] + t * u[1]), dtype=np.float64)
    slope = directional_derivative(surface.gradient_at, p, u)
    return Slice(t, values, surface.value_at(p), slope)


def direction_from_angle(theta_degrees: float) -> FloatArray:
    """The unit vector u = (cos θ, sin θ) for θ in degrees, with round-off below 1e-12 removed
    (so θ = 90° gives exactly (0, 1), not (6e-17, 1))."""
    theta = np.radians(theta_degrees)
    return np.round([np.cos(theta), np.sin(theta)], 12) + 0.0


def angle_between(a: ArrayLike, b: ArrayLike) -> float:
    """The angle α ∈ [0, π] between two non-zero vectors (nan if either is zero)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0 or not np.isfinite(na * nb):
        return float("nan")
    return float(np.arccos(np.clip(np.dot(a, b) / (na * nb), -1.0, 1.0)))


def level_tangent(gradient: ArrayLike) -> FloatArray:
    """Unit tangent of the level curve: ∇f turned by +90°; (1, 0) when ∇f = 0."""
    g = np.asarray(gradient, dtype=np.float64)
    norm = np.hypot(*g)
    if not np.isfinite(norm) or norm == 0:
        return np.array([1.0, 0.0])
    return np.array([-g[1], g[0]]) / norm


# --- numerical-differentiation lab --------------------------------------------------

def book_function(x: ArrayLike) -> NDArray[np.floating]:
    """The book's f(x) = 0.01x² + 0.1x (keeps the dtype of x)."""
    return 0.01 * x**2 + 0.1 * x


def book_derivative(x: ArrayLike) -> NDArray[np.floating]:
    return 0.02 * np.asarray(x) + 0.1


@dataclass(frozen=True)
class LabFunction:
    """A one-variable f with its exact derivative, for the finite-difference lab."""

    f: Callable[[NDArray[np.floating]], NDArray[np.floating]]
    df: Callable[[NDArray[np.floating]], NDArray[np.floating]]
    latex: str
    x_default: float


LAB_FUNCTIONS: dict[str, LabFunction] = {
    "book": LabFunction(book_function, book_derivative, r"f(x) = 0.01x^2 + 0.1x", 5.0),
    "exp": LabFunction(np.exp, np.exp, r"f(x) = e^x", 1.0),
    "sin": LabFunction(np.sin, np.cos, r"f(x) = \sin x", 1.0),
}
LAB_STEPS = np.logspace(-16, 0, 161)


@lru_cache(maxsize=128)
def lab_errors(key: str, x: float, dtype_name: str) -> DifferenceErrors:
    """Forward/central errors of LAB_FUNCTIONS[key] at x over LAB_STEPS (h = 1e-16 … 1)."""
    fn = LAB_FUNCTIONS[key]
    return difference_errors(fn.f, fn.df, x, LAB_STEPS, np.dtype(dtype_name))


def lab_estimates(key: str, x: float, h: float) -> tuple[float, float, float]:
    """(forward, central, exact) derivative of LAB_FUNCTIONS[key] at x with step h, in float64."""
    fn = LAB_FUNCTIONS[key]
    return (numerical_diff(fn.f, x, h, "forward"), numerical_diff(fn.f, x, h, "central"),
            float(fn.df(np.float64(x))))


# --- the notes' worked examples --------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """One quantity: the answer printed in the notes next to ours."""

    quantity: str
    notes: str
    ours: str
    agree: bool


def _vec(v: ArrayLike, digits: int = 6) -> str:
    return ("(" + ", ".join(f"{float(c):.{digits}g}" for c in np.ravel(v)) + ")").replace("-", "−")


def mountain_example() -> list[Comparison]:
    """z = 5 − x² − 2y² at (1.5, −1): gradient (−3, 4), steepest slope 5."""
    mountain = get_surface("mountain")
    p = np.array([1.5, -1.0])
    g = mountain.gradient_at(p)
    g_num = numerical_gradient(lambda v: mountain.value_at(v), p)
    steepest = float(np.hypot(*g))
    return [
        Comparison("grad", "(−3, 4)", _vec(g), bool(np.allclose(g, [-3, 4]))),
        Comparison("grad_numeric", "(−3, 4)", _vec(g_num, 12), bool(np.allclose(g_num, [-3, 4], atol=1e-8))),
        Comparison("steepest", "5", f"{steepest:.12g}", abs(steepest - 5) < 1e-12),
        Comparison("descent", "(3, −4)/5 = (0.6, −0.8)", _vec(-g / steepest), bool(np.allclose(-g / steepest, [0.6, -0.8]))),
    ]


def bowl_example() -> list[Comparison]:
    """x² + y² at (3, 4): partials 6 and 8, numerically 6.00000000000378 and 7.999999999999119."""
    g = numerical_gradient(lambda v: v[0] ** 2 + v[1] ** 2, np.array([3.0, 4.0]))
    exact = get_surface("bowl").gradient_at((3.0, 4.0))
    return [
        Comparison("dfdx", "6.00000000000378", repr(float(g[0])), bool(abs(g[0] - 6.00000000000378) < 5e-12)),
        Comparison("dfdy", "7.999999999999119", repr(float(g[1])), bool(abs(g[1] - 7.999999999999119) < 5e-12)),
        Comparison("exact", "(6, 8)", _vec(exact), bool(np.allclose(exact, [6, 8]))),
    ]


LOG_NORM_TEXT = "log(x^2 + y^2 + z^2)"


def log_norm_example() -> list[Comparison]:
    """ln(x² + y² + z²) at M1(1, 1, 1) toward M2(2, 3, 3): u = (1, 2, 2)/3, ∇f = (2/3)(1, 1, 1), 10/9."""
    expr = parse(LOG_NORM_TEXT, ("x", "y", "z"))
    partials = expr.gradient()
    m1, m2 = np.array([1.0, 1.0, 1.0]), np.array([2.0, 3.0, 3.0])

    def grad(p: FloatArray) -> FloatArray:
        return np.array([float(d(*p)) for d in partials])

    u = unit_vector(m2 - m1)
    g = grad(m1)
    d = directional_derivative(grad, m1, m2 - m1)
    d_limit = directional_derivative_limit(lambda p: float(expr(*p)), m1, m2 - m1)
    return [
        Comparison("direction", "(1, 2, 2)/3", _vec(u), bool(np.allclose(u, np.array([1, 2, 2]) / 3))),
        Comparison("grad3", "(2/3, 2/3, 2/3)", _vec(g), bool(np.allclose(g, 2 / 3))),
        Comparison("derivative", "10/9 = 1.1111111111111112", repr(d), abs(d - 10 / 9) < 1e-15),
        Comparison("limit", "10/9", f"{d_limit:.12g}", abs(d_limit - 10 / 9) < 1e-8),
    ]
