"""The app's Plotly template: Okabe–Ito colours, a distinct dash per series, presentation sizes."""

from __future__ import annotations

import plotly.graph_objects as go

from nnviz.figures import theme


def test_series_differ_in_colour_and_dash() -> None:
    styles = [theme.series_style(i) for i in range(8)]
    assert len({s["line"]["color"] for s in styles}) == 8
    assert len({s["line"]["dash"] for s in styles}) == 8
    assert len({s["marker"]["symbol"] for s in styles}) == 8
    assert {s["line"]["color"] for s in styles} == set(theme.OKABE_ITO)


def test_presentation_is_larger() -> None:
    small, large = theme.template(False), theme.template(True)
    assert large.layout.font.size > small.layout.font.size
    assert theme.line_width(True) > theme.line_width(False)


def test_figure_has_template_height_and_typed_arrays() -> None:
    import numpy as np

    fig = theme.figure([{"type": "scatter", "x": np.array([0.0, 1.0]), "y": np.array([0.0, 1.0])}],
                       {"title": {"text": "t"}}, presentation=True,
                       frames=[{"name": "0", "data": [{"x": [0, 1], "y": [1, 0]}]}])
    spec = fig.to_dict()
    assert spec["layout"]["template"]["layout"]["font"]["size"] == theme.font_size(True)
    assert spec["layout"]["height"] == theme.height(True)
    assert "bdata" in spec["data"][0]["x"], "NumPy arrays travel as base64 typed arrays"
    assert spec["frames"][0]["name"] == "0"
    go.Figure(spec)  # and the whole thing is valid Plotly


def test_presentation_scales_every_chart_text_kind_including_3d() -> None:
    """One factor for text, axis titles, legends and 3-D ticks and titles, as the page CSS does."""
    normal, large = (theme.template(p).layout for p in (False, True))
    pairs = [(normal.font.size, large.font.size), (normal.xaxis.title.font.size, large.xaxis.title.font.size),
             (normal.legend.font.size, large.legend.font.size),
             (normal.scene.xaxis.tickfont.size, large.scene.xaxis.tickfont.size),
             (normal.scene.zaxis.title.font.size, large.scene.zaxis.title.font.size)]
    assert all(big >= 1.3 * small for small, big in pairs), pairs
    assert large.scene.xaxis.tickfont.size < large.scene.xaxis.title.font.size, "3-D ticks stay below their titles"


def test_side_by_side_keeps_the_right_y_axis_on_the_outer_edge() -> None:
    layout = theme.side_by_side(("a", "b"))
    assert layout["yaxis2"]["side"] == "right" and layout["yaxis"].get("side", "left") == "left"


def test_log_axes_label_only_decades() -> None:
    spec = theme.figure([], {"yaxis": {"type": "log"}, "yaxis2": {"type": "log", "minorloglabels": "small digits"},
                             "xaxis": {"type": "linear"}}).to_dict()["layout"]
    assert spec["yaxis"]["minorloglabels"] == "none" and spec["yaxis"]["exponentformat"] == "power"
    assert spec["yaxis2"]["minorloglabels"] == "small digits", "an axis that asks for minor labels keeps them"
    assert "minorloglabels" not in spec["xaxis"]
