"""Figures of the Gradient-descent page: animated paths on a curve, on contour maps, and a line fit.

Every builder takes what nnviz.lessons.descent computed, one labels object (already translated)
and presentation mode. Every animated figure opens on its last frame (the whole path, ready for
a slide) and carries Plotly frames with the one Play / Pause control (nnviz.figures.animation);
frames touch only the path traces, never the curve or the contour. Paths are drawn up to the
first point that leaves the view (the axes clip the last segment at the edge) and that exit is
marked. Maps use the one colour scale and contour rule of nnviz.figures.maps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.core.paths import edge_crossing
from nnviz.figures import maps, theme
from nnviz.figures.animation import AnimationLabels, add_controls, growing_path_steps
from nnviz.lessons.descent import LineFit, RatePanel, Run1D, Run2D, SlopeFit

MAX_PATH_LEGEND = 4  # more starts than this: the table under the chart names them, not the legend
X2 = {"xaxis": "x2", "yaxis": "y2"}


# --- shared pieces of this page's figures -------------------------------------------------

def _shown(n: int, exit: int | None) -> int:
    """How many iterates to draw: up to and including the first one outside the view."""
    return n if exit is None else min(n, exit + 1)


def _decimals(span: float) -> int:
    """Decimals that keep about five significant digits of a view span across."""
    return int(np.clip(4 - np.floor(np.log10(span)), 0, 12)) if np.isfinite(span) and span > 0 else 6


def _big(presentation: bool, normal: int = 11) -> int:
    return 16 if presentation else normal


def _ring(x: object, y: object, presentation: bool, big: int, axes: dict | None = None) -> dict:
    """The open ring on the current iterate (it moves with the step slider)."""
    return {"type": "scatter", "x": x, "y": y, "mode": "markers", "showlegend": False, **(axes or {}),
            "marker": {"color": maps.INK, "size": big * 1.3, "symbol": "circle-open", "line": {"width": 3}}}


def log_coloured(Z: np.ndarray) -> bool:
    """Whether a map of Z is coloured by log10(1 + f − min f) (nnviz.figures.maps.contour_levels)."""
    return maps.contour_levels(np.asarray(Z, dtype=np.float64))[1]


# --- 1-D --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CurveLabels:
    titles_1d_left: str
    titles_1d_right: str
    curve: str
    iterates: str
    closed_form: str
    exit_1d: str  # formatted with {k}
    step_axis: str
    animation: AnimationLabels


STEPS_RANGE_CAP = 1e6
"""The x_k axis grows to hold a diverging closed form up to this size (beyond it, float32 and the eye give up)."""


def _steps_range(run: Run1D) -> list[float]:
    """The x_k axis: the view, widened to the closed form when the run diverges, so a divergence
    never looks like a bounded oscillation (η = 1.05 on x² reaches 41 341 in 100 steps)."""
    lo, hi = run.view
    if run.closed_form is not None:
        finite = run.closed_form[np.isfinite(run.closed_form) & (np.abs(run.closed_form) < STEPS_RANGE_CAP)]
        if finite.size:
            lo, hi = min(lo, float(finite.min())), max(hi, float(finite.max()))
    pad = 0.04 * (hi - lo) if (lo, hi) != tuple(run.view) else 0.0
    return [lo - pad, hi + pad]


def curve_figure(run: Run1D, labels: CurveLabels, presentation: bool = False) -> go.Figure:
    """Left: f(x) with the point rolling down it, step by step. Right: x_k against k.

    The quadratic's closed form (when there is one) is a dashed line under the iterates; the
    first iterate outside the view is marked where the path crosses its edge.
    """
    n = _shown(len(run.path.xs), run.exit)
    xs, fs = theme.f32(run.path.xs[:n, 0]), theme.f32(run.path.fs[:n])
    finite = run.values[np.isfinite(run.values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    pad = 0.06 * (hi - lo or 1.0)
    data = _curve_traces(run, xs, fs, labels, presentation)
    animated = [1, 2, len(data) - 2, len(data) - 1]
    if run.exit is not None and 1 <= run.exit < n:
        data.append(_exit_on_curve(xs, run.exit, run.view, hi + pad * 0.5, labels.exit_1d, presentation))
    steps_total = len(run.closed_form) if run.closed_form is not None else n
    layout = theme.side_by_side((labels.titles_1d_left, labels.titles_1d_right), presentation)
    layout["xaxis"].update(title={"text": "x"}, range=list(run.view))
    layout["yaxis"].update(title={"text": "f(x)"}, range=[lo - pad, hi + pad])
    layout["xaxis2"].update(title={"text": labels.step_axis}, range=[-0.5, max(steps_total - 1, 1) + 0.5])
    layout["yaxis2"].update(title={"text": "xₖ"}, range=_steps_range(run))
    layout["legend"] = {"orientation": "h", "yanchor": "bottom", "y": 1.08, "x": 0}
    layout["margin"] = {"t": 100 if presentation else 85}
    ks = growing_path_steps([n])
    add_controls(layout, ks, labels.animation, presentation)
    px, pf = theme.plain(xs, _decimals(run.view[1] - run.view[0])), theme.plain(fs, _decimals(hi - lo))
    frames = [{"name": str(j), "traces": animated, "data": [
        {"x": px[: j + 1], "y": pf[: j + 1]}, {"x": px[j:j + 1], "y": pf[j:j + 1]},
        {"x": list(range(j + 1)), "y": px[: j + 1]}, {"x": [j], "y": px[j:j + 1]},
    ]} for j in ks]
    return theme.figure(data, layout, presentation, frames=frames)


def _curve_traces(run: Run1D, xs: np.ndarray, fs: np.ndarray, labels: CurveLabels, presentation: bool) -> list[dict]:
    """The curve, the iterates on it with their ring, the closed form, and x_k against k with its ring."""
    style = theme.series_style(0, presentation)
    big = _big(presentation, 12)
    width = theme.line_width(presentation)
    k = np.arange(len(xs))
    data: list[dict] = [
        {"type": "scatter", "x": run.grid, "y": theme.f32(run.values), "mode": "lines", "name": labels.curve,
         "line": {"color": "#555", "width": width}, "hoverinfo": "skip"},
        {"type": "scatter", "x": xs, "y": fs, "mode": "lines+markers", "name": labels.iterates,
         "line": {**style["line"], "width": width * 0.6},
         "marker": {**style["marker"], "size": big * 0.6}, "legendgroup": "it"},
        _ring(xs[-1:], fs[-1:], presentation, big),
    ]
    if run.closed_form is not None:
        data.append({"type": "scatter", "x": np.arange(len(run.closed_form)), "y": theme.f32(run.closed_form),
                     "mode": "lines", "name": labels.closed_form, **X2,
                     "line": {"color": theme.OKABE_ITO[1], "dash": "dash", "width": width}})
    data += [
        {"type": "scatter", "x": k, "y": xs, "mode": "markers", **X2, "showlegend": False, "legendgroup": "it",
         "marker": {**style["marker"], "size": big * 0.6}},
        _ring(k[-1:], xs[-1:], presentation, big, X2),
    ]
    return data


def _exit_on_curve(xs: np.ndarray, exit: int, view: tuple[float, float], y: float, label: str,
                   presentation: bool) -> dict:
    """✕ at the top of the plot where the path crossed the edge of the view, named by its step."""
    ex, _ = edge_crossing(np.array([xs[exit - 1], 0.0]), np.array([xs[exit], 0.0]), view, (-1, 1))
    text = label.format(k=exit)
    return {"type": "scatter", "x": [ex], "y": [y], "mode": "markers+text", "name": text, "text": [text],
            "textposition": "bottom center" if ex > view[0] else "bottom right",
            "marker": {"color": maps.EXIT_COLOR, "symbol": "x", "size": _big(presentation, 12)},
            "textfont": {"color": maps.EXIT_COLOR}, "showlegend": False, "cliponaxis": False}


# --- 2-D --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SurfaceLabels:
    kind_min: str
    kind_saddle: str
    kind_max: str
    exit_2d: str
    start_name: str  # formatted with {x}, {y}
    panel_title: str  # formatted with {lr}
    animation: AnimationLabels

    def kinds(self) -> dict[str, str]:
        return {"min": self.kind_min, "saddle": self.kind_saddle, "max": self.kind_max}

    def start(self, point: tuple[float, float]) -> str:
        return self.start_name.format(x=point[0], y=point[1])


def _axes(i: int) -> tuple[str, str]:
    return ("x", "y") if i == 0 else (f"x{i + 1}", f"y{i + 1}")


def _domains(count: int, gap: float = 0.05) -> list[list[float]]:
    width = (1 - gap * (count - 1)) / count
    return [[i * (width + gap), i * (width + gap) + width] for i in range(count)]


def surface_figure(run: Run2D, labels: SurfaceLabels, presentation: bool = False) -> go.Figure:
    """One contour map per learning rate (side by side) with every path, critical points and exits.

    Each frame holds every path up to step k (paths that stopped stay at their end).
    """
    data: list[dict] = []
    layout: dict = {"annotations": []}
    moving: list[tuple[int, np.ndarray]] = []  # (index of a path trace, its drawn iterates)
    domains = _domains(len(run.panels))
    for p, panel in enumerate(run.panels):
        moving += _panel_traces(data, run, panel, p, labels, presentation)
        _panel_axes(layout, run, p, domains[p])
        if len(run.panels) > 1:
            layout["annotations"].append({
                "text": labels.panel_title.format(lr=panel.lr), "x": (domains[p][0] + domains[p][1]) / 2,
                "y": 1.0, "xref": "paper", "yref": "paper", "xanchor": "center", "yanchor": "bottom",
                "showarrow": False, "font": {"size": theme.subplot_title_size(presentation)}})
    if len(run.panels) == 1:  # a square map leaves room at its side
        layout["legend"] = {"orientation": "v", "yanchor": "top", "y": 1.0, "x": 1.02, "xanchor": "left"}
        layout["xaxis"]["domain"] = [0, 0.72]
        layout["margin"] = {"t": 40, "l": 60, "r": 20}
    else:
        layout["legend"] = {"orientation": "h", "yanchor": "bottom", "y": 1.07, "x": 0}
        layout["margin"] = {"t": 110 if presentation else 90, "l": 60, "r": 20}
    layout["height"] = 640 if presentation else 560
    ks = growing_path_steps([len(pts) for _, pts in moving])
    frames = _surface_frames(moving, ks, run.surface.xlim, run.surface.ylim)
    add_controls(layout, ks, labels.animation, presentation)
    return theme.figure(data, layout, presentation, frames=frames)


def _panel_traces(data: list[dict], run: Run2D, panel: RatePanel, p: int, labels: SurfaceLabels,
                  presentation: bool) -> list[tuple[int, np.ndarray]]:
    """Append panel p's contour, critical points, paths with their heads and exits; return the paths."""
    axes = _axes(p)
    on = {"xaxis": axes[0], "yaxis": axes[1]}
    grid = run.map
    data.append(maps.contour(grid.X[0], grid.Y[:, 0], grid.Z, axes, presentation=presentation))
    data += maps.critical_points([(c.x, c.y, c.kind) for c in run.critical], labels.kinds(), axes,
                                 legend=p == 0, presentation=presentation)
    big = _big(presentation)
    moving, crossings = [], []
    for i, (path, exit) in enumerate(zip(panel.paths, panel.exits)):
        pts = path.xs[:_shown(len(path.xs), exit)]
        name = labels.start(run.starts[i])
        data.append(maps.path(pts, name, i, axes, legend=p == 0 and len(panel.paths) <= MAX_PATH_LEGEND,
                              presentation=presentation))
        moving.append((len(data) - 1, pts))
        marker = theme.series_style(i, presentation)["marker"]
        data.append({"type": "scatter", "x": theme.f32(pts[-1:, 0]), "y": theme.f32(pts[-1:, 1]),
                     "mode": "markers", "showlegend": False, "legendgroup": name, **on, "hoverinfo": "skip",
                     "marker": {"color": marker["color"], "size": big * 1.2, "symbol": marker["symbol"],
                                "line": {"color": maps.INK, "width": 2}}})
        if exit is not None and 1 <= exit < len(path.xs):
            crossings.append(edge_crossing(path.xs[exit - 1], path.xs[exit], run.surface.xlim, run.surface.ylim))
    if crossings:
        data.append(maps.exits(crossings, labels.exit_2d, axes, presentation=presentation))
    return moving


