"""Figures of the Weight-initialisation page, from what nnviz.lessons.init computes.

Each builder takes the lesson's results, one labels object (already translated) and
presentation mode, so it works in a notebook and in either language of the app.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.figures import theme
from nnviz.figures.animation import AnimationLabels, add_controls, frame_steps
from nnviz.figures.format import num
from nnviz.lessons.init import (
    DepthStats,
    InitSummary,
    LayerHistograms,
    SymmetryComparison,
    SymmetryDemo,
)

MAX_COLUMNS = 10  # histogram panels per row: beyond that they get too narrow to read
MAX_FRAMES = 41  # animation frames for the symmetry demo
TICK_REACH = 0.7  # the outer ticks of a range [−m, m] sit at most this share of m from 0, clear of the panel's edge
# Blue (negative) – white (0) – red (positive), ColorBrewer RdBu. Spelled out because the
# unvalidated figure passes names straight to plotly.js, whose "RdBu" runs the other way.
DIVERGING = [[0.0, "#2166ac"], [0.25, "#67a9cf"], [0.5, "#f7f7f7"], [0.75, "#ef8a62"], [1.0, "#b2182b"]]


@dataclass(frozen=True)
class GridLabels:
    """What every histogram grid writes besides its value axis."""

    share_axis: str
    hover_range: str
    hover_share: str
    layer: str  # a panel title with {k}, the layer number


@dataclass(frozen=True)
class LayerHistogramLabels:
    value_axis: str  # what the values are: the activation_axis or gradient_axis text
    grid: GridLabels


@dataclass(frozen=True)
class CompareHistogramLabels:
    activation_axis: str
    grid: GridLabels


@dataclass(frozen=True)
class GradientStdLabels:
    grad_std_title: str
    std_axis_log: str
    layer_axis: str
    std_grad_a: str
    std_grad_z: str


@dataclass(frozen=True)
class CompareStdLabels:
    compare_std_title: str
    compare_grad_title: str
    std_axis_log: str
    layer_axis: str


@dataclass(frozen=True)
class SymmetryLabels:
    sym_constant: str  # the equal-weights panel's title, with its value filled in
    sym_random: str
    unit: str  # a row label with {j}, the hidden unit's number
    w_x1: str
    w_x2: str
    w_out: str
    animation: AnimationLabels


@dataclass(frozen=True)
class LossLabels:
    loss_title: str
    step_axis: str
    loss_axis: str
    sym_constant: str  # the equal-weights line's name, with its value filled in
    sym_random: str


@dataclass(frozen=True)
class HistPanel:
    """One histogram: counts over shared edges, ``total`` values it is a share of, and its title."""

    counts: np.ndarray
    edges: np.ndarray
    total: int
    title: str = ""


@dataclass(frozen=True)
class _Grid:
    """Where the panels of a histogram grid go (paper coordinates)."""

    n_rows: int
    n_cols: int
    has_titles: bool
    title_room: float
    hgap: float
    vgap: float
    col_w: float
    row_h: float

    def top(self, r: int) -> float:
        return round(1 - self.title_room - r * (self.row_h + self.vgap), 6)


def layer_columns(layers: int, max_columns: int = MAX_COLUMNS) -> list[int]:
    """Indices of the layers to show in one row: all of them, or ``max_columns`` evenly spaced ones
    that always include the first and the last layer."""
    if layers <= max_columns:
        return list(range(layers))
    return sorted({int(round(i)) for i in np.linspace(0, layers - 1, max_columns)})


def wrap_rows(items: list, max_columns: int = MAX_COLUMNS) -> list[list]:
    """Split ``items`` into rows of equal length (as equal as possible), at most ``max_columns`` each."""
    n_rows = max(1, -(-len(items) // max_columns))
    per_row = -(-len(items) // n_rows)
    return [items[i:i + per_row] for i in range(0, len(items), per_row)]


def layer_histograms_figure(hist: LayerHistograms, total: int, labels: LayerHistogramLabels,
                            presentation: bool = False) -> go.Figure:
    """Every layer's histogram (nnviz.lessons.init.LayerHistograms) in % of ``total``, wrapped into
    rows of at most MAX_COLUMNS panels titled by layer."""
    panels = [HistPanel(counts, hist.edges, total, labels.grid.layer.format(k=l + 1))
              for l, counts in enumerate(hist.counts)]
    rows = wrap_rows(panels)
    axis = scaled_title(labels.value_axis, float(hist.edges[0]), float(hist.edges[-1]), _narrow(max(map(len, rows))))
    return _histogram_grid(rows, axis, labels.grid, None, presentation)


def compare_histograms_figure(runs: list[tuple[str, InitSummary]], labels: CompareHistogramLabels,
                              drop_zero: bool = False, presentation: bool = False) -> go.Figure:
    """One row of activation histograms per named run (scheme), one column per layer of
    ``layer_columns``; column titles on the first row, the names in the left margin."""
    columns = layer_columns(runs[0][1].layers)
    rows = []
    for name, run in runs:
        hist = run.activation_histograms(drop_zero)
        rows.append([HistPanel(hist.counts[l], hist.edges, run.values_per_layer,
                               labels.grid.layer.format(k=l + 1) if not rows else "") for l in columns])
    return named_rows_figure([(name, row) for (name, _), row in zip(runs, rows)], labels, presentation)


def named_rows_figure(rows: list[tuple[str, list[HistPanel]]], labels: CompareHistogramLabels,
                      presentation: bool = False) -> go.Figure:
    """Rows of activation histograms, one per named run, each name in the left margin in its row's colour."""
    row_labels = [f"<b>{name}</b>".replace(" ", "<br>", 1) for name, _ in rows]
    return _histogram_grid([panels for _, panels in rows], labels.activation_axis, labels.grid, row_labels,
                           presentation)


