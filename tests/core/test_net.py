"""MultiLayerNet / TwoLayerNet: backprop against numerical and symbolic gradients, init, stats."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz.core.net import MultiLayerNet, MultiLayerNetExtend, TwoLayerNet

ACTIVATIONS = ["relu", "sigmoid", "tanh", "leaky_relu"]
KINK_MARGIN = 1e-3  # numerical gradients need every pre-activation this far from a ReLU kink


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def pre_activations(net: MultiLayerNet, x: np.ndarray) -> list[np.ndarray]:
    """Hidden-layer inputs to the activation, recomputed by hand."""
    act = {"relu": lambda a: np.maximum(a, 0), "leaky_relu": lambda a: np.where(a > 0, a, 0.01 * a),
           "sigmoid": lambda a: 1 / (1 + np.exp(-a)), "tanh": np.tanh}[net.activation]
    out, h = [], x
    for i in range(1, net.n_layers):
        a = h @ net.params[f"W{i}"] + net.params[f"b{i}"]
        out.append(a)
        h = act(a)
    return out


def tiny(activation: str, weight_decay: float, seed: int) -> tuple[MultiLayerNet, np.ndarray, np.ndarray]:
    net = MultiLayerNet(5, [4, 3], 3, activation, weight_init_std=0.7, weight_decay_lambda=weight_decay,
                        seed=seed, dtype=np.float64)
    rng = np.random.default_rng(seed + 100)
    for i in (1, 2, 3):
        net.params[f"b{i}"][:] = 0.5 * rng.standard_normal(net.params[f"b{i}"].shape)
    return net, rng.standard_normal((4, 5)), rng.integers(0, 3, 4)


@pytest.fixture
def exact_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backward is the exact gradient of the cross-entropy without δ (δ = 1e-7 only guards log 0,
    and would bias numerical gradients by a factor p/(p + δ)), so check against that loss."""
    monkeypatch.setattr("nnviz.core.losses.LOG_DELTA", 0.0)


@pytest.mark.usefixtures("exact_log")
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
@pytest.mark.parametrize("one_hot", [False, True])
def test_backprop_matches_numerical_gradient(activation: str, weight_decay: float, one_hot: bool) -> None:
    net, x, labels = tiny(activation, weight_decay, seed=7)
    t = np.eye(3)[labels] if one_hot else labels
    if activation in ("relu", "leaky_relu"):
        assert min(np.abs(a).min() for a in pre_activations(net, x)) > KINK_MARGIN
    backprop, numerical = net.gradient(x, t), net.numerical_gradient(x, t)
    assert backprop.keys() == numerical.keys() == net.params.keys()
    for key in net.params:
        assert rel_error(backprop[key], numerical[key]) < 1e-6, key


@pytest.mark.usefixtures("exact_log")
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), activation=st.sampled_from(["sigmoid", "tanh"]),
       weight_decay=st.sampled_from([0.0, 0.05]))
def test_backprop_matches_numerical_gradient_smooth_property(seed: int, activation: str, weight_decay: float) -> None:
    net, x, t = tiny(activation, weight_decay, seed)
    backprop, numerical = net.gradient(x, t), net.numerical_gradient(x, t)
    for key in net.params:
        assert rel_error(backprop[key], numerical[key]) < 1e-6, key


def test_numerical_gradient_restores_parameters() -> None:
    net, x, t = tiny("tanh", 0.0, seed=3)
    before = {k: v.copy() for k, v in net.params.items()}
    net.numerical_gradient(x, t)
    for key, value in before.items():
        np.testing.assert_array_equal(net.params[key], value)


