"""The Optimizers page through AppTest: controls change the figures and tables, presets set what they
say, bad formulas and absurd links are handled, reset works."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from nnviz.core.averaging import ewa, noisy_temperatures
from nnviz.figures.format import num
from tests.app.conftest import (
    array,
    assert_clean,
    assert_silent_fallback,
    figures,
    open_page,
    readings,
)

PAGE = "app_pages/optimizers.py"
ALL = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
SURFACES = ["elongated", "rosenbrock", "beale", "himmelblau", "saddle", "rastrigin", "custom"]
F32 = 1e-6  # map paths are sent as float32


def path_traces(fig: dict) -> dict[str, dict]:
    """Path traces (lines+markers scatter on the first axes) by legend name."""
    return {t["name"]: t for t in fig["data"]
            if t.get("type") == "scatter" and t.get("mode") == "lines+markers" and t.get("xaxis", "x") == "x"}


def xy(trace: dict) -> np.ndarray:
    return np.column_stack([array(trace["x"]), array(trace["y"])])


def code_expanders(at) -> int:  # noqa: ANN001 - an AppTest
    return sum(e.label == "Show the code behind this figure" for e in at.expander)


def test_default_race_shows_the_books_first_sgd_step_and_animates() -> None:
    at = open_page(PAGE)
    assert_clean(at)
    (fig,) = figures(at)
    paths = path_traces(fig)
    assert set(paths) == {"SGD", "Momentum", "AdaGrad", "Adam"}
    sgd = xy(paths["SGD"])
    assert len(sgd) == 31, "30 updates from the start"
    np.testing.assert_allclose(sgd[0], [-7, 2])
    np.testing.assert_allclose(sgd[1], [-6.335, -1.8], atol=F32)
    # Browser-side animation: frames named by step, Play/Pause buttons, a step slider.
    assert fig["frames"] and fig["frames"][-1]["name"] == "30"
    assert len(fig["frames"][0]["data"]) == 4 and len(fig["frames"][0]["data"][0]["x"]) == 1
    assert [b["args"][0] for b in fig["layout"]["updatemenus"][0]["buttons"]][1] == [None]
    assert len(fig["layout"]["sliders"][0]["steps"]) == len(fig["frames"])
    assert code_expanders(at) == 1, "one code viewer for the race and its theory"


def test_book_preset_in_small_multiples_and_first_step_readout() -> None:
    at = open_page(PAGE, view="multiples", steps="5", opts=["adam"], surface="rosenbrock", sgd_lr="0.5")
    at.button(key="book_preset").click().run()
    assert_clean(at)
    assert at.selectbox(key="surface").value == "elongated" and at.slider(key="steps").value == 30
    (fig,) = figures(at)
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert titles == ["SGD (η = 0.95)", "Momentum (η = 0.1)", "AdaGrad (η = 1.5)", "Adam (η = 0.3)"]
    assert len(xy(path_traces(fig)["SGD"])) == 31
    assert any("(-6.335, -1.8)" in m.value for m in at.markdown)


@pytest.mark.parametrize("surface", SURFACES)
def test_every_surface_draws_every_optimizer(surface: str) -> None:
    at = open_page(PAGE, surface=surface, opts=ALL)
    assert_clean(at)
    (fig,) = figures(at)
    assert len(path_traces(fig)) == 6
    assert len(at.dataframe[0].value) == 6


def test_changing_a_learning_rate_changes_the_path() -> None:
    at = open_page(PAGE)
    at.select_slider(key="sgd_lr").set_value("0.5").run()
    assert_clean(at)
    after = xy(path_traces(figures(at)[0])["SGD"])
    np.testing.assert_allclose(after[1], [-7 + 0.5 * 0.7, 2 - 0.5 * 4], atol=F32)


def test_shared_mode_uses_one_rate_for_all() -> None:
    at = open_page(PAGE, mode="shared", lr="0.05")
    assert_clean(at)
    assert list(at.dataframe[0].value["η"]) == ["0.05"] * 4


def test_tuned_mode_shows_the_chosen_rates() -> None:
    at = open_page(PAGE, mode="tuned", opts=["sgd"])
    assert_clean(at)
    (eta,) = readings(at.dataframe[0].value["η"].iloc[:1])
    assert np.isclose(eta, np.logspace(-4, 1, 26), rtol=1e-3).any(), "a rung of the grid, to four digits"
    # On x²/20 + y² the best rate for 30 SGD updates is on the grid just below 2/λmax = 1.
    assert 0.5 < eta < 1.0


def test_noise_is_seeded_and_changes_the_path() -> None:
    clean = xy(path_traces(figures(open_page(PAGE))[0])["SGD"])
    noisy = xy(path_traces(figures(open_page(PAGE, noise="0.5", seed="3"))[0])["SGD"])
    again = xy(path_traces(figures(open_page(PAGE, noise="0.5", seed="3"))[0])["SGD"])
    assert not np.allclose(clean, noisy)
    np.testing.assert_array_equal(noisy, again)


def test_divergence_is_drawn_up_to_the_edge_with_a_note() -> None:
    at = open_page(PAGE, sgd_lr="2", opts=["sgd"], steps="100")
    assert_clean(at)
    assert any("diverged" in w.value for w in at.warning)
    sgd = xy(path_traces(figures(at)[0])["SGD"])
    assert 2 <= len(sgd) < 101, "drawn only until it leaves the window"
    assert np.all(np.abs(sgd[:-1, 1]) <= 5) and abs(sgd[-1, 1]) > 5
    assert "diverged" in at.dataframe[0].value.iloc[0, -1]


def test_race_table_goldens_on_the_book_function() -> None:
    at = open_page(PAGE, opts=["sgd"], tol="1e-2", steps="80")
    table = at.dataframe[0].value
    # SGD η = 0.95: x shrinks by 0.905 per step, y by −0.9: f after 80 steps by hand.
    x, y = -7 * 0.905**80, 2 * (-0.9) ** 80
    assert table.iloc[0, 3] == num(x**2 / 20 + y**2, 4)
    k = next(k for k in range(81) if (-7 * 0.905**k) ** 2 / 20 + (2 * 0.9**k) ** 2 < 1e-2)
    assert table.iloc[0, 2] == str(k)
    assert open_page(PAGE, opts=["sgd"], tol="1e-2").dataframe[0].value.iloc[0, 2] == "—", "not within 30 updates"


def test_the_tolerance_changes_the_race_column() -> None:
    assert open_page(PAGE, opts=["adagrad"]).dataframe[0].value.iloc[0, 2] == "29"
    loose = open_page(PAGE, opts=["adagrad"], tol="1e-2").dataframe[0].value
    assert "1e-2" in loose.columns[2] and int(loose.iloc[0, 2]) < 29


def test_quadratic_insight_for_the_book_function() -> None:
    at = open_page(PAGE, opts=["sgd", "momentum"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Condition number κ"] == "20"
    assert metrics["Best GD rate η*"] == "0.9524"
    table = at.dataframe[1].value
    yours, best = readings(table.iloc[0, 2:4])  # four decimals
    assert yours == pytest.approx(max(abs(1 - 0.95 * 0.1), abs(1 - 0.95 * 2)), abs=5e-5)
    assert best == pytest.approx(19 / 21, abs=5e-5)
    assert list(table.iloc[:, 4]) == ["70 updates", "132 updates"]


def test_only_sgd_and_momentum_get_the_linear_theory() -> None:
    at = open_page(PAGE, opts=["adam"])
    assert len(at.dataframe) == 1 and any("linear theory" in c.value for c in at.caption)


def test_saddle_says_there_is_no_minimum() -> None:
    at = open_page(PAGE, surface="saddle")
    assert_clean(at)
    assert any("saddle" in m.value for m in at.markdown)
    assert not at.metric


def test_show_3d_adds_a_surface() -> None:
    at = open_page(PAGE, surf3d="true")
    assert_clean(at)
    race, surface = figures(at)
    assert [race["data"][0]["type"], surface["data"][0]["type"]] == ["contour", "surface"]
    assert [t["name"] for t in surface["data"][1:]] == ["SGD", "Momentum", "AdaGrad", "Adam"]
    go.Figure(surface)  # the render matrix does not switch the 3-D view on


def test_internals_table_matches_the_update_rule() -> None:
    at = open_page(PAGE, view="internals", inspect="adagrad")
    assert_clean(at)
    table = at.dataframe[0].value
    g = np.array([-0.7, 4.0])
    h = g * g
    rate = 1.5 / (np.sqrt(h) + 1e-7)
    row = table.iloc[0]
    shown = lambda *names: readings([row[n] for n in names])  # noqa: E731 - six significant digits
    np.testing.assert_allclose(shown("g x", "g y"), g, rtol=1e-5)
    np.testing.assert_allclose(shown("h x", "h y"), h, rtol=1e-5)
    np.testing.assert_allclose(shown("ΔW x", "ΔW y"), -rate * g, rtol=1e-5)
    np.testing.assert_allclose(shown("−ΔW/g x", "−ΔW/g y"), rate, rtol=1e-5)
    assert any("frac{\\eta}{\\sqrt{h}" in m.value for m in at.latex), "AdaGrad's rule above the table"


def test_schedule_changes_the_rate_and_the_path() -> None:
    at = open_page(PAGE, view="schedules", step_size="10", gamma="0.5")
    assert_clean(at)
    (fig,) = figures(at)
    scheduled = array(fig["data"][1]["y"])
    np.testing.assert_allclose(scheduled[[0, 9, 10, 19, 20]], [0.95, 0.95, 0.475, 0.475, 0.2375])
    paths = [t for t in fig["data"] if t.get("mode") == "lines+markers"]
    assert not np.allclose(array(paths[0]["x"]), array(paths[1]["x"]))


@pytest.mark.parametrize("sched", ["constant", "multistep", "exponential", "cosine"])
def test_warm_up_ramps_every_schedule(sched: str) -> None:
    at = open_page(PAGE, view="schedules", sched=sched, warmup="5")
    assert_clean(at)
    rates = array(figures(at)[0]["data"][1]["y"])
    np.testing.assert_allclose(rates[:5], 0.95 * np.arange(1, 6) / 5)


def test_multistep_milestones_follow_the_number_of_updates() -> None:
    at = open_page(PAGE, view="schedules", sched="multistep", steps="50")
    assert any("15, 30, 40" in c.value for c in at.caption)
    rates = array(figures(at)[0]["data"][1]["y"])
    np.testing.assert_allclose(rates[[14, 15, 30, 40]], [0.95, 0.475, 0.2375, 0.11875])


def test_averaging_curves_match_the_core() -> None:
    at = open_page(PAGE, view="averaging", days="40")
    assert_clean(at)
    (fig,) = figures(at)
    temps = noisy_temperatures(days=40, seed=0, noise_std=3.0)
    lines = {(t["name"], t.get("xaxis", "x")): array(t["y"]) for t in fig["data"] if t.get("mode") == "lines"}
    np.testing.assert_allclose(lines[("β = 0.9", "x")], ewa(temps, 0.9), atol=1e-4)
    np.testing.assert_allclose(lines[("β = 0.99", "x2")], ewa(temps, 0.99, bias_correction=True), atol=1e-4)
    assert lines[("β = 0.99", "x2")][0] == pytest.approx(temps[0], abs=1e-4)
    day_one = next(m.value for m in at.markdown if m.value.startswith("**Day 1**"))
    assert f"β = 0.9: {0.1 * temps[0]:.3f} → {temps[0]:.3f}" in day_one


def test_no_optimizer_asks_for_one() -> None:
    at = open_page(PAGE)
    at.multiselect(key="opts").set_value([]).run()
    assert_clean(at)
    assert at.info and not figures(at)


@pytest.mark.parametrize("text", ["__import__('os')", "x +* y", "z**2", "log(x) + y"])
def test_bad_or_partly_undefined_formula_keeps_a_figure(text: str) -> None:
    at = open_page(PAGE, surface="custom", fxy=text)
    assert_clean(at)
    assert at.error or at.warning
    assert len(figures(at)) == 1


def test_undefined_formula_says_so() -> None:
    at = open_page(PAGE, surface="custom", fxy="log(-1 - x**2) + y")
    assert_clean(at)
    assert at.error and len(figures(at)) == 1


def test_custom_quadratic_gets_the_insight() -> None:
    at = open_page(PAGE, surface="custom", fxy="x**2 + 4*y**2")
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Condition number κ"] == "4"


def test_custom_quadratic_races_to_its_closed_form_minimum() -> None:
    """f = (x − 1)² + 2y²: f* = 0 at (1, 0), so SGD's first update within ε is where
    f − f* = (x₀ − 1)²(1 − 2η)^2k + 2y₀²(1 − 4η)^2k first drops below ε."""
    at = open_page(PAGE, surface="custom", fxy="(x-1)**2 + 2*y**2", opts=["sgd"], lr="0.1", mode="shared",
                   own_start="true", sx_custom="3", sy_custom="1")
    assert_clean(at)
    gap = [4 * 0.8 ** (2 * k) + 2 * 0.6 ** (2 * k) for k in range(31)]
    want = next(k for k, g in enumerate(gap) if g < 1e-3)
    assert at.dataframe[0].value.iloc[0, 2] == str(want)
    assert not any("f*" in c.value for c in at.caption), "no note that f* is unknown"


@pytest.mark.parametrize(("fxy", "shape"), [("x**2 - y**2", "saddle"), ("-x**2 - 3*y**2", "cap"), ("x**2 + 0*y", "trough")])
def test_quadratic_without_a_minimum_says_so(fxy: str, shape: str) -> None:
    at = open_page(PAGE, surface="custom", fxy=fxy)
    assert_clean(at)
    assert any("not positive definite" in c.value for c in at.caption)
    assert at.dataframe[0].value.iloc[0, 2] == "—"
    assert any(f"**{shape}**" in m.value or (shape == "trough" and "at least one is 0" in m.value)
               for m in at.markdown)


def test_own_start_moves_the_start() -> None:
    at = open_page(PAGE, own_start="true", sx_elongated="3", sy_elongated="-1")
    assert_clean(at)
    np.testing.assert_allclose(xy(path_traces(figures(at)[0])["SGD"])[0], [3, -1])


@pytest.mark.parametrize("params", [
    {"steps": "1e9"}, {"steps": "-3"}, {"noise": "nan"}, {"sgd_lr": "banana"}, {"lr": "1e400"},
    {"opts": ["bogus"]}, {"view": "nope"}, {"surface": "'; DROP"}, {"mode": "x"}, {"adam_eps": "0"},
    {"momentum_momentum": "5"}, {"tol": "7"}, {"inspect": "zzz", "view": "internals"}, {"xr": ["3", "-3"]},
    {"sx_elongated": "1e300", "own_start": "true"}, {"days": "100000", "view": "averaging"},
])
def test_absurd_url_parameters_fall_back_silently(params: dict) -> None:
    assert_silent_fallback(open_page(PAGE, **params))


def test_reset_restores_defaults() -> None:
    at = open_page(PAGE, steps="80", sgd_lr="0.5")
    at.button[0].click().run()
    assert_clean(at)
    assert at.slider(key="steps").value == 30
    assert at.select_slider(key="sgd_lr").value == "0.95"


def test_schedules_open_where_a_schedule_helps() -> None:
    """Small late steps pay off against gradient noise, which the view therefore opens with; without
    noise a decaying rate only slows SGD down on the book's function."""
    finals = lambda at: [float(m.value) for m in at.metric]  # noqa: E731 - constant, scheduled
    constant, scheduled = finals(open_page(PAGE, view="schedules"))
    assert scheduled < constant / 10
    constant, scheduled = finals(open_page(PAGE, view="schedules", noise="0"))
    assert scheduled > constant
