"""Tests for nnviz.core.gradient against golden values, closed forms and finite differences."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.gradient import (
    DifferenceErrors,
    difference_errors,
    directional_derivative,
    directional_derivative_limit,
    directional_profile,
    gradient_field,
    grid_2d,
    numerical_diff,
    numerical_gradient,
    unit_vector,
)
from nnviz.core.surfaces import SURFACES


def f_book(x):
    return 0.01 * x**2 + 0.1 * x


def sum_of_squares(x):
    return np.sum(x**2)


# --- numerical_diff ------------------------------------------------------------

def test_central_difference_golden_values():
    assert numerical_diff(f_book, 5) == pytest.approx(0.1999999999990898, abs=5e-12)
    assert numerical_diff(f_book, 10) == pytest.approx(0.2999999999986347, abs=5e-12)
    assert numerical_diff(f_book, 5) == pytest.approx(0.2, abs=1e-9)
    assert numerical_diff(f_book, 10) == pytest.approx(0.3, abs=1e-9)


def test_forward_difference_has_first_order_bias():
    # (f(x+h) − f(x))/h = 0.02x + 0.1 + 0.01h exactly for this quadratic.
    h = 1e-3
    got = numerical_diff(f_book, 5, h=h, method="forward")
    assert got == pytest.approx(0.2 + 0.01 * h, abs=1e-11)


def test_numerical_diff_is_elementwise_over_arrays():
    xs = np.array([-2.0, 0.0, 5.0, 10.0])
    got = numerical_diff(f_book, xs)
    assert isinstance(got, np.ndarray) and got.shape == xs.shape
    np.testing.assert_allclose(got, 0.02 * xs + 0.1, atol=1e-9)


@pytest.mark.parametrize("kwargs", [{"method": "backward"}, {"h": 0.0}, {"h": -1e-4}, {"h": np.nan}])
def test_numerical_diff_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        numerical_diff(f_book, 1.0, **kwargs)


# --- numerical_gradient ----------------------------------------------------------

def test_numerical_gradient_golden_bowl():
    got = numerical_gradient(sum_of_squares, np.array([3.0, 4.0]))
    np.testing.assert_allclose(got, [6.00000000000378, 7.999999999999119], rtol=0, atol=5e-12)


def test_numerical_gradient_on_int_input_is_float_and_right():
    x = np.array([3, 4])
    got = numerical_gradient(sum_of_squares, x)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, [6, 8], atol=1e-9)
    assert x.dtype.kind == "i" and x.tolist() == [3, 4]


def test_numerical_gradient_on_matrices_matches_closed_form():
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    W = rng.normal(size=(2, 3))
    W_before = W.copy()
    got = numerical_gradient(lambda M: np.sum(A * M**3 + B * M), W)
    assert got.shape == W.shape
    np.testing.assert_allclose(got, 3 * A * W**2 + B, atol=1e-6)
    np.testing.assert_array_equal(W, W_before)


def test_numerical_gradient_on_3d_array():
    X = np.arange(24, dtype=float).reshape(2, 3, 4) / 10
    np.testing.assert_allclose(numerical_gradient(lambda a: np.sum(np.sin(a)), X), np.cos(X), atol=1e-8)


def test_numerical_gradient_passes_a_copy_and_restores_it():
    x = np.array([1.0, -2.0, 0.5])
    seen = []

    def f(a):
        seen.append((a is x, np.count_nonzero(a != x)))
        return np.sum(a**2)

    numerical_gradient(f, x)
    assert x.tolist() == [1.0, -2.0, 0.5]
    assert all(not same for same, _ in seen)
    assert all(changed == 1 for _, changed in seen)  # only one entry perturbed at a time


def test_partials_of_mountain_at_the_worked_point():
    mountain = SURFACES["mountain"]
    np.testing.assert_allclose(numerical_gradient(mountain.value_at, [1.5, -1.0]), [-3.0, 4.0], atol=1e-8)


# --- directional derivatives --------------------------------------------------------

def test_mountain_steepest_slope_is_five():
    g = SURFACES["mountain"].gradient_at([1.5, -1.0])
    np.testing.assert_allclose(g, [-3.0, 4.0])
    assert directional_derivative(SURFACES["mountain"].gradient_at, [1.5, -1.0], g) == pytest.approx(5.0)
    assert directional_profile(g).max_slope == pytest.approx(5.0)


def test_log_of_squared_norm_toward_m2():
    def f(p):
        return math.log(float(np.dot(p, p)))

    def grad(p):
        return 2 * p / np.dot(p, p)

    m1, m2 = np.array([1.0, 1.0, 1.0]), np.array([2.0, 3.0, 3.0])
    assert directional_derivative(grad, m1, m2 - m1) == pytest.approx(10 / 9, abs=1e-15)
    assert directional_derivative_limit(f, m1, m2 - m1) == pytest.approx(10 / 9, abs=1e-9)


@pytest.mark.parametrize("direction", [[0.0, 0.0], [np.nan, 1.0], [np.inf, 0.0], [], [[1.0, 0.0]]])
def test_bad_directions_raise(direction):
    with pytest.raises(ValueError):
        directional_derivative(lambda p: p, [1.0, 2.0], direction)


def test_point_and_direction_shapes_must_agree():
    with pytest.raises(ValueError, match="same shape"):
        directional_derivative_limit(lambda p: 0.0, [1.0, 2.0], [1.0, 2.0, 3.0])


@settings(max_examples=25, deadline=None)
@given(
    key=st.sampled_from(sorted(SURFACES)),
    s=st.floats(0, 1),
    t=st.floats(0, 1),
    angle=st.floats(0, 2 * np.pi),
    length=st.floats(1e-3, 1e3),
)
def test_gradient_dot_u_equals_limit_definition(key, s, t, angle, length):
    surface = SURFACES[key]
    p = np.array([surface.xlim[0] + s * np.ptp(surface.xlim), surface.ylim[0] + t * np.ptp(surface.ylim)])
    direction = length * np.array([np.cos(angle), np.sin(angle)])
    exact = directional_derivative(surface.gradient_at, p, direction)
    limit = directional_derivative_limit(surface.value_at, p, direction)
    assert exact == pytest.approx(limit, rel=1e-6, abs=1e-6 * (1 + abs(surface.value_at(p))))


def test_unit_vector_has_length_one():
    np.testing.assert_allclose(unit_vector([3.0, -4.0]), [0.6, -0.8])


# --- directional profile -------------------------------------------------------

@settings(max_examples=30, deadline=None)
@given(gx=st.floats(-50, 50), gy=st.floats(-50, 50))
def test_profile_peaks_at_gradient_angle_with_gradient_norm(gx, gy):
    prof = directional_profile([gx, gy])
    norm = math.hypot(gx, gy)
    assert prof.theta[0] == 0 and prof.theta[-1] == pytest.approx(2 * np.pi) and prof.theta.size == 361
    np.testing.assert_allclose(prof.slope, gx * np.cos(prof.theta) + gy * np.sin(prof.theta), atol=1e-12)
    assert prof.max_slope == pytest.approx(norm)
    assert 0 <= prof.theta_max < 2 * np.pi
    if norm > 1e-6:
        u = [math.cos(prof.theta_max), math.sin(prof.theta_max)]
        assert np.dot([gx, gy], u) == pytest.approx(norm, rel=1e-12)
        assert prof.slope.max() <= norm * (1 + 1e-12)
        assert prof.slope.max() >= norm * math.cos(np.pi / 360) - 1e-12


def test_profile_angle_stays_below_two_pi():
    assert directional_profile([1.0, -2.225073858507203e-309]).theta_max == 0.0
    assert directional_profile([1.0, -1e-300]).theta_max == 0.0


def test_profile_of_zero_gradient_is_flat_with_angle_zero():
    prof = directional_profile([0.0, 0.0])
    assert prof.theta_max == 0.0 and prof.max_slope == 0.0
    assert np.all(prof.slope == 0)


def test_profile_of_signed_zero_gradient_has_angle_zero():
    """The mountain's summit: SymPy's gradient there is (−0.0, −0.0), and atan2(−0, −0) is π."""
    for g in ([-0.0, -0.0], [0.0, -0.0], [-0.0, 0.0]):
        assert directional_profile(g).theta_max == 0.0
    summit = SURFACES["mountain"].gradient_at((0.0, 0.0))
    assert np.signbit(summit).any()  # the case that gave 180°
    assert directional_profile(summit).theta_max == 0.0


def test_profile_mountain_example_angle():
    prof = directional_profile([-3.0, 4.0], n=5)
    assert prof.theta_max == pytest.approx(math.pi - math.atan(4 / 3))
    np.testing.assert_allclose(prof.theta, [0, np.pi / 2, np.pi, 3 * np.pi / 2, 2 * np.pi])
    np.testing.assert_allclose(prof.slope, [-3, 4, 3, -4, -3], atol=1e-12)


# --- gradient field ---------------------------------------------------------------

def test_book_gradient_field_grid():
    field = gradient_field(lambda X, Y: (2 * X, 2 * Y), (-2, 2), (-2, 2), 17)
    ticks = np.arange(-2, 2.25, 0.25)
    np.testing.assert_allclose(field.X[0], ticks)
    np.testing.assert_allclose(field.Y[:, 0], ticks)
    np.testing.assert_allclose(field.U, 2 * field.X)
    np.testing.assert_allclose(field.V, 2 * field.Y)
    X, Y, U, V = field
    assert X.shape == Y.shape == U.shape == V.shape == (17, 17)


def test_gradient_field_broadcasts_constant_components():
    field = gradient_field(lambda X, Y: (3.0, Y), (0, 1), (-1, 1), 4)
    assert field.U.shape == (4, 4) and np.all(field.U == 3.0)
    assert field.U.dtype == np.float64


def test_grid_needs_two_points():
    with pytest.raises(ValueError):
        grid_2d((0, 1), (0, 1), 1)


# --- difference errors ------------------------------------------------------------

HS = np.logspace(-16, 0, 161)


def test_difference_errors_shape_and_float64_truncation_regime():
    errs = difference_errors(f_book, lambda x: 0.02 * x + 0.1, 5.0, np.array([1e-2, 1e-1]))
    assert isinstance(errs, DifferenceErrors)
    np.testing.assert_allclose(errs.forward, [1e-4, 1e-3], rtol=1e-6)  # 0.01·h, closed form
    assert np.all(errs.central < 1e-12)  # exact for a quadratic, up to rounding


@pytest.mark.parametrize(
    ("dtype", "fwd_range", "ctr_range"),
    [(np.float64, (1e-10, 1e-6), (1e-7, 1e-4)), (np.float32, (1e-5, 1e-2), (1e-4, 1e-1))],
)
def test_best_step_balances_truncation_and_rounding(dtype, fwd_range, ctr_range):
    # Theory: forward optimum ≈ √ε, central ≈ ε^(1/3) (ε = machine epsilon of dtype).
    errs = difference_errors(np.exp, np.exp, 1.0, HS, dtype)
    assert fwd_range[0] <= HS[np.nanargmin(errs.forward)] <= fwd_range[1]
    assert ctr_range[0] <= HS[np.nanargmin(errs.central)] <= ctr_range[1]
    # Large h: forward error ≈ h/2·f''(1), central ≈ h²/6·f'''(1).
    np.testing.assert_allclose(errs.forward[HS == 1e-2], 1e-2 / 2 * np.e, rtol=1e-2)
    np.testing.assert_allclose(errs.central[HS == 1e-1], 1e-2 / 6 * np.e, rtol=1e-2)


def test_float32_is_computed_in_float32():
    e32 = difference_errors(np.sin, np.cos, 0.7, np.array([1e-6]), np.float32)
    e64 = difference_errors(np.sin, np.cos, 0.7, np.array([1e-6]), np.float64)
    assert e64.forward[0] < 1e-6 and e32.forward[0] > 1e-3


def test_step_below_resolution_gives_zero_difference():
    # 1 + 1e-10 == 1 in float32, so both differences are 0 and the error is |f'(1)|.
    errs = difference_errors(np.exp, np.exp, 1.0, np.array([1e-10]), np.float32)
    np.testing.assert_allclose(errs.forward, np.e, rtol=1e-12)
    np.testing.assert_allclose(errs.central, np.e, rtol=1e-12)


def test_underflowing_step_gives_nan_without_warnings():
    assert np.float32(1e-50) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        errs = difference_errors(np.exp, np.exp, 1.0, np.array([1e-50, 1e-3]), np.float32)
    assert np.isnan(errs.forward[0]) and np.isnan(errs.central[0])
    assert np.all(np.isfinite(errs.forward[1:]))


@pytest.mark.parametrize(("hs", "dtype"), [(np.array([0.0, 1e-3]), np.float64), (np.array([1e-3]), np.int64)])
def test_difference_errors_rejects_bad_input(hs, dtype):
    with pytest.raises(ValueError):
        difference_errors(np.exp, np.exp, 1.0, hs, dtype)
