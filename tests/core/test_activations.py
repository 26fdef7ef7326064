"""nnviz.core.functions against the digest's golden values, SymPy and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from nnviz.core import functions as act
from nnviz.core.expr import parse

GRID = np.linspace(-8, 8, 1601)
GRID_OFF_KINKS = GRID[np.abs(GRID) > 1e-3]
z = sp.Symbol("z", real=True)
# Written independently of nnviz: SymPy forms of every element-wise activation.
SYMPY_FORMS = {
    "identity": z,
    "sigmoid": 1 / (1 + sp.exp(-z)),
    "tanh": sp.tanh(z),
    "softplus": sp.log(1 + sp.exp(z)),
    "gelu": z / 2 * (1 + sp.erf(z / sp.sqrt(2))),
    "silu": z / (1 + sp.exp(-z)),
    "relu": sp.Piecewise((z, z > 0), (0, True)),
    "leaky_relu": sp.Piecewise((z, z > 0), (sp.Rational(1, 100) * z, True)),
    "elu": sp.Piecewise((z, z > 0), (sp.exp(z) - 1, True)),
    "step": sp.Piecewise((1, z > 0), (0, True)),
}
_ERF = {"erf": np.vectorize(__import__("math").erf)}


def test_registry_is_complete() -> None:
    assert set(act.ACTIVATIONS) == set(SYMPY_FORMS)
    assert act.get("relu") is act.ACTIVATIONS["relu"]
    with pytest.raises(KeyError):
        act.get("nope")


def test_sigmoid_golden() -> None:
    expected = [0.00669285, 0.01798621, 0.04742587, 0.11920292, 0.26894142, 0.5,
                0.73105858, 0.88079708, 0.95257413, 0.98201379]
    np.testing.assert_allclose(act.sigmoid(np.arange(-5, 5, 1)), expected, atol=5e-9)


def test_softmax_golden() -> None:
    np.testing.assert_allclose(act.softmax([0.3, 2.9, 4.0]), [0.01821127, 0.24519181, 0.73659691], atol=5e-9)
    scores = [0.2, 0.02, 0.15, 0.15, 1.3, 0.5, 0.06, 1.1, 0.05, 3.75]
    assert act.softmax(scores)[-1] == pytest.approx(0.7392188, abs=5e-8)


def test_softmax_naive_overflows_and_stable_does_not() -> None:
    z_big = [1010.0, 1000.0, 990.0]
    assert np.isnan(act.softmax_naive(z_big)).all()
    np.testing.assert_allclose(act.softmax(z_big), [9.99954600e-01, 4.53978686e-05, 2.06106005e-09], atol=5e-9)


def test_softmax_properties_and_temperature() -> None:
    logits = np.array([2.0, 1.0, 0.1, -1.0])
    p = act.softmax(logits)
    assert p.sum() == pytest.approx(1.0) and (p > 0).all()
    np.testing.assert_allclose(act.softmax(logits + 123.0), p)
    np.testing.assert_allclose(act.softmax(logits, temperature=2.0), act.softmax(logits / 2.0))
    batch = act.softmax(np.vstack([logits, -logits]))
    np.testing.assert_allclose(batch.sum(axis=1), [1.0, 1.0])


def test_softmax_jacobian_against_finite_differences() -> None:
    logits, h, temperature = np.array([0.5, -1.0, 2.0, 0.0]), 1e-6, 1.7
    numeric = np.column_stack([
        (act.softmax(logits + h * e, temperature) - act.softmax(logits - h * e, temperature)) / (2 * h)
        for e in np.eye(4)
    ])
    np.testing.assert_allclose(act.softmax_jacobian(logits, temperature), numeric, atol=1e-9)


@pytest.mark.parametrize("key", list(SYMPY_FORMS))
def test_values_and_derivatives_match_sympy(key: str) -> None:
    a = act.get(key)
    f = sp.lambdify(z, SYMPY_FORMS[key], modules=[_ERF, "numpy"])
    df = sp.lambdify(z, sp.diff(SYMPY_FORMS[key], z), modules=[_ERF, "numpy"])
    np.testing.assert_allclose(a.f(GRID), np.broadcast_to(f(GRID), GRID.shape), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(a.df(GRID_OFF_KINKS), np.broadcast_to(df(GRID_OFF_KINKS), GRID_OFF_KINKS.shape),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("key", list(SYMPY_FORMS))
def test_derivatives_match_central_differences(key: str) -> None:
    a, h = act.get(key), 1e-5
    numeric = (a.f(GRID_OFF_KINKS + h) - a.f(GRID_OFF_KINKS - h)) / (2 * h)
    np.testing.assert_allclose(a.df(GRID_OFF_KINKS), numeric, atol=1e-7)


def test_conventions_at_the_kink() -> None:
    """docs/conventions.md: step(0)=0, step'=0, ReLU'(0)=0, Leaky ReLU'(0)=α, ELU'(0)=α."""
    zero = np.array([0.0])
    assert act.step(zero)[0] == 0.0 and act.step_grad(zero)[0] == 0.0
    assert act.relu(zero)[0] == 0.0 and act.relu_grad(zero)[0] == 0.0
    assert act.leaky_relu_grad(zero)[0] == 0.01
    assert act.leaky_relu_grad(zero, alpha=0.2)[0] == 0.2
    assert act.elu_grad(zero, alpha=0.5)[0] == 0.5


@pytest.mark.parametrize("key", list(act.ACTIVATIONS))
def test_no_overflow_warnings_for_huge_inputs(key: str) -> None:
    x = np.array([-1e4, -745.0, -100.0, 0.0, 100.0, 710.0, 1e4, 1e6])
    a = act.get(key)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        assert np.isfinite(a.f(x)).all() and np.isfinite(a.df(x)).all()


def test_limits_for_large_inputs() -> None:
    big = np.array([-1e4, 1e4])
    np.testing.assert_array_equal(act.sigmoid(big), [0.0, 1.0])
    np.testing.assert_array_equal(act.softplus(big), [0.0, 1e4])
    np.testing.assert_allclose(act.gelu(big), [0.0, 1e4])


def test_max_derivative() -> None:
    assert act.max_derivative(act.get("sigmoid")) == pytest.approx(0.25)
    assert act.max_derivative(act.get("tanh")) == pytest.approx(1.0)
    assert act.max_derivative(act.get("relu")) == 1.0
    assert act.max_derivative(act.get("sigmoid")) ** 5 == pytest.approx(0.0009765625)


def test_best_case_factors_are_powers_of_the_largest_slope() -> None:
    np.testing.assert_allclose(act.best_case_factors(act.get("sigmoid"), 5), [0.25, 0.0625, 0.015625, 0.00390625, 0.0009765625])
    np.testing.assert_allclose(act.best_case_factors(act.get("relu"), 3), [1.0, 1.0, 1.0])


def test_chain_derivatives_match_finite_difference_of_the_stack() -> None:
    for key in ("sigmoid", "tanh", "silu"):
        a = act.get(key)
        inputs, products = act.chain_derivatives(a, 0.7, 6)

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
    _, products = act.chain_derivatives(act.get("relu"), -0.5, 4)
    np.testing.assert_array_equal(products, np.zeros(4))


def test_saturation_intervals() -> None:
    x = np.linspace(-10, 10, 2001)
    intervals = act.saturation_intervals(x, act.sigmoid_grad(x))
    assert len(intervals) == 2
    (a0, a1), (b0, b1) = intervals
    # σ'(x) = 0.01 where σ = (1 ± √0.96)/2, i.e. |x| = ln((1+√0.96)/(1−√0.96)) ≈ 4.5951
    edge = np.log((1 + np.sqrt(0.96)) / (1 - np.sqrt(0.96)))
    assert a0 == -10 and b1 == 10
    assert a1 == pytest.approx(-edge, abs=0.01) and b0 == pytest.approx(edge, abs=0.01)
    assert act.saturation_intervals(x, act.relu_grad(x)) == [(-10.0, 0.0)]
    assert act.saturation_intervals(x, np.ones_like(x)) == []


def test_from_expression_matches_builtin() -> None:
    custom = act.from_expression(parse("1/(1 + exp(-x))"))
    np.testing.assert_allclose(custom.f(GRID), act.sigmoid(GRID), rtol=1e-12)
    np.testing.assert_allclose(custom.df(GRID), act.sigmoid_grad(GRID), rtol=1e-9, atol=1e-15)
    assert custom.latex_f.startswith("f(x) = ") and custom.latex_df.startswith("f'(x) = ")
