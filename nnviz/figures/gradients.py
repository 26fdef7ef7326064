"""Figures of the Gradients page, from what nnviz.lessons.gradients computes: the surface and its
contour map, slices with tangents, the directional derivative (vectors and polar profile), gradient
fields and the finite-difference lab.

Each builder takes lesson data, one labels object (already translated) and presentation mode,
so it works in a notebook and in either language of the app.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.figures import maps, theme
from nnviz.lessons.gradients import (
    DirectionReadout,
    FieldArrows,
    FieldReadout,
    LabReadout,
    Slice,
    SurfaceMap,
    SurfacePoint,
)

BLUE, VERMILLION, GREEN, PINK, ORANGE, SKY, BLACK = theme.OKABE_ITO[:7]
X_SLICE, Y_SLICE = VERMILLION, BLUE  # y held fixed / x held fixed
ASCENT, DESCENT, DIRECTION, LEVEL = VERMILLION, GREEN, BLUE, "#555555"
CONTOUR_LINES = 18
AXES: tuple[maps.Axes, maps.Axes] = (maps.XY, ("x2", "y2"))
CLICKABLE = {"clickmode": "event+select", "dragmode": "pan", "hovermode": "closest"}


@dataclass(frozen=True)
class SurfaceLabels:
    title_3d: str
    title_map: str
    slice_x: str
    slice_y: str
    pick: str


@dataclass(frozen=True)
class SlicesLabels:
    slice_x_title: str
    slice_y_title: str
    tangent: str


@dataclass(frozen=True)
class DirectionLabels:
    dir_title_map: str
    dir_title_polar: str
    dir_u: str
    dir_grad: str
    dir_descent: str
    dir_level: str
    dir_path: str
    dir_max: str
    dir_min: str
    dir_zero: str
    dir_current: str
    pick: str


@dataclass(frozen=True)
class LineSliceLabels:
    g_title: str
    g_t: str
    g_name: str
    g_tangent: str


@dataclass(frozen=True)
class FieldLabels:
    field_title: str
    arrows: str
    arrow_at_p: str
    dir_level: str
    pick: str


@dataclass(frozen=True)
class BookFieldLabels:
    field_title_book: str
    arrows_down: str
    pick: str


@dataclass(frozen=True)
class LabLabels:
    lab_title_f: str
    lab_title_err: str
    lab_curve: str
    lab_exact: str
    lab_numeric: str
    lab_forward: str
    lab_central: str
    lab_step: str


def _line(xs: object, ys: object, color: str, name: str, presentation: bool, axes: maps.Axes = maps.XY,
          dash: str = "solid", width: float = 1.0, legend: bool = True, group: str | None = None) -> dict:
    return {
        "type": "scatter", "x": theme.rounded(xs), "y": theme.rounded(ys), "mode": "lines", "name": name,
        "line": {"color": color, "dash": dash, "width": theme.line_width(presentation) * width},
        "showlegend": legend, "legendgroup": group or name, "hoverinfo": "skip",
        "xaxis": axes[0], "yaxis": axes[1],
    }


def _contour(grid: SurfaceMap, presentation: bool) -> dict:
    return maps.contour(grid.x, grid.y, grid.Z, lines=CONTOUR_LINES, presentation=presentation)


def _title(text: str, x: float, presentation: bool) -> dict:
    return {"text": text, "x": x, "y": 1.0, "xref": "paper", "yref": "paper", "xanchor": "center",
            "yanchor": "bottom", "showarrow": False, "font": {"size": theme.subplot_title_size(presentation)}}


def _legend_top(presentation: bool) -> dict:
    return {"orientation": "h", "yanchor": "bottom", "y": 1.06, "x": 0,
            "font": {"size": theme.font_size(presentation) - 1}}


def _padded_range(values: np.ndarray) -> list[float] | None:
    """The finite values' range with 8 % either side (None when nothing is finite)."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return None
    low, high = float(finite.min()), float(finite.max())
    pad = 0.08 * (high - low or 1.0)
    return [low - pad, high + pad]


# --- surface & partial derivatives ---------------------------------------------------------