def test_tiny_softmax_net_gradient_is_outer_x_p_minus_t() -> None:
    """The notes' net: x = [0.6, 0.9], W 2×3, loss CE(softmax(xW), t); checked with SymPy."""
    x = np.array([[0.6, 0.9]])
    W = np.random.default_rng(0).standard_normal((2, 3))
    t = np.array([[0.0, 0.0, 1.0]])
    net = MultiLayerNet(2, [], 3, seed=0, dtype=np.float64)
    net.params["W1"][...] = W
    w = sp.Matrix(2, 3, sp.symbols("w0:6"))
    z = sp.Matrix([[sp.Rational(3, 5), sp.Rational(9, 10)]]) * w
    loss = -sp.log(sp.exp(z[2]) / sum(sp.exp(zj) for zj in z))
    subs = dict(zip(w, W.ravel()))
    symbolic = np.array([[float(sp.diff(loss, w[i, j]).evalf(subs=subs)) for j in range(3)] for i in range(2)])
    scores = x @ W
    p = np.exp(scores) / np.exp(scores).sum()
    grads = net.gradient(x, t)
    np.testing.assert_allclose(symbolic, np.outer(x, p - t), atol=1e-12)
    np.testing.assert_allclose(grads["W1"], symbolic, atol=1e-12)
    np.testing.assert_allclose(grads["b1"], (p - t).ravel(), atol=1e-12)
    assert net.loss(x, t) == pytest.approx(float(loss.evalf(subs=subs)), abs=1e-6)  # δ = 1e-7 in the log


def test_weight_decay_term_in_loss() -> None:
    plain, x, t = tiny("relu", 0.0, seed=1)
    decayed, _, _ = tiny("relu", 0.3, seed=1)
    squares = sum(np.sum(decayed.params[f"W{i}"] ** 2) for i in (1, 2, 3))
    assert decayed.loss(x, t) == pytest.approx(plain.loss(x, t) + 0.5 * 0.3 * squares, rel=1e-12)
    g_plain, g_decay = plain.gradient(x, t), decayed.gradient(x, t)
    np.testing.assert_allclose(g_decay["W2"], g_plain["W2"] + 0.3 * decayed.params["W2"], rtol=1e-12)
    np.testing.assert_array_equal(g_decay["b2"], g_plain["b2"])


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("he", np.sqrt(2 / 1000)), ("relu", np.sqrt(2 / 1000)), ("Xavier", np.sqrt(1 / 1000)),
     ("sigmoid", np.sqrt(1 / 1000)), (0.05, 0.05)],
)
def test_weight_init_scales(spec: str | float, expected: float) -> None:
    net = MultiLayerNet(1000, [400], 10, weight_init_std=spec, seed=0)
    W1 = net.params["W1"]
    assert W1.std() == pytest.approx(expected, rel=0.01)  # 400 000 draws
    assert abs(W1.mean()) < 0.01 * expected
    assert net.params["W2"].std() == pytest.approx(expected if spec == 0.05 else expected * np.sqrt(1000 / 400), rel=0.05)
    np.testing.assert_array_equal(net.params["b1"], 0.0)


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError):
        MultiLayerNet(3, [2], 2, weight_init_std="glorot")
    with pytest.raises(ValueError):
        MultiLayerNet(3, [2], 2, activation="swish")


def test_two_layer_net_is_the_books_784_50_10() -> None:
    net = TwoLayerNet(seed=0)
    assert {k: v.shape for k, v in net.params.items()} == {"W1": (784, 50), "b1": (50,), "W2": (50, 10), "b2": (10,)}
    assert list(net.layers) == ["Affine1", "Relu1", "Affine2"]
    assert net.params["W1"].std() == pytest.approx(0.01, rel=0.02)
    assert net.params["W1"].dtype == np.float32


def test_float32_net_stays_float32_and_agrees_with_float64() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((20, 784))
    t = rng.integers(0, 10, 20)
    net32, net64 = TwoLayerNet(seed=3), TwoLayerNet(seed=3, dtype=np.float64)
    loss32, g32 = net32.loss_and_gradient(x.astype(np.float32), t)
    loss64, g64 = net64.loss_and_gradient(x, t)
    assert net32.predict(x.astype(np.float32)).dtype == np.float32
    assert all(g.dtype == np.float32 for g in g32.values())
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    for key in g64:
        assert rel_error(g32[key].astype(np.float64), g64[key]) < 1e-4, key


