"""nnviz.core.expr: whitelisted parsing, SymPy derivatives, vectorised evaluation, hostile input."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.expr import MAX_LENGTH, ExpressionError, parse

X = np.linspace(-3, 3, 61)


@pytest.mark.parametrize("text,reference", [
    ("x**2 + 3*x - 1", lambda x: x**2 + 3 * x - 1),
    ("x^2", lambda x: x**2),
    ("2·x − 1", lambda x: 2 * x - 1),
    ("x²", lambda x: x**2),
    ("exp(-x) * sin(x)", lambda x: np.exp(-x) * np.sin(x)),
    ("tanh(x) + cosh(x) - sinh(x)", lambda x: np.tanh(x) + np.cosh(x) - np.sinh(x)),
    ("abs(x) / (1 + abs(x))", lambda x: np.abs(x) / (1 + np.abs(x))),
    ("max(0, x)", lambda x: np.maximum(0, x)),
    ("min(x, 1, 2)", lambda x: np.minimum(x, 1)),
    ("relu(x) + sigmoid(x)", lambda x: np.maximum(0, x) + 1 / (1 + np.exp(-x))),
    ("pi*x + e", lambda x: np.pi * x + np.e),
    ("-x", lambda x: -x),
    ("+x", lambda x: x),
    ("7", lambda x: np.full_like(x, 7.0)),
])
def test_values_match_numpy(text, reference) -> None:
    np.testing.assert_allclose(parse(text)(X), reference(X), rtol=1e-12, atol=1e-12)


def test_power_caret_has_power_precedence() -> None:
    """x^2+1 means x² + 1, not Python's x xor 3."""
    np.testing.assert_allclose(parse("x^2+1")(X), X**2 + 1)


def test_derivatives_match_sympy_built_independently() -> None:
    x = sp.Symbol("x", real=True)
    cases = {
        "x**3 * exp(-x)": x**3 * sp.exp(-x),
        "log(1 + exp(x))": sp.log(1 + sp.exp(x)),
        "x*tanh(log(1 + exp(x)))": x * sp.tanh(sp.log(1 + sp.exp(x))),
        "erf(x) + sqrt(x**2 + 1)": sp.erf(x) + sp.sqrt(x**2 + 1),
    }
    for text, reference in cases.items():
        reference_df = sp.lambdify(x, sp.diff(reference, x), modules=["numpy", {"erf": np.vectorize(__import__("math").erf)}])
        np.testing.assert_allclose(parse(text).diff("x")(X), reference_df(X), rtol=1e-10, atol=1e-12)


def test_derivative_matches_central_difference() -> None:
    expr = parse("sin(x)**2 / (1 + x**2)")
    h = 1e-6
    numeric = (expr(X + h) - expr(X - h)) / (2 * h)
    np.testing.assert_allclose(expr.diff("x")(X), numeric, atol=1e-8)


def test_kinks_use_zero_at_zero() -> None:
    """max(0, x)' at 0 is 0, as ReLU'(0) = 0 everywhere in nnviz."""
    assert parse("max(0, x)").diff("x")(np.array([0.0]))[0] == 0.0
    assert parse("relu(x)").diff("x")(np.array([-1.0, 0.0, 1.0])).tolist() == [0.0, 0.0, 1.0]


def test_two_variables_gradient_and_broadcasting() -> None:
    expr = parse("x^2 + 3*x*y - y^2", ("x", "y"))
    gx, gy = expr.gradient()
    xs, ys = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-1, 1, 3))
    np.testing.assert_allclose(gx(xs, ys), 2 * xs + 3 * ys)
    np.testing.assert_allclose(gy(xs, ys), 3 * xs - 2 * ys)
    assert expr(np.array([1.0, 2.0]), 3.0).shape == (2,)


def test_latex() -> None:
    assert parse("x^2").latex == "x^{2}"
    assert "\\frac" in parse("1/(1+x)").latex


def test_undefined_points_are_nan_or_inf_without_warnings() -> None:
    with np.errstate(all="raise"):
        values = parse("log(x) + sqrt(x)")(np.array([-1.0, 0.0, 4.0]))
    assert np.isnan(values[0]) and np.isneginf(values[1]) and values[2] == pytest.approx(np.log(4) + 2)


def test_input_array_untouched_and_shape_kept() -> None:
    x = np.arange(6.0).reshape(2, 3)
    before = x.copy()
    out = parse("x*2")(x)
    assert out.shape == (2, 3)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("text,code", [
    ("", "empty"),
    ("   ", "empty"),
    ("__import__('os').system('id')", "character"),
    ("__import__(os).system(id)", "unknown_function"),
    ("().__class__.__bases__", "not_allowed"),
    ("x.real", "not_allowed"),
    ("lambda: 0", "character"),
    ("[x]", "character"),
    ("x if x else 1", "not_allowed"),
    ("x < 1", "character"),
    ("'abc'", "character"),
    ("True", "not_a_number"),
    ("1j * x", "not_a_number"),
    ("9**9**9", "exponent_too_large"),
    ("x**(10**100)", "exponent_too_large"),
    ("((2**100)**100)**100", "number_too_large"),
    ("1e308 * x", "number_too_large"),
    ("x" * 10_000, "too_long"),
    ("((x)", "parentheses"),
    ("x))", "parentheses"),
    ("2x", "implicit_product"),
    ("y + 1", "unknown_name"),
    ("sin(x, x)", "arguments"),
    ("max(x)", "arguments"),
    ("exp(x=1)", "character"),
    ("1/0", "undefined"),
    ("x +* 2", "syntax"),
    ("-" * 150 + "x", "too_deep"),
    ("(" * 150 + "x" + ")" * 49, "parentheses"),
])
def test_rejected_with_its_own_error_in_both_languages(text: str, code: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert info.value.code == code
    assert info.value.message("en") and info.value.message("zh")
    assert info.value.message("en") != info.value.message("zh")


def test_length_cap_is_exact() -> None:
    assert parse(" " * (MAX_LENGTH - 1) + "x")(1.0) == 1.0
    with pytest.raises(ExpressionError, match="too long"):
        parse(" " * MAX_LENGTH + "x")


def test_long_flat_sums_are_not_too_deep() -> None:
    text = "+".join(["x"] * 99)
    np.testing.assert_allclose(parse(text)(X), 99 * X)


HOSTILE = st.sampled_from([
    "__import__('os').system('id')", "().__class__.__bases__", "lambda: 0", "9**9**9", "x**(10**100)",
    "x" * 10_000, "(((((x)", "x" + ")" * 50, "\x00", "𝔁²", "ｘ＋１", "λ", "exec('1')", "open('/etc/passwd')",
    "x**x**x**x**x**x**x**x", "exp(exp(exp(exp(exp(exp(x))))))", "(" * 199 + "x", "1" * 199,
    "0.1" * 60, "max(" * 40 + "x" + ")" * 40, "sigmoid(x)**-100", "globals()", "x.__class__",
])


@settings(max_examples=150, deadline=None)
@given(st.one_of(HOSTILE, st.text(max_size=250), st.text(alphabet="x()+-*/^.0123456789eEpi ,sqrtlogmaxin", max_size=120)))
def test_fuzz_returns_expression_or_own_error_within_a_second(text: str) -> None:
    start = time.perf_counter()
    try:
        expr = parse(text)
        with np.errstate(all="raise"):
            expr(X)
            expr.diff("x")(X)
    except ExpressionError:
        pass
    assert time.perf_counter() - start < 1.0
