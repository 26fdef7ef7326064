"""What the Backpropagation page computes: a formula's graph run forward and backward with the trace
of both passes, the book's shopping graph (also through its MulLayer/AddLayer code), each variable's
gradient beside SymPy's derivative and a central difference, and each layer's live example."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from nnviz.core.expr import parse
from nnviz.core.graph import Edge, Node, Step, graph_from_expression
from nnviz.core.layers import AddLayer, MulLayer

SHOPPING = "(apple*apple_num + orange*orange_num)*tax"
SHOPPING_VARIABLES = ("apple", "apple_num", "orange", "orange_num", "tax")
SHOPPING_DEFAULTS = (100.0, 2.0, 150.0, 3.0, 1.1)
FORMULA_VARIABLES = ("x", "y", "z")
CENTRAL_H = 1e-5
Agreement = Literal["agree", "kink", "undefined", "differ"]


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
    symbolic: float
    numeric: float
    verdict: Agreement


def _verdict(backprop: float, symbolic: float, numeric: float, on_kink: bool) -> Agreement:
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
        symbolic = float(expr.diff(name)(*values))
        plus, minus = list(values), list(values)
        plus[k] += CENTRAL_H
        minus[k] -= CENTRAL_H
        numeric = float((expr(*plus) - expr(*minus)) / (2 * CENTRAL_H))
        rows.append(GradientCheck(name, grads[name], symbolic, numeric,
                                  _verdict(grads[name], symbolic, numeric, bool(run.kinks))))
    return tuple(rows)


def first_backward_step(run: GraphRun) -> int:
    """Index in ``run.steps`` of the seed ∂f/∂f = 1, where the backward pass starts."""
    return next(k for k, s in enumerate(run.steps) if s.phase == "backward")


def edge_values(run: GraphRun) -> np.ndarray:
    """The value carried forward along each edge: its source node's value."""
    return np.array([run.values[e.source] for e in run.edges])