def surface_figure(grid: SurfaceMap, at_p: SurfacePoint, slices: tuple[Slice, Slice], labels: SurfaceLabels,
                   presentation: bool = False) -> go.Figure:
    """3-D surface (left) and its contour map (right), with P and the two slices through it.

    ``slices`` is (slice along x at y₀, slice along y at x₀) from nnviz.lessons.gradients.axis_slices.
    """
    data = _surface_3d(grid, at_p, slices, labels, presentation) + _surface_map(grid, at_p.point, labels,
                                                                               presentation)
    gap = 0.04
    layout = {
        "scene": {
            "domain": {"x": [0, 0.5 - gap], "y": [0, 0.97]},
            "xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}},
            "zaxis": {"title": {"text": "f"}}, "aspectmode": "manual",
            "aspectratio": {"x": 1.1, "y": 1.1, "z": 0.75}, "camera": {"eye": {"x": -1.3, "y": -1.5, "z": 0.75},
                                                            "center": {"x": 0, "y": 0, "z": -0.3}},
        },
        "xaxis": {"domain": [0.5 + gap, 1], "anchor": "y"},
        "yaxis": {"anchor": "x"},
        "annotations": [_title(labels.title_3d, 0.23, presentation), _title(labels.title_map, 0.77, presentation)],
        "legend": _legend_top(presentation),
        "margin": {"t": 105 if presentation else 90, "l": 10, "r": 10, "b": 50},
        "height": 620 if presentation else 540,
        **CLICKABLE,
    }
    maps.equal_aspect(layout, "", grid.xlim, grid.ylim)
    return theme.figure(data, layout, presentation)


def _scene_line(xs: object, ys: object, zs: object, color: str, width: float, dash: str | None = None,
                **extra: object) -> dict:
    line = {"color": color, "width": width, **({"dash": dash} if dash else {})}
    return {"type": "scatter3d", "x": xs, "y": ys, "z": zs, "mode": "lines", "scene": "scene",
            "hoverinfo": "skip", "line": line, **extra}


def _surface_3d(grid: SurfaceMap, at_p: SurfacePoint, slices: tuple[Slice, Slice], labels: SurfaceLabels,
                presentation: bool) -> list[dict]:
    """The surface with both slices through P and, where f is defined at P, the two tangents."""
    (x0, y0), (sx, sy) = at_p.point, slices
    width = theme.line_width(presentation) * 3.2
    data = [
        {**maps.surface(grid.x, grid.y, grid.Z), "scene": "scene"},
        _scene_line(theme.rounded(sx.s), np.full(sx.s.shape, y0), theme.rounded(sx.values), X_SLICE, width,
                    name=labels.slice_x, legendgroup="sx"),
        _scene_line(np.full(sy.s.shape, x0), theme.rounded(sy.s), theme.rounded(sy.values), Y_SLICE, width,
                    dash="dash", name=labels.slice_y, legendgroup="sy"),
    ]
    if not at_p.defined:
        return data
    fp, (gx, gy) = at_p.value, at_p.gradient
    reach_x, reach_y = (grid.xlim[1] - grid.xlim[0]) / 5, (grid.ylim[1] - grid.ylim[0]) / 5
    return data + [
        _scene_line([x0 - reach_x, x0 + reach_x], [y0, y0], [fp - gx * reach_x, fp + gx * reach_x], BLACK, width,
                    showlegend=False),
        _scene_line([x0, x0], [y0 - reach_y, y0 + reach_y], [fp - gy * reach_y, fp + gy * reach_y], BLACK, width,
                    showlegend=False),
        {"type": "scatter3d", "x": [x0], "y": [y0], "z": [fp], "mode": "markers", "showlegend": False,
         "marker": {"size": 7 if presentation else 5, "color": "white", "line": {"color": BLACK, "width": 3}},
         "scene": "scene", "hoverinfo": "skip"},
    ]


def _surface_map(grid: SurfaceMap, point: tuple[float, float], labels: SurfaceLabels,
                 presentation: bool) -> list[dict]:
    """The contour map with the two slice lines through P, P itself and the click grid."""
    x0, y0 = point
    return [
        _contour(grid, presentation),
        _line(grid.xlim, (y0, y0), X_SLICE, labels.slice_x, presentation, legend=False, group="sx"),
        _line((x0, x0), grid.ylim, Y_SLICE, labels.slice_y, presentation, dash="dash", legend=False, group="sy"),
        maps.point(x0, y0, presentation=presentation),
        maps.pick_grid(grid.xlim, grid.ylim, labels.pick),
    ]


