"""The Perceptrons page's lesson: lines, maps, XOR's layers and the collapse, against direct sums."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.forward import forward, init_network
from nnviz.lessons import perceptron as lesson


@pytest.mark.parametrize("w, b", [((0.5, 0.5), -0.7), ((-20.0, 1.0), 3.0), ((0.0, 2.0), -1.0), ((3.0, 0.0), -1.5)])
def test_decision_line_lies_on_w_x_plus_b_zero(w: tuple[float, float], b: float) -> None:
    line = lesson.decision_line(w, b, -0.5, 1.5)
    np.testing.assert_allclose(line @ np.array(w) + b, 0.0, atol=1e-12)
    assert np.ptp(line, axis=0).max() == pytest.approx(2.0)  # spans the square along its steeper axis


def test_no_line_without_weights() -> None:
    assert lesson.decision_line((0.0, 0.0), 1.0, -0.5, 1.5) is None


def test_gate_map_is_the_neuron_on_the_grid() -> None:
    g = lesson.gate((20.0, 20.0), -10.0, "sigmoid")
    assert g.z.shape == (lesson.GATE_GRID, lesson.GATE_GRID)
    i, j = 7, 30  # row i follows x2, column j follows x1
    a = 20 * g.axis[j] + 20 * g.axis[i] - 10
    assert g.z[i, j] == pytest.approx(1 / (1 + np.exp(-a)), rel=1e-14)
    np.testing.assert_allclose(g.sums, [-10, 10, 10, 30])
    assert not g.z.flags.writeable


def test_gate_name_and_xor_try() -> None:
    assert lesson.gate_name((-0.5, -0.5), 0.7) == "nand"
    assert lesson.xor_try((0.5, 0.5), -0.2) == 3
    assert lesson.xor_try((0.0, 0.0), -1.0) == 2
    assert lesson.best_xor_line() == 3


def test_xor_hidden_layer_moves_the_points() -> None:
    sol = lesson.xor_solution("step")
    np.testing.assert_array_equal(sol.two.hidden, [[1, 0], [1, 1], [1, 1], [0, 1]])
    np.testing.assert_array_equal(sol.andd.outputs, [0, 1, 1, 0])


def test_collapse_matches_the_linear_stack_on_the_plane() -> None:
    c = lesson.collapse((1.0, 0.5))
    np.testing.assert_allclose(c.direct, c.linear.Y, rtol=1e-14)
    i, j = 3, 35
    point = np.array([c.axis[j], c.axis[i]])
    assert c.linear_map[i, j] == pytest.approx((point @ c.W + c.b)[0], rel=1e-12)
    assert c.sigmoid_map[i, j] == pytest.approx(forward(init_network(), point).Y[0], rel=1e-12)
    second = np.diff(c.linear_map, n=2, axis=1)
    assert np.abs(second).max() < 1e-12, "a plane: no curvature along x1"
    assert np.abs(np.diff(c.sigmoid_map, n=2, axis=1)).max() > 1e-6, "curved, far above rounding"
