"""The Backpropagation page through AppTest: the shopping golden, a typed formula checked three ways,
the layers, bad formulas and absurd links."""

from __future__ import annotations

import pytest

from tests.app.conftest import assert_clean, assert_silent_fallback, figures, numeric, open_page

PAGE = "app_pages/backprop.py"


def gradient_column(at, column: int = 2) -> dict[str, float]:  # noqa: ANN001 - an AppTest
    table = numeric(at.dataframe[-1].value)
    return dict(zip(table.iloc[:, 0], table.iloc[:, column]))


def test_shopping_graph_shows_the_books_numbers() -> None:
    at = open_page(PAGE)
    assert_clean(at)
    (fig,) = figures(at)
    assert len(fig["frames"]) == 19, "9 forward steps, the seed and 9 edges back"
    grads = list(gradient_column(at).values())
    assert grads == pytest.approx([2.2, 110, 3.3, 165, 650])
    assert list(gradient_column(at, 3).values()) == pytest.approx(grads), "MulLayer/AddLayer agree with the graph"
    assert any("715" in m.value for m in at.markdown)


def test_editing_the_bill_moves_the_gradients() -> None:
    at = open_page(PAGE, apple="200", tax="1.5")
    assert_clean(at)
    grads = list(gradient_column(at).values())
    assert grads == pytest.approx([2 * 1.5, 200 * 1.5, 3 * 1.5, 150 * 1.5, 400 + 450])


def test_formula_view_agrees_with_sympy_and_central_differences() -> None:
    at = open_page(PAGE, view="formula", f="x*y + sin(x*y)", vx="0.7", vy="-1.3")
    assert_clean(at)
    table = numeric(at.dataframe[-1].value)
    assert list(table.iloc[:, 0]) == ["x", "y"]
    assert list(table.iloc[:, 1]) == pytest.approx(list(table.iloc[:, 2]), rel=1e-12)
    assert list(table.iloc[:, 1]) == pytest.approx(list(table.iloc[:, 3]), rel=1e-6)
    assert set(table.iloc[:, 4]) == {"yes"} and not at.warning


def test_a_third_variable_gets_its_slider() -> None:
    at = open_page(PAGE, view="formula", f="x + z**2", vz="2")
    assert_clean(at)
    assert {s.key for s in at.slider} == {"vx", "vz"}
    assert gradient_column(at, 1) == pytest.approx({"x": 1.0, "z": 4.0})


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_kink_is_explained(lang: str) -> None:
    at = open_page(PAGE, lang=lang, view="formula", f="relu(x) + y", vx="0")
    assert_clean(at)
    assert at.warning and len(figures(at)) == 1