def slices_figure(slices: tuple[Slice, Slice], point: tuple[float, float], labels: SlicesLabels,
                  presentation: bool = False) -> go.Figure:
    """f(x, y₀) against x (left) and f(x₀, y) against y (right), each with its tangent at P."""
    titles = (labels.slice_x_title, labels.slice_y_title)
    data: list[dict] = []
    for i, (sl, p0, color, dash) in enumerate(zip(slices, point, (X_SLICE, Y_SLICE), ("solid", "dash"))):
        data.append(_line(sl.s, sl.values, color, titles[i], presentation, axes=AXES[i], dash=dash, legend=False))
        if np.isfinite(sl.at_p) and np.isfinite(sl.slope):
            reach = (sl.s[-1] - sl.s[0]) / 5
            ts = np.array([p0 - reach, p0 + reach])
            data.append(_line(ts, sl.at_p + sl.slope * (ts - p0), BLACK, labels.tangent, presentation,
                              axes=AXES[i], width=0.8, legend=i == 0, group="tangent"))
            data.append(maps.point(p0, sl.at_p, axes=AXES[i], presentation=presentation))
    layout = theme.side_by_side(titles, presentation, gap=0.1)
    layout["xaxis"]["title"] = {"text": "x"}
    layout["xaxis2"]["title"] = {"text": "y"}
    layout["yaxis"]["title"] = {"text": "f"}
    layout["legend"] = {"x": 1, "xanchor": "right", "y": 1, "yanchor": "top"}
    layout["height"] = 470 if presentation else 390
    layout["margin"] = {"t": 110 if presentation else 85}  # two-line titles
    for axis, sl in (("yaxis", slices[0]), ("yaxis2", slices[1])):
        if (span := _padded_range(sl.values)) is not None:
            layout[axis]["range"] = span
    return theme.figure(data, layout, presentation)


# --- directional derivative ---------------------------------------------------------------

def direction_figure(grid: SurfaceMap, readout: DirectionReadout, labels: DirectionLabels,
                     presentation: bool = False) -> go.Figure:
    """Contour map with u, ∇f, −∇f and the level-curve tangent at P (left); D_u f(θ) in polar form (right).

    On the polar side the radius is D + M (M = |∇f|), so the dashed circle is D = 0: outside it
    the direction climbs, inside it descends.
    """
    norm = readout.norm
    m = norm if np.isfinite(norm) and norm > 0 else 1.0
    data = _direction_map(grid, readout, labels, presentation) + _direction_polar(readout, m, labels, presentation)
    gap = 0.06
    layout = {
        "xaxis": {"domain": [0, 0.5 - gap], "anchor": "y"},
        "yaxis": {"anchor": "x"},
        "polar": {"domain": {"x": [0.5 + gap, 1], "y": [0, 0.9]},
                  "radialaxis": {"range": [0, 2 * m * 1.05], "showticklabels": False, "ticks": ""},
                  "angularaxis": {"direction": "counterclockwise", "rotation": 0, "dtick": 45}},
        "annotations": [_title(labels.dir_title_map, 0.22, presentation),
                        _title(labels.dir_title_polar, 0.77, presentation)],
        "legend": _legend_top(presentation),
        "margin": {"t": 110 if presentation else 95, "l": 60, "r": 30, "b": 50},
        "height": 600 if presentation else 520,
        **CLICKABLE,
    }
    maps.equal_aspect(layout, "", grid.xlim, grid.ylim)
    return theme.figure(data, layout, presentation)


def _direction_map(grid: SurfaceMap, readout: DirectionReadout, labels: DirectionLabels,
                   presentation: bool) -> list[dict]:
    """The line P + t·u, the level-curve tangent, the arrows u, ∇f and −∇f, P and the click grid."""
    (x0, y0), u, norm = readout.point, readout.u, readout.norm
    (xlo, xhi), (ylo, yhi) = grid.xlim, grid.ylim
    reach = 0.22 * min(xhi - xlo, yhi - ylo)
    span = 3 * max(xhi - xlo, yhi - ylo)
    data = [_contour(grid, presentation),
            _line((x0 - span * u[0], x0 + span * u[0]), (y0 - span * u[1], y0 + span * u[1]), DIRECTION,
                  labels.dir_path, presentation, dash="dot", width=0.6)]
    sloped = np.isfinite(norm) and norm > 0
    if sloped:
        g = readout.finite_gradient / norm * reach
        tangent = np.array([-g[1], g[0]]) / reach
        data.append(_line((x0 - reach * tangent[0], x0 + reach * tangent[0]),
                          (y0 - reach * tangent[1], y0 + reach * tangent[1]), LEVEL, labels.dir_level,
                          presentation, dash="dash", width=0.8))
    data += maps.arrows([x0], [y0], [u[0] * reach], [u[1] * reach], DIRECTION, labels.dir_u, width=1.6,
                        presentation=presentation)
    if sloped:
        data += maps.arrows([x0], [y0], [g[0]], [g[1]], ASCENT, labels.dir_grad, width=1.1,
                            presentation=presentation)
        data += maps.arrows([x0], [y0], [-g[0]], [-g[1]], DESCENT, labels.dir_descent, width=1.1,
                            presentation=presentation)
    return data + [maps.point(x0, y0, presentation=presentation), maps.pick_grid(grid.xlim, grid.ylim, labels.pick)]


