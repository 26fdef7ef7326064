"""Figures of the classification playground: the decision map under the data, the loss curves beside
the gradient's size per layer, and one small map per hidden unit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.core.toy2d import Points
from nnviz.figures import maps, theme
from nnviz.figures.marks import Mark, change_marks, headroom

UNIT_SCALE = [[0.0, theme.OKABE_ITO[1]], [0.5, "#f7f7f7"], [1.0, theme.OKABE_ITO[0]]]
"""A unit's output, negative orange, positive blue: the colours of the two classes."""
MAX_UNIT_COLUMNS = 8


@dataclass(frozen=True)
class BoundaryLabels:
    x: str
    y: str
    train_0: str
    train_1: str
    test_0: str
    test_1: str


@dataclass(frozen=True)
class CurvesLabels:
    loss_title: str
    grad_title: str
    iteration: str
    loss: str
    train_loss: str
    test_loss: str
    grad_rms: str
    layer: str


@dataclass(frozen=True)
class UnitsLabels:
    units_title: str
    layer: str


def boundary_figure(axis: np.ndarray, p_one: np.ndarray, train: Points, test: Points | None,
                    labels: BoundaryLabels, presentation: bool = False) -> go.Figure:
    """P(class 1) over the plane (blue = 1), the training points filled and the test points open."""
    data = [maps.class_map(axis, p_one, hover="P(1) = %{z:.2f}"),
            *maps.class_points(train.x, train.y, (labels.train_0, labels.train_1), presentation=presentation)]
    if test is not None:
        data += maps.class_points(test.x, test.y, (labels.test_0, labels.test_1), presentation=presentation,
                                  open_marker=True)
    lim = (float(axis[0]), float(axis[-1]))
    layout: dict = {"legend": {"orientation": "h", "y": -0.14, "yanchor": "top", "x": 0},
                    "margin": {"l": 50, "r": 10, "t": 20, "b": 40}}
    maps.equal_aspect(layout, "", lim, lim, (labels.x, labels.y))
    return theme.figure(data, layout, presentation)


def curves_figure(iterations: np.ndarray, train_loss: np.ndarray, test_loss: np.ndarray,
                  grad_rms: list[float | None], labels: CurvesLabels, presentation: bool = False,
                  changes: Sequence[Mark] = ()) -> go.Figure:
    """Left: training and test loss per iteration, with a mark (nnviz.figures.marks) where a live
    setting changed. Right: RMS of ∂L/∂W per layer (log scale)."""
    data = []
    for i, (name, values) in enumerate(((labels.train_loss, train_loss), (labels.test_loss, test_loss))):
        style = theme.series_style(i, presentation)
        data.append({"type": "scatter", "x": iterations, "y": theme.f32(theme.rounded(values, 4)),
                     "mode": "lines", "name": name, "line": style["line"]})
    layers = [str(k + 1) for k in range(len(grad_rms))]  # "Layer 1 Layer 2 …" crowd a narrow panel
    data.append({"type": "bar", "x": layers, "y": [None if g is None else float(f"{g:.4g}") for g in grad_rms],
                 "marker": {"color": theme.OKABE_ITO[2]}, "name": labels.grad_rms, "showlegend": False,
                 "xaxis": "x2", "yaxis": "y2", "hovertemplate": f"{labels.layer} %{{x}}: %{{y:.3g}}<extra></extra>"})
    x_max = max(float(iterations[-1]) if len(iterations) else 0.0, *(it for it, _, _ in changes), 1.0)
    shapes, notes, rows = change_marks(changes, x_max, theme.font_size(presentation) - 2)
    layout = theme.side_by_side((labels.loss_title, labels.grad_title), presentation, gap=0.14)
    layout["xaxis"].update(title={"text": labels.iteration}, range=[0, x_max])
    layout["yaxis"].update(title={"text": labels.loss}, range=[0, headroom(_loss_top(train_loss, test_loss), rows)])
    layout["xaxis2"].update(title={"text": labels.layer}, type="category")
    layout["yaxis2"].update(type="log", title={"text": labels.grad_rms}, range=_decades(grad_rms), dtick=1,
                            exponentformat="power")
    layout["legend"] = {"orientation": "h", "y": -0.25, "yanchor": "top", "x": 0}
    layout["margin"] = {"t": 45, "b": 110 if presentation else 95}
    layout.update(shapes=shapes, annotations=layout["annotations"] + notes)
    return theme.figure(data, layout, presentation)


