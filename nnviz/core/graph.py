"""Computational graphs of typed formulas: a forward pass, a backward pass and the trace of both.

`graph_from_expression(text, variables)` reads the formula with the safe parser
(`nnviz.core.expr.syntax_tree`: the checked syntax tree, nothing is evaluated) and makes one node
per operation as typed — add, sub, mul, div, pow, neg and the parser's functions — over leaves
that are variables and constants. A sub-expression typed twice is one node with several consumers:
its gradient is the sum of what each consumer sends back. A sub-tree without a variable is folded
into one constant.

Local derivatives at kinks follow the rest of nnviz: relu′(0) = 0 (the book's Relu), |·|′(0) = 0,
and max/min send the whole gradient to the first largest/smallest argument (a subgradient, as
NumPy's argmax and the book's pooling layer). SymPy's derivative of max is Heaviside(x − y) with
H(0) = 0, which gives every tied argument 0: at a tie the two disagree, and the page says so.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from nnviz.core.expr import CONSTANTS, ExpressionError, syntax_tree
from nnviz.core.functions import relu, relu_grad, sigmoid

Scalar = np.float64
Args = tuple[Scalar, ...]
Phase = Literal["forward", "backward"]


@dataclass(frozen=True)
class Rule:
    """An operation: its value from its inputs, and ∂value/∂input for each input (given the value)."""

    forward: Callable[[Args], Scalar]
    local: Callable[[Args, Scalar], Args]


def _unary(f: Callable[[Scalar], Scalar], df: Callable[[Scalar, Scalar], Scalar]) -> Rule:
    """A one-input rule from f(a) and f′ written with the input a and the output y."""
    return Rule(lambda a: Scalar(f(a[0])), lambda a, y: (Scalar(df(a[0], y)),))


def _extreme(pick: Callable[[np.ndarray], int]) -> Rule:
    """max or min: the value of the picked argument; the gradient goes to it alone."""
    def local(a: Args, y: Scalar) -> Args:
        if any(np.isnan(v) for v in a):
            return tuple(Scalar(np.nan) for _ in a)
        chosen = pick(np.array(a))
        return tuple(Scalar(i == chosen) for i in range(len(a)))

    return Rule(lambda a: Scalar(np.nan if any(np.isnan(v) for v in a) else a[pick(np.array(a))]), local)


RULES: dict[str, Rule] = {
    "add": Rule(lambda a: a[0] + a[1], lambda a, y: (Scalar(1), Scalar(1))),
    "sub": Rule(lambda a: a[0] - a[1], lambda a, y: (Scalar(1), Scalar(-1))),
    "mul": Rule(lambda a: a[0] * a[1], lambda a, y: (a[1], a[0])),
    "div": Rule(lambda a: a[0] / a[1], lambda a, y: (1 / a[1], -a[0] / (a[1] * a[1]))),
    "pow": Rule(lambda a: a[0] ** a[1], lambda a, y: (a[1] * a[0] ** (a[1] - 1), y * np.log(a[0]))),
    "neg": _unary(lambda a: -a, lambda a, y: -1),
    "exp": _unary(np.exp, lambda a, y: y),
    "log": _unary(np.log, lambda a, y: 1 / a),
    "sqrt": _unary(np.sqrt, lambda a, y: 0.5 / y),
    "abs": _unary(np.abs, lambda a, y: np.sign(a)),
    "sin": _unary(np.sin, lambda a, y: np.cos(a)),
    "cos": _unary(np.cos, lambda a, y: -np.sin(a)),
    "tan": _unary(np.tan, lambda a, y: 1 + y * y),
    "sinh": _unary(np.sinh, lambda a, y: np.cosh(a)),
    "cosh": _unary(np.cosh, lambda a, y: np.sinh(a)),
    "tanh": _unary(np.tanh, lambda a, y: 1 - y * y),
    "erf": _unary(math.erf, lambda a, y: 2 / math.sqrt(math.pi) * np.exp(-a * a)),
    "sigmoid": _unary(sigmoid, lambda a, y: y * (1 - y)),
    "relu": _unary(relu, lambda a, y: relu_grad(a)),
    "max": _extreme(lambda v: int(np.argmax(v))),
    "min": _extreme(lambda v: int(np.argmin(v))),
}
"""Every operation a graph node can be, with its local derivative rule."""
FUNCTION_OPS = {"ln": "log"}
"""Parser function names that are another name of an operation."""
_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
KINKS = frozenset({"relu", "abs", "max", "min"})
"""Operations with points where the two one-sided derivatives differ."""


@dataclass(frozen=True)
class Node:
    """A variable ("var"), a constant ("const") or an operation of RULES over earlier nodes."""

    op: str
    inputs: tuple[int, ...] = ()
    name: str = ""  # a variable's name, or a named constant as typed (pi, e)
    value: float = 0.0  # a constant's value

    @property
    def leaf(self) -> bool:
        return self.op in ("var", "const")


@dataclass(frozen=True)
class Edge:
    """Node ``source`` feeds input number ``slot`` of node ``target``."""

    source: int
    target: int
    slot: int


@dataclass(frozen=True)
class Step:
    """One event of the trace.

    Forward: ``node`` gets ``value``. Backward: the gradient ``value`` = ``upstream`` × ``local``
    travels back along ``edge`` from its target to ``node`` (upstream = ∂f/∂target, local =
    ∂target/∂node), and ``total`` is ∂f/∂node so far; the first backward step is the seed
    ∂f/∂f = 1 at the output (no edge).
    """

    phase: Phase
    node: int
    value: float
    edge: int | None = None
    upstream: float | None = None
    local: float | None = None
    total: float | None = None


@dataclass(frozen=True)
class ForwardPass:
    """The output and every node's value (in node order)."""

    output: float
    values: tuple[float, ...]