def _direction_polar(readout: DirectionReadout, m: float, labels: DirectionLabels, presentation: bool) -> list[dict]:
    """The zero circle, D_u f(θ) + M, the max/min/zero marks and the chosen θ."""
    profile, theta = readout.profile, readout.theta
    common = {"subplot": "polar", "hoverinfo": "skip"}
    data = [
        {"type": "scatterpolar", "r": theme.rounded(np.full(73, m)), "theta": np.linspace(0, 360, 73),
         "mode": "lines", "line": {"color": LEVEL, "dash": "dash", "width": 1.5}, "name": labels.dir_zero,
         "showlegend": False, **common},
        {"type": "scatterpolar", "r": theme.rounded(profile.slope + m),
         "theta": theme.rounded(np.degrees(profile.theta), 3), "mode": "lines",
         "line": {"color": PINK, "width": theme.line_width(presentation)}, "name": "D_u f(θ)",
         "fill": "toself", "fillcolor": "rgba(204,121,167,0.15)", "showlegend": False,
         "customdata": theme.rounded(profile.slope),
         "hovertemplate": "θ=%{theta:.0f}°<br>D=%{customdata:.3g}<extra></extra>", "subplot": "polar"},
    ]
    if readout.norm > 0:
        star = readout.steepest
        marks = [(star, 2 * m, ASCENT, labels.dir_max), ((star + 180) % 360, 0.0, DESCENT, labels.dir_min),
                 ((star + 90) % 360, m, LEVEL, labels.dir_zero), ((star + 270) % 360, m, LEVEL, "")]
        data.append({"type": "scatterpolar", "r": [r for _, r, _, _ in marks], "theta": [a for a, _, _, _ in marks],
                     "mode": "markers+text", "text": [t for _, _, _, t in marks],
                     "textposition": [_max_label_position(star, theta), "bottom center", "middle right", "middle left"],
                     "textfont": {"size": theme.font_size(presentation) - 1},
                     "marker": {"size": 13 if presentation else 10, "color": [c for _, _, c, _ in marks],
                                "symbol": "diamond"}, "showlegend": False, "cliponaxis": False, **common})
    data.append({"type": "scatterpolar", "r": [0, readout.derivative + m], "theta": [theta, theta],
                 "mode": "lines+markers", "line": {"color": DIRECTION, "width": theme.line_width(presentation)},
                 "marker": {"size": [0, 12 if presentation else 9], "color": DIRECTION},
                 "name": labels.dir_current, "showlegend": False, **common})
    return data


def _max_label_position(star: float, theta: float) -> str:
    """Where the "max" label goes beside its mark on the rim at ``star`` degrees: toward the centre, so it
    stays inside the circle, clear of the angular tick labels. When u (at ``theta``) runs within 30° of ∇f
    the u line ends at the mark, so the label turns 60° aside, to the side that keeps its width inside."""
    inward = star + 180
    if abs((theta - star + 180) % 360 - 180) >= 30:
        return _compass(inward)

    def inside(angle: float) -> float:  # a label is wide: its horizontal direction counts double
        return 2 * np.cos(np.radians(angle)) * np.cos(np.radians(inward)) + \
            np.sin(np.radians(angle)) * np.sin(np.radians(inward))

    return _compass(max((inward - 60, inward + 60), key=inside))


