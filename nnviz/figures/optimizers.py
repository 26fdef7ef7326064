"""Figures of the Optimizers page: the race on a contour map (animated), small multiples,
loss curves, a 3-D view, learning-rate schedules and exponentially weighted averages.

Maps are drawn with nnviz.figures.maps (one colour scale, one contour rule) and animated with
nnviz.figures.animation. Every builder takes plain data or the lesson's dataclasses
(nnviz.lessons.optimizers), one labels object (already translated) and presentation mode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.figures import animation, maps, theme
from nnviz.figures.animation import AnimationLabels
from nnviz.lessons.optimizers import Grid, Scene, Smoothing

"""Path traces over all animation frames together: bounds the chart's JSON size."""
LOSS_FLOOR = 1e-16
RACE_SPLIT = 0.6
SURFACE_QUANTILE = 0.9
Axes = maps.Axes


@dataclass(frozen=True)
class PathSeries:
    """One optimizer's run as drawn: legend name, iterates on screen, f at every iterate, style index."""

    name: str
    points: np.ndarray
    values: np.ndarray
    style: int


@dataclass(frozen=True)
class MarkLabels:
    """The legend names of the markers on every map."""

    start: str
    minimum: str


@dataclass(frozen=True)
class RaceLabels:
    marks: MarkLabels
    animation: AnimationLabels
    iteration: str
    loss_gap: str
    loss_value: str
    map_title: str
    loss_title: str


@dataclass(frozen=True)
class MultiplesLabels:
    marks: MarkLabels


@dataclass(frozen=True)
class SurfaceLabels:
    surface_title: str


@dataclass(frozen=True)
class ScheduleLabels:
    marks: MarkLabels
    iteration: str
    lr_title: str
    path_title: str
    lr_axis: str


@dataclass(frozen=True)
class AveragingLabels:
    raw_title: str
    corrected_title: str
    day: str
    value: str
    data: str


def _window(values: np.ndarray) -> list[float]:
    return [float(np.min(values)), float(np.max(values))]


def _map(scene: Scene, labels: MarkLabels, presentation: bool, axes: Axes = maps.XY, legend: bool = True,
         lines: int = 22) -> list[dict]:
    """The contour map of f with the start and the minima on it."""
    grid = scene.grid
    return [
        maps.contour(grid.x, grid.y, grid.z, axes, lines=lines, presentation=presentation),
        maps.start(scene.start[0], scene.start[1], labels.start, axes, legend=legend, presentation=presentation),
        *maps.critical_points(scene.minima, {"min": labels.minimum}, axes, legend=legend,
                              presentation=presentation),
    ]


def _path(path: PathSeries, presentation: bool, axes: Axes = maps.XY, legend: bool = True) -> dict:
    return maps.path(path.points, path.name, path.style, axes, legend=legend, presentation=presentation)


def _loss_traces(paths: list[PathSeries], f_min: float | None, presentation: bool,
                 axes: Axes) -> tuple[list[dict], bool]:
    """f − f* (or f) against iteration; log scale unless f* is unknown and f goes to 0 or below."""
    gaps = [p.values - f_min if f_min is not None else p.values for p in paths]
    finite = np.concatenate([g[np.isfinite(g)] for g in gaps]) if gaps else np.empty(0)
    log = f_min is not None or (finite.size > 0 and bool(np.all(finite > 0)))
    data = []
    for path, gap in zip(paths, gaps):
        style = theme.series_style(path.style, presentation)
        y = np.maximum(gap, LOSS_FLOOR) if log else np.array(gap, dtype=float)
        y[~np.isfinite(y)] = np.nan
        data.append({
            "type": "scatter", "x": np.arange(len(y)), "y": y, "mode": "lines",
            "name": path.name, "legendgroup": path.name, "showlegend": False, "line": style["line"],
            "xaxis": axes[0], "yaxis": axes[1],
            "hovertemplate": f"{path.name}<br>k = %{{x}}: %{{y:.3g}}<extra></extra>",
        })
    return data, log


def _race_layout(grid: Grid, log: bool, known_min: bool, labels: RaceLabels, presentation: bool) -> dict:
    return {
        "xaxis": {"domain": [0, RACE_SPLIT], "range": _window(grid.x), "title": {"text": "x"}},
        "yaxis": {"range": _window(grid.y), "title": {"text": "y"}},
        "xaxis2": {"domain": [RACE_SPLIT + 0.08, 1], "anchor": "y2", "title": {"text": labels.iteration}},
        "yaxis2": {"anchor": "x2", "side": "right", "type": "log" if log else "linear", "exponentformat": "power",
                   "title": {"text": labels.loss_gap if known_min else labels.loss_value}},
        "annotations": [theme.subplot_title(text, x, presentation, lift=theme.TITLE_LIFT) for text, x in
                        ((labels.map_title, RACE_SPLIT / 2), (labels.loss_title, (RACE_SPLIT + 1.08) / 2))],
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.09, "x": 0},
        "margin": {"t": 115 if presentation else 95},
        "height": theme.height(presentation),
    }


