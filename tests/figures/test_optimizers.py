"""The Optimizers figures from plain data: the animation stays within its budget, maps use the shared
pieces, every builder shows what it is given."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from nnviz.figures import maps
from nnviz.figures import optimizers as figs
from nnviz.figures.animation import FRAME_NUMBERS, AnimationLabels
from nnviz.lessons import optimizers as lesson
from nnviz.lessons.optimizers import Run, SurfaceSpec
from tests.app.conftest import array

SPEC = SurfaceSpec("elongated")
START = (-7.0, 2.0)
MARKS = figs.MarkLabels("Start", "Minimum")
RACE = figs.RaceLabels(MARKS, AnimationLabels("Play", "Pause", "k = "), "k", "f − f*", "f", "Map", "Loss")


def paths(names: list[str], steps: int = 30) -> list[figs.PathSeries]:
    out = []
    for i, name in enumerate(names):
        o = lesson.outcome(SPEC, START, Run.defaults(name, 0.1), steps, 0.0, 0)
        out.append(figs.PathSeries(name, o.shown, o.path.values, i))
    return out


@pytest.mark.parametrize(("n", "steps"), [(1, 300), (4, 100), (6, 300), (4, 30)])
def test_race_animation_stays_within_the_frame_budget(n: int, steps: int) -> None:
    drawn = paths(["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"][:n], steps)
    spec = figs.race_figure(lesson.scene(SPEC, START, 20), drawn, 0.0, steps, RACE).to_dict()
    frames = spec["frames"]
    numbers = sum(len(d["x"]) + len(d["y"]) for f in frames for d in f["data"])
    assert numbers <= 1.05 * FRAME_NUMBERS or len(frames) == 10, "at least 10 frames, else within the budget"
    assert frames[0]["name"] == "0" and frames[-1]["name"] == str(steps)
    budget = min(steps + 1, max(10, FRAME_NUMBERS // (n * (steps + 1))))
    assert budget / 2.5 <= len(frames) <= budget, "a round stride (1, 2, 5, 10 …) at most 2.5× the budget's"
    strides = np.diff([int(f["name"]) for f in frames])
    assert len(set(strides[:-1])) <= 1 and strides[0] in (1, 2, 5, 10, 20, 50)
    last = frames[-1]["data"][0]
    np.testing.assert_allclose(last["x"], np.round(drawn[0].points[:, 0], 4))
    go.Figure(spec)


def test_race_draws_the_map_the_markers_the_paths_and_the_loss() -> None:
    drawn = paths(["sgd", "adam"])
    spec = figs.race_figure(lesson.scene(SPEC, START, 20), drawn, 0.0, 30, RACE).to_dict()
    kinds = [(t["type"], t.get("name")) for t in spec["data"]]
    assert kinds[:3] == [("contour", None), ("scatter", "Start"), ("scatter", "Minimum")]
    assert spec["data"][0]["colorscale"] == maps.MAP_SCALE
    assert spec["frames"][0]["traces"] == [3, 4], "frames move the path traces only"
    assert spec["layout"]["yaxis2"]["type"] == "log" and spec["layout"]["yaxis2"]["title"]["text"] == "f − f*"
    unknown = figs.race_figure(lesson.scene(SPEC, START, 20), drawn, None, 30, RACE).to_dict()
    assert unknown["layout"]["yaxis2"]["title"]["text"] == "f"


def test_loss_without_a_known_minimum_goes_linear_when_f_is_not_positive() -> None:
    drawn = [figs.PathSeries("p", np.zeros((3, 2)), np.array([1.0, 0.0, -1.0]), 0)]
    spec = figs.race_figure(lesson.scene(SPEC, START, 10), drawn, None, 2, RACE).to_dict()
    assert spec["layout"]["yaxis2"]["type"] == "linear"


def test_multiples_put_one_panel_per_path_in_a_grid() -> None:
    drawn = paths(["sgd", "momentum", "nesterov", "adagrad", "rmsprop"])
    spec = figs.multiples_figure(lesson.scene(SPEC, START, 20), drawn, [p.name for p in drawn],
                                 figs.MultiplesLabels(MARKS)).to_dict()
    assert [a["text"] for a in spec["layout"]["annotations"]] == [p.name for p in drawn]
    assert sum(t["type"] == "contour" for t in spec["data"]) == 5
    assert spec["layout"]["xaxis3"]["domain"][1] == pytest.approx(1.0), "three columns for five panels"
    assert spec["layout"]["yaxis4"]["anchor"] == "x4"


def test_surface_is_cut_at_its_90th_percentile() -> None:
    grid = lesson.map_grid(SPEC, 20)
    drawn = paths(["sgd"])
    spec = figs.surface_figure(grid, drawn, figs.SurfaceLabels("3-D")).to_dict()
    z = array(spec["data"][0]["z"])
    assert z.max() == pytest.approx(np.quantile(grid.z, 0.9), rel=1e-6)
    assert max(spec["data"][1]["z"]) <= z.max() + 1e-4


def test_schedule_figure_draws_both_rates_and_both_paths() -> None:
    rates = np.array([0.95, 0.95, 0.475])
    drawn = paths(["sgd", "momentum"], 3)
    spec = figs.schedule_figure(rates, 0.95, lesson.scene(SPEC, START, 10), drawn,
                                figs.ScheduleLabels(MARKS, "k", "η", "path", "η")).to_dict()
    assert spec["data"][0]["y"] == [0.95] * 3 and spec["data"][1]["y"] == [0.95, 0.95, 0.475]
    assert spec["data"][1]["x"] == [1, 2, 3] and spec["data"][1]["line"]["shape"] == "hv"
    assert [t.get("xaxis") for t in spec["data"][2:]] == ["x2"] * (len(spec["data"]) - 2)


def test_averaging_figure_shows_raw_left_and_corrected_right() -> None:
    s = lesson.smoothing(10, 0, 3.0)
    spec = figs.averaging_figure(s, figs.AveragingLabels("raw", "corrected", "day", "T", "data")).to_dict()
    lines = {(t["name"], t["xaxis"]): t["y"] for t in spec["data"] if t["mode"] == "lines"}
    np.testing.assert_allclose(lines[("β = 0.9", "x")], np.round(s.raw[1], 4))
    np.testing.assert_allclose(lines[("β = 0.9", "x2")], np.round(s.corrected[1], 4))
    assert spec["layout"]["yaxis"]["range"] == spec["layout"]["yaxis2"]["range"]
