"""The book's ch. 3 three-layer network as data: `init_network()` and `forward(network, x)`.

Row vectors, as in the book: A1 = x·W1 + b1, Z1 = σ(A1), A2 = Z1·W2 + b2, Z2 = σ(A2),
A3 = Z2·W3 + b3, Y = identity(A3) (or softmax(A3) for a classifier).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from nnviz.core.functions import ACTIVATIONS, softmax

Array = np.ndarray
Network = dict[str, Array]
OutputKind = Literal["identity", "softmax"]
LAYERS = 3
BOOK_X = (1.0, 0.5)


def init_network() -> Network:
    """The book's weights and biases: 2 inputs → 3 → 2 → 2 outputs."""
    return {
        "W1": np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]),
        "b1": np.array([0.1, 0.2, 0.3]),
        "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]),
        "b2": np.array([0.1, 0.2]),
        "W3": np.array([[0.1, 0.3], [0.2, 0.4]]),
        "b3": np.array([0.1, 0.2]),
    }


@dataclass(frozen=True)
class ForwardPass:
    """Every intermediate of one forward pass: the sums A1, A2, A3, the activations Z1, Z2, the output Y."""

    x: Array
    A1: Array
    Z1: Array
    A2: Array
    Z2: Array
    A3: Array
    Y: Array

    def layer(self, i: int) -> tuple[Array, Array, Array]:
        """Layer i's input, weighted sum plus bias, and output (1-based)."""
        inputs = (self.x, self.Z1, self.Z2)[i - 1]
        return inputs, (self.A1, self.A2, self.A3)[i - 1], (self.Z1, self.Z2, self.Y)[i - 1]


def forward(network: Network, x: Array | tuple[float, ...], output: OutputKind = "identity",
            hidden: str = "sigmoid") -> ForwardPass:
    """The book's `forward`, keeping every step; `hidden` names the hidden activation
    (nnviz.core.functions; "identity" leaves the stack linear)."""
    h = ACTIVATIONS[hidden].f
    x = np.asarray(x, dtype=np.float64)
    a1 = x @ network["W1"] + network["b1"]
    z1 = h(a1)
    a2 = z1 @ network["W2"] + network["b2"]
    z2 = h(a2)
    a3 = z2 @ network["W3"] + network["b3"]
    y = softmax(a3) if output == "softmax" else ACTIVATIONS["identity"].f(a3)
    return ForwardPass(x, a1, z1, a2, z2, a3, y)


def collapse_linear(network: Network) -> tuple[Array, Array]:
    """The one affine map (W, b) equal to the stack without activations:
    W = W1 W2 W3, b = (b1 W2 + b2) W3 + b3."""
    w, b = network["W1"], network["b1"]
    for i in range(2, LAYERS + 1):
        w, b = w @ network[f"W{i}"], b @ network[f"W{i}"] + network[f"b{i}"]
    return w, b
