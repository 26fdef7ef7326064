"""The one Plotly look of nnviz: Okabe–Ito colours, a dash and marker per series.

Colour alone never tells two series apart, so figures survive projectors,
colour-blind viewers and greyscale printouts. ``presentation=True`` enlarges
fonts and lines for the back of a lecture hall.
"""

from __future__ import annotations

from functools import cache

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
        "title": {"font": {"size": size + 1}}, "automargin": True,
    }
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
            "legend": {"bgcolor": "rgba(255,255,255,0.85)", "font": {"size": size}},
            "hoverlabel": {"font": {"size": size}},
            "margin": {"l": 60, "r": 20, "t": 60 if presentation else 50, "b": 50},
        },
    )


def apply(fig: go.Figure, presentation: bool = False) -> go.Figure:
    """Give ``fig`` the app's template, title sizes and height (in place) and return it."""
    fig.update_layout(template=template(presentation))
    fig.update_annotations(font_size=subplot_title_size(presentation))
    if fig.layout.height is None:
        fig.update_layout(height=height(presentation))
    return fig


def figure(data: list[dict], layout: dict, presentation: bool = False) -> go.Figure:
    """Build a figure from plain dicts in one validation pass, with the app's look.

    Much faster than adding traces and shapes one by one (Plotly validates
    every call), which keeps page reruns well under the 150 ms budget.
    """
    full_layout = {"template": template(presentation), "height": height(presentation), **layout}
    return go.Figure(data=data, layout=full_layout)


def side_by_side(titles: tuple[str, str], presentation: bool = False, gap: float = 0.08) -> dict:
    """Layout of two subplots in a row (axes x/y and x2/y2) with their titles."""
    half = (1 - gap) / 2
    title_font = {"size": subplot_title_size(presentation)}
    return {
        "xaxis": {"domain": [0, half], "anchor": "y"},
        "yaxis": {"anchor": "x"},
        "xaxis2": {"domain": [1 - half, 1], "anchor": "y2"},
        "yaxis2": {"anchor": "x2"},
        "annotations": [
            {"text": title, "x": x, "y": 1.0, "xref": "paper", "yref": "paper", "xanchor": "center",
             "yanchor": "bottom", "showarrow": False, "font": title_font}
            for title, x in zip(titles, (half / 2, 1 - half / 2))
        ],
    }


class AnimatedFigure(go.Figure):
    """A figure kept as plain dicts, outside Plotly's Python validation, with animation frames.

    Validating and deep-copying a hundred frames, their slider steps and the traces costs
    hundreds of milliseconds per rerun; here the figure is assembled once as the dict the
    browser receives. ``to_dict()`` (what Streamlit and ``plotly.io.to_json`` send) returns
    it, with NumPy arrays base64-encoded as Plotly does. Layout changes made later with
    ``update_layout`` (e.g. ``chart(height=…)``) still apply, except a template. Tests validate these figures
    by rebuilding them as ``go.Figure(fig.to_dict())``.
    """

    def __init__(self, data: list[dict], layout: dict, frames: list[dict]) -> None:
        super().__init__()
        self._raw = {"data": data, "layout": layout, "frames": frames}

    @property
    def raw_frames(self) -> list[dict]:
        return self._raw["frames"]

    def to_dict(self) -> dict:
        later = {k: v for k, v in super().to_dict()["layout"].items() if k != "template"}  # Plotly's default
        data = [dict(trace) for trace in self._raw["data"]]
        convert_to_base64(data)  # NumPy arrays live in the traces; layout and frames hold plain values
        result = {"data": data, "layout": {**self._raw["layout"], **later}}
        if self._raw["frames"]:
            result["frames"] = self._raw["frames"]
        return result


@cache
def _template_dict(presentation: bool) -> dict:
    return template(presentation).to_plotly_json()


def animated_figure(data: list[dict], layout: dict, frames: list[dict], presentation: bool = False) -> AnimatedFigure:
    """Like ``figure``, unvalidated and with client-side animation: ``frames`` are plain dicts
    (list data), and ``layout`` may hold the ``updatemenus`` and ``sliders`` that drive them."""
    full_layout = {"template": _template_dict(presentation), "height": height(presentation), **layout}
    return AnimatedFigure(data, full_layout, frames)
