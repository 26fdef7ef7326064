"""Figures of the Activation functions page.

Builders take plain data and already-translated text, so they work in a
notebook and in either language of the app.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnviz.activations import Activation, saturation_intervals
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
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles, horizontal_spacing=0.08)
    for i, curve in enumerate(curves):
        style = theme.series_style(i, presentation)
        act = curve.activation
        for col, values, jumps in ((1, act.f(x), act.jumps), (2, act.df(x), act.df_jumps)):
            xs, ys = _with_breaks(x, _finite_or_none(values), jumps)
            fig.add_trace(
                go.Scatter(
                    x=np.round(xs, 5), y=np.round(ys, 6), mode="lines", name=curve.name,
                    legendgroup=curve.name, showlegend=col == 1, line=style["line"],
                ),
                row=1, col=col,
            )
    if focus is not None and 0 <= focus < len(curves):
        if saturation_label:
            _shade_saturation(fig, x, curves[focus].activation, saturation_label)
        if probe is not None:
            _draw_probe(fig, curves[focus].activation, probe, x_range, presentation)
    fig.update_xaxes(title_text="x", range=list(x_range))
    fig.update_layout(
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.08, "x": 0},
        margin={"t": 110 if presentation else 95},
    )
    return theme.apply(fig, presentation)


def _shade_saturation(fig: go.Figure, x: np.ndarray, act: Activation, label: str) -> None:
    with np.errstate(all="ignore"):
        dfx = act.df(x)
    for start, end in saturation_intervals(x, np.where(np.isfinite(dfx), dfx, np.inf)):
        for col in (1, 2):
            fig.add_vrect(x0=start, x1=end, fillcolor=theme.SHADE, line_width=0, layer="below", row=1, col=col)
    fig.add_trace(
        go.Scatter(
            x=[None], y=[None], mode="markers", name=label,
            marker={"symbol": "square", "size": 16, "color": theme.SHADE, "line": {"color": "#999", "width": 1}},
        ),
        row=1, col=1,
    )


def tangent_segment(act: Activation, x0: float, half_width: float) -> tuple[np.ndarray, np.ndarray]:
    """Two points of the tangent line y = f(x0) + f'(x0)(x − x0) around x0."""
    xs = np.array([x0 - half_width, x0 + half_width])
    return xs, act.f(np.array(x0)) + act.df(np.array(x0)) * (xs - x0)


def _draw_probe(fig: go.Figure, act: Activation, probe: Probe, x_range: tuple[float, float], presentation: bool) -> None:
    half = (x_range[1] - x_range[0]) / 6
    tx, ty = tangent_segment(act, probe.x0, half)
    fx, dfx = float(act.f(np.array(probe.x0))), float(act.df(np.array(probe.x0)))
    width = theme.line_width(presentation)
    marker = {"size": 14 if presentation else 10, "color": "#000", "symbol": "circle-open", "line": {"width": 3}}
    fig.add_trace(
        go.Scatter(x=tx, y=ty, mode="lines", name=probe.label, line={"color": "#000", "width": width * 0.7, "dash": "solid"}),
        row=1, col=1,
    )
    for col, y in ((1, fx), (2, dfx)):
        if np.isfinite(y):
            fig.add_trace(go.Scatter(x=[probe.x0], y=[y], mode="markers", marker=marker, showlegend=False, hoverinfo="x+y"), row=1, col=col)
        fig.add_vline(x=probe.x0, line={"color": "#666", "width": 1, "dash": "dash"}, row=1, col=col)


def vanishing_figure(
    series: list[tuple[str, np.ndarray]],
    title: str,
    x_title: str,
    y_title: str,
    presentation: bool = False,
) -> go.Figure:
    """Gradient factor against depth on a log axis; exact zeros are drawn at the floor."""
    fig = go.Figure()
    floor = 1e-30
    for i, (name, values) in enumerate(series):
        depth = np.arange(1, len(values) + 1)
        shown = np.clip(np.abs(values), floor, None)
        style = theme.series_style(i, presentation)
        fig.add_trace(go.Scatter(x=depth, y=shown, mode="lines+markers", name=name, line=style["line"], marker=style["marker"]))
    fig.update_yaxes(type="log", title_text=y_title, exponentformat="power")
    fig.update_xaxes(title_text=x_title, dtick=1 if len(series) and len(series[0][1]) <= 20 else None)
    fig.update_layout(title_text=title)
    return theme.apply(fig, presentation)


def softmax_figure(
    logits: np.ndarray,
    probabilities: np.ndarray,
    class_names: list[str],
    titles: tuple[str, str],
    presentation: bool = False,
) -> go.Figure:
    """Logits (left) and softmax probabilities (right) as labelled bars."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles, horizontal_spacing=0.1)
    colors = [theme.OKABE_ITO[i % 8] for i in range(len(logits))]
    patterns = ["", "/", ".", "x", "-", "|", "+", "\\"]
    for col, values, fmt in ((1, logits, "{:.2f}"), (2, probabilities, "{:.3f}")):
        fig.add_trace(
            go.Bar(
                x=class_names, y=values, marker={"color": colors, "pattern": {"shape": patterns[: len(values)]}},
                text=[fmt.format(v) for v in values], textposition="outside", showlegend=False,
                cliponaxis=False,
            ),
            row=1, col=col,
        )
    span = max(1.0, float(np.max(np.abs(logits))))
    fig.update_yaxes(range=[min(0.0, float(np.min(logits))) - 0.25 * span, max(0.0, float(np.max(logits))) + 0.25 * span], row=1, col=1)
    fig.update_yaxes(range=[0, 1.15], row=1, col=2)
    fig.update_layout(margin={"t": 80})
    return theme.apply(fig, presentation)
