"""BatchNormalization against torch.nn.BatchNorm1d (an independent implementation), train and eval."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.layers import BN_EPS, BatchNormalization

torch = pytest.importorskip("torch")

N, D, BATCHES = 8, 5, 4


def pair(seed: int) -> tuple[BatchNormalization, "torch.nn.BatchNorm1d", np.random.Generator]:
    rng = np.random.default_rng(seed)
    gamma, beta = 1 + 0.3 * rng.standard_normal(D), 0.2 * rng.standard_normal(D)
    ours = BatchNormalization(gamma.copy(), beta.copy(), momentum=0.9)
    ref = torch.nn.BatchNorm1d(D, eps=BN_EPS, momentum=1 - 0.9, dtype=torch.float64)
    with torch.no_grad():
        ref.weight.copy_(torch.from_numpy(gamma))
        ref.bias.copy_(torch.from_numpy(beta))
    return ours, ref, rng


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_training_forward_backward_and_running_stats_match_torch(seed: int) -> None:
    ours, ref, rng = pair(seed)
    ref.train()
    for k in range(BATCHES):
        x = 3 * rng.standard_normal((N, D)) + rng.standard_normal(D)
        dout = rng.standard_normal((N, D))
        xt = torch.from_numpy(x).requires_grad_(True)
        yt = ref(xt)
        yt.backward(torch.from_numpy(dout))
        y = ours.forward(x, train_flg=True)
        dx = ours.backward(dout)
        np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours.dgamma, ref.weight.grad.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.dbeta, ref.bias.grad.numpy(), rtol=1e-10, atol=1e-12)
        ref.weight.grad = ref.bias.grad = None
        np.testing.assert_allclose(ours.running_mean, ref.running_mean.numpy(), rtol=1e-12, atol=1e-14)
        # Both start the variance at 1; PyTorch averages the unbiased batch variance, the book the
        # biased one, so the parts added since the start differ by exactly N / (N − 1).
        start = 0.9 ** (k + 1)
        np.testing.assert_allclose(ours.running_var - start, (ref.running_var.numpy() - start) * (N - 1) / N,
                                   rtol=1e-10)


def test_eval_mode_uses_the_running_statistics_as_torch_does() -> None:
    ours, ref, rng = pair(5)
    for _ in range(BATCHES):
        ours.forward(2 * rng.standard_normal((N, D)) + 1, train_flg=True)
    with torch.no_grad():
        ref.running_mean.copy_(torch.from_numpy(ours.running_mean))
        ref.running_var.copy_(torch.from_numpy(ours.running_var))
    ref.eval()
    x = rng.standard_normal((3, D))
    expected = ref(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(ours.forward(x, train_flg=False), expected, rtol=1e-10, atol=1e-12)
    # evaluation leaves the running statistics alone
    mean = ours.running_mean.copy()
    ours.forward(x, train_flg=False)
    np.testing.assert_array_equal(ours.running_mean, mean)


def test_book_running_update_and_start() -> None:
    """running = 0.9 · old + 0.1 · batch (biased variance), from mean 0 and variance 1."""
    layer = BatchNormalization(np.ones(2), np.zeros(2))
    np.testing.assert_array_equal(layer.running_mean, [0, 0])
    np.testing.assert_array_equal(layer.running_var, [1, 1])
    x = np.array([[1.0, 10.0], [3.0, 14.0]])
    layer.forward(x, train_flg=True)
    np.testing.assert_allclose(layer.running_mean, [0.2, 1.2])
    np.testing.assert_allclose(layer.running_var, [0.9 + 0.1 * 1.0, 0.9 + 0.1 * 4.0])


def test_float32_stays_float32() -> None:
    layer = BatchNormalization(np.ones(3, np.float32), np.zeros(3, np.float32))
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    assert layer.forward(x, True).dtype == np.float32
    assert layer.backward(x).dtype == np.float32
    assert layer.running_var.dtype == np.float32
    assert layer.forward(x, False).dtype == np.float32
