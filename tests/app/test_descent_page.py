"""The Gradient-descent page through AppTest: goldens on screen, controls move the paths, bad input is handled."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.optimizer import LR_LADDER
from tests.app.conftest import (
    array,
    assert_clean,
    assert_silent_fallback,
    figures,
    open_page,
    readings,
)

PAGE = "app_pages/descent.py"


def trace(fig: dict, name: str) -> dict:
    return next(t for t in fig["data"] if t.get("name") == name)


def texts(at) -> str:
    """Everything written on the page: markdown, alerts, metrics, captions."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.body for e in (*at.warning, *at.error, *at.info, *at.success)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def table(at, heading_column: str):
    return next(df.value for df in at.dataframe if heading_column in df.value.columns)


# --- 1-D -----------------------------------------------------------------------------------

def test_default_view_shows_the_notes_goldens_in_the_halving_table() -> None:
    at = open_page(PAGE)
    assert_clean(at)
    halving = table(at, "x after N steps")
    np.testing.assert_allclose(readings(halving["x after N steps"]), [0.0506110, 0.3978587, 0.0527638], atol=5e-8)
    assert halving["η"].tolist() == ["0.02", "0.01", "0.01"] and halving["steps N"].tolist() == [100, 100, 200]
    assert "Slow" in texts(at) and "r = 0.96" in texts(at)


