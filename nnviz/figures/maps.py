"""The pieces every map of f(x, y) is drawn with: one colour scale, one rule for contour levels,
markers for P, starts, critical points and exits, iterate paths, arrows and a click grid.

Axes are given as ("x", "y"), ("x2", "y2"), …; sizes follow presentation mode.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nnviz.figures import theme

MAP_SCALE = [[0.0, "#f7fbff"], [0.35, "#dbe7f3"], [0.7, "#b3c9de"], [1.0, "#8aa8c4"]]
"""Lighter is lower: paths in the series colours stand out, and it survives greyscale print."""
LOG_RATIO = 5.0
PICK_GRID = 41
EXIT_COLOR = theme.OKABE_ITO[1]
INK = "#000000"
KIND_SYMBOL = {"min": "star", "saddle": "x-thin-open", "max": "triangle-up-open"}
Axes = tuple[str, str]
XY: Axes = ("x", "y")


def contour_levels(Z: np.ndarray) -> tuple[np.ndarray, bool]:
    """What a map colours by, and whether it is logarithmic: log10(1 + f − min f) when the range of f
    exceeds LOG_RATIO times its median above the minimum (Rosenbrock, Himmelblau, Beale), else f.

    A valley near the minimum of a surface that spans thousands then still gets its lines.
    """
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        return Z, False
    low, mid, high = float(np.min(finite)), float(np.median(finite)), float(np.max(finite))
    if high - low > LOG_RATIO * max(mid - low, 1e-12):
        with np.errstate(all="ignore"):
            return np.log10(1 + Z - low), True
    return Z, False


def _on(axes: Axes) -> dict:
    return {"xaxis": axes[0], "yaxis": axes[1]}


def contour(x: np.ndarray, y: np.ndarray, Z: np.ndarray, axes: Axes = XY, lines: int = 22,
            presentation: bool = False) -> dict:
    """The filled contour map of Z (rows follow y) on the given axes, coloured by contour_levels."""
    levels, _ = contour_levels(Z)
    return {"type": "contour", "x": theme.rounded(x, 4), "y": theme.rounded(y, 4),
            "z": theme.f32(theme.rounded(levels, 4)), "colorscale": MAP_SCALE, "showscale": False,
            "ncontours": lines, "hoverinfo": "skip", "contours": {"coloring": "fill"},
            "line": {"color": "rgba(60,80,110,0.45)", "width": 1.4 if presentation else 1}, **_on(axes)}


def surface(x: np.ndarray, y: np.ndarray, Z: np.ndarray, name: str = "f") -> dict:
    """f as a 3-D surface in the map colours (by contour_levels), hovering x, y and f."""
    levels, _ = contour_levels(Z)
    return {"type": "surface", "x": theme.rounded(x, 4), "y": theme.rounded(y, 4), "z": theme.f32(Z),
            "surfacecolor": theme.f32(levels), "colorscale": MAP_SCALE, "showscale": False, "opacity": 0.95,
            "name": name, "hovertemplate": "x=%{x:.2f}<br>y=%{y:.2f}<br>f=%{z:.3g}<extra></extra>"}


def point(x: float, y: float, label: str = "P", axes: Axes = XY, presentation: bool = False) -> dict:
    """A labelled point (white disc, black ring) such as P."""
    return {"type": "scatter", "x": [x], "y": [y], "mode": "markers+text", "text": [label],
            "textposition": "top right", "textfont": {"size": theme.font_size(presentation) + 3, "color": INK},
            "marker": {"size": 15 if presentation else 11, "color": "white", "symbol": "circle",
                       "line": {"color": INK, "width": 3}},
            "showlegend": False, "hoverinfo": "skip", "cliponaxis": False, **_on(axes)}


def start(x: float, y: float, name: str, axes: Axes = XY, legend: bool = True, presentation: bool = False) -> dict:
    """Where a run starts: an open black circle."""
    size = 20 if presentation else 16
    return {"type": "scatter", "x": [x], "y": [y], "mode": "markers", "name": name, "legendgroup": "start",
            "marker": {"symbol": "circle-open", "size": size, "color": INK, "line": {"width": 3}},
            "showlegend": legend, "hoverinfo": "x+y+name", **_on(axes)}


def critical_points(points: Sequence[tuple[float, float, str]], names: Mapping[str, str], axes: Axes = XY,
                    legend: bool = True, presentation: bool = False) -> list[dict]:
    """Known critical points (x, y, kind), one trace per kind: ★ minimum, ✕ saddle, △ maximum."""
    size = 21 if presentation else 14
    traces = []
    for kind, symbol in KIND_SYMBOL.items():
        pts = [(x, y) for x, y, k in points if k == kind]
        if pts:
            traces.append({"type": "scatter", "x": [p[0] for p in pts], "y": [p[1] for p in pts],
                           "mode": "markers", "name": names[kind], "legendgroup": f"cp-{kind}",
                           "showlegend": legend, "hoverinfo": "x+y+name",
                           "marker": {"symbol": symbol, "size": size, "color": "#222",
                                      "line": {"width": 2, "color": "#222"}}, **_on(axes)})
    return traces


def path(points: np.ndarray, name: str, series: int, axes: Axes = XY, legend: bool = True,
         presentation: bool = False) -> dict:
    """An iterate path (rows of x, y) in the style of series ``series``."""
    style = theme.series_style(series, presentation)
    return {"type": "scatter", "x": theme.f32(points[:, 0]), "y": theme.f32(points[:, 1]),
            "mode": "lines+markers", "name": name, "legendgroup": name, "showlegend": legend,
            "line": {**style["line"], "width": theme.line_width(presentation) * 0.8},
            "marker": {**style["marker"], "size": 9 if presentation else 6}, **_on(axes),
            "hovertemplate": f"{name}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>"}


def exits(points: Sequence[tuple[float, float]], name: str, axes: Axes = XY, legend: bool = True,
          presentation: bool = False) -> dict:
    """✕ where paths cross the edge of the view (nnviz.core.paths.edge_crossing)."""
    return {"type": "scatter", "x": [p[0] for p in points], "y": [p[1] for p in points], "mode": "markers",
            "name": name, "legendgroup": "exit", "showlegend": legend, "cliponaxis": False,
            "marker": {"symbol": "x", "size": 24 if presentation else 16, "color": EXIT_COLOR,
                       "line": {"width": 1, "color": "#fff"}}, **_on(axes)}


def pick_grid(xlim: tuple[float, float], ylim: tuple[float, float], hover: str, axes: Axes = XY) -> dict:
    """An invisible dense scatter over the map: clicking selects the nearest grid point."""
    gx, gy = np.meshgrid(np.linspace(*xlim, PICK_GRID), np.linspace(*ylim, PICK_GRID))
    invisible = {"marker": {"opacity": 0}}
    return {"type": "scatter", "x": theme.rounded(gx.ravel(), 4), "y": theme.rounded(gy.ravel(), 4),
            "mode": "markers", "marker": {"size": 14, "opacity": 0, "color": INK}, "selected": invisible,
            "unselected": invisible, "hovertemplate": hover + "<extra></extra>", "showlegend": False,
            "name": "pick", **_on(axes)}


def equal_aspect(layout: dict, suffix: str, xlim: tuple[float, float], ylim: tuple[float, float],
                 titles: tuple[str, str] = ("x", "y")) -> None:
    """Axes x{suffix}, y{suffix} over the window at one common scale, so right angles look right."""
    layout.setdefault(f"xaxis{suffix}", {}).update(range=list(xlim), title={"text": titles[0]}, constrain="domain")
    layout.setdefault(f"yaxis{suffix}", {}).update(range=list(ylim), title={"text": titles[1]},
                                                   scaleanchor=f"x{suffix}", scaleratio=1, constrain="domain")


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


def arrows(x: object, y: object, u: object, v: object, color: str, name: str, axes: Axes = XY,
           width: float = 1.0, legend: bool = True, presentation: bool = False) -> list[dict]:
    """Arrows from (x, y) by (u, v) as two traces: the shafts and the filled heads."""
    sx, sy, hx, hy = arrow_paths(x, y, u, v)
    common = {"legendgroup": name, "hoverinfo": "skip", **_on(axes)}
    return [
        {"type": "scatter", "x": theme.rounded(sx), "y": theme.rounded(sy), "mode": "lines", "name": name,
         "showlegend": legend, "line": {"color": color, "width": theme.line_width(presentation) * 0.8 * width,
                                        "dash": "solid"}, **common},
        {"type": "scatter", "x": theme.rounded(hx), "y": theme.rounded(hy), "mode": "lines", "fill": "toself",
         "fillcolor": color, "line": {"color": color, "width": 1, "dash": "solid"}, "showlegend": False,
         "name": name, **common},
    ]


CLASS_SCALE = [[0.0, "#f3c6a5"], [0.5, "#f7f7f7"], [1.0, "#a6c8e4"]]
"""P(class 1) from 0 to 1: light vermilion through white to light blue, under the points' strong colours."""
CLASS_COLORS = (theme.OKABE_ITO[1], theme.OKABE_ITO[0])
CLASS_SYMBOLS = ("circle", "square")