def _ticks(lo: float, hi: float, narrow: bool) -> dict:
    """Ends and middle for the fixed ranges (0, 1) and (−1, 1); −v, 0, v for a range [−m, m] (gradients),
    in units of the power of ten that ``tick_power`` puts in the axis title (one digit in a ``narrow``
    panel, whose 0 is left unlabelled: it is the middle tick); otherwise three round ticks."""
    if (lo, hi) in ((0.0, 1.0), (-1.0, 1.0)):
        values = [lo, (lo + hi) / 2, hi]
        return {"tickvals": values, "ticktext": [f"{v:g}" for v in values]}
    if hi > 0 and lo == -hi:
        v, unit = symmetric_tick(hi), 10.0 ** tick_power(hi, narrow)
        return {"tickvals": [-v, 0.0, v], "ticktext": [num(-v / unit, 3), "" if narrow else "0", num(v / unit, 3)]}
    return {"nticks": 3, "exponentformat": "e"}


def _narrow(n_cols: int) -> bool:
    """Panels too narrow for a tick label of more than one digit beside the 0 (more than six in a row)."""
    return n_cols > 6


def symmetric_tick(m: float) -> float:
    """The largest of 1, 2, 3, 5 × 10ᵏ at most 0.7 m (so at least 0.35 m): a round tick well inside
    [−m, m], far enough from 0 that its label does not meet the label "0"."""
    reach = TICK_REACH * m
    k = math.floor(math.log10(reach))
    candidates = [d * 10.0**k if k >= 0 else d / 10.0**-k for d in (5, 3, 2, 1)]  # 5e-6, not 4.9999e-6
    return next(v for v in candidates if v <= reach)


def tick_power(m: float, narrow: bool = False) -> int:
    """The power of ten k the ticks of [−m, m] are written in (labels 5, 0, −5 and "×10ᵏ" in the axis
    title): 0 while the tick is between 0.01 and 1000, except in ``narrow`` panels (one digit each)."""
    k = math.floor(math.log10(symmetric_tick(m)))
    return k if narrow or k < -2 or k > 2 else 0


