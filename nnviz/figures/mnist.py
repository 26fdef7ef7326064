"""Figures of the Live MNIST training page.

Builders take arrays from `nnviz.lessons.mnist` and already-translated text; they
know nothing of Streamlit and work in either language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.figures import theme

CHANCE_LOSS = math.log(10)
PATTERNS = ["", "/", "x", ".", "\\", "+"]
GREY_INK = [[0.0, "#ffffff"], [1.0, "#111111"]]
DIVERGING = [[0.0, "#0072B2"], [0.5, "#ffffff"], [1.0, "#D55E00"]]


@dataclass(frozen=True)
class LossLine:
    """One net's loss per iteration: raw mini-batch values and their smoothed curve."""

    name: str
    iterations: np.ndarray
    raw: np.ndarray
    smooth: np.ndarray


@dataclass(frozen=True)
class AccuracyLine:
    """One net's accuracy per epoch (epoch 0 = before training)."""

    name: str
    epochs: np.ndarray
    train: np.ndarray
    test: np.ndarray


@dataclass(frozen=True)
class CurveText:
    """Translated text of the training-curves figure."""

    loss_title: str
    accuracy_title: str
    iteration: str
    epoch: str
    loss: str
    accuracy: str
    raw: str
    smooth: str
    train: str
    test: str
    chance_loss: str
    chance_accuracy: str
    empty: str


def _axes(col: int) -> dict:
    return {"xaxis": "x", "yaxis": "y"} if col == 1 else {"xaxis": f"x{col}", "yaxis": f"y{col}"}