@dataclass(frozen=True)
class BackwardPass:
    """∂f/∂node for every node (NaN for constants, which are not differentiated) and ∂f/∂variable."""

    gradients: tuple[float, ...]
    variables: dict[str, float]


class Graph:
    """Nodes in topological order (every input before its consumers), the output node and the variables.

    ``forward(values)`` stores the values, ``backward()`` uses them, as the book's layers do;
    ``trace()`` lists the steps of the last two passes in order.
    """

    def __init__(self, nodes: tuple[Node, ...], output: int, variables: tuple[str, ...]) -> None:
        self.nodes = nodes
        self.output = output
        self.variables = variables
        self.edges = tuple(Edge(i, t, s) for t, node in enumerate(nodes) for s, i in enumerate(node.inputs))
        outgoing: list[list[int]] = [[] for _ in nodes]
        for k, edge in enumerate(self.edges):
            outgoing[edge.source].append(k)
        self.consumers = tuple(tuple(ks) for ks in outgoing)
        self.differentiable = self._depends_on_a_variable()
        self._values: tuple[Scalar, ...] | None = None
        self._forward_steps: tuple[Step, ...] = ()
        self._backward_steps: tuple[Step, ...] = ()

    def _depends_on_a_variable(self) -> tuple[bool, ...]:
        depends: list[bool] = []
        for node in self.nodes:
            depends.append(node.op == "var" or any(depends[i] for i in node.inputs))
        return tuple(depends)

    def variable_node(self, name: str) -> int | None:
        """The node of variable ``name``, None if the formula does not use it."""
        return next((i for i, n in enumerate(self.nodes) if n.op == "var" and n.name == name), None)

    def depths(self) -> tuple[int, ...]:
        """0 for leaves, else 1 + the deepest input: the longest path from a leaf."""
        depth: list[int] = []
        for node in self.nodes:
            depth.append(1 + max(depth[i] for i in node.inputs) if node.inputs else 0)
        return tuple(depth)

    def forward(self, values: Mapping[str, float]) -> ForwardPass:
        """Every node's value in order; undefined points give NaN or ±inf, never a warning."""
        missing = [n.name for n in self.nodes if n.op == "var" and n.name not in values]
        if missing:
            raise KeyError(f"no value for {', '.join(missing)}")
        computed: list[Scalar] = []
        with np.errstate(all="ignore"):
            for node in self.nodes:
                computed.append(_evaluate(node, computed, values))
        self._values = tuple(computed)
        self._forward_steps = tuple(Step("forward", i, float(v)) for i, v in enumerate(computed))
        self._backward_steps = ()
        return ForwardPass(float(computed[self.output]), tuple(float(v) for v in computed))

    def backward(self) -> BackwardPass:
        """∂f/∂node from the output back, consumers before their inputs; sums over shared nodes."""
        if self._values is None:
            raise RuntimeError("call forward(values) before backward()")
        grads = [Scalar(0) for _ in self.nodes]
        grads[self.output] = Scalar(1)
        steps = [Step("backward", self.output, 1.0, total=1.0)]
        with np.errstate(all="ignore"):
            for target in range(len(self.nodes) - 1, -1, -1):
                steps += self.send_back(target, grads)
        self._backward_steps = tuple(steps)
        gradients = tuple(float(g) if self.differentiable[i] else math.nan for i, g in enumerate(grads))
        by_name = {}
        for name in self.variables:
            i = self.variable_node(name)
            by_name[name] = 0.0 if i is None else gradients[i]
        return BackwardPass(gradients, by_name)

    def send_back(self, target: int, grads: list[Scalar]) -> list[Step]:
        """Pass ∂f/∂target to the target's inputs (adding to what they have), one step per edge."""
        node = self.nodes[target]
        if node.leaf or not self.differentiable[target]:
            return []
        args = tuple(self._values[i] for i in node.inputs)
        local = RULES[node.op].local(args, self._values[target])
        steps = []
        for slot, source in enumerate(node.inputs):
            if not self.differentiable[source]:
                continue
            product = grads[target] * local[slot]
            grads[source] += product
            steps.append(Step("backward", source, float(product), self.edge_index(source, target, slot),
                              float(grads[target]), float(local[slot]), float(grads[source])))
        return steps

    def edge_index(self, source: int, target: int, slot: int) -> int:
        return next(k for k in self.consumers[source] if self.edges[k].target == target and self.edges[k].slot == slot)

    def trace(self) -> tuple[Step, ...]:
        """The forward steps (every node, in order) and then the backward steps of the last passes."""
        return self._forward_steps + self._backward_steps

    def kinks(self) -> tuple[int, ...]:
        """Nodes that sit on a kink in the last forward pass: relu or |·| at 0, max or min with a tie."""
        if self._values is None:
            return ()
        found = []
        for i, node in enumerate(self.nodes):
            if node.op not in KINKS or not self.differentiable[i]:
                continue
            args = [self._values[k] for k in node.inputs]
            if node.op in ("relu", "abs"):
                on_kink = args[0] == 0
            else:
                on_kink = sum(a == self._values[i] for a in args) > 1
            if on_kink:
                found.append(i)
        return tuple(found)


