"""Figures of the Gradients page: surface and contour map, slices with tangents,
directional derivatives (vectors and polar profile), gradient fields, the
finite-difference lab.

Builders take plain arrays and already-translated text (``labels`` dicts), so
they work in a notebook and in either language of the app.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnviz.core.gradient import DifferenceErrors, DirectionalProfile, VectorField
from nnviz.figures import theme

BLUE, VERMILLION, GREEN, PINK, ORANGE, SKY, BLACK = theme.OKABE_ITO[:7]
X_SLICE, Y_SLICE = VERMILLION, BLUE  # y held fixed / x held fixed
ASCENT, DESCENT, DIRECTION, LEVEL = VERMILLION, GREEN, BLUE, "#555555"
SURFACE_SCALE = "Viridis"
PICK_GRID = 41


def _r(values: np.ndarray, digits: int = 5) -> np.ndarray:
    """Rounded floats with non-finite values as gaps (smaller JSON, no inf)."""
    values = np.asarray(values, dtype=np.float64)
    return np.round(np.where(np.isfinite(values), values, np.nan), digits)


def _axes(i: int) -> dict:
    return {"xaxis": "x", "yaxis": "y"} if i == 1 else {"xaxis": f"x{i}", "yaxis": f"y{i}"}


def contour_levels(Z: np.ndarray) -> tuple[np.ndarray, bool]:
    """Values to draw contours of, and whether they are log-spaced.

    Surfaces like Rosenbrock span thousands while their interesting valley sits
    near the minimum; evenly spaced levels of log10(1 + f − min) show it.
    """
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        return Z, False
    low, mid, high = np.min(finite), np.median(finite), np.max(finite)
    if high - low > 0 and (high - low) > 10 * (mid - low) and low >= -1e300:
        with np.errstate(all="ignore"):
            return np.log10(1 + Z - low), True
    return Z, False


def _contour(X: np.ndarray, Y: np.ndarray, Z: np.ndarray, axes: int, presentation: bool,
             hover: str) -> dict:
    levels, _ = contour_levels(Z)
    return {
        "type": "contour", "x": _r(X[0]), "y": _r(Y[:, 0]), "z": _r(levels, 4), "ncontours": 18,
        "colorscale": SURFACE_SCALE, "opacity": 0.5, "showscale": False, "hoverinfo": "skip",
        "contours": {"coloring": "fill", "showlines": True},
        "line": {"color": "rgba(40,40,40,0.55)", "width": 1.4 if presentation else 1},
        "name": hover, "showlegend": False, **_axes(axes),
    }


def _pick_grid(xlim: tuple[float, float], ylim: tuple[float, float], axes: int, hover: str) -> dict:
    """An invisible dense scatter over the map: clicking selects the nearest grid point."""
    gx, gy = np.meshgrid(np.linspace(*xlim, PICK_GRID), np.linspace(*ylim, PICK_GRID))
    invisible = {"marker": {"opacity": 0}}
    return {
        "type": "scatter", "x": _r(gx.ravel(), 4), "y": _r(gy.ravel(), 4), "mode": "markers",
        "marker": {"size": 14, "opacity": 0, "color": BLACK}, "selected": invisible, "unselected": invisible,
        "hovertemplate": hover + "<extra></extra>", "showlegend": False, "name": "pick", **_axes(axes),
    }


def _point(x: float, y: float, axes: int, presentation: bool, name: str = "P") -> dict:
    return {
        "type": "scatter", "x": [x], "y": [y], "mode": "markers+text", "text": [name],
        "textposition": "top right", "textfont": {"size": theme.font_size(presentation) + 3, "color": BLACK},
        "marker": {"size": 15 if presentation else 11, "color": "white", "symbol": "circle",
                   "line": {"color": BLACK, "width": 3}},
        "showlegend": False, "hoverinfo": "skip", "cliponaxis": False, **_axes(axes),
    }


def _line(xs, ys, color: str, name: str, presentation: bool, axes: int = 1, dash: str = "solid",
          width: float = 1.0, legend: bool = True, group: str | None = None) -> dict:
    return {
        "type": "scatter", "x": _r(xs), "y": _r(ys), "mode": "lines", "name": name,
        "line": {"color": color, "dash": dash, "width": theme.line_width(presentation) * width},
        "showlegend": legend, "legendgroup": group or name, "hoverinfo": "skip", **_axes(axes),
    }


def _equal_aspect(layout: dict, axis: str, anchor: str, xlim, ylim, x_title: str = "x",
                  y_title: str = "y") -> None:
    layout[f"xaxis{axis}"].update(range=list(xlim), title={"text": x_title}, constrain="domain")
    layout[f"yaxis{axis}"].update(range=list(ylim), title={"text": y_title}, scaleanchor=anchor,
                                   scaleratio=1, constrain="domain")


def _legend_top(presentation: bool) -> dict:
    return {"orientation": "h", "yanchor": "bottom", "y": 1.06, "x": 0,
            "font": {"size": theme.font_size(presentation) - 1}}


# --- arrows ---------------------------------------------------------------------------

def arrow_paths(x: np.ndarray, y: np.ndarray, u: np.ndarray, v: np.ndarray,
                head: float = 0.3, width: float = 0.75) -> tuple[np.ndarray, ...]:
    """Shafts (x, y) and arrowhead triangles (x, y), NaN-separated, for arrows from (x, y) by (u, v).

    The head is ``head`` of the arrow's length long and ``width`` of that wide.
    Zero-length and non-finite arrows are left out.
    """
    x, y, u, v = (np.ravel(np.asarray(a, dtype=np.float64)) for a in (x, y, u, v))
    length = np.hypot(u, v)
    keep = np.isfinite(length) & (length > 0) & np.isfinite(x) & np.isfinite(y)
    x, y, u, v = x[keep], y[keep], u[keep], v[keep]
    tip_x, tip_y = x + u, y + v
    base_x, base_y = tip_x - head * u, tip_y - head * v
    side_x, side_y = -v * head * width / 2, u * head * width / 2
    gap = np.full_like(x, np.nan)
    shafts_x = np.column_stack([x, base_x, gap]).ravel()
    shafts_y = np.column_stack([y, base_y, gap]).ravel()
    heads_x = np.column_stack([tip_x, base_x + side_x, base_x - side_x, tip_x, gap]).ravel()
    heads_y = np.column_stack([tip_y, base_y + side_y, base_y - side_y, tip_y, gap]).ravel()
    return shafts_x, shafts_y, heads_x, heads_y


def _arrows(x, y, u, v, color: str, name: str, presentation: bool, axes: int = 1,
            width: float = 1.0, legend: bool = True) -> list[dict]:
    sx, sy, hx, hy = arrow_paths(x, y, u, v)
    common = {"legendgroup": name, "hoverinfo": "skip", **_axes(axes)}
    return [
        {"type": "scatter", "x": _r(sx), "y": _r(sy), "mode": "lines", "name": name, "showlegend": legend,
         "line": {"color": color, "width": theme.line_width(presentation) * 0.8 * width, "dash": "solid"},
         **common},
        {"type": "scatter", "x": _r(hx), "y": _r(hy), "mode": "lines", "fill": "toself", "fillcolor": color,
         "line": {"color": color, "width": 1, "dash": "solid"}, "showlegend": False, "name": name, **common},
    ]


# --- surface & partial derivatives ---------------------------------------------------------

def surface_figure(X: np.ndarray, Y: np.ndarray, Z: np.ndarray, point: tuple[float, float], fp: float,
                   grad: np.ndarray, slices: tuple, labels: dict[str, str],
                   presentation: bool = False) -> go.Figure:
    """3-D surface (left) and its contour map (right), with P and the two slices through it.

    ``slices`` is (slice along x at y₀, slice along y at x₀) from ``nnviz.lessons.gradients.axis_slices``;
    labels: title_3d, title_map, slice_x, slice_y, tangent_x, tangent_y, pick.
    """
    x0, y0 = point
    sx, sy = slices
    xlim, ylim = (float(X[0, 0]), float(X[0, -1])), (float(Y[0, 0]), float(Y[-1, 0]))
    width = theme.line_width(presentation) * 1.6
    data: list[dict] = [{
        "type": "surface", "x": _r(X[0]), "y": _r(Y[:, 0]), "z": _r(Z, 4), "colorscale": SURFACE_SCALE,
        "opacity": 0.85, "showscale": False, "scene": "scene", "name": "f",
        "hovertemplate": "x=%{x:.2f}<br>y=%{y:.2f}<br>f=%{z:.3g}<extra></extra>",
    }]
    finite_p = np.isfinite(fp) and np.all(np.isfinite(grad))
    data += [
        {"type": "scatter3d", "x": _r(sx.s), "y": np.full(sx.s.shape, y0), "z": _r(sx.values), "mode": "lines",
         "line": {"color": X_SLICE, "width": width * 2}, "name": labels["slice_x"], "legendgroup": "sx",
         "scene": "scene", "hoverinfo": "skip"},
        {"type": "scatter3d", "x": np.full(sy.s.shape, x0), "y": _r(sy.s), "z": _r(sy.values), "mode": "lines",
         "line": {"color": Y_SLICE, "width": width * 2, "dash": "dash"}, "name": labels["slice_y"],
         "legendgroup": "sy", "scene": "scene", "hoverinfo": "skip"},
    ]
    if finite_p:
        reach_x, reach_y = (xlim[1] - xlim[0]) / 5, (ylim[1] - ylim[0]) / 5
        data += [
            {"type": "scatter3d", "x": [x0 - reach_x, x0 + reach_x], "y": [y0, y0],
             "z": [fp - grad[0] * reach_x, fp + grad[0] * reach_x], "mode": "lines", "showlegend": False,
             "line": {"color": BLACK, "width": width * 2}, "scene": "scene", "hoverinfo": "skip"},
            {"type": "scatter3d", "x": [x0, x0], "y": [y0 - reach_y, y0 + reach_y],
             "z": [fp - grad[1] * reach_y, fp + grad[1] * reach_y], "mode": "lines", "showlegend": False,
             "line": {"color": BLACK, "width": width * 2}, "scene": "scene", "hoverinfo": "skip"},
            {"type": "scatter3d", "x": [x0], "y": [y0], "z": [fp], "mode": "markers", "showlegend": False,
             "marker": {"size": 7 if presentation else 5, "color": "white", "line": {"color": BLACK, "width": 3}},
             "scene": "scene", "hoverinfo": "skip"},
        ]
    data += [
        _contour(X, Y, Z, 1, presentation, "f"),
        _line(xlim, (y0, y0), X_SLICE, labels["slice_x"], presentation, legend=False, group="sx"),
        _line((x0, x0), ylim, Y_SLICE, labels["slice_y"], presentation, dash="dash", legend=False, group="sy"),
        _point(x0, y0, 1, presentation),
        _pick_grid(xlim, ylim, 1, labels["pick"]),
    ]
    gap = 0.04
    layout = {
        "scene": {
            "domain": {"x": [0, 0.5 - gap], "y": [0, 0.97]},
            "xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}},
            "zaxis": {"title": {"text": "f"}}, "aspectmode": "manual",
            "aspectratio": {"x": 1.1, "y": 1.1, "z": 0.75}, "camera": {"eye": {"x": -0.95, "y": -1.1, "z": 0.6},
                                                            "center": {"x": 0, "y": 0, "z": -0.1}},
        },
        "xaxis": {"domain": [0.5 + gap, 1], "anchor": "y"},
        "yaxis": {"anchor": "x"},
        "annotations": [_title(labels["title_3d"], 0.23, presentation), _title(labels["title_map"], 0.77, presentation)],
        "legend": _legend_top(presentation),
        "margin": {"t": 105 if presentation else 90, "l": 10, "r": 10, "b": 50},
        "height": 620 if presentation else 540,
        "clickmode": "event+select", "dragmode": "pan", "hovermode": "closest",
    }
    _equal_aspect(layout, "", "x", xlim, ylim)
    return theme.figure(data, layout, presentation)


def _title(text: str, x: float, presentation: bool) -> dict:
    return {"text": text, "x": x, "y": 1.0, "xref": "paper", "yref": "paper", "xanchor": "center",
            "yanchor": "bottom", "showarrow": False, "font": {"size": theme.subplot_title_size(presentation)}}


def slices_figure(slices: tuple, point: tuple[float, float], titles: tuple[str, str],
                  tangent_label: str, presentation: bool = False) -> go.Figure:
    """f(x, y₀) against x (left) and f(x₀, y) against y (right), each with its tangent at P."""
    data: list[dict] = []
    for i, (sl, p0, color, dash, var) in enumerate(
            zip(slices, point, (X_SLICE, Y_SLICE), ("solid", "dash"), ("x", "y")), start=1):
        data.append(_line(sl.s, sl.values, color, titles[i - 1], presentation, axes=i, dash=dash, legend=False))
        if np.isfinite(sl.at_p) and np.isfinite(sl.slope):
            reach = (sl.s[-1] - sl.s[0]) / 5
            ts = np.array([p0 - reach, p0 + reach])
            data.append(_line(ts, sl.at_p + sl.slope * (ts - p0), BLACK, tangent_label, presentation, axes=i,
                              width=0.8, legend=i == 1, group="tangent"))
            data.append(_point(p0, sl.at_p, i, presentation))
    layout = theme.side_by_side(titles, presentation, gap=0.1)
    layout["xaxis"]["title"] = {"text": "x"}
    layout["xaxis2"]["title"] = {"text": "y"}
    layout["yaxis"]["title"] = {"text": "f"}
    layout["legend"] = {"x": 1, "xanchor": "right", "y": 1, "yanchor": "top"}
    layout["height"] = 430 if presentation else 360
    layout["margin"] = {"t": 70 if presentation else 55}
    for axis, sl in (("yaxis", slices[0]), ("yaxis2", slices[1])):
        finite = sl.values[np.isfinite(sl.values)]
        if finite.size:
            low, high = float(finite.min()), float(finite.max())
            pad = 0.08 * (high - low or 1.0)
            layout[axis]["range"] = [low - pad, high + pad]
    return theme.figure(data, layout, presentation)


# --- directional derivative ---------------------------------------------------------------

def direction_figure(X: np.ndarray, Y: np.ndarray, Z: np.ndarray, point: tuple[float, float],
                     grad: np.ndarray, u: np.ndarray, theta_deg: float, profile: DirectionalProfile,
                     labels: dict[str, str], presentation: bool = False) -> go.Figure:
    """Contour map with u, ∇f, −∇f and the level-curve tangent at P (left); D_u f(θ) in polar form (right).

    On the polar side the radius is D + M (M = |∇f|), so the dashed circle is D = 0: outside it
    the direction climbs, inside it descends. labels: title_map, title_polar, u, grad, descent,
    level, path, pick, max, min, zero, current.
    """
    x0, y0 = point
    xlim, ylim = (float(X[0, 0]), float(X[0, -1])), (float(Y[0, 0]), float(Y[-1, 0]))
    reach = 0.22 * min(xlim[1] - xlim[0], ylim[1] - ylim[0])
    norm = float(np.hypot(*grad))
    data: list[dict] = [_contour(X, Y, Z, 1, presentation, "f")]
    span = 3 * max(xlim[1] - xlim[0], ylim[1] - ylim[0])
    data.append(_line((x0 - span * u[0], x0 + span * u[0]), (y0 - span * u[1], y0 + span * u[1]), DIRECTION,
                      labels["path"], presentation, dash="dot", width=0.6))
    if np.isfinite(norm) and norm > 0:
        g = grad / norm * reach
        tangent = np.array([-g[1], g[0]]) / reach
        data.append(_line((x0 - reach * tangent[0], x0 + reach * tangent[0]),
                          (y0 - reach * tangent[1], y0 + reach * tangent[1]), LEVEL, labels["level"],
                          presentation, dash="dash", width=0.8))
    data += _arrows([x0], [y0], [u[0] * reach], [u[1] * reach], DIRECTION, labels["u"], presentation, width=1.6)
    if np.isfinite(norm) and norm > 0:
        data += _arrows([x0], [y0], [g[0]], [g[1]], ASCENT, labels["grad"], presentation, width=1.1)
        data += _arrows([x0], [y0], [-g[0]], [-g[1]], DESCENT, labels["descent"], presentation, width=1.1)
    data += [_point(x0, y0, 1, presentation), _pick_grid(xlim, ylim, 1, labels["pick"])]

    m = norm if np.isfinite(norm) and norm > 0 else 1.0
    theta = np.degrees(profile.theta)
    polar_common = {"subplot": "polar", "hoverinfo": "skip"}
    data += [
        {"type": "scatterpolar", "r": _r(np.full(73, m)), "theta": np.linspace(0, 360, 73), "mode": "lines",
         "line": {"color": LEVEL, "dash": "dash", "width": 1.5}, "name": labels["zero"], "showlegend": False,
         **polar_common},
        {"type": "scatterpolar", "r": _r(profile.slope + m), "theta": _r(theta, 3), "mode": "lines",
         "line": {"color": PINK, "width": theme.line_width(presentation)}, "name": "D_u f(θ)",
         "fill": "toself", "fillcolor": "rgba(204,121,167,0.15)", "showlegend": False,
         "customdata": _r(profile.slope), "hovertemplate": "θ=%{theta:.0f}°<br>D=%{customdata:.3g}<extra></extra>",
         "subplot": "polar"},
    ]
    if norm > 0:
        star = np.degrees(profile.theta_max)
        marks = [(star, 2 * m, ASCENT, labels["max"]), ((star + 180) % 360, 0.0, DESCENT, labels["min"]),
                 ((star + 90) % 360, m, LEVEL, labels["zero"]), ((star + 270) % 360, m, LEVEL, "")]
        data.append({"type": "scatterpolar", "r": [r for _, r, _, _ in marks], "theta": [a for a, _, _, _ in marks],
                     "mode": "markers+text", "text": [t for _, _, _, t in marks],
                     "textposition": ["top center", "bottom center", "middle right", "middle left"],
                     "textfont": {"size": theme.font_size(presentation) - 1},
                     "marker": {"size": 13 if presentation else 10, "color": [c for _, _, c, _ in marks],
                                "symbol": "diamond"}, "showlegend": False, "cliponaxis": False, **polar_common})
    current = float(np.dot(grad, u)) if np.all(np.isfinite(grad)) else 0.0
    data.append({"type": "scatterpolar", "r": [0, current + m], "theta": [theta_deg, theta_deg],
                 "mode": "lines+markers", "line": {"color": DIRECTION, "width": theme.line_width(presentation)},
                 "marker": {"size": [0, 12 if presentation else 9], "color": DIRECTION},
                 "name": labels["current"], "showlegend": False, **polar_common})
    gap = 0.06
    layout = {
        "xaxis": {"domain": [0, 0.5 - gap], "anchor": "y"},
        "yaxis": {"anchor": "x"},
        "polar": {"domain": {"x": [0.5 + gap, 1], "y": [0, 0.9]},
                  "radialaxis": {"range": [0, 2 * m * 1.05], "showticklabels": False, "ticks": ""},
                  "angularaxis": {"direction": "counterclockwise", "rotation": 0, "dtick": 45}},
        "annotations": [_title(labels["title_map"], 0.22, presentation),
                        _title(labels["title_polar"], 0.77, presentation)],
        "legend": _legend_top(presentation),
        "margin": {"t": 110 if presentation else 95, "l": 60, "r": 30, "b": 50},
        "height": 600 if presentation else 520,
        "clickmode": "event+select", "dragmode": "pan", "hovermode": "closest",
    }
    _equal_aspect(layout, "", "x", xlim, ylim)
    return theme.figure(data, layout, presentation)


def line_slice_figure(sl, title: str, labels: dict[str, str], presentation: bool = False) -> go.Figure:
    """g(t) = f(P + t·u) against t with its tangent at t = 0 (slope D_u f). labels: t, g, tangent."""
    data = [_line(sl.s, sl.values, DIRECTION, labels["g"], presentation)]
    if np.isfinite(sl.at_p) and np.isfinite(sl.slope):
        reach = (sl.s[-1] - sl.s[0]) / 4
        ts = np.array([-reach, reach])
        data.append(_line(ts, sl.at_p + sl.slope * ts, BLACK, labels["tangent"], presentation, width=0.8))
        data.append(_point(0.0, sl.at_p, 1, presentation))
    finite = sl.values[np.isfinite(sl.values)]
    layout = {
        "title": {"text": title}, "xaxis": {"title": {"text": labels["t"]}}, "yaxis": {"title": {"text": "g(t)"}},
        "legend": {"x": 1, "xanchor": "right", "y": 1, "yanchor": "top"},
        "height": 400 if presentation else 340, "margin": {"t": 60 if presentation else 50},
    }
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        pad = 0.08 * (high - low or 1.0)
        layout["yaxis"]["range"] = [low - pad, high + pad]
    return theme.figure(data, layout, presentation)


# --- gradient field ---------------------------------------------------------------------------

def field_figure(X: np.ndarray, Y: np.ndarray, Z: np.ndarray, field: VectorField, sign: int,
                 normalise: bool, point: tuple[float, float] | None, grad_at_p: np.ndarray | None,
                 view: tuple[tuple[float, float], tuple[float, float]], labels: dict[str, str],
                 presentation: bool = False) -> tuple[go.Figure, float]:
    """Arrows of sign·∇f over the contour map, one highlighted at P with the level curve's tangent.

    True length: every arrow is |∇f|·k with one k, chosen so the longest is 0.9 grid spacings.
    Normalised: all arrows 0.7 spacings long. Returns the figure and k (nan when normalised).
    labels: title, arrows, at_p, level, pick.
    """
    xlim, ylim = view
    U, V = sign * field.U, sign * field.V
    spacing = min(float(np.ptp(field.X[0])), float(np.ptp(field.Y[:, 0]))) / (field.X.shape[1] - 1)
    length = np.hypot(U, V)
    finite = np.isfinite(length)
    longest = float(np.max(length[finite])) if finite.any() else 0.0
    if normalise:
        with np.errstate(all="ignore"):
            scale_u, scale_v = 0.7 * spacing * U / length, 0.7 * spacing * V / length
        k = float("nan")
    else:
        k = 0.9 * spacing / longest if longest > 0 else 0.0
        scale_u, scale_v = k * U, k * V
    data: list[dict] = [_contour(X, Y, Z, 1, presentation, "f")]
    data += _arrows(field.X, field.Y, scale_u, scale_v, BLACK, labels["arrows"], presentation, width=0.75)
    if point is not None and grad_at_p is not None and np.all(np.isfinite(grad_at_p)):
        x0, y0 = point
        g = sign * np.asarray(grad_at_p, dtype=np.float64)
        norm = float(np.hypot(*g))
        if norm > 0:
            show = 2.2 * spacing
            d = g / norm
            tangent = np.array([-d[1], d[0]])
            corner = 0.35 * spacing
            data.append(_line((x0 - show * tangent[0], x0 + show * tangent[0]),
                              (y0 - show * tangent[1], y0 + show * tangent[1]), LEVEL, labels["level"],
                              presentation, dash="dash", width=0.9))
            square_x = [x0 + corner * tangent[0], x0 + corner * (tangent[0] + d[0]), x0 + corner * d[0]]
            square_y = [y0 + corner * tangent[1], y0 + corner * (tangent[1] + d[1]), y0 + corner * d[1]]
            data.append(_line(square_x, square_y, LEVEL, "90°", presentation, width=0.5, legend=False))
            data += _arrows([x0], [y0], [show * d[0]], [show * d[1]], ASCENT if sign > 0 else DESCENT,
                            labels["at_p"], presentation, width=2.0)
        data.append(_point(x0, y0, 1, presentation))
    data.append(_pick_grid(xlim, ylim, 1, labels["pick"]))
    layout = {
        "title": {"text": labels["title"]}, "xaxis": {}, "yaxis": {},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0},
        "margin": {"t": 60 if presentation else 50, "b": 20},
        "height": 720 if presentation else 640,
        "clickmode": "event+select", "dragmode": "pan", "hovermode": "closest",
    }
    _equal_aspect(layout, "", "x", xlim, ylim, "x₀" if labels.get("book") else "x", "x₁" if labels.get("book") else "y")
    return theme.figure(data, layout, presentation), k


# --- numerical-differentiation lab -------------------------------------------------------------

def lab_figure(x: np.ndarray, fx: np.ndarray, x0: float, f0: float, exact_slope: float, numeric_slope: float,
               errors: dict[str, DifferenceErrors], h: float, labels: dict[str, str],
               presentation: bool = False) -> go.Figure:
    """f with its exact and finite-difference tangents at x₀ (left); |error| against h, log–log (right).

    errors maps a dtype label ("float64", "float32") to its DifferenceErrors. Exact zeros cannot
    sit on a log axis and are left out. labels: title_f, title_err, f, exact, numeric, forward, central, h.
    """
    reach = (x[-1] - x[0]) / 4
    ts = np.array([x0 - reach, x0 + reach])
    data: list[dict] = [
        _line(x, fx, BLUE, labels["f"], presentation, legend=False),
        _line(ts, f0 + exact_slope * (ts - x0), BLACK, labels["exact"], presentation, width=0.9),
    ]
    if np.isfinite(numeric_slope):
        data.append(_line(ts, f0 + numeric_slope * (ts - x0), ORANGE, labels["numeric"], presentation,
                          dash="dash", width=0.9))
    data.append(_point(x0, f0, 1, presentation, name="x₀"))
    styles = {("float64", "forward"): (VERMILLION, "solid"), ("float64", "central"): (BLUE, "solid"),
              ("float32", "forward"): (VERMILLION, "dot"), ("float32", "central"): (BLUE, "dot")}
    for dtype, err in errors.items():
        for method in ("forward", "central"):
            values = getattr(err, method)
            values = np.where(values > 0, values, np.nan)
            color, dash = styles.get((dtype, method), (BLACK, "solid"))
            data.append({
                "type": "scatter", "x": err.h, "y": values, "mode": "lines",
                "name": f"{labels[method]} · {dtype}", "xaxis": "x2", "yaxis": "y2",
                "line": {"color": color, "dash": dash, "width": theme.line_width(presentation) * 0.9},
                "hovertemplate": "h=%{x:.1e}<br>|error|=%{y:.2e}<extra>" + f"{labels[method]} {dtype}</extra>",
            })
    layout = theme.side_by_side((labels["title_f"], labels["title_err"]), presentation, gap=0.1)
    layout["xaxis"]["title"] = {"text": "x"}
    layout["yaxis"]["title"] = {"text": "f(x)"}
    layout["xaxis2"].update(type="log", title={"text": "h"}, exponentformat="power", dtick=2)
    layout["yaxis2"].update(type="log", title={"text": "|error|"}, exponentformat="power")
    layout["shapes"] = [{"type": "line", "x0": h, "x1": h, "xref": "x2", "y0": 0, "y1": 1, "yref": "y2 domain",
                         "line": {"color": ORANGE, "width": 2, "dash": "dash"}}]
    layout["annotations"].append({"text": labels["h"], "x": np.log10(h), "xref": "x2", "y": 1, "yref": "y2 domain",
                                  "xanchor": "left", "yanchor": "top", "showarrow": False,
                                  "font": {"color": ORANGE, "size": theme.font_size(presentation)}})
    layout["legend"] = _legend_top(presentation)
    layout["margin"] = {"t": 120 if presentation else 100}
    layout["height"] = 560 if presentation else 480
    return theme.figure(data, layout, presentation)