def _loss_top(*curves: np.ndarray) -> float:
    """A little above the highest finite loss (1 before any)."""
    values = np.concatenate([np.asarray(c, dtype=float).ravel() for c in curves])
    finite = values[np.isfinite(values)]
    return 1.1 * float(finite.max()) if finite.size and finite.max() > 0 else 1.0


def _decades(values: list[float | None]) -> list[float] | None:
    """A log axis range in whole decades around the positive values (at least one decade)."""
    logs = [np.log10(v) for v in values if v is not None and v > 0 and np.isfinite(v)]
    if not logs:
        return None
    lo, hi = float(np.floor(min(logs))), float(np.ceil(max(logs)))
    return [lo, max(hi, lo + 1)]


def _unit_axes(row: int, col: int, rows: int, cols: int, index: int) -> dict:
    gap = 0.02
    w, h = (1 - gap * (cols - 1)) / cols, (0.9 - gap * (rows - 1)) / rows
    x0, y1 = col * (w + gap), 0.9 - row * (h + gap)
    x_domain = [round(max(x0, 0.0), 4), round(min(x0 + w, 1.0), 4)]
    y_domain = [round(max(y1 - h, 0.0), 4), round(min(y1, 1.0), 4)]
    hidden = {"visible": False, "fixedrange": True}
    return {f"xaxis{index}": {**hidden, "domain": x_domain, "anchor": f"y{index}"},
            f"yaxis{index}": {**hidden, "domain": y_domain, "anchor": f"x{index}",
                              "scaleanchor": f"x{index}", "constrain": "domain"}}


def units_figure(layers: list[np.ndarray], labels: UnitsLabels, presentation: bool = False) -> go.Figure:
    """One small map per hidden unit (a row per layer, up to 8 units): what that neuron has learnt to
    detect over the plane, each on its own symmetric colour range."""
    rows, cols = len(layers), max(min(len(m), MAX_UNIT_COLUMNS) for m in layers)
    data, layout, notes = [], {}, []
    index = 1
    for r, maps_of_layer in enumerate(layers):
        for c, unit in enumerate(maps_of_layer[:MAX_UNIT_COLUMNS]):
            span = max(float(np.max(np.abs(unit))), 1e-6)
            data.append({"type": "heatmap", "z": theme.f32(theme.rounded(unit, 3)), "zmin": -span, "zmax": span,
                         "colorscale": UNIT_SCALE, "showscale": False, "zsmooth": "best",
                         "xaxis": f"x{index}", "yaxis": f"y{index}",
                         "hovertemplate": f"{labels.layer} {r + 1} · {c + 1}: %{{z:.2f}}<extra></extra>"})
            layout.update(_unit_axes(r, c, rows, cols, index))
            index += 1
        notes.append({"text": f"{labels.layer} {r + 1}", "x": -0.01, "xanchor": "right", "xref": "paper",
                      "y": 0.9 - (r + 0.5) * 0.9 / rows, "yref": "paper", "showarrow": False})
    layout["xaxis"], layout["yaxis"] = layout.pop("xaxis1"), layout.pop("yaxis1")
    for trace in data[:1]:
        trace["xaxis"], trace["yaxis"] = "x", "y"
    layout["yaxis"]["scaleanchor"] = "x"
    layout.update(title={"text": labels.units_title}, annotations=notes, margin={"l": 95 if presentation else 70, "r": 10, "t": 50, "b": 10},
                  height=(150 if presentation else 120) * rows + 70)
    return theme.figure(data, layout, presentation)