def test_image_shaped_input_is_flattened() -> None:
    net = TwoLayerNet(seed=1)
    x = np.random.default_rng(1).random((3, 1, 28, 28), dtype=np.float32)
    np.testing.assert_array_equal(net.predict(x), net.predict(x.reshape(3, 784)))


def test_accuracy_with_labels_and_one_hot() -> None:
    net, x, _ = tiny("tanh", 0.0, seed=2)
    predicted = (np.tanh(pre_activations(net, x)[-1]) @ net.params["W3"] + net.params["b3"]).argmax(axis=1)
    labels = predicted.copy()
    labels[0] = (labels[0] + 1) % 3
    assert net.accuracy(x, labels) == net.accuracy(x, np.eye(3)[labels]) == 0.75


def test_dropout_only_in_training() -> None:
    net = MultiLayerNet(6, [50], 3, dropout_ratio=0.5, seed=0, dtype=np.float64)
    assert "Dropout1" in net.layers
    x = np.random.default_rng(0).random((4, 6))
    np.testing.assert_array_equal(net.predict(x), net.predict(x))
    assert not np.allclose(net.predict(x, train_flg=True), net.predict(x))


def test_params_rebound_by_an_optimizer_are_used() -> None:
    net, x, _ = tiny("relu", 0.0, seed=4)
    before = net.predict(x)
    net.params["W3"] = net.params["W3"] * 2
    net.params["b3"] = net.params["b3"] * 2
    np.testing.assert_allclose(net.predict(x), 2 * before, rtol=1e-12)


def test_layer_stats_dead_units_and_saturation() -> None:
    net = MultiLayerNet(4, [10], 3, seed=0, dtype=np.float64)
    net.params["b1"][:3] = -1e3  # units 0-2 can never fire
    x = np.random.default_rng(0).random((8, 4))
    assert net.layer_stats() == []
    grads = net.gradient(x, np.zeros(8, dtype=int))
    hidden, output = net.layer_stats()
    assert hidden.dead_fraction >= 0.3 and hidden.zero_fraction >= 0.3
    h = np.maximum(x @ net.params["W1"] + net.params["b1"], 0)
    assert hidden.dead_fraction == pytest.approx(np.mean(np.all(h == 0, axis=0)))
    assert hidden.zero_fraction == pytest.approx(np.mean(h == 0))
    assert hidden.act_mean == pytest.approx(h.mean()) and hidden.act_std == pytest.approx(h.std())
    assert hidden.grad_rms == pytest.approx(np.sqrt(np.mean(grads["W1"] ** 2)))
    assert output.activation == "softmax" and output.dead_fraction is None
    assert output.act_mean == pytest.approx(1 / 3)

    sig = MultiLayerNet(4, [10], 3, activation="sigmoid", weight_init_std=100.0, seed=0, dtype=np.float64)
    sig.gradient(x * 10, np.zeros(8, dtype=int))
    s = sig.layer_stats()[0]
    assert s.dead_fraction is None and s.saturated_fraction > 0.8


# ---------------------------------------------------------------- batch norm, dropout, weight decay


def extended(activation: str, batchnorm: bool, dropout: float, weight_decay: float, seed: int):
    net = MultiLayerNetExtend(5, [6, 4], 3, activation, weight_init_std=0.7, weight_decay_lambda=weight_decay,
                              use_dropout=dropout > 0, dropout_ration=dropout, use_batchnorm=batchnorm,
                              seed=seed, dtype=np.float64)
    rng = np.random.default_rng(seed + 100)
    for key, p in net.params.items():
        if key.startswith(("b", "gamma", "beta")):
            p += 0.3 * rng.standard_normal(p.shape)
    return net, rng.standard_normal((6, 5)), rng.integers(0, 3, 6)


