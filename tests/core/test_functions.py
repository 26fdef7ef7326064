"""nnviz.core.functions against the digest's golden values, SymPy and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

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


@settings(max_examples=40, deadline=None)
@given(
    x=arrays(np.float64, (3, 4), elements=st.floats(-50, 50)),
    shift=st.floats(-1e3, 1e3),
)
def test_softmax_rows_sum_to_one_and_ignore_shifts(x: np.ndarray, shift: float) -> None:
    p = act.softmax(x)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(act.softmax(x + shift), p, rtol=1e-9, atol=1e-300)
    reference = np.exp(x - x.max(axis=1, keepdims=True))
    np.testing.assert_allclose(p, reference / reference.sum(axis=1, keepdims=True), rtol=1e-12)


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


def test_from_expression_matches_builtin() -> None:
    custom = act.from_expression(parse("1/(1 + exp(-x))"))
    np.testing.assert_allclose(custom.f(GRID), act.sigmoid(GRID), rtol=1e-12)
    np.testing.assert_allclose(custom.df(GRID), act.sigmoid_grad(GRID), rtol=1e-9, atol=1e-15)
    assert custom.latex_f.startswith("f(x) = ") and custom.latex_df.startswith("f'(x) = ")


@pytest.mark.parametrize("key", list(act.ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_and_float64_stay_themselves(key: str, dtype: type) -> None:
    """Layers and the init experiment run in float32: the table must not widen it."""
    a = act.get(key)
    x = GRID_OFF_KINKS.astype(dtype)
    value, slope = a.f(x), a.df(x)
    assert value.dtype == dtype and slope.dtype == dtype
    tol = 2e-6 if dtype == np.float32 else 1e-15
    np.testing.assert_allclose(value, a.f(x.astype(np.float64)), rtol=tol, atol=tol)
    np.testing.assert_allclose(slope, a.df(x.astype(np.float64)), rtol=tol, atol=tol)


@pytest.mark.parametrize("key", list(act.ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_stay_finite_without_warnings(key: str, dtype: type) -> None:
    big = np.finfo(dtype).max / 8
    x = np.array([-big, -1e4, -100.0, 100.0, 1e4, big], dtype=dtype)
    a = act.get(key)
    assert np.all(np.isfinite(a.f(x))) and np.all(np.isfinite(a.df(x)))
    assert np.all(np.abs(a.df(x)) <= 1.13)  # the steepest slope in the table: GELU ≈ 1.129


def test_gelu_is_the_exact_form() -> None:
    """One GELU for the whole app: x·Φ(x), so GELU(1) = Φ(1) = 0.8413447460685429 (tanh form: 0.8412)."""
    assert float(act.gelu(np.array(1.0))) == pytest.approx(0.8413447460685429, abs=1e-15)


def _edge_of_sigmoid_saturation() -> float:
    """σ'(x) = 0.01 where σ = (1 ± √0.96)/2, i.e. |x| = ln((1 + √0.96)/(1 − √0.96)) ≈ 4.5951."""
    return float(np.log((1 + np.sqrt(0.96)) / (1 - np.sqrt(0.96))))


def test_saturation_zones() -> None:
    x = np.linspace(-10, 10, 2001)
    (a0, a1), (b0, b1) = act.saturation_zones(x, act.sigmoid_grad(x))
    edge = _edge_of_sigmoid_saturation()
    assert a0 == -10 and b1 == 10
    assert a1 == pytest.approx(-edge, abs=0.01) and b0 == pytest.approx(edge, abs=0.01)
    tanh_edge = float(np.arctanh(np.sqrt(0.99)))  # 1 − tanh² = 0.01 at |x| ≈ 2.993
    assert [z[1] for z in act.saturation_zones(x, act.tanh_grad(x))][:1] == [pytest.approx(-tanh_edge, abs=0.01)]
    assert act.saturation_zones(x, act.relu_grad(x)) == [(-10.0, 0.0)]
    assert act.saturation_zones(np.linspace(-0.5, 3, 351), act.relu_grad(np.linspace(-0.5, 3, 351))) == [(-0.5, 0.0)]
    assert act.saturation_zones(x, np.ones_like(x)) == []


@pytest.mark.parametrize("f", [lambda x: x / (1 + np.exp(-x)), lambda x: x * np.tanh(np.log1p(np.exp(x)))],
                         ids=["swish", "mish"])
def test_a_minimum_is_not_saturation(f) -> None:  # noqa: ANN001
    """Swish and mish dip to a minimum near x ≈ −1.2, where f' crosses 0: no zone there, only the left tail."""
    x = np.linspace(-6, 6, 1201)
    slope = np.gradient(f(x), x)  # a finite difference, independent of any derivative in nnviz
    x_min = x[np.argmin(f(x))]
    assert np.any(np.abs(slope) < act.SATURATION_TOL) and -1.4 < x_min < -1.1
    assert not any(lo <= x_min <= hi for lo, hi in act.saturation_zones(x, slope))
    wide = np.linspace(-20, 6, 2601)
    (left,) = act.saturation_zones(wide, np.gradient(f(wide), wide))
    assert left[0] == -20 and left[1] < -4, "the flat left tail still counts"


def test_a_wide_interior_flat_stretch_is_saturation() -> None:
    """tanh(x − 5) + tanh(x + 5) is flat between its two steps (f' < 0.01 for |x| < 5 − 2.993)."""
    x = np.linspace(-3, 3, 601)
    slope = act.tanh_grad(x - 5) + act.tanh_grad(x + 5)
    ((lo, hi),) = act.saturation_zones(x, slope)
    edge = 5 - float(np.arctanh(np.sqrt(0.99)))
    assert lo == pytest.approx(-edge, abs=0.02) and hi == pytest.approx(edge, abs=0.02)
    assert act.saturation_zones(x, slope, min_width=2 * edge + 0.1) == [], "narrower than asked: not counted"