def _compass(angle: float) -> str:
    """The Plotly text position in the compass direction nearest to ``angle`` degrees (0 = right, 90 = up)."""
    c, s = np.cos(np.radians(angle)), np.sin(np.radians(angle))
    vertical = "top" if s > 0.38 else "bottom" if s < -0.38 else "middle"
    horizontal = "right" if c > 0.38 else "left" if c < -0.38 else "center"
    return f"{vertical} {horizontal}"


def line_slice_figure(sl: Slice, labels: LineSliceLabels, presentation: bool = False) -> go.Figure:
    """g(t) = f(P + t·u) against t with its tangent at t = 0 (slope D_u f)."""
    data = [_line(sl.s, sl.values, DIRECTION, labels.g_name, presentation)]
    if np.isfinite(sl.at_p) and np.isfinite(sl.slope):
        reach = (sl.s[-1] - sl.s[0]) / 4
        ts = np.array([-reach, reach])
        data.append(_line(ts, sl.at_p + sl.slope * ts, BLACK, labels.g_tangent, presentation, width=0.8))
        data.append(maps.point(0.0, sl.at_p, presentation=presentation))
    layout = {
        "title": {"text": labels.g_title}, "xaxis": {"title": {"text": labels.g_t}},
        "yaxis": {"title": {"text": "g(t)"}},
        "legend": {"x": 1, "xanchor": "right", "y": 1, "yanchor": "top"},
        "height": 430 if presentation else 360, "margin": {"t": 100 if presentation else 80},
    }
    if (span := _padded_range(sl.values)) is not None:
        layout["yaxis"]["range"] = span
    return theme.figure(data, layout, presentation)


# --- gradient field ---------------------------------------------------------------------------

def field_figure(grid: SurfaceMap, arrows: FieldArrows, readout: FieldReadout, labels: FieldLabels,
                 presentation: bool = False) -> go.Figure:
    """Arrows of sign·∇f over the contour map, the one at P highlighted with the level curve's tangent."""
    data = [_contour(grid, presentation), *_field_arrows(arrows, labels.arrows, presentation)]
    if readout.defined:
        data += _arrow_at_p(readout, arrows.spacing, labels, presentation)
    data.append(maps.pick_grid(grid.xlim, grid.ylim, labels.pick))
    return theme.figure(data, _field_layout(labels.field_title, grid, ("x", "y"), presentation), presentation)


def book_field_figure(grid: SurfaceMap, arrows: FieldArrows, labels: BookFieldLabels,
                      presentation: bool = False) -> go.Figure:
    """The book's figure: arrows of −∇f over the contour map, axes x₀ and x₁."""
    data = [_contour(grid, presentation), *_field_arrows(arrows, labels.arrows_down, presentation),
            maps.pick_grid(grid.xlim, grid.ylim, labels.pick)]
    return theme.figure(data, _field_layout(labels.field_title_book, grid, ("x₀", "x₁"), presentation),
                        presentation)


def _field_arrows(arrows: FieldArrows, name: str, presentation: bool) -> list[dict]:
    return maps.arrows(arrows.X, arrows.Y, arrows.dx, arrows.dy, BLACK, name, width=0.75, presentation=presentation)


def _arrow_at_p(readout: FieldReadout, spacing: float, labels: FieldLabels, presentation: bool) -> list[dict]:
    """The level curve's tangent through P, a right-angle mark, the arrow at P, and P."""
    x0, y0 = readout.point
    data: list[dict] = []
    if readout.moving:
        show, corner = 2.2 * spacing, 0.35 * spacing
        d, tangent = readout.direction, readout.tangent
        data.append(_line((x0 - show * tangent[0], x0 + show * tangent[0]),
                          (y0 - show * tangent[1], y0 + show * tangent[1]), LEVEL, labels.dir_level,
                          presentation, dash="dash", width=0.9))
        square_x = [x0 + corner * tangent[0], x0 + corner * (tangent[0] + d[0]), x0 + corner * d[0]]
        square_y = [y0 + corner * tangent[1], y0 + corner * (tangent[1] + d[1]), y0 + corner * d[1]]
        data.append(_line(square_x, square_y, LEVEL, "90°", presentation, width=0.5, legend=False))
        data += maps.arrows([x0], [y0], [show * d[0]], [show * d[1]], ASCENT if readout.sign > 0 else DESCENT,
                            labels.arrow_at_p, width=2.0, presentation=presentation)
    return data + [maps.point(x0, y0, presentation=presentation)]


