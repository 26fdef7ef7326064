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


def test_apply_sets_template_and_height() -> None:
    fig = theme.apply(go.Figure(go.Scatter(x=[0, 1], y=[0, 1])), presentation=True)
    assert fig.layout.template.layout.font.size == theme.template(True).layout.font.size
    assert fig.layout.height == 560
