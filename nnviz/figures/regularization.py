"""Figures of the Overfitting and regularisation page: train and test accuracy with the gap
between them shaded, weight histograms, and the hidden units one dropout step keeps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.figures import theme
from nnviz.figures.format import percent
from nnviz.lessons.regularization import Curves, Histograms

KEPT_SCALE = [[0.0, "#f2f2f2"], [0.5, "#f2f2f2"], [0.5, theme.OKABE_ITO[0]], [1.0, theme.OKABE_ITO[0]]]


@dataclass(frozen=True)
class GapLabels:
    epoch: str
    accuracy: str
    train: str
    test: str
    gap: str
    empty: str


@dataclass(frozen=True)
class WeightsLabels:
    weights_title: str
    weight: str
    share: str


@dataclass(frozen=True)
class MaskLabels:
    mask_title: str
    unit: str
    layer: str
    kept: str
    dropped: str


def _faint(color: str, alpha: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def _pair(curves: Curves, name: str, k: int, several: bool, labels: GapLabels, presentation: bool) -> list[dict]:
    """Train (solid) and test (dashed) accuracy of one net in its colour, the gap between them shaded."""
    color = theme.OKABE_ITO[k % 8]
    width = theme.line_width(presentation)
    prefix = f"{name} · " if several else ""
    common = {"type": "scatter", "x": curves.epochs, "mode": "lines", "legendgroup": f"net{k}"}
    return [
        {**common, "y": theme.rounded(curves.train, 4), "name": f"{prefix}{labels.train}",
         "line": {"color": color, "width": width, "dash": "solid"}},
        {**common, "y": theme.rounded(curves.test, 4), "name": f"{prefix}{labels.test}", "fill": "tonexty",
         "fillcolor": _faint(color, 0.14), "line": {"color": color, "width": width, "dash": "dash"}},
    ]


def _gap_note(curves: Curves, k: int, labels: GapLabels, presentation: bool) -> dict:
    """'gap 17.7 %' at the right end of the net's curves, between train and test."""
    middle = float(curves.train[-1] + curves.test[-1]) / 2
    return {"x": float(curves.epochs[-1]), "y": middle, "xanchor": "left", "xshift": 6, "showarrow": False,
            "text": f"{labels.gap} {percent(curves.gap)}", "bgcolor": "rgba(255,255,255,0.8)",
            "font": {"color": theme.OKABE_ITO[k % 8], "size": theme.font_size(presentation)}}


def gap_figure(runs: list[tuple[str, Curves]], epochs: int, labels: GapLabels,
               presentation: bool = False) -> go.Figure:
    """Accuracy per epoch of every net: train solid, test dashed, the train–test gap shaded and
    labelled at the last epoch. The x axis spans the whole planned run."""
    several = len(runs) > 1
    data: list[dict] = []
    notes: list[dict] = []
    for k, (name, curves) in enumerate(runs):
        data += _pair(curves, name, k, several, labels, presentation)
        if len(curves.epochs) > 1:
            notes.append(_gap_note(curves, k, labels, presentation))
    if all(len(curves.epochs) == 1 for _, curves in runs):
        notes.append({"text": labels.empty, "x": 0.5, "y": 0.5, "xref": "x domain", "yref": "y domain",
                      "showarrow": False, "bgcolor": "rgba(240,242,246,0.95)", "borderpad": 10,
                      "font": {"size": theme.font_size(presentation) + 2}})
    layout = {
        "xaxis": {"title": {"text": labels.epoch}, "range": [0, epochs * 1.12]},
        "yaxis": {"title": {"text": labels.accuracy}, "range": [0, 1.02], "tickformat": ".0%"},
        "annotations": notes,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "margin": {"t": 70 if presentation else 50},
    }
    return theme.figure(data, layout, presentation)


def weights_figure(hist: Histograms, names: list[str], labels: WeightsLabels, presentation: bool = False) -> go.Figure:
    """The share of each net's weights per bin, as step lines over the same bins."""
    centres = (hist.edges[:-1] + hist.edges[1:]) / 2
    data = []
    for k, (name, shares) in enumerate(zip(names, hist.shares)):
        style = theme.series_style(k, presentation)
        data.append({"type": "scatter", "x": theme.rounded(centres, 4), "y": theme.rounded(shares, 5), "name": name,
                     "mode": "lines", "line": {**style["line"], "shape": "hvh"}, "fill": "tozeroy",
                     "fillcolor": _faint(style["line"]["color"], 0.12)})
    layout = {
        "title": {"text": labels.weights_title},
        "xaxis": {"title": {"text": labels.weight}},
        "yaxis": {"title": {"text": labels.share}, "tickformat": ".0%", "rangemode": "tozero"},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "margin": {"t": 110 if presentation else 90},
    }
    return theme.figure(data, layout, presentation)


def mask_figure(masks: np.ndarray, labels: MaskLabels, presentation: bool = False) -> go.Figure:
    """One row per hidden layer, one cell per unit: kept (coloured) or dropped (pale)."""
    layers = [labels.layer.format(n=i) for i in range(1, masks.shape[0] + 1)]
    units = np.arange(1, masks.shape[1] + 1)
    hover = np.where(masks, labels.kept, labels.dropped)
    data = [{"type": "heatmap", "z": masks.astype(np.int8), "x": units, "y": layers, "zmin": 0, "zmax": 1,
             "colorscale": KEPT_SCALE, "showscale": False, "xgap": 1, "ygap": 3, "customdata": hover,
             "hovertemplate": "%{y}, " + labels.unit + " %{x}: %{customdata}<extra></extra>"}]
    layout = {
        "title": {"text": labels.mask_title},
        "xaxis": {"title": {"text": labels.unit}, "showgrid": False, "zeroline": False},
        "yaxis": {"autorange": "reversed", "showgrid": False, "zeroline": False},
        "height": (90 if presentation else 70) * masks.shape[0] + 140,
        "margin": {"t": 80 if presentation else 60},
    }
    return theme.figure(data, layout, presentation)
