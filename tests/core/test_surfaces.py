"""Tests for nnviz.core.surfaces: presets against independent SymPy formulas and finite differences."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
import sympy as sp

from nnviz.core.descent import descent_path
from nnviz.core.expr import parse
from nnviz.core.gradient import grid_2d, numerical_gradient
from nnviz.core.quadratic import stable_lr_bound
from nnviz.core.surfaces import (
    SURFACES,
    CriticalPoint,
    Surface,
    get_surface,
    quadratic_hessian,
    surface_from_expression,
    surface_grid,
    with_quadratic_minimum,
)

X, Y = sp.symbols("x y")
HALF = sp.Rational(1, 2)
SYMPY_FORMS = {
    "bowl": X**2 + Y**2,
    "mountain": 5 - X**2 - 2 * Y**2,
    "saddle": X**2 - Y**2,
    "elongated": X**2 / 20 + Y**2,
    "rosenbrock": (1 - X) ** 2 + 100 * (Y - X**2) ** 2,
    "himmelblau": (X**2 + Y - 11) ** 2 + (X + Y**2 - 7) ** 2,
    "beale": (3 * HALF - X + X * Y) ** 2 + (sp.Rational(9, 4) - X + X * Y**2) ** 2
    + (sp.Rational(21, 8) - X + X * Y**3) ** 2,
    "rastrigin": 20 + X**2 + Y**2 - 10 * (sp.cos(2 * sp.pi * X) + sp.cos(2 * sp.pi * Y)),
}


def _lambdified(expr):
    grad = [sp.diff(expr, v) for v in (X, Y)]
    hess = sp.hessian(expr, (X, Y))
    return (sp.lambdify((X, Y), expr, "numpy"), sp.lambdify((X, Y), grad, "numpy"),
            sp.lambdify((X, Y), hess, "numpy"))


SYMPY = {key: _lambdified(expr) for key, expr in SYMPY_FORMS.items()}


def _random_points(surface, n=40, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(surface.xlim[0], surface.xlim[1], n), rng.uniform(surface.ylim[0], surface.ylim[1], n)


def test_the_eight_presets_exist():
    assert set(SURFACES) == set(SYMPY_FORMS)
    assert all(SURFACES[k].key == k for k in SURFACES)
    assert get_surface("rosenbrock") is SURFACES["rosenbrock"]
    with pytest.raises(KeyError, match="bowl"):
        get_surface("nope")


@pytest.mark.parametrize("key", sorted(SYMPY_FORMS))
def test_preset_matches_sympy_value_gradient_and_hessian(key):
    surface = SURFACES[key]
    f_ref, grad_ref, hess_ref = SYMPY[key]
    xs, ys = _random_points(surface)
    np.testing.assert_allclose(surface.f(xs, ys), f_ref(xs, ys), rtol=1e-12, atol=1e-9)
    gx, gy = surface.grad(xs, ys)
    rx, ry = grad_ref(xs, ys)
    np.testing.assert_allclose(gx, rx, rtol=1e-11, atol=1e-9)
    np.testing.assert_allclose(gy, ry, rtol=1e-11, atol=1e-9)
    for x, y in zip(xs[:10], ys[:10]):
        np.testing.assert_allclose(surface.hessian(x, y), np.array(hess_ref(x, y), dtype=float),
                                   rtol=1e-11, atol=1e-9)


@pytest.mark.parametrize("key", sorted(SURFACES))
def test_analytic_gradient_matches_numerical_gradient(key):
    surface = SURFACES[key]
    for x, y in zip(*_random_points(surface, n=20, seed=1)):
        p = np.array([x, y])
        scale = 1 + abs(surface.value_at(p))
        np.testing.assert_allclose(surface.gradient_at(p), numerical_gradient(surface.value_at, p),
                                   rtol=1e-6, atol=1e-4 * scale)


@pytest.mark.parametrize("key", sorted(SURFACES))
def test_critical_points_are_critical_and_of_the_stated_kind(key):
    surface = SURFACES[key]
    f_ref, grad_ref, hess_ref = SYMPY[key]
    assert surface.critical_points
    for cp in surface.critical_points:
        assert isinstance(cp, CriticalPoint)
        assert np.linalg.norm(grad_ref(cp.x, cp.y)) < 1e-9
        eig = np.linalg.eigvalsh(np.array(hess_ref(cp.x, cp.y), dtype=float))
        expected = {"min": eig[0] > 0, "max": eig[1] < 0, "saddle": eig[0] < 0 < eig[1]}
        assert expected[cp.kind], (cp, eig)
        if cp.kind == "min" and surface.f_min is not None:
            assert f_ref(cp.x, cp.y) == pytest.approx(surface.f_min, abs=1e-12)


@pytest.mark.parametrize("key", sorted(SURFACES))
def test_f_min_is_a_lower_bound_on_the_window(key):
    surface = SURFACES[key]
    _, _, Z = surface_grid(surface, 101)
    if surface.f_min is None:
        assert key in {"mountain", "saddle"}  # unbounded below
    else:
        assert Z.min() >= surface.f_min - 1e-12


@pytest.mark.parametrize("key", sorted(SURFACES))
def test_window_start_and_learning_rate_are_sensible(key):
    surface = SURFACES[key]
    (x0, x1), (y0, y1) = surface.xlim, surface.ylim
    sx, sy = surface.start
    assert x0 < sx < x1 and y0 < sy < y1
    assert all(x0 <= cp.x <= x1 and y0 <= cp.y <= y1 for cp in surface.critical_points)
    assert np.linalg.norm(surface.gradient_at(surface.start)) > 1e-3  # not parked on a critical point
    for cp in surface.critical_points:
        if cp.kind == "min":  # the default lr is stable at every listed minimum
            assert 0 < surface.lr < stable_lr_bound(surface.hessian(cp.x, cp.y))


@pytest.mark.parametrize("key", sorted(SURFACES))
def test_default_descent_goes_downhill(key):
    surface = SURFACES[key]
    path = descent_path(surface.gradient_at, surface.start, surface.lr, 300, f=surface.value_at)
    first = path.fs[:20]
    assert np.all(np.diff(first) < 0)
    if surface.f_min is not None:
        assert path.status != "diverged" and path.fs[-1] < path.fs[0]


def test_surface_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        SURFACES["bowl"].lr = 1.0


def test_point_helpers_return_floats():
    bowl = SURFACES["bowl"]
    assert bowl.value_at([3, 4]) == 25.0 and isinstance(bowl.value_at([3, 4]), float)
    g = bowl.gradient_at([3, 4])
    assert g.dtype == np.float64 and g.tolist() == [6.0, 8.0]


def test_surface_grid_samples_f_on_the_window():
    surface = SURFACES["himmelblau"]
    X, Y, Z = surface_grid(surface, 7)
    assert X.shape == Y.shape == Z.shape == (7, 7)
    xs, ys = np.linspace(-5, 5, 7), np.linspace(-5, 5, 7)
    for i in (0, 3, 6):
        for j in (0, 2, 5):
            x, y = xs[j], ys[i]
            assert Z[i, j] == pytest.approx((x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2)
    X2, Y2, _ = surface_grid(surface, 3, xlim=(0, 1), ylim=(2, 4))
    assert X2[0].tolist() == [0, 0.5, 1] and Y2[:, 0].tolist() == [2, 3, 4]
    with pytest.raises(ValueError):
        surface_grid(surface, 1)


def test_from_functions_broadcasts_and_masks_without_warnings():
    surface = Surface.from_functions("user", lambda x, y: np.log(x) + y, lambda x, y: (1 / x, 1.0),
                                     xlim=(-1.0, 1.0), ylim=(0.0, 2.0))
    assert surface.start == pytest.approx((-0.7, 1.7))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X, Y, Z = surface_grid(surface, 5)
        gx, gy = surface.grad(X, Y)
    assert Z.shape == (5, 5) and np.all(np.isnan(Z[:, :3])) and np.all(np.isfinite(Z[:, 3:]))
    assert gy.shape == (5, 5) and np.all(gy == 1.0)
    assert np.all(np.isnan(gx[:, 2]))  # 1/0 = inf becomes nan
    assert surface.value_at([1.0, 2.0]) == pytest.approx(2.0)
    np.testing.assert_allclose(surface.gradient_at([0.5, 0.0]), [2.0, 1.0])


def test_from_functions_keeps_the_given_metadata():
    cp = (CriticalPoint(0.0, 0.0, "min"),)
    s = Surface.from_functions("q", lambda x, y: x**2 + 3 * y**2, lambda x, y: (2 * x, 6 * y),
                               start=(1.0, 1.0), lr=0.1, latex="x^2+3y^2", critical_points=cp, f_min=0.0)
    assert (s.key, s.start, s.lr, s.latex, s.critical_points, s.f_min) == ("q", (1.0, 1.0), 0.1,
                                                                          "x^2+3y^2", cp, 0.0)


def test_typed_surface_has_symbolic_gradient_and_hessian():
    expr = parse("(x**2 - 1)**2 + y**2", ("x", "y"))
    surface = surface_from_expression(expr)
    np.testing.assert_allclose(surface.gradient_at((0.5, 2.0)), [4 * 0.5 * (0.25 - 1), 4.0])
    np.testing.assert_allclose(surface.hessian(0.5, 2.0), [[12 * 0.25 - 4, 0], [0, 2]])
    assert quadratic_hessian(surface) is None
    assert quadratic_hessian(surface_from_expression(parse("x**2 + 3*x*y - y", ("x", "y")))) is not None


@pytest.mark.parametrize("key,constant", [("elongated", True), ("bowl", True), ("saddle", True),
                                          ("rosenbrock", False), ("beale", False), ("himmelblau", False),
                                          ("rastrigin", False)])
def test_constant_hessian_detects_quadratics(key: str, constant: bool) -> None:
    assert (quadratic_hessian(SURFACES[key]) is not None) == constant


def test_user_surface_gradient_and_hessian() -> None:
    s = surface_from_expression(parse("3*x**2 + x*y + y**2", ("x", "y")), (-2, 2), (-2, 2))
    np.testing.assert_allclose(s.gradient_at((1.0, 2.0)), [6 + 2, 1 + 4])
    np.testing.assert_allclose(quadratic_hessian(s), [[6, 1], [1, 2]])
    wavy = surface_from_expression(parse("sin(x) + y**2", ("x", "y")), (-2, 2), (-2, 2))
    assert quadratic_hessian(wavy) is None


def test_user_surface_undefined_points_are_nan_without_warnings() -> None:
    s = surface_from_expression(parse("log(x) + y", ("x", "y")), (-2, 2), (-2, 2))
    with np.errstate(all="raise"):
        assert np.isnan(s.value_at((-1.0, 0.0)))
        assert np.all(np.isnan(s.gradient_at((0.0, 0.0))[:1]))
    assert quadratic_hessian(s) is None


@pytest.mark.parametrize("key", sorted(SURFACES))
def test_presets_typed_as_text_match_the_coded_presets(key):
    coded = SURFACES[key]
    typed = surface_from_expression(parse(SURFACES[key].formula, ("x", "y")), coded.xlim, coded.ylim)
    X, Y = grid_2d(coded.xlim, coded.ylim, 23)
    np.testing.assert_allclose(typed.f(X, Y), coded.f(X, Y), rtol=1e-12, atol=1e-9)
    for got, want in zip(typed.grad(X, Y), coded.grad(X, Y)):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-8)


def test_every_preset_has_its_typed_formula():
    assert all(surface.formula for surface in SURFACES.values())


def test_typed_surface_window_and_undefined_points_without_warnings():
    surface = surface_from_expression(parse("log(x) + 1/y", ("x", "y")), (-2.0, 2.0))
    assert surface.xlim == surface.ylim == (-2.0, 2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(surface.value_at((-1.0, 1.0)))
        gx, gy = surface.gradient_at((1.0, 0.0))
        assert gx == 1.0 and np.isnan(gy)
        assert surface.value_at((np.e, 1.0)) == pytest.approx(2.0)
        assert np.isnan(surface_from_expression(parse("exp(x*y*1000)", ("x", "y")), (-10.0, 10.0)).value_at((10.0, 10.0)))


def test_surface_from_expression_needs_x_and_y():
    with pytest.raises(ValueError):
        surface_from_expression(parse("x**2", ("x",)))


@pytest.mark.parametrize("text", ["x**2/10 + y**2/2", "(x - 1)**2 + 3*(y + 2)**2 + x*y", "2*x**2 - 3*x*y + 4*y**2 - x + 7"])
def test_quadratic_minimum_is_the_sympy_critical_point(text: str) -> None:
    expr = sp.sympify(text)  # the test's own SymPy, independent of nnviz.core.expr
    (point,) = sp.solve([sp.diff(expr, X), sp.diff(expr, Y)], [X, Y], dict=True)
    s = with_quadratic_minimum(surface_from_expression(parse(text, ("x", "y")), (-4, 4), (-4, 4)))
    (c,) = s.critical_points
    assert c.kind == "min"
    assert (c.x, c.y) == (pytest.approx(float(point[X]), abs=1e-12), pytest.approx(float(point[Y]), abs=1e-12))
    assert s.f_min == pytest.approx(float(expr.subs(point)), abs=1e-12)


@pytest.mark.parametrize("text", ["x**2 - y**2", "x**2", "-x**2 - y**2", "x**2 + x*y + y**4", "abs(x - 1) + (x**2 + y**2)/10"])
def test_no_closed_form_minimum_without_a_positive_definite_quadratic(text: str) -> None:
    """Saddle, flat direction, maximum, not a quadratic, and a kink that fakes a constant Hessian."""
    s = surface_from_expression(parse(text, ("x", "y")), (-4, 4), (-4, 4))
    assert with_quadratic_minimum(s) is s
