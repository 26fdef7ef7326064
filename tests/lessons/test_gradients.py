"""nnviz.lessons.gradients: the point P and its map, typed surfaces, slices, directions, the gradient field,
the lab and the notes' examples, against closed forms, finite differences and printed goldens."""


import numpy as np
import pytest

from nnviz.core.expr import parse
from nnviz.core.surfaces import get_surface, surface_from_expression
from nnviz.lessons import gradients as lesson
from nnviz.lessons.gradients import (
    LAB_FUNCTIONS,
    LAB_STEPS,
    angle_between,
    axis_slices,
    book_function,
    bowl_example,
    direction_from_angle,
    lab_errors,
    lab_estimates,
    level_tangent,
    line_slice,
    log_norm_example,
    mountain_example,
)


def test_axis_slices_are_the_surface_with_one_variable_fixed():
    mountain = get_surface("mountain")
    along_x, along_y = axis_slices(mountain, (1.5, -1.0), n=11)
    np.testing.assert_allclose(along_x.values, 5 - along_x.s**2 - 2)
    np.testing.assert_allclose(along_y.values, 5 - 2.25 - 2 * along_y.s**2)
    assert (along_x.slope, along_y.slope, along_x.at_p) == (-3.0, 4.0, 0.75)
    assert along_x.s[0] == mountain.xlim[0] and along_y.s[-1] == mountain.ylim[1]


def test_bowl_slices_at_three_four_have_slopes_six_and_eight():
    along_x, along_y = axis_slices(get_surface("bowl"), (3.0, 4.0))
    assert (along_x.slope, along_y.slope) == (6.0, 8.0)


def test_line_slice_is_f_along_the_unit_direction_with_slope_grad_dot_u():
    bowl = get_surface("bowl")
    sl = line_slice(bowl, (3.0, 4.0), (0.0, -2.0), half_length=1.0, n=5)
    np.testing.assert_allclose(sl.s, [-1, -0.5, 0, 0.5, 1])
    np.testing.assert_allclose(sl.values, 9 + (4 - sl.s) ** 2)
    assert sl.slope == pytest.approx(-8.0)
    # slope of g at 0 by a central difference of the slice itself
    assert (sl.values[3] - sl.values[1]) / 1.0 == pytest.approx(sl.slope)


def test_level_tangent_is_perpendicular_to_the_gradient():
    g = np.array([-3.0, 4.0])
    tangent = level_tangent(g)
    assert np.dot(tangent, g) == pytest.approx(0.0)
    assert np.linalg.norm(tangent) == pytest.approx(1.0)
    np.testing.assert_allclose(level_tangent([0.0, 0.0]), [1.0, 0.0])
    assert angle_between(g, tangent) == pytest.approx(np.pi / 2)
    assert angle_between(g, -g) == pytest.approx(np.pi)
    assert np.isnan(angle_between(g, [0.0, 0.0]))


def test_lab_goldens_from_the_book():
    forward, central, exact = lab_estimates("book", 5.0, 1e-4)
    assert central == 0.1999999999990898
    assert lab_estimates("book", 10.0, 1e-4)[1] == 0.2999999999986347
    assert exact == 0.2
    assert forward - exact == pytest.approx(0.01 * 1e-4, rel=1e-4)  # forward bias 0.01·h


def test_lab_functions_keep_float32():
    for fn in LAB_FUNCTIONS.values():
        assert fn.f(np.float32(1.5)).dtype == np.float32
    assert book_function(np.arange(3, dtype=np.float32)).dtype == np.float32


def test_lab_errors_span_the_documented_steps_and_show_the_valley():
    assert LAB_STEPS[0] == pytest.approx(1e-16) and LAB_STEPS[-1] == 1.0
    errs = lab_errors("exp", 1.0, "float64")
    best = LAB_STEPS[np.nanargmin(errs.central)]
    assert 1e-7 <= best <= 1e-3
    assert errs.central[0] > errs.central[np.nanargmin(errs.central)] * 1e3  # rounding on the left
    assert errs.central[-1] > errs.central[np.nanargmin(errs.central)] * 1e3  # truncation on the right
    assert np.nanmin(lab_errors("exp", 1.0, "float32").central) > np.nanmin(errs.central) * 100


