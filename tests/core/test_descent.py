"""Tests for nnviz.core.descent against the notes' golden runs and the closed form x_k = x0·(1 − 2aη)^k."""

import math
import warnings

import numpy as np
import pytest

from nnviz.core.descent import DescentPath, descend_many, descent_path, gradient_descent
from nnviz.core.quadratic import quadratic_iterates
from nnviz.core.surfaces import get_surface


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


# --- stability bound --------------------------------------------------------------------


@pytest.mark.parametrize("key", ["bowl", "elongated", "saddle", "mountain", "rosenbrock", "himmelblau"])
@pytest.mark.parametrize("mode", ["plain", "normalized"])
def test_descend_many_follows_descent_path_for_every_start(key, mode):
    surface = get_surface(key)
    (x0, x1), (y0, y1) = surface.xlim, surface.ylim
    starts = [(x0 + a * (x1 - x0), y0 + b * (y1 - y0)) for a in (0.15, 0.5, 0.85) for b in (0.15, 0.5, 0.85)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = descend_many(surface, starts, surface.lr, 60, mode=mode, tol=1e-6)
    for start, path in zip(starts, paths):
        alone = descent_path(surface.gradient_at, start, surface.lr, 60, f=surface.value_at, mode=mode, tol=1e-6)
        assert (path.status, path.stopped_at) == (alone.status, alone.stopped_at)
        np.testing.assert_allclose(path.xs, alone.xs, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(path.fs, alone.fs, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(path.grad_norms, alone.grad_norms, rtol=1e-9, atol=1e-12)


def test_descend_many_stops_each_start_on_its_own():
    surface = get_surface("bowl")
    paths = descend_many(surface, [(0.0, 0.0), (1.0, 1.0), (3.0, -4.0)], 0.5, 10, tol=0.0)
    assert [p.status for p in paths] == ["converged", "converged", "converged"]
    assert [p.stopped_at for p in paths] == [0, 1, 1]
    mixed = descend_many(surface, [(1.0, 1.0), (1e7, 1e7)], 1.2, 50)
    k = next(k for k in range(50) if np.hypot(1e7, 1e7) * 1.4**k > 1e8)  # |1 − 2·1.2| = 1.4
    assert mixed[1].status == "diverged" and mixed[1].stopped_at == k == 6
    assert mixed[0].status == "max_steps" and len(mixed[0].xs) == 51  # the other start runs on


@pytest.mark.parametrize(("lr", "tol"), [(0.001, 1e-8), (0.01, 1e-8), (0.2, 1e-3), (0.6, 1e-8)])
@pytest.mark.parametrize("steps", [0, 1, 7, 30, 80])
def test_the_first_steps_of_a_long_descent_are_the_short_descent(lr: float, tol: float, steps: int) -> None:
    surface = get_surface("himmelblau")

    def run(n: int) -> DescentPath:
        return descent_path(surface.gradient_at, (-1.0, 0.5), lr, n, f=surface.value_at, tol=tol)

    short, prefix = run(steps), run(80).first(steps)
    np.testing.assert_array_equal(prefix.xs, short.xs)
    np.testing.assert_array_equal(prefix.fs, short.fs)
    np.testing.assert_array_equal(prefix.grad_norms, short.grad_norms)
    assert (prefix.status, prefix.stopped_at) == (short.status, short.stopped_at)
