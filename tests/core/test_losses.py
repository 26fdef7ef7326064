"""The losses against the digest's goldens and PyTorch's functional losses (the oracle).

PyTorch is a test dependency only: every loss and every gradient of ``nnviz.core.losses`` is
compared with ``torch.nn.functional`` and its autograd, in float64.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest

from nnviz.core import losses as L

torch = pytest.importorskip("torch")
F = torch.nn.functional

Y_DIGEST = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
T_DIGEST = np.eye(10)[2]
RNG = np.random.default_rng(16)


def torch_value_and_grad(fn: Callable, y: np.ndarray, t: np.ndarray, **kwargs: object) -> tuple[float, np.ndarray]:
    """PyTorch's loss of (y, t) and its autograd gradient with respect to y."""
    yt = torch.tensor(y, dtype=torch.float64, requires_grad=True)
    loss = fn(yt, torch.tensor(t), **kwargs)
    loss.backward()
    return float(loss.detach()), yt.grad.numpy()


# --- goldens and the book's forms -------------------------------------------------------------------


def test_cross_entropy_and_mse_golden() -> None:
    assert L.cross_entropy_error(Y_DIGEST, T_DIGEST) == pytest.approx(0.510825457099338, abs=1e-15)
    assert L.cross_entropy_error(Y_DIGEST, np.array(2)) == pytest.approx(0.510825457099338, abs=1e-15)
    assert L.mean_squared_error(Y_DIGEST, T_DIGEST) == pytest.approx(0.0975, abs=1e-15)
    assert L.mean_squared_error(Y_DIGEST, np.array([2])) == pytest.approx(0.0975, abs=1e-15)


def test_cross_entropy_uses_delta_inside_the_log_and_means_over_the_batch() -> None:
    y = np.array([[0.0, 1.0], [0.5, 0.5], [0.9, 0.1]])
    labels = np.array([0, 1, 0])
    expected = -(np.log(1e-7) + np.log(0.5 + 1e-7) + np.log(0.9 + 1e-7)) / 3
    assert L.cross_entropy_error(y, labels) == pytest.approx(expected, rel=1e-14)
    assert L.cross_entropy_error(y, np.eye(2)[labels]) == pytest.approx(expected, rel=1e-14)
    assert L.cross_entropy_error(y[1], labels[1:2]) == pytest.approx(-np.log(0.5 + 1e-7), rel=1e-14)
    assert L.cross_entropy_error(np.array([0.0, 1.0]), np.array([1.0, 0.0])) == pytest.approx(-np.log(1e-7))


def test_single_sample_is_one_row_not_k_samples() -> None:
    """The notes divide a 1-D sample by its k outputs; the book reshapes it to (1, k) first."""
    assert L.cross_entropy_error(Y_DIGEST, T_DIGEST) == L.cross_entropy_error(Y_DIGEST[None], T_DIGEST[None])
    assert L.mean_squared_error(Y_DIGEST, T_DIGEST) == L.mean_squared_error(Y_DIGEST[None], T_DIGEST[None])
    assert L.cross_entropy_samples(Y_DIGEST, T_DIGEST).shape == (1,)
    assert L.mean_squared_error_grad(Y_DIGEST, T_DIGEST).shape == (10,)
    assert L.cross_entropy_error_grad(Y_DIGEST, np.array(2)).shape == (10,)
    assert L.softmax_with_loss_grad(Y_DIGEST, np.array(2)).shape == (10,)


def test_batch_of_identical_rows_has_the_single_sample_loss() -> None:
    batch, labels = np.tile(Y_DIGEST, (5, 1)), np.full(5, 2)
    assert L.cross_entropy_error(batch, labels) == pytest.approx(0.510825457099338, abs=1e-15)
    assert L.mean_squared_error(batch, np.eye(10)[labels]) == pytest.approx(0.0975, abs=1e-15)
    np.testing.assert_allclose(L.mean_squared_error_grad(batch, labels), np.tile(Y_DIGEST - T_DIGEST, (5, 1)) / 5)


