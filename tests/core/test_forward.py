"""The book's ch. 3 network against the printed numbers (digest §7) and an independent loop."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.forward import BOOK_X, collapse_linear, forward, init_network


def test_book_network_matches_the_printed_digits() -> None:
    f = forward(init_network(), BOOK_X)
    np.testing.assert_allclose(f.A1, [0.3, 0.7, 1.1], atol=1e-15)
    np.testing.assert_allclose(f.Z1, [0.57444252, 0.66818777, 0.75026011], atol=5e-9)
    np.testing.assert_allclose(f.A2, [0.51615984, 1.21402696], atol=5e-9)
    np.testing.assert_allclose(f.Y, [0.31682708, 0.69627909], atol=5e-9)


def loop_forward(x: list[float]) -> list[float]:
    """The same net written out neuron by neuron in plain Python (no NumPy)."""
    import math

    net = {k: v.tolist() for k, v in init_network().items()}
    values = list(x)
    for i in (1, 2, 3):
        w, b = net[f"W{i}"], net[f"b{i}"]
        sums = [sum(values[r] * w[r][c] for r in range(len(values))) + b[c] for c in range(len(b))]
        values = [1 / (1 + math.exp(-s)) for s in sums] if i < 3 else sums
    return values


@pytest.mark.parametrize("x", [(1.0, 0.5), (-2.0, 3.0), (0.0, 0.0)])
def test_forward_agrees_with_a_neuron_by_neuron_loop(x: tuple[float, float]) -> None:
    np.testing.assert_allclose(forward(init_network(), x).Y, loop_forward(list(x)), rtol=1e-14)


def test_softmax_output_sums_to_one_and_keeps_the_order() -> None:
    f = forward(init_network(), BOOK_X, output="softmax")
    assert f.Y.sum() == pytest.approx(1.0)
    e = np.exp(f.A3)
    np.testing.assert_allclose(f.Y, e / e.sum(), rtol=1e-14)


def test_linear_stack_collapses_to_one_affine_map() -> None:
    net = init_network()
    w, b = collapse_linear(net)
    assert w.shape == (2, 2) and b.shape == (2,)
    x = np.random.default_rng(0).normal(size=(50, 2))
    np.testing.assert_allclose(forward(net, x, hidden="identity").Y, x @ w + b, rtol=1e-13)
    with pytest.raises(AssertionError):  # with the sigmoid it is not affine
        np.testing.assert_allclose(forward(net, x).Y, x @ w + b, rtol=1e-3)


def test_layer_gives_input_sum_and_output() -> None:
    f = forward(init_network(), BOOK_X)
    inputs, sums, out = f.layer(2)
    assert inputs is f.Z1 and sums is f.A2 and out is f.Z2