def _panel_axes(layout: dict, run: Run2D, p: int, domain: list[float]) -> None:
    """Panel p's axes over the surface's window at one common scale, side by side."""
    xa, ya = _axes(p)
    suffix = "" if p == 0 else str(p + 1)
    maps.equal_aspect(layout, suffix, run.surface.xlim, run.surface.ylim, ("x", "y" if p == 0 else ""))
    layout[f"xaxis{suffix}"].update(domain=domain, anchor=ya, showgrid=False, zeroline=False)
    layout[f"yaxis{suffix}"].update(anchor=xa, showgrid=False, zeroline=False)


def _surface_frames(moving: list[tuple[int, np.ndarray]], ks: list[int], xlim: tuple[float, float],
                    ylim: tuple[float, float]) -> list[dict]:
    """Frames of every path and its head up to step k; the traces a frame updates follow each path."""
    trace_ids = [i for index, _ in moving for i in (index, index + 1)]
    dx, dy = _decimals(xlim[1] - xlim[0]), _decimals(ylim[1] - ylim[0])
    plain = [(theme.plain(pts[:, 0], dx), theme.plain(pts[:, 1], dy)) for _, pts in moving]
    frames = []
    for k in ks:
        frame_data = []
        for px, py in plain:
            upto = min(k, len(px) - 1)
            frame_data.append({"x": px[: upto + 1], "y": py[: upto + 1]})
            frame_data.append({"x": px[upto:upto + 1], "y": py[upto:upto + 1]})
        frames.append({"name": str(k), "traces": trace_ids, "data": frame_data})
    return frames


