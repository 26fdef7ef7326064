"""Figures of the Gradient-descent page: animated paths on a curve, on contour maps, and a line fit.

Every animated figure opens on its last frame (the whole path, ready for a
slide) and carries Plotly frames with a Play / Pause button and a step slider
that run in the browser. Frames touch only the path traces, never the contour.
Paths are drawn up to the first point that leaves the view (the axes clip the
last segment at the edge) and that exit is marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from nnviz.core.paths import edge_crossing
from nnviz.figures import theme

CONTOUR_SCALE = [[0.0, "#f7fbff"], [0.35, "#dbe7f3"], [0.7, "#b3c9de"], [1.0, "#8aa8c4"]]
CURRENT = "#000000"
EXIT_COLOR = "#D55E00"
FRAME_BUDGET = 60_000  # path numbers summed over all frames (float32), ≈ 0.3 MB of JSON
MAX_PATH_LEGEND = 4  # more starts than this: the table under the chart names them, not the legend
KIND_SYMBOL = {"min": "star", "saddle": "x-thin-open", "max": "triangle-up-open"}


@dataclass(frozen=True)
class AnimationText:
    """Translated labels of the animation controls."""

    play: str
    pause: str
    step: str  # slider prefix, e.g. "step k = "


@dataclass(frozen=True)
class Path2D:
    """One descent path in a panel: iterates (rows of x, y), legend name, series index, exit index."""

    xs: np.ndarray
    name: str
    series: int
    exit: int | None = None


@dataclass(frozen=True)
class Panel:
    """One contour panel: its title and the paths on it."""

    title: str
    paths: list[Path2D] = field(default_factory=list)


def _f32(values: np.ndarray) -> np.ndarray:
    """Finite values as float32 (half the JSON of float64), everything else as NaN."""
    v = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(v) & (np.abs(v) < 1e30), v, np.nan).astype(np.float32)


def _decimals(span: float) -> int:
    """Decimals that keep about five significant digits of a view span across."""
    return int(np.clip(4 - np.floor(np.log10(span)), 0, 12)) if np.isfinite(span) and span > 0 else 6


def _plain(values: np.ndarray, decimals: int) -> list:
    """Rounded floats as a JSON-ready list, None where not finite (frames skip numpy and validation)."""
    v = np.round(np.asarray(values, dtype=np.float64), decimals)
    return [float(a) if np.isfinite(a) else None for a in v]


def _shown(n: int, exit: int | None) -> int:
    """How many iterates to draw: up to and including the first one outside the view."""
    return n if exit is None else min(n, exit + 1)


def frame_count(lengths: list[int], max_frames: int = 100, budget: int = FRAME_BUDGET) -> int:
    """Frames such that the growing paths stay within `budget` numbers in total (at least 10)."""
    longest = max(lengths, default=1)
    per_frame = max(1, sum(2 * n for n in lengths) // 2)  # a path is half drawn on average
    return int(max(min(10, longest), min(max_frames, longest, budget // per_frame)))


def _frame_steps(count: int, frames: int) -> np.ndarray:
    if count <= frames:
        return np.arange(count)
    return np.unique(np.round(np.linspace(0, count - 1, frames)).astype(int))


def _animation(layout: dict, ks: np.ndarray, text: AnimationText, presentation: bool) -> None:
    """Play / Pause buttons and a step slider below the x-axis titles, set to the last frame."""
    duration = int(np.clip(4000 / max(len(ks), 1), 40, 300))
    size = theme.font_size(presentation)
    below = 84 if presentation else 62  # pixels from the plot area down to the controls (under the x titles)
    bottom = below + (78 if presentation else 62)  # room for the buttons and the slider with its ticks
    layout["height"] = layout.get("height", theme.height(presentation)) + 70
    plot_height = layout["height"] - layout.get("margin", {}).get("t", 60) - bottom
    y = -below / max(plot_height, 200)
    layout["updatemenus"] = [{
        "type": "buttons", "direction": "left", "showactive": False, "x": 0, "y": y,
        "xanchor": "left", "yanchor": "top", "pad": {"t": 0, "r": 10}, "font": {"size": size},
        "buttons": [
            {"label": f"▶ {text.play}", "method": "animate",
             "args": [None, {"frame": {"duration": duration, "redraw": False}, "fromcurrent": False,
                             "transition": {"duration": 0}, "mode": "immediate"}]},
            {"label": f"‖ {text.pause}", "method": "animate",
             "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate",
                               "transition": {"duration": 0}}]},
        ],
    }]
    layout["sliders"] = [{
        "active": len(ks) - 1, "x": 0.22, "len": 0.78, "y": y, "yanchor": "top", "pad": {"t": 0, "b": 0},
        "currentvalue": {"prefix": text.step, "font": {"size": size}, "xanchor": "left"},
        "font": {"size": max(size - 5, 10), "color": "#666"}, "ticklen": 4, "minorticklen": 0,
        "steps": [{"label": str(int(k)), "method": "animate",
                   "args": [[str(int(k))], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate",
                                             "transition": {"duration": 0}}]} for k in ks],
    }]
    layout["margin"] = {**layout.get("margin", {}), "b": bottom}


# --- 1-D --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CurveText:
    """Translated text of the 1-D figure."""

    titles: tuple[str, str]
    curve: str
    iterates: str
    closed_form: str
    exit: str  # formatted with {k}
    step_axis: str
    animation: AnimationText


def curve_figure(grid: np.ndarray, values: np.ndarray, xs: np.ndarray, fs: np.ndarray,
                 window: tuple[float, float], text: CurveText, closed_form: np.ndarray | None = None,
                 exit: int | None = None, presentation: bool = False) -> go.Figure:
    """Left: f(x) with the point rolling down it, step by step. Right: x_k against k.

    closed_form (same length as xs) is drawn as a line under the iterates; exit is the
    first iterate outside the window.
    """
    n = _shown(len(xs), exit)
    xs, fs = _f32(xs[:n]), _f32(fs[:n])
    k = np.arange(n)
    style = theme.series_style(0, presentation)
    big = 16 if presentation else 12
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    pad = 0.06 * (hi - lo or 1.0)
    steps_total = len(closed_form) if closed_form is not None else len(xs)
    data: list[dict] = [
        {"type": "scatter", "x": grid, "y": _f32(values), "mode": "lines", "name": text.curve,
         "line": {"color": "#555", "width": theme.line_width(presentation)}, "hoverinfo": "skip"},
        {"type": "scatter", "x": xs, "y": fs, "mode": "lines+markers", "name": text.iterates,
         "line": {**style["line"], "width": theme.line_width(presentation) * 0.6},
         "marker": {**style["marker"], "size": big * 0.6}, "legendgroup": "it"},
        {"type": "scatter", "x": xs[-1:], "y": fs[-1:], "mode": "markers", "showlegend": False,
         "marker": {"color": CURRENT, "size": big * 1.3, "symbol": "circle-open", "line": {"width": 3}}},
    ]
    if closed_form is not None:
        kk = np.arange(len(closed_form))
        data.append({"type": "scatter", "x": kk, "y": _f32(closed_form), "mode": "lines", "name": text.closed_form,
                     "xaxis": "x2", "yaxis": "y2",
                     "line": {"color": theme.OKABE_ITO[1], "dash": "dash", "width": theme.line_width(presentation)}})
    data += [
        {"type": "scatter", "x": k, "y": xs, "mode": "markers", "xaxis": "x2", "yaxis": "y2",
         "showlegend": False, "legendgroup": "it", "marker": {**style["marker"], "size": big * 0.6}},
        {"type": "scatter", "x": k[-1:], "y": xs[-1:], "mode": "markers", "xaxis": "x2", "yaxis": "y2",
         "showlegend": False,
         "marker": {"color": CURRENT, "size": big * 1.3, "symbol": "circle-open", "line": {"width": 3}}},
    ]
    animated = [1, 2, len(data) - 2, len(data) - 1]
    if exit is not None and exit >= 1 and exit < n:
        ex, _ = edge_crossing(np.array([xs[exit - 1], 0.0]), np.array([xs[exit], 0.0]), window, (-1, 1))
        data.append({"type": "scatter", "x": [ex], "y": [hi + pad * 0.5], "mode": "markers+text",
                     "name": text.exit.format(k=exit), "text": [text.exit.format(k=exit)],
                     "textposition": "bottom center" if ex > window[0] else "bottom right",
                     "marker": {"color": EXIT_COLOR, "symbol": "x", "size": big}, "textfont": {"color": EXIT_COLOR},
                     "showlegend": False, "cliponaxis": False})
    layout = theme.side_by_side(text.titles, presentation)
    layout["xaxis"].update(title={"text": "x"}, range=list(window))
    layout["yaxis"].update(title={"text": "f(x)"}, range=[lo - pad, hi + pad])
    layout["xaxis2"].update(title={"text": text.step_axis}, range=[-0.5, max(steps_total - 1, 1) + 0.5])
    layout["yaxis2"].update(title={"text": "xₖ"}, range=list(window))
    layout["legend"] = {"orientation": "h", "yanchor": "bottom", "y": 1.08, "x": 0}
    layout["margin"] = {"t": 100 if presentation else 85}
    ks = _frame_steps(n, frame_count([n]))
    _animation(layout, ks, text.animation, presentation)
    px, pf = _plain(xs, _decimals(window[1] - window[0])), _plain(fs, _decimals(hi - lo))
    frames = [{"name": str(int(j)), "traces": animated, "data": [
        {"x": px[: j + 1], "y": pf[: j + 1]}, {"x": px[j:j + 1], "y": pf[j:j + 1]},
        {"x": list(range(j + 1)), "y": px[: j + 1]}, {"x": [int(j)], "y": px[j:j + 1]},
    ]} for j in ks]
    return theme.figure(data, layout, presentation, frames=frames)


# --- 2-D --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SurfaceText:
    """Translated text of the contour and 3-D figures."""

    kinds: dict[str, str]  # min / saddle / max → legend name
    exit: str  # legend name of the exit markers
    animation: AnimationText
    z_title: str = "f"


def contour_values(Z: np.ndarray) -> tuple[np.ndarray, bool]:
    """Values to colour the contour by: log10(1 + f − min) when f spans a wide range, else f."""
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        return Z, False
    low, mid, high = np.percentile(finite, [0, 50, 100])
    if high - low > 50 * max(mid - low, 1e-12):
        return np.log10(1 + Z - low), True
    return Z, False


def _domains(count: int, gap: float = 0.05) -> list[list[float]]:
    width = (1 - gap * (count - 1)) / count
    return [[i * (width + gap), i * (width + gap) + width] for i in range(count)]


def _axis(i: int) -> tuple[str, str]:
    return ("x", "y") if i == 0 else (f"x{i + 1}", f"y{i + 1}")


def surface_figure(X: np.ndarray, Y: np.ndarray, Z: np.ndarray, panels: list[Panel],
                   critical: list[tuple[float, float, str]], text: SurfaceText,
                   presentation: bool = False) -> go.Figure:
    """One contour map per panel (side by side) with every path, critical points and exits."""
    xlim = (float(X.min()), float(X.max()))
    ylim = (float(Y.min()), float(Y.max()))
    values, _ = contour_values(Z)
    values = _f32(np.round(values, 4))
    gx, gy = np.round(X[0], 4), np.round(Y[:, 0], 4)
    width = theme.line_width(presentation)
    big = 16 if presentation else 11
    data: list[dict] = []
    animated: list[tuple[int, np.ndarray]] = []  # (trace index, drawn iterates)
    layout: dict = {"annotations": []}
    lengths = []
    for p, panel in enumerate(panels):
        xa, ya = _axis(p)
        data.append({"type": "contour", "x": gx, "y": gy, "z": values, "xaxis": xa, "yaxis": ya,
                     "colorscale": CONTOUR_SCALE, "showscale": False, "ncontours": 22, "hoverinfo": "skip",
                     "contours": {"coloring": "fill"}, "line": {"color": "rgba(60,80,110,0.45)", "width": 1}})
        for kind in ("min", "saddle", "max"):
            pts = [(x, y) for x, y, k in critical if k == kind]
            if pts:
                data.append({"type": "scatter", "x": [q[0] for q in pts], "y": [q[1] for q in pts],
                             "mode": "markers", "name": text.kinds[kind], "legendgroup": f"cp-{kind}",
                             "showlegend": p == 0, "xaxis": xa, "yaxis": ya, "hoverinfo": "x+y+name",
                             "marker": {"symbol": KIND_SYMBOL[kind], "size": big * 1.3, "color": "#222",
                                        "line": {"width": 2, "color": "#222"}}})
        exits_x, exits_y = [], []
        for path in panel.paths:
            n = _shown(len(path.xs), path.exit)
            pts = path.xs[:n]
            lengths.append(n)
            style = theme.series_style(path.series, presentation)
            data.append({"type": "scatter", "x": _f32(pts[:, 0]), "y": _f32(pts[:, 1]), "mode": "lines+markers",
                         "name": path.name, "legendgroup": path.name,
                         "showlegend": p == 0 and len(panel.paths) <= MAX_PATH_LEGEND,
                         "xaxis": xa, "yaxis": ya,
                         "line": {**style["line"], "width": width * 0.8},
                         "marker": {**style["marker"], "size": big * 0.55}})
            animated.append((len(data) - 1, pts))
            data.append({"type": "scatter", "x": _f32(pts[-1:, 0]), "y": _f32(pts[-1:, 1]), "mode": "markers",
                         "showlegend": False, "legendgroup": path.name, "xaxis": xa, "yaxis": ya,
                         "hoverinfo": "skip",
                         "marker": {"color": style["marker"]["color"], "size": big * 1.2,
                                    "symbol": style["marker"]["symbol"], "line": {"color": CURRENT, "width": 2}}})
            animated.append((len(data) - 1, pts[-1:]))
            if path.exit is not None and 1 <= path.exit < len(path.xs):
                ex, ey = edge_crossing(path.xs[path.exit - 1], path.xs[path.exit], xlim, ylim)
                exits_x.append(ex)
                exits_y.append(ey)
        if exits_x:
            data.append({"type": "scatter", "x": exits_x, "y": exits_y, "mode": "markers", "name": text.exit,
                         "legendgroup": "exit", "xaxis": xa, "yaxis": ya, "cliponaxis": False,
                         "marker": {"symbol": "x", "size": big * 1.5, "color": EXIT_COLOR,
                                    "line": {"width": 1, "color": "#fff"}}})
        domain = _domains(len(panels))[p]
        suffix = "" if p == 0 else str(p + 1)
        layout[f"xaxis{suffix}"] = {"domain": domain, "range": list(xlim), "anchor": ya, "title": {"text": "x"},
                                    "constrain": "domain", "showgrid": False, "zeroline": False}
        layout[f"yaxis{suffix}"] = {"range": list(ylim), "anchor": xa, "scaleanchor": xa, "constrain": "domain",
                                    "title": {"text": "y" if p == 0 else ""}, "showgrid": False,
                                    "zeroline": False}
        if len(panels) > 1 or panel.title:
            layout["annotations"].append({
                "text": panel.title, "x": (domain[0] + domain[1]) / 2, "y": 1.0, "xref": "paper",
                "yref": "paper", "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                "font": {"size": theme.subplot_title_size(presentation)}})
    if len(panels) == 1:  # a square map leaves room at its side
        layout["legend"] = {"orientation": "v", "yanchor": "top", "y": 1.0, "x": 1.02, "xanchor": "left"}
        layout["xaxis"]["domain"] = [0, 0.72]
        layout["margin"] = {"t": 40, "l": 60, "r": 20}
    else:
        layout["legend"] = {"orientation": "h", "yanchor": "bottom", "y": 1.07, "x": 0}
        layout["margin"] = {"t": 110 if presentation else 90, "l": 60, "r": 20}
    layout["height"] = 640 if presentation else 560
    # Each frame holds every animated path up to step k (paths that stopped stay at their end).
    longest = max(lengths, default=1)
    ks = _frame_steps(longest, frame_count(lengths))
    trace_ids = [i for i, _ in animated]
    dx, dy = _decimals(xlim[1] - xlim[0]), _decimals(ylim[1] - ylim[0])
    plain = [(_plain(pts[:, 0], dx), _plain(pts[:, 1], dy)) for _, pts in animated[::2]]
    frames = []
    for k in ks:
        frame_data = []
        for px, py in plain:
            upto = min(int(k), len(px) - 1)
            frame_data.append({"x": px[: upto + 1], "y": py[: upto + 1]})
            frame_data.append({"x": px[upto:upto + 1], "y": py[upto:upto + 1]})
        frames.append({"name": str(int(k)), "traces": trace_ids, "data": frame_data})
    _animation(layout, ks, text.animation, presentation)
    return theme.figure(data, layout, presentation, frames=frames)


def surface_3d_figure(X: np.ndarray, Y: np.ndarray, Z: np.ndarray, paths: list[Path2D],
                      path_values: list[np.ndarray], text: SurfaceText, presentation: bool = False) -> go.Figure:
    """The surface in 3-D (log-coloured like the contour when f spans a wide range) with the paths on it."""
    values, logged = contour_values(Z)
    low = float(np.nanmin(Z)) if np.isfinite(Z).any() else 0.0
    data: list[dict] = [{"type": "surface", "x": np.round(X[0], 4), "y": np.round(Y[:, 0], 4),
                         "z": _f32(np.round(values, 4)), "colorscale": CONTOUR_SCALE, "showscale": False,
                         "opacity": 0.95, "hoverinfo": "skip",
                         "contours": {"z": {"show": True, "usecolormap": False, "color": "#667", "width": 1}}}]
    xlim = (float(X.min()), float(X.max()))
    ylim = (float(Y.min()), float(Y.max()))
    for path, fs in zip(paths, path_values):
        n = _shown(len(path.xs), path.exit)
        pts, f = path.xs[:n], np.asarray(fs[:n], dtype=np.float64)
        inside = (pts[:, 0] >= xlim[0]) & (pts[:, 0] <= xlim[1]) & (pts[:, 1] >= ylim[0]) & (pts[:, 1] <= ylim[1])
        pts, f = pts[inside], f[inside]
        z = np.log10(1 + np.maximum(f - low, 0)) if logged else f
        style = theme.series_style(path.series, presentation)
        data.append({"type": "scatter3d", "x": _f32(pts[:, 0]), "y": _f32(pts[:, 1]), "z": _f32(z),
                     "mode": "lines+markers", "name": path.name,
                     "line": {"color": style["line"]["color"], "width": theme.line_width(presentation) * 2},
                     "marker": {"color": style["marker"]["color"], "size": 4 if presentation else 3}})
    layout = {
        "scene": {"xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}},
                  "zaxis": {"title": {"text": text.z_title}}, "aspectmode": "manual",
                  "aspectratio": {"x": 1, "y": 1, "z": 0.6}, "camera": {"eye": {"x": -1.5, "y": -1.5, "z": 1.0}}},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "margin": {"l": 0, "r": 0, "t": 40, "b": 0},
        "height": 600 if presentation else 520,
    }
    return theme.figure(data, layout, presentation)


# --- regression ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RegressionText:
    """Translated text of the line-fit figure."""

    titles: tuple[str, str]
    data: str
    fit: str  # the moving line
    optimum: str  # least-squares line and point
    path: str
    loss: str  # loss curve name / axis
    w_axis: str
    b_axis: str
    exit: str
    animation: AnimationText


def regression_figure(x: np.ndarray, y: np.ndarray, params: np.ndarray, optimum: tuple[float, float],
                      text: RegressionText, *, view_params: np.ndarray | None = None,
                      view_optimum: tuple[float, float] | None = None, window: tuple | None = None,
                      loss_grid: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                      loss_curve: tuple[np.ndarray, np.ndarray] | None = None, losses: np.ndarray | None = None,
                      exit: int | None = None, presentation: bool = False) -> go.Figure:
    """Left: the data and the line w·x + b moving with the step slider, least squares dashed.

    Right: the loss curve L(w) with the path (model y = w·x, pass loss_curve and losses) or the
    loss contour with the path (pass loss_grid (W, B, L) and window). view_params and
    view_optimum are the path and optimum in the contour's coordinates (standardised or not);
    params are always the original (w, b) that draw the line.
    """
    n = _shown(len(params), exit)
    params = np.asarray(params, dtype=np.float64)
    view = params if view_params is None else np.asarray(view_params, dtype=np.float64)
    view_opt = optimum if view_optimum is None else view_optimum
    style = theme.series_style(0, presentation)
    big = 16 if presentation else 11
    width = theme.line_width(presentation)
    span = float(x.max() - x.min())
    line_x = np.array([float(x.min()) - 0.15 * span, float(x.max()) + 0.15 * span])
    y_lo, y_hi = float(y.min()) - 0.6 * float(np.ptp(y)), float(y.max()) + 0.6 * float(np.ptp(y))

    def line(w: float, b: float) -> np.ndarray:
        return _f32(w * line_x + b)

    w_opt, b_opt = optimum
    last = n - 1
    data: list[dict] = [
        {"type": "scatter", "x": x, "y": y, "mode": "markers", "name": text.data,
         "marker": {"color": "#222", "size": big, "symbol": "circle"}},
        {"type": "scatter", "x": line_x, "y": line(w_opt, b_opt), "mode": "lines", "name": text.optimum,
         "line": {"color": theme.OKABE_ITO[2], "dash": "dash", "width": width}, "legendgroup": "opt"},
        {"type": "scatter", "x": line_x, "y": line(*params[last]), "mode": "lines", "name": text.fit,
         "line": {"color": style["line"]["color"], "width": width * 1.2, "dash": "solid"}},
    ]
    if loss_curve is not None:
        wg, lg = loss_curve
        data.append({"type": "scatter", "x": _f32(wg), "y": _f32(lg), "mode": "lines", "name": text.loss,
                     "xaxis": "x2", "yaxis": "y2", "line": {"color": "#555", "width": width}, "hoverinfo": "skip"})
        path_x, path_y = view[:n, 0], np.asarray(losses, dtype=np.float64)[:n]
        opt_y = float(np.interp(view_opt[0], wg, lg))
    else:
        W, B, L = loss_grid
        values, _ = contour_values(L)
        data.append({"type": "contour", "x": np.round(W[0], 5), "y": np.round(B[:, 0], 5),
                     "z": _f32(np.round(values, 4)), "xaxis": "x2", "yaxis": "y2", "colorscale": CONTOUR_SCALE,
                     "showscale": False, "ncontours": 22, "hoverinfo": "skip", "contours": {"coloring": "fill"},
                     "line": {"color": "rgba(60,80,110,0.45)", "width": 1}})
        path_x, path_y = view[:n, 0], view[:n, 1]
        opt_y = view_opt[1]
    data.append({"type": "scatter", "x": [view_opt[0]], "y": [opt_y], "mode": "markers", "name": text.optimum,
                 "legendgroup": "opt", "showlegend": False, "xaxis": "x2", "yaxis": "y2",
                 "marker": {"symbol": "star", "size": big * 1.6, "color": theme.OKABE_ITO[2],
                            "line": {"color": "#222", "width": 1}}})
    path_x, path_y = _f32(path_x), _f32(path_y)
    animated = [2, len(data), len(data) + 1]
    data += [
        {"type": "scatter", "x": path_x, "y": path_y, "mode": "lines+markers", "name": text.path,
         "xaxis": "x2", "yaxis": "y2", "line": {**style["line"], "width": width * 0.7},
         "marker": {**style["marker"], "size": big * 0.55}},
        {"type": "scatter", "x": path_x[-1:], "y": path_y[-1:], "mode": "markers", "showlegend": False,
         "xaxis": "x2", "yaxis": "y2",
         "marker": {"color": CURRENT, "size": big * 1.3, "symbol": "circle-open", "line": {"width": 3}}},
    ]
    layout = theme.side_by_side(text.titles, presentation, gap=0.1)
    layout["xaxis"].update(title={"text": "x"})
    layout["yaxis"].update(title={"text": "y"}, range=[y_lo, y_hi])
    layout["xaxis2"].update(title={"text": text.w_axis})
    layout["yaxis2"].update(title={"text": text.loss if loss_curve is not None else text.b_axis})
    if window is not None:
        layout["xaxis2"]["range"] = list(window[0])
        if loss_curve is None:  # equal scales: round contours must look round
            layout["yaxis2"].update(range=list(window[1]), scaleanchor="x2", constrain="domain")
            layout["xaxis2"]["constrain"] = "domain"
        else:
            finite = np.asarray(loss_curve[1])[np.isfinite(loss_curve[1])]
            layout["yaxis2"]["range"] = [-0.05 * float(finite.max()), 1.08 * float(finite.max())]
    if exit is not None and 1 <= exit < len(params) and window is not None:
        if loss_curve is None:
            ex, ey = edge_crossing(view[exit - 1], view[exit], window[0], window[1])
        else:
            ex, _ = edge_crossing(np.array([view[exit - 1, 0], 0.0]), np.array([view[exit, 0], 0.0]),
                                 window[0], (-1, 1))
            ey = layout["yaxis2"]["range"][1]
        data.append({"type": "scatter", "x": [ex], "y": [ey], "mode": "markers", "name": text.exit,
                     "xaxis": "x2", "yaxis": "y2", "cliponaxis": False,
                     "marker": {"symbol": "x", "size": big * 1.5, "color": EXIT_COLOR}})
    layout["legend"] = {"orientation": "h", "yanchor": "bottom", "y": 1.08, "x": 0}
    layout["margin"] = {"t": 100 if presentation else 85}
    ks = _frame_steps(n, frame_count([n]))
    span_x = float(np.nanmax(path_x) - np.nanmin(path_x)) if window is None else window[0][1] - window[0][0]
    span_y = float(np.nanmax(path_y) - np.nanmin(path_y)) if window is None else (
        window[1][1] - window[1][0] if loss_curve is None else layout["yaxis2"]["range"][1])
    px, py = _plain(path_x, _decimals(span_x)), _plain(path_y, _decimals(span_y))
    lx = _plain(line_x, 4)
    frames = [{"name": str(int(k)), "traces": animated, "data": [
        {"x": lx, "y": _plain(line(*params[k]), 4)},
        {"x": px[: k + 1], "y": py[: k + 1]},
        {"x": px[k:k + 1], "y": py[k:k + 1]},
    ]} for k in ks]
    _animation(layout, ks, text.animation, presentation)
    return theme.figure(data, layout, presentation, frames=frames)