def scaled_title(title: str, lo: float, hi: float, narrow: bool = False) -> str:
    """``title`` with the power of ten of a range [−m, m]'s ticks, e.g. "gradient (×10<sup>−6</sup>)"."""
    k = tick_power(hi, narrow) if hi > 0 and lo == -hi else 0
    return title if k == 0 else f"{title} (×10<sup>{str(k).replace('-', '−')}</sup>)"


def _geometry(rows: list[list[HistPanel]]) -> _Grid:
    n_rows, n_cols = len(rows), max(len(r) for r in rows)
    has_titles = any(p.title for r in rows for p in r)
    title_room = 0.09 if has_titles else 0.0
    hgap = 0.012 if _narrow(n_cols) else 0.02
    vgap = (0.10 if has_titles else 0.05) if n_rows > 1 else 0.0
    return _Grid(n_rows, n_cols, has_titles, title_room, hgap, vgap, (1 - hgap * (n_cols - 1)) / n_cols,
                 (1 - title_room - vgap * (n_rows - 1)) / n_rows)


def _histogram_grid(rows: list[list[HistPanel]], value_axis: str, text: GridLabels, row_labels: list[str] | None,
                    presentation: bool) -> go.Figure:
    """Rows of histogram panels drawn as touching bars, in % of each panel's ``total``.

    Panels in a row share their y range (so a spike and a spread compare fairly) and are
    coloured by row. ``row_labels`` go in the left margin, one per row.
    """
    grid = _geometry(rows)
    data: list[dict] = []
    layout: dict = {"annotations": [], "bargap": 0, "showlegend": False}
    k = 0
    for r, row in enumerate(rows):
        color = theme.OKABE_ITO[r % 8] if row_labels else theme.OKABE_ITO[0]
        y_max = _row_height(row)
        for c, panel in enumerate(row):
            k += 1
            suffix = "" if k == 1 else str(k)
            data.append(_bars(panel, suffix, color, text))
            layout[f"xaxis{suffix}"], layout[f"yaxis{suffix}"] = _panel_axes(
                panel, grid, (r, c, suffix), y_max, (value_axis, text.share_axis), bool(row_labels), presentation)
            if panel.title:
                layout["annotations"].append(_panel_title(panel.title, grid, r, c, presentation))
        if row_labels:
            layout["annotations"].append(_row_label(row_labels[r], grid.top(r) - grid.row_h / 2, color, presentation))
    layout["annotations"] += _grid_titles(grid, value_axis, text.share_axis, bool(row_labels), presentation)
    _size(layout, grid, bool(row_labels), presentation)
    return theme.figure(data, layout, presentation)


def _shares(panel: HistPanel) -> np.ndarray:
    return 100 * panel.counts / max(panel.total, 1)


def _row_height(row: list[HistPanel]) -> float:
    """The y range a row's panels share: 8 % above the highest bar."""
    y_max = max(float(np.max(_shares(p))) for p in row) if row else 1.0
    return 1.08 * y_max if y_max > 0 else 1.0


def _bars(panel: HistPanel, suffix: str, color: str, text: GridLabels) -> dict:
    centres = (panel.edges[:-1] + panel.edges[1:]) / 2
    return {
        "type": "bar", "x": np.round(centres, 6), "y": np.round(_shares(panel), 4),
        "width": float(panel.edges[1] - panel.edges[0]), "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
        "marker": {"color": color, "line": {"color": "white", "width": 0.5}},
        "customdata": np.round(np.column_stack([panel.edges[:-1], panel.edges[1:]]), 6),
        "hovertemplate": f"{text.hover_range}: [%{{customdata[0]:.3g}}, %{{customdata[1]:.3g}})<br>"
                         f"{text.hover_share}: %{{y:.2f}} %<extra>{panel.title}</extra>",
    }


