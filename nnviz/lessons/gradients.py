"""What the Gradients page computes: a surface on its map and the point P (f, ∇f, |∇f|, a numerical
check), the slices through P, the slope in a chosen direction, the gradient field with its arrow
at P, typed surfaces, the numerical-differentiation lab with the book's goldens, and the notes'
worked examples."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnviz.core.expr import Expression, parse
from nnviz.core.gradient import (
    DifferenceErrors,
    DirectionalProfile,
    VectorField,
    difference_errors,
    directional_derivative,
    directional_derivative_limit,
    directional_profile,
    gradient_field,
    numerical_diff,
    numerical_gradient,
    unit_vector,
)
from nnviz.core.surfaces import (
    Surface,
    get_surface,
    surface_from_expression,
    surface_grid,
)
from nnviz.lessons.frozen import read_only

FloatArray = NDArray[np.float64]
Window = tuple[float, float]
Point = tuple[float, float]

GRID = 80
DRAWABLE_GRID = 25
BOOK_GRID = ((-2.0, 2.25), 18)  # np.arange(-2, 2.5, 0.25) in both directions
BOOK_AXES = ((-2.0, 2.0), (-2.0, 2.0))
SIGNS = {"down": -1, "up": 1}
EXAMPLE_POINT = (1.5, -1.0)




# --- the surface, its map and the point P ----------------------------------------------------

@dataclass(frozen=True)
class SurfaceMap:
    """f on a grid over a window: x and y along the axes, Z with rows following y."""

    x: FloatArray
    y: FloatArray
    Z: FloatArray
    xlim: Window
    ylim: Window
    gaps: bool  # f is undefined (or overflows) somewhere on the grid


@lru_cache(maxsize=64)
def surface_map(surface: Surface, xlim: Window | None = None, ylim: Window | None = None,
                n: int = GRID) -> SurfaceMap:
    """f on an n × n grid over the window (default: the surface's own)."""
    X, Y, Z = surface_grid(surface, n, xlim, ylim)
    x, y = X[0].copy(), Y[:, 0].copy()
    read_only(x, y, Z)
    return SurfaceMap(x, y, Z, (float(x[0]), float(x[-1])), (float(y[0]), float(y[-1])),
                      not bool(np.isfinite(Z).all()))


def book_map() -> SurfaceMap:
    """The book's figure window: x₀² + x₁² over [−2, 2]²."""
    return surface_map(get_surface("bowl"), *BOOK_AXES)


@dataclass(frozen=True)
class SurfacePoint:
    """f and its slopes at P: analytic gradient, its length, and central differences (h = 10⁻⁴)."""

    point: Point
    value: float
    gradient: FloatArray
    norm: float
    numeric: FloatArray
    defined: bool  # f(P) and ∇f(P) are finite


@lru_cache(maxsize=256)
def surface_point(surface: Surface, point: Point) -> SurfacePoint:
    value, gradient = surface.value_at(point), surface.gradient_at(point)
    numeric = numerical_gradient(surface.value_at, np.array(point))
    read_only(gradient, numeric)
    defined = bool(np.isfinite(value) and np.all(np.isfinite(gradient)))
    return SurfacePoint(point, value, gradient, float(np.hypot(*gradient)), numeric, defined)


def point_step(lim: Window) -> float:
    """The slider step for a coordinate of P: finer in a narrow window."""
    width = lim[1] - lim[0]
    return 0.01 if width <= 6 else 0.02 if width <= 12 else 0.05


def clamp(value: float, lim: Window) -> float:
    """A coordinate of P moved inside the window."""
    return float(np.clip(value, *lim))


# --- typed surfaces -------------------------------------------------------------------------

@lru_cache(maxsize=64)
def drawable(surface: Surface) -> bool:
    """Whether f has at least one finite value on a coarse grid over its window."""
    return bool(np.isfinite(surface_grid(surface, DRAWABLE_GRID)[2]).any())


@dataclass(frozen=True)
class TypedSurface:
    """The surface to draw for a typed formula, and whether it was the typed one."""

    surface: Surface
    drawable: bool


def typed_surface(expr: Expression, span: float, fallback: tuple[str, float]) -> TypedSurface:
    """f(x, y) over ±span; a formula with no finite value there gives the ``fallback`` (text, span)."""
    surface = surface_from_expression(expr, (-span, span))
    if drawable(surface):
        return TypedSurface(surface, True)
    text, last_span = fallback
    return TypedSurface(surface_from_expression(parse(text, ("x", "y")), (-last_span, last_span)), False)


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


def direction_slice(surface: Surface, point: Point, theta_degrees: float) -> Slice:
    """The walk along u(θ) through P, 0.3 of the window's shorter side each way."""
    half = 0.3 * min(surface.xlim[1] - surface.xlim[0], surface.ylim[1] - surface.ylim[0])
    return line_slice(surface, point, direction_from_angle(theta_degrees), half)


# --- directions -------------------------------------------------------------------------

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


@dataclass(frozen=True)
class DirectionReadout:
    """The slope at P along u(θ): D_u f = ∇f·u = |∇f| cos α, the limit check, and the snap angles.

    ``gradient`` is ∇f(P) as computed (NaN where undefined); everything else uses
    ``finite_gradient``, which is ∇f(P) or (0, 0) where it is undefined.
    """

    point: Point
    theta: float
    u: FloatArray
    gradient: FloatArray
    finite_gradient: FloatArray
    norm: float
    alpha: float  # degrees between u and ∇f; nan where ∇f = 0
    derivative: float
    limit: float | None  # (f(P + hu) − f(P − hu)) / 2h at h = 10⁻⁵; None where f(P) is undefined
    profile: DirectionalProfile
    steepest: float  # θ of ∇f in degrees
    snaps: tuple[tuple[str, float], ...]  # ("up" | "down" | "level", θ to 0.1°)

    @property
    def critical(self) -> bool:
        """∇f(P) = 0 (or undefined): every direction has slope 0."""
        return not np.isfinite(self.alpha)

    def snap(self, name: str) -> float:
        """The θ a snap button sets: "up" (along ∇f), "down" (along −∇f) or "level"."""
        return dict(self.snaps)[name]


@lru_cache(maxsize=256)
def direction_readout(surface: Surface, point: Point, theta_degrees: float) -> DirectionReadout:
    gradient = surface.gradient_at(point)
    finite = gradient if np.all(np.isfinite(gradient)) else np.zeros(2)
    u = direction_from_angle(theta_degrees)
    profile = directional_profile(finite)
    p = np.array(point)
    limit = directional_derivative_limit(surface.value_at, p, u) if np.isfinite(surface.value_at(point)) else None
    star = float(np.degrees(profile.theta_max))
    snaps = (("up", round(star, 1)), ("down", round((star + 180) % 360, 1)), ("level", round((star + 90) % 360, 1)))
    read_only(gradient, finite, u, profile.theta, profile.slope)
    return DirectionReadout(point, theta_degrees, u, gradient, finite, float(np.hypot(*finite)),
                            float(np.degrees(angle_between(finite, u))),
                            directional_derivative(lambda _: finite, p, u), limit, profile, star, snaps)


def example_direction() -> DirectionReadout:
    """The notes' mountain at (1.5, −1), looking along its steepest ascent."""
    mountain = get_surface("mountain")
    steepest = direction_readout(mountain, EXAMPLE_POINT, 0.0).steepest
    return direction_readout(mountain, EXAMPLE_POINT, steepest)


# --- the gradient field -------------------------------------------------------------------

@dataclass(frozen=True)
class FieldArrows:
    """Arrows of sign·∇f from the grid points (X, Y), scaled to draw: (dx, dy).

    True length: every arrow is |∇f|·k with one k, chosen so the longest is 0.9 grid spacings.
    Normalised: all arrows 0.7 spacings long, and k is nan.
    """

    X: FloatArray
    Y: FloatArray
    dx: FloatArray
    dy: FloatArray
    sign: int
    k: float
    spacing: float

    @property
    def n(self) -> int:
        return int(self.X.shape[0])


def _scaled(field: VectorField, sign: int, normalise: bool) -> FieldArrows:
    U, V = sign * field.U, sign * field.V
    spacing = min(float(np.ptp(field.X[0])), float(np.ptp(field.Y[:, 0]))) / (field.X.shape[1] - 1)
    length = np.hypot(U, V)
    finite = np.isfinite(length)
    longest = float(np.max(length[finite])) if finite.any() else 0.0
    if normalise:
        with np.errstate(all="ignore"):
            dx, dy = 0.7 * spacing * U / length, 0.7 * spacing * V / length
        k = float("nan")
    else:
        k = 0.9 * spacing / longest if longest > 0 else 0.0
        dx, dy = k * U, k * V
    read_only(field.X, field.Y, dx, dy)
    return FieldArrows(field.X, field.Y, dx, dy, sign, k, spacing)


@lru_cache(maxsize=64)
def field_arrows(surface: Surface, n: int, sign: int, normalise: bool) -> FieldArrows:
    """sign·∇f on an n × n grid over the surface's window."""
    return _scaled(gradient_field(surface.grad, surface.xlim, surface.ylim, n), sign, normalise)


@lru_cache(maxsize=1)
def book_field() -> FieldArrows:
    """The book's figure: −∇f of x₀² + x₁² on np.arange(−2, 2.5, 0.25)², true length."""
    lim, n = BOOK_GRID
    return _scaled(gradient_field(get_surface("bowl").grad, lim, lim, n), -1, False)


@dataclass(frozen=True)
class FieldReadout:
    """The arrow sign·∇f(P), its unit direction, the level curve's direction and the angle between."""

    point: Point
    sign: int
    arrow: FloatArray
    defined: bool  # ∇f(P) is finite
    norm: float
    direction: FloatArray  # arrow / |arrow|
    tangent: FloatArray  # direction turned by +90°: along the level curve
    angle: float  # degrees between the arrow and the level curve; nan for a zero arrow

    @property
    def moving(self) -> bool:
        """A defined arrow of non-zero length."""
        return self.defined and self.norm > 0


@lru_cache(maxsize=256)
def field_readout(surface: Surface, point: Point, sign: int) -> FieldReadout:
    gradient = surface.gradient_at(point)
    arrow = sign * gradient
    norm = float(np.hypot(*arrow))
    defined = bool(np.all(np.isfinite(gradient)))
    moving = defined and norm > 0
    with np.errstate(all="ignore"):
        direction = arrow / norm
    tangent = np.array([-direction[1], direction[0]])
    angle = float(np.degrees(angle_between(arrow, level_tangent(gradient)))) if moving else float("nan")
    read_only(arrow, direction, tangent)
    return FieldReadout(point, sign, arrow, defined, norm, direction, tangent, angle)


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
LAB_DTYPES = ("float64", "float32")
LAB_HALF_WIDTH = 6.0


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


@dataclass(frozen=True)
class LabReadout:
    """One setting of the lab: f around x₀, the three derivatives at step h, and the error curves."""

    key: str
    latex: str
    x0: float
    h: float
    x: FloatArray
    fx: FloatArray
    f0: float
    forward: float
    central: float
    exact: float
    errors: tuple[tuple[str, DifferenceErrors], ...]  # (dtype name, errors over LAB_STEPS)

    @property
    def forward_error(self) -> float:
        return abs(self.forward - self.exact)

    @property
    def central_error(self) -> float:
        return abs(self.central - self.exact)


@lru_cache(maxsize=128)
def lab(key: str, x0: float, log_h: float) -> LabReadout:
    """The lab at x₀ with h = 10^log_h: f on x₀ ± 6, the estimates and the float64/float32 errors."""
    fn = LAB_FUNCTIONS[key]
    h = 10.0**log_h
    x = np.linspace(x0 - LAB_HALF_WIDTH, x0 + LAB_HALF_WIDTH, 241)
    fx = np.asarray(fn.f(x), dtype=np.float64)
    read_only(x, fx)
    forward, central, exact = lab_estimates(key, x0, h)
    errors = tuple((name, lab_errors(key, x0, name)) for name in LAB_DTYPES)
    return LabReadout(key, fn.latex, x0, h, x, fx, float(fn.f(np.float64(x0))), forward, central, exact, errors)


@dataclass(frozen=True)
class Golden:
    """The book's printed central difference at x next to ours, and the exact derivative."""

    x: float
    notes: str
    ours: float
    exact: float


BOOK_GOLDENS = ((5.0, "0.1999999999990898", 0.2), (10.0, "0.2999999999986347", 0.3))


def book_goldens() -> tuple[Golden, ...]:
    """numerical_diff(0.01x² + 0.1x) at x = 5 and 10 with h = 10⁻⁴, as the book prints it."""
    return tuple(Golden(x, notes, float(numerical_diff(book_function, x)), exact) for x, notes, exact in BOOK_GOLDENS)


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
        Comparison("descent", "(3, −4)/5 = (0.6, −0.8)", _vec(-g / steepest),
                   bool(np.allclose(-g / steepest, [0.6, -0.8]))),
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