def _field_layout(title: str, grid: SurfaceMap, axis_titles: tuple[str, str], presentation: bool) -> dict:
    layout = {
        "title": {"text": title}, "xaxis": {}, "yaxis": {},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0},
        "margin": {"t": 60 if presentation else 50, "b": 20},
        "height": 720 if presentation else 640,
        **CLICKABLE,
    }
    maps.equal_aspect(layout, "", grid.xlim, grid.ylim, axis_titles)
    return layout


# --- numerical-differentiation lab -------------------------------------------------------------

LAB_STYLES = {("float64", "forward"): (VERMILLION, "solid"), ("float64", "central"): (BLUE, "solid"),
              ("float32", "forward"): (VERMILLION, "dot"), ("float32", "central"): (BLUE, "dot")}


def lab_figure(readout: LabReadout, labels: LabLabels, presentation: bool = False) -> go.Figure:
    """f with its exact and finite-difference tangents at x₀ (left); |error| against h, log–log (right).

    Exact zeros cannot sit on a log axis and are left out.
    """
    data = _lab_tangents(readout, labels, presentation) + _lab_errors(readout, labels, presentation)
    h = readout.h
    layout = theme.side_by_side((labels.lab_title_f, labels.lab_title_err), presentation, gap=0.1)
    layout["xaxis"]["title"] = {"text": "x"}
    layout["yaxis"]["title"] = {"text": "f(x)"}
    every = 8 if presentation else 4  # decades between h labels: 18 decades share a narrow panel
    layout["xaxis2"].update(type="log", title={"text": "h"}, exponentformat="power", dtick=every)
    layout["yaxis2"].update(type="log", title={"text": "|error|"}, exponentformat="power")
    layout["shapes"] = [{"type": "line", "x0": h, "x1": h, "xref": "x2", "y0": 0, "y1": 1, "yref": "y2 domain",
                         "line": {"color": ORANGE, "width": 2, "dash": "dash"}}]
    layout["annotations"].append({"text": labels.lab_step, "x": np.log10(h), "xref": "x2", "y": 1,
                                  "yref": "y2 domain", "xanchor": "left", "yanchor": "top", "showarrow": False,
                                  "font": {"color": ORANGE, "size": theme.font_size(presentation)}})
    layout.update(_lab_frame(presentation))
    return theme.figure(data, layout, presentation)


def _lab_frame(presentation: bool) -> dict:
    """Height, margins and a legend above the subplot titles with a gap: its bottom is a title's
    height plus 20 px above the plots (the top margin grows with its rows: two or three, by language)."""
    height, top, bottom = (600, 150, 50) if presentation else (500, 110, 50)
    clearance = theme.subplot_title_size(presentation) + 20
    legend = _legend_top(presentation) | {"y": 1 + clearance / (height - top - bottom)}
    return {"legend": legend, "margin": {"t": top, "b": bottom}, "height": height}


def _lab_tangents(r: LabReadout, labels: LabLabels, presentation: bool) -> list[dict]:
    reach = (r.x[-1] - r.x[0]) / 4
    ts = np.array([r.x0 - reach, r.x0 + reach])
    data = [
        _line(r.x, r.fx, BLUE, labels.lab_curve, presentation, legend=False),
        _line(ts, r.f0 + r.exact * (ts - r.x0), BLACK, labels.lab_exact, presentation, width=0.9),
    ]
    if np.isfinite(r.central):
        data.append(_line(ts, r.f0 + r.central * (ts - r.x0), ORANGE, labels.lab_numeric, presentation,
                          dash="dash", width=0.9))
    return data + [maps.point(r.x0, r.f0, "x₀", presentation=presentation)]


def _lab_errors(r: LabReadout, labels: LabLabels, presentation: bool) -> list[dict]:
    data = []
    for dtype, err in r.errors:
        for method, name in (("forward", labels.lab_forward), ("central", labels.lab_central)):
            values = getattr(err, method)
            color, dash = LAB_STYLES.get((dtype, method), (BLACK, "solid"))
            data.append({
                "type": "scatter", "x": err.h, "y": np.where(values > 0, values, np.nan), "mode": "lines",
                "name": f"{name} · {dtype}", "xaxis": "x2", "yaxis": "y2",
                "line": {"color": color, "dash": dash, "width": theme.line_width(presentation) * 0.9},
                "hovertemplate": "h=%{x:.1e}<br>|error|=%{y:.2e}<extra>" + f"{name} {dtype}</extra>",
            })
    return data
