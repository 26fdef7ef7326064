"""nnviz.lessons.gradients: typed surfaces match the coded presets, slices, the lab and the notes' examples."""


import numpy as np
import pytest

from nnviz.core.surfaces import get_surface
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
