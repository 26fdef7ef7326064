"""The Gradient-descent figures, built straight from the lesson: frames, exits, maps and the line fit."""

from __future__ import annotations

import base64
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from nnviz.core.expr import parse
from nnviz.core.paths import edge_crossing
from nnviz.core.surfaces import SURFACES, get_surface, surface_from_expression
from nnviz.figures import descent as figs
from nnviz.figures import maps
from nnviz.figures.animation import AnimationLabels
from nnviz.lessons import descent as lesson

ANIMATION = AnimationLabels("Play", "Pause", "k = ")
CURVE = figs.CurveLabels("left", "right", "f(x)", "iterates", "closed form", "left at {k}", "step k", ANIMATION)
SURFACE = figs.SurfaceLabels("minimum", "saddle", "maximum", "exit", "start ({x:g}, {y:g})", "η = {lr}", ANIMATION)
FIT = figs.RegressionLabels("data", "loss", "points", "line", "least squares", "path", "L(w)", "w", "b", "exit",
                            ANIMATION)


def spec(fig: go.Figure) -> dict:
    """The JSON the browser gets, checked by Plotly's validation (the builders skip it)."""
    data = json.loads(fig.to_json())
    go.Figure(data)
    return data


def named(data: dict, name: str) -> list[dict]:
    return [t for t in data["data"] if t.get("name") == name]


def values(field: list | dict) -> np.ndarray:
    """A trace field as an array, decoding Plotly's base64 typed arrays."""
    if isinstance(field, dict):
        return np.frombuffer(base64.b64decode(field["bdata"]), dtype=np.dtype(field["dtype"])).astype(float)
    return np.array(field, dtype=float)


# --- 1-D ----------------------------------------------------------------------------------

def test_curve_frames_stay_within_the_budget_and_leave_the_curve_alone():
    run = lesson.descend_curve(parse("x**2"), (-4.0, 4.0), 3.0, 0.02, 200)
    data = spec(figs.curve_figure(run, CURVE))
    frames, slider = data["frames"], data["layout"]["sliders"][0]
    assert 10 <= len(frames) <= 100 and frames[0]["name"] == "0" and frames[-1]["name"] == "200"
    assert [s["args"][0][0] for s in slider["steps"]] == [f["name"] for f in frames]
    curve = data["data"].index(named(data, "f(x)")[0])
    assert all(curve not in f["traces"] for f in frames)
    last = frames[-1]["data"][0]["x"]
    assert last[-1] == pytest.approx(run.path.xs[-1, 0], abs=1e-4) and len(last) == 201


def test_short_runs_get_a_frame_per_step():
    run = lesson.descend_curve(parse("x**2"), (-4.0, 4.0), 3.0, 0.3, 5)
    assert [f["name"] for f in spec(figs.curve_figure(run, CURVE))["frames"]] == [str(k) for k in range(6)]


def test_closed_form_is_drawn_only_for_a_quadratic():
    quadratic = spec(figs.curve_figure(lesson.descend_curve(parse("x**2"), (-4.0, 4.0), 3.0, 0.8, 30), CURVE))
    np.testing.assert_allclose(values(named(quadratic, "closed form")[0]["y"]), 3 * (-0.6) ** np.arange(31),
                               rtol=1e-6, atol=1e-6)
    curved = spec(figs.curve_figure(lesson.descend_curve(parse("x**4"), (-4.0, 4.0), 3.0, 0.001, 30), CURVE))
    assert not named(curved, "closed form")


def test_a_path_that_leaves_is_drawn_to_the_edge_and_marked_with_its_step():
    run = lesson.descend_curve(parse("0.01*x**2 + 0.1*x"), (-15.0, 10.0), 10.0, 110.0, 100)
    data = spec(figs.curve_figure(run, CURVE))
    (mark,) = named(data, "left at 1")
    assert mark["x"] == [-15.0]  # from x₀ = 10 to x₁ = −23 the path crosses the left edge
    assert len(values(named(data, "iterates")[0]["x"])) == 2  # x₀ and the first point outside


# --- 2-D ----------------------------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(SURFACES))
def test_every_preset_surface_draws_valid_maps(key: str):
    surface = get_surface(key)
    run = lesson.descend_surface(surface, (surface.start,), (lesson.suggested_rate(surface),), 100)
    contour = spec(figs.surface_figure(run, SURFACE, presentation=True))
    assert sum(t["type"] == "contour" for t in contour["data"]) == 1 and contour["frames"]
    assert contour["layout"]["height"] > 600
    surface_3d = spec(figs.surface_3d_figure(run, SURFACE))
    assert surface_3d["data"][0]["type"] == "surface"


