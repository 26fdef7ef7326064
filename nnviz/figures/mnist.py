"""Figures of the Live MNIST training page, from what nnviz.lessons.mnist computes.

Each builder takes plain data (or the lesson's dataclasses), one labels object (already
translated) and presentation mode; they know nothing of Streamlit and work in either language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.figures import theme
from nnviz.figures.marks import Mark, change_marks, headroom
from nnviz.lessons.mnist import (CHANCE_ACCURACY, CHANCE_LOSS, DIGIT_COLS, DIGIT_GAP, DIGITS_SHOWN, Gallery,
                                 Prediction, Tiles)

PATTERNS = ["", "/", "x", ".", "\\", "+"]
GREY_INK = [[0.0, "#ffffff"], [1.0, "#111111"]]
DIVERGING = [[0.0, "#0072B2"], [0.5, "#ffffff"], [1.0, "#D55E00"]]
MISTAKES = [[0, "#ffffff"], [0.15, "#fde0c5"], [1, "#D55E00"]]
GUIDE = {"color": "#777", "width": 1.5, "dash": "dot"}
LOSS_FLOOR = 2.6
"""The loss axis reaches at least this high, so ln 10 ≈ 2.30 (guessing) is always in view."""


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
class CurvesLabels:
    loss_title: str
    acc_title: str
    iteration: str
    epoch: str
    loss: str
    accuracy: str
    raw: str
    smooth: str
    train: str
    test: str
    chance_loss: str
    chance_acc: str
    empty: str


@dataclass(frozen=True)
class WeightsLabels:
    weights_title: str
    neg: str
    pos: str


@dataclass(frozen=True)
class ConfusionLabels:
    confusion_title: str
    predicted: str
    true: str
    confusion_hover: str


@dataclass(frozen=True)
class MistakesLabels:
    mistakes_title: str


@dataclass(frozen=True)
class PredictionLabels:
    image_title: str
    probs_title: str
    digit: str
    probability: str
    true_mark: str


@dataclass(frozen=True)
class LayersLabels:
    act_std_title: str
    grad_title: str
    off_title: str
    hidden_layer: str


@dataclass(frozen=True)
class LayerBars:
    """Per-layer numbers of one net for the layer-statistics figure."""

    name: str
    layers: list[str]
    act_std: list[float | None]
    grad_rms: list[float | None]
    off: list[float | None]


def _axes(col: int) -> dict:
    return {"xaxis": "x", "yaxis": "y"} if col == 1 else {"xaxis": f"x{col}", "yaxis": f"y{col}"}


def _faint(color: str, alpha: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def _note(text: str, xref: str, x: float, yref: str, y: float, size: int, color: str, **more: object) -> dict:
    return {"text": text, "xref": xref, "x": x, "yref": yref, "y": y, "showarrow": False,
            "font": {"size": size, "color": color}, **more}


def _title(text: str, presentation: bool) -> dict:
    """A figure title as large as a subplot's: the figures of this page share a column, often half a screen."""
    return {"text": text, "font": {"size": theme.subplot_title_size(presentation)}}


def _title_margin(text: str, presentation: bool) -> int:
    """Room above the plot for a title of one or two lines: a one-line title (as in Chinese) gives
    its second line's height back to the chart, which then starts higher on a projector's screen."""
    lines = text.count("<br>") + 1
    return lines * (32 if presentation else 24) + (26 if presentation else 22)


def gallery_grid(presentation: bool = False) -> tuple[int, int, int]:
    """How many mistakes to show, in how many columns, how many pixels apart: fewer and larger
    on a projector, where "true → predicted" captions need room under each tile."""
    return (12, 4, 12) if presentation else (DIGITS_SHOWN, DIGIT_COLS, DIGIT_GAP)


# --- training curves ----------------------------------------------------------------------------


def curves_figure(losses: list[LossLine], accuracies: list[AccuracyLine], total_iters: int, epochs: int,
                  changes: list[Mark], labels: CurvesLabels, presentation: bool = False) -> go.Figure:
    """Loss per iteration (left: raw faint, smoothed bold) and accuracy per epoch (right).

    One net: train and test accuracy (the book's figure). Several nets: their smoothed
    losses overlaid and their test accuracies. `changes` are (iteration, label, hover text)
    marks of live setting changes (nnviz.figures.marks). The axes span the whole planned run,
    so the curves grow into them.
    """
    single = len(losses) == 1
    data = _loss_traces(losses, labels, presentation)
    data += _accuracy_traces(accuracies, labels, presentation) if single else _test_traces(accuracies, presentation)
    small = theme.font_size(presentation) - 2
    marks, mark_notes, rows = change_marks(changes, max(total_iters, 1) * 1.02, small)
    layout = _curves_layout(losses, total_iters, epochs, labels, presentation, rows)
    shapes, notes = _chance_guides(labels, small)
    annotations = layout["annotations"] + notes + mark_notes
    if not any(len(line.raw) for line in losses):
        annotations.append(_note(labels.empty, "x domain", 0.5, "y domain", 0.45, theme.font_size(presentation),
                                 "#333", bgcolor="rgba(240,242,246,0.95)", borderpad=8))
    layout.update(shapes=shapes + marks, annotations=annotations,
                  legend={"orientation": "h", "yanchor": "bottom", "y": 1.1, "x": 0},
                  margin={"t": 115 if presentation else 95})
    return theme.figure(data, layout, presentation)


