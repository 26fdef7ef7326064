"""Figures of the Activation-functions page, from the curves nnviz.lessons.activations computes.

Each builder takes plain data, one labels object (already translated) and presentation mode,
so it works in a notebook and in either language of the app.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.figures import theme
from nnviz.figures.format import plain
from nnviz.lessons.activations import Curve, Probe

PANELS = (("x", "y"), ("x2", "y2"))
PATTERNS = ["", "/", ".", "x", "-", "|", "+", "\\"]


@dataclass(frozen=True)
class Named:
    """A curve (nnviz.lessons.activations.Curve) with the name its legend shows."""

    name: str
    curve: Curve


@dataclass(frozen=True)
class FunctionsLabels:
    plot_f: str
    plot_df: str
    tangent: str
    saturated: str


@dataclass(frozen=True)
class DepthLabels:
    depth_title: str
    depth_axis: str
    depth_y: str


@dataclass(frozen=True)
class SoftmaxLabels:
    logits: str
    probabilities: str


def _axes(col: int) -> dict:
    return {"xaxis": "x", "yaxis": "y"} if col == 1 else {"xaxis": "x2", "yaxis": "y2"}


def functions_figure(curves: list[Named], x_range: tuple[float, float], labels: FunctionsLabels,
                     focus: int | None = 0, probe: Probe | None = None, presentation: bool = False) -> go.Figure:
    """f(x) (left) and f'(x) (right) for every curve, same style on both sides.

    The focus curve gets its saturation zones shaded and, with a probe
    (nnviz.lessons.activations.Probe), its tangent line at x₀.
    """
    data: list[dict] = []
    for i, item in enumerate(curves):
        line = theme.series_style(i, presentation)["line"]
        c = item.curve
        for col, xs, ys in ((1, c.x, c.f), (2, c.x_df, c.df)):
            data.append({"type": "scatter", "x": theme.rounded(xs, 5), "y": theme.rounded(ys, 6), "mode": "lines",
                         "name": plain(item.name), "legendgroup": item.name, "showlegend": col == 1, "line": line,
                         **_axes(col)})
    shapes: list[dict] = []
    if focus is not None and 0 <= focus < len(curves):
        zones = curves[focus].curve.saturated
        shapes += _saturation_shapes(zones)
        if zones:  # no key for a shading that is not drawn
            data.append(_shade_legend_entry(labels.saturated))
        if probe is not None:
            probe_data, probe_shapes = _probe(probe, labels.tangent, presentation)
            data += probe_data
            shapes += probe_shapes
    layout = theme.side_by_side((labels.plot_f, labels.plot_df), presentation)
    for axis in ("xaxis", "xaxis2"):
        layout[axis].update(title={"text": "x"}, range=list(x_range))
    layout.update(shapes=shapes, legend={"orientation": "h", "yanchor": "bottom", "y": 1.08, "x": 0},
                  margin={"t": 110 if presentation else 95})
    return theme.figure(data, layout, presentation)


def _saturation_shapes(zones: tuple[tuple[float, float], ...]) -> list[dict]:
    return [{"type": "rect", "x0": start, "x1": end, "xref": xref, "y0": 0, "y1": 1, "yref": f"{yref} domain",
             "fillcolor": theme.SHADE, "line": {"width": 0}, "layer": "below"}
            for start, end in zones for xref, yref in PANELS]


def _shade_legend_entry(label: str) -> dict:
    return {"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": label,
            "marker": {"symbol": "square", "size": 16, "color": theme.SHADE, "line": {"color": "#999", "width": 1}}}


def _probe(probe: Probe, label: str, presentation: bool) -> tuple[list[dict], list[dict]]:
    """The tangent at x0, the points (x0, f(x0)) and (x0, f'(x0)), and a guide line on both panels."""
    marker = {"size": 14 if presentation else 10, "color": "#000", "symbol": "circle-open", "line": {"width": 3}}
    data: list[dict] = []
    if np.all(np.isfinite(probe.tangent_y)):
        data.append({"type": "scatter", "x": list(probe.tangent_x), "y": list(probe.tangent_y), "mode": "lines",
                     "name": label,
                     "line": {"color": "#000", "width": theme.line_width(presentation) * 0.7, "dash": "solid"}})
    for col, y in ((1, probe.f), (2, probe.df)):
        if np.isfinite(y):
            data.append({"type": "scatter", "x": [probe.x0], "y": [y], "mode": "markers", "marker": marker,
                         "showlegend": False, "hoverinfo": "x+y", **_axes(col)})
    shapes = [{"type": "line", "x0": probe.x0, "x1": probe.x0, "xref": xref, "y0": 0, "y1": 1,
               "yref": f"{yref} domain", "line": {"color": "#666", "width": 1, "dash": "dash"}}
              for xref, yref in PANELS]
    return data, shapes


def vanishing_figure(series: list[tuple[str, np.ndarray]], labels: DepthLabels,
                     presentation: bool = False) -> go.Figure:
    """Gradient factor against depth on a log axis; exact zeros are drawn at a floor of 1e-30."""
    data = []
    for i, (name, values) in enumerate(series):
        style = theme.series_style(i, presentation)
        data.append({"type": "scatter", "x": np.arange(1, len(values) + 1), "y": np.clip(np.abs(values), 1e-30, None),
                     "mode": "lines+markers", "name": name, "line": style["line"], "marker": style["marker"]})
    depth = max((len(v) for _, v in series), default=1)
    layout = {
        "title": {"text": labels.depth_title},
        "xaxis": {"title": {"text": labels.depth_axis}, "dtick": 1 if depth <= 20 else 5},
        "yaxis": {"title": {"text": labels.depth_y}, "type": "log", "exponentformat": "power", "dtick": 1},
    }
    return theme.figure(data, layout, presentation)


def softmax_figure(logits: np.ndarray, probabilities: np.ndarray, class_names: list[str], labels: SoftmaxLabels,
                   presentation: bool = False) -> go.Figure:
    """Logits (left) and softmax probabilities (right) as labelled, patterned bars."""
    colors = [theme.OKABE_ITO[i % 8] for i in range(len(logits))]
    patterns = PATTERNS[: len(logits)]
    data = [{"type": "bar", "x": class_names, "y": values, "text": [fmt.format(v) for v in values],
             "textposition": "outside", "cliponaxis": False, "showlegend": False,
             "marker": {"color": colors, "pattern": {"shape": patterns}}, **_axes(col)}
            for col, values, fmt in ((1, logits, "{:.2f}"), (2, probabilities, "{:.3f}"))]
    span = max(1.0, float(np.max(np.abs(logits))))
    layout = theme.side_by_side((labels.logits, labels.probabilities), presentation, gap=0.1)
    layout["yaxis"]["range"] = [min(0.0, float(np.min(logits))) - 0.25 * span,
                                max(0.0, float(np.max(logits))) + 0.25 * span]
    layout["yaxis2"]["range"] = [0, 1.15]
    layout["margin"] = {"t": 80}
    return theme.figure(data, layout, presentation)
