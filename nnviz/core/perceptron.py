"""Perceptrons as logic gates (the book's ch. 2, the slides 004's sigmoid neurons) and XOR as two layers.

A perceptron fires when w·x + b > 0: its output is step(w·x + b) (step(0) = 0, as in the book), or
σ(w·x + b) for the slides' smooth neuron. The book's gates return the ints 0 and 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from nnviz.core.functions import sigmoid, step

Array = np.ndarray
Output = Literal["step", "sigmoid"]
INPUTS = ((0, 0), (1, 0), (0, 1), (1, 1))
"""The four inputs of a two-input gate, in the order the book's tests print them."""


@dataclass(frozen=True)
class Gate:
    """A one-neuron gate: weights (w1, w2) and bias b."""

    w: tuple[float, float]
    b: float


BOOK_GATES: dict[str, Gate] = {
    "and": Gate((0.5, 0.5), -0.7),
    "nand": Gate((-0.5, -0.5), 0.7),
    "or": Gate((0.5, 0.5), -0.2),
}
"""The book's ch. 2 gates in bias form."""
SIGMOID_GATES: dict[str, Gate] = {
    "or": Gate((20.0, 20.0), -10.0),
    "nand": Gate((-10.0, -10.0), 14.0),
    "and": Gate((20.0, 20.0), -30.0),
}
"""The slides 004's sigmoid neurons σ(w1 x1 + w2 x2 + b); the slides never give AND, (20, 20, −30) works."""
TRUTH: dict[str, tuple[int, int, int, int]] = {
    "and": (0, 0, 0, 1),
    "nand": (1, 1, 1, 0),
    "or": (0, 1, 1, 1),
    "xor": (0, 1, 1, 0),
}
"""Each gate's output on `INPUTS`."""
OUTPUTS: dict[str, Callable[[Array], Array]] = {"step": step, "sigmoid": sigmoid}


def perceptron(x: Array | tuple[float, ...], w: Array | tuple[float, ...], b: float,
               output: Output = "step") -> Array:
    """f(x·w + b) with f the step (fires above 0) or the sigmoid; x is one input or a batch of rows."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    return OUTPUTS[output](x @ w + b)


def _book_gate(name: str, x1: float, x2: float) -> int:
    """The book's gate: 0 while w·x + b ≤ 0, else 1."""
    gate = BOOK_GATES[name]
    return int(perceptron((x1, x2), gate.w, gate.b))


def AND(x1: float, x2: float) -> int:  # noqa: N802 - the book's name
    return _book_gate("and", x1, x2)


def NAND(x1: float, x2: float) -> int:  # noqa: N802
    return _book_gate("nand", x1, x2)


def OR(x1: float, x2: float) -> int:  # noqa: N802
    return _book_gate("or", x1, x2)


def XOR(x1: float, x2: float) -> int:  # noqa: N802
    """Two layers: s1 = NAND(x), s2 = OR(x), then AND(s1, s2)."""
    return AND(NAND(x1, x2), OR(x1, x2))


BOOK_FUNCTIONS: dict[str, Callable[[float, float], int]] = {"and": AND, "nand": NAND, "or": OR, "xor": XOR}


def truth_table(gate: Callable[[float, float], float]) -> tuple[float, ...]:
    """A two-input function's output on `INPUTS`."""
    return tuple(gate(x1, x2) for x1, x2 in INPUTS)


@dataclass(frozen=True)
class TwoLayers:
    """XOR through a hidden layer: the inputs, the hidden outputs (s1, s2) = (NAND, OR) and y = AND(s)."""

    x: Array
    hidden: Array
    y: Array


def xor_two_layers(gates: dict[str, Gate] = BOOK_GATES, output: Output = "step") -> TwoLayers:
    """The four inputs through NAND and OR, then AND of their outputs (step or sigmoid neurons)."""
    x = np.array(INPUTS, dtype=np.float64)
    s = np.column_stack([perceptron(x, gates[g].w, gates[g].b, output) for g in ("nand", "or")])
    return TwoLayers(x, s, perceptron(s, gates["and"].w, gates["and"].b, output))


def correct_on(w: tuple[float, float], b: float, targets: tuple[int, ...]) -> Array:
    """Which of `INPUTS` the step neuron (w, b) gets right against `targets`."""
    return perceptron(np.array(INPUTS, dtype=np.float64), w, b) == np.asarray(targets)


def best_line(targets: tuple[int, ...], span: float = 2.0, steps: int = 41) -> int:
    """The most of the four points any line w1 x1 + w2 x2 + b = 0 on a grid of (w1, w2, b) in
    [−span, span]³ gets right: 4 for AND, OR and NAND, only 3 for XOR."""
    grid = np.linspace(-span, span, steps)
    w1, w2, b = (a.ravel() for a in np.meshgrid(grid, grid, grid, indexing="ij"))
    x = np.array(INPUTS, dtype=np.float64)
    fired = (np.outer(w1, x[:, 0]) + np.outer(w2, x[:, 1]) + b[:, None]) > 0
    return int((fired == np.asarray(targets, dtype=bool)).sum(axis=1).max())


def matches(w: tuple[float, float], b: float) -> str | None:
    """The name of the gate the step neuron (w, b) computes, if it is one of `TRUTH`'s."""
    table = tuple(int(v) for v in perceptron(np.array(INPUTS, dtype=np.float64), w, b))
    return next((name for name, truth in TRUTH.items() if truth == table), None)

