"""The computational-graph figure: layout left to right, one frame per trace step, numbers on the
edges only once their pass reached them, and LaTeX matrices."""

from __future__ import annotations

import numpy as np

from nnviz.figures import backprop as figs
from nnviz.figures.animation import AnimationLabels
from nnviz.lessons import backprop as lesson

LABELS = figs.GraphLabels("value", "gradient", "start", "fwd {node}={value}", "seed {node}",
                          "bwd {node} {upstream}*{local}={product} ({total})", AnimationLabels("Play", "Pause", "k "))


def shop() -> lesson.GraphRun:
    return lesson.shopping(*lesson.SHOPPING_DEFAULTS)


def test_inputs_sit_left_of_what_they_feed() -> None:
    run = shop()
    x, y = figs.layout_positions(run)
    assert all(x[e.source] < x[e.target] for e in run.edges)
    assert x[run.output] == x.max()
    for column in set(x):  # no two nodes on one spot
        rows = y[x == column]
        assert len(set(rows)) == len(rows)


def test_one_frame_per_step_and_the_figure_opens_complete() -> None:
    run = shop()
    fig = figs.graph_figure(run, LABELS).to_dict()
    frames = fig["frames"]
    assert len(frames) == len(run.steps) + 1
    assert fig["layout"]["sliders"][0]["active"] == len(run.steps)
    forward_text = next(t for t in fig["data"] if t.get("name") == "value")["text"]
    backward_text = next(t for t in fig["data"] if t.get("name") == "gradient")["text"]
    assert sorted(forward_text) == sorted(["100", "2", "150", "3", "200", "450", "650", "1.1"])
    assert sorted(backward_text) == sorted(["2.2", "110", "3.3", "165", "1.1", "1.1", "1.1", "650"])


def test_frames_reveal_values_forward_then_gradients_backward() -> None:
    run = shop()
    frames = figs.graph_figure(run, LABELS).to_dict()["frames"]
    forward_of = lambda k: frames[k]["data"][0]["text"]  # noqa: E731
    backward_of = lambda k: frames[k]["data"][1]["text"]  # noqa: E731
    assert all(t == "" for t in forward_of(0)) and all(t == "" for t in backward_of(0))
    shown = [sum(t != "" for t in forward_of(k)) for k in range(len(run.nodes) + 1)]
    assert shown == sorted(shown) and shown[-1] == len(run.edges)
    assert all(t == "" for t in backward_of(len(run.nodes) + 1)), "the seed step sends nothing along an edge"
    assert "1.1" in backward_of(len(run.nodes) + 2)
    assert frames[-1]["layout"]["title"]["text"].startswith(f"{len(run.steps)}/{len(run.steps)}")


def test_shared_node_shows_its_summed_gradient() -> None:
    run = lesson.run_graph("x*y + sin(x*y)", lesson.FORMULA_VARIABLES, (1.0, 0.5, 0.0))
    fig = figs.graph_figure(run, LABELS).to_dict()
    totals = fig["data"][5]["text"]
    xy = next(i for i, n in enumerate(run.nodes) if n.op == "mul")
    assert totals[xy] == figs.num(1 + np.cos(0.5))


def test_an_edge_skipping_a_column_arches_over_the_nodes_between() -> None:
    run = lesson.run_graph("x*y + sin(x*y)", lesson.FORMULA_VARIABLES, (1.0, 0.5, 0.0))
    x, y = figs.layout_positions(run)
    _, _, _, mid_y = figs.edge_paths(run, x, y)
    for k, edge in enumerate(run.edges):
        straight = (y[edge.source] + y[edge.target]) / 2
        if x[edge.target] - x[edge.source] > 1:
            assert mid_y[k] < straight - 0.3
        else:
            assert mid_y[k] == np.float64(straight)


def test_latex_matrix_shows_shape_and_numbers() -> None:
    text = figs.latex_matrix("W", np.array([[1.0, -0.5], [2.25, 3.0]]))
    assert r"\underset{2\times2}{W}" in text
    assert r"1 & -0.5 \\ 2.25 & 3" in text
    assert r"\underset{3}{b}" in figs.latex_matrix("b", np.array([1.0, 2.0, 3.0]))


def test_check_figure_draws_exact_zeros_at_the_floor_and_flags_large_errors() -> None:
    labels = figs.CheckLabels("check", "error")
    bars = figs.check_figure(["dX", "dW", "db"], [0.0, 3e-11, 1.2], labels).to_dict()["data"][0]
    assert bars["y"] == [figs.CHECK_FLOOR, 3e-11, 1.2]
    assert bars["marker"]["pattern"]["shape"] == ["", "", "x"] and bars["text"][0] == "0"