def race_steps(steps: int, n_paths: int) -> list[int]:
    """The updates the animation shows: 0 … steps, within the one frame budget (figures.animation)."""
    return animation.growing_path_steps([steps + 1] * max(n_paths, 1))


def _frames(paths: list[PathSeries], first: int, ks: list[int]) -> list[dict]:
    """One frame per update k: every path up to its k-th iterate."""
    indices = list(range(first, first + len(paths)))
    coords = [(theme.plain(p.points[:, 0]), theme.plain(p.points[:, 1])) for p in paths]
    return [{"name": str(k), "traces": indices,
             "data": [{"type": "scatter", "x": x[: k + 1], "y": y[: k + 1]} for x, y in coords]}
            for k in ks]


def race_figure(scene: Scene, paths: list[PathSeries], f_min: float | None, steps: int, labels: RaceLabels,
                presentation: bool = False) -> go.Figure:
    """All paths on one contour map (left, animated with Play/Pause and a step slider)
    and f − f* against iteration (right, log scale)."""
    data = _map(scene, labels.marks, presentation)
    first_path = len(data)
    data += [_path(p, presentation) for p in paths]
    loss, log = _loss_traces(paths, f_min, presentation, ("x2", "y2"))
    data += loss
    layout = _race_layout(scene.grid, log, f_min is not None, labels, presentation)
    ks = race_steps(steps, len(paths))
    animation.add_controls(layout, ks, labels.animation, presentation)
    return theme.figure(data, layout, presentation, frames=_frames(paths, first_path, ks))


def multiples_figure(scene: Scene, paths: list[PathSeries], titles: list[str], labels: MultiplesLabels,
                     presentation: bool = False) -> go.Figure:
    """One contour panel per optimizer (the book's 2 × 2 figure for four), same axes everywhere."""
    n = max(len(paths), 1)
    cols = 2 if n <= 4 else 3
    rows = math.ceil(n / cols)
    gap_x, gap_y = 0.06, 0.2 if presentation else 0.16
    width, height = (1 - gap_x * (cols - 1)) / cols, (1 - gap_y * (rows - 1)) / rows
    data: list[dict] = []
    layout: dict = {"annotations": [], "showlegend": False,
                    "height": rows * (330 if presentation else 270) + 70, "margin": {"t": 50, "b": 40}}
    title_font = {"size": theme.subplot_title_size(presentation)}
    for i, path in enumerate(paths):
        r, c = divmod(i, cols)
        suffix = "" if i == 0 else str(i + 1)
        x0, y1 = c * (width + gap_x), 1 - r * (height + gap_y)
        y0, x1 = max(0.0, round(y1 - height, 6)), min(1.0, round(x0 + width, 6))
        axes = (f"x{suffix}", f"y{suffix}")
        data += _map(scene, labels.marks, presentation, axes, legend=False, lines=16)
        data.append(_path(path, presentation, axes, legend=False))
        layout[f"xaxis{suffix}"] = {"domain": [x0, x1], "anchor": axes[1], "range": _window(scene.grid.x)}
        layout[f"yaxis{suffix}"] = {"domain": [y0, y1], "anchor": axes[0], "range": _window(scene.grid.y)}
        layout["annotations"].append({"text": titles[i], "x": x0 + width / 2, "y": y1, "xref": "paper",
                                      "yref": "paper", "xanchor": "center", "yanchor": "bottom",
                                      "showarrow": False, "font": title_font})
    return theme.figure(data, layout, presentation)


