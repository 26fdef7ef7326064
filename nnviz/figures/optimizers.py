"""Figures of the Optimizers page: the race on a contour map (animated), small multiples,
loss curves, a 3-D view, learning-rate schedules and exponentially weighted averages.

Builders take plain arrays and already-translated text (``labels``), never Streamlit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.figures import theme

# Total path traces over all animation frames: bounds the chart's JSON size.
FRAME_TRACE_BUDGET = 240
MAP_COLORSCALE = [[0.0, "#ffffff"], [1.0, "#c9d3dc"]]
LOSS_FLOOR = 1e-16


@dataclass(frozen=True)
class PathSeries:
    """One optimizer's run as drawn: legend name, iterates on screen, f at every iterate, style index."""

    name: str
    points: np.ndarray
    values: np.ndarray
    style: int


@dataclass(frozen=True)
class Grid:
    """f sampled on a regular grid (rows follow y), for contour and surface plots."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray


def _a(values: np.ndarray, digits: int = 4) -> np.ndarray:
    """Rounded floats as an array (sent as a typed array; NaN draws a gap)."""
    with np.errstate(all="ignore"):
        out = np.round(np.asarray(values, dtype=float), digits)
    out[~np.isfinite(out)] = np.nan
    return out


def _r(values: np.ndarray, digits: int = 4) -> list:
    """Rounded floats as a list, non-finite values as None (gaps)."""
    arr = np.round(np.asarray(values, dtype=float), digits)
    return [None if not math.isfinite(v) else v for v in arr.tolist()]


def contour_levels(z: np.ndarray) -> np.ndarray:
    """What the contour map shows: log(1 + f − min f), so narrow valleys and wide plateaus both get lines."""
    finite = z[np.isfinite(z)]
    low = float(finite.min()) if finite.size else 0.0
    with np.errstate(all="ignore"):
        return np.log1p(np.maximum(z - low, 0.0))


def _contour(grid: Grid, xaxis: str = "x", yaxis: str = "y", lines: int = 22) -> dict:
    shown = contour_levels(grid.z)
    finite = shown[np.isfinite(shown)]
    top = float(finite.max()) if finite.size else 1.0
    return {
        "type": "contour", "x": _a(grid.x), "y": _a(grid.y), "z": np.round(shown, 3).astype(np.float32),
        "colorscale": MAP_COLORSCALE, "showscale": False, "hoverinfo": "skip", "xaxis": xaxis, "yaxis": yaxis,
        "contours": {"coloring": "fill", "start": 0, "end": top, "size": max(top / lines, 1e-9)},
        "line": {"color": "#8d99a6", "width": 1},
    }


def _landmarks(start: tuple[float, float], minima: list[tuple[float, float]], labels: dict, presentation: bool,
               xaxis: str = "x", yaxis: str = "y", legend: bool = True) -> list[dict]:
    size = 16 if presentation else 12
    data = [{
        "type": "scatter", "x": [start[0]], "y": [start[1]], "mode": "markers", "name": labels["start"],
        "marker": {"symbol": "circle-open", "size": size + 4, "color": "#000", "line": {"width": 3}},
        "xaxis": xaxis, "yaxis": yaxis, "showlegend": legend, "legendgroup": "start",
    }]
    if minima:
        data.append({
            "type": "scatter", "x": [m[0] for m in minima], "y": [m[1] for m in minima], "mode": "markers",
            "name": labels["minimum"], "marker": {"symbol": "star", "size": size + 6, "color": "#000"},
            "xaxis": xaxis, "yaxis": yaxis, "showlegend": legend, "legendgroup": "minimum",
        })
    return data


def _path_trace(path: PathSeries, presentation: bool, xaxis: str = "x", yaxis: str = "y",
                legend: bool = True, upto: int | None = None) -> dict:
    style = theme.series_style(path.style, presentation)
    pts = path.points if upto is None else path.points[: upto + 1]
    marker = dict(style["marker"], size=8 if presentation else 6)
    return {
        "type": "scatter", "x": _a(pts[:, 0]), "y": _a(pts[:, 1]), "mode": "lines+markers", "name": path.name,
        "legendgroup": path.name, "showlegend": legend, "line": style["line"], "marker": marker,
        "xaxis": xaxis, "yaxis": yaxis, "hovertemplate": f"{path.name}<br>(%{{x:.3f}}, %{{y:.3f}})<extra></extra>",
    }


def frame_steps(steps: int, n_paths: int) -> list[int]:
    """The steps shown by the animation frames: 0 … steps, at most FRAME_TRACE_BUDGET path traces in all."""
    count = min(steps, max(10, FRAME_TRACE_BUDGET // max(n_paths, 1)))
    return sorted({int(round(k)) for k in np.linspace(0, steps, count + 1)})


def _animation(ks: list[int], labels: dict, presentation: bool) -> dict:
    """Play (from step 0) / Pause buttons and a step slider, for frames named by their step."""
    size = theme.font_size(presentation)
    names = [str(k) for k in ks]
    duration = max(60, min(400, 6000 // max(len(ks), 1)))
    play = {"frame": {"duration": duration, "redraw": False}, "transition": {"duration": 0}, "mode": "immediate"}
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}
    return {
        "updatemenus": [{
            "type": "buttons", "direction": "left", "showactive": False, "x": 0, "y": -0.2,
            "xanchor": "left", "yanchor": "top", "pad": {"r": 10, "t": 0}, "font": {"size": size},
            "buttons": [
                {"label": f"▶ {labels['play']}", "method": "animate", "args": [names, play]},
                {"label": f"❚❚ {labels['pause']}", "method": "animate", "args": [[None], pause]},
            ],
        }],
        "sliders": [{
            "active": len(ks) - 1, "x": 0.17, "len": 0.83, "y": -0.15, "yanchor": "top", "pad": {"t": 0, "b": 0},
            "currentvalue": {"prefix": f"{labels['step']} ", "font": {"size": size}}, "font": {"size": size - 2},
            "steps": [{"label": n, "method": "animate",
                       "args": [[n], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}]}
                      for n in names],
        }],
    }


def _loss_traces(paths: list[PathSeries], f_min: float | None, presentation: bool,
                 xaxis: str, yaxis: str) -> tuple[list[dict], bool]:
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
            "xaxis": xaxis, "yaxis": yaxis, "hovertemplate": f"{path.name}<br>k = %{{x}}: %{{y:.3g}}<extra></extra>",
        })
    return data, log


def race_figure(grid: Grid, paths: list[PathSeries], start: tuple[float, float],
                minima: list[tuple[float, float]], f_min: float | None, steps: int, labels: dict,
                presentation: bool = False, animate: bool = True) -> go.Figure:
    """All paths on one contour map (left, animated with Play/Pause and a step slider)
    and f − f* against iteration (right, log scale)."""
    data = [_contour(grid)] + _landmarks(start, minima, labels, presentation)
    first_path = len(data)
    data += [_path_trace(p, presentation) for p in paths]
    loss, log = _loss_traces(paths, f_min, presentation, "x2", "y2")
    data += loss
    split = 0.6
    title_font = {"size": theme.subplot_title_size(presentation)}
    layout = {
        "xaxis": {"domain": [0, split], "range": list(grid_range(grid.x)), "title": {"text": "x"}},
        "yaxis": {"range": list(grid_range(grid.y)), "title": {"text": "y"}},
        "xaxis2": {"domain": [split + 0.08, 1], "anchor": "y2", "title": {"text": labels["iteration"]}},
        "yaxis2": {"anchor": "x2", "type": "log" if log else "linear", "exponentformat": "power",
                   "title": {"text": labels["loss_gap"] if f_min is not None else labels["loss_value"]}},
        "annotations": [
            {"text": text, "x": x, "y": 1.0, "xref": "paper", "yref": "paper", "xanchor": "center",
             "yanchor": "bottom", "showarrow": False, "font": title_font}
            for text, x in ((labels["map_title"], split / 2), (labels["loss_title"], (split + 1.08) / 2))
        ],
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.09, "x": 0},
        "margin": {"t": 115 if presentation else 95, "b": 150 if animate else 50},
        "height": theme.height(presentation) + (100 if animate else 0),
    }
    if not animate:
        return theme.figure(data, layout, presentation)
    ks = frame_steps(steps, len(paths))
    layout.update(_animation(ks, labels, presentation))
    indices = list(range(first_path, first_path + len(paths)))
    frames = [
        {"name": str(k), "traces": indices,
         "data": [{"type": "scatter", "x": _r(p.points[: k + 1, 0]), "y": _r(p.points[: k + 1, 1])} for p in paths]}
        for k in ks
    ]
    return theme.figure(data, layout, presentation, frames=frames)


def grid_range(values: np.ndarray) -> tuple[float, float]:
    return float(np.min(values)), float(np.max(values))


def multiples_figure(grid: Grid, paths: list[PathSeries], titles: list[str], start: tuple[float, float],
                     minima: list[tuple[float, float]], labels: dict, presentation: bool = False) -> go.Figure:
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
        xa, ya = f"x{suffix}", f"y{suffix}"
        data.append(_contour(grid, xa, ya, lines=16))
        data += _landmarks(start, minima, labels, presentation, xa, ya, legend=False)
        data.append(_path_trace(path, presentation, xa, ya, legend=False))
        layout[f"xaxis{suffix}"] = {"domain": [x0, x1], "anchor": ya, "range": list(grid_range(grid.x))}
        layout[f"yaxis{suffix}"] = {"domain": [y0, y1], "anchor": xa, "range": list(grid_range(grid.y))}
        layout["annotations"].append({"text": titles[i], "x": x0 + width / 2, "y": y1, "xref": "paper",
                                      "yref": "paper", "xanchor": "center", "yanchor": "bottom",
                                      "showarrow": False, "font": title_font})
    return theme.figure(data, layout, presentation)


def surface_figure(grid: Grid, paths: list[PathSeries], labels: dict, presentation: bool = False) -> go.Figure:
    """f as a 3-D surface (cut off at its 90th percentile so valleys stay visible) with every path on it."""
    finite = grid.z[np.isfinite(grid.z)]
    cap = float(np.quantile(finite, 0.9)) if finite.size else 1.0
    z = np.minimum(grid.z, cap)
    data = [{"type": "surface", "x": _r(grid.x), "y": _r(grid.y), "z": np.round(z, 4).astype(np.float32),
             "colorscale": "Cividis", "opacity": 0.85, "showscale": False, "hoverinfo": "skip"}]
    for path in paths:
        style = theme.series_style(path.style, presentation)
        values = np.minimum(path.values[: len(path.points)], cap)
        data.append({"type": "scatter3d", "x": _r(path.points[:, 0]), "y": _r(path.points[:, 1]), "z": _r(values),
                     "mode": "lines+markers", "name": path.name,
                     "line": {"color": style["line"]["color"], "width": 6 if presentation else 4},
                     "marker": {"color": style["marker"]["color"], "size": 3}})
    layout = {"title": {"text": labels["surface_title"]},
              "scene": {"xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}},
                        "zaxis": {"title": {"text": "f"}}, "camera": {"eye": {"x": -1.4, "y": -1.6, "z": 1.1}}},
              "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
              "margin": {"l": 0, "r": 0, "t": 90, "b": 0}}
    return theme.figure(data, layout, presentation)


def schedule_figure(t: np.ndarray, scheduled: np.ndarray, base_lr: float, grid: Grid,
                    paths: list[PathSeries], start: tuple[float, float], minima: list[tuple[float, float]],
                    labels: dict, presentation: bool = False) -> go.Figure:
    """Learning rate against iteration (left) and the path with and without the schedule (right)."""
    styles = [theme.series_style(p.style, presentation) for p in paths]
    data = [
        {"type": "scatter", "x": t.tolist(), "y": [base_lr] * len(t), "mode": "lines", "name": paths[0].name,
         "legendgroup": paths[0].name, "line": styles[0]["line"], "showlegend": False},
        {"type": "scatter", "x": t.tolist(), "y": _r(scheduled, 8), "mode": "lines", "name": paths[1].name,
         "legendgroup": paths[1].name, "line": dict(styles[1]["line"], shape="hv"), "showlegend": False},
        _contour(grid, "x2", "y2"),
        *_landmarks(start, minima, labels, presentation, "x2", "y2"),
        *[_path_trace(p, presentation, "x2", "y2") for p in paths],
    ]
    layout = theme.side_by_side((labels["lr_title"], labels["path_title"]), presentation, gap=0.1)
    layout["xaxis"].update(title={"text": labels["iteration"]})
    layout["yaxis"].update(title={"text": labels["lr_axis"]}, rangemode="tozero")
    layout["xaxis2"].update(range=list(grid_range(grid.x)), title={"text": "x"})
    layout["yaxis2"].update(range=list(grid_range(grid.y)), title={"text": "y"})
    layout.update(legend={"orientation": "h", "yanchor": "bottom", "y": 1.09, "x": 0},
                  margin={"t": 115 if presentation else 95})
    return theme.figure(data, layout, presentation)


def averaging_figure(days: np.ndarray, series: np.ndarray, averages: list[tuple[str, np.ndarray, np.ndarray]],
                     labels: dict, presentation: bool = False) -> go.Figure:
    """The noisy series with its exponentially weighted averages: raw (left) and bias-corrected (right)."""
    data = []
    for col, axes in ((0, ("x", "y")), (1, ("x2", "y2"))):
        data.append({"type": "scatter", "x": days.tolist(), "y": _r(series, 3), "mode": "markers",
                     "name": labels["data"], "legendgroup": "data", "showlegend": col == 0,
                     "marker": {"color": "#888", "size": 9 if presentation else 6, "symbol": "circle"},
                     "xaxis": axes[0], "yaxis": axes[1]})
        for i, (name, raw, corrected) in enumerate(averages):
            style = theme.series_style(i, presentation)
            data.append({"type": "scatter", "x": days.tolist(), "y": _r(raw if col == 0 else corrected, 4),
                         "mode": "lines", "name": name, "legendgroup": name, "showlegend": col == 0,
                         "line": style["line"], "xaxis": axes[0], "yaxis": axes[1]})
    layout = theme.side_by_side((labels["raw_title"], labels["corrected_title"]), presentation)
    low = min(0.0, float(np.min(series)))
    high = float(np.max(series)) * 1.08
    for axis in ("xaxis", "xaxis2"):
        layout[axis].update(title={"text": labels["day"]})
    for axis in ("yaxis", "yaxis2"):
        layout[axis].update(title={"text": labels["value"]}, range=[low, high])
    layout.update(legend={"orientation": "h", "yanchor": "bottom", "y": 1.09, "x": 0},
                  margin={"t": 115 if presentation else 95})
    return theme.figure(data, layout, presentation)