@pytest.mark.parametrize("example", [mountain_example, bowl_example, log_norm_example])
def test_worked_examples_agree_with_the_notes(example):
    rows = example()
    assert rows and all(r.agree for r in rows), [r for r in rows if not r.agree]


def test_worked_example_values():
    mountain = {r.quantity: r.ours for r in mountain_example()}
    assert mountain["grad"] == "(−3, 4)" and mountain["steepest"] == "5"
    bowl = {r.quantity: r.ours for r in bowl_example()}
    assert bowl["dfdx"] == "6.00000000000378" and bowl["dfdy"] == "7.999999999999119"
    log = {r.quantity: r.ours for r in log_norm_example()}
    assert float(log["derivative"]) == pytest.approx(10 / 9, abs=1e-15)


@pytest.mark.parametrize("theta", [0.0, 30.0, 90.0, 135.0, 180.0, 270.0, 359.5])
def test_direction_from_angle_is_the_unit_vector(theta: float) -> None:
    u = direction_from_angle(theta)
    assert np.hypot(*u) == pytest.approx(1.0)
    assert np.degrees(np.arctan2(u[1], u[0])) % 360 == pytest.approx(theta, abs=1e-9)


def test_direction_from_angle_is_exact_on_the_axes() -> None:
    np.testing.assert_array_equal(direction_from_angle(90.0), [0.0, 1.0])
    np.testing.assert_array_equal(direction_from_angle(180.0), [-1.0, 0.0])


# --- the point P, the map and typed surfaces ---------------------------------------------------

def test_surface_point_is_f_and_its_gradient_with_a_numerical_check() -> None:
    at_p = lesson.surface_point(get_surface("mountain"), (1.5, -1.0))
    assert at_p.value == 5 - 1.5**2 - 2 == 0.75
    np.testing.assert_array_equal(at_p.gradient, [-3.0, 4.0])
    assert at_p.norm == 5.0 and at_p.defined
    np.testing.assert_allclose(at_p.numeric, [-3.0, 4.0], atol=1e-9)
    assert not at_p.gradient.flags.writeable
    bowl = lesson.surface_point(get_surface("bowl"), (3.0, 4.0))
    assert (repr(float(bowl.numeric[0])), repr(float(bowl.numeric[1]))) == ("6.00000000000378", "7.999999999999119")


def test_surface_point_where_f_is_undefined() -> None:
    surface = surface_from_expression(parse("log(x) + y", ("x", "y")), (-3.0, 3.0))
    at_p = lesson.surface_point(surface, (-1.0, 0.0))
    assert not at_p.defined and np.isnan(at_p.value)
    np.testing.assert_array_equal(at_p.gradient, [-1.0, 1.0])  # ∇f = (1/x, 1) is finite: f is not
    assert np.isnan(at_p.numeric).all()
    assert lesson.surface_point(surface, (1.0, 0.0)).defined


def test_surface_map_covers_the_window_and_knows_its_gaps() -> None:
    mountain = get_surface("mountain")
    grid = lesson.surface_map(mountain)
    assert grid.Z.shape == (lesson.GRID, lesson.GRID) and not grid.gaps
    assert (grid.xlim, grid.ylim) == (mountain.xlim, mountain.ylim)
    X, Y = np.meshgrid(grid.x, grid.y)
    np.testing.assert_allclose(grid.Z, 5 - X**2 - 2 * Y**2)
    assert not grid.Z.flags.writeable
    overflow = surface_from_expression(parse("exp(x*y*100)", ("x", "y")), (-3.0, 3.0))
    assert lesson.surface_map(overflow).gaps
    book = lesson.book_map()
    assert (book.xlim, book.ylim) == lesson.BOOK_AXES
    assert book.Z[0, 0] == 8.0  # (−2)² + (−2)²


