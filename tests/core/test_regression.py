"""Tests for nnviz.core.regression against the notes' golden values, plain-Python sums and finite differences."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.descent import gradient_descent
from nnviz.core.gradient import numerical_gradient
from nnviz.core.losses import huber_loss, huber_loss_grad, mse_loss_grad
from nnviz.core.quadratic import stable_lr_bound
from nnviz.core.regression import (
    NOTES_X,
    NOTES_Y,
    least_squares,
    line_descent,
    loss,
    loss_gradient,
    regression_descent,
    regression_hessian,
    standardize,
    to_original_params,
    to_standardized_params,
)

X_LIST = [3, 4, 6, 5, 1, 4, 3, 4, 3.5, 4.5, 2.5]
Y_LIST = [1, 2, 3, 2.5, 1, 2, 2, 2, 1.5, 3, 1.3]
W_STAR = 86.5 / 166.75


def plain_loss(w, b):
    return 0.5 * math.fsum((y - (w * x + b)) ** 2 for x, y in zip(X_LIST, Y_LIST))


def test_notes_data_is_the_eleven_points_and_read_only():
    assert NOTES_X.tolist() == X_LIST and NOTES_Y.tolist() == Y_LIST
    with pytest.raises(ValueError):
        NOTES_X[0] = 0.0


def test_closed_form_slope_golden():
    assert sum(x * y for x, y in zip(X_LIST, Y_LIST)) == pytest.approx(86.5)
    assert sum(x * x for x in X_LIST) == pytest.approx(166.75)
    w, b = least_squares(NOTES_X, NOTES_Y)
    assert w == pytest.approx(0.5187406296851574, abs=1e-15) and b == 0.0


def test_closed_form_with_intercept_matches_polyfit():
    w, b = least_squares(NOTES_X, NOTES_Y, fit_intercept=True)
    np.testing.assert_allclose([w, b], np.polyfit(X_LIST, Y_LIST, 1), rtol=1e-12)


@pytest.mark.parametrize(("w", "b"), [(0.0, 0.0), (2.0, 0.0), (W_STAR, 0.0), (-1.5, 0.7)])
def test_loss_is_half_the_sum_of_squares(w, b):
    assert loss(w, b, NOTES_X, NOTES_Y) == pytest.approx(plain_loss(w, b), rel=1e-14)


def test_loss_is_vectorised_over_a_grid():
    W, B = np.meshgrid(np.linspace(-1, 2, 4), np.linspace(-1, 1, 3))
    L = loss(W, B, NOTES_X, NOTES_Y)
    assert L.shape == (3, 4)
    for i, j in [(0, 0), (1, 2), (2, 3)]:
        assert L[i, j] == pytest.approx(plain_loss(W[i, j], B[i, j]), rel=1e-14)
    gw, gb = loss_gradient(W, B, NOTES_X, NOTES_Y)
    assert gw.shape == gb.shape == (3, 4)


@settings(max_examples=30, deadline=None)
@given(w=st.floats(-5, 5), b=st.floats(-5, 5))
def test_loss_gradient_matches_finite_differences(w, b):
    numeric = numerical_gradient(lambda p: loss(p[0], p[1], NOTES_X, NOTES_Y), [w, b])
    np.testing.assert_allclose(loss_gradient(w, b, NOTES_X, NOTES_Y), numeric, rtol=1e-7, atol=1e-6)


def test_gradient_vanishes_at_the_least_squares_optimum():
    assert loss_gradient(W_STAR, 0.0, NOTES_X, NOTES_Y)[0] == pytest.approx(0.0, abs=1e-12)
    w, b = least_squares(NOTES_X, NOTES_Y, fit_intercept=True)
    np.testing.assert_allclose(loss_gradient(w, b, NOTES_X, NOTES_Y), [0.0, 0.0], atol=1e-12)


def test_descent_on_w_reaches_the_notes_value():
    path = regression_descent(NOTES_X, NOTES_Y, lr=0.001, steps=100, w0=2.0)
    assert path.xs.shape == (101, 1) and path.xs[0, 0] == 2.0
    assert path.xs[-1, 0] == pytest.approx(0.51874065, abs=5e-9)
    # Closed form: w_k − w* = (w0 − w*)(1 − η Σx²)^k.
    k = np.arange(101)
    np.testing.assert_allclose(path.xs[:, 0], W_STAR + (2 - W_STAR) * (1 - 0.001 * 166.75) ** k, rtol=1e-12)
    np.testing.assert_allclose(path.fs, [plain_loss(w, 0.0) for w in path.xs[:, 0]], rtol=1e-12)
    np.testing.assert_allclose(path.grad_norms, np.abs(166.75 * path.xs[:, 0] - 86.5), rtol=1e-9, atol=1e-12)


def test_book_style_numerical_descent_reaches_the_notes_value():
    w = gradient_descent(lambda p: loss(p[0], 0.0, NOTES_X, NOTES_Y), np.array([2]), 0.001, 100)
    assert w[0] == pytest.approx(0.51874065, abs=5e-9)


def test_descent_with_intercept_converges_to_least_squares():
    path = regression_descent(NOTES_X, NOTES_Y, lr=0.005, steps=20000, w0=2.0, b0=0.0, fit_intercept=True)
    assert path.xs.shape[1] == 2 and path.status == "converged"
    np.testing.assert_allclose(path.xs[-1], np.polyfit(X_LIST, Y_LIST, 1), atol=1e-8)


def test_standardising_x_speeds_descent_and_maps_back():
    raw = regression_descent(NOTES_X, NOTES_Y, lr=0.005, steps=20000, w0=2.0, fit_intercept=True)
    std = regression_descent(NOTES_X, NOTES_Y, lr=0.05, steps=20000, w0=2.0, fit_intercept=True,
                             standardize_x=True)
    assert std.status == "converged" and std.stopped_at < raw.stopped_at / 10
    np.testing.assert_allclose(std.xs[0], [2.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(std.xs[-1], np.polyfit(X_LIST, Y_LIST, 1), atol=1e-7)
    np.testing.assert_allclose(std.fs, [plain_loss(w, b) for w, b in std.xs], rtol=1e-12)
    gw, gb = loss_gradient(std.xs[:, 0], std.xs[:, 1], NOTES_X, NOTES_Y)
    np.testing.assert_allclose(std.grad_norms, np.hypot(gw, gb), rtol=1e-12)


def test_standardize_uses_population_std():
    z, mean, std = standardize(X_LIST)
    assert mean == pytest.approx(sum(X_LIST) / 11)
    assert std == pytest.approx(math.sqrt(sum((x - mean) ** 2 for x in X_LIST) / 11))
    assert z.mean() == pytest.approx(0.0, abs=1e-15) and math.sqrt(np.mean(z**2)) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        standardize([2.0, 2.0, 2.0])


@settings(max_examples=30, deadline=None)
@given(w=st.floats(-5, 5), b=st.floats(-5, 5))
def test_parameter_maps_preserve_predictions_and_invert(w, b):
    z, mean, std = standardize(NOTES_X)
    ws, bs = to_standardized_params(w, b, mean, std)
    np.testing.assert_allclose(ws * z + bs, w * NOTES_X + b, atol=1e-12)
    np.testing.assert_allclose(to_original_params(ws, bs, mean, std), [w, b], atol=1e-12)


@pytest.mark.parametrize("kwargs", [{"standardize_x": True}, {"x": [1.0, 2.0], "y": [1.0, 2.0, 3.0]},
                                    {"x": [], "y": []}, {"x": [[1.0]], "y": [[1.0]]}])
def test_regression_descent_rejects_bad_input(kwargs):
    args = {"x": NOTES_X, "y": NOTES_Y, "lr": 0.001, "steps": 5} | kwargs
    with pytest.raises(ValueError):
        regression_descent(**args)


def test_regression_hessian_matches_sympy_and_standardising_makes_it_n_times_identity():
    w, b = sp.symbols("w b")
    L = sp.Rational(1, 2) * sum((sp.nsimplify(yi) - w * sp.nsimplify(xi) - b) ** 2 for xi, yi in zip(NOTES_X, NOTES_Y))
    expected = np.array(sp.hessian(L, (w, b)), dtype=float)
    np.testing.assert_allclose(regression_hessian(NOTES_X, True), expected)
    np.testing.assert_allclose(regression_hessian(NOTES_X, False), [[166.75]])
    np.testing.assert_allclose(regression_hessian(NOTES_X, True, True), 11 * np.eye(2), atol=1e-12)


def test_regression_stability_bound_separates_convergence_from_divergence():
    bound = stable_lr_bound(regression_hessian(NOTES_X, True))
    ok = regression_descent(NOTES_X, NOTES_Y, 0.97 * bound, 400, w0=2.0, fit_intercept=True, tol=0.0)
    bad = regression_descent(NOTES_X, NOTES_Y, 1.03 * bound, 2000, w0=2.0, fit_intercept=True, tol=0.0)
    assert ok.status == "max_steps" and bad.status == "diverged"


def test_line_descent_under_mean_losses_reaches_their_minimisers():
    """MSE: the least-squares line. Huber (convex): PyTorch's autograd gradient of its mean vanishes."""
    torch = pytest.importorskip("torch")
    x, y = np.append(NOTES_X, 5.5), np.append(NOTES_Y, 9.0)
    run = line_descent(x, y, mse_loss_grad, lr=0.1, steps=400, w0=-3.0, b0=4.0)
    np.testing.assert_allclose(run.xs[-1], np.polyfit(x, y, 1), atol=1e-9)
    run = line_descent(x, y, lambda yhat, t: huber_loss_grad(yhat, t, 1.5), lr=0.1, steps=2000)
    assert run.xs.shape == (2001, 2) and run.fs is None
    params = torch.tensor(run.xs[-1], requires_grad=True)
    loss = torch.nn.functional.huber_loss(params[0] * torch.tensor(x) + params[1], torch.tensor(y), delta=1.5)
    loss.backward()
    assert float(loss.detach()) == pytest.approx(huber_loss(run.xs[-1][0] * x + run.xs[-1][1], y, 1.5), rel=1e-14)
    np.testing.assert_allclose(params.grad.numpy(), 0, atol=1e-10)


def test_three_of_the_notes_points_coincide_as_the_legend_says() -> None:
    """The line-fit legend says 11 points, 3 at (4, 2): nine dots are visible."""
    from nnviz.core.regression import NOTES_X, NOTES_Y

    points = list(zip(NOTES_X.tolist(), NOTES_Y.tolist()))
    assert len(points) == 11 and points.count((4.0, 2.0)) == 3 and len(set(points)) == 9
