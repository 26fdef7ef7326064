"""The Perceptrons page through AppTest: gates, XOR, the traced forward pass, the collapse."""

from __future__ import annotations

import numpy as np
import pytest

from tests.app.conftest import array, assert_clean, assert_silent_fallback, figures, numeric, open_page

PAGE = "app_pages/perceptron.py"


def test_default_is_the_books_and_gate() -> None:
    at = open_page(PAGE)
    assert_clean(at)
    table = numeric(at.dataframe[0].value)
    assert list(table["y"]) == [0, 0, 0, 1]
    np.testing.assert_allclose(table["w·x + b"], [-0.7, -0.2, -0.2, 0.3], atol=1e-12)
    assert any("**AND**" in m.value for m in at.markdown)


@pytest.mark.parametrize("preset, truth", [("btn_or", [0, 1, 1, 1]), ("btn_nand", [1, 1, 1, 0])])
def test_presets_set_the_weights(preset: str, truth: list[int]) -> None:
    at = open_page(PAGE)
    at.button(key=preset).click().run()
    assert_clean(at)
    assert list(numeric(at.dataframe[0].value)["y"]) == truth


def test_sigmoid_preset_gives_the_slides_smooth_or() -> None:
    at = open_page(PAGE)
    at.button(key="btn_sigmoid_or").click().run()
    assert_clean(at)
    y = numeric(at.dataframe[0].value)["y"].to_numpy()
    np.testing.assert_allclose(y, 1 / (1 + np.exp(-np.array([-10.0, 10.0, 10.0, 30.0]))), rtol=1e-4)  # as printed
    heat = next(tr for tr in figures(at)[0]["data"] if tr["type"] == "heatmap")
    z = array(heat["z"])
    assert ((z > 0.01) & (z < 0.99)).any(), "a smooth band along the line"
    assert set(np.unique(array(next(tr for tr in figures(open_page(PAGE))[0]['data'] if tr['type'] == 'heatmap')['z']))) == {0, 1}


def test_decision_line_follows_the_sliders() -> None:
    at = open_page(PAGE, w1="1", w2="1", b="-1")
    line = next(tr for tr in figures(at)[0]["data"] if tr.get("mode") == "lines")
    x, y = array(line["x"]), array(line["y"])
    np.testing.assert_allclose(x + y, 1.0, atol=1e-4)  # x1 + x2 − 1 = 0


def test_xor_no_line_and_the_two_layer_table() -> None:
    at = open_page(PAGE, view="xor")
    assert_clean(at)
    assert any("3 of 4" in m.value for m in at.info)
    table = numeric(at.dataframe[0].value)
    assert list(table.iloc[:, -1]) == [0, 1, 1, 0]


def test_forward_pass_shows_the_books_numbers() -> None:
    at = open_page(PAGE, view="forward")
    assert_clean(at)
    latex = " ".join(el.value for el in at.get("latex"))
    for printed in ("0.5744", "0.6682", "0.7503", "0.5162", "1.214", "0.3168", "0.6963"):
        assert printed in latex


def test_softmax_output_and_moving_x_update_the_trace() -> None:
    at = open_page(PAGE, view="forward", fout="softmax", x1="-2")
    assert_clean(at)
    latex = " ".join(el.value for el in at.get("latex"))
    assert "softmax" in latex and "0.3168" not in latex


def test_linear_view_collapses_the_stack() -> None:
    at = open_page(PAGE, view="linear")
    assert_clean(at)
    latex = " ".join(el.value for el in at.get("latex"))
    assert "0.12 & 0.262" in latex and "0.228 & 0.48" in latex and "0.426 & 0.912" in latex
    (fig,) = figures(at)
    assert len([tr for tr in fig["data"] if tr["type"] == "contour"]) == 2


def test_chinese_and_bad_parameters() -> None:
    at = open_page(PAGE, lang="zh", view="forward")
    assert_clean(at)
    assert at.title[0].value == "感知机与前向传播"
    assert_silent_fallback(open_page(PAGE, view="nonsense", out="cubic", w1="abc"))