def _loss_traces(losses: list[LossLine], labels: CurvesLabels, presentation: bool) -> list[dict]:
    """Per net: the raw mini-batch losses (faint) and their smoothed curve, grouped in the legend."""
    single = len(losses) == 1
    data: list[dict] = []
    for i, line in enumerate(losses):
        style = theme.series_style(i, presentation)
        color = style["line"]["color"]
        data.append({"type": "scatter", "x": line.iterations, "y": np.round(line.raw, 4), "mode": "lines",
                     "name": labels.raw if single else f"{line.name} · {labels.raw}", "legendgroup": f"loss{i}",
                     "showlegend": single, "line": {"color": _faint(color, 0.3 if single else 0.18), "width": 1},
                     "hoverinfo": "x+y" if single else "skip"})
        data.append({"type": "scatter", "x": line.iterations, "y": np.round(line.smooth, 4), "mode": "lines",
                     "name": labels.smooth if single else line.name, "legendgroup": f"loss{i}",
                     "line": {**style["line"], "width": theme.line_width(presentation)}})
    return data


def _accuracy_traces(accuracies: list[AccuracyLine], labels: CurvesLabels, presentation: bool) -> list[dict]:
    """One net: its train and test accuracy per epoch."""
    data = []
    for acc in accuracies:
        for j, (values, name) in enumerate(((acc.train, labels.train), (acc.test, labels.test))):
            style = theme.series_style(j + 1, presentation)
            data.append({"type": "scatter", "x": acc.epochs, "y": np.round(values, 4), "mode": "lines+markers",
                         "name": name, "line": style["line"], "marker": style["marker"], **_axes(2)})
    return data


def _test_traces(accuracies: list[AccuracyLine], presentation: bool) -> list[dict]:
    """Several nets: each one's test accuracy, in its loss curve's style and legend group."""
    data = []
    for i, acc in enumerate(accuracies):
        style = theme.series_style(i, presentation)
        data.append({"type": "scatter", "x": acc.epochs, "y": np.round(acc.test, 4), "mode": "lines+markers",
                     "name": acc.name, "showlegend": False, "legendgroup": f"loss{i}",
                     "line": style["line"], "marker": style["marker"], **_axes(2)})
    return data


def _curves_layout(losses: list[LossLine], total_iters: int, epochs: int, labels: CurvesLabels,
                   presentation: bool, mark_rows: int = 0) -> dict:
    """Both panels span the planned run; the loss axis reaches above the highest smoothed loss,
    and higher still by the rows of change labels, which then sit above every curve."""
    peak = max((float(np.max(line.smooth)) for line in losses if len(line.smooth)), default=CHANCE_LOSS)
    top = max(LOSS_FLOOR, 1.1 * peak) if math.isfinite(peak) else LOSS_FLOOR
    layout = theme.side_by_side((labels.loss_title, labels.acc_title), presentation, gap=0.1)
    layout["xaxis"].update(title={"text": labels.iteration}, range=[0, max(total_iters, 1) * 1.02])
    layout["yaxis"].update(title={"text": labels.loss}, range=[0, headroom(top, mark_rows)])
    layout["xaxis2"].update(title={"text": labels.epoch}, range=[-0.3, max(epochs, 1) + 0.3],
                            dtick=max(1, math.ceil(epochs / 10)))
    layout["yaxis2"].update(title={"text": labels.accuracy}, range=[0, 1.02], tickformat=".0%")
    return layout


def _chance_guides(labels: CurvesLabels, size: int) -> tuple[list[dict], list[dict]]:
    """Dotted lines at the loss and accuracy of guessing, each with its note."""
    shapes, notes = [], []
    for panel, level, text in (("", CHANCE_LOSS, labels.chance_loss), ("2", CHANCE_ACCURACY, labels.chance_acc)):
        shapes.append({"type": "line", "xref": f"x{panel} domain", "x0": 0, "x1": 1, "yref": f"y{panel}",
                       "y0": level, "y1": level, "line": GUIDE})
        notes.append(_note(text, f"x{panel} domain", 0.99, f"y{panel}", level, size, "#555",
                           xanchor="right", yanchor="bottom"))
    return shapes, notes