def surface_3d_figure(run: Run2D, labels: SurfaceLabels, presentation: bool = False) -> go.Figure:
    """The surface in 3-D (in the map colours) with the paths of the first rate on it, up to the window's edge."""
    grid = run.map
    data: list[dict] = [{**maps.surface(grid.X[0], grid.Y[:, 0], grid.Z, "f(x, y)"),
                         "contours": {"z": {"show": True, "usecolormap": False, "color": "#667", "width": 1}}}]
    (x0, x1), (y0, y1) = run.surface.xlim, run.surface.ylim
    panel = run.panels[0]
    for i, (path, exit) in enumerate(zip(panel.paths, panel.exits)):
        n = _shown(len(path.xs), exit)
        pts, f = path.xs[:n], np.asarray(path.fs[:n], dtype=np.float64)
        inside = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
        pts, f = pts[inside], f[inside]
        style = theme.series_style(i, presentation)
        data.append({"type": "scatter3d", "x": theme.f32(pts[:, 0]), "y": theme.f32(pts[:, 1]), "z": theme.f32(f),
                     "mode": "lines+markers", "name": labels.start(run.starts[i]),
                     "line": {"color": style["line"]["color"], "width": theme.line_width(presentation) * 2},
                     "marker": {"color": style["marker"]["color"], "size": 4 if presentation else 3}})
    layout = {
        "scene": {"xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}},
                  "zaxis": {"title": {"text": "f(x, y)"}}, "aspectmode": "manual",
                  "aspectratio": {"x": 1, "y": 1, "z": 0.6}, "camera": {"eye": {"x": -1.5, "y": -1.5, "z": 1.0}}},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "margin": {"l": 0, "r": 0, "t": 40, "b": 0},
        "height": 600 if presentation else 520,
    }
    return theme.figure(data, layout, presentation)