def _faint(color: str, alpha: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def curves_figure(losses: list[LossLine], accuracies: list[AccuracyLine], text: CurveText,
                  total_iters: int, epochs: int, changes: list[tuple[int, str]] | None = None,
                  presentation: bool = False) -> go.Figure:
    """Loss per iteration (left: raw faint, smoothed bold) and accuracy per epoch (right).

    One net: train and test accuracy (the book's figure). Several nets: their smoothed
    losses overlaid and their test accuracies. `changes` are (iteration, label) marks of
    live setting changes. The axes span the whole planned run, so the curves grow into them.
    """
    single = len(losses) == 1
    data: list[dict] = []
    width = theme.line_width(presentation)
    for i, line in enumerate(losses):
        style = theme.series_style(i, presentation)
        color = style["line"]["color"]
        data.append({"type": "scatter", "x": line.iterations, "y": np.round(line.raw, 4), "mode": "lines",
                     "name": text.raw if single else f"{line.name} · {text.raw}", "legendgroup": f"loss{i}",
                     "showlegend": single, "line": {"color": _faint(color, 0.3 if single else 0.18), "width": 1},
                     "hoverinfo": "x+y" if single else "skip"})
        data.append({"type": "scatter", "x": line.iterations, "y": np.round(line.smooth, 4), "mode": "lines",
                     "name": text.smooth if single else line.name, "legendgroup": f"loss{i}",
                     "line": {**style["line"], "width": width}})
    for i, acc in enumerate(accuracies):
        marker = theme.series_style(i, presentation)["marker"]
        if single:
            for j, (values, name) in enumerate(((acc.train, text.train), (acc.test, text.test))):
                style = theme.series_style(j + 1, presentation)
                data.append({"type": "scatter", "x": acc.epochs, "y": np.round(values, 4), "mode": "lines+markers",
                             "name": name, "line": style["line"], "marker": style["marker"], **_axes(2)})
        else:
            style = theme.series_style(i, presentation)
            data.append({"type": "scatter", "x": acc.epochs, "y": np.round(acc.test, 4), "mode": "lines+markers",
                         "name": acc.name, "showlegend": False, "legendgroup": f"loss{i}",
                         "line": style["line"], "marker": marker, **_axes(2)})
    peak = max((float(np.max(line.smooth)) for line in losses if len(line.smooth)), default=CHANCE_LOSS)
    top = max(2.6, 1.1 * peak) if math.isfinite(peak) else 2.6
    layout = theme.side_by_side((text.loss_title, text.accuracy_title), presentation, gap=0.1)
    layout["xaxis"].update(title={"text": text.iteration}, range=[0, max(total_iters, 1) * 1.02])
    layout["yaxis"].update(title={"text": text.loss}, range=[0, top])
    layout["xaxis2"].update(title={"text": text.epoch}, range=[-0.3, max(epochs, 1) + 0.3],
                            dtick=max(1, math.ceil(epochs / 10)))
    layout["yaxis2"].update(title={"text": text.accuracy}, range=[0, 1.02], tickformat=".0%")
    guide = {"color": "#777", "width": 1.5, "dash": "dot"}
    small = theme.font_size(presentation) - 2
    shapes = [
        {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": CHANCE_LOSS, "y1": CHANCE_LOSS,
         "line": guide},
        {"type": "line", "xref": "x2 domain", "x0": 0, "x1": 1, "yref": "y2", "y0": 0.1, "y1": 0.1, "line": guide},
    ]
    annotations = layout["annotations"] + [
        {"text": text.chance_loss, "xref": "x domain", "x": 0.99, "xanchor": "right", "yref": "y", "y": CHANCE_LOSS,
         "yanchor": "bottom", "showarrow": False, "font": {"size": small, "color": "#555"}},
        {"text": text.chance_accuracy, "xref": "x2 domain", "x": 0.99, "xanchor": "right", "yref": "y2", "y": 0.1,
         "yanchor": "bottom", "showarrow": False, "font": {"size": small, "color": "#555"}},
    ]
    for iteration, label in changes or []:
        shapes.append({"type": "line", "xref": "x", "x0": iteration, "x1": iteration, "yref": "y domain", "y0": 0,
                       "y1": 1, "line": {"color": "#444", "width": 1.5, "dash": "dash"}})
        annotations.append({"text": label, "xref": "x", "x": iteration, "xanchor": "left", "yref": "y domain",
                            "y": 0.97, "yanchor": "top", "showarrow": False, "textangle": 0,
                            "font": {"size": small, "color": "#222"}, "bgcolor": "rgba(255,255,255,0.8)"})
    if not any(len(line.raw) for line in losses):
        annotations.append({"text": text.empty, "xref": "x domain", "x": 0.5, "yref": "y domain", "y": 0.45,
                            "showarrow": False, "font": {"size": theme.font_size(presentation) + 2, "color": "#333"},
                            "bgcolor": "rgba(240,242,246,0.95)", "borderpad": 10})
    layout.update(shapes=shapes, annotations=annotations,
                  legend={"orientation": "h", "yanchor": "bottom", "y": 1.1, "x": 0},
                  margin={"t": 115 if presentation else 95})
    return theme.figure(data, layout, presentation)


def _image_axes(layout: dict, x: str, y: str) -> None:
    layout[x] = {**layout.get(x, {}), "visible": False, "constrain": "domain"}
    layout[y] = {**layout.get(y, {}), "visible": False, "autorange": "reversed", "scaleanchor": x.replace("axis", ""),
                 "constrain": "domain"}


def weights_figure(mosaic: np.ndarray, title: str, colorbar_ticks: tuple[str, str, str],
                   presentation: bool = False) -> go.Figure:
    """First-layer weights: one 28×28 tile per hidden unit, each scaled to its own max |w|."""
    data = [{"type": "heatmap", "z": np.round(mosaic, 3), "zmin": -1, "zmax": 1, "colorscale": DIVERGING,
             "hoverongaps": False, "hovertemplate": "%{z:.2f}<extra></extra>",
             "colorbar": {"tickvals": [-1, 0, 1], "ticktext": list(colorbar_ticks), "thickness": 18 if presentation else 14,
                          "len": 0.8}}]
    layout: dict = {"title": {"text": title}, "margin": {"l": 10, "r": 10, "t": 70 if presentation else 55, "b": 10}}
    _image_axes(layout, "xaxis", "yaxis")
    return theme.figure(data, layout, presentation)


def confusion_figure(cm: np.ndarray, title: str, x_title: str, y_title: str, hover: str,
                     presentation: bool = False) -> go.Figure:
    """Counts C[true, predicted]; the colour scale stops at the largest mistake so errors stand out."""
    off = cm.astype(float).copy()
    np.fill_diagonal(off, 0)
    zmax = max(float(off.max()), 1.0)
    labels = [str(k) for k in range(cm.shape[0])]
    data = [{"type": "heatmap", "z": cm, "x": labels, "y": labels, "zmin": 0, "zmax": zmax,
             "colorscale": [[0, "#ffffff"], [0.15, "#fde0c5"], [1, "#D55E00"]], "showscale": False,
             "texttemplate": "%{z}", "textfont": {"size": theme.font_size(presentation) - 1},
             "hovertemplate": hover + "<extra></extra>", "xgap": 1, "ygap": 1}]
    layout = {
        "title": {"text": title},
        "xaxis": {"title": {"text": x_title}, "side": "top", "showgrid": False, "zeroline": False, "type": "category",
                  "constrain": "domain"},
        "yaxis": {"title": {"text": y_title}, "autorange": "reversed", "showgrid": False, "zeroline": False,
                  "type": "category", "scaleanchor": "x", "constrain": "domain"},
        "plot_bgcolor": "#f4f4f4",
        "margin": {"l": 70, "r": 20, "t": 120 if presentation else 105, "b": 20},
    }
    return theme.figure(data, layout, presentation)


def digits_figure(mosaic: np.ndarray, captions: list[str], cols: int, tile: int, gap: int, title: str,
                  presentation: bool = False) -> go.Figure:
    """Digits in a grid (ink on white) with a caption under each (e.g. "7 → 1")."""
    data = [{"type": "heatmap", "z": np.round(mosaic, 3), "zmin": 0, "zmax": 1, "colorscale": GREY_INK,
             "showscale": False, "hoverinfo": "skip"}]
    annotations = []
    for k, caption in enumerate(captions):
        r, c = divmod(k, cols)
        annotations.append({"text": caption, "x": c * (tile + gap) + tile / 2 - 0.5, "y": r * (tile + gap) + tile + 0.5,
                            "xref": "x", "yref": "y", "yanchor": "top", "showarrow": False,
                            "font": {"size": theme.font_size(presentation), "color": "#222"}})
    layout: dict = {"title": {"text": title}, "annotations": annotations,
                    "margin": {"l": 10, "r": 10, "t": 70 if presentation else 55, "b": 10}}
    _image_axes(layout, "xaxis", "yaxis")
    rows = mosaic.shape[0]
    layout["yaxis"]["range"] = [rows + gap - 0.5, -0.5]
    layout["yaxis"].pop("autorange")
    return theme.figure(data, layout, presentation)


def prediction_figure(image: np.ndarray, probabilities: np.ndarray, true_label: int, titles: tuple[str, str],
                      x_title: str, y_title: str, true_text: str, presentation: bool = False) -> go.Figure:
    """A test digit (left) and the net's softmax probabilities (right); the true class is outlined,
    the predicted one coloured (green if right, vermillion if wrong)."""
    predicted = int(np.argmax(probabilities))
    right = predicted == true_label
    colors = ["#9ab6cf"] * len(probabilities)
    colors[predicted] = theme.OKABE_ITO[2] if right else theme.OKABE_ITO[1]
    outline = [(4 if presentation else 3) if k == true_label else 0 for k in range(len(probabilities))]
    patterns = ["" if k != predicted or right else "/" for k in range(len(probabilities))]
    labels = [str(k) for k in range(len(probabilities))]
    data = [
        {"type": "heatmap", "z": np.round(image, 3), "zmin": 0, "zmax": 1, "colorscale": GREY_INK, "showscale": False,
         "hoverinfo": "skip"},
        {"type": "bar", "x": labels, "y": np.round(probabilities, 4), "showlegend": False,
         "text": [f"{p:.0%}" if p >= 0.005 else "" for p in probabilities], "textposition": "outside",
         "cliponaxis": False, "marker": {"color": colors, "line": {"color": "#000", "width": outline},
                                          "pattern": {"shape": patterns, "fgcolor": "#ffffff", "fillmode": "overlay"}},
         "hovertemplate": "%{x}: %{y:.2%}<extra></extra>", **_axes(2)},
    ]
    layout = theme.side_by_side(titles, presentation, gap=0.08)
    layout["xaxis"]["domain"] = [0, 0.34]
    layout["xaxis2"]["domain"] = [0.42, 1]
    layout["annotations"][0]["x"] = 0.17
    layout["annotations"][1]["x"] = 0.71
    _image_axes(layout, "xaxis", "yaxis")
    layout["xaxis"]["anchor"] = "y"
    layout["xaxis2"].update(title={"text": x_title}, type="category")
    layout["yaxis2"].update(title={"text": y_title}, range=[0, 1.15], tickformat=".0%")
    layout["annotations"].append({"text": true_text, "xref": "x2", "x": labels[true_label], "yref": "paper", "y": -0.02,
                                  "yanchor": "top", "showarrow": False, "yshift": -38 if presentation else -30,
                                  "font": {"size": theme.font_size(presentation) - 2}})
    layout["margin"] = {"t": 80 if presentation else 70, "b": 95 if presentation else 80}
    return theme.figure(data, layout, presentation)


@dataclass(frozen=True)
class LayerBars:
    """Per-layer numbers of one net for the layer-statistics figure."""

    name: str
    layers: list[str]
    act_std: list[float]
    grad_rms: list[float | None]
    off: list[float | None]


def layers_figure(nets: list[LayerBars], titles: tuple[str, str, str], x_title: str,
                  presentation: bool = False) -> go.Figure:
    """Three panels of grouped bars per layer: activation std, gradient RMS (log), share switched off."""
    data = []
    for i, net in enumerate(nets):
        color = theme.OKABE_ITO[i % 8]
        marker = {"color": color, "pattern": {"shape": PATTERNS[i % len(PATTERNS)], "fgcolor": "#ffffff",
                                              "fillmode": "overlay", "size": 8}}
        for col, values in ((1, net.act_std), (2, net.grad_rms), (3, net.off)):
            ys = [None if v is None or not math.isfinite(v) else v for v in values]
            data.append({"type": "bar", "x": net.layers, "y": ys, "name": net.name, "legendgroup": net.name,
                         "showlegend": col == 1 and len(nets) > 1, "marker": marker,
                         "hovertemplate": "%{x}: %{y:.3g}<extra>" + net.name + "</extra>", **_axes(col)})
    gap = 0.07
    third = (1 - 2 * gap) / 3
    title_font = {"size": theme.subplot_title_size(presentation)}
    layout: dict = {"barmode": "group", "annotations": [], "bargap": 0.25}
    for k in range(3):
        lo = k * (third + gap)
        suffix = "" if k == 0 else str(k + 1)
        layout[f"xaxis{suffix}"] = {"domain": [lo, lo + third], "anchor": f"y{suffix}", "title": {"text": x_title},
                                    "type": "category"}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "rangemode": "tozero"}
        layout["annotations"].append({"text": titles[k], "x": lo + third / 2, "y": 1.0, "xref": "paper",
                                      "yref": "paper", "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                                      "font": title_font})
    layout["yaxis2"].update(type="log", exponentformat="power", rangemode=None)
    layout["yaxis3"].update(range=[0, 1.02], tickformat=".0%")
    layout["legend"] = {"orientation": "h", "yanchor": "bottom", "y": 1.1, "x": 0}
    layout["margin"] = {"t": 110 if presentation else 90}
    return theme.figure(data, layout, presentation)