def _panel_axes(panel: HistPanel, grid: _Grid, where: tuple[int, int, str], y_max: float, titles: tuple[str, str],
                labelled: bool, presentation: bool) -> tuple[dict, dict]:
    """The x and y axis of the panel in row r, column c (axis suffix ``suffix``); titles = (value, share)."""
    r, c, suffix = where
    x0, top = c * (grid.col_w + grid.hgap), grid.top(r)
    lo, hi = float(panel.edges[0]), float(panel.edges[-1])
    tick_font = {"size": theme.font_size(presentation) - (3 if _narrow(grid.n_cols) else 1)}
    x_axis = {
        "domain": [round(x0, 6), min(1.0, round(x0 + grid.col_w, 6))], "anchor": f"y{suffix}", "range": [lo, hi],
        "showgrid": False, "zeroline": False, "tickfont": tick_font, "tickangle": 0,
        **_ticks(lo, hi, _narrow(grid.n_cols)),
        "title": {"text": titles[0] if r == grid.n_rows - 1 and c == 0 and grid.n_cols < 4 else ""},
    }
    y_axis = {
        "domain": [max(0.0, round(top - grid.row_h, 6)), top], "anchor": f"x{suffix}", "range": [0, y_max],
        "showticklabels": c == 0, "tickfont": tick_font, "zeroline": False,
        "title": {"text": titles[1] if c == 0 and not labelled else ""}, "nticks": 4,
    }
    return x_axis, y_axis


def _panel_title(title: str, grid: _Grid, r: int, c: int, presentation: bool) -> dict:
    return {"text": title, "x": c * (grid.col_w + grid.hgap) + grid.col_w / 2, "y": grid.top(r), "xref": "paper",
            "yref": "paper", "xanchor": "center", "yanchor": "bottom", "showarrow": False,
            "font": {"size": theme.subplot_title_size(presentation) - (4 if _narrow(grid.n_cols) else 0)}}


def _row_label(label: str, y: float, color: str, presentation: bool) -> dict:
    return {"text": label, "x": 0, "y": y, "xref": "paper", "yref": "paper", "xanchor": "right",
            "yanchor": "middle", "xshift": -50 if presentation else -40, "showarrow": False, "align": "right",
            "font": {"size": theme.font_size(presentation) + 1, "color": color}}


def _grid_titles(grid: _Grid, value_axis: str, share_axis: str, labelled: bool, presentation: bool) -> list[dict]:
    """The share unit once above the row labels, and one value title under a wide grid."""
    notes = []
    if labelled:
        notes.append({"text": share_axis, "x": 0, "y": 1, "xref": "paper", "yref": "paper", "xanchor": "right",
                      "yanchor": "bottom", "xshift": -10, "showarrow": False,
                      "font": {"size": theme.font_size(presentation) - 2, "color": "#555"}})
    if grid.n_cols >= 4:  # instead of a crowded title under every panel
        notes.append({"text": value_axis, "x": 0.5, "y": -0.02, "xref": "paper", "yref": "paper",
                      "xanchor": "center", "yanchor": "top", "yshift": -28 if presentation else -22,
                      "showarrow": False, "font": {"size": theme.font_size(presentation) + 1}})
    return notes


def _size(layout: dict, grid: _Grid, labelled: bool, presentation: bool) -> None:
    left = (250 if presentation else 190) if labelled else 70
    per_row = (240 if presentation else 200) if grid.n_rows > 1 else (380 if presentation else 330)
    layout["margin"] = {"l": left, "r": 15, "t": 30 if grid.has_titles else 15, "b": 85 if presentation else 70}
    layout["height"] = per_row * grid.n_rows + layout["margin"]["t"] + layout["margin"]["b"] + 40 * grid.has_titles