# --- regression ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RegressionLabels:
    reg_titles_left: str
    reg_titles_right: str
    reg_data: str
    reg_fit: str  # the moving line
    reg_optimum: str  # least-squares line and point
    reg_path: str
    reg_loss: str  # loss curve name / axis
    w_axis: str
    b_axis: str
    reg_exit: str
    animation: AnimationLabels


class _Line:
    """The left panel's x extent, and the line w·x + b over it."""

    def __init__(self, x: np.ndarray) -> None:
        span = float(x.max() - x.min())
        self.x = np.array([float(x.min()) - 0.15 * span, float(x.max()) + 0.15 * span])

    def y(self, w: float, b: float) -> np.ndarray:
        return theme.f32(w * self.x + b)


def _data_panel(x: np.ndarray, y: np.ndarray, line: _Line, optimum: tuple[float, float], last: np.ndarray,
                labels: RegressionLabels, presentation: bool) -> list[dict]:
    """The data points, the least-squares line (dashed) and the line of the last drawn step."""
    width = theme.line_width(presentation)
    return [
        {"type": "scatter", "x": x, "y": y, "mode": "markers", "name": labels.reg_data,
         "marker": {"color": "#222", "size": _big(presentation), "symbol": "circle"}},
        {"type": "scatter", "x": line.x, "y": line.y(*optimum), "mode": "lines", "name": labels.reg_optimum,
         "line": {"color": theme.OKABE_ITO[2], "dash": "dash", "width": width}, "legendgroup": "opt"},
        {"type": "scatter", "x": line.x, "y": line.y(*last), "mode": "lines", "name": labels.reg_fit,
         "line": {"color": theme.series_style(0, presentation)["line"]["color"], "width": width * 1.2,
                  "dash": "solid"}},
    ]