def surface_figure(grid: Grid, paths: list[PathSeries], labels: SurfaceLabels,
                   presentation: bool = False) -> go.Figure:
    """f as a 3-D surface (cut off at its 90th percentile so valleys stay visible) with every path on it."""
    finite = grid.z[np.isfinite(grid.z)]
    cap = float(np.quantile(finite, SURFACE_QUANTILE)) if finite.size else 1.0
    data = [maps.surface(grid.x, grid.y, np.minimum(grid.z, cap))]
    for path in paths:
        style = theme.series_style(path.style, presentation)
        values = np.minimum(path.values[: len(path.points)], cap)
        data.append({"type": "scatter3d", "x": theme.plain(path.points[:, 0]), "y": theme.plain(path.points[:, 1]),
                     "z": theme.plain(values), "mode": "lines+markers", "name": path.name,
                     "line": {"color": style["line"]["color"], "width": 6 if presentation else 4},
                     "marker": {"color": style["marker"]["color"], "size": 3}})
    layout = {"title": {"text": labels.surface_title},
              "scene": {"xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}},
                        "zaxis": {"title": {"text": "f"}}, "camera": {"eye": {"x": -1.4, "y": -1.6, "z": 1.1}}},
              "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
              "margin": {"l": 0, "r": 0, "t": 90, "b": 0}}
    return theme.figure(data, layout, presentation)


def _rate_traces(rates: np.ndarray, base_lr: float, paths: list[PathSeries], presentation: bool) -> list[dict]:
    """The constant base rate and the scheduled rate (a step line) against update 1 … n."""
    t = list(range(1, len(rates) + 1))
    styles = [theme.series_style(p.style, presentation) for p in paths]
    return [
        {"type": "scatter", "x": t, "y": [base_lr] * len(t), "mode": "lines", "name": paths[0].name,
         "legendgroup": paths[0].name, "line": styles[0]["line"], "showlegend": False},
        {"type": "scatter", "x": t, "y": theme.plain(rates, 8), "mode": "lines", "name": paths[1].name,
         "legendgroup": paths[1].name, "line": dict(styles[1]["line"], shape="hv"), "showlegend": False},
    ]


def schedule_figure(rates: np.ndarray, base_lr: float, scene: Scene, paths: list[PathSeries],
                    labels: ScheduleLabels, presentation: bool = False) -> go.Figure:
    """Learning rate against update (left) and the path without and with the schedule (right).

    ``paths`` are the constant-rate run, then the scheduled one.
    """
    axes = ("x2", "y2")
    data = [*_rate_traces(rates, base_lr, paths, presentation), *_map(scene, labels.marks, presentation, axes),
            *[_path(p, presentation, axes) for p in paths]]
    layout = theme.side_by_side((labels.lr_title, labels.path_title), presentation, gap=0.1)
    layout["xaxis"].update(title={"text": labels.iteration})
    layout["yaxis"].update(title={"text": labels.lr_axis}, rangemode="tozero")
    layout["xaxis2"].update(range=_window(scene.grid.x), title={"text": "x"})
    layout["yaxis2"].update(range=_window(scene.grid.y), title={"text": "y"})
    layout.update(legend={"orientation": "h", "yanchor": "bottom", "y": 1.09, "x": 0},
                  margin={"t": 115 if presentation else 95})
    return theme.figure(data, layout, presentation)


def _averaging_traces(s: Smoothing, corrected: bool, labels: AveragingLabels, presentation: bool) -> list[dict]:
    axes = {"xaxis": "x2", "yaxis": "y2"} if corrected else {"xaxis": "x", "yaxis": "y"}
    days = s.days.tolist()
    data = [{"type": "scatter", "x": days, "y": theme.plain(s.data, 3), "mode": "markers",
             "name": labels.data, "legendgroup": "data", "showlegend": not corrected,
             "marker": {"color": "#888", "size": 9 if presentation else 6, "symbol": "circle"}, **axes}]
    for i, (beta, average) in enumerate(zip(s.betas, s.corrected if corrected else s.raw)):
        name = f"β = {beta}"
        data.append({"type": "scatter", "x": days, "y": theme.plain(average, 4), "mode": "lines", "name": name,
                     "legendgroup": name, "showlegend": not corrected,
                     "line": theme.series_style(i, presentation)["line"], **axes})
    return data


def averaging_figure(s: Smoothing, labels: AveragingLabels, presentation: bool = False) -> go.Figure:
    """The noisy series with its exponentially weighted averages: raw (left) and bias-corrected (right)."""
    data = _averaging_traces(s, False, labels, presentation) + _averaging_traces(s, True, labels, presentation)
    layout = theme.side_by_side((labels.raw_title, labels.corrected_title), presentation)
    low, high = min(0.0, float(np.min(s.data))), float(np.max(s.data)) * 1.08
    for axis in ("xaxis", "xaxis2"):
        layout[axis].update(title={"text": labels.day})
    for axis in ("yaxis", "yaxis2"):
        layout[axis].update(title={"text": labels.value}, range=[low, high])
    layout.update(legend={"orientation": "h", "yanchor": "bottom", "y": 1.09, "x": 0},
                  margin={"t": 115 if presentation else 95})
    return theme.figure(data, layout, presentation)
