"""Two-variable test surfaces f(x, y) with analytic gradients, shared by several pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnviz.core.expr import Expression
from nnviz.core.gradient import grid_2d
from nnviz.core.quadratic import quadratic_insight

FloatArray = NDArray[np.float64]
ScalarField = Callable[[ArrayLike, ArrayLike], ArrayLike]
GradientField = Callable[[ArrayLike, ArrayLike], tuple[ArrayLike, ArrayLike]]
HessianFn = Callable[[float, float], ArrayLike]
Window = tuple[float, float]

RASTRIGIN_A = 10.0


class CriticalPoint(NamedTuple):
    """A point with ∇f = 0 and its kind."""

    x: float
    y: float
    kind: Literal["min", "max", "saddle"]


@dataclass(frozen=True)
class Surface:
    """f(x, y), its gradient (and optionally Hessian), a plot window and a descent start.

    f and grad are vectorised: they take arrays x, y and return arrays of the
    broadcast shape.  hessian takes one point and returns a 2 × 2 array.
    critical_points lists the known ones (exhaustive only where stated in the docs);
    f_min is the global minimum value, None when f is unbounded below or unknown.
    formula is f as a user would type it (nnviz.core.expr syntax).
    """

    key: str
    f: ScalarField
    grad: GradientField
    xlim: Window
    ylim: Window
    start: tuple[float, float]
    lr: float
    latex: str
    critical_points: tuple[CriticalPoint, ...] = ()
    f_min: float | None = None
    hessian: HessianFn | None = None
    formula: str = ""

    def value_at(self, point: ArrayLike) -> float:
        """f at a point given as a 2-vector."""
        x, y = np.asarray(point, dtype=np.float64)
        return float(self.f(x, y))

    def gradient_at(self, point: ArrayLike) -> FloatArray:
        """∇f at a point given as a 2-vector, as a float64 2-vector."""
        x, y = np.asarray(point, dtype=np.float64)
        gx, gy = self.grad(x, y)
        return np.array([gx, gy], dtype=np.float64)

    @classmethod
    def from_functions(
        cls,
        key: str,
        f: ScalarField,
        grad: GradientField,
        *,
        xlim: Window = (-3.0, 3.0),
        ylim: Window = (-3.0, 3.0),
        start: tuple[float, float] | None = None,
        lr: float = 0.05,
        latex: str = "",
        critical_points: tuple[CriticalPoint, ...] = (),
        f_min: float | None = None,
        hessian: HessianFn | None = None,
        formula: str = "",
    ) -> Surface:
        """Wrap arbitrary (e.g. user-typed) f and grad into a safe, broadcasting Surface.

        Evaluation never warns: non-finite values (log 0, 1/0, overflow) become nan,
        and constant results are broadcast to the input shape.  The default start
        sits 15 % in from the window's top-left corner.
        """
        if start is None:
            start = (xlim[0] + 0.15 * (xlim[1] - xlim[0]), ylim[1] - 0.15 * (ylim[1] - ylim[0]))

        def safe_f(x: ArrayLike, y: ArrayLike) -> FloatArray:
            with np.errstate(all="ignore"):
                return _finite_or_nan(f(x, y), x, y)

        def safe_grad(x: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
            with np.errstate(all="ignore"):
                gx, gy = grad(x, y)
                return _finite_or_nan(gx, x, y), _finite_or_nan(gy, x, y)

        return cls(key, safe_f, safe_grad, xlim, ylim, start, lr, latex,
                   tuple(critical_points), f_min, hessian, formula)


def _finite_or_nan(values: ArrayLike, x: ArrayLike, y: ArrayLike) -> FloatArray:
    shape = np.broadcast_shapes(np.shape(x), np.shape(y))
    out = np.array(np.broadcast_to(np.asarray(values, dtype=np.float64), shape))
    out[~np.isfinite(out)] = np.nan
    return out


def surface_grid(
    surface: Surface, n: int, xlim: Window | None = None, ylim: Window | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """X, Y, Z = f(X, Y) on an n × n grid over the window (default: the surface's)."""
    X, Y = grid_2d(xlim or surface.xlim, ylim or surface.ylim, n)
    Z = np.array(np.broadcast_to(surface.f(X, Y), X.shape), dtype=np.float64)
    return X, Y, Z


# --- the presets -------------------------------------------------------------

def _bowl(x: FloatArray, y: FloatArray) -> FloatArray:
    return x**2 + y**2


def _bowl_grad(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    return 2 * x, 2 * y


def _mountain(x: FloatArray, y: FloatArray) -> FloatArray:
    return 5 - x**2 - 2 * y**2


def _mountain_grad(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    return -2 * x, -4 * y


def _saddle(x: FloatArray, y: FloatArray) -> FloatArray:
    return x**2 - y**2


def _saddle_grad(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    return 2 * x, -2 * y


def _elongated(x: FloatArray, y: FloatArray) -> FloatArray:
    return x**2 / 20 + y**2


def _elongated_grad(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    return x / 10, 2 * y


def _rosenbrock(x: FloatArray, y: FloatArray) -> FloatArray:
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _rosenbrock_grad(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    return -2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)


def _rosenbrock_hessian(x: float, y: float) -> FloatArray:
    return np.array([[2 - 400 * y + 1200 * x**2, -400 * x], [-400 * x, 200.0]])


def _himmelblau(x: FloatArray, y: FloatArray) -> FloatArray:
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _himmelblau_grad(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    a, b = x**2 + y - 11, x + y**2 - 7
    return 4 * x * a + 2 * b, 2 * a + 4 * y * b


def _himmelblau_hessian(x: float, y: float) -> FloatArray:
    return np.array([[12 * x**2 + 4 * y - 42, 4 * (x + y)], [4 * (x + y), 4 * x + 12 * y**2 - 26]])


def _beale_terms(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    return 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3


def _beale(x: FloatArray, y: FloatArray) -> FloatArray:
    t1, t2, t3 = _beale_terms(x, y)
    return t1**2 + t2**2 + t3**2


def _beale_grad(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    t1, t2, t3 = _beale_terms(x, y)
    gx = 2 * (t1 * (y - 1) + t2 * (y**2 - 1) + t3 * (y**3 - 1))
    gy = 2 * x * (t1 + 2 * y * t2 + 3 * y**2 * t3)
    return gx, gy


def _beale_hessian(x: float, y: float) -> FloatArray:
    t1, t2, t3 = _beale_terms(x, y)
    fxx = 2 * ((y - 1) ** 2 + (y**2 - 1) ** 2 + (y**3 - 1) ** 2)
    fxy = 2 * (x * (y - 1) + t1 + 2 * x * y * (y**2 - 1) + 2 * y * t2
               + 3 * x * y**2 * (y**3 - 1) + 3 * y**2 * t3)
    fyy = 2 * x**2 + 4 * x * t2 + 8 * x**2 * y**2 + 12 * x * y * t3 + 18 * x**2 * y**4
    return np.array([[fxx, fxy], [fxy, fyy]])


def _rastrigin(x: FloatArray, y: FloatArray) -> FloatArray:
    a, w = RASTRIGIN_A, 2 * np.pi
    return 2 * a + x**2 + y**2 - a * (np.cos(w * x) + np.cos(w * y))


def _rastrigin_grad(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    a, w = RASTRIGIN_A, 2 * np.pi
    return 2 * x + a * w * np.sin(w * x), 2 * y + a * w * np.sin(w * y)


def _rastrigin_hessian(x: float, y: float) -> FloatArray:
    a, w = RASTRIGIN_A, 2 * np.pi
    return np.array([[2 + a * w**2 * np.cos(w * x), 0.0], [0.0, 2 + a * w**2 * np.cos(w * y)]])


def _constant_hessian(fxx: float, fxy: float, fyy: float) -> HessianFn:
    matrix = np.array([[fxx, fxy], [fxy, fyy]], dtype=np.float64)
    return lambda x, y: matrix.copy()


_CODED = (
    Surface("bowl", _bowl, _bowl_grad, (-4.5, 4.5), (-4.5, 4.5), (-3.0, 4.0), 0.1,
            r"x^2 + y^2", (CriticalPoint(0.0, 0.0, "min"),), 0.0, _constant_hessian(2, 0, 2)),
    Surface("mountain", _mountain, _mountain_grad, (-3.0, 3.0), (-2.5, 2.5), (1.5, -1.0), 0.05,
            r"5 - x^2 - 2y^2", (CriticalPoint(0.0, 0.0, "max"),), None,
            _constant_hessian(-2, 0, -4)),
    Surface("saddle", _saddle, _saddle_grad, (-2.0, 2.0), (-2.0, 2.0), (1.8, 0.05), 0.05,
            r"x^2 - y^2", (CriticalPoint(0.0, 0.0, "saddle"),), None,
            _constant_hessian(2, 0, -2)),
    Surface("elongated", _elongated, _elongated_grad, (-10.0, 10.0), (-5.0, 5.0), (-7.0, 2.0), 0.9,
            r"\frac{x^2}{20} + y^2", (CriticalPoint(0.0, 0.0, "min"),), 0.0,
            _constant_hessian(0.1, 0, 2)),
    Surface("rosenbrock", _rosenbrock, _rosenbrock_grad, (-2.0, 2.0), (-1.0, 3.0), (-1.2, 1.0),
            0.001, r"(1 - x)^2 + 100\,(y - x^2)^2", (CriticalPoint(1.0, 1.0, "min"),), 0.0,
            _rosenbrock_hessian),
    Surface("himmelblau", _himmelblau, _himmelblau_grad, (-5.0, 5.0), (-5.0, 5.0), (0.0, 0.0),
            0.01, r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            (CriticalPoint(3.0, 2.0, "min"),
             CriticalPoint(-2.8051180869527449, 3.1313125182505730, "min"),
             CriticalPoint(-3.7793102533777469, -3.2831859912861694, "min"),
             CriticalPoint(3.5844283403304917, -1.8481265269644036, "min"),
             CriticalPoint(-0.27084459066734761, -0.92303855647998146, "max"),
             CriticalPoint(3.3851541836070209, 0.073851879837749288, "saddle"),
             CriticalPoint(-3.0730257507643896, -0.081353044287967511, "saddle"),
             CriticalPoint(0.086677504555396352, 2.8842547011747761, "saddle"),
             CriticalPoint(-0.12796134673068007, -1.9537149802445764, "saddle")),
            0.0, _himmelblau_hessian),
    Surface("beale", _beale, _beale_grad, (-4.5, 4.5), (-4.5, 4.5), (1.0, 1.5), 0.01,
            r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
            (CriticalPoint(3.0, 0.5, "min"),
             CriticalPoint(0.0, 1.0, "saddle"),
             CriticalPoint(0.10053793732415836, -2.6445135850231250, "saddle")),
            0.0, _beale_hessian),
    Surface("rastrigin", _rastrigin, _rastrigin_grad, (-5.12, 5.12), (-5.12, 5.12), (3.2, -2.3),
            0.002, r"20 + x^2 + y^2 - 10\,(\cos 2\pi x + \cos 2\pi y)",
            (CriticalPoint(0.0, 0.0, "min"),), 0.0, _rastrigin_hessian),
)

_FORMULAS = {
    "bowl": "x^2 + y^2",
    "mountain": "5 - x^2 - 2*y^2",
    "saddle": "x^2 - y^2",
    "elongated": "x^2/20 + y^2",
    "rosenbrock": "(1 - x)^2 + 100*(y - x^2)^2",
    "himmelblau": "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    "beale": "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
    "rastrigin": "20 + x^2 + y^2 - 10*(cos(2*pi*x) + cos(2*pi*y))",
}
_PRESETS = tuple(replace(s, formula=_FORMULAS[s.key]) for s in _CODED)

SURFACES: dict[str, Surface] = {s.key: s for s in _PRESETS}


def get_surface(key: str) -> Surface:
    """The preset with this key; KeyError listing the valid keys otherwise."""
    try:
        return SURFACES[key]
    except KeyError:
        raise KeyError(f"unknown surface {key!r}; choose one of {sorted(SURFACES)}") from None


# --- typed surfaces and quadratics ---------------------------------------------

# Fractions of the window where a Hessian is sampled to decide whether it is constant;
# irregular so that periodic or symmetric surfaces do not repeat by accident.
_PROBE_FRACTIONS = (0.13, 0.5, 0.87)


@lru_cache(maxsize=64)
def surface_from_expression(expr: Expression, xlim: Window = (-3.0, 3.0), ylim: Window | None = None) -> Surface:
    """The Surface of a typed f(x, y) with SymPy's gradient and Hessian (cached); ylim defaults to xlim.

    Undefined points and overflow give nan without warnings (Surface.from_functions).
    """
    if expr.variables != ("x", "y"):
        raise ValueError(f"expected an expression in (x, y), got {expr.variables}")
    dx, dy = expr.gradient()
    dxx, dxy, dyy = dx.diff("x"), dx.diff("y"), dy.diff("y")

    def hessian(x: float, y: float) -> FloatArray:
        with np.errstate(all="ignore"):
            return np.array([[float(dxx(x, y)), float(dxy(x, y))], [float(dxy(x, y)), float(dyy(x, y))]])

    return Surface.from_functions("custom", expr, lambda x, y: (dx(x, y), dy(x, y)), xlim=xlim,
                                  ylim=xlim if ylim is None else ylim, latex=expr.latex, hessian=hessian,
                                  formula=expr.text)


def quadratic_hessian(surface: Surface) -> FloatArray | None:
    """The Hessian of a quadratic surface: the same (and finite) at nine points of the window; else None.

    A constant Hessian makes f a quadratic, where the step-size theory (nnviz.core.quadratic) is exact.
    """
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


def with_quadratic_minimum(surface: Surface) -> Surface:
    """A quadratic surface with a positive definite Hessian H, given its minimum in closed form:
    w* = c − H⁻¹ ∇f(c) from the window's centre c, f* = f(w*). Any other surface comes back as it was.

    The gradient is checked to vanish at w* (a kink like |x| can fake a constant Hessian).
    """
    hessian = quadratic_hessian(surface)
    if hessian is None or quadratic_insight(hessian).shape != "bowl":
        return surface
    centre = np.array([sum(surface.xlim) / 2, sum(surface.ylim) / 2])
    with np.errstate(all="ignore"):
        w = centre - np.linalg.solve(hessian, surface.gradient_at(centre))
        residual, value = surface.gradient_at(w), surface.value_at(w)
    scale = float(np.max(np.abs(hessian))) * (1.0 + float(np.max(np.abs(w))))
    if not (np.isfinite(value) and np.all(np.abs(residual) <= 1e-9 * scale)):
        return surface
    minimum = CriticalPoint(float(w[0]), float(w[1]), "min")
    return replace(surface, critical_points=(minimum,), f_min=value)
