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
