"""Tests for nnviz.core.descent against the notes' golden runs and the closed form x_k = x0·(1 − 2aη)^k."""

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.descent import (
    DescentPath,
    descent_path,
    gradient_descent,
    quadratic_iterates,
    quadratic_regime,
    stable_lr_bound,
)


def sum_of_squares(x):
    return np.sum(x**2)


def bowl_grad(x):
    return 2 * x


# --- the book's loop -------------------------------------------------------------

@pytest.mark.parametrize(("lr", "steps", "expected"), [(0.02, 100, 0.0506110), (0.01, 100, 0.3978587),
                                                       (0.01, 200, 0.0527638)])
def test_x_squared_golden_runs(lr, steps, expected):
    assert gradient_descent(sum_of_squares, np.array([3.0]), lr, steps)[0] == pytest.approx(expected, abs=5e-8)
    path = descent_path(bowl_grad, [3.0], lr, steps, tol=0)
    assert path.xs[-1, 0] == pytest.approx(expected, abs=5e-8)
    assert quadratic_iterates(1.0, lr, 3.0, steps)[-1] == pytest.approx(expected, abs=5e-8)


@pytest.mark.parametrize(("lr", "expected", "tolerance"), [(0.1, [-6.11110793e-10, 8.14814391e-10], 5e-18),
                                                           (1e-10, [-2.99999994, 3.99999992], 5e-9)])
def test_book_runs_from_minus3_4(lr, expected, tolerance):
    init = np.array([-3.0, 4.0])
    got = gradient_descent(sum_of_squares, init, lr=lr, step_num=100)
    np.testing.assert_allclose(got, expected, rtol=0, atol=tolerance)
    assert init.tolist() == [-3.0, 4.0]


def test_book_run_with_lr_10_blows_up_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = gradient_descent(sum_of_squares, np.array([-3.0, 4.0]), lr=10.0, step_num=100)
    assert np.linalg.norm(got) > 1e10


def test_gradient_descent_accepts_int_input_and_leaves_it_alone():
    init = np.array([2])
    got = gradient_descent(lambda w: 0.5 * np.sum((w - 1.0) ** 2), init, lr=0.5, step_num=60)
    np.testing.assert_allclose(got, [1.0], atol=1e-9)  # error halves each step: 2^-60
    assert init.tolist() == [2] and init.dtype.kind == "i"


def test_three_gradient_ascent_steps_from_6_6():
    path = descent_path(bowl_grad, [6.0, 6.0], lr=-1.0, steps=3)
    np.testing.assert_array_equal(path.xs, [[6, 6], [18, 18], [54, 54], [162, 162]])
    np.testing.assert_allclose(gradient_descent(sum_of_squares, [6.0, 6.0], lr=-1.0, step_num=3),
                               [162, 162], rtol=1e-9)


# --- descent_path ----------------------------------------------------------------

def _first_step_beyond(x0_norm, factor, bound):
    k, norm = 0, x0_norm
    while norm <= bound:
        k, norm = k + 1, norm * factor
    return k


@pytest.mark.parametrize("bound", [1e8, 1e3, 10.0])
def test_divergence_detected_at_the_right_step(bound):
    # x_k = x0·(1 − 2·10)^k, so |x_k| = 5·19^k.
    expected = _first_step_beyond(5, 19, bound)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = descent_path(bowl_grad, [-3.0, 4.0], 10.0, 100, f=sum_of_squares, bound=bound)
    assert path.status == "diverged" and path.stopped_at == expected
    assert path.xs.shape == (expected + 1, 2)
    assert np.linalg.norm(path.xs[-1]) > bound >= np.linalg.norm(path.xs[-2])
    np.testing.assert_allclose(path.xs[:, 0], -3 * (-19.0) ** np.arange(expected + 1))


def test_overflow_is_reported_as_divergence_without_warnings():
    x, k = [-3.0, 4.0], 0
    while all(math.isfinite(v) for v in x):  # pure-Python IEEE floats, independent of NumPy
        x, k = [v - 10.0 * (2 * v) for v in x], k + 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = descent_path(bowl_grad, [-3.0, 4.0], 10.0, 10_000, f=sum_of_squares, bound=np.inf)
    assert path.status == "diverged" and path.stopped_at == k
    assert len(path.xs) == k and np.all(np.isfinite(path.xs))


