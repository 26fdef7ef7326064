"""Figures of the Backpropagation page: a computational graph laid out left to right, values written
forward on the edges (above, blue) and gradients backward (below, vermillion), stepped one event of
the trace at a time with the shared Play / Pause and step slider (nnviz.figures.animation).

The figure opens on its last frame: both passes complete, ready for a slide.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.core.graph import Step
from nnviz.figures import theme
from nnviz.figures.animation import AnimationLabels, add_controls
from nnviz.figures.format import num
from nnviz.lessons.backprop import GraphRun, HandNetwork

FORWARD = theme.OKABE_ITO[0]
BACKWARD = theme.OKABE_ITO[1]
SYMBOLS = {"add": "+", "sub": "−", "mul": "×", "div": "÷", "pow": "^", "neg": "−", "log": "ln", "sigmoid": "σ"}
ROW_GAP = 1.0


@dataclass(frozen=True)
class GraphLabels:
    """Translated text; the step templates are filled here with str.format."""

    forward_legend: str
    backward_legend: str
    start: str  # step 0, nothing computed yet
    forward_step: str  # {node} {value}
    seed_step: str  # {node}
    backward_step: str  # {node} {upstream} {local} {product} {total}
    animation: AnimationLabels


def node_text(run: GraphRun, i: int) -> str:
    """What a node shows: a variable's name, a constant's value (or π, e), an operation's symbol."""
    node = run.nodes[i]
    if node.op == "var":
        return node.name
    if node.op == "const":
        return {"pi": "π", "e": "e"}.get(node.name, num(node.value))
    return SYMBOLS.get(node.op, node.op)


def layout_positions(run: GraphRun) -> tuple[np.ndarray, np.ndarray]:
    """Columns by depth (a leaf just left of its first consumer), rows by the mean row of each
    node's consumers, filled from the output back so that inputs sit near what they feed."""
    count = len(run.nodes)
    consumers: list[list[int]] = [[] for _ in range(count)]
    for edge in run.edges:
        consumers[edge.source].append(edge.target)
    column = list(run.depths)
    for i in range(count - 1, -1, -1):
        if run.nodes[i].leaf and consumers[i]:
            column[i] = min(column[t] for t in consumers[i]) - 1
    row = np.zeros(count)
    for c in range(max(column), min(column) - 1, -1):
        members = [i for i in range(count) if column[i] == c]
        wanted = {i: float(np.mean([row[t] for t in consumers[i]])) if consumers[i] else 0.0 for i in members}
        centre = float(np.mean(list(wanted.values())))
        for rank, i in enumerate(sorted(members, key=lambda i: (wanted[i], i))):
            row[i] = centre + (rank - (len(members) - 1) / 2) * ROW_GAP
    return np.array(column, dtype=float) - min(column), row


def node_size(presentation: bool) -> int:
    """Diameter in pixels of an operation's circle: room for "sigmoid" at the figure's font size."""
    return 62 if presentation else 46