def test_one_panel_per_rate_and_frames_only_move_the_paths():
    surface = get_surface("himmelblau")
    starts = tuple(lesson.spread_starts(surface.xlim, surface.ylim))
    run = lesson.descend_surface(surface, starts, ("0.01", "0.005", "0.002"), 200)
    data = spec(figs.surface_figure(run, SURFACE))
    contours = [i for i, t in enumerate(data["data"]) if t["type"] == "contour"]
    assert len(contours) == 3 and len(data["frames"]) <= 100
    assert all(not set(f["traces"]) & set(contours) for f in data["frames"])
    assert [a["text"] for a in data["layout"]["annotations"][-3:]] == ["η = 0.01", "η = 0.005", "η = 0.002"]
    legend = [t for t in data["data"] if t.get("name", "").startswith("start") and t.get("showlegend")]
    assert not legend, "nine starts: the table names them, not the legend"
    assert len(json.dumps(data)) < 1_000_000


def test_exit_marks_sit_where_the_paths_cross_the_edge():
    surface = get_surface("bowl")
    run = lesson.descend_surface(surface, ((-3.0, 4.0),), ("1.1",), 100)
    data = spec(figs.surface_figure(run, SURFACE))
    (mark,) = named(data, "exit")
    xs = run.panels[0].paths[0].xs
    assert (mark["x"][0], mark["y"][0]) == pytest.approx(edge_crossing(xs[0], xs[1], surface.xlim, surface.ylim))


def test_log_colouring_follows_the_one_contour_rule():
    assert figs.log_coloured(lesson.surface_map(get_surface("himmelblau")).Z)
    assert not figs.log_coloured(lesson.surface_map(get_surface("bowl")).Z)
    Z = lesson.surface_map(get_surface("rosenbrock")).Z
    assert figs.log_coloured(Z) == maps.contour_levels(Z)[1]


def test_3d_paths_lie_on_the_surface():
    surface = surface_from_expression(parse("x**2 + 3*y**2", ("x", "y")))
    run = lesson.descend_surface(surface, ((1.0, 1.0), (-2.0, 0.5)), ("0.05",), 50)
    data = spec(figs.surface_3d_figure(run, SURFACE))
    path = named(data, "start (-2, 0.5)")[0]
    x, y, z = (values(path[c]) for c in "xyz")
    np.testing.assert_allclose(z, x**2 + 3 * y**2, rtol=1e-5, atol=1e-6)


# --- the line fit ---------------------------------------------------------------------------

def test_slope_divergence_keeps_the_view_and_marks_the_exit():
    fit = lesson.fit_slope(2.0, 0.02, 100)
    data = spec(figs.slope_figure(fit, FIT))
    assert data["layout"]["xaxis2"]["range"] == [-1.0, 3.0]
    (mark,) = named(data, "exit")
    assert mark["x"][0] in (-1.0, 3.0) and mark["y"][0] == data["layout"]["yaxis2"]["range"][1]


def test_line_fit_map_is_drawn_at_equal_scales_in_the_descent_coordinates():
    fit = lesson.fit_line(2.0, 0.0, 0.01, 100, True)
    data = spec(figs.line_figure(fit, FIT))
    assert data["layout"]["yaxis2"]["scaleanchor"] == "x2"
    assert data["layout"]["xaxis2"]["range"] == list(fit.landscape.window[0])
    (star,) = [t for t in named(data, "least squares") if t["mode"] == "markers"]
    assert (star["x"][0], star["y"][0]) == pytest.approx(fit.landscape.optimum)
    path = values(named(data, "path")[0]["x"])
    np.testing.assert_allclose(path, fit.landscape.path[:, 0], rtol=1e-6)



def test_a_divergent_closed_form_is_drawn_to_its_size() -> None:
    """η = 1.05 on x² from 3: x_k = 3·(−1.1)^k reaches 41 341 at k = 100; the x_k axis must show it."""
    wild = spec(figs.curve_figure(lesson.descend_curve(parse("x**2"), (-4.0, 4.0), 3.0, 1.05, 100), CURVE))
    low, high = wild["layout"]["yaxis2"]["range"]
    assert high >= 3 * 1.1**100 and low <= -3 * 1.1**99
    calm = spec(figs.curve_figure(lesson.descend_curve(parse("x**2"), (-4.0, 4.0), 3.0, 0.02, 100), CURVE))
    assert calm["layout"]["yaxis2"]["range"] == calm["layout"]["xaxis"]["range"], "a calm run keeps the view"
