"""The Loss-functions page through AppTest: every view, its controls, its numbers against
independent computations, both languages, presentation mode and absurd links."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.regression import NOTES_X, NOTES_Y
from tests.app.conftest import array, assert_clean, assert_silent_fallback, figures, numeric, open_page

PAGE = "app_pages/losses.py"
VIEWS = {"regression": 2, "classification": 1, "softmax": 2, "batch": 1}


def traces(fig: dict, name: str) -> list[dict]:
    return [t for t in fig["data"] if t.get("name") == name]


def metrics(at) -> dict[str, str]:  # noqa: ANN001
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize(("view", "charts"), VIEWS.items())
@pytest.mark.parametrize(("lang", "present"), [("en", False), ("zh", True)])
def test_every_view_draws_with_its_code_in_both_languages(view: str, charts: int, lang: str, present: bool) -> None:
    at = open_page(PAGE, lang=lang, present=present, view=view)
    assert_clean(at)
    assert len(figures(at)) == charts
    assert at.title[0].value.startswith("Loss functions" if lang == "en" else "损失函数")
    assert any(e.label in ("Show the code behind this figure", "查看该图背后的代码") for e in at.expander)
    assert at.segmented_control(key="view").value == view


def test_presentation_mode_enlarges_the_text() -> None:
    normal, big = (figures(open_page(PAGE, present=p, view="softmax"))[0] for p in (False, True))
    size = lambda fig: fig["layout"]["template"]["layout"]["font"]["size"]  # noqa: E731
    assert size(big) > size(normal)


# --- regression losses ------------------------------------------------------------------------------


def test_residual_curves_and_slopes_follow_the_formulas() -> None:
    at = open_page(PAGE, delta="0.5")
    assert_clean(at)
    curves = figures(at)[0]
    huber_f, huber_df = traces(curves, "Huber (δ)")
    r, f, df = array(huber_f["x"]), array(huber_f["y"]), array(huber_df["y"])
    a = np.abs(r)
    np.testing.assert_allclose(f, np.where(a < 0.5, a * a / 2, 0.5 * (a - 0.25)), atol=1e-4)
    np.testing.assert_allclose(df, np.clip(r, -0.5, 0.5), atol=1e-4)
    smooth_df = array(traces(curves, "Smooth L1 (β)")[1]["y"])
    np.testing.assert_allclose(smooth_df, np.clip(r / 0.5, -1, 1), atol=1e-4)
    assert np.ptp(array(traces(curves, "r² (PyTorch MSELoss)")[1]["y"]) - 2 * r) < 1e-3


def test_mse_line_is_least_squares_with_the_outlier_and_mae_pulls_by_one() -> None:
    at = open_page(PAGE, ox="7", oy="-3", delta="1")
    assert_clean(at)
    fit = numeric(at.dataframe[0].value).set_index("Loss")
    x, y = np.append(NOTES_X, 7.0), np.append(NOTES_Y, -3.0)
    w, b = np.polyfit(x, y, 1)
    mse = fit.loc["r² (PyTorch MSELoss)"]
    assert mse["slope w"] == pytest.approx(w, rel=1e-3) and mse["intercept b"] == pytest.approx(b, rel=1e-3)  # as printed
    assert mse["mean loss"] == pytest.approx(np.mean((w * x + b - y) ** 2), rel=1e-3)
    assert mse["outlier's pull"] == pytest.approx(-2 * (w * 7 + b + 3), rel=1e-3)
    assert fit.loc["|r| (MAE, L1Loss)", "outlier's pull"] == -1.0, "the line passes above the outlier"
    assert fit.loc["Huber (δ)", "outlier's pull"] == -1.0, "capped at δ"
    assert fit.loc["|r| (MAE, L1Loss)", "slope w"] > w, "MAE tilts less towards a low outlier"


def test_without_the_outlier_every_line_fits_the_eleven_points() -> None:
    at = open_page(PAGE, outlier="false")
    assert_clean(at)
    fit = numeric(at.dataframe[0].value).set_index("Loss")
    assert "outlier's pull" not in fit.columns
    w, b = np.polyfit(NOTES_X, NOTES_Y, 1)
    assert fit.loc["r² (PyTorch MSELoss)", "slope w"] == pytest.approx(w, rel=1e-3)  # as printed
    assert not traces(figures(at)[1], "Outlier")


def test_moving_the_outlier_moves_the_lines() -> None:
    at = open_page(PAGE)
    before = numeric(at.dataframe[0].value)["slope w"].to_numpy()
    at.slider(key="oy").set_value(-4.0).run()
    assert_clean(at)
    after = numeric(at.dataframe[0].value)["slope w"].to_numpy()
    assert np.all(after < before)
    star = traces(figures(at)[1], "Outlier")[0]
    assert array(star["y"]).tolist() == [-4.0]


def test_no_loss_chosen_still_fits_the_line() -> None:
    at = open_page(PAGE)
    at.multiselect(key="curves").set_value([]).run()
    assert_clean(at)
    assert at.info and len(figures(at)) == 1


# --- classification losses --------------------------------------------------------------------------


def test_notes_example_shows_the_goldens() -> None:
    at = open_page(PAGE, view="classification")
    assert_clean(at)
    examples = numeric(at.dataframe[0].value)
    assert examples["cross-entropy"].tolist() == pytest.approx([0.510825457099338, -np.log(0.1 + 1e-7)], rel=1e-13)
    assert examples["book's MSE ½Σ(y − t)²"].tolist() == pytest.approx([0.0975, 0.5975], abs=1e-15)


def test_delta_table_shows_infinity_without_delta_and_a_cap_with_it() -> None:
    at = open_page(PAGE, view="classification", p="0")
    assert_clean(at)
    delta = at.dataframe[1].value.set_index("p")
    assert delta.loc["0", "−ln p"] == "∞"
    assert delta.loc["0", "−ln(p + δ)"] == "16.1181"  # −ln 1e-7 = 16.11809565
    marker = traces(figures(at)[0], "your p")[0]
    assert array(marker["y"])[0] == pytest.approx(-np.log(1e-7), abs=1e-3)


def test_logarithmic_axis_reaches_tiny_probabilities() -> None:
    at = open_page(PAGE, view="classification", logp="true", p="1e-9")
    assert_clean(at)
    fig = figures(at)[0]
    assert fig["layout"]["xaxis"]["type"] == "log"
    ce, exact = traces(fig, "cross-entropy −ln(p + δ)")[0], traces(fig, "−ln p (no δ)")[0]
    assert array(ce["x"]).min() == pytest.approx(1e-10, rel=1e-6)
    assert array(exact["y"]).max() == pytest.approx(10 * np.log(10), rel=1e-5)
    assert array(ce["y"]).max() == pytest.approx(-np.log(1e-10 + 1e-7), rel=1e-5)


def test_logit_table_compares_naive_clamped_and_stable_forms() -> None:
    at = open_page(PAGE, view="classification")
    rows = at.dataframe[2].value.set_index("z")
    assert rows.loc["−1000"].tolist() == ["∞", "100", "1000"]


# --- softmax + cross-entropy ------------------------------------------------------------------------


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def test_softmax_bars_loss_and_gradient_match_an_independent_softmax() -> None:
    at = open_page(PAGE, view="softmax", z1="1", z2="-2", z3="0.5", truth="3")
    assert_clean(at)
    p = softmax(np.array([1.0, -2.0, 0.5]))
    bars = figures(at)[0]
    np.testing.assert_allclose(array(traces(bars, "p = softmax(z)")[0]["y"]), p, atol=1e-4)
    np.testing.assert_allclose(array(traces(bars, "cross-entropy: p − t")[0]["y"]), p - np.eye(3)[2], atol=1e-4)
    assert float(metrics(at)["Cross-entropy"]) == pytest.approx(-np.log(p[2] + 1e-7), rel=1e-3)
    assert float(metrics(at)["CE push on the true logit"]) == pytest.approx(1 - p[2], abs=1e-3)


def test_confident_wrong_preset_shows_mse_pushing_weakly() -> None:
    at = open_page(PAGE, view="softmax")
    next(b for b in at.button if b.label == "Confident and wrong").click().run()
    assert_clean(at)
    assert [at.slider(key=k).value for k in ("z1", "z2", "z3")] == [6.0, -4.0, 0.0]
    shown = metrics(at)
    assert float(shown["CE push on the true logit"]) == pytest.approx(1.0, abs=1e-3)
    assert float(shown["MSE push on the true logit"]) < 1e-3
    sweep = figures(at)[1]
    ce, mse = (array(traces(sweep, n)[0]["y"]) for n in ("cross-entropy: 1 − p", "MSE on softmax"))
    assert ce[0] > 0.99 and mse[0] < 1e-4, "far left: CE still pushes, MSE has saturated"


# --- mini-batch loss --------------------------------------------------------------------------------


def test_batch_spread_shrinks_like_one_over_root_b() -> None:
    small, large = (open_page(PAGE, view="batch", bs=b) for b in ("10", "1000"))
    for at in (small, large):
        assert_clean(at)
    spread = [float(metrics(at)[f"Spread of batch losses, B = {b}"]) for at, b in ((small, 10), (large, 1000))]
    theory = [float(metrics(at)[f"σ/√B·√((N − B)/(N − 1)), B = {b}"]) for at, b in ((small, 10), (large, 1000))]
    assert spread[0] / spread[1] == pytest.approx(theory[0] / theory[1], rel=0.15)
    assert theory[0] / theory[1] == pytest.approx(np.sqrt(100 * 3990 / 3000), rel=5e-3)
    sigma = float(metrics(small)["Spread σ of one image's loss"])
    assert theory[0] == pytest.approx(sigma / np.sqrt(10) * np.sqrt(3990 / 3999), rel=2e-3)


def test_batch_size_is_kept_in_the_url() -> None:
    at = open_page(PAGE, view="batch")
    at.select_slider(key="bs").set_value("20").run()
    assert_clean(at)
    assert at.query_params["bs"] in ("20", ["20"])
    assert "B = 20" in figures(at)[0]["layout"]["annotations"][0]["text"]


@pytest.mark.parametrize("params", [
    {"view": "nope"}, {"delta": "-3"}, {"delta": "nan"}, {"curves": ["bogus"]}, {"ox": "1e400"}, {"outlier": "maybe"},
    {"view": "classification", "p": "2"}, {"view": "classification", "logp": "x"},
    {"view": "softmax", "truth": "9"}, {"view": "softmax", "z1": "1e400"}, {"view": "batch", "bs": "7"},
])
def test_absurd_url_parameters_fall_back_silently(params: dict) -> None:
    assert_silent_fallback(open_page(PAGE, **params))
