"""The Activation page's lesson: saturation zones and how gradients shrink through depth."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core import functions as act
from nnviz.lessons import activations as lesson


def test_max_derivative() -> None:
    assert lesson.max_derivative(act.get("sigmoid")) == pytest.approx(0.25)
    assert lesson.max_derivative(act.get("tanh")) == pytest.approx(1.0)
    assert lesson.max_derivative(act.get("relu")) == 1.0
    assert lesson.max_derivative(act.get("sigmoid")) ** 5 == pytest.approx(0.0009765625)


def test_best_case_factors_are_powers_of_the_largest_slope() -> None:
    np.testing.assert_allclose(lesson.best_case_factors(act.get("sigmoid"), 5), [0.25, 0.0625, 0.015625, 0.00390625, 0.0009765625])
    np.testing.assert_allclose(lesson.best_case_factors(act.get("relu"), 3), [1.0, 1.0, 1.0])


def test_chain_derivatives_match_finite_difference_of_the_stack() -> None:
    for key in ("sigmoid", "tanh", "silu"):
        a = act.get(key)
        inputs, products = lesson.chain_derivatives(a, 0.7, 6)

        def stacked(x: float, depth: int) -> float:
            for _ in range(depth):
                x = float(a.f(np.array(x)))
            return x

        h = 1e-6
        for depth in (1, 3, 6):
            numeric = (stacked(0.7 + h, depth) - stacked(0.7 - h, depth)) / (2 * h)
            assert products[depth - 1] == pytest.approx(numeric, rel=1e-6)
        assert inputs[0] == 0.7 and inputs[1] == pytest.approx(float(a.f(np.array(0.7))))


def test_relu_chain_dies_for_negative_input() -> None:
    _, products = lesson.chain_derivatives(act.get("relu"), -0.5, 4)
    np.testing.assert_array_equal(products, np.zeros(4))


@pytest.mark.parametrize("text", ["x*tanh(log(1 + exp(x)))", "x*sigmoid(x)"])
def test_typed_mish_and_swish_shade_their_left_tail_not_their_minimum(text: str) -> None:
    from nnviz.core.expr import parse
    c = lesson.curve(lesson.custom_activation(parse(text)), (-20.0, 6.0))
    x_min = c.x[np.nanargmin(c.f)]
    (tail,) = c.saturated
    assert tail[0] == -20.0 and tail[1] < x_min - 2, "only the flat left tail"
    assert lesson.curve(lesson.custom_activation(parse(text)), (-6.0, 6.0)).saturated == ()


def test_curves_break_at_jumps_and_know_their_saturation() -> None:
    step = lesson.curve(act.get("step"), (-2.0, 2.0))
    assert np.isnan(step.f).sum() == 1, "no vertical segment at the jump"
    sigmoid = lesson.builtin_curve("sigmoid", (-10.0, 10.0))
    (left, right) = sigmoid.saturated[0], sigmoid.saturated[-1]
    edge = np.log((1 + np.sqrt(0.96)) / (1 - np.sqrt(0.96)))  # σ' = 0.01
    assert left[0] == -10.0 and abs(left[1] + edge) < 0.03 and abs(right[0] - edge) < 0.03
    assert not sigmoid.f.flags.writeable, "cached curves are shared: they must not change"


def test_probe_is_the_tangent_at_x0() -> None:
    p = lesson.probe(act.get("tanh"), 0.5, (-6.0, 6.0))
    assert p.df == pytest.approx(1 - np.tanh(0.5) ** 2, abs=1e-15)
    assert p.gap < 1e-8
    slope = (p.tangent_y[1] - p.tangent_y[0]) / (p.tangent_x[1] - p.tangent_x[0])
    assert slope == pytest.approx(p.df) and p.tangent_x == (-1.5, 2.5)


def test_overflow_demo_is_the_digest_example() -> None:
    demo = lesson.overflow_demo()
    assert np.isnan(demo.naive).all()
    np.testing.assert_allclose(demo.stable, [9.99954600e-01, 4.53978686e-05, 2.06106005e-09], atol=5e-9)


def test_defined_share_of_typed_functions() -> None:
    from nnviz.core.expr import parse
    assert lesson.defined_share(lesson.custom_activation(parse("x**2")), (-1, 1)) == "all"
    assert lesson.defined_share(lesson.custom_activation(parse("log(x)")), (-1, 1)) == "part"
    assert lesson.defined_share(lesson.custom_activation(parse("log(x - 100)")), (-1, 1)) == "none"
