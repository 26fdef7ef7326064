"""Layers: forward values against closed forms, backward passes against finite differences."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from nnviz.core.functions import softmax
from nnviz.core.layers import (
    Affine,
    AddLayer,
    Dropout,
    LeakyRelu,
    MulLayer,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    Tanh,
)

Y_DIGEST = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
T_DIGEST = np.eye(10)[2]
H = 1e-5


def numeric_grad(f: Callable[[], float], a: np.ndarray) -> np.ndarray:
    """Central differences of the scalar f() with respect to every entry of a (in place, restored)."""
    g = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        old = a[idx]
        a[idx] = old + H
        fp = f()
        a[idx] = old - H
        fm = f()
        a[idx] = old
        g[idx] = (fp - fm) / (2 * H)
    return g


# ---------------------------------------------------------------- SoftmaxWithLoss


@pytest.mark.parametrize("one_hot", [False, True])
def test_softmax_with_loss_backward_is_y_minus_t_over_n(one_hot: bool) -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 4))
    labels = rng.integers(0, 4, 5)
    t = np.eye(4)[labels] if one_hot else labels
    layer = SoftmaxWithLoss()
    loss = layer.forward(x, t)
    e = np.exp(x)
    y = e / e.sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(y[np.arange(5), labels] + 1e-7)), rel=1e-12)
    np.testing.assert_allclose(layer.backward(), (y - np.eye(4)[labels]) / 5, atol=1e-15)

    def exact_loss() -> float:  # cross-entropy without δ, by log-sum-exp: backward is its gradient
        return float(np.mean(np.log(np.exp(x).sum(axis=1)) - x[np.arange(5), labels]))

    np.testing.assert_allclose(layer.backward(), numeric_grad(exact_loss, x), atol=1e-9)


def test_softmax_with_loss_single_sample() -> None:
    layer = SoftmaxWithLoss()
    x = np.array([0.3, 2.9, 4.0])
    layer.forward(x, np.array(1))
    np.testing.assert_allclose(layer.backward(), softmax(x) - np.eye(3)[1], atol=1e-15)


# ---------------------------------------------------------------- Affine


@pytest.mark.parametrize("shape", [(4, 3), (4, 1, 3, 1)])
def test_affine_backward_matches_finite_differences(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    W, b = rng.standard_normal((3, 2)), rng.standard_normal(2)
    G = rng.standard_normal((4, 2))
    layer = Affine(W, b)

    def scalar() -> float:
        return float(np.sum(G * Affine(W, b).forward(x)))

    np.testing.assert_allclose(layer.forward(x), x.reshape(4, 3) @ W + b, rtol=1e-14)
    dx = layer.backward(G)
    assert dx.shape == shape
    np.testing.assert_allclose(dx, numeric_grad(scalar, x), atol=1e-8)
    np.testing.assert_allclose(layer.dW, numeric_grad(scalar, W), atol=1e-8)
    np.testing.assert_allclose(layer.db, numeric_grad(scalar, b), atol=1e-8)


def test_affine_first_layer_skips_dx() -> None:
    layer = Affine(np.ones((3, 2)), np.zeros(2), compute_dx=False)
    layer.forward(np.ones((4, 3)))
    assert layer.backward(np.ones((4, 2))) is None
    np.testing.assert_array_equal(layer.dW, np.full((3, 2), 4.0))
    np.testing.assert_array_equal(layer.db, [4.0, 4.0])


# ---------------------------------------------------------------- activations


@pytest.mark.parametrize("make", [Relu, lambda: LeakyRelu(0.1), Sigmoid, Tanh])
def test_activation_backward_matches_finite_differences(make: Callable[[], object]) -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(0.05, 3, (3, 4)) * rng.choice([-1, 1], (3, 4))  # away from the kink at 0
    G = rng.standard_normal((3, 4))
    layer = make()
    layer.forward(x)
    dx = layer.backward(G)
    np.testing.assert_allclose(dx, numeric_grad(lambda: float(np.sum(G * make().forward(x))), x), atol=1e-8)
    np.testing.assert_allclose(layer.derivative() * G, dx, atol=1e-15)


def test_activation_values_against_closed_forms() -> None:
    x = np.linspace(-6, 6, 25)
    np.testing.assert_allclose(Sigmoid().forward(x), 1 / (1 + np.exp(-x)), rtol=1e-14)
    np.testing.assert_allclose(
        Sigmoid().forward(np.arange(-5.0, 5.0)),
        [0.00669285, 0.01798621, 0.04742587, 0.11920292, 0.26894142, 0.5, 0.73105858, 0.88079708, 0.95257413, 0.98201379],
        atol=5e-9,
    )
    np.testing.assert_allclose(Tanh().forward(x), (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)), rtol=1e-13)
    np.testing.assert_array_equal(Relu().forward(x), np.where(x > 0, x, 0))
    np.testing.assert_allclose(LeakyRelu().forward(x), np.where(x > 0, x, 0.01 * x), rtol=1e-15)


def test_sigmoid_is_stable_for_huge_inputs() -> None:
    layer = Sigmoid()
    y = layer.forward(np.array([-1e4, -800.0, 800.0, 1e4]))
    np.testing.assert_array_equal(y, [0.0, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(layer.backward(np.ones(4)), 0.0)


def test_kink_conventions() -> None:
    zero = np.zeros((1, 3))
    relu, leaky = Relu(), LeakyRelu(alpha=0.2)
    relu.forward(zero)
    leaky.forward(zero)
    np.testing.assert_array_equal(relu.backward(np.ones((1, 3))), 0.0)
    np.testing.assert_array_equal(leaky.backward(np.ones((1, 3))), 0.2)


# ---------------------------------------------------------------- dropout


def test_dropout_training_mask_scaling_and_mean() -> None:
    p = 0.3
    layer = Dropout(p, np.random.default_rng(3))
    x = np.ones((400, 500))
    out = layer.forward(x, train_flg=True)
    assert set(np.unique(out)) <= {0.0, 1 / (1 - p)}
    assert abs((out == 0).mean() - p) < 0.005  # 200 000 draws: std of the fraction ≈ 0.001
    assert abs(out.mean() - 1.0) < 0.01
    G = np.random.default_rng(4).standard_normal(x.shape)
    np.testing.assert_array_equal(layer.backward(G), G * out)


def test_dropout_eval_is_identity_and_validates_ratio() -> None:
    layer = Dropout(0.5, np.random.default_rng(0))
    x = np.arange(6.0).reshape(2, 3)
    assert layer.forward(x, train_flg=False) is x
    G = np.ones((2, 3))
    assert layer.backward(G) is G
    for bad in (-0.1, 1.0):
        with pytest.raises(ValueError):
            Dropout(bad)


# ---------------------------------------------------------------- dtype


def test_float32_stays_float32() -> None:
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    G = np.ones((4, 3), np.float32)
    for layer in (Relu(), LeakyRelu(), Sigmoid(), Tanh(), Dropout(0.5, rng)):
        assert layer.forward(x).dtype == np.float32, type(layer).__name__
        assert layer.backward(G).dtype == np.float32, type(layer).__name__
    affine = Affine(np.ones((3, 2), np.float32), np.zeros(2, np.float32))
    assert affine.forward(x).dtype == np.float32
    assert affine.backward(np.ones((4, 2), np.float32)).dtype == affine.dW.dtype == affine.db.dtype == np.float32
    swl = SoftmaxWithLoss()
    swl.forward(x, np.eye(3)[[0, 1, 2, 0]])
    assert swl.y.dtype == swl.backward().dtype == np.float32


# ---------------------------------------------------------------- MulLayer, AddLayer (book ch. 5)


def test_book_shopping_graph_with_mul_and_add_layers() -> None:
    """The book's 5.4 example, layer by layer: 715 forward and the five printed gradients backward."""
    apple, apple_num, orange, orange_num, tax = 100, 2, 150, 3, 1.1
    mul_apple, mul_orange, add, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    total = mul_tax.forward(add.forward(mul_apple.forward(apple, apple_num), mul_orange.forward(orange, orange_num)),
                            tax)
    d_sum, d_tax = mul_tax.backward(1)
    d_apples, d_oranges = add.backward(d_sum)
    d_apple, d_apple_num = mul_apple.backward(d_apples)
    d_orange, d_orange_num = mul_orange.backward(d_oranges)
    assert round(total) == 715 and total == pytest.approx(715, abs=1e-9)
    assert (d_apple, d_apple_num, d_orange, d_orange_num, d_tax) == pytest.approx((2.2, 110, 3.3, 165, 650), abs=1e-9)


def test_mul_and_add_layers_match_finite_differences_on_arrays() -> None:
    rng = np.random.default_rng(5)
    x, y, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    for layer in (MulLayer(), AddLayer()):
        layer.forward(x, y)
        dx, dy = layer.backward(dout)
        loss = lambda: float(np.sum(layer.forward(x, y) * dout))  # noqa: E731
        np.testing.assert_allclose(dx, numeric_grad(loss, x), atol=1e-8)
        np.testing.assert_allclose(dy, numeric_grad(loss, y), atol=1e-8)