def class_map(axis: np.ndarray, z: np.ndarray, axes: Axes = XY, hover: str = "%{z:.2f}") -> dict:
    """A 0…1 output (rows follow y) over a square grid as a heatmap in CLASS_SCALE."""
    return {"type": "heatmap", "x": theme.rounded(axis, 4), "y": theme.rounded(axis, 4),
            "z": theme.f32(theme.rounded(z, 3)), "zmin": 0.0, "zmax": 1.0, "colorscale": CLASS_SCALE,
            "showscale": False, "zsmooth": "best", "hovertemplate": f"(%{{x:.2f}}, %{{y:.2f}}): {hover}<extra></extra>",
            **_on(axes)}


def class_points(points: np.ndarray, labels: np.ndarray, names: tuple[str, str], axes: Axes = XY,
                 legend: bool = True, presentation: bool = False, size: float | None = None,
                 open_marker: bool = False) -> list[dict]:
    """Points (n, 2) of classes 0 and 1, one trace per class: vermilion circles and blue squares."""
    size = size or (13 if presentation else 9)
    traces = []
    for k in (0, 1):
        pts = points[np.asarray(labels) == k]
        symbol = CLASS_SYMBOLS[k] + ("-open" if open_marker else "")
        traces.append({"type": "scatter", "x": theme.f32(pts[:, 0]), "y": theme.f32(pts[:, 1]), "mode": "markers",
                       "name": names[k], "legendgroup": f"class{k}", "showlegend": legend,
                       "marker": {"symbol": symbol, "size": size, "color": CLASS_COLORS[k],
                                  "line": {"color": "white" if not open_marker else CLASS_COLORS[k], "width": 1.5}},
                       "hoverinfo": "x+y+name", **_on(axes)})
    return traces
