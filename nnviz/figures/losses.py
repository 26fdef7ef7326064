"""Figures of the Loss-functions page, from what nnviz.lessons.losses computes.

Each builder takes plain data, one labels object (already translated) and presentation mode.
"""

from __future__ import annotations

import math

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.figures import theme
from nnviz.figures.format import num
from nnviz.lessons.losses import (
    BatchHistogram,
    BatchStudy,
    ClassificationCurves,
    OutlierFit,
    ResidualCurve,
    Saturation,
    SoftmaxLoss,
)

LEFT, RIGHT = {"xaxis": "x", "yaxis": "y"}, {"xaxis": "x2", "yaxis": "y2"}
PATTERNS = ["", "/", ".", "x", "-"]
OUTLIER_COLOR = theme.OKABE_ITO[1]
SPREAD_TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2]
LEGEND_ON_TOP = {"orientation": "h", "yanchor": "bottom", "y": 1.08, "x": 0}
LEGEND_BELOW = {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left"}
LEGEND_ROOM = 130  # px added to the figure's height for a legend below both panels


def value_text(value: float, digits: int = 4) -> str:
    """A loss or slope for a table: ∞ and −∞ where the formula diverges, else ``num``."""
    if value in (float("inf"), float("-inf")):
        return "∞" if value > 0 else "−∞"
    return num(value, digits)


def _marker_size(presentation: bool) -> int:
    return 13 if presentation else 9


def _on_top(layout: dict, presentation: bool) -> dict:
    """The legend in a row above both panels, with room for it."""
    layout.update(legend=LEGEND_ON_TOP, margin={"t": 115 if presentation else 95})
    return layout


def _below(layout: dict, presentation: bool) -> dict:
    """The legend along the bottom of the figure, below both panels' axis titles, where it cannot
    meet the subplot titles however many rows its entries wrap to; the figure grows to hold it."""
    layout.update(legend=LEGEND_BELOW, height=theme.height(presentation) + LEGEND_ROOM)
    return layout


def _vertical(x: float, xref: str, yref: str) -> dict:
    return {"type": "line", "x0": x, "x1": x, "xref": xref, "y0": 0, "y1": 1, "yref": f"{yref} domain",
            "line": {"color": "#666", "width": 1.5, "dash": "dot"}}


def _bar_style(i: int) -> dict:
    return {"color": theme.OKABE_ITO[i % 8], "pattern": {"shape": PATTERNS[i % len(PATTERNS)]},
            "line": {"color": "#222", "width": 0.5}}


# --- regression losses ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResidualLabels:
    plot_loss: str
    plot_slope: str
    residual_axis: str


def residual_figure(curves: list[tuple[str, ResidualCurve]], width: float, labels: ResidualLabels,
                    presentation: bool = False) -> go.Figure:
    """ℓ(r) (left) and ℓ′(r) (right) of each named curve; dotted lines at r = ±δ (= ±β)."""
    data = []
    for i, (name, c) in enumerate(curves):
        line = theme.series_style(i, presentation)["line"]
        for axes, values in ((LEFT, c.f), (RIGHT, c.df)):
            data.append({"type": "scatter", "x": theme.rounded(c.r, 4), "y": theme.rounded(values, 5), "mode": "lines",
                         "name": name, "legendgroup": name, "showlegend": axes is LEFT, "line": line, **axes})
    layout = theme.side_by_side((labels.plot_loss, labels.plot_slope), presentation)
    span = float(curves[0][1].r[-1]) if curves else 4.0
    for axis in ("xaxis", "xaxis2"):
        layout[axis].update(title={"text": labels.residual_axis}, range=[-span, span])
    layout["yaxis"]["range"] = [-0.3, 0.5 * span * span + 0.5]
    layout["yaxis2"]["range"] = [-span - 0.5, span + 0.5]
    layout["shapes"] = [_vertical(side * width, xref, yref) for side in (-1, 1) for xref, yref in (("x", "y"), ("x2", "y2"))]
    return theme.figure(data, _on_top(layout, presentation), presentation)


@dataclass(frozen=True)
class OutlierLabels:
    plot_fit: str
    plot_pulls: str
    points: str
    outlier: str
    start_line: str
    point_axis: str
    pull_axis: str


def outlier_figure(fit: OutlierFit, names: list[str], labels: OutlierLabels, presentation: bool = False) -> go.Figure:
    """Left: the points, the outlier and the line each loss reached (the start line dotted).
    Right: each point's pull −ℓ′(rᵢ) on its line, grouped by point."""
    n_clean = len(fit.x) - (1 if fit.has_outlier else 0)
    size = _marker_size(presentation)
    xs = np.array(fit.span)
    data = [{"type": "scatter", "x": fit.x[:n_clean], "y": fit.y[:n_clean], "mode": "markers", "name": labels.points,
             "marker": {"color": "#222", "size": size, "symbol": "circle"}}]
    if fit.has_outlier:
        data.append({"type": "scatter", "x": fit.x[-1:], "y": fit.y[-1:], "mode": "markers", "name": labels.outlier,
                     "marker": {"color": OUTLIER_COLOR, "size": size * 1.8, "symbol": "star",
                                "line": {"color": "#222", "width": 1}}})
    data.append({"type": "scatter", "x": xs, "y": fit.clean[0] * xs + fit.clean[1], "mode": "lines",
                 "name": labels.start_line, "line": {"color": "#888", "dash": "dot", "width": theme.line_width(presentation)}})
    for i, (name, line) in enumerate(zip(names, fit.lines)):
        data.append({"type": "scatter", "x": xs, "y": line.w * xs + line.b, "mode": "lines", "name": name,
                     "legendgroup": name, "line": theme.series_style(i, presentation)["line"]})
    categories = [str(i + 1) for i in range(n_clean)] + ([labels.outlier] if fit.has_outlier else [])
    for i, (name, line) in enumerate(zip(names, fit.lines)):
        data.append({"type": "bar", "x": categories, "y": theme.rounded(line.pulls, 4), "name": name,
                     "legendgroup": name, "showlegend": False, "marker": _bar_style(i), **RIGHT})
    layout = theme.side_by_side((labels.plot_fit, labels.plot_pulls), presentation, gap=0.1)
    spread = float(np.ptp(fit.y))
    layout["xaxis"].update(title={"text": "x"}, range=list(fit.span))
    layout["yaxis"].update(title={"text": "y"}, range=[float(fit.y.min()) - 0.25 * spread, float(fit.y.max()) + 0.25 * spread])
    layout["xaxis2"].update(title={"text": labels.point_axis}, type="category")
    layout["yaxis2"].update(title={"text": labels.pull_axis})
    layout["barmode"] = "group"
    return theme.figure(data, _on_top(layout, presentation), presentation)


# --- classification losses --------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassificationLabels:
    plot_multi: str
    plot_binary: str
    p_axis: str
    loss_axis: str
    ce_book: str
    ce_exact: str
    mse_book: str
    bce_one: str
    bce_zero: str
    chosen: str
    example: str


def _marks(p: float, values: list[float], name: str, axes: dict, presentation: bool, symbol: str = "circle") -> dict:
    return {"type": "scatter", "x": [p] * len(values), "y": values, "mode": "markers", "name": name,
            "marker": {"color": "#000", "size": _marker_size(presentation) * 1.3, "symbol": f"{symbol}-open",
                       "line": {"width": 3}}, **axes}


def classification_figure(curves: ClassificationCurves, p: float, example: tuple[float, float],
                          labels: ClassificationLabels, log_axis: bool, presentation: bool = False) -> go.Figure:
    """Left: −ln(p + δ), −ln p and the book's MSE against the probability of the true class, the
    chosen p and the notes' example (p, loss) marked. Right: binary cross-entropy for t = 1 and t = 0."""
    x = theme.f32(curves.p)
    series = [(labels.ce_book, curves.ce, LEFT, 0), (labels.ce_exact, curves.exact, LEFT, 1),
              (labels.mse_book, curves.mse, LEFT, 2), (labels.bce_one, curves.bce_one, RIGHT, 3),
              (labels.bce_zero, curves.bce_zero, RIGHT, 5)]
    data = [{"type": "scatter", "x": x, "y": theme.f32(values), "mode": "lines", "name": name,
             "line": theme.series_style(style, presentation)["line"], **axes} for name, values, axes, style in series]
    shown = max(p, float(curves.p[0]))
    at = lambda values: float(np.interp(shown, curves.p, values))  # noqa: E731 - the curve's value at p
    data.append(_marks(shown, [at(curves.ce), at(curves.mse)], labels.chosen, LEFT, presentation))
    data.append({**_marks(shown, [at(curves.bce_one), at(curves.bce_zero)], labels.chosen, RIGHT, presentation),
                 "showlegend": False})
    data.append(_marks(example[0], [example[1]], labels.example, LEFT, presentation, symbol="diamond"))
    layout = theme.side_by_side((labels.plot_multi, labels.plot_binary), presentation, gap=0.1)
    top = 24.0 if log_axis else 6.0
    layout["xaxis"].update(title={"text": labels.p_axis}, **({"type": "log", "exponentformat": "power", "dtick": 2}
                                                              if log_axis else {"range": [0, 1]}))
    layout["xaxis2"].update(title={"text": labels.p_axis}, range=[0, 1])
    layout["yaxis"].update(title={"text": labels.loss_axis}, range=[-0.2, top])
    layout["yaxis2"].update(range=[-0.2, 6.0])
    return theme.figure(data, _below(layout, presentation), presentation)


# --- softmax with cross-entropy ---------------------------------------------------------------------


@dataclass(frozen=True)
class SoftmaxLabels:
    plot_probabilities: str
    plot_gradients: str
    probability: str
    target: str
    ce_grad: str
    mse_grad: str


def softmax_figure(state: SoftmaxLoss, classes: list[str], labels: SoftmaxLabels,
                   presentation: bool = False) -> go.Figure:
    """Left: softmax probabilities as bars, the one-hot target as open markers. Right: the
    gradients with respect to the logits, (p − t) for cross-entropy beside Jᵀ(p − t) for MSE."""
    p = state.probabilities
    data = [
        {"type": "bar", "x": classes, "y": theme.rounded(p, 4), "name": labels.probability, "marker": _bar_style(0),
         "text": [num(v, 3) for v in p], "textposition": "outside", "cliponaxis": False, **LEFT},
        {"type": "scatter", "x": classes, "y": theme.rounded(state.target, 1), "mode": "markers", "name": labels.target,
         "marker": {"symbol": "line-ew-open", "size": 40 if presentation else 30, "color": "#000",
                    "line": {"width": 4 if presentation else 3}}, **LEFT},
    ]
    for i, (name, grad) in enumerate(((labels.ce_grad, state.ce_grad), (labels.mse_grad, state.mse_grad)), start=1):
        data.append({"type": "bar", "x": classes, "y": theme.rounded(grad, 4), "name": name, "marker": _bar_style(i),
                     "text": [num(v, 2) for v in grad], "textposition": "outside", "cliponaxis": False, **RIGHT})
    layout = theme.side_by_side((labels.plot_probabilities, labels.plot_gradients), presentation, gap=0.1)
    layout["yaxis"]["range"] = [0, 1.18]
    layout["yaxis2"]["range"] = [-1.25, 1.25]
    for axis in ("xaxis", "xaxis2"):
        layout[axis]["type"] = "category"  # the class names "1", "2", "3" are not numbers
    layout["barmode"] = "group"
    return theme.figure(data, _on_top(layout, presentation), presentation)


@dataclass(frozen=True)
class SaturationLabels:
    plot_saturation: str
    logit_axis: str
    push_axis: str
    ce: str
    mse: str
    current: str


def saturation_figure(sweep: Saturation, current: SoftmaxLoss, truth: int, labels: SaturationLabels,
                      presentation: bool = False) -> go.Figure:
    """−∂L/∂z_true against the true class's logit for CE and MSE, the current logits marked."""
    data = [{"type": "scatter", "x": theme.rounded(sweep.z, 3), "y": theme.rounded(values, 5), "mode": "lines",
             "name": name, "line": theme.series_style(i, presentation)["line"]}
            for i, (name, values) in enumerate(((labels.ce, sweep.ce), (labels.mse, sweep.mse)), start=1)]
    z = float(current.logits[truth])
    data.append(_marks(z, [-float(current.ce_grad[truth]), -float(current.mse_grad[truth])], labels.current, {},
                       presentation))
    layout = {"title": {"text": labels.plot_saturation},
              "xaxis": {"title": {"text": labels.logit_axis}, "range": [float(sweep.z[0]), float(sweep.z[-1])]},
              "yaxis": {"title": {"text": labels.push_axis}, "range": [-0.05, 1.1]},
              "legend": {"x": 0.99, "xanchor": "right", "y": 0.98}}
    return theme.figure(data, layout, presentation)


# --- mini-batch loss --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchLabels:
    plot_histogram: str
    plot_spread: str
    batch_mean_axis: str
    count_axis: str
    size_axis: str
    spread_axis: str
    batches: str
    normal: str
    full_mean: str
    measured: str
    theory: str
    chosen_size: str


def batch_figure(hist: BatchHistogram, study: BatchStudy, labels: BatchLabels, presentation: bool = False) -> go.Figure:
    """Left: histogram of the batch-mean losses for one size, the normal curve and the loss of the
    whole set. Right: their spread against the batch size (log–log), measured and σ/√B·√((N−B)/(N−1))."""
    centres = (hist.edges[:-1] + hist.edges[1:]) / 2
    sizes = np.array(study.sizes, dtype=float)
    chosen = study.sizes.index(hist.size)
    mean = study.samples.mean
    data = [
        {"type": "bar", "x": theme.rounded(centres, 5), "y": hist.counts, "width": float(hist.edges[1] - hist.edges[0]),
         "name": labels.batches, "marker": {"color": theme.OKABE_ITO[5], "line": {"color": "#222", "width": 0.5}}, **LEFT},
        {"type": "scatter", "x": theme.rounded(hist.curve_x, 5), "y": theme.rounded(hist.curve_counts, 3), "mode": "lines",
         "name": labels.normal, "line": theme.series_style(1, presentation)["line"], **LEFT},
        {"type": "scatter", "x": [mean, mean], "y": [0, 1.05 * float(hist.counts.max())], "mode": "lines",
         "name": labels.full_mean, "line": {"color": "#222", "dash": "dash", "width": theme.line_width(presentation)},
         **LEFT},
        {"type": "scatter", "x": sizes, "y": theme.rounded(study.theory, 6), "mode": "lines", "name": labels.theory,
         "line": theme.series_style(2, presentation)["line"], **RIGHT},
        {"type": "scatter", "x": sizes, "y": theme.rounded(study.measured, 6), "mode": "markers", "name": labels.measured,
         "marker": theme.series_style(0, presentation)["marker"], **RIGHT},
        {**_marks(hist.size, [float(study.measured[chosen])], labels.chosen_size, RIGHT, presentation), "showlegend": False},
    ]
    layout = theme.side_by_side((labels.plot_histogram, labels.plot_spread), presentation, gap=0.12)
    layout["xaxis"].update(title={"text": labels.batch_mean_axis})
    layout["yaxis"].update(title={"text": labels.count_axis})
    decades = [b for b in study.sizes if math.log10(b).is_integer()]  # 1 2 5 10 … crowd a narrow panel
    layout["xaxis2"].update(title={"text": labels.size_axis}, type="log", tickvals=decades)
    layout["yaxis2"].update(title={"text": labels.spread_axis}, type="log", exponentformat="power")
    layout["yaxis2"]["tickvals"] = SPREAD_TICKS
    return theme.figure(data, _on_top(layout, presentation), presentation)