def edge_paths(run: GraphRun, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Polylines of every edge (NaN between edges) and the middle of each, where its numbers go.

    An edge that skips a column would run straight through the nodes between, so it arches
    upward instead (a quadratic Bézier curve).
    """
    t = np.linspace(0, 1, 9)[:, None]
    xs, ys, mid_x, mid_y = [], [], [], []
    for edge in run.edges:
        (x0, y0), (x1, y1) = (x[edge.source], y[edge.source]), (x[edge.target], y[edge.target])
        bend = 0.45 * ROW_GAP * np.sqrt(max(x1 - x0 - 1, 0))
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2 - bend * 2
        curve = (1 - t) ** 2 * np.array([x0, y0]) + 2 * t * (1 - t) * np.array([cx, cy]) + t**2 * np.array([x1, y1])
        xs += [*curve[:, 0], np.nan]
        ys += [*curve[:, 1], np.nan]
        mid_x.append(curve[4, 0])
        mid_y.append(curve[4, 1])
    return np.array(xs), np.array(ys), np.array(mid_x), np.array(mid_y)


def _describe(run: GraphRun, step: Step, labels: GraphLabels) -> str:
    name = node_text(run, step.node)
    if step.phase == "forward":
        return labels.forward_step.format(node=name, value=num(step.value))
    if step.edge is None:
        return labels.seed_step.format(node=name)
    return labels.backward_step.format(node=name, upstream=num(step.upstream), local=num(step.local),
                                       product=num(step.value), total=num(step.total))


def _state_after(run: GraphRun, k: int) -> tuple[list[str], list[str], list[str]]:
    """Edge value texts, edge gradient texts and node gradient texts once the first k steps are done."""
    known = [False] * len(run.nodes)
    forward = [""] * len(run.edges)
    backward = [""] * len(run.edges)
    totals = [""] * len(run.nodes)
    shown = _shows_total(run)
    for step in run.steps[:k]:
        if step.phase == "forward":
            known[step.node] = True
            continue
        if step.edge is not None:
            backward[step.edge] = num(step.value)
        if shown[step.node]:
            totals[step.node] = num(step.total)
    for j, edge in enumerate(run.edges):
        if known[edge.source]:
            forward[j] = num(run.values[edge.source])
    return forward, backward, totals


def _shows_total(run: GraphRun) -> list[bool]:
    """Nodes whose own gradient is written beside them: variables, the output, and any node with
    several consumers (its gradient is the sum of what they send back)."""
    fan_out = np.bincount([e.source for e in run.edges], minlength=len(run.nodes))
    return [n.op == "var" or i == run.output or fan_out[i] > 1 for i, n in enumerate(run.nodes)]


def _text_trace(x: np.ndarray, y: np.ndarray, text: list[str], position: str, color: str, size: int,
                name: str = "", legend: bool = False) -> dict:
    return {"type": "scatter", "x": x.tolist(), "y": y.tolist(), "mode": "text", "text": text,
            "textposition": position, "textfont": {"color": color, "size": size}, "hoverinfo": "skip",
            "name": name, "showlegend": legend, "cliponaxis": False}


def graph_figure(run: GraphRun, labels: GraphLabels, presentation: bool = False) -> go.Figure:
    """The graph of ``run`` with one frame per step of its trace (frame k: the first k steps done)."""
    x, y = layout_positions(run)
    size = theme.font_size(presentation)
    lines_x, lines_y, mid_x, mid_y = edge_paths(run, x, y)
    ops = [i for i, n in enumerate(run.nodes) if not n.leaf]
    leaves = [i for i, n in enumerate(run.nodes) if n.leaf]
    marker = node_size(presentation)
    data = [
        {"type": "scatter", "x": theme.rounded(lines_x, 4), "y": theme.rounded(lines_y, 4), "mode": "lines",
         "line": {"color": "#888", "width": theme.line_width(presentation) * 0.8}, "hoverinfo": "skip",
         "showlegend": False},
        {"type": "scatter", "x": x[ops].tolist(), "y": y[ops].tolist(), "mode": "markers+text",
         "text": [node_text(run, i) for i in ops], "textposition": "middle center",
         "textfont": {"size": size + 2, "color": "#222"}, "hoverinfo": "skip", "showlegend": False,
         "marker": {"size": marker, "symbol": "circle", "color": "white", "line": {"color": "#222", "width": 2}}},
        {"type": "scatter", "x": x[leaves].tolist(), "y": y[leaves].tolist(), "mode": "markers+text",
         "text": [node_text(run, i) for i in leaves], "textposition": "middle left",
         "textfont": {"size": size + 1, "color": "#222"}, "hoverinfo": "skip", "showlegend": False,
         "marker": {"size": marker * 0.35, "symbol": "square", "color": "#222"}},
    ]
    moving = _moving_traces(run, x, y, mid_x, mid_y, len(run.steps), labels, presentation)
    first_moving = len(data)
    data += moving
    frames = []
    for k in range(len(run.steps) + 1):
        frames.append({"name": str(k), "traces": list(range(first_moving, len(data))),
                       "data": _moving_traces(run, x, y, mid_x, mid_y, k, labels, presentation, full=False),
                       "layout": {"title": {"text": _title(run, k, labels)}}})
    layout = _layout(x, np.concatenate([y, lines_y[np.isfinite(lines_y)]]), run, labels, presentation)
    add_controls(layout, list(range(len(run.steps) + 1)), labels.animation, presentation)
    return theme.figure(data, layout, presentation, frames=frames)


def _moving_traces(run: GraphRun, x: np.ndarray, y: np.ndarray, mid_x: np.ndarray, mid_y: np.ndarray, k: int,
                   labels: GraphLabels, presentation: bool, full: bool = True) -> list[dict]:
    """Values on edges, gradients on edges, node gradients and the ring on the current node after k steps."""
    forward, backward, totals = _state_after(run, k)
    size = theme.font_size(presentation)
    current = run.steps[k - 1].node if k > 0 else run.output
    traces = [
        _text_trace(mid_x, mid_y, forward, "top center", FORWARD, size, labels.forward_legend, full),
        _text_trace(mid_x, mid_y, backward, "bottom center", BACKWARD, size, labels.backward_legend, full),
        {**_text_trace(x, y, totals, "bottom center", BACKWARD, size), "mode": "markers+text",
         "marker": {"size": node_size(presentation), "opacity": 0}},
        {"type": "scatter", "x": [float(x[current])], "y": [float(y[current])], "mode": "markers",
         "marker": {"size": node_size(presentation) + 16, "symbol": "circle-open", "line": {"width": 4},
                    "color": FORWARD if k <= len(run.nodes) else BACKWARD},
         "hoverinfo": "skip", "showlegend": False, "visible": 0 < k < len(run.steps)},  # none on the finished graph
    ]
    if full:
        return traces
    return [{key: value for key, value in trace.items() if key in ("x", "y", "text", "marker", "visible")}
            for trace in traces]


def _title(run: GraphRun, k: int, labels: GraphLabels) -> str:
    if k == 0:
        return labels.start
    return f"{k}/{len(run.steps)} · {_describe(run, run.steps[k - 1], labels)}"


def _layout(x: np.ndarray, y: np.ndarray, run: GraphRun, labels: GraphLabels, presentation: bool) -> dict:
    rows = float(np.max(y) - np.min(y)) if len(y) else 0.0
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    return {
        "title": {"text": _title(run, len(run.steps), labels)},
        "xaxis": {**hidden, "range": [-0.9, float(np.max(x)) + 0.5]},
        "yaxis": {**hidden, "range": [float(np.max(y)) + 0.7, float(np.min(y)) - 0.9]},
        "height": int(max(theme.height(presentation) - 80, 150 + (rows + 1.4) * (110 if presentation else 85))),
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "margin": {"t": 110 if presentation else 90, "l": 20, "r": 20},
    }


def latex_matrix(name: str, value: np.ndarray, digits: int = 3) -> str:
    """``name`` (its shape underneath) = the array as a LaTeX matrix, a vector as one row, numbers by ``num``."""
    array = np.atleast_2d(np.asarray(value, dtype=float))
    rows = r" \\ ".join(" & ".join(num(v, digits).replace("−", "-") for v in row) for row in array)
    shape = r"\times".join(str(n) for n in np.shape(value)) or "1"
    return rf"\underset{{{shape}}}{{{name}}} = \begin{{bmatrix}} {rows} \end{{bmatrix}}"


@dataclass(frozen=True)
class CheckLabels:
    title: str
    axis: str  # the y axis: max |backprop − numeric|


CHECK_FLOOR = 1e-17
"""Errors below this (exact zeros included) are drawn at it: a log axis has no zero."""


def check_figure(names: list[str], errors: list[float], labels: CheckLabels, presentation: bool = False) -> go.Figure:
    """max |backprop − central difference| per gradient array, on a log axis: tiny means right."""
    shown = np.clip(np.asarray(errors, dtype=float), CHECK_FLOOR, None)
    colors = [BACKWARD if e > 1e-4 else theme.OKABE_ITO[2] for e in shown]
    data = [{"type": "bar", "x": names, "y": shown.tolist(), "text": [num(e, 2) for e in errors],
             "textposition": "outside", "cliponaxis": False, "showlegend": False,
             "marker": {"color": colors, "pattern": {"shape": ["x" if e > 1e-4 else "" for e in shown]}}}]
    top = max(float(np.log10(shown.max())) + 1.5, 1.0)
    layout = {
        "title": {"text": labels.title},
        "yaxis": {"title": {"text": labels.axis}, "type": "log", "exponentformat": "power", "range": [-17, top]},
        "height": theme.height(presentation) - 90, "bargap": 0.5,
    }
    return theme.figure(data, layout, presentation)


@dataclass(frozen=True)
class NetworkLabels:
    title: str  # {error}
    weight_legend: str
    gradient_legend: str
    target: str  # {t}


NETWORK_EDGES = (("i1", "h1", "w1"), ("i2", "h1", "w2"), ("i1", "h2", "w3"), ("i2", "h2", "w4"),
                 ("h1", "o1", "w5"), ("h2", "o1", "w6"), ("h1", "o2", "w7"), ("h2", "o2", "w8"))
NETWORK_SPOTS = {"i1": (0, 0), "i2": (0, 1), "h1": (1, 0), "h2": (1, 1), "o1": (2, 0), "o2": (2, 1)}
LABEL_AT = 0.3
"""Where along an edge its weight and gradient are written: crossing edges meet at the middle."""


def network_figure(net: HandNetwork, values: dict[str, float], labels: NetworkLabels,
                   presentation: bool = False) -> go.Figure:
    """The 2-2-2 network: each weight above its edge, ∂E/∂w below; out above each unit, δ below."""
    size = theme.font_size(presentation)
    ends = [(NETWORK_SPOTS[a], NETWORK_SPOTS[b]) for a, b, _ in NETWORK_EDGES]
    lines_x = [c for (p, q) in ends for c in (p[0], q[0], None)]
    lines_y = [c for (p, q) in ends for c in (p[1], q[1], None)]
    at_x = np.array([p[0] + LABEL_AT * (q[0] - p[0]) for p, q in ends])
    at_y = np.array([p[1] + LABEL_AT * (q[1] - p[1]) for p, q in ends])
    names = [w for _, _, w in NETWORK_EDGES]
    units = list(NETWORK_SPOTS)
    unit_x = np.array([NETWORK_SPOTS[u][0] for u in units], dtype=float)
    unit_y = np.array([NETWORK_SPOTS[u][1] for u in units], dtype=float)
    outs = [values["i1"], values["i2"], *net.out_hidden, *net.out_output]
    deltas = ["", "", *(f"δ {num(d)}" for d in net.delta_hidden), *(f"δ {num(d)}" for d in net.delta_output)]
    marker = {"size": node_size(presentation), "symbol": "circle", "color": "white", "line": {"color": "#222", "width": 2}}
    data = [
        {"type": "scatter", "x": lines_x, "y": lines_y, "mode": "lines", "hoverinfo": "skip", "showlegend": False,
         "line": {"color": "#888", "width": theme.line_width(presentation) * 0.8}},
        _text_trace(at_x, at_y, [f"{w} = {num(values[w])}" for w in names], "top center", FORWARD, size,
                    labels.weight_legend, True),
        _text_trace(at_x, at_y, [num(net.weight_grads[w]) for w in names], "bottom center", BACKWARD, size,
                    labels.gradient_legend, True),
        {"type": "scatter", "x": unit_x.tolist(), "y": unit_y.tolist(), "mode": "markers+text", "text": units,
         "textposition": "middle center", "marker": marker, "hoverinfo": "skip", "showlegend": False,
         "textfont": {"size": size + 1}},
        {**_text_trace(unit_x, unit_y, [num(o) for o in outs], "top center", FORWARD, size), "mode": "markers+text",
         "marker": {"size": node_size(presentation), "opacity": 0}},
        {**_text_trace(unit_x, unit_y, deltas, "bottom center", BACKWARD, size), "mode": "markers+text",
         "marker": {"size": node_size(presentation), "opacity": 0}},
        _text_trace(np.array([2.12, 2.12]), np.array([0.0, 1.0]),
                    [labels.target.format(t=num(values["t1"])), labels.target.format(t=num(values["t2"]))],
                    "middle right", "#222", size),
    ]
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    layout = {"title": {"text": labels.title.format(error=num(net.total_error, 9))},
              "xaxis": {**hidden, "range": [-0.25, 2.75]}, "yaxis": {**hidden, "range": [1.45, -0.45]},
              "height": 620 if presentation else 460,
              "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
              "margin": {"t": 110 if presentation else 90, "l": 20, "r": 20}}
    return theme.figure(data, layout, presentation)
