"""Figures of the Perceptrons page: a neuron over the plane with its decision line, XOR in two layers,
the book's network traced, and a linear stack beside a sigmoid one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.core.forward import ForwardPass
from nnviz.figures import maps, theme
from nnviz.figures.format import num
from nnviz.lessons.perceptron import GATE_PLANE, Collapse, NeuronMap, XorSolution

INK = "#222222"
POSITIVE, NEGATIVE = theme.OKABE_ITO[0], theme.OKABE_ITO[1]


@dataclass(frozen=True)
class GateLabels:
    x1: str
    x2: str
    decision_line: str
    out_0: str
    out_1: str


@dataclass(frozen=True)
class XorLabels:
    input_plane: str
    hidden_plane: str
    your_line: str
    nand_line: str
    or_line: str
    and_line: str
    x1: str
    x2: str
    s1: str
    s2: str
    xor_0: str
    xor_1: str


@dataclass(frozen=True)
class NetworkLabels:
    layer_in: str
    layer_1: str
    layer_2: str
    layer_out: str


@dataclass(frozen=True)
class CollapseLabels:
    linear_title: str
    sigmoid_title: str
    x1: str
    x2: str


def _line(points: np.ndarray | None, name: str, series: int, axes: maps.Axes, presentation: bool) -> list[dict]:
    """The segment ``points`` (2, 2) in series ``series``'s style (6 is black), or nothing."""
    if points is None:
        return []
    return [{"type": "scatter", "x": theme.rounded(points[:, 0], 4), "y": theme.rounded(points[:, 1], 4),
             "mode": "lines", "name": name, "line": theme.series_style(series, presentation)["line"],
             "hoverinfo": "name", "xaxis": axes[0], "yaxis": axes[1]}]


def _square(layout: dict, suffix: str, titles: tuple[str, str]) -> None:
    maps.equal_aspect(layout, suffix, GATE_PLANE, GATE_PLANE, titles)
    layout[f"xaxis{suffix}"]["dtick"] = 0.5
    layout[f"yaxis{suffix}"]["dtick"] = 0.5