@pytest.mark.usefixtures("exact_log")
@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize(("batchnorm", "dropout", "weight_decay"),
                         [(True, 0.0, 0.0), (False, 0.3, 0.0), (True, 0.3, 0.1), (False, 0.0, 0.1)])
def test_training_gradients_through_every_option_match_finite_differences(
        activation: str, batchnorm: bool, dropout: float, weight_decay: float) -> None:
    """One training step's backprop (this step's dropout masks, batch statistics) against central
    differences of the same training loss (the masks fixed by rewinding the RNG)."""
    net, x, t = extended(activation, batchnorm, dropout, weight_decay, seed=11)
    state = net.rng.bit_generator.state
    backprop = net.gradient(x, t)
    net.rng.bit_generator.state = state
    numerical = net.numerical_gradient(x, t, train_flg=True)
    assert backprop.keys() == numerical.keys() == net.params.keys()
    assert ({"gamma1", "beta1", "gamma2", "beta2"} <= net.params.keys()) == batchnorm
    for key in net.params:
        np.testing.assert_allclose(backprop[key], numerical[key], rtol=1e-6, atol=1e-8, err_msg=key)
    if batchnorm:  # a bias before batch norm is subtracted out with the batch mean
        np.testing.assert_allclose(backprop["b1"], 0, atol=1e-15)


def test_extended_net_against_torch_autograd() -> None:
    """Batch norm + dropout (this step's masks) + weight decay: the whole loss and every gradient."""
    torch = pytest.importorskip("torch")
    net, x, t = extended("relu", True, 0.25, 0.05, seed=4)
    loss, grads = net.loss_and_gradient(x, t)
    masks = [net.layers[f"Dropout{i}"].mask for i in (1, 2)]
    p = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
    h = torch.from_numpy(x)
    for i in (1, 2):
        a = h @ p[f"W{i}"] + p[f"b{i}"]
        a = torch.nn.functional.batch_norm(a, None, None, p[f"gamma{i}"], p[f"beta{i}"], training=True, eps=1e-6)
        h = torch.relu(a) * torch.from_numpy(masks[i - 1])
    scores = h @ p["W3"] + p["b3"]
    ref = torch.nn.functional.cross_entropy(scores, torch.from_numpy(t)) + 0.5 * 0.05 * sum(
        (p[f"W{i}"] ** 2).sum() for i in (1, 2, 3))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-6)  # the loss's δ = 1e-7 guard is all that differs
    for key, g in grads.items():
        np.testing.assert_allclose(g, p[key].grad.numpy(), rtol=1e-5, atol=1e-8, err_msg=key)


def test_dropout_masks_have_the_inverted_scale_and_ratio() -> None:
    net = MultiLayerNetExtend(20, [400], 3, use_dropout=True, dropout_ration=0.2, seed=0, dtype=np.float64)
    net.predict(np.ones((50, 20)), train_flg=True)
    mask = net.layers["Dropout1"].mask
    assert set(np.unique(mask)) == {0.0, 1 / 0.8}
    assert np.mean(mask == 0) == pytest.approx(0.2, abs=0.01)


def test_batchnorm_eval_uses_running_statistics_and_training_moves_them() -> None:
    net = MultiLayerNetExtend(4, [3], 2, use_batchnorm=True, seed=1, dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((10, 4)) + 5
    norm = net.layers["BatchNorm1"]
    before = net.predict(x)
    assert norm.running_mean.tolist() == [0, 0, 0]
    net.loss_and_gradient(x, np.zeros(10, dtype=int))
    assert not np.allclose(norm.running_mean, 0)
    assert not np.allclose(net.predict(x), before)


def test_use_dropout_false_ignores_the_ratio() -> None:
    net = MultiLayerNetExtend(4, [3], 2, use_dropout=False, dropout_ration=0.5, seed=1)
    assert not any(k.startswith("Dropout") for k in net.layers)