# --- images -------------------------------------------------------------------------------------


def _image_axes(layout: dict, x: str, y: str) -> None:
    """Hidden square-pixel axes; a picture narrower than its chart is tall sits at the top, under its
    title, not centred with the spare height above it (which would push it below a projector's fold)."""
    layout[x] = {**layout.get(x, {}), "visible": False, "constrain": "domain"}
    layout[y] = {**layout.get(y, {}), "visible": False, "autorange": "reversed", "scaleanchor": x.replace("axis", ""),
                 "constrain": "domain", "constraintoward": "top"}


def weights_figure(tiles: Tiles, labels: WeightsLabels, presentation: bool = False) -> go.Figure:
    """First-layer weights: one 28×28 tile per hidden unit, each scaled to its own max |w|."""
    data = [{"type": "heatmap", "z": np.round(tiles.mosaic, 3), "zmin": -1, "zmax": 1, "colorscale": DIVERGING,
             "hoverongaps": False, "hovertemplate": "%{z:.2f}<extra></extra>",
             "colorbar": {"tickvals": [-1, 0, 1], "ticktext": [labels.neg, "0", labels.pos],
                          "thickness": 18 if presentation else 14, "len": 0.8}}]
    layout: dict = {"title": _title(labels.weights_title, presentation),
                    "margin": {"l": 10, "r": 10, "t": 90 if presentation else 70, "b": 10}}
    _image_axes(layout, "xaxis", "yaxis")
    return theme.figure(data, layout, presentation)


def confusion_figure(cm: np.ndarray, labels: ConfusionLabels, presentation: bool = False) -> go.Figure:
    """Counts C[true, predicted]; the colour scale stops at the largest mistake so errors stand out."""
    off = cm.astype(float).copy()
    np.fill_diagonal(off, 0)
    zmax = max(float(off.max()), 1.0)
    digits = [str(k) for k in range(cm.shape[0])]
    data = [{"type": "heatmap", "z": cm, "x": digits, "y": digits, "zmin": 0, "zmax": zmax,
             "colorscale": MISTAKES, "showscale": False,
             "texttemplate": "%{z}", "textfont": {"size": theme.font_size(presentation) - 1},
             "hovertemplate": labels.confusion_hover + "<extra></extra>", "xgap": 1, "ygap": 1}]
    layout = {
        "title": _title(labels.confusion_title, presentation),
        "xaxis": {"title": {"text": labels.predicted}, "side": "bottom", "showgrid": False, "zeroline": False,
                  "type": "category", "constrain": "domain"},
        "yaxis": {"title": {"text": labels.true}, "autorange": "reversed", "showgrid": False, "zeroline": False,
                  "type": "category", "scaleanchor": "x", "constrain": "domain", "constraintoward": "top"},  # as _image_axes
        "plot_bgcolor": "#f4f4f4",
        "margin": {"l": 70, "r": 20, "t": _title_margin(labels.confusion_title, presentation), "b": 20},
    }
    return theme.figure(data, layout, presentation)


def digits_figure(gallery: Gallery, labels: MistakesLabels, presentation: bool = False) -> go.Figure:
    """Digits in a grid (ink on white), each captioned "true → predicted" underneath."""
    tiles = gallery.tiles
    data = [{"type": "heatmap", "z": np.round(tiles.mosaic, 3), "zmin": 0, "zmax": 1, "colorscale": GREY_INK,
             "showscale": False, "hoverinfo": "skip"}]
    annotations = []
    step = tiles.tile + tiles.gap
    for k, (truth, predicted) in enumerate(zip(gallery.truth, gallery.predicted)):
        r, c = divmod(k, tiles.cols)
        annotations.append(_note(f"{truth} → {predicted}", "x", c * step + tiles.tile / 2 - 0.5, "y",
                                 r * step + tiles.tile + 0.5, theme.font_size(presentation), "#222", yanchor="top"))
    layout: dict = {"title": _title(labels.mistakes_title, presentation), "annotations": annotations,
                    "margin": {"l": 10, "r": 10, "t": _title_margin(labels.mistakes_title, presentation), "b": 10}}
    _image_axes(layout, "xaxis", "yaxis")
    layout["yaxis"]["range"] = [tiles.mosaic.shape[0] + tiles.gap - 0.5, -0.5]
    layout["yaxis"].pop("autorange")
    return theme.figure(data, layout, presentation)