def test_book_mse_is_half_sum_and_torch_mse_is_the_mean_over_every_element() -> None:
    """½Σ per sample, averaged over N, against MSELoss's mean over N·k: a factor k/2."""
    y, t = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    book = L.mean_squared_error(y, t)
    torch_value, torch_grad = torch_value_and_grad(F.mse_loss, y, t)
    assert L.mse_loss(y, t) == pytest.approx(torch_value, rel=1e-13)
    np.testing.assert_allclose(L.mse_loss_grad(y, t), torch_grad, rtol=1e-13)
    assert book == pytest.approx(torch_value * 3 / 2, rel=1e-13)
    np.testing.assert_allclose(L.mean_squared_error_grad(y, t), torch_grad * 3 / 2, rtol=1e-13)
    assert L.mse_loss(Y_DIGEST, T_DIGEST) == pytest.approx(0.0195, abs=1e-15)


def test_cross_entropy_error_gradient_is_autograd_of_the_book_formula() -> None:
    y = RNG.uniform(0.01, 1.0, size=(4, 5))
    labels = np.array([0, 3, 4, 1])
    yt = torch.tensor(y, requires_grad=True)
    (-(torch.log(yt[torch.arange(4), torch.tensor(labels)] + 1e-7)).sum() / 4).backward()
    np.testing.assert_allclose(L.cross_entropy_error_grad(y, labels), yt.grad.numpy(), rtol=1e-13)
    np.testing.assert_allclose(L.cross_entropy_error_grad(y, np.eye(5)[labels]), yt.grad.numpy(), rtol=1e-13)