def _std_traces(series: list[tuple[str, np.ndarray]], panel: int, presentation: bool) -> list[dict]:
    """Lines of a per-layer std; zeros and non-finite values (an underflowed gradient) are gaps."""
    data = []
    for i, (name, values) in enumerate(series):
        style = theme.series_style(i, presentation)
        v = np.asarray(values, dtype=float)
        data.append({
            "type": "scatter", "x": list(range(1, len(v) + 1)),
            "y": [float(f"{x:.4g}") if np.isfinite(x) and x > 0 else None for x in v], "mode": "lines+markers",
            "name": name, "legendgroup": name, "showlegend": panel == 0, "line": style["line"],
            "marker": style["marker"], "xaxis": "x" if panel == 0 else "x2", "yaxis": "y" if panel == 0 else "y2",
            "hovertemplate": f"{name}<br>%{{x}}: %{{y:.3g}}<extra></extra>",
        })
    return data


def _log_layer_axes(layout: dict, suffix: str, y_title: str, x_title: str, depth: int) -> None:
    layout.setdefault(f"xaxis{suffix}", {}).update(
        title={"text": x_title}, dtick=1 if depth <= 10 else 2, range=[0.6, depth + 0.4])
    layout.setdefault(f"yaxis{suffix}", {}).update(title={"text": y_title}, type="log", exponentformat="power")


def _finish_std(layout: dict, legend_y: float, presentation: bool) -> None:
    layout["legend"] = {"orientation": "h", "yanchor": "bottom", "y": legend_y, "x": 0}
    layout["margin"] = {"t": 120 if presentation else 100}


def gradient_std_figure(stats: DepthStats, labels: GradientStdLabels, presentation: bool = False) -> go.Figure:
    """The std of ∂L/∂A and of ∂L/∂Z against the layer number, on a log scale."""
    data = _std_traces([(labels.std_grad_a, stats.grad_std), (labels.std_grad_z, stats.grad_z_std)], 0, presentation)
    layout = {"title": {"text": labels.grad_std_title}}
    _log_layer_axes(layout, "", labels.std_axis_log, labels.layer_axis, max(1, len(stats.std)))
    _finish_std(layout, 1.02, presentation)
    return theme.figure(data, layout, presentation)


def compare_std_figure(runs: list[tuple[str, DepthStats]], labels: CompareStdLabels,
                       presentation: bool = False) -> go.Figure:
    """Side by side on log scales: the activation std (left) and the std of ∂L/∂Z (right) by layer,
    one line per named run."""
    data = _std_traces([(name, s.std) for name, s in runs], 0, presentation)
    data += _std_traces([(name, s.grad_z_std) for name, s in runs], 1, presentation)
    layout = theme.side_by_side((labels.compare_std_title, labels.compare_grad_title), presentation, gap=0.1)
    depth = max([1, *(len(s.std) for _, s in runs)])
    for suffix in ("", "2"):
        _log_layer_axes(layout, suffix, labels.std_axis_log, labels.layer_axis, depth)
    _finish_std(layout, 1.1, presentation)
    return theme.figure(data, layout, presentation)


def _weight_matrices(comparison: SymmetryComparison) -> list[np.ndarray]:
    """Per demo, (steps + 1, H, 3): each hidden unit's weights from x₁ and x₂ and to the output."""
    return [np.concatenate([d.hidden_weights, d.output_weights[:, :, None]], axis=2)
            for d in (comparison.equal, comparison.random)]


def _heatmap(m: np.ndarray, p: int, last: bool, zmax: float, rows: list[str], columns: list[str],
             presentation: bool) -> dict:
    return {
        "type": "heatmap", "z": np.round(m, 3), "x": columns, "y": rows, "zmin": -zmax, "zmax": zmax,
        "colorscale": DIVERGING, "texttemplate": "%{z:.2f}",
        "textfont": {"size": theme.font_size(presentation) + (2 if presentation else 1)}, "xgap": 3, "ygap": 3,
        "showscale": last, "colorbar": {"thickness": 18 if presentation else 14, "len": 0.8},
        "xaxis": "x" if p == 0 else f"x{p + 1}", "yaxis": "y" if p == 0 else f"y{p + 1}",
        "hovertemplate": "%{y} · %{x}: %{z:.4f}<extra></extra>",
    }


