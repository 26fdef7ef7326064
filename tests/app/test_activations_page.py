"""The Activation functions page through AppTest: controls change the figures, bad input is handled."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.functions import ACTIVATIONS
from tests.app.conftest import (
    array,
    assert_clean,
    assert_silent_fallback,
    figures,
    open_page,
    readings,
)

PAGE = "app_pages/activations.py"


def trace_names(fig: dict) -> list[str]:
    return [t.get("name") for t in fig["data"] if t.get("showlegend", True) and t.get("name")]


def test_default_view_draws_functions_and_derivatives() -> None:
    at = open_page(PAGE)
    assert_clean(at)
    (fig,) = figures(at)
    assert {"Sigmoid", "tanh", "ReLU"} <= set(trace_names(fig))
    sigmoid = [t for t in fig["data"] if t.get("name") == "Sigmoid"]
    assert len(sigmoid) == 2, "one curve for f, one for f'"
    assert {sigmoid[0]["xaxis"] if "xaxis" in sigmoid[0] else "x", sigmoid[1]["xaxis"]} == {"x", "x2"}


def test_choosing_functions_changes_the_figure() -> None:
    at = open_page(PAGE)
    at.multiselect(key="fns").set_value(["gelu", "elu"]).run()
    assert_clean(at)
    names = trace_names(figures(at)[0])
    assert "GELU" in names and "ELU (α = 1)" in names and "Sigmoid" not in names


def test_probe_readout_matches_the_core() -> None:
    at = open_page(PAGE, x0="2.5")
    assert_clean(at)
    table = at.dataframe[0].value
    row = table[table.iloc[:, 0] == "Sigmoid"].iloc[0]
    s = 1 / (1 + np.exp(-2.5))
    f, analytic, numeric = readings(row.iloc[1:4])  # shown to six significant digits
    assert f == pytest.approx(s, rel=1e-6) and row.iloc[1] == "0.924142"
    assert analytic == pytest.approx(s * (1 - s), rel=1e-6)
    assert numeric == pytest.approx(s * (1 - s), rel=1e-6)


def test_moving_the_probe_moves_the_tangent() -> None:
    at = open_page(PAGE)
    before = figures(at)[0]
    at.slider(key="x0").set_value(-3.0).run()
    after = figures(at)[0]
    tangent = lambda fig: next(t for t in fig["data"] if t.get("name") == "Tangent at x₀")  # noqa: E731
    assert not np.allclose(array(tangent(before)["x"]), array(tangent(after)["x"]))


def test_empty_selection_asks_for_a_function() -> None:
    at = open_page(PAGE)
    at.multiselect(key="fns").set_value([]).run()
    assert_clean(at)
    assert at.info and not figures(at)


def test_depth_best_case_is_quarter_power_for_sigmoid() -> None:
    at = open_page(PAGE, view="depth", depth="5", fns="sigmoid")
    assert_clean(at)
    (fig,) = figures(at)
    assert array(fig["data"][0]["y"])[-1] == pytest.approx(0.25**5, rel=1e-6)


def test_softmax_temperature_flattens_probabilities() -> None:
    sharp = figures(open_page(PAGE, view="softmax", temp="0.5"))[0]
    flat = figures(open_page(PAGE, view="softmax", temp="5.0"))[0]
    probs = lambda fig: array(fig["data"][1]["y"])  # noqa: E731
    assert probs(sharp).max() > probs(flat).max()
    assert probs(sharp).sum() == pytest.approx(1.0)


def test_softmax_stability_table_shows_nan_then_digest_values() -> None:
    at = open_page(PAGE, view="softmax")
    table = at.dataframe[0].value
    assert list(table.iloc[:, 1]) == ["NaN"] * 3, "∞/∞ is NaN, and the table says so"
    np.testing.assert_allclose(readings(table.iloc[:, 2]), [9.99954600e-01, 4.53978686e-05, 2.06106005e-09], atol=5e-9)


def test_custom_function_is_drawn_with_its_derivative() -> None:
    at = open_page(PAGE, view="custom", custom="x**3")
    assert_clean(at)
    fig = figures(at)[0]
    custom = [t for t in fig["data"] if t.get("name") == "x ** 3"]  # the normalised text
    x, df = array(custom[1]["x"]), array(custom[1]["y"])
    np.testing.assert_allclose(df, 3 * x**2, atol=1e-4)


@pytest.mark.parametrize("text", ["__import__('os').system('id')", "x +* 2", "log(", "2x", "y**2", "x**(10**100)"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_formula_shows_message_and_keeps_a_figure(text: str, lang: str) -> None:
    at = open_page(PAGE, lang=lang, view="custom", custom=text)
    assert_clean(at)
    assert at.error, "a clear message"
    assert len(figures(at)) == 1, "never a blank chart"


def test_bad_formula_keeps_the_last_good_one() -> None:
    at = open_page(PAGE, view="custom")
    at.text_input(key="custom").set_value("x**2 + 1").run()
    at.text_input(key="custom").set_value("x**2 +").run()
    assert_clean(at)
    assert at.error
    assert any(t.get("name") == "x ** 2 + 1" for t in figures(at)[0]["data"])
    assert at.text_input(key="custom").value == "x**2 +", "the typed text is never lost"


def test_undefined_formula_says_so() -> None:
    at = open_page(PAGE, view="custom", custom="log(x - 100)")
    assert_clean(at)
    assert at.error and len(figures(at)) == 1


@pytest.mark.parametrize("params", [
    {"x0": "1e400"}, {"x0": "nan"}, {"xr": ["5", "-5"]}, {"xr": ["3", "3"]}, {"fns": ["bogus"]},
    {"view": "nope"}, {"depth": "-4"}, {"temp": "0"}, {"focus": "'; DROP"}, {"fns": ["relu", "relu"]},
])
def test_absurd_url_parameters_fall_back_silently(params: dict) -> None:
    assert_silent_fallback(open_page(PAGE, **params))


def test_reset_restores_defaults() -> None:
    at = open_page(PAGE, x0="3.0", fns=["gelu"])
    at.button[0].click().run()
    assert_clean(at)
    assert at.slider(key="x0").value == 1.0
    assert at.multiselect(key="fns").value == ["sigmoid", "tanh", "relu"]


def test_every_builtin_function_can_be_drawn() -> None:
    at = open_page(PAGE, fns=list(ACTIVATIONS))
    assert_clean(at)
    assert len(trace_names(figures(at)[0])) >= len(ACTIVATIONS)
