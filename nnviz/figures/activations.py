"""Figures of the Activation functions page.

Builders take plain data and already-translated text, so they work in a
notebook and in either language of the app.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.core.functions import Activation
from nnviz.lessons.activations import saturation_intervals
from nnviz.figures import theme

GRID_POINTS = 801


@dataclass(frozen=True)
class Curve:
    """One function to draw: its activation and its legend name."""

    activation: Activation
    name: str


@dataclass(frozen=True)
class Probe:
    """A probe point x0 on the focus curve with its tangent line."""

    x0: float
    label: str


def _with_breaks(x: np.ndarray, y: np.ndarray, jumps: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Insert NaN at jump discontinuities so no vertical segment is drawn."""
    for jump in jumps:
        i = int(np.searchsorted(x, jump, side="right"))
        if 0 < i < len(x):
            x, y = np.insert(x, i, jump), np.insert(y, i, np.nan)
    return x, y


def _finite_or_none(values: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(values), values, np.nan)


def functions_figure(
    curves: list[Curve],
    x_range: tuple[float, float],
    titles: tuple[str, str],
    focus: int | None = 0,
    probe: Probe | None = None,
    saturation_label: str | None = None,
    presentation: bool = False,
) -> go.Figure:
    """f(x) (left) and f'(x) (right) for every curve, same style on both sides.

    The focus curve gets its saturation zones (|f'| < 0.01) shaded and, with a
    probe, its tangent line at x0.
    """
    x = np.linspace(x_range[0], x_range[1], GRID_POINTS)
    data: list[dict] = []
    shapes: list[dict] = []
    for i, curve in enumerate(curves):
        line = theme.series_style(i, presentation)["line"]
        act = curve.activation
        with np.errstate(all="ignore"):
            sides = ((1, act.f(x), act.jumps), (2, act.df(x), act.df_jumps))
        for col, values, jumps in sides:
            xs, ys = _with_breaks(x, _finite_or_none(values), jumps)
            data.append({
                "type": "scatter", "x": np.round(xs, 5), "y": np.round(ys, 6), "mode": "lines",
                "name": curve.name, "legendgroup": curve.name, "showlegend": col == 1, "line": line,
                **_axes(col),
            })
    if focus is not None and 0 <= focus < len(curves):
        if saturation_label:
            shapes += _saturation_shapes(x, curves[focus].activation)
            data.append(_shade_legend_entry(saturation_label))
        if probe is not None:
            probe_data, probe_shapes = _probe(curves[focus].activation, probe, x_range, presentation)
            data += probe_data
            shapes += probe_shapes
    layout = theme.side_by_side(titles, presentation)
    for axis in ("xaxis", "xaxis2"):
        layout[axis].update(title={"text": "x"}, range=list(x_range))
    layout.update(
        shapes=shapes,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.08, "x": 0},
        margin={"t": 110 if presentation else 95},
    )
    return theme.figure(data, layout, presentation)


def _axes(col: int) -> dict:
    return {"xaxis": "x", "yaxis": "y"} if col == 1 else {"xaxis": "x2", "yaxis": "y2"}


def _saturation_shapes(x: np.ndarray, act: Activation) -> list[dict]:
    with np.errstate(all="ignore"):
        dfx = act.df(x)
    return [
        {"type": "rect", "x0": start, "x1": end, "xref": xref, "y0": 0, "y1": 1, "yref": f"{yref} domain",
         "fillcolor": theme.SHADE, "line": {"width": 0}, "layer": "below"}
        for start, end in saturation_intervals(x, np.where(np.isfinite(dfx), dfx, np.inf))
        for xref, yref in (("x", "y"), ("x2", "y2"))
    ]


def _shade_legend_entry(label: str) -> dict:
    return {
        "type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": label,
        "marker": {"symbol": "square", "size": 16, "color": theme.SHADE, "line": {"color": "#999", "width": 1}},
    }


