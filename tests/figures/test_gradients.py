"""The Gradients page's figures, built straight from the lesson: every preset in every map view gives valid
Plotly in the one map colour scale, and the drawn geometry is the lesson's (tangents, arrows, polar radius)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from nnviz.core.surfaces import SURFACES, get_surface
from nnviz.figures import gradients as figs
from nnviz.figures import maps
from nnviz.lessons import gradients as lesson
from tests.app.conftest import array

SURFACE_LABELS = figs.SurfaceLabels("3-D", "map", "slice x", "slice y", "pick")
SLICES_LABELS = figs.SlicesLabels("along x", "along y", "tangent")
DIRECTION_LABELS = figs.DirectionLabels("map", "polar", "u", "grad", "descent", "level", "path", "max", "min", "0",
                                        "θ", "pick")
LINE_LABELS = figs.LineSliceLabels("walk", "t", "g", "slope")
FIELD_LABELS = figs.FieldLabels("field", "−∇f", "at P", "level", "pick")
LAB_LABELS = figs.LabLabels("f", "error", "f", "exact", "numeric", "Forward", "Central", " h = 1e-04")


def named(fig: go.Figure, name: str) -> list[dict]:
    return [t for t in fig.to_dict()["data"] if t.get("name") == name]


def map_figures(key: str, presentation: bool) -> list[go.Figure]:
    surface = get_surface(key)
    grid, point = lesson.surface_map(surface), surface.start
    return [
        figs.surface_figure(grid, lesson.surface_point(surface, point), lesson.axis_slices(surface, point),
                            SURFACE_LABELS, presentation),
        figs.slices_figure(lesson.axis_slices(surface, point), point, SLICES_LABELS, presentation),
        figs.direction_figure(grid, lesson.direction_readout(surface, point, 30.0), DIRECTION_LABELS, presentation),
        figs.line_slice_figure(lesson.direction_slice(surface, point, 30.0), LINE_LABELS, presentation),
        figs.field_figure(grid, lesson.field_arrows(surface, 17, -1, False), lesson.field_readout(surface, point, -1),
                          FIELD_LABELS, presentation),
    ]


@pytest.mark.parametrize("presentation", [False, True])
@pytest.mark.parametrize("key", list(SURFACES))
def test_every_preset_draws_valid_figures_in_the_one_map_scale(key: str, presentation: bool) -> None:
    for fig in map_figures(key, presentation):
        spec = fig.to_dict()
        go.Figure(spec)  # the builders skip Plotly's validation; run it here
        for trace in spec["data"]:
            if trace["type"] in ("contour", "surface"):
                assert trace["colorscale"] == maps.MAP_SCALE


def test_surface_figure_draws_the_tangents_at_p_only_where_f_is_defined() -> None:
    mountain = get_surface("mountain")
    fig = figs.surface_figure(lesson.surface_map(mountain), lesson.surface_point(mountain, (1.5, -1.0)),
                              lesson.axis_slices(mountain, (1.5, -1.0)), SURFACE_LABELS)
    lines = [t for t in fig.to_dict()["data"] if t["type"] == "scatter3d" and t.get("showlegend") is False]
    tx, ty = ({k: array(t[k]) for k in "xyz"} for t in lines[:2])
    assert (tx["z"][1] - tx["z"][0]) / (tx["x"][1] - tx["x"][0]) == pytest.approx(-3.0)
    assert (ty["z"][1] - ty["z"][0]) / (ty["y"][1] - ty["y"][0]) == pytest.approx(4.0)
    bowl = get_surface("bowl")
    hole = lesson.SurfacePoint((0.0, 0.0), float("nan"), np.array([np.nan, np.nan]), float("nan"),
                               np.array([np.nan, np.nan]), False)
    fig = figs.surface_figure(lesson.surface_map(bowl), hole, lesson.axis_slices(bowl, (0.0, 0.0)), SURFACE_LABELS)
    assert [t["type"] for t in fig.to_dict()["data"]].count("scatter3d") == 2  # the slices, no tangents


def test_polar_profile_peaks_at_twice_the_gradient_length_along_the_gradient() -> None:
    r = lesson.direction_readout(get_surface("mountain"), (1.5, -1.0), 90.0)
    fig = figs.direction_figure(lesson.surface_map(get_surface("mountain")), r, DIRECTION_LABELS)
    (profile,) = named(fig, "D_u f(θ)")
    radius = array(profile["r"])
    assert radius.max() == pytest.approx(10.0, abs=1e-3) and radius.min() == pytest.approx(0.0, abs=1e-3)
    (current,) = named(fig, "θ")
    assert current["theta"] == [90.0, 90.0] and current["r"][1] == pytest.approx(4.0 + 5.0)  # D_u f + |∇f|
    (level,) = named(fig, "level")
    along = np.array([np.diff(array(level["x"]))[0], np.diff(array(level["y"]))[0]])
    assert along @ np.array([-3.0, 4.0]) == pytest.approx(0.0, abs=1e-4)  # the level curve is ⟂ ∇f
    marks = next(t for t in fig.to_dict()["data"] if DIRECTION_LABELS.dir_max in (t.get("text") or []))
    # ∇f = (−3, 4) points up and left at 127°: the max label goes down and right, inside the rim,
    # where it cannot meet the 135° tick label outside the circle.
    assert marks["textposition"][list(marks["text"]).index(DIRECTION_LABELS.dir_max)] == "bottom right"


@pytest.mark.parametrize(("theta", "position"), [(126.87, "middle right"), (150.0, "middle right"),
                                                 (100.0, "middle right"), (90.0, "bottom right")])
def test_max_label_turns_aside_from_u_when_u_runs_along_the_gradient(theta: float, position: str) -> None:
    """∇f at 127° (upper left): with u within 30° of it the u line ends at the max mark, so the label turns
    from down-right (on the line) to the right, into the circle; at 37° from ∇f it goes back."""
    r = lesson.direction_readout(get_surface("mountain"), (1.5, -1.0), theta)
    assert r.steepest == pytest.approx(126.87, abs=0.01)
    fig = figs.direction_figure(lesson.surface_map(get_surface("mountain")), r, DIRECTION_LABELS)
    marks = next(t for t in fig.to_dict()["data"] if DIRECTION_LABELS.dir_max in (t.get("text") or []))
    assert marks["textposition"][list(marks["text"]).index(DIRECTION_LABELS.dir_max)] == position


def test_field_arrow_at_p_points_along_minus_the_gradient() -> None:
    mountain = get_surface("mountain")
    arrows = lesson.field_arrows(mountain, 17, -1, False)
    fig = figs.field_figure(lesson.surface_map(mountain), arrows, lesson.field_readout(mountain, (1.5, -1.0), -1),
                            FIELD_LABELS)
    shaft = next(t for t in named(fig, "at P") if "fill" not in t)
    x, y = array(shaft["x"]), array(shaft["y"])
    dx, dy = x[1] - x[0], y[1] - y[0]
    np.testing.assert_allclose(np.array([dx, dy]) / np.hypot(dx, dy), [0.6, -0.8], atol=1e-4)
    assert np.hypot(dx, dy) == pytest.approx(0.7 * 2.2 * arrows.spacing, rel=1e-3)  # shaft ends at the head


def test_book_figure_labels_its_axes_as_the_book() -> None:
    fig = figs.book_field_figure(lesson.book_map(), lesson.book_field(),
                                 figs.BookFieldLabels("book", "−∇f", "pick")).to_dict()
    assert (fig["layout"]["xaxis"]["title"]["text"], fig["layout"]["yaxis"]["title"]["text"]) == ("x₀", "x₁")
    assert fig["layout"]["xaxis"]["range"] == [-2.0, 2.0]
    assert not [t for t in fig["data"] if t.get("name") == "P"]


def test_lab_figure_marks_h_and_draws_both_dtypes() -> None:
    fig = figs.lab_figure(lesson.lab("exp", 1.0, -8.0), LAB_LABELS).to_dict()
    assert fig["layout"]["shapes"][0]["x0"] == pytest.approx(1e-8)
    dashes = {t["name"]: t["line"]["dash"] for t in fig["data"] if "·" in t.get("name", "")}
    assert dashes == {"Forward · float64": "solid", "Central · float64": "solid",
                      "Forward · float32": "dot", "Central · float32": "dot"}