def gate_figure(neuron: NeuronMap, points: np.ndarray, labels: GateLabels, presentation: bool = False) -> go.Figure:
    """The neuron's output over the plane, its line w·x + b = 0, and the four inputs by their output."""
    fired = np.round(neuron.outputs).astype(int)
    data = [maps.class_map(neuron.axis, neuron.z, hover="y = %{z:.3f}"),
            *_line(neuron.line, labels.decision_line, 6, maps.XY, presentation),
            *maps.class_points(points, fired, (labels.out_0, labels.out_1), presentation=presentation,
                               size=24 if presentation else 18)]
    layout: dict = {"legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}}
    _square(layout, "", (labels.x1, labels.x2))
    return theme.figure(data, layout, presentation)


def xor_figure(solution: XorSolution, user_line: np.ndarray | None, labels: XorLabels,
               presentation: bool = False) -> go.Figure:
    """Left: XOR's points, your line and the hidden layer's NAND and OR lines. Right: the points moved to
    (s1, s2) = (NAND, OR), where AND's line separates them."""
    two = solution.two
    targets = np.array([0, 1, 1, 0])
    size = 24 if presentation else 18
    names = (labels.xor_0, labels.xor_1)
    data = [*maps.class_points(two.x, targets, names, presentation=presentation, size=size),
            *_line(user_line, labels.your_line, 6, maps.XY, presentation),
            *_line(solution.nand.line, labels.nand_line, 2, maps.XY, presentation),
            *_line(solution.orr.line, labels.or_line, 3, maps.XY, presentation),
            maps.class_map(solution.andd.axis, solution.andd.z, axes=("x2", "y2"), hover="y = %{z:.3f}"),
            *_line(solution.andd.line, labels.and_line, 4, ("x2", "y2"), presentation),
            *maps.class_points(two.hidden, targets, names, axes=("x2", "y2"), legend=False,
                               presentation=presentation, size=size)]
    layout = theme.side_by_side((labels.input_plane, labels.hidden_plane), presentation, gap=0.12)
    layout["legend"] = {"orientation": "h", "y": -0.18, "yanchor": "top", "x": 0}
    _square(layout, "", (labels.x1, labels.x2))
    _square(layout, "2", (labels.s1, labels.s2))
    layout["margin"] = {"t": 40, "b": 120}
    return theme.figure(data, layout, presentation)


def _edges(sources: np.ndarray, targets: np.ndarray, weights: np.ndarray, presentation: bool) -> list[dict]:
    """One line per weight from every source node to every target node: width ∝ |w|, colour by sign."""
    scale = (9 if presentation else 6) / max(float(np.max(np.abs(weights))), 1e-12)
    traces = []
    for i, (sx, sy) in enumerate(sources):
        for j, (tx, ty) in enumerate(targets):
            w = float(weights[i, j])
            traces.append({"type": "scatter", "x": [sx, tx], "y": [sy, ty], "mode": "lines", "showlegend": False,
                           "line": {"color": POSITIVE if w >= 0 else NEGATIVE, "width": 1 + abs(w) * scale,
                                    "dash": "solid"}, "opacity": 0.55,
                           "hovertemplate": f"w = {num(w)}<extra></extra>"})
    return traces


def _column(n: int, x: float) -> np.ndarray:
    return np.column_stack([np.full(n, x), np.linspace(1, -1, n) * (n - 1) / 2])


def network_figure(trace: ForwardPass, network: dict[str, np.ndarray], labels: NetworkLabels,
                   presentation: bool = False) -> go.Figure:
    """The book's 2-3-2-2 network: every weight as an edge, every neuron with its sum a and output z."""
    layers = [trace.x, trace.Z1, trace.Z2, trace.Y]
    sums = [None, trace.A1, trace.A2, trace.A3]
    columns = [_column(len(v), float(k)) for k, v in enumerate(layers)]
    data: list[dict] = []
    for i in range(1, 4):
        data += _edges(columns[i - 1], columns[i], network[f"W{i}"], presentation)
    size = 62 if presentation else 50
    font = theme.font_size(presentation)
    for values, a, pos in zip(layers, sums, columns):
        text = [num(v, 3) for v in values]
        under = [""] * len(values) if a is None else [f"a = {num(s, 3)}" for s in a]
        data.append({"type": "scatter", "x": pos[:, 0], "y": pos[:, 1], "mode": "markers+text", "text": text,
                     "textfont": {"size": font, "color": INK}, "showlegend": False, "hoverinfo": "skip",
                     "marker": {"size": size, "color": "white", "symbol": "circle",
                                "line": {"color": INK, "width": 2}}})
        data.append({"type": "scatter", "x": pos[:, 0], "y": pos[:, 1] - 0.42, "mode": "text", "text": under,
                     "textfont": {"size": font - 3, "color": "#555"}, "showlegend": False, "hoverinfo": "skip"})
    titles = (labels.layer_in, labels.layer_1, labels.layer_2, labels.layer_out)
    annotations = [{"text": title, "x": k, "y": 1.0, "xref": "x", "yref": "paper", "showarrow": False,
                    "yanchor": "bottom", "font": {"size": font + 1}} for k, title in enumerate(titles)]
    hidden = {"visible": False, "fixedrange": True}
    layout = {"xaxis": {**hidden, "range": [-0.45, 3.45]}, "yaxis": {**hidden, "range": [-1.55, 1.35]},
              "annotations": annotations, "margin": {"l": 10, "r": 10, "t": 50, "b": 10}}
    return theme.figure(data, layout, presentation)


def collapse_figure(result: Collapse, labels: CollapseLabels, presentation: bool = False) -> go.Figure:
    """y₁ over the plane for the stack without activations (straight, parallel contours: one affine map)
    and with the sigmoid (bent)."""
    lo, hi = float(result.axis[0]), float(result.axis[-1])
    data = [maps.contour(result.axis, result.axis, result.linear_map, presentation=presentation),
            maps.contour(result.axis, result.axis, result.sigmoid_map, axes=("x2", "y2"), presentation=presentation)]
    x1, x2 = (float(v) for v in result.linear.x)
    data += [maps.point(x1, x2, "x", presentation=presentation),
             maps.point(x1, x2, "x", axes=("x2", "y2"), presentation=presentation)]
    for trace in data[:2]:
        trace["hovertemplate"] = "(%{x:.2f}, %{y:.2f}): y₁ = %{z:.3f}<extra></extra>"
        trace.pop("hoverinfo")
        trace["contours"]["showlabels"] = True
    layout = theme.side_by_side((labels.linear_title, labels.sigmoid_title), presentation, gap=0.12,
                                lift=theme.TITLE_LIFT)  # the right map's top tick sits at its top edge
    maps.equal_aspect(layout, "", (lo, hi), (lo, hi), (labels.x1, labels.x2))
    maps.equal_aspect(layout, "2", (lo, hi), (lo, hi), (labels.x1, labels.x2))
    return theme.figure(data, layout, presentation)


def row_latex(values: np.ndarray) -> str:
    """A row vector as a LaTeX bmatrix, numbers printed by `num`."""
    return r"\begin{bmatrix}" + " & ".join(num(v) for v in np.ravel(values)) + r"\end{bmatrix}"


def matrix_latex(m: np.ndarray) -> str:
    """A matrix as a LaTeX bmatrix."""
    rows = [" & ".join(num(v) for v in row) for row in np.atleast_2d(m)]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def affine_latex(w: tuple[float, ...], b: float) -> str:
    """w₁x₁ + w₂x₂ + b with signs written once ("0.5\\,x_1 - 0.5\\,x_2 - 0.7")."""
    terms = [(v, rf"\,x_{{{i}}}") for i, v in enumerate(w, start=1)] + [(b, "")]
    out = ""
    for k, (value, symbol) in enumerate(terms):
        sign = "-" if value < 0 else ("+" if k else "")
        out += f" {sign} {num(abs(value))}{symbol}" if k else f"{sign}{num(abs(value))}{symbol}"
    return out