def test_typed_surface_undefined_everywhere_falls_back_to_the_last_drawable() -> None:
    fallback = ("x - y", 2.0)
    good = lesson.typed_surface(parse("x*y", ("x", "y")), 4.0, fallback)
    assert good.drawable and good.surface.xlim == (-4.0, 4.0) and good.surface.formula == "x * y"  # normalised
    bad = lesson.typed_surface(parse("log(-x^2 - y^2 - 1)", ("x", "y")), 4.0, fallback)
    assert not bad.drawable
    assert bad.surface.formula == "x - y" and bad.surface.xlim == (-2.0, 2.0)
    assert bad.surface.value_at((1.0, 0.5)) == 0.5


def test_point_steps_and_clamping() -> None:
    assert [lesson.point_step(lim) for lim in ((-3, 3), (-5, 5), (-10, 10))] == [0.01, 0.02, 0.05]
    assert lesson.clamp(7.0, (-3.0, 3.0)) == 3.0 and lesson.clamp(-9.0, (-3.0, 3.0)) == -3.0
    assert lesson.clamp(1.25, (-3.0, 3.0)) == 1.25


# --- directions -----------------------------------------------------------------------------

def test_direction_readout_is_grad_dot_u_and_norm_cos_alpha() -> None:
    r = lesson.direction_readout(get_surface("mountain"), (1.5, -1.0), 90.0)
    np.testing.assert_array_equal(r.u, [0.0, 1.0])
    assert r.derivative == 4.0 and r.norm == 5.0
    assert r.alpha == pytest.approx(np.degrees(np.arccos(4 / 5)))  # 36.87°
    assert r.norm * np.cos(np.radians(r.alpha)) == pytest.approx(r.derivative)
    assert r.limit == pytest.approx(4.0, abs=1e-9)  # the limit definition, h = 1e-5
    assert r.steepest == pytest.approx(np.degrees(np.arctan2(4, -3)))
    assert [r.snap(k) for k in ("up", "down", "level")] == [126.9, 306.9, 216.9]
    assert not r.critical


@pytest.mark.parametrize("theta", [0.0, 47.3, 200.0, 333.3])
def test_direction_readout_matches_a_finite_difference_along_u(theta: float) -> None:
    himmelblau = get_surface("himmelblau")
    r = lesson.direction_readout(himmelblau, (1.0, 2.0), theta)
    p, h = np.array([1.0, 2.0]), 1e-6
    numeric = (himmelblau.value_at(p + h * r.u) - himmelblau.value_at(p - h * r.u)) / (2 * h)
    assert r.derivative == pytest.approx(numeric, rel=1e-6)
    assert r.limit == pytest.approx(r.derivative, rel=1e-8)


def test_direction_readout_at_a_critical_point_and_where_f_is_undefined() -> None:
    flat = lesson.direction_readout(get_surface("bowl"), (0.0, 0.0), 45.0)
    assert flat.critical and flat.norm == 0.0 and flat.derivative == 0.0
    surface = surface_from_expression(parse("1/(x - 1)", ("x", "y")), (-3.0, 3.0))
    undefined = lesson.direction_readout(surface, (1.0, 0.0), 30.0)
    assert undefined.limit is None and undefined.critical
    np.testing.assert_array_equal(undefined.finite_gradient, [0.0, 0.0])
    assert np.isnan(undefined.gradient).any()


def test_direction_slice_walks_through_p_with_slope_d_u_f() -> None:
    mountain = get_surface("mountain")
    walk = lesson.direction_slice(mountain, (1.5, -1.0), 90.0)
    assert (walk.s[0], walk.s[-1]) == pytest.approx((-1.5, 1.5))  # 0.3 of the window's shorter side, 5
    np.testing.assert_allclose(walk.values, 5 - 2.25 - 2 * (-1 + walk.s) ** 2)
    assert walk.slope == 4.0 and walk.at_p == 0.75


def test_example_direction_looks_along_the_steepest_ascent() -> None:
    r = lesson.example_direction()
    assert r.point == (1.5, -1.0) and r.theta == r.steepest
    assert r.derivative == pytest.approx(5.0) and r.alpha == pytest.approx(0.0, abs=1e-6)