def test_nan_gradient_is_divergence():
    path = descent_path(lambda x: np.where(x > 0, 1.0, np.nan), [0.5], 1.0, 10)
    assert path.status == "diverged" and path.stopped_at == 2 and len(path.xs) == 2


def test_path_records_f_and_gradient_norm():
    path = descent_path(bowl_grad, [3.0, -1.0], 0.1, 5, f=sum_of_squares)
    assert isinstance(path, DescentPath) and path.status == "max_steps" and path.stopped_at is None
    assert path.steps_taken == 5
    np.testing.assert_allclose(path.xs, np.outer(0.8 ** np.arange(6), [3.0, -1.0]))
    np.testing.assert_allclose(path.fs, 10 * 0.64 ** np.arange(6))
    np.testing.assert_allclose(path.grad_norms, 2 * math.sqrt(10) * 0.8 ** np.arange(6))
    assert descent_path(bowl_grad, [1.0], 0.1, 3).fs is None


def test_fastest_rate_converges_in_one_step():
    path = descent_path(bowl_grad, [3.0, 4.0], 0.5, 100)
    assert path.status == "converged" and path.stopped_at == 1
    np.testing.assert_array_equal(path.xs[-1], [0.0, 0.0])


def test_convergence_uses_gradient_norm_tolerance():
    path = descent_path(bowl_grad, [3.0], 0.25, 100, tol=1e-6)
    # |∇f(x_k)| = 6·0.5^k ≤ 1e-6 first at k = 23.
    assert path.status == "converged" and path.stopped_at == 23
    assert path.grad_norms[-1] <= 1e-6 < path.grad_norms[-2]


def test_tiny_learning_rate_is_not_mistaken_for_convergence():
    path = descent_path(bowl_grad, [-3.0, 4.0], 1e-10, 100)
    assert path.status == "max_steps"
    np.testing.assert_allclose(path.xs[-1], [-2.99999994, 3.99999992], atol=5e-9)


def test_normalized_steps_have_constant_length():
    path = descent_path(bowl_grad, [3.0, 4.0], 0.3, 40, mode="normalized")
    np.testing.assert_allclose(path.xs[1], [3.0 - 0.18, 4.0 - 0.24])
    np.testing.assert_allclose(np.linalg.norm(np.diff(path.xs, axis=0), axis=1), 0.3)
    assert path.status == "max_steps"  # it hops around the minimum forever
    assert np.linalg.norm(path.xs[-1]) <= 0.3


def test_normalized_step_stops_on_zero_gradient_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = descent_path(bowl_grad, [0.0, 0.0], 0.3, 10, mode="normalized", tol=0.0)
    assert path.status == "converged" and path.stopped_at == 0 and len(path.xs) == 1


@pytest.mark.parametrize("kwargs", [{"mode": "adam"}, {"steps": -1}, {"lr": np.nan}, {"tol": -1.0},
                                    {"x0": [np.inf, 0.0]}, {"x0": [[1.0]]}])
def test_descent_path_rejects_bad_arguments(kwargs):
    args = {"grad_fn": bowl_grad, "x0": [1.0, 1.0], "lr": 0.1, "steps": 5} | kwargs
    with pytest.raises(ValueError):
        descent_path(**args)


def test_descent_path_leaves_x0_alone():
    x0 = np.array([1.0, 2.0])
    descent_path(bowl_grad, x0, 0.1, 5)
    assert x0.tolist() == [1.0, 2.0]


# --- the quadratic a·x² --------------------------------------------------------------

@pytest.mark.parametrize(("lr", "regime"), [(0.0, "stalled"), (0.25, "slow"), (0.5, "fastest"),
                                            (0.75, "oscillating"), (1.0, "cycling"), (1.5, "divergent"),
                                            (-0.1, "divergent")])
def test_regime_boundaries_for_x_squared(lr, regime):
    assert quadratic_regime(1.0, lr) == regime