def tangent_segment(act: Activation, x0: float, half_width: float) -> tuple[np.ndarray, np.ndarray]:
    """Two points of the tangent line y = f(x0) + f'(x0)(x − x0) around x0."""
    xs = np.array([x0 - half_width, x0 + half_width])
    return xs, act.f(np.array(x0)) + act.df(np.array(x0)) * (xs - x0)


def _probe(act: Activation, probe: Probe, x_range: tuple[float, float], presentation: bool) -> tuple[list[dict], list[dict]]:
    """The tangent at x0, the points (x0, f(x0)) and (x0, f'(x0)), and a guide line on both panels."""
    with np.errstate(all="ignore"):
        tx, ty = tangent_segment(act, probe.x0, (x_range[1] - x_range[0]) / 6)
        fx, dfx = float(act.f(np.array(probe.x0))), float(act.df(np.array(probe.x0)))
    marker = {"size": 14 if presentation else 10, "color": "#000", "symbol": "circle-open", "line": {"width": 3}}
    data: list[dict] = []
    if np.all(np.isfinite(ty)):
        data.append({"type": "scatter", "x": tx, "y": ty, "mode": "lines", "name": probe.label,
                     "line": {"color": "#000", "width": theme.line_width(presentation) * 0.7, "dash": "solid"}})
    for col, y in ((1, fx), (2, dfx)):
        if np.isfinite(y):
            data.append({"type": "scatter", "x": [probe.x0], "y": [y], "mode": "markers", "marker": marker,
                         "showlegend": False, "hoverinfo": "x+y", **_axes(col)})
    shapes = [
        {"type": "line", "x0": probe.x0, "x1": probe.x0, "xref": xref, "y0": 0, "y1": 1, "yref": f"{yref} domain",
         "line": {"color": "#666", "width": 1, "dash": "dash"}}
        for xref, yref in (("x", "y"), ("x2", "y2"))
    ]
    return data, shapes


def vanishing_figure(
    series: list[tuple[str, np.ndarray]],
    title: str,
    x_title: str,
    y_title: str,
    presentation: bool = False,
) -> go.Figure:
    """Gradient factor against depth on a log axis; exact zeros are drawn at a floor of 1e-30."""
    data = []
    for i, (name, values) in enumerate(series):
        style = theme.series_style(i, presentation)
        data.append({
            "type": "scatter", "x": np.arange(1, len(values) + 1), "y": np.clip(np.abs(values), 1e-30, None),
            "mode": "lines+markers", "name": name, "line": style["line"], "marker": style["marker"],
        })
    depth = max((len(v) for _, v in series), default=1)
    layout = {
        "title": {"text": title},
        "xaxis": {"title": {"text": x_title}, "dtick": 1 if depth <= 20 else 5},
        "yaxis": {"title": {"text": y_title}, "type": "log", "exponentformat": "power", "dtick": 1},
    }
    return theme.figure(data, layout, presentation)


def softmax_figure(
    logits: np.ndarray,
    probabilities: np.ndarray,
    class_names: list[str],
    titles: tuple[str, str],
    presentation: bool = False,
) -> go.Figure:
    """Logits (left) and softmax probabilities (right) as labelled, patterned bars."""
    colors = [theme.OKABE_ITO[i % 8] for i in range(len(logits))]
    patterns = ["", "/", ".", "x", "-", "|", "+", "\\"][: len(logits)]
    data = [
        {"type": "bar", "x": class_names, "y": values, "text": [fmt.format(v) for v in values],
         "textposition": "outside", "cliponaxis": False, "showlegend": False,
         "marker": {"color": colors, "pattern": {"shape": patterns}}, **_axes(col)}
        for col, values, fmt in ((1, logits, "{:.2f}"), (2, probabilities, "{:.3f}"))
    ]
    span = max(1.0, float(np.max(np.abs(logits))))
    layout = theme.side_by_side(titles, presentation, gap=0.1)
    layout["yaxis"]["range"] = [min(0.0, float(np.min(logits))) - 0.25 * span, max(0.0, float(np.max(logits))) + 0.25 * span]
    layout["yaxis2"]["range"] = [0, 1.15]
    layout["margin"] = {"t": 80}
    return theme.figure(data, layout, presentation)