@pytest.mark.parametrize("text", ["__import__('os').system('id')", "x +* 2", "log(", "2x", "w**2", "x**(10**100)"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_formula_shows_message_and_keeps_a_figure(text: str, lang: str) -> None:
    at = open_page(PAGE, lang=lang, view="formula", f=text)
    assert_clean(at)
    assert at.error, "a clear message"
    assert len(figures(at)) == 1, "never a blank chart"
    assert at.text_input(key="f").value == text


def test_bad_formula_messages_are_in_the_users_language() -> None:
    en = open_page(PAGE, view="formula", f="x +* 2").error[0].value
    zh = open_page(PAGE, lang="zh", view="formula", f="x +* 2").error[0].value
    assert en != zh


@pytest.mark.parametrize("layer", ["mul", "add", "relu", "sigmoid", "affine", "softmax"])
def test_every_layer_is_shown_and_passes_its_check(layer: str) -> None:
    at = open_page(PAGE, view="layers", layer=layer, n="3")
    assert_clean(at)
    errors = numeric(at.dataframe[0].value).iloc[:, 2]
    assert (errors < 2e-5).all()
    assert len(at.get("latex")) >= 4


def test_the_notes_bias_gradient_is_caught() -> None:
    at = open_page(PAGE, view="layers", layer="affine", db1="true")
    assert_clean(at)
    assert at.warning and not at.error
    assert numeric(at.dataframe[0].value).iloc[2, 2] > 0.1


@pytest.mark.parametrize("params", [
    {"apple": "1e400"}, {"tax": "nan"}, {"apple_num": "-5"}, {"view": "nope"}, {"view": "formula", "vx": "1e9"},
    {"view": "layers", "layer": "bogus"}, {"view": "layers", "n": "99"}, {"view": "layers", "seed": "x"},
])
def test_absurd_url_parameters_fall_back_silently(params: dict) -> None:
    assert_silent_fallback(open_page(PAGE, **params))


def test_presentation_mode_enlarges_the_graph() -> None:
    normal = figures(open_page(PAGE))[0]["layout"]
    big = figures(open_page(PAGE, present=True))[0]["layout"]
    assert big["height"] > normal["height"]


def test_reset_restores_defaults() -> None:
    at = open_page(PAGE, apple="300")
    at.button[0].click().run()
    assert_clean(at)
    assert at.slider(key="apple").value == 100


def test_home_has_a_card_for_the_page() -> None:
    at = open_page("app_pages/home.py")
    assert any(m.value == "### Backpropagation" for m in at.markdown)


def test_network_by_hand_prints_the_goldens() -> None:
    at = open_page(PAGE, view="network")
    assert_clean(at)
    rows = dict(zip(numeric(at.dataframe[0].value).iloc[:, 1], numeric(at.dataframe[0].value).iloc[:, 3]))
    assert rows["E_total"] == pytest.approx(0.298371109, abs=5e-10)
    assert rows["w5⁺"] == pytest.approx(0.35891648, abs=5e-9)
    assert rows["w1⁺"] == pytest.approx(0.149780716, abs=5e-10)
    assert figures(at)[0]["layout"]["title"]["text"] == "E_total = 0.298371109"


def test_changing_a_weight_changes_the_network() -> None:
    at = open_page(PAGE, view="network", w5="0.9", lang="zh")
    assert_clean(at)
    rows = dict(zip(numeric(at.dataframe[0].value).iloc[:, 1], numeric(at.dataframe[0].value).iloc[:, 3]))
    assert rows["E_total"] != pytest.approx(0.298371109, abs=1e-6)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_gradient_check_view_shows_the_relative_errors_and_costs(lang: str) -> None:
    at = open_page(PAGE, lang=lang, view="check")
    assert_clean(at)
    assert (numeric(at.dataframe[0].value).iloc[:, 4] < 1e-5).all()
    assert at.metric[1].value == "79,520"
    (fig,) = figures(at)
    assert fig["data"][0]["x"] == ["W1", "b1", "W2", "b2"]


def test_a_deliberate_bug_shows_in_the_check() -> None:
    at = open_page(PAGE, view="check", bug="no_mask")
    assert_clean(at)
    errors = dict(zip(numeric(at.dataframe[0].value).iloc[:, 0], numeric(at.dataframe[0].value).iloc[:, 4]))
    assert errors["W1"] > 0.1 and errors["W2"] < 1e-5


def test_vanishing_view_compares_sigmoid_and_relu() -> None:
    at = open_page(PAGE, view="vanishing", depth="8")
    assert_clean(at)
    (fig,) = figures(at)
    assert [trace["name"] for trace in fig["data"]] == ["Sigmoid", "ReLU"]
    assert len(at.metric) == 2 and float(at.metric[0].value) < 1e-4 < float(at.metric[1].value)


def test_a_constant_formula_says_there_is_nothing_to_differentiate() -> None:
    at = open_page(PAGE, view="formula", f="2 + 3")
    assert_clean(at)
    assert at.info and len(figures(at)) == 1 and not at.slider


def test_max_of_a_reciprocal_relu_is_checked_three_ways() -> None:
    """max(x, 2/relu(x)) at 0.5 is the 2/x branch: ∂f/∂x = −2/x² = −8 (SymPy once failed on it)."""
    at = open_page(PAGE, view="formula", f="max(x, 2/relu(x))", vx="0.5")
    assert_clean(at)
    table = numeric(at.dataframe[-1].value)
    assert table.iloc[0, 1] == pytest.approx(-8) and table.iloc[0, 2] == pytest.approx(-8)
    assert not at.error and len(figures(at)) == 1