def _star(x: float, y: float, labels: RegressionLabels, presentation: bool) -> dict:
    return {"type": "scatter", "x": [x], "y": [y], "mode": "markers", "name": labels.reg_optimum,
            "legendgroup": "opt", "showlegend": False, **X2,
            "marker": {"symbol": "star", "size": _big(presentation) * 1.6, "color": theme.OKABE_ITO[2],
                       "line": {"color": "#222", "width": 1}}}


def _path_traces(path_x: np.ndarray, path_y: np.ndarray, labels: RegressionLabels, presentation: bool) -> list[dict]:
    style = theme.series_style(0, presentation)
    return [
        {"type": "scatter", "x": path_x, "y": path_y, "mode": "lines+markers", "name": labels.reg_path, **X2,
         "line": {**style["line"], "width": theme.line_width(presentation) * 0.7},
         "marker": {**style["marker"], "size": _big(presentation) * 0.55}},
        _ring(path_x[-1:], path_y[-1:], presentation, _big(presentation), X2),
    ]


def _animated_fit(data: list[dict], exits: list[dict], layout: dict, fit_params: np.ndarray,
                  path: tuple[np.ndarray, np.ndarray], spans: tuple[float, float], line: _Line,
                  labels: RegressionLabels, presentation: bool) -> go.Figure:
    """Append the path with its ring and then the exit marks, and add the legend, the frames
    (the line, the path, the ring) and the controls. ``path`` (float32) is rounded for the view ``spans``."""
    path_x, path_y = path
    animated = [2, len(data), len(data) + 1]
    data = data + _path_traces(path_x, path_y, labels, presentation) + exits
    layout["legend"] = {"orientation": "h", "yanchor": "bottom", "y": 1.08, "x": 0}
    layout["margin"] = {"t": 100 if presentation else 85}
    ks = growing_path_steps([len(path_x)])
    px, py = theme.plain(path_x, _decimals(spans[0])), theme.plain(path_y, _decimals(spans[1]))
    lx = theme.plain(line.x, 4)
    frames = [{"name": str(k), "traces": animated, "data": [
        {"x": lx, "y": theme.plain(line.y(*fit_params[k]), 4)},
        {"x": px[: k + 1], "y": py[: k + 1]},
        {"x": px[k:k + 1], "y": py[k:k + 1]},
    ]} for k in ks]
    add_controls(layout, ks, labels.animation, presentation)
    return theme.figure(data, layout, presentation, frames=frames)


