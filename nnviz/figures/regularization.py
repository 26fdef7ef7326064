"""Figures of the Overfitting and regularisation page: train and test accuracy with the gap
between them shaded, weight histograms, and the hidden units one dropout step keeps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.figures import theme
from nnviz.figures.format import percent
from nnviz.figures.init import CompareHistogramLabels, HistPanel, named_rows_figure
from nnviz.lessons.regularization import ActivationHistograms, Curves, Histograms

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
    mask_subtitle: str
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
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "traceorder": "normal"},
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
        "legend": {"yanchor": "top", "y": 0.98, "xanchor": "right", "x": 0.98},
    }
    return theme.figure(data, layout, presentation)


def mask_figure(masks: np.ndarray, labels: MaskLabels, presentation: bool = False) -> go.Figure:
    """One row per hidden layer, one cell per unit: kept (coloured) or dropped (pale). The title
    stays short enough for a half-width chart; the share kept goes in the subtitle."""
    layers = [labels.layer.format(n=i) for i in range(1, masks.shape[0] + 1)]
    units = np.arange(1, masks.shape[1] + 1)
    hover = np.where(masks, labels.kept, labels.dropped)
    data = [{"type": "heatmap", "z": masks.astype(np.int8), "x": units, "y": layers, "zmin": 0, "zmax": 1,
             "colorscale": KEPT_SCALE, "showscale": False, "xgap": 1, "ygap": 3, "customdata": hover,
             "hovertemplate": "%{y}, " + labels.unit + " %{x}: %{customdata}<extra></extra>"}]
    layout = {
        "title": {"text": labels.mask_title, "subtitle": {"text": labels.mask_subtitle}},
        "xaxis": {"title": {"text": labels.unit}, "showgrid": False, "zeroline": False},
        "yaxis": {"autorange": "reversed", "showgrid": False, "zeroline": False},
        "height": (60 if presentation else 42) * masks.shape[0] + 170,
        "margin": {"t": 110 if presentation else 85},
    }
    return theme.figure(data, layout, presentation)


@dataclass(frozen=True)
class GridLabels:
    epoch_axis: str
    train_accuracy: str
    with_bn: str
    without_bn: str
    grid_title: str
    grid_empty: str


GRID_NARROW_PX = 430
"""The narrowest plot area (px) the batch-norm grid is laid out for: the main column at 1280×720
in presentation mode leaves its four columns of panels about 433 px (under 100 px a panel)."""
GRID_ACCURACY_TICKS = [0, 0.5, 1]


def _grid_axes(n: int, cols: int, epochs: int, gap: float = 0.045, col_gap: float = 0.07) -> dict:
    """Layout axes of n small panels in `cols` columns, sharing the y range 0…1. Only the outer
    panels label their axes, and with few ticks: the first and last epoch, 0 %, 50 % and 100 %,
    so a panel under 100 px wide stays legible on a projector; the columns stand far enough apart
    for one panel's last epoch and the next one's 0 to read as two numbers."""
    rows = -(-n // cols)
    width, height = (1 - col_gap * (cols - 1)) / cols, (1 - gap * 2 * (rows - 1)) / rows
    layout = {}
    for i in range(n):
        r, c = divmod(i, cols)
        suffix = "" if i == 0 else str(i + 1)
        top = 1 - r * (height + 2 * gap)
        left = c * (width + col_gap)
        layout[f"xaxis{suffix}"] = {"domain": [left, left + width], "anchor": f"y{suffix}",
                                    "range": [0, epochs], "tickmode": "array", "tickvals": [0, epochs],
                                    "showticklabels": i + cols >= n}
        layout[f"yaxis{suffix}"] = {"domain": [top - height, top], "anchor": f"x{suffix}", "range": [0, 1.05],
                                    "tickformat": ".0%", "showticklabels": c == 0, "tickmode": "array",
                                    "tickvals": GRID_ACCURACY_TICKS}
    return layout


def batchnorm_grid_figure(scales: list[float], runs: list[tuple[Curves, Curves]], epochs: int, labels: GridLabels,
                          presentation: bool = False) -> go.Figure:
    """The book's figure 6-19: one panel per initial weight std, training accuracy per epoch with
    batch norm (solid) and without (dashed). Each panel is labelled by its std alone (the title
    says once what the numbers are), so 16 labels fit four to a row in a half-width chart.
    Before training, each panel shows the untrained nets' accuracy at epoch 0 as a marker and the
    title says to press Start."""
    n = len(scales)
    cols = 4 if n > 4 else 2
    rows = -(-n // cols)
    layout = _grid_axes(n, cols, epochs)
    data, notes = [], []
    styles = (theme.series_style(0, presentation), theme.series_style(1, presentation))
    size = theme.font_size(presentation) - (2 if n > 8 else 0)
    untrained = all(len(c.epochs) == 1 for pair in runs for c in pair)
    for i, (std, (without, with_bn)) in enumerate(zip(scales, runs)):
        suffix = "" if i == 0 else str(i + 1)
        for j, (curves, name) in enumerate(((with_bn, labels.with_bn), (without, labels.without_bn))):
            data.append({"type": "scatter", "x": curves.epochs, "y": theme.rounded(curves.train, 4),
                         "mode": "lines+markers" if len(curves.epochs) == 1 else "lines", "cliponaxis": False,
                         "name": name, "legendgroup": name, "showlegend": i == 0, "line": styles[j]["line"],
                         "marker": styles[j]["marker"], "xaxis": f"x{suffix}", "yaxis": f"y{suffix}"})
        notes.append({"text": f"{std:.2g}", "xref": f"x{suffix} domain", "yref": f"y{suffix} domain",
                      "x": 0.5, "y": 1.0, "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                      "font": {"size": size}})
    top, bottom = (150, 90) if presentation else (115, 75)
    top += (35 if presentation else 25) if untrained else 0  # room for the subtitle
    panels = (230 if presentation else 170) * rows
    # The legend sits in pixels just above the first row's labels, the title above the legend.
    title = {"text": labels.grid_title, "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 10}}
    if untrained:
        title["subtitle"] = {"text": labels.grid_empty}
    layout.update(annotations=notes, title=title,
                  legend={"orientation": "h", "yanchor": "bottom", "y": 1 + 1.6 * size / panels, "x": 0},
                  height=panels + top + bottom,
                  margin={"t": top, "l": 110 if presentation else 95, "b": bottom})
    titles = {"xref": "paper", "yref": "paper", "showarrow": False, "font": {"size": theme.font_size(presentation)}}
    notes += [{**titles, "text": labels.epoch_axis, "x": 0.5, "y": 0, "yshift": -30, "yanchor": "top"},
              {**titles, "text": labels.train_accuracy, "x": 0, "xshift": -70, "xanchor": "right", "y": 0.5,
               "textangle": -90}]
    return theme.figure(data, layout, presentation)


@dataclass(frozen=True)
class SearchLabels:
    scatter_title: str
    lr: str
    decay: str
    val_accuracy: str
    curves_title: str
    epoch: str
    trial: str


def search_figure(lrs: np.ndarray, decays: np.ndarray, scores: np.ndarray, best: list[int], labels: SearchLabels,
                  presentation: bool = False) -> go.Figure:
    """Every trial at (lr, λ) on log axes, coloured by validation accuracy; the best ones ringed."""
    done = np.isfinite(scores)
    size = 16 if presentation else 12
    data = [
        {"type": "scatter", "x": theme.rounded(lrs[~done], 9), "y": theme.rounded(decays[~done], 11), "mode": "markers",
         "marker": {"color": "#bbbbbb", "size": size, "symbol": "circle-open"}, "hoverinfo": "skip",
         "showlegend": False},
        {"type": "scatter", "x": theme.rounded(lrs[done], 9), "y": theme.rounded(decays[done], 11), "mode": "markers",
         "customdata": theme.rounded(scores[done], 4), "showlegend": False,
         "hovertemplate": f"{labels.lr} %{{x:.2e}}<br>{labels.decay} %{{y:.2e}}<br>"
                          f"{labels.val_accuracy} %{{customdata:.1%}}<extra></extra>",
         "marker": {"color": theme.rounded(scores[done], 4), "cmin": 0, "cmax": 1, "colorscale": "Viridis",
                    "size": size, "line": {"width": 1, "color": "#333"},
                    "colorbar": {"title": {"text": labels.val_accuracy}, "tickformat": ".0%"}}},
        {"type": "scatter", "x": theme.rounded(lrs[best], 9), "y": theme.rounded(decays[best], 11), "mode": "markers",
         "marker": {"color": "rgba(0,0,0,0)", "size": size + 10, "line": {"width": 2.5, "color": theme.OKABE_ITO[1]}},
         "hoverinfo": "skip", "showlegend": False},
    ]
    layout = {"title": {"text": labels.scatter_title},
              "xaxis": {"title": {"text": labels.lr}, "type": "log", "exponentformat": "power"},
              "yaxis": {"title": {"text": labels.decay}, "type": "log", "exponentformat": "power"}}
    return theme.figure(data, layout, presentation)


def best_curves_figure(curves: list[tuple[str, np.ndarray]], epochs: int, labels: SearchLabels,
                       presentation: bool = False) -> go.Figure:
    """Validation accuracy per epoch of the best trials."""
    data = []
    for k, (name, values) in enumerate(curves):
        style = theme.series_style(k, presentation)
        data.append({"type": "scatter", "x": np.arange(1, len(values) + 1), "y": theme.rounded(values, 4),
                     "mode": "lines", "name": name, "line": style["line"]})
    layout = {"title": {"text": labels.curves_title},
              "xaxis": {"title": {"text": labels.epoch}, "range": [0, epochs]},
              "yaxis": {"title": {"text": labels.val_accuracy}, "range": [0, 1.02], "tickformat": ".0%"},
              "legend": {"orientation": "h", "yanchor": "top", "y": -0.3 if presentation else -0.25, "x": 0},
              "margin": {"b": 190 if presentation else 150}}
    return theme.figure(data, layout, presentation)


def activation_rows_figure(rows: list[tuple[str, ActivationHistograms]], labels: CompareHistogramLabels,
                           presentation: bool = False) -> go.Figure:
    """One row of per-layer activation histograms per net (the Init page's grid), each bar in % of
    all the layer's batch × units outputs; exact zeros and non-finite values are not drawn."""
    named = []
    for r, (name, hist) in enumerate(rows):
        titles = [labels.grid.layer.format(k=i + 1) if r == 0 else "" for i in range(len(hist.counts))]
        named.append((name, [HistPanel(counts, hist.edges, hist.per_layer, title)
                             for counts, title in zip(hist.counts, titles)]))
    return named_rows_figure(named, labels, presentation)