# --- the gradient field ------------------------------------------------------------------------

def test_true_length_arrows_share_one_scale_and_the_longest_fills_a_cell() -> None:
    bowl = get_surface("bowl")
    arrows = lesson.field_arrows(bowl, 17, -1, False)
    spacing = 9 / 16  # the window ±4.5 in 16 steps
    assert arrows.spacing == pytest.approx(spacing) and arrows.n == 17
    lengths = np.hypot(arrows.dx, arrows.dy)
    assert lengths.max() == pytest.approx(0.9 * spacing)
    assert arrows.k == pytest.approx(0.9 * spacing / (2 * np.hypot(4.5, 4.5)))  # longest |∇f| at a corner
    np.testing.assert_allclose(arrows.dx, -arrows.k * 2 * arrows.X)  # −∇f = −(2x, 2y), times k
    up = lesson.field_arrows(bowl, 17, 1, False)
    np.testing.assert_allclose(up.dx, -arrows.dx)


def test_normalised_arrows_all_have_the_same_length() -> None:
    arrows = lesson.field_arrows(get_surface("saddle"), 11, 1, True)
    lengths = np.hypot(arrows.dx, arrows.dy)
    finite = lengths[np.isfinite(lengths)]
    assert finite.size == 11 * 11 - 1  # the zero gradient at the origin has no direction
    np.testing.assert_allclose(finite, 0.7 * arrows.spacing)
    assert np.isnan(arrows.k)


def test_book_field_is_minus_the_gradient_on_the_books_grid() -> None:
    arrows = lesson.book_field()
    np.testing.assert_allclose(arrows.X[0], np.arange(-2, 2.5, 0.25))
    np.testing.assert_allclose(arrows.Y[:, 0], np.arange(-2, 2.5, 0.25))
    assert arrows.sign == -1
    assert np.all(arrows.dx * arrows.X + arrows.dy * arrows.Y <= 0)


def test_field_readout_is_perpendicular_to_the_level_curve() -> None:
    r = lesson.field_readout(get_surface("mountain"), (1.5, -1.0), -1)
    np.testing.assert_array_equal(r.arrow, [3.0, -4.0])
    assert r.norm == 5.0 and r.moving
    np.testing.assert_allclose(r.direction, [0.6, -0.8])
    assert np.dot(r.direction, r.tangent) == pytest.approx(0.0)
    assert r.angle == pytest.approx(90.0)
    flat = lesson.field_readout(get_surface("bowl"), (0.0, 0.0), 1)
    assert flat.defined and not flat.moving and np.isnan(flat.angle)
    surface = surface_from_expression(parse("1/(x - 1)", ("x", "y")), (-3.0, 3.0))
    assert not lesson.field_readout(surface, (1.0, 0.0), -1).defined


# --- the lab ------------------------------------------------------------------------------------

def test_lab_readout_at_the_books_setting() -> None:
    r = lesson.lab("book", 5.0, -4.0)
    assert r.h == 1e-4 and r.central == 0.1999999999990898 and r.exact == 0.2
    assert r.forward_error == pytest.approx(0.01 * 1e-4, rel=1e-4)
    assert r.central_error == pytest.approx(abs(0.1999999999990898 - 0.2))
    assert (r.x[0], r.x[-1]) == (-1.0, 11.0) and r.f0 == pytest.approx(0.75)
    np.testing.assert_allclose(r.fx, 0.01 * r.x**2 + 0.1 * r.x)
    assert [name for name, _ in r.errors] == ["float64", "float32"]
    assert r.errors[0][1] is lab_errors("book", 5.0, "float64")


def test_book_goldens_reproduce_the_printed_digits() -> None:
    goldens = lesson.book_goldens()
    assert [(g.x, g.exact) for g in goldens] == [(5.0, 0.2), (10.0, 0.3)]
    for g in goldens:
        assert repr(g.ours) == g.notes