def _fit_layout(y: np.ndarray, labels: RegressionLabels, presentation: bool) -> dict:
    layout = theme.side_by_side((labels.reg_titles_left, labels.reg_titles_right), presentation, gap=0.1)
    spread = float(np.ptp(y))
    layout["xaxis"].update(title={"text": "x"})
    layout["yaxis"].update(title={"text": "y"}, range=[float(y.min()) - 0.6 * spread, float(y.max()) + 0.6 * spread])
    return layout


def _crossed(fit: SlopeFit | LineFit) -> bool:
    return fit.exit is not None and 1 <= fit.exit < len(fit.params)


def slope_figure(fit: SlopeFit, labels: RegressionLabels, presentation: bool = False) -> go.Figure:
    """y = w·x. Left: the data and the line moving with the step slider, least squares dashed.
    Right: the loss curve L(w) with the path on it and ★ at w*."""
    x, y = fit.x, fit.y
    n = _shown(len(fit.params), fit.exit)
    line = _Line(x)
    data = _data_panel(x, y, line, (fit.w_star, 0.0), fit.params[n - 1], labels, presentation)
    data.append({"type": "scatter", "x": theme.f32(fit.loss_w), "y": theme.f32(fit.loss_values), "mode": "lines",
                 "name": labels.reg_loss, **X2, "line": {"color": "#555", "width": theme.line_width(presentation)},
                 "hoverinfo": "skip"})
    data.append(_star(fit.w_star, fit.star_loss, labels, presentation))
    highest = float(np.max(fit.loss_values[np.isfinite(fit.loss_values)]))
    top = 1.08 * highest
    layout = _fit_layout(y, labels, presentation)
    layout["xaxis2"].update(title={"text": labels.w_axis}, range=list(fit.window))
    layout["yaxis2"].update(title={"text": labels.reg_loss}, range=[-0.05 * highest, top])
    exits = []
    if _crossed(fit):
        w = fit.params[:, 0]
        ex, _ = edge_crossing(np.array([w[fit.exit - 1], 0.0]), np.array([w[fit.exit], 0.0]), fit.window, (-1, 1))
        exits.append(maps.exits([(ex, top)], labels.reg_exit, ("x2", "y2"), presentation=presentation))
    path = (theme.f32(fit.params[:n, 0]), theme.f32(fit.path.fs[:n]))
    return _animated_fit(data, exits, layout, fit.params, path, (fit.window[1] - fit.window[0], top), line,
                         labels, presentation)


def line_figure(fit: LineFit, labels: RegressionLabels, presentation: bool = False) -> go.Figure:
    """y = w·x + b. Left: the data and the line moving with the step slider, least squares dashed.
    Right: the loss map over (w, b) (or standardised (w′, b′)) at equal scales with the path and ★."""
    land = fit.landscape
    x, y = fit.x, fit.y
    n = _shown(len(fit.params), fit.exit)
    line = _Line(x)
    data = _data_panel(x, y, line, fit.optimum, fit.params[n - 1], labels, presentation)
    data.append(maps.contour(land.W[0], land.B[:, 0], land.L, ("x2", "y2"), presentation=presentation))
    data.append(_star(*land.optimum, labels, presentation))
    layout = _fit_layout(y, labels, presentation)
    maps.equal_aspect(layout, "2", land.window[0], land.window[1], (labels.w_axis, labels.b_axis))
    exits = []
    if _crossed(fit):
        crossing = edge_crossing(land.path[fit.exit - 1], land.path[fit.exit], *land.window)
        exits.append(maps.exits([crossing], labels.reg_exit, ("x2", "y2"), presentation=presentation))
    spans = (land.window[0][1] - land.window[0][0], land.window[1][1] - land.window[1][0])
    path = (theme.f32(land.path[:n, 0]), theme.f32(land.path[:n, 1]))
    return _animated_fit(data, exits, layout, fit.params, path, spans, line, labels, presentation)