def test_closed_form_on_the_chart_matches_the_iterates() -> None:
    (fig,) = figures(open_page(PAGE, lr="0.8", steps="30"))
    closed = array(trace(fig, "closed form")["y"])
    iterates = array(trace(fig, "iterates xₖ")["x"])
    np.testing.assert_allclose(iterates, 3 * (1 - 2 * 0.8) ** np.arange(31), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(closed, iterates, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(("lr", "regime"), [("0.02", "Slow"), ("0.5", "Fastest"), ("0.8", "Oscillating"),
                                            ("1", "Cycling"), ("1.05", "Divergent")])
def test_every_regime_is_named(lr: str, regime: str) -> None:
    at = open_page(PAGE, lr=lr)
    assert_clean(at)
    assert f"**{regime}**" in texts(at)


def test_changing_the_rate_changes_the_path_and_the_frames() -> None:
    at = open_page(PAGE)
    before = figures(at)[0]
    at.select_slider(key="lr").set_value("0.3").run()
    after = figures(at)[0]
    path = lambda fig: array(trace(fig, "iterates xₖ")["x"])  # noqa: E731
    assert path(before)[1] == pytest.approx(3 * 0.96, rel=1e-6) and path(after)[1] == pytest.approx(3 * 0.4, rel=1e-6)
    assert after["frames"][-1]["data"][0]["x"][1] == pytest.approx(1.2, abs=1e-4)





def test_divergence_banner_names_the_step_and_the_stable_rate() -> None:
    at = open_page(PAGE, lr="110", fn="book", x0="10")  # 0.01x² + 0.1x: a = 0.01, stable below 100
    assert_clean(at)
    text = texts(at)
    # x_k + 5 = 15·(−1.2)^k passes |x| > 1e8 first at the k below.
    k = next(k for k in range(200) if abs(-5 + 15 * (-1.2) ** k) > 1e8)
    assert f"Diverged at step {k}" in text and "η < 2/L = 100" in text
    (fig,) = figures(at)
    assert fig["layout"]["xaxis"]["range"][1] < 50, "the view stays on the curve's window"
    assert any("left the view at step" in (t.get("text") or [""])[0] for t in fig["data"] if t.get("text"))


def test_divergence_in_chinese() -> None:
    at = open_page(PAGE, lang="zh", lr="2")
    assert_clean(at)
    assert "发散" in texts(at) and "1" in texts(at)





def test_two_valleys_depend_on_the_start() -> None:
    right = figures(open_page(PAGE, fn="wells", x0="2", lr="0.05"))[0]
    left = figures(open_page(PAGE, fn="wells", x0="-2", lr="0.05"))[0]
    end = lambda fig: array(trace(fig, "iterates xₖ")["x"])[-1]  # noqa: E731
    assert end(right) == pytest.approx(1.33, abs=0.02) and end(left) == pytest.approx(-1.48, abs=0.02)


def test_custom_formula_and_bad_formula() -> None:
    at = open_page(PAGE, fn="custom", f1="x**4")
    assert_clean(at)
    assert "Not a quadratic" in texts(at)
    at.text_input(key="f1").set_value("x**4 +").run()
    assert_clean(at)
    assert at.error and len(figures(at)) == 1
    assert at.text_input(key="f1").value == "x**4 +"


def test_undefined_custom_function_warns_and_still_draws() -> None:
    at = open_page(PAGE, fn="custom", f1="log(x)", x0="2")
    assert_clean(at)
    assert any("undefined" in w.body for w in at.warning) and len(figures(at)) == 1


# --- 2-D -----------------------------------------------------------------------------------

def test_book_example_three_rates_side_by_side() -> None:
    at = open_page(PAGE, view="2d", lrs=["10", "0.1", "1e-10"])
    assert_clean(at)
    (fig,) = figures(at)
    assert sum(t["type"] == "contour" for t in fig["data"]) == 3
    summary = table(at, "end point")
    ends = dict(zip(summary["η"], summary["end point"]))
    assert ends["0.1"] == "(-6.11111e-10, 8.14814e-10)"
    assert ends["1e-10"] == "(-3, 4)"  # (−2.99999994, 3.99999992) to six digits
    assert "Diverged at step 6" in texts(at) and "η < 2/L = 1" in texts(at)
    status = dict(zip(summary["η"], summary["status"]))
    assert status["10"] == "diverged at step 6" and status["0.1"] == status["1e-10"] == "ran all 100 steps"
    iterations = table(at, "f(x, y)")  # the first panel: η = 10, up to the row that passed |x| > 1e8
    assert len(iterations) == 7 and np.hypot(*readings(iterations[["x", "y"]].iloc[-1])) > 1e8


def test_book_button_sets_the_example() -> None:
    at = open_page(PAGE, view="2d", surf="rosenbrock")
    next(b for b in at.button if "book" in b.label).click().run()
    assert_clean(at)
    assert at.selectbox(key="surf").value == "bowl"
    assert sorted(at.multiselect(key="lrs").value, key=float) == ["1e-10", "0.1", "10"]
    assert len([t for t in figures(at)[0]["data"] if t["type"] == "contour"]) == 3


def test_book_rate_0_1_golden_in_the_iteration_table() -> None:
    at = open_page(PAGE, view="2d")
    assert_clean(at)
    iterations = table(at, "f(x, y)")
    assert len(iterations) == 101
    np.testing.assert_allclose(readings(iterations[["x", "y"]].iloc[-1]), [-6.11110793e-10, 8.14814391e-10], atol=5e-18)





def test_the_3d_switch_adds_the_surface_with_the_paths() -> None:
    at = open_page(PAGE, view="2d", surf="himmelblau", grid9="true")
    assert len(figures(at)) == 1
    at.toggle(key="d3").set_value(True).run()
    assert_clean(at)
    contour, surface3d = figures(at)
    assert surface3d["data"][0]["type"] == "surface"
    assert sum(t["type"] == "scatter3d" for t in surface3d["data"]) == 9


def test_the_caption_says_when_the_colours_are_logarithmic() -> None:
    log = "log₁₀(1 + f − min f)"
    assert log in texts(open_page(PAGE, view="2d", surf="himmelblau"))
    assert log not in texts(open_page(PAGE, view="2d", surf="bowl"))


def test_grid_of_starts_on_himmelblau_reaches_four_minima() -> None:
    at = open_page(PAGE, view="2d", surf="himmelblau", grid9="true", steps2="200")
    assert_clean(at)
    near = set(table(at, "near")["near"])
    assert sum(n.startswith("minimum") for n in near) == 4


def test_typed_starts_and_normalised_steps_change_the_paths() -> None:
    at = open_page(PAGE, view="2d", starts="-3, 4; 3, -2")
    assert_clean(at)
    names = {t.get("name") for t in figures(at)[0]["data"]}
    assert {"start (-3, 4)", "start (3, -2)"} <= names
    plain = array(trace(figures(at)[0], "start (-3, 4)")["x"])
    at.segmented_control(key="mode").set_value("normalized").run()
    normal = array(trace(figures(at)[0], "start (-3, 4)")["x"])
    assert plain[1] == pytest.approx(-2.4, abs=1e-5) and normal[1] == pytest.approx(-3 + 0.1 * 0.6, abs=1e-5)


def test_changing_surface_resets_rates_to_its_own() -> None:
    at = open_page(PAGE, view="2d")
    at.selectbox(key="surf").set_value("rosenbrock").run()
    assert_clean(at)
    assert at.multiselect(key="lrs").value == ["0.001"]
    assert not at.warning, "Rosenbrock's own rate does not diverge"





def test_custom_surface_and_bad_formula() -> None:
    at = open_page(PAGE, view="2d", surf="custom", f2="x**2 + 3*y**2")
    assert_clean(at)
    at.text_input(key="f2").set_value("x**2 + z").run()
    assert_clean(at)
    assert at.error and len(figures(at)) == 1


def test_custom_surface_divergence_names_a_local_bound() -> None:
    at = open_page(PAGE, view="2d", surf="custom", f2="(x**2 - 1)**2 + y**2", lrs="1")
    assert_clean(at)
    assert "Diverged" in texts(at) and "2/λ_max" in texts(at)


def test_custom_surface_undefined_everywhere() -> None:
    at = open_page(PAGE, view="2d", surf="custom", f2="log(-x**2 - y**2 - 1)")
    assert_clean(at)
    assert at.error and len(figures(at)) == 1


def test_bad_start_points_say_so_and_fall_back() -> None:
    at = open_page(PAGE, view="2d", starts="(1, 2; nonsense")
    assert_clean(at)
    assert any("start points" in e.body for e in at.error)
    assert {"start (-3, 4)"} <= {t.get("name") for t in figures(at)[0]["data"]}


# --- regression ----------------------------------------------------------------------------

def test_regression_goldens_visible() -> None:
    at = open_page(PAGE, view="reg")
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["w after 100 steps"] == "0.51874065"
    assert metrics["least squares w*"] == "0.5187406296851574"
    assert "86.5 / 166.75 = 0.5187406296851574" in texts(at)


def test_regression_line_moves_with_the_frames() -> None:
    (fig,) = figures(open_page(PAGE, view="reg"))
    first, last = fig["frames"][0]["data"][0], fig["frames"][-1]["data"][0]
    slope = lambda d: (d["y"][1] - d["y"][0]) / (d["x"][1] - d["x"][0])  # noqa: E731
    assert slope(first) == pytest.approx(2.0, abs=1e-3) and slope(last) == pytest.approx(0.5187, abs=1e-3)


def test_standardising_rounds_the_valley_and_speeds_the_fit() -> None:
    raw = open_page(PAGE, view="reg", fit="wb", lr_r="0.01")
    std = open_page(PAGE, view="reg", fit="wb", stdz="true", lr_r="0.01")
    assert_clean(raw)
    assert_clean(std)
    w = lambda at: float({m.label: m.value for m in at.metric}["w after 100 steps"])  # noqa: E731
    assert abs(w(std) - 0.4579897) < 1e-4 < abs(w(raw) - 0.4579897)
    assert "b′ = b + w·mean(x)" in figures(std)[0]["layout"]["yaxis2"]["title"]["text"]
    assert "0.01132" in texts(raw) or "0.0113" in texts(raw)


def test_regression_divergence_banner() -> None:
    at = open_page(PAGE, view="reg", lr_r="0.02")
    assert_clean(at)
    k = next(k for k in range(200) if abs(0.5187406296851574 + (2 - 0.5187406296851574) * (1 - 0.02 * 166.75) ** k) > 1e8)
    assert f"Diverged at step {k}" in texts(at) and "0.01199" in texts(at)
    (fig,) = figures(at)
    assert max(abs(v) for v in fig["layout"]["xaxis2"]["range"]) < 10


# --- robustness ------------------------------------------------------------------------------




@pytest.mark.parametrize("params", [
    {"lr": LR_LADDER[0], "steps": "1"}, {"lr": LR_LADDER[-1], "steps": "200", "x0": "-10"},
    {"view": "2d", "lrs": ["110", "100", "50"], "steps2": "200", "surf": "rastrigin"},
    {"view": "2d", "steps2": "1", "mode": "normalized", "surf": "beale", "lrs": "110"},
    {"view": "reg", "fit": "wb", "lr_r": "110", "steps_r": "200", "w0": "-1", "b0": "3"},
    {"view": "reg", "lr_r": "1e-10", "steps_r": "1"},
])
def test_extreme_settings_still_draw(params: dict) -> None:
    at = open_page(PAGE, **params)
    assert_clean(at)
    assert figures(at)


@pytest.mark.parametrize("params", [
    {"view": "nope"}, {"lr": "0.0123"}, {"lr": "nan"}, {"x0": "1e400"}, {"steps": "-5"}, {"fn": "bogus"},
    {"view": "2d", "surf": "'; DROP"}, {"view": "2d", "lrs": ["7", "x"]}, {"view": "2d", "steps2": "99999"},
    {"view": "2d", "mode": "adam"}, {"view": "reg", "fit": "quadratic"}, {"view": "reg", "w0": "inf"},
    {"view": "2d", "lrs": ["10", "0.1", "1e-10", "0.5"]},
])
def test_absurd_url_parameters_fall_back_silently(params: dict) -> None:
    assert_silent_fallback(open_page(PAGE, **params))





def test_reset_restores_defaults() -> None:
    at = open_page(PAGE, lr="0.5", steps="10")
    at.button[0].click().run()
    assert_clean(at)
    assert at.select_slider(key="lr").value == "0.02" and at.slider(key="steps").value == 100