def _exact_regime(a: Fraction, lr: Fraction) -> str:
    p = 2 * a * lr
    if p == 0:
        return "stalled"
    if p < 0 or p > 2:
        return "divergent"
    return "slow" if p < 1 else "fastest" if p == 1 else "oscillating" if p < 2 else "cycling"


@settings(max_examples=60, deadline=None)
@given(a_num=st.integers(1, 64), a_exp=st.integers(0, 4), lr_num=st.integers(-8, 80), lr_exp=st.integers(3, 6))
def test_regime_matches_exact_rational_and_observed_behaviour(a_num, a_exp, lr_num, lr_exp):
    a, lr = Fraction(a_num, 2**a_exp), Fraction(lr_num, 2**lr_exp)  # exact in binary floating point
    regime = quadratic_regime(float(a), float(lr))
    assert regime == _exact_regime(a, lr)
    xs = descent_path(lambda x: 2 * float(a) * x, [1.0], float(lr), 6, tol=0, bound=np.inf).xs[:, 0]
    if len(xs) < 7:  # only an exact landing on the minimum stops early
        assert regime == "fastest" and xs[-1] == 0
        return
    mags = np.abs(xs)
    behaviour = {
        "stalled": np.all(xs == 1.0),
        "slow": np.all(xs > 0) and np.all(np.diff(xs) < 0),
        "fastest": np.all(xs[1:] == 0),
        "oscillating": np.all(xs[::2] > 0) and np.all(xs[1::2] < 0) and np.all(np.diff(mags) < 0),
        "cycling": np.all(mags == 1.0) and np.all(xs[1::2] == -1.0),
        "divergent": np.all(np.diff(mags) > 0),
    }
    assert behaviour[regime]


def test_regime_rejects_non_positive_curvature_or_bad_lr():
    for a, lr in [(0.0, 0.1), (-1.0, 0.1), (1.0, np.nan)]:
        with pytest.raises(ValueError):
            quadratic_regime(a, lr)


@settings(max_examples=30, deadline=None)
@given(a=st.floats(0.1, 10), lr_scale=st.floats(0.0, 0.99), x0=st.floats(-10, 10))
def test_closed_form_matches_iterates(a, lr_scale, x0):
    lr = lr_scale / a  # within the stability limit η < 1/a
    path = descent_path(lambda x: 2 * a * x, [x0], lr, 30, tol=0)
    closed = quadratic_iterates(a, lr, x0, 30)[: len(path.xs)]
    np.testing.assert_allclose(path.xs[:, 0], closed, rtol=1e-9, atol=1e-12)


def test_closed_form_overflows_to_inf_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xs = quadratic_iterates(1.0, 10.0, 3.0, 400)
    assert xs[0] == 3.0 and np.isinf(xs[-1])


# --- stability bound --------------------------------------------------------------------

def test_stable_lr_bound_closed_forms():
    assert stable_lr_bound(np.diag([2.0, 2.0])) == pytest.approx(1.0)  # x² + y²
    assert stable_lr_bound(np.diag([0.1, 2.0])) == pytest.approx(1.0)  # x²/20 + y²
    assert stable_lr_bound(2 * 3.0) == pytest.approx(1 / 3.0)  # a·x² with a = 3: η < 1/a
    lam = (1002 + math.sqrt(1002**2 - 4 * 400)) / 2  # Rosenbrock Hessian at (1, 1)
    assert stable_lr_bound([[802.0, -400.0], [-400.0, 200.0]]) == pytest.approx(2 / lam)
    assert stable_lr_bound(np.diag([-2.0, -4.0])) == math.inf
    with pytest.raises(ValueError):
        stable_lr_bound(np.ones((2, 3)))


@pytest.mark.parametrize(("factor", "status"), [(0.99, "converged"), (1.01, "diverged")])
def test_stable_lr_bound_separates_convergence_from_divergence(factor, status):
    hessian = np.array([[3.0, 1.0], [1.0, 2.0]])
    lr = factor * stable_lr_bound(hessian)
    path = descent_path(lambda x: hessian @ x, [1.0, -2.0], lr, 5000, tol=1e-8, bound=1e6)
    assert path.status == status