@pytest.mark.parametrize("batch", [1, 7])
def test_softmax_with_loss_matches_torch_cross_entropy(batch: int) -> None:
    z = RNG.normal(scale=3, size=(batch, 10))
    labels = RNG.integers(0, 10, size=batch)
    torch_value, torch_grad = torch_value_and_grad(F.cross_entropy, z, labels)
    p_true = torch.softmax(torch.tensor(z), dim=1)[torch.arange(batch), torch.tensor(labels)]
    with_delta = float(-torch.log(p_true + 1e-7).mean())
    value = L.softmax_with_loss(z, labels)
    assert value == pytest.approx(with_delta, rel=1e-13)
    assert 0 < torch_value - value <= float((1e-7 / p_true).mean()), "δ lowers −ln p by at most δ/p"
    np.testing.assert_allclose(L.softmax_with_loss_grad(z, labels), torch_grad, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(L.softmax_with_loss_grad(z, np.eye(10)[labels]), torch_grad, rtol=1e-12, atol=1e-15)


def test_softmax_with_loss_of_extreme_logits_is_finite_and_silent() -> None:
    z = np.array([[1000.0, -1000.0, 0.0], [-1e6, 1e6, 0.0]])
    labels = np.array([1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, grad = L.softmax_with_loss(z, labels), L.softmax_with_loss_grad(z, labels)
    assert value == pytest.approx(-(np.log(1e-7) + np.log(1 + 1e-7)) / 2, rel=1e-14), "p = 0 costs −ln δ, not ∞"
    torch_grad = torch_value_and_grad(F.cross_entropy, z, labels)[1]
    np.testing.assert_allclose(grad, torch_grad, atol=1e-15)


# --- residual losses, PyTorch's mean forms ----------------------------------------------------------

RESIDUAL_CASES = [
    ("mse", L.mse_loss, L.mse_loss_grad, F.mse_loss, {}),
    ("l1", L.l1_loss, L.l1_loss_grad, F.l1_loss, {}),
    ("huber_1", L.huber_loss, L.huber_loss_grad, F.huber_loss, {"delta": 1.0}),
    ("huber_0.3", L.huber_loss, L.huber_loss_grad, F.huber_loss, {"delta": 0.3}),
    ("smooth_l1_1", L.smooth_l1_loss, L.smooth_l1_loss_grad, F.smooth_l1_loss, {"beta": 1.0}),
    ("smooth_l1_2.5", L.smooth_l1_loss, L.smooth_l1_loss_grad, F.smooth_l1_loss, {"beta": 2.5}),
    ("smooth_l1_0", L.smooth_l1_loss, L.smooth_l1_loss_grad, F.smooth_l1_loss, {"beta": 0.0}),
]


@pytest.mark.parametrize("shape", [(11,), (4, 3), (2, 3, 5)])
@pytest.mark.parametrize(("name", "value", "grad", "oracle", "kwargs"), RESIDUAL_CASES, ids=[c[0] for c in RESIDUAL_CASES])
def test_residual_losses_and_gradients_match_torch(name: str, value: Callable, grad: Callable, oracle: Callable,
                                                   kwargs: dict, shape: tuple[int, ...]) -> None:
    y, t = RNG.normal(scale=2, size=shape), RNG.normal(scale=2, size=shape)
    y.flat[0] = t.flat[0]  # r = 0: sign and clip conventions at the kink
    torch_value, torch_grad = torch_value_and_grad(oracle, y, t, **kwargs)
    assert value(y, t, **kwargs) == pytest.approx(torch_value, rel=1e-13)
    got = grad(y, t, **kwargs)
    assert got.shape == y.shape
    np.testing.assert_allclose(got, torch_grad, rtol=1e-13, atol=1e-16)


def test_huber_is_delta_times_smooth_l1() -> None:
    y, t = RNG.normal(scale=3, size=20), RNG.normal(size=20)
    for d in (0.2, 1.0, 4.0):
        assert L.huber_loss(y, t, d) == pytest.approx(d * L.smooth_l1_loss(y, t, d), rel=1e-14)


@pytest.mark.parametrize("key", L.RESIDUAL_KEYS)
def test_residual_table_derivatives_match_central_differences(key: str) -> None:
    loss = L.residual_loss(key, 1.3)
    r = np.array([-3.7, -1.0, -0.2, 0.45, 1.0, 2.9])
    h = 1e-6
    np.testing.assert_allclose(loss.df(r), (loss.f(r + h) - loss.f(r - h)) / (2 * h), rtol=1e-6, atol=1e-8)


# --- binary cross-entropy ---------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(6,), (3, 4)])
def test_binary_cross_entropy_matches_torch(shape: tuple[int, ...]) -> None:
    p, t = RNG.uniform(0.001, 0.999, size=shape), RNG.integers(0, 2, size=shape).astype(float)
    t.flat[0] = 0.3  # soft targets are allowed
    torch_value, torch_grad = torch_value_and_grad(F.binary_cross_entropy, p, t)
    assert L.binary_cross_entropy(p, t) == pytest.approx(torch_value, rel=1e-13)
    np.testing.assert_allclose(L.binary_cross_entropy_grad(p, t), torch_grad, rtol=1e-12)


def test_binary_cross_entropy_clamps_its_log_at_minus_100_like_torch() -> None:
    p, t = np.array([0.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0])
    torch_value, torch_grad = torch_value_and_grad(F.binary_cross_entropy, p, t)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert L.binary_cross_entropy(p, t) == pytest.approx(torch_value, rel=1e-14) == 50.0
        # PyTorch's floor under p(1 − p) is the float32 1e-12 (9.99999996e-13): 4e-9 apart
        np.testing.assert_allclose(L.binary_cross_entropy_grad(p, t), torch_grad, rtol=1e-8)


@pytest.mark.parametrize("shape", [(6,), (3, 4)])
def test_binary_cross_entropy_with_logits_matches_torch(shape: tuple[int, ...]) -> None:
    z, t = RNG.normal(scale=4, size=shape), RNG.integers(0, 2, size=shape).astype(float)
    torch_value, torch_grad = torch_value_and_grad(F.binary_cross_entropy_with_logits, z, t)
    assert L.binary_cross_entropy_with_logits(z, t) == pytest.approx(torch_value, rel=1e-13)
    np.testing.assert_allclose(L.binary_cross_entropy_with_logits_grad(z, t), torch_grad, rtol=1e-12)


def test_binary_cross_entropy_with_extreme_logits_is_exact_and_silent() -> None:
    z, t = np.array([-1000.0, 1000.0, -800.0, 800.0, 50.0]), np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    torch_value, torch_grad = torch_value_and_grad(F.binary_cross_entropy_with_logits, z, t)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, grad = L.binary_cross_entropy_with_logits(z, t), L.binary_cross_entropy_with_logits_grad(z, t)
    assert value == pytest.approx(torch_value, rel=1e-14) == pytest.approx(2000 / 5, rel=1e-14)
    np.testing.assert_allclose(grad, torch_grad, atol=1e-300)
    assert np.isfinite(L.binary_cross_entropy(L.sigmoid(z), t)), "the clamped form stays finite, but wrong"
