"""Symmetry demo: why equal initial weights never become different.

A 2-H-1 network (tanh hidden layer, linear output, biases starting at 0) learns XOR by
plain gradient descent on loss = (1/2N) Σ (y - t)². With constant weights every hidden
unit computes the same thing and gets the same update, so the hidden units stay clones.
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

XOR_X: Array = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_T: Array = np.array([[0.0], [1.0], [1.0], [0.0]])


@dataclass(frozen=True)
class SymmetryDemo:
    """Weights at steps 0..steps: hidden rows (steps+1, H, 2), output weights (steps+1, H), loss."""

    init: str
    x: Array
    t: Array
    hidden_weights: Array
    output_weights: Array
    loss: Array


def symmetry_demo(
    init: Literal["constant", "random"] = "constant",
    *,
    steps: int = 20,
    lr: float = 0.5,
    hidden: int = 4,
    value: float = 0.5,
    std: float = 1.0,
    seed: int = 0,
) -> SymmetryDemo:
    """Train on XOR from constant (all weights `value`) or random (N(0, std²), seeded) weights.

    Row j of `hidden_weights[k]` holds the incoming weights of hidden unit j after k steps.
    """
    if init == "constant":
        w1 = np.full((2, hidden), value)
        w2 = np.full((hidden, 1), value)
    elif init == "random":
        rng = np.random.default_rng(seed)
        w1 = rng.normal(0.0, std, (2, hidden))
        w2 = rng.normal(0.0, std, (hidden, 1))
    else:
        raise ValueError(f"init must be 'constant' or 'random', got {init!r}")
    if steps < 0 or hidden < 1:
        raise ValueError("steps must be >= 0 and hidden >= 1")
    b1 = np.zeros(hidden)
    b2 = np.zeros(1)
    x, t, n = XOR_X, XOR_T, len(XOR_X)
    hidden_rows, out_weights, losses = [], [], []
    for step in range(steps + 1):
        h = np.tanh(x @ w1 + b1)
        y = h @ w2 + b2
        hidden_rows.append(w1.T.copy())
        out_weights.append(w2[:, 0].copy())
        losses.append(0.5 * np.mean((y - t) ** 2))
        if step == steps:
            break
        dy = (y - t) / n
        dz1 = (dy @ w2.T) * (1 - h * h)
        w2 = w2 - lr * (h.T @ dy)
        b2 = b2 - lr * dy.sum(axis=0)
        w1 = w1 - lr * (x.T @ dz1)
        b1 = b1 - lr * dz1.sum(axis=0)
    return SymmetryDemo(init, x, t, np.array(hidden_rows), np.array(out_weights), np.array(losses))


def hidden_spread(demo: SymmetryDemo) -> Array:
    """Per step, the largest difference between any two hidden units' incoming weights.

    max over units i, j and inputs k of |W[i, k] − W[j, k]|, i.e. max − min per input column,
    maximised over the columns: exactly 0 while the units are clones.
    """
    w = demo.hidden_weights
    return (w.max(axis=1) - w.min(axis=1)).max(axis=1)