def _heatmap_panels(titles: tuple[str, str], presentation: bool) -> dict:
    """Two heatmap panels side by side with their titles above, unit 1 on top."""
    layout: dict = {"annotations": []}
    gap = 0.12
    width = (1 - gap * (len(titles) - 1)) / len(titles)
    for p, title in enumerate(titles):
        suffix = "" if p == 0 else str(p + 1)
        x0 = p * (width + gap)
        layout[f"xaxis{suffix}"] = {"domain": [x0, x0 + width], "anchor": f"y{suffix}", "side": "top",
                                    "showgrid": False, "zeroline": False, "showline": False, "ticks": ""}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "autorange": "reversed", "showgrid": False,
                                    "zeroline": False, "showline": False, "ticks": "", "domain": [0, 0.86]}
        layout["annotations"].append({
            "text": f"<b>{title}</b>", "x": x0 + width / 2, "y": 1.0, "xref": "paper", "yref": "paper",
            "xanchor": "center", "yanchor": "bottom", "showarrow": False,
            "font": {"size": theme.subplot_title_size(presentation)},
        })
    return layout


def symmetry_figure(comparison: SymmetryComparison, labels: SymmetryLabels, presentation: bool = False) -> go.Figure:
    """Side-by-side heatmaps of each hidden unit's weights (equal start, random start), animated
    over the training steps.

    Row j is hidden unit j: its weights from x₁ and x₂ and its weight to the output. One
    colour scale (centred on 0, fixed over all steps) so colours compare across panels and
    frames; the values are printed in the cells. Play/Pause and a step slider run in the browser.
    """
    matrices = _weight_matrices(comparison)
    shown = frame_steps(matrices[0].shape[0] - 1, MAX_FRAMES)
    zmax = max(float(np.max(np.abs(m))) for m in matrices) or 1.0
    rows = [labels.unit.format(j=j + 1) for j in range(matrices[0].shape[1])]
    columns = [labels.w_x1, labels.w_x2, labels.w_out]
    data = [_heatmap(m[shown[-1]], p, p == len(matrices) - 1, zmax, rows, columns, presentation)
            for p, m in enumerate(matrices)]
    # Frames carry only what changes (z).
    frames = [{"name": str(s), "traces": list(range(len(matrices))),
               "data": [{"type": "heatmap", "z": np.round(m[s], 3)} for m in matrices]} for s in shown]
    layout = _heatmap_panels((labels.sym_constant, labels.sym_random), presentation)
    layout["margin"] = {"t": 90 if presentation else 75, "l": 110, "r": 20}
    layout["height"] = 530 if presentation else 430  # add_controls adds the room for the controls
    add_controls(layout, shown, labels.animation, presentation, redraw=True)
    return theme.figure(data, layout, presentation, frames=frames)


def loss_figure(comparison: SymmetryComparison, labels: LossLabels, presentation: bool = False) -> go.Figure:
    """Training loss against the step from equal and from random weights (log y)."""
    data = []
    demos: tuple[tuple[str, SymmetryDemo], ...] = ((labels.sym_constant, comparison.equal),
                                                   (labels.sym_random, comparison.random))
    for i, (name, demo) in enumerate(demos):
        data.append({"type": "scatter", "x": np.arange(len(demo.loss)), "y": np.round(demo.loss, 8), "mode": "lines",
                     "name": name, "line": theme.series_style(i, presentation)["line"]})
    layout = {
        "title": {"text": labels.loss_title},
        "xaxis": {"title": {"text": labels.step_axis}},
        "yaxis": {"title": {"text": labels.loss_axis}, "type": "log", "exponentformat": "power"},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        "height": 420 if presentation else 360,
    }
    return theme.figure(data, layout, presentation)
