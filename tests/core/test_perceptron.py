"""The book's ch. 2 gates, the slides' sigmoid neurons and XOR through two layers."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core import perceptron as p


@pytest.mark.parametrize("name", ["and", "nand", "or", "xor"])
def test_book_gates_print_their_truth_tables(name: str) -> None:
    assert p.truth_table(p.BOOK_FUNCTIONS[name]) == p.TRUTH[name]


def test_book_gates_have_the_books_weights() -> None:
    assert p.BOOK_GATES["and"] == p.Gate((0.5, 0.5), -0.7)
    assert p.BOOK_GATES["nand"] == p.Gate((-0.5, -0.5), 0.7)
    assert p.BOOK_GATES["or"] == p.Gate((0.5, 0.5), -0.2)


def test_step_neuron_does_not_fire_at_zero() -> None:
    assert float(p.perceptron((1.0, 1.0), (0.5, 0.5), -1.0)) == 0.0  # the sum is exactly 0


def test_perceptron_takes_a_batch_and_the_sigmoid() -> None:
    x = np.array(p.INPUTS, dtype=float)
    y = p.perceptron(x, (20.0, 20.0), -10.0, "sigmoid")
    expected = [1 / (1 + np.exp(-(20 * a + 20 * b - 10))) for a, b in p.INPUTS]
    np.testing.assert_allclose(y, expected, rtol=1e-14)


@pytest.mark.parametrize("name", ["and", "nand", "or"])
def test_sigmoid_gates_round_to_their_truth_tables(name: str) -> None:
    gate = p.SIGMOID_GATES[name]
    y = p.perceptron(np.array(p.INPUTS, dtype=float), gate.w, gate.b, "sigmoid")
    assert tuple(int(v) for v in np.round(y)) == p.TRUTH[name]
    assert np.all(np.abs(y - np.round(y)) < 0.02), "saturated: within 0.02 of 0 or 1"


@pytest.mark.parametrize("output", ["step", "sigmoid"])
def test_xor_through_nand_and_or(output: str) -> None:
    gates = p.BOOK_GATES if output == "step" else p.SIGMOID_GATES
    two = p.xor_two_layers(gates, output)
    assert tuple(int(v) for v in np.round(two.y)) == p.TRUTH["xor"]
    np.testing.assert_array_equal(np.round(two.hidden[:, 0]), p.TRUTH["nand"])
    np.testing.assert_array_equal(np.round(two.hidden[:, 1]), p.TRUTH["or"])


def test_no_line_gets_xor_right_but_every_gate_has_one() -> None:
    assert p.best_line(p.TRUTH["xor"]) == 3
    for name in ("and", "nand", "or"):
        assert p.best_line(p.TRUTH[name]) == 4


def test_matches_names_the_gate_and_scores_each_point() -> None:
    assert p.matches((0.5, 0.5), -0.7) == "and"
    assert p.matches((1.0, 1.0), -0.5) == "or"
    assert p.matches((1.0, -1.0), 0.0) is None
    np.testing.assert_array_equal(p.correct_on((0.5, 0.5), -0.2, p.TRUTH["xor"]), [True, True, True, False])
