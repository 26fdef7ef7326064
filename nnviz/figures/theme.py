"""The one Plotly look of nnviz: Okabe–Ito colours, a dash and marker per series.

Colour alone never tells two series apart, so figures survive projectors,
colour-blind viewers and greyscale printouts. ``presentation=True`` enlarges
fonts and lines for the back of a lecture hall.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import plotly.graph_objects as go
from _plotly_utils.utils import convert_to_base64

# Okabe & Ito (2008), ordered for contrast on white; yellow last.
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "5px,3px,1px,3px", "1px,4px"]
MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "star", "cross", "pentagon"]
SHADE = "rgba(120, 120, 120, 0.16)"
FONT_FAMILY = "Noto Sans, Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, Arial, sans-serif"


def series_style(i: int, presentation: bool = False) -> dict:
    """Colour, dash and marker of the i-th series, for traces that set them explicitly."""
    return {
        "line": {"color": OKABE_ITO[i % 8], "dash": DASHES[i % 8], "width": line_width(presentation)},
        "marker": {"color": OKABE_ITO[i % 8], "symbol": MARKERS[i % 8], "size": 12 if presentation else 8},
    }


def line_width(presentation: bool = False) -> float:
    return 4.5 if presentation else 2.5


def font_size(presentation: bool = False) -> int:
    return 22 if presentation else 15


def subplot_title_size(presentation: bool = False) -> int:
    return 24 if presentation else 17


def height(presentation: bool = False) -> int:
    return 560 if presentation else 470


@cache
def template(presentation: bool = False) -> go.layout.Template:
    """The app's template; scatter traces cycle through colours, dashes and markers together."""
    size = font_size(presentation)
    scatter_cycle = [go.Scatter(**series_style(i, presentation)) for i in range(8)]
    axis = {
        "showgrid": True, "gridcolor": "#e5e5e5", "zeroline": True, "zerolinecolor": "#9a9a9a",
        "zerolinewidth": 1.5, "linecolor": "#444", "showline": True, "ticks": "outside",
        "title": {"font": {"size": size + 1}, "standoff": 12 if presentation else 8}, "automargin": True,
    }
    scene_axis = {"tickfont": {"size": size - 3}, "title": {"font": {"size": size + 1}}, "backgroundcolor": "white",
                  "gridcolor": "#dddddd", "showbackground": True}
    return go.layout.Template(
        data={"scatter": scatter_cycle},
        layout={
            "colorway": OKABE_ITO,
            "font": {"family": FONT_FAMILY, "size": size, "color": "#222"},
            "title": {"font": {"size": size + 5}, "x": 0.01, "xanchor": "left"},
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "xaxis": axis,
            "yaxis": axis,
            "scene": {"xaxis": scene_axis, "yaxis": scene_axis, "zaxis": scene_axis,
                      "camera": {"eye": {"x": 1.55, "y": 1.55, "z": 1.05}}},
            "legend": {"bgcolor": "rgba(255,255,255,0.85)", "font": {"size": size}},
            "hoverlabel": {"font": {"size": size}},
            "margin": {"l": 60, "r": 20, "t": 60 if presentation else 50, "b": 50},
        },
    )


@cache
def _template_dict(presentation: bool) -> dict:
    return template(presentation).to_plotly_json()


def figure(data: list[dict], layout: dict, presentation: bool = False,
           frames: list[dict] | None = None) -> go.Figure:
    """Build a figure from plain dicts, with the app's look, skipping Plotly's Python objects.

    Building trace objects (even unvalidated), deep-copying them back into a dict and
    validating were most of a page's rerun time, so a figure is kept as the dict the browser
    receives: NumPy arrays in the traces are sent as base64 typed arrays, ``frames`` drive
    client-side animation. ``tests/app/test_render.py`` validates every view's figures once,
    so a misspelt property still fails a test.
    """
    convert_to_base64(data)
    decade_ticks(layout)
    full_layout = {"template": _template_dict(presentation), "height": height(presentation), **layout}
    return _Figure({"data": data, "layout": full_layout, **({"frames": frames} if frames else {})})


def decade_ticks(layout: dict) -> None:
    """Log axes label the powers of ten (10⁻², 10⁻¹, 1) and leave the ticks between them unlabelled,
    instead of Plotly's cluttered "2 5 2 5" minor labels (an axis that sets minorloglabels keeps it)."""
    for name, axis in layout.items():
        if name[1:5] == "axis" and isinstance(axis, dict) and axis.get("type") == "log":
            axis.setdefault("minorloglabels", "none")
            axis.setdefault("exponentformat", "power")


class _Figure(go.Figure):
    """A Figure that is only its JSON-ready dict: Streamlit asks for to_dict(), which returns it."""

    def __init__(self, spec: dict) -> None:
        super().__init__()
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec

    def to_plotly_json(self) -> dict:
        return self._spec

    def update_layout(self, dict1: dict | None = None, overwrite: bool = False, **kwargs: object) -> _Figure:
        self._spec["layout"].update(dict1 or {}, **kwargs)
        return self


TITLE_LIFT = 6
"""px between a subplot title and the top of its plot, for a chart whose y axis has a tick label at
its very top (half of that label stands above the plot)."""


def subplot_title(text: str, x: float, presentation: bool = False, lift: int = 0) -> dict:
    """A subplot's title as a paper annotation centred at ``x`` on top of the plots, ``lift`` px higher
    (`TITLE_LIFT` where a y axis has a tick label at its very top)."""
    return {"text": text, "x": x, "y": 1.0, "xref": "paper", "yref": "paper", "xanchor": "center",
            "yanchor": "bottom", "showarrow": False, "font": {"size": subplot_title_size(presentation)},
            **({"yshift": lift} if lift else {})}


def side_by_side(titles: tuple[str, str], presentation: bool = False, gap: float = 0.08, lift: int = 0) -> dict:
    """Layout of two subplots in a row (axes x/y and x2/y2) with their titles (``lift`` as for
    `subplot_title`).

    The right subplot's y axis (ticks and title) sits on its right, on the outer edge: in a narrow
    chart (1280×720, a column beside the controls) the gap then never has to hold a title, which
    otherwise lands on the left plot.
    """
    half = (1 - gap) / 2
    return {
        "xaxis": {"domain": [0, half], "anchor": "y"},
        "yaxis": {"anchor": "x"},
        "xaxis2": {"domain": [1 - half, 1], "anchor": "y2"},
        "yaxis2": {"anchor": "x2", "side": "right"},
        "annotations": [subplot_title(title, x, presentation, lift)
                        for title, x in zip(titles, (half / 2, 1 - half / 2))],
    }


def rounded(values: object, digits: int = 5) -> np.ndarray:
    """Floats rounded for the browser (smaller JSON), every non-finite value as a NaN gap."""
    with np.errstate(all="ignore"):
        v = np.round(np.asarray(values, dtype=np.float64), digits)
    v[~np.isfinite(v)] = np.nan
    return v


def f32(values: object) -> np.ndarray:
    """Finite values as float32 (half the JSON of float64), everything else (and |v| ≥ 1e30) as NaN."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        return np.where(np.isfinite(v) & (np.abs(v) < 1e30), v, np.nan).astype(np.float32)


def plain(values: object, digits: int = 4) -> list[float | None]:
    """Rounded floats as a JSON list, None where not finite (for animation frames, which skip NumPy)."""
    v = rounded(values, digits)
    out = v.tolist()
    return [None if x != x else x for x in out] if np.isnan(v).any() else out
