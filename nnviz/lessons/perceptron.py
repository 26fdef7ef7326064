"""What the Perceptrons page computes: one neuron's output over the plane with its decision line and
truth table, XOR's two-layer solution, the book's forward pass traced, and the linear collapse."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from nnviz.core import perceptron as core
from nnviz.core.forward import ForwardPass, OutputKind, collapse_linear, forward, init_network
from nnviz.lessons.frozen import read_only

Array = np.ndarray
GATE_GRID = 41
GATE_PLANE = (-0.5, 1.5)
"""The unit square's corners with a margin: the four inputs of a gate sit well inside."""
COLLAPSE_GRID = 41
COLLAPSE_PLANE = (-6.0, 6.0)
LINE_SEARCH = (2.0, 41)
"""best_line's grid: (w1, w2, b) in [−2, 2]³ in 41 steps each, 68 921 lines."""


@dataclass(frozen=True)
class NeuronMap:
    """A neuron over a square: the grid, its output there, the four inputs' sums and outputs, its line."""

    axis: Array
    z: Array
    sums: Array
    outputs: Array
    line: Array | None


def decision_line(w: tuple[float, float], b: float, lo: float, hi: float) -> Array | None:
    """Two points (2, 2) of w1 x1 + w2 x2 + b = 0 spanning the square [lo, hi]², or None without a line."""
    w1, w2 = w
    if w1 == 0 and w2 == 0:
        return None
    t = np.array([lo, hi], dtype=np.float64)
    if abs(w2) >= abs(w1):
        return np.column_stack([t, -(b + w1 * t) / w2])
    return np.column_stack([-(b + w2 * t) / w1, t])


def _neuron_map(w: tuple[float, float], b: float, output: core.Output, points: Array,
                plane: tuple[float, float]) -> NeuronMap:
    axis = np.linspace(*plane, GATE_GRID)
    g1, g2 = np.meshgrid(axis, axis)  # rows follow x2
    z = core.perceptron(np.column_stack([g1.ravel(), g2.ravel()]), w, b, output).reshape(g1.shape)
    sums = points @ np.asarray(w, dtype=np.float64) + b
    return NeuronMap(axis, z, sums, core.perceptron(points, w, b, output), decision_line(w, b, *plane))


@lru_cache(maxsize=1)
def inputs() -> Array:
    """The four inputs of a gate as rows (4, 2)."""
    return read_only(np.array(core.INPUTS, dtype=np.float64))


@lru_cache(maxsize=256)
def gate(w: tuple[float, float], b: float, output: core.Output) -> NeuronMap:
    """One neuron (w, b) over the plane around the unit square, and on the four inputs."""
    return read_only(_neuron_map(w, b, output, inputs(), GATE_PLANE))


def gate_name(w: tuple[float, float], b: float) -> str | None:
    """Which of AND, NAND, OR (or XOR) the step neuron computes."""
    return core.matches(w, b)


@lru_cache(maxsize=256)
def xor_try(w: tuple[float, float], b: float) -> int:
    """How many of XOR's four points the step neuron (w, b) gets right."""
    return int(core.correct_on(w, b, core.TRUTH["xor"]).sum())


@lru_cache(maxsize=1)
def best_xor_line() -> int:
    """The most XOR points any line of `LINE_SEARCH` gets right (3: no line separates XOR)."""
    return core.best_line(core.TRUTH["xor"], *LINE_SEARCH)


@dataclass(frozen=True)
class XorSolution:
    """XOR through NAND and OR (first layer) and AND (second layer), each neuron over its own plane."""

    two: core.TwoLayers
    nand: NeuronMap
    orr: NeuronMap
    andd: NeuronMap


@lru_cache(maxsize=2)
def xor_solution(output: core.Output) -> XorSolution:
    """The book's gates (step) or the slides' sigmoid neurons (sigmoid), layer by layer."""
    gates = core.BOOK_GATES if output == "step" else core.SIGMOID_GATES
    two = core.xor_two_layers(gates, output)
    maps = [_neuron_map(gates[g].w, gates[g].b, output, pts, GATE_PLANE)
            for g, pts in (("nand", inputs()), ("or", inputs()), ("and", two.hidden))]
    return read_only(XorSolution(two, *maps))


@lru_cache(maxsize=256)
def traced(x: tuple[float, float], output: OutputKind) -> ForwardPass:
    """The book's network on x, every intermediate kept."""
    return read_only(forward(init_network(), x, output))


@lru_cache(maxsize=1)
def book_network() -> dict[str, Array]:
    """The book's weights, shared read-only."""
    return read_only(init_network())


@dataclass(frozen=True)
class Collapse:
    """The stack without activations equals x·W + b; its output and the sigmoid stack's over a plane."""

    W: Array
    b: Array
    linear: ForwardPass
    direct: Array
    axis: Array
    linear_map: Array
    sigmoid_map: Array


@lru_cache(maxsize=256)
def collapse(x: tuple[float, float]) -> Collapse:
    """W = W1 W2 W3 and b = (b1 W2 + b2) W3 + b3, checked on x, and y₁ over the plane both ways."""
    net = init_network()
    w, b = collapse_linear(net)
    axis = np.linspace(*COLLAPSE_PLANE, COLLAPSE_GRID)
    g1, g2 = np.meshgrid(axis, axis)
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    linear_map = forward(net, grid, hidden="identity").Y[:, 0].reshape(g1.shape)
    sigmoid_map = forward(net, grid).Y[:, 0].reshape(g1.shape)
    point = np.asarray(x, dtype=np.float64)
    return read_only(Collapse(w, b, forward(net, point, hidden="identity"), point @ w + b, axis,
                              linear_map, sigmoid_map))
