"""The Gradients page through AppTest: controls change the figures, presets set what they say, goldens are
shown, bad input and absurd URLs are handled, reset works."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.surfaces import SURFACES
from nnviz.lessons.gradients import GRID
from tests.app.conftest import (
    array,
    assert_clean,
    assert_silent_fallback,
    figures,
    open_page,
)

PAGE = "app_pages/gradients.py"


def traces(fig: dict, name: str) -> list[dict]:
    return [t for t in fig["data"] if t.get("name") == name]


def arrows(fig: dict, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Start points and vectors of the arrows in the shaft trace ``name`` (x, y, dx, dy to the head base)."""
    shaft = next(t for t in traces(fig, name) if "fill" not in t)
    x, y = array(shaft["x"]).reshape(-1, 3), array(shaft["y"]).reshape(-1, 3)
    return x[:, 0], y[:, 0], x[:, 1] - x[:, 0], y[:, 1] - y[:, 0]


def drawn_surface(fig: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y and Z of the 3-D surface (the first trace), Z with rows following y."""
    surface = fig["data"][0]
    x, y = array(surface["x"]), array(surface["y"])
    return x, y, array(surface["z"]).reshape(len(y), len(x))


def window_grid(span: float) -> tuple[np.ndarray, np.ndarray]:
    """The grid the page evaluates f on: GRID points per side over ±span (the figure rounds x and y)."""
    side = np.linspace(-span, span, GRID)
    return np.meshgrid(side, side)


def text_on_page(at) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption] + [m.value for m in at.latex]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def test_mountain_default_shows_the_notes_partials() -> None:
    at = open_page(PAGE)
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["∂f/∂x"] == "−3" and metrics["∂f/∂y"] == "4" and metrics["|∇f(P)|"] == "5"
    surface, slices = figures(at)
    assert slices["layout"]["annotations"][0]["text"].endswith("∂f/∂x = −3")
    tangent = traces(slices, "Tangent at P")[0]
    tx, ty = array(tangent["x"]), array(tangent["y"])
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(-3.0)


def test_moving_p_moves_the_slices_and_their_tangents() -> None:
    at = open_page(PAGE, surface="bowl", px="3", py="4")
    assert_clean(at)
    slices = figures(at)[1]
    tangents = traces(slices, "Tangent at P")
    slopes = [(array(t["y"])[1] - array(t["y"])[0]) / (array(t["x"])[1] - array(t["x"])[0]) for t in tangents]
    assert slopes == pytest.approx([6.0, 8.0])
    assert "6.00000000000378" in text_on_page(at) and "7.99999999999912" in text_on_page(at)
    at.slider(key="px").set_value(-1.0).run()
    assert_clean(at)
    slices = figures(at)[1]
    first = traces(slices, "Tangent at P")[0]
    assert (array(first["y"])[1] - array(first["y"])[0]) / (array(first["x"])[1] - array(first["x"])[0]) == pytest.approx(-2.0)


def test_switching_surface_moves_p_to_its_start() -> None:
    at = open_page(PAGE)
    at.selectbox(key="surface").set_value("elongated").run()
    assert_clean(at)
    assert (at.slider(key="px").value, at.slider(key="py").value) == (-7.0, 2.0)
    at.selectbox(key="surface").set_value("saddle").run()
    assert_clean(at)
    assert (at.slider(key="px").value, at.slider(key="py").value) == (1.8, 0.05)


def test_direction_slider_turns_u_and_snaps_to_the_gradient() -> None:
    at = open_page(PAGE, view="directional", theta="0")
    assert_clean(at)
    _, _, dx, dy = arrows(figures(at)[0], "u (chosen direction)")
    assert dy[0] == pytest.approx(0.0) and dx[0] > 0
    at.button(key="btn_snap_up").click().run()
    assert_clean(at)
    theta = at.slider(key="theta").value
    assert theta == pytest.approx(np.degrees(np.arctan2(4, -3)), abs=0.05)
    direction, g_slice = figures(at)
    assert "slope at P = 5" in g_slice["layout"]["title"]["text"]
    polar = next(t for t in direction["data"] if t.get("name") == "D_u f(θ)")
    assert array(polar["r"]).max() == pytest.approx(10.0, abs=1e-3)  # |∇f| + |∇f| at the peak
    at.button(key="btn_snap_level").click().run()
    assert "slope at P = " in figures(at)[1]["layout"]["title"]["text"]
    assert abs(float(figures(at)[1]["layout"]["title"]["text"].split("= ")[-1].replace("−", "-"))) < 1e-2


def test_directional_readout_has_live_numbers() -> None:
    at = open_page(PAGE, view="directional", theta="90")
    assert_clean(at)
    page = text_on_page(at)
    assert "= (−3)(0) + (4)(1)" in page  # u = (cos 90°, sin 90°), no 6e−17 noise
    assert r"= 5\cdot\cos 36.9^\circ = 4" in page  # |∇f| cos α = g_y along +y
    assert "10⁻⁵: **4**" in page  # the limit-definition check


def test_snap_down_points_u_along_minus_the_gradient() -> None:
    at = open_page(PAGE, view="directional")
    at.button(key="btn_snap_down").click().run()
    assert_clean(at)
    assert at.slider(key="theta").value == pytest.approx(np.degrees(np.arctan2(-4, 3)) % 360, abs=0.05)
    assert "slope at P = −5" in figures(at)[1]["layout"]["title"]["text"]


def test_at_a_critical_point_every_direction_is_flat() -> None:
    at = open_page(PAGE, view="directional", surface="bowl", px="0", py="0", theta="45")
    assert_clean(at)
    assert any("critical point" in i.value for i in at.info)
    assert "slope at P = 0" in figures(at)[1]["layout"]["title"]["text"]


def test_span_sets_the_window_of_a_typed_surface() -> None:
    at = open_page(PAGE, surface="custom", fxy="x*y", span="2")
    assert_clean(at)
    x, y, _ = drawn_surface(figures(at)[0])
    assert (x[0], x[-1], y[0], y[-1]) == (-2.0, 2.0, -2.0, 2.0)
    at.slider(key="span").set_value(5.0).run()
    x, _, _ = drawn_surface(figures(at)[0])
    assert (x[0], x[-1]) == (-5.0, 5.0)


def test_book_figure_preset() -> None:
    at = open_page(PAGE, view="field", book="true")
    assert_clean(at)
    (fig,) = figures(at)
    x, y, dx, dy = arrows(fig, "−∇f")
    assert len(x) == 18 * 18 - 1  # np.arange(−2, 2.5, 0.25)², minus the zero arrow at the origin
    assert set(np.round(np.unique(x), 4)) == set(np.round(np.arange(-2, 2.5, 0.25), 4)) - set()
    assert np.all(dx * x + dy * y < 0), "the book draws the negative gradient: every arrow points inwards"
    assert fig["layout"]["xaxis"]["range"] == [-2.0, 2.0] and fig["layout"]["yaxis"]["range"] == [-2.0, 2.0]
    assert fig["layout"]["yaxis"]["scaleanchor"] == "x"


def test_field_controls_change_the_arrows() -> None:
    at = open_page(PAGE, view="field", surface="bowl")
    x, y, dx, dy = arrows(figures(at)[0], "−∇f")
    assert len(x) == 17 * 17 - 1 and np.all(dx * x + dy * y < 0)
    at.segmented_control(key="sign").set_value("up").run()
    at.slider(key="density").set_value(9).run()
    assert_clean(at)
    x, y, dx, dy = arrows(figures(at)[0], "+∇f")
    assert len(x) == 9 * 9 - 1 and np.all(dx * x + dy * y > 0)
    lengths = np.hypot(dx, dy)
    assert lengths.max() / lengths.min() > 3
    at.segmented_control(key="length").set_value("unit").run()
    _, _, dx, dy = arrows(figures(at)[0], "+∇f")
    np.testing.assert_allclose(np.hypot(dx, dy), np.hypot(dx, dy)[0], rtol=1e-4)  # 5-decimal JSON


def test_field_arrow_at_p_is_perpendicular_to_the_level_curve() -> None:
    at = open_page(PAGE, view="field")
    assert_clean(at)
    assert "90.0°" in text_on_page(at)
    fig = figures(at)[0]
    _, _, dx, dy = arrows(fig, "Arrow at P")
    level = traces(fig, "Tangent of the level curve")[0]
    lx, ly = np.diff(array(level["x"]))[0], np.diff(array(level["y"]))[0]
    cosine = (dx[0] * lx + dy[0] * ly) / (np.hypot(dx[0], dy[0]) * np.hypot(lx, ly))
    assert cosine == pytest.approx(0.0, abs=1e-4), "at right angles (to 0.01°), up to the figure's 5-decimal rounding"
    # The field opens on a minimum (x²/20 + y²), so −∇f points in towards it: −∇f(−7, 2) = (0.7, −4).
    along = np.array([dx[0], dy[0]]) @ np.array([0.7, -4.0]) / (np.hypot(dx[0], dy[0]) * np.hypot(0.7, 4.0))
    assert along == pytest.approx(1.0, abs=1e-6)


def test_lab_opens_on_a_function_whose_central_difference_has_a_truncation_error() -> None:
    """The caption promises a truncation branch of slope 2; the book's quadratic has f‴ = 0 and none."""
    at = open_page(PAGE, view="lab")
    assert_clean(at)
    (fig,) = figures(at)
    central = next(t for t in fig["data"] if t.get("name") == "Central · float64")
    h, err = array(central["x"]), array(central["y"])
    big = (h >= 1e-2) & (h <= 1e-1)
    slope = np.polyfit(np.log10(h[big]), np.log10(err[big]), 1)[0]
    assert slope == pytest.approx(2.0, abs=0.1)


def test_lab_shows_book_goldens_and_the_step_marker_follows_h() -> None:
    at = open_page(PAGE, view="lab", fn="book")
    assert_clean(at)
    golden = at.dataframe[1].value
    assert list(golden.iloc[:, 1]) == list(golden.iloc[:, 2]) == ["0.1999999999990898", "0.2999999999986347"]
    assert at.dataframe[0].value.iloc[1, 2] == "0.1999999999990898"
    (fig,) = figures(at)
    assert fig["layout"]["shapes"][0]["x0"] == pytest.approx(1e-4)
    names = {t.get("name") for t in fig["data"]}
    assert {"Forward · float64", "Central · float64", "Forward · float32", "Central · float32"} <= names
    h = array(next(t for t in fig["data"] if t.get("name") == "Central · float64")["x"])
    assert h[0] == pytest.approx(1e-16) and h[-1] == 1.0
    at.slider(key="logh").set_value(-12.0).run()
    assert figures(at)[0]["layout"]["shapes"][0]["x0"] == pytest.approx(1e-12)
    at.segmented_control(key="fn").set_value("exp").run()
    assert_clean(at)
    assert len(figures(at)) == 1


def test_examples_show_notes_and_our_values_agreeing() -> None:
    at = open_page(PAGE, view="examples")
    assert_clean(at)
    tables = [d.value for d in at.dataframe]
    assert len(tables) == 3
    for table in tables:
        assert set(table.iloc[:, 3]) == {"✓"}
    ours = "\n".join("\n".join(t.iloc[:, 2]) for t in tables)
    for golden in ("(−3, 4)", "5", "6.00000000000378", "7.999999999999119", "1.1111111111111112"):
        assert golden in ours


def test_example_button_opens_the_mountain_in_the_directional_view() -> None:
    at = open_page(PAGE, view="examples")
    at.button(key="btn_mountain").click().run()
    assert_clean(at)
    assert at.segmented_control(key="view").value == "directional"
    assert (at.slider(key="px").value, at.slider(key="py").value) == (1.5, -1.0)
    assert "slope at P = 5" in figures(at)[1]["layout"]["title"]["text"]
    at = open_page(PAGE, view="examples")
    at.button(key="btn_bowl").click().run()
    assert_clean(at)
    assert at.selectbox(key="surface").value == "bowl"
    assert (at.slider(key="px").value, at.slider(key="py").value) == (3.0, 4.0)
    assert {m.label: m.value for m in at.metric}["∂f/∂x"] == "6"


@pytest.mark.parametrize("key", ["mountain", "rosenbrock", "rastrigin"])
def test_typed_preset_draws_the_same_surface(key: str) -> None:
    coded = figures(open_page(PAGE, surface=key))[0]
    span = max(abs(v) for v in (*SURFACES[key].xlim, *SURFACES[key].ylim))
    typed = figures(open_page(PAGE, surface="custom", fxy=SURFACES[key].formula, span=str(span)))[0]
    x, _, z_typed = drawn_surface(typed)
    X, Y = window_grid(span)
    np.testing.assert_allclose(x, X[0], atol=1e-4)
    np.testing.assert_allclose(z_typed, SURFACES[key].f(X, Y), atol=1e-3, rtol=1e-6)
    assert coded["data"][0]["type"] == typed["data"][0]["type"] == "surface"


@pytest.mark.parametrize("text", ["x +* y", "log(", "__import__('os')", "z**2", "x**(10**100)"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_formula_shows_message_and_keeps_a_figure(text: str, lang: str) -> None:
    at = open_page(PAGE, lang=lang, surface="custom", fxy=text)
    assert_clean(at)
    assert at.error
    assert len(figures(at)) == 2


def test_bad_formula_keeps_the_last_good_surface() -> None:
    at = open_page(PAGE, surface="custom")
    at.text_input(key="fxy").set_value("x*y").run()
    at.text_input(key="fxy").set_value("x*y +").run()
    assert_clean(at)
    assert at.error
    _, _, Z = drawn_surface(figures(at)[0])
    X, Y = window_grid(3.0)
    np.testing.assert_allclose(Z, X * Y, atol=1e-5)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_formula_undefined_at_p_warns_and_still_draws(lang: str) -> None:
    at = open_page(PAGE, lang=lang, surface="custom", fxy="log(x) + y", px="-1", py="0")
    assert_clean(at)
    assert at.warning and not at.error
    assert len(figures(at)) == 2
    at = open_page(PAGE, lang=lang, view="directional", surface="custom", fxy="1/(x - 1)", px="1", py="0")
    assert_clean(at)
    assert at.warning and len(figures(at)) == 2


def test_formula_that_overflows_on_part_of_the_grid_warns() -> None:
    at = open_page(PAGE, view="field", surface="custom", fxy="exp(x*y*100)", span="3", px="0", py="0")
    assert_clean(at)
    assert at.warning and figures(at)


def test_formula_undefined_everywhere_keeps_the_last_drawable_surface() -> None:
    at = open_page(PAGE, surface="custom")
    at.text_input(key="fxy").set_value("x - y").run()
    at.text_input(key="fxy").set_value("log(-x^2 - y^2 - 1)").run()
    assert_clean(at)
    assert at.error
    _, _, Z = drawn_surface(figures(at)[0])
    X, Y = window_grid(3.0)
    np.testing.assert_allclose(Z, X - Y, atol=1e-5)


@pytest.mark.parametrize("params", [
    {"px": "1e400"}, {"px": "nan"}, {"py": "-99"}, {"view": "nope"}, {"surface": "bogus"},
    {"view": "field", "density": "-3"}, {"view": "directional", "theta": "inf"}, {"view": "lab", "logh": "5"},
    {"view": "lab", "fn": "tan"}, {"surface": "custom", "span": "0"}, {"view": "field", "book": "maybe"},
    {"view": "field", "sign": "sideways", "length": "x"}, {"surface": ["bowl", "saddle"]},
])
def test_absurd_url_parameters_fall_back_silently(params: dict) -> None:
    assert_silent_fallback(open_page(PAGE, **params))


def test_reset_restores_defaults() -> None:
    at = open_page(PAGE, surface="elongated", px="-7", py="2")
    at.button[0].click().run()
    assert_clean(at)
    assert at.selectbox(key="surface").value == "mountain"
    assert (at.slider(key="px").value, at.slider(key="py").value) == (1.5, -1.0)
