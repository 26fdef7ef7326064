"""Figures of the Perceptrons page and the playground: what they draw comes from the lesson's numbers."""

from __future__ import annotations

import numpy as np

from nnviz.figures import perceptron as pf
from tests.app.conftest import array
from nnviz.figures import playground as gf
from nnviz.lessons import perceptron as lesson
from nnviz.lessons.playground import Live, Playground, Setup

GATE = pf.GateLabels("x₁", "x₂", "line", "zero", "one")


def test_gate_figure_marks_points_by_output_and_draws_the_line() -> None:
    g = lesson.gate((0.5, 0.5), -0.7, "step")
    spec = pf.gate_figure(g, lesson.inputs(), GATE).to_dict()
    by_name = {tr.get("name"): tr for tr in spec["data"]}
    assert len(array(by_name["one"]["x"])) == 1 and len(array(by_name["zero"]["x"])) == 3
    assert by_name["line"]["mode"] == "lines"
    assert spec["layout"]["yaxis"]["scaleanchor"] == "x"


def test_network_figure_has_an_edge_per_weight_and_every_value() -> None:
    trace = lesson.traced((1.0, 0.5), "identity")
    spec = pf.network_figure(trace, lesson.book_network(), pf.NetworkLabels("in", "1", "2", "out")).to_dict()
    edges = [tr for tr in spec["data"] if tr.get("mode") == "lines"]
    assert len(edges) == 2 * 3 + 3 * 2 + 2 * 2
    texts = [x for tr in spec["data"] if "text" in tr for x in tr["text"]]
    assert "0.317" in texts and "0.696" in texts and "a = 1.1" in texts


def test_latex_helpers() -> None:
    assert pf.affine_latex((0.5, -0.5), -0.7) == r"0.5\,x_{1} - 0.5\,x_{2} - 0.7"
    assert pf.matrix_latex(np.array([[1, 2], [3, 4]])) == r"\begin{bmatrix}1 & 2 \\ 3 & 4\end{bmatrix}"


def test_playground_figures() -> None:
    lab = Playground(Setup(hidden=(3, 2)), Live())
    lab.advance(max_iters=3)
    axis, p = lab.decision_map()
    labels = gf.BoundaryLabels("x", "y", "a0", "a1", "b0", "b1")
    spec = gf.boundary_figure(axis, p, lab.train_points, None, labels).to_dict()
    assert {tr.get("name") for tr in spec["data"]} >= {"a0", "a1"} and "b0" not in {tr.get("name") for tr in spec["data"]}
    units = gf.units_figure(lab.unit_maps(), gf.UnitsLabels("u", "L")).to_dict()
    assert len([tr for tr in units["data"] if tr["type"] == "heatmap"]) == 5
    curves = gf.curves_figure(*lab.loss_curve(), lab.gradient_sizes(),
                              gf.CurvesLabels(*"abcdefgh")).to_dict()
    bars = next(tr for tr in curves["data"] if tr["type"] == "bar")
    assert len(bars["y"]) == 3 and all(v > 0 for v in bars["y"])
