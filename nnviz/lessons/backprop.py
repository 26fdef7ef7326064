"""What the Backpropagation page computes: a formula's graph run forward and backward with the trace
of both passes, the book's shopping graph (also through its MulLayer/AddLayer code), each variable's
gradient beside SymPy's derivative and a central difference, each layer's live example, deck 002's
network by hand, the book's gradient check on its MNIST net, and gradient sizes through deep stacks."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from nnviz.core.expr import Expression, parse
from nnviz.core.gradient import numerical_gradient
from nnviz.core.graph import Edge, Node, Step, graph_from_expression
from nnviz.core.layers import AddLayer, Affine, MulLayer, Relu, Sigmoid, SoftmaxWithLoss
from nnviz.core.net import MultiLayerNet, TwoLayerNet
from nnviz.lessons.frozen import read_only

SHOPPING = "(apple*apple_num + orange*orange_num)*tax"
SHOPPING_VARIABLES = ("apple", "apple_num", "orange", "orange_num", "tax")
SHOPPING_DEFAULTS = (100.0, 2.0, 150.0, 3.0, 1.1)
FORMULA_VARIABLES = ("x", "y", "z")
CENTRAL_H = 1e-5
Agreement = Literal["agree", "kink", "undefined", "differ", "no_symbolic"]


@dataclass(frozen=True)
class GraphRun:
    """A formula's graph after one forward and one backward pass (every field is read-only)."""

    text: str
    variables: tuple[str, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    depths: tuple[int, ...]
    output: int
    values: tuple[float, ...]
    gradients: tuple[float, ...]
    steps: tuple[Step, ...]
    variable_gradients: tuple[tuple[str, float], ...]
    kinks: tuple[int, ...]

    @property
    def result(self) -> float:
        return self.values[self.output]

    def used(self) -> tuple[str, ...]:
        """The variables that appear in the formula, in the order of ``variables``."""
        present = {n.name for n in self.nodes if n.op == "var"}
        return tuple(v for v in self.variables if v in present)


@lru_cache(maxsize=256)
def run_graph(text: str, variables: tuple[str, ...], values: tuple[float, ...]) -> GraphRun:
    """Build the graph of ``text`` (ExpressionError if it does not parse), run it at ``values``
    (one per variable, in order) forward and backward, and keep what the page draws."""
    graph = graph_from_expression(text, variables)
    forward = graph.forward(dict(zip(variables, values)))
    backward = graph.backward()
    return GraphRun(text, variables, graph.nodes, graph.edges, graph.depths(), graph.output, forward.values,
                    backward.gradients, graph.trace(), tuple(backward.variables.items()), graph.kinks())


def shopping(apple: float, apple_num: float, orange: float, orange_num: float, tax: float) -> GraphRun:
    """The book's shopping graph (§5.4) at these prices, counts and tax."""
    return run_graph(SHOPPING, SHOPPING_VARIABLES, (apple, apple_num, orange, orange_num, tax))


def shopping_by_layers(apple: float, apple_num: float, orange: float, orange_num: float,
                       tax: float) -> tuple[float, dict[str, float]]:
    """The same shopping bill with the book's MulLayer and AddLayer: the total and its five gradients."""
    mul_apple, mul_orange, add_fruit, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    apples = mul_apple.forward(apple, apple_num)
    oranges = mul_orange.forward(orange, orange_num)
    total = mul_tax.forward(add_fruit.forward(apples, oranges), tax)
    d_fruit, d_tax = mul_tax.backward(1.0)
    d_apples, d_oranges = add_fruit.backward(d_fruit)
    d_apple, d_apple_num = mul_apple.backward(d_apples)
    d_orange, d_orange_num = mul_orange.backward(d_oranges)
    grads = (d_apple, d_apple_num, d_orange, d_orange_num, d_tax)
    return float(total), {name: float(g) for name, g in zip(SHOPPING_VARIABLES, grads)}


@dataclass(frozen=True)
class GradientCheck:
    """One variable's ∂f/∂v three ways, and whether they agree (else why not)."""

    variable: str
    backprop: float
    symbolic: float | None  # None: SymPy could not evaluate its derivative
    numeric: float
    verdict: Agreement


def _symbolic(expr: Expression, name: str, values: tuple[float, ...]) -> float | None:
    """SymPy's ∂f/∂name at ``values``; None where SymPy cannot evaluate its derivative (lambdify
    raising TypeError or ValueError, as it once did for a Heaviside of an infinite argument)."""
    try:
        return float(expr.diff(name)(*values))
    except (TypeError, ValueError):
        return None


def _verdict(backprop: float, symbolic: float | None, numeric: float, on_kink: bool) -> Agreement:
    if symbolic is None:
        return "no_symbolic"
    if not all(math.isfinite(v) for v in (backprop, symbolic, numeric)):
        return "undefined"
    close = math.isclose(backprop, symbolic, rel_tol=1e-9, abs_tol=1e-12)
    if close and math.isclose(backprop, numeric, rel_tol=1e-4, abs_tol=1e-6):
        return "agree"
    return "kink" if on_kink else "differ"


@lru_cache(maxsize=256)
def check_gradients(text: str, variables: tuple[str, ...], values: tuple[float, ...]) -> tuple[GradientCheck, ...]:
    """Backprop's gradient of every used variable against SymPy's derivative and a central difference."""
    run = run_graph(text, variables, values)
    expr = parse(text, variables)
    grads = dict(run.variable_gradients)
    rows = []
    for k, name in enumerate(variables):
        if name not in run.used():
            continue
        symbolic = _symbolic(expr, name, values)
        plus, minus = list(values), list(values)
        plus[k] += CENTRAL_H
        minus[k] -= CENTRAL_H
        numeric = float((expr(*plus) - expr(*minus)) / (2 * CENTRAL_H))
        rows.append(GradientCheck(name, grads[name], symbolic, numeric,
                                  _verdict(grads[name], symbolic, numeric, bool(run.kinks))))
    return tuple(rows)


LAYERS = ("mul", "add", "relu", "sigmoid", "affine", "softmax")
LAYER_RULES: dict[str, tuple[str, str]] = {
    "mul": (r"\text{out} = x \odot y",
            r"\frac{\partial L}{\partial x} = \text{dout} \odot y,\quad \frac{\partial L}{\partial y} = \text{dout} \odot x"),
    "add": (r"\text{out} = x + y", r"\frac{\partial L}{\partial x} = \frac{\partial L}{\partial y} = \text{dout}"),
    "relu": (r"y = \max(0, x)", r"\frac{\partial L}{\partial x} = \text{dout} \odot [x > 0]"),
    "sigmoid": (r"y = \frac{1}{1 + e^{-x}}", r"\frac{\partial L}{\partial x} = \text{dout} \odot y \odot (1 - y)"),
    "affine": (r"Y = X W + b",
               (r"\frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y} W^{\top},\quad "
                r"\frac{\partial L}{\partial W} = X^{\top} \frac{\partial L}{\partial Y},\quad "
                r"\frac{\partial L}{\partial b} = \sum_{n=1}^{N} \frac{\partial L}{\partial Y_{n}}")),
    "softmax": (r"y = \operatorname{softmax}(a),\quad L = -\frac{1}{N} \sum_{n} \sum_{k} t_{nk} \log y_{nk}",
                r"\frac{\partial L}{\partial a} = \frac{y - t}{N}"),
}
"""Each layer's forward and backward rule in LaTeX, as the page prints them."""


@dataclass(frozen=True)
class Named:
    """An array with the name the page prints it under (LaTeX)."""

    name: str
    value: np.ndarray


@dataclass(frozen=True)
class LayerExample:
    """One layer on a small batch: its inputs, output and upstream gradient, backprop's gradients and
    the central differences of L = Σ out ⊙ dout (or of the loss itself for softmax-with-loss)."""

    kind: str
    inputs: tuple[Named, ...]
    output: Named
    upstream: Named | None
    grads: tuple[Named, ...]
    numeric: tuple[np.ndarray, ...]

    def errors(self) -> tuple[float, ...]:
        """max |backprop − numeric| for each gradient."""
        return tuple(float(np.max(np.abs(g.value - n))) for g, n in zip(self.grads, self.numeric))


def _small(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Values with one decimal, never exactly 0 (ReLU's kink would make the check disagree)."""
    x = np.round(rng.normal(size=shape), 1)
    return np.where(x == 0, 0.1, x)


def _layer_arrays(kind: str, batch: int, seed: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The layer's inputs by name and the upstream gradient (for softmax: the one-hot labels)."""
    rng = np.random.default_rng(seed)
    if kind in ("mul", "add"):
        return {"x": _small(rng, batch, 3), "y": _small(rng, batch, 3)}, _small(rng, batch, 3)
    if kind in ("relu", "sigmoid"):
        return {"x": _small(rng, batch, 4)}, _small(rng, batch, 4)
    if kind == "affine":
        return {"X": _small(rng, batch, 2), "W": _small(rng, 2, 3), "b": _small(rng, 3)}, _small(rng, batch, 3)
    return {"a": _small(rng, batch, 3) * 2}, np.eye(3)[rng.integers(0, 3, size=batch)]


def layer_pass(kind: str, arrays: dict[str, np.ndarray], dout: np.ndarray,
               db_is_one: bool = False) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """Forward and backward through the core layer ``kind``: its output and the gradients of its inputs.

    ``db_is_one`` replaces the Affine bias gradient by the notes' wrong ∂L/∂b = 1.
    """
    if kind in ("mul", "add"):
        layer = MulLayer() if kind == "mul" else AddLayer()
        out = layer.forward(arrays["x"], arrays["y"])
        return np.asarray(out), tuple(np.asarray(g) for g in layer.backward(dout))
    if kind in ("relu", "sigmoid"):
        layer = Relu() if kind == "relu" else Sigmoid()
        return layer.forward(arrays["x"]), (layer.backward(dout),)
    if kind == "affine":
        affine = Affine(arrays["W"], arrays["b"])
        out = affine.forward(arrays["X"])
        dx = affine.backward(dout)
        db = np.ones_like(affine.db) if db_is_one else affine.db
        return out, (dx, affine.dW, db)
    loss = SoftmaxWithLoss()
    value = loss.forward(arrays["a"], dout)
    return np.array(value), (loss.backward(1.0),)


def _objective(kind: str, arrays: dict[str, np.ndarray], dout: np.ndarray) -> float:
    out, _ = layer_pass(kind, arrays, dout)
    return float(out) if kind == "softmax" else float(np.sum(out * dout))


@lru_cache(maxsize=128)
def layer_example(kind: str, batch: int, seed: int, db_is_one: bool = False) -> LayerExample:
    """``kind`` (one of LAYERS) on a batch of ``batch`` rows drawn with ``seed``, checked numerically."""
    arrays, dout = _layer_arrays(kind, batch, seed)
    out, grads = layer_pass(kind, arrays, dout, db_is_one)
    numeric = []
    for name in arrays:
        def scalar(value: np.ndarray, name: str = name) -> float:
            return _objective(kind, {**arrays, name: value}, dout)
        numeric.append(numerical_gradient(scalar, arrays[name], h=CENTRAL_H))
    inputs = tuple(Named(n, v) for n, v in arrays.items())
    grad_names = [rf"\partial L / \partial {n}" for n in arrays]
    upstream = Named("t", dout) if kind == "softmax" else Named(r"\text{dout}", dout)
    output = Named("L" if kind == "softmax" else ("Y" if kind == "affine" else "out"), out)
    example = LayerExample(kind, inputs, output, upstream, tuple(Named(n, g) for n, g in zip(grad_names, grads)),
                           tuple(numeric))
    return read_only(example)


HAND_DEFAULTS = {"i1": 0.05, "i2": 0.10, "w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30, "w5": 0.40, "w6": 0.45,
                 "w7": 0.50, "w8": 0.55, "b1": 0.35, "b2": 0.60, "t1": 0.01, "t2": 0.99, "eta": 0.5}
"""Deck 002's 2-2-2 sigmoid network: h1 = σ(w1 i1 + w2 i2 + b1), h2 = σ(w3 i1 + w4 i2 + b1),
o1 = σ(w5 h1 + w6 h2 + b2), o2 = σ(w7 h1 + w8 h2 + b2); E = ½ Σ (t − o)²; biases stay fixed."""
WEIGHTS = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8")


@dataclass(frozen=True)
class HandNetwork:
    """Every number of one forward pass, backward pass and SGD step of the 2-2-2 network."""

    net_hidden: np.ndarray  # net_h1, net_h2
    out_hidden: np.ndarray  # out_h1, out_h2
    net_output: np.ndarray
    out_output: np.ndarray
    errors: np.ndarray  # E_o1, E_o2
    total_error: float
    delta_output: np.ndarray  # ∂E/∂net_o = (o − t) · o(1 − o)
    delta_hidden: np.ndarray  # ∂E/∂net_h = Σ_o δ_o w · h(1 − h)
    weight_grads: dict[str, float]  # ∂E/∂w1 … ∂E/∂w8
    updated: dict[str, float]  # w − η ∂E/∂w
    total_after: float  # E after the step


def _hand_matrices(v: dict[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """W1 (inputs × hidden), b1, W2 (hidden × outputs), b2 with the deck's numbering of the weights."""
    w1 = np.array([[v["w1"], v["w3"]], [v["w2"], v["w4"]]])
    w2 = np.array([[v["w5"], v["w7"]], [v["w6"], v["w8"]]])
    return w1, np.full(2, v["b1"]), w2, np.full(2, v["b2"])


def _hand_forward(v: dict[str, float]) -> tuple[list, np.ndarray, np.ndarray, float]:
    """The four core layers (Affine, Sigmoid, Affine, Sigmoid), their net and out values and E."""
    w1, b1, w2, b2 = _hand_matrices(v)
    layers = [Affine(w1, b1), Sigmoid(), Affine(w2, b2), Sigmoid()]
    x = np.array([[v["i1"], v["i2"]]])
    values = []
    for layer in layers:
        x = layer.forward(x)
        values.append(x[0])
    target = np.array([v["t1"], v["t2"]])
    return layers, np.array(values), target, float(0.5 * np.sum((target - x[0]) ** 2))


@lru_cache(maxsize=256)
def hand_network(values: tuple[tuple[str, float], ...]) -> HandNetwork:
    """Forward, backward (the chain rule through the core layers) and one step of gradient descent.

    ``values``: (name, value) pairs for every key of HAND_DEFAULTS (missing ones take the default).
    """
    v = {**HAND_DEFAULTS, **dict(values)}
    layers, (net_h, out_h, net_o, out_o), target, total = _hand_forward(v)
    d_out = (out_o - target)[None, :]  # ∂E/∂out_o for E = ½ Σ (t − o)²
    delta_o = layers[3].backward(d_out)
    delta_h = layers[1].backward(layers[2].backward(delta_o))
    layers[0].backward(delta_h)
    dw1, dw2 = layers[0].dW, layers[2].dW
    grads = dict(zip(WEIGHTS, (dw1[0, 0], dw1[1, 0], dw1[0, 1], dw1[1, 1], dw2[0, 0], dw2[1, 0], dw2[0, 1], dw2[1, 1])))
    grads = {k: float(g) for k, g in grads.items()}
    updated = {k: v[k] - v["eta"] * grads[k] for k in WEIGHTS}
    after = _hand_forward({**v, **updated})[3]
    return read_only(HandNetwork(net_h, out_h, net_o, out_o, 0.5 * (target - out_o) ** 2, total, delta_o[0],
                                 delta_h[0], grads, updated, after))


def hand_steps(net: HandNetwork) -> tuple[tuple[str, str, float], ...]:
    """Every number of the worked example in the order it is computed: (quantity, formula, value)."""
    rows: list[tuple[str, str, float]] = []
    for k, (a, b) in enumerate((("w1", "w2"), ("w3", "w4"))):
        rows.append((f"net_h{k + 1}", f"{a}·i1 + {b}·i2 + b1", net.net_hidden[k]))
        rows.append((f"out_h{k + 1}", f"σ(net_h{k + 1})", net.out_hidden[k]))
    for k, (a, b) in enumerate((("w5", "w6"), ("w7", "w8"))):
        rows.append((f"net_o{k + 1}", f"{a}·out_h1 + {b}·out_h2 + b2", net.net_output[k]))
        rows.append((f"out_o{k + 1}", f"σ(net_o{k + 1})", net.out_output[k]))
    rows += [(f"E_o{k + 1}", f"½(t{k + 1} − out_o{k + 1})²", net.errors[k]) for k in range(2)]
    rows.append(("E_total", "E_o1 + E_o2", net.total_error))
    rows += [(f"δ_o{k + 1}", f"(out_o{k + 1} − t{k + 1})·out_o{k + 1}(1 − out_o{k + 1})", net.delta_output[k])
             for k in range(2)]
    for w, (o, h) in zip(WEIGHTS[4:], ((1, 1), (1, 2), (2, 1), (2, 2))):
        rows.append((f"∂E/∂{w}", f"δ_o{o}·out_h{h}", net.weight_grads[w]))
    for k, (a, b) in enumerate((("w5", "w7"), ("w6", "w8"))):
        rows.append((f"δ_h{k + 1}", f"(δ_o1·{a} + δ_o2·{b})·out_h{k + 1}(1 − out_h{k + 1})", net.delta_hidden[k]))
    for w, (h, i) in zip(WEIGHTS[:4], ((1, 1), (1, 2), (2, 1), (2, 2))):
        rows.append((f"∂E/∂{w}", f"δ_h{h}·i{i}", net.weight_grads[w]))
    rows += [(f"{w}⁺", f"{w} − η·∂E/∂{w}", net.updated[w]) for w in WEIGHTS]
    rows.append(("E_total⁺", "E_total with w⁺", net.total_after))
    return tuple((name, formula, float(value)) for name, formula, value in rows)


BUGS = ("none", "db_one", "no_mean", "no_mask")
"""Backward passes to check: right, the notes' ∂L/∂b = 1, softmax's (y − t) without /N, ReLU without its mask."""
CHECK_IMAGES = 3
CHECK_W1_SAMPLE = 1000
"""W1 has 39 200 entries; the numerical check samples this many of them (every other array in full)."""
PARAMETERS = ("W1", "b1", "W2", "b2")
_CHECK_LOCK = threading.Lock()


@dataclass(frozen=True)
class ArrayCheck:
    """One parameter array: backprop against central differences on the entries checked."""

    name: str
    shape: tuple[int, ...]
    checked: int
    mean_abs_diff: float  # the book's gradient_check number
    relative_error: float  # ‖g − n‖ / (‖g‖ + ‖n‖) on the checked entries


@dataclass(frozen=True)
class NetCheck:
    arrays: tuple[ArrayCheck, ...]
    parameters: int
    numeric_passes: int  # forward passes a full numerical gradient needs: two per parameter
    sampled_passes: int  # forward passes this check made


@lru_cache(maxsize=4)
def _check_setup(load: Callable[..., Any]) -> tuple[TwoLayerNet, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The book's 784-50-10 net (float64, seed 0), its first three training images, and which entries to check."""
    ((x, t), _), _ = load(normalize=True, one_hot_label=True)
    net = TwoLayerNet(seed=0, dtype=np.float64)
    rng = np.random.default_rng(0)
    picks = {k: np.arange(p.size) for k, p in net.params.items()}
    picks["W1"] = np.sort(rng.choice(net.params["W1"].size, CHECK_W1_SAMPLE, replace=False))
    return net, np.asarray(x[:CHECK_IMAGES], dtype=np.float64), np.asarray(t[:CHECK_IMAGES]), picks


def buggy_gradient(net: TwoLayerNet, x: np.ndarray, t: np.ndarray, bug: str) -> dict[str, np.ndarray]:
    """The net's backward pass layer by layer (as TwoLayerNet.gradient), with ``bug`` (one of BUGS) put in."""
    net.loss(x, t)
    dout = net.last_layer.backward(1.0)
    if bug == "no_mean":
        dout = dout * len(x)
    dout = net.layers["Affine2"].backward(dout)
    if bug != "no_mask":
        dout = net.layers["Relu1"].backward(dout)
    net.layers["Affine1"].backward(dout)
    grads = {}
    for i in (1, 2):
        affine = net.layers[f"Affine{i}"]
        grads[f"W{i}"] = affine.dW.copy()
        grads[f"b{i}"] = np.ones_like(affine.db) if bug == "db_one" else affine.db.copy()
    return grads


@lru_cache(maxsize=4)
def _numeric_entries(load: Callable[..., Any]) -> dict[str, np.ndarray]:
    """Central differences of the loss (h = 1e-4) at the checked entries of every parameter array."""
    net, x, t, picks = _check_setup(load)
    h = 1e-4
    result = {}
    for key, p in net.params.items():
        flat = p.reshape(-1)
        values = np.empty(len(picks[key]))
        for j, idx in enumerate(picks[key]):
            old = flat[idx]
            flat[idx] = old + h
            plus = net.loss(x, t)
            flat[idx] = old - h
            minus = net.loss(x, t)
            flat[idx] = old
            values[j] = (plus - minus) / (2 * h)
        result[key] = values
    return result


@lru_cache(maxsize=8)
def gradient_check(load: Callable[..., Any], bug: str = "none") -> NetCheck:
    """The book's gradient check on its two-layer MNIST net; ``load`` is the data loader (nnviz.data)."""
    with _CHECK_LOCK:  # one net is shared: its layers keep state and the numerical check perturbs its weights
        net, x, t, picks = _check_setup(load)
        numeric = _numeric_entries(load)
        grads = buggy_gradient(net, x, t, bug)
    arrays = []
    for key in PARAMETERS:
        g, n = grads[key].reshape(-1)[picks[key]], numeric[key]
        rel = float(np.linalg.norm(g - n) / max(np.linalg.norm(g) + np.linalg.norm(n), 1e-300))
        arrays.append(ArrayCheck(key, net.params[key].shape, len(n), float(np.mean(np.abs(g - n))), rel))
    count = sum(p.size for p in net.params.values())
    return NetCheck(tuple(arrays), count, 2 * count, 2 * sum(len(v) for v in picks.values()))


DEEP_ACTIVATIONS = ("sigmoid", "tanh", "relu")
DEEP_INITS = {"xavier": "xavier", "he": "he", "std001": 0.01, "std1": 1.0}
"""The weight scales offered, as MultiLayerNet's weight_init_std (the book's names and two fixed stds)."""
DEEP_WIDTH = 100
DEEP_BATCH = 100


def first_to_last(sizes: np.ndarray) -> float:
    """How much of the gradient's size reaches the first layer: size there ÷ size at the last (NaN if 0)."""
    return float(sizes[0] / sizes[-1]) if sizes[-1] > 0 else math.nan


@lru_cache(maxsize=256)
def gradient_through_layers(activation: str, depth: int, init: str, seed: int = 0) -> np.ndarray:
    """RMS of ∂L/∂W for each of the depth + 1 Affine layers (input side first) of a MultiLayerNet with
    ``depth`` hidden layers of 100 units, after one backward pass on 100 random inputs and labels."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(DEEP_BATCH, DEEP_WIDTH))
    t = rng.integers(0, 10, size=DEEP_BATCH)
    net = MultiLayerNet(DEEP_WIDTH, [DEEP_WIDTH] * depth, 10, activation, DEEP_INITS[init], seed=seed,
                        dtype=np.float64)
    net.loss_and_gradient(x, t)
    return read_only(np.array([s.grad_rms for s in net.layer_stats()]))