def prediction_figure(prediction: Prediction, labels: PredictionLabels, presentation: bool = False) -> go.Figure:
    """A test digit (left) and the net's softmax probabilities (right); the true class is outlined,
    the predicted one coloured (green if right, vermillion and hatched if wrong)."""
    probabilities, truth, predicted = prediction.probabilities, prediction.truth, prediction.predicted
    n = len(probabilities)
    colors = ["#9ab6cf"] * n
    colors[predicted] = theme.OKABE_ITO[2] if prediction.right else theme.OKABE_ITO[1]
    outline = [(4 if presentation else 3) if k == truth else 0 for k in range(n)]
    patterns = ["" if k != predicted or prediction.right else "/" for k in range(n)]
    digits = [str(k) for k in range(n)]
    data = [
        {"type": "heatmap", "z": np.round(prediction.image, 3), "zmin": 0, "zmax": 1, "colorscale": GREY_INK,
         "showscale": False, "hoverinfo": "skip"},
        {"type": "bar", "x": digits, "y": np.round(probabilities, 4), "showlegend": False,
         "text": [f"{p:.0%}" if p >= 0.005 else "" for p in probabilities], "textposition": "outside",
         "cliponaxis": False, "marker": {"color": colors, "line": {"color": "#000", "width": outline},
                                          "pattern": {"shape": patterns, "fgcolor": "#ffffff", "fillmode": "overlay"}},
         "hovertemplate": "%{x}: %{y:.2%}<extra></extra>", **_axes(2)},
    ]
    layout = theme.side_by_side((labels.image_title, labels.probs_title), presentation, gap=0.08)
    layout["xaxis"]["domain"] = [0, 0.34]
    layout["xaxis2"]["domain"] = [0.42, 1]
    layout["annotations"][0]["x"] = 0.17
    layout["annotations"][1]["x"] = 0.71
    _image_axes(layout, "xaxis", "yaxis")
    layout["xaxis"]["anchor"] = "y"
    layout["xaxis2"].update(title={"text": labels.digit}, type="category")
    layout["yaxis2"].update(title={"text": labels.probability}, range=[0, 1.15], tickformat=".0%")
    layout["annotations"].append({"text": labels.true_mark, "xref": "x2", "x": digits[truth], "yref": "paper",
                                  "y": -0.02, "yanchor": "top", "showarrow": False,
                                  "yshift": -38 if presentation else -30,
                                  "font": {"size": theme.font_size(presentation) - 2}})
    layout["margin"] = {"t": 95 if presentation else 75, "b": 95 if presentation else 80}
    return theme.figure(data, layout, presentation)


# --- layer statistics ---------------------------------------------------------------------------


def layers_figure(nets: list[LayerBars], labels: LayersLabels, presentation: bool = False) -> go.Figure:
    """Three panels of grouped bars per layer: activation std, gradient RMS (log), share switched off."""
    data = []
    for i, net in enumerate(nets):
        marker = {"color": theme.OKABE_ITO[i % 8], "pattern": {"shape": PATTERNS[i % len(PATTERNS)],
                                                                "fgcolor": "#ffffff", "fillmode": "overlay", "size": 8}}
        for col, values in ((1, net.act_std), (2, net.grad_rms), (3, net.off)):
            ys = [None if v is None or not math.isfinite(v) else v for v in values]
            data.append({"type": "bar", "x": net.layers, "y": ys, "name": net.name, "legendgroup": net.name,
                         "showlegend": col == 1 and len(nets) > 1, "marker": marker,
                         "hovertemplate": "%{x}: %{y:.3g}<extra>" + net.name + "</extra>", **_axes(col)})
    layout = _three_panels((labels.act_std_title, labels.grad_title, labels.off_title), labels.hidden_layer,
                           presentation)
    layout["yaxis2"].update(type="log", exponentformat="power", rangemode=None)
    layout["yaxis3"].update(range=[0, 1.02], tickformat=".0%")
    layout["legend"] = {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0}
    layout["margin"] = {"t": 90 if presentation else 70}
    return theme.figure(data, layout, presentation)


def _three_panels(titles: tuple[str, str, str], x_title: str, presentation: bool) -> dict:
    """Layout of three category panels in a row (x/y, x2/y2, x3/y3), each with its title; the gaps hold
    the next panel's y tick labels ("10⁻⁴", "100%"), larger in presentation mode."""
    gap = 0.11 if presentation else 0.07
    third = (1 - 2 * gap) / 3
    title_font = {"size": theme.font_size(presentation)}
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
    return layout