def _evaluate(node: Node, computed: list[Scalar], values: Mapping[str, float]) -> Scalar:
    if node.op == "var":
        return Scalar(values[node.name])
    if node.op == "const":
        return Scalar(node.value)
    return Scalar(RULES[node.op].forward(tuple(computed[i] for i in node.inputs)))


class _Builder:
    """Nodes from a checked syntax tree. Equal sub-trees with a variable become one node (compared by
    structure, constants by value); each constant stays where it is typed, so a 2 used twice is not
    drawn as one node feeding two places; a variable-free sub-tree is folded into a constant."""

    def __init__(self, variables: tuple[str, ...]) -> None:
        self.variables = variables
        self.nodes: list[Node] = []
        self.keys: list[Hashable] = []
        self.index: dict[Hashable, int] = {}

    def add(self, node: Node) -> int:
        if node.op == "const":
            key: Hashable = ("const", node.name, node.value)
        else:
            key = (node.op, node.name, tuple(self.keys[i] for i in node.inputs))
            if key in self.index:
                return self.index[key]
            self.index[key] = len(self.nodes)
        self.nodes.append(node)
        self.keys.append(key)
        return len(self.nodes) - 1

    def operation(self, op: str, inputs: tuple[int, ...]) -> int:
        if op not in RULES:
            raise ExpressionError(
                "no_graph_rule",
                f"The function {op} cannot be drawn as a graph node yet.",
                f"函数 {op} 暂时无法画成计算图中的节点。",
            )
        if all(self.nodes[i].op == "const" for i in inputs):
            with np.errstate(all="ignore"):
                value = RULES[op].forward(tuple(Scalar(self.nodes[i].value) for i in inputs))
            return self.add(Node("const", value=float(value)))
        return self.add(Node(op, inputs))

    def build(self, tree: ast.expr) -> int:
        if isinstance(tree, ast.Constant):
            return self.add(Node("const", value=float(tree.value)))
        if isinstance(tree, ast.Name):
            if tree.id in self.variables:
                return self.add(Node("var", name=tree.id))
            return self.add(Node("const", name=tree.id, value=float(CONSTANTS[tree.id])))
        if isinstance(tree, ast.UnaryOp):
            inner = self.build(tree.operand)
            return inner if isinstance(tree.op, ast.UAdd) else self.operation("neg", (inner,))
        if isinstance(tree, ast.BinOp):
            return self.operation(_BINARY[type(tree.op)], (self.build(tree.left), self.build(tree.right)))
        if isinstance(tree, ast.Call):
            name = tree.func.id
            return self.operation(FUNCTION_OPS.get(name, name), tuple(self.build(a) for a in tree.args))
        raise ExpressionError("not_allowed", "This formula cannot be drawn as a graph.", "该公式无法画成计算图。")


def graph_from_expression(text: str, variables: tuple[str, ...] = ("x",)) -> Graph:
    """The computational graph of ``text`` over ``variables``; ExpressionError (bilingual) as ``parse``.

    The graph is new on every call (it keeps the values of its last pass); the parse is cached.
    """
    builder = _Builder(tuple(variables))
    output = builder.build(syntax_tree(text, tuple(variables)))
    nodes, output = _reachable(builder.nodes, output)
    return Graph(nodes, output, tuple(variables))


def _reachable(nodes: list[Node], output: int) -> tuple[tuple[Node, ...], int]:
    """The nodes the output depends on, in the same order, renumbered (folding leaves unused constants)."""
    keep = {output}
    for i in range(output, -1, -1):
        if i in keep:
            keep.update(nodes[i].inputs)
    number = {old: new for new, old in enumerate(sorted(keep))}
    kept = tuple(Node(n.op, tuple(number[i] for i in n.inputs), n.name, n.value)
                 for old, n in enumerate(nodes) if old in keep)
    return kept, number[output]
