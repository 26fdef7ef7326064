"""The Weight-initialisation page through AppTest: the book's histograms in the figure JSON,
controls change the data, presets show what they name, absurd links fall back."""

from __future__ import annotations

import numpy as np
import pytest

from tests.app.conftest import (
    array,
    assert_clean,
    assert_silent_fallback,
    figures,
    open_page,
)

PAGE = "app_pages/init.py"


def bars(fig: dict) -> list[tuple[np.ndarray, np.ndarray]]:
    """(bin centres, share in %) of every histogram panel, in panel order."""
    return [(array(t["x"]), array(t["y"])) for t in fig["data"] if t["type"] == "bar"]


def matrix(value: list | dict) -> np.ndarray:
    """A 2-D trace field (heatmap z), decoding a typed array with its shape."""
    if isinstance(value, dict):
        return array(value).reshape([int(n) for n in str(value["shape"]).split(",")]).astype(float)
    return np.array(value, dtype=float)


def series(fig: dict) -> dict[str, np.ndarray]:
    """Line traces by name (gaps as NaN); in two-panel figures the left panel's names come first."""
    out = {}
    for t in fig["data"]:
        if t["type"] == "scatter":
            key = t["name"] if t["name"] not in out else f"{t['name']} (right)"
            out[key] = np.array([np.nan if v is None else v for v in t["y"]], dtype=float)
    return out


def test_default_is_the_books_sigmoid_std_1_figure_piling_up_at_both_ends() -> None:
    at = open_page(PAGE)
    assert_clean(at)
    (fig,) = figures(at)
    panels = bars(fig)
    assert len(panels) == 5
    for x, share in panels:
        assert x.min() > 0 and x.max() < 1 and len(x) == 30
        assert share.sum() == pytest.approx(100, abs=0.01)
        assert share[0] > 15 and share[-1] > 15, "piles at 0 and 1"
        assert share[5:25].sum() < 25
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert "Layer 1" in titles and "Layer 5" in titles
    assert "1,000 random inputs" in at.caption[0].value


def test_std_001_concentrates_sigmoid_at_one_half() -> None:
    at = open_page(PAGE, std="0.01")
    assert_clean(at)
    for x, share in bars(figures(at)[0]):
        assert share[np.abs(x - 0.5) < 0.05].sum() > 90


def test_tanh_bins_cover_minus_one_to_one() -> None:
    fig = figures(open_page(PAGE, act="tanh"))[0]
    x, share = bars(fig)[0]
    assert x.min() < -0.9 and x.max() > 0.9
    assert fig["layout"]["xaxis"]["range"] == [-1.0, 1.0]
    assert share[x < 0].sum() > 40, "the negative half is visible"


def test_statistics_table_shows_saturation_for_sigmoid_std_1() -> None:
    at = open_page(PAGE)
    table = at.dataframe[0].value
    saturated = table["Saturated"].str.rstrip(" %").astype(float)
    assert (saturated > 40).all(), "about half the units within 0.01 of 0 or 1"
    assert table["Mean"].astype(float).between(0.4, 0.6).all()


def test_relu_zero_bin_can_be_left_out() -> None:
    at = open_page(PAGE, act="relu", scheme="book_he")
    assert_clean(at)
    without = bars(figures(at)[0])
    at.toggle(key="nozero").set_value(False).run()
    assert_clean(at)
    with_zeros = bars(figures(at)[0])
    assert with_zeros[0][1][0] > 45, "half of ReLU's outputs are exactly 0"
    assert without[0][1][0] < with_zeros[0][1][0] - 40
    np.testing.assert_allclose(without[0][1][1:], with_zeros[0][1][1:])
    assert "Exactly 0" in at.dataframe[0].value.columns


def test_changing_layers_and_width_changes_panels_and_samples() -> None:
    at = open_page(PAGE)
    at.slider(key="layers").set_value(20).run()
    at.slider(key="width").set_value(500).run()
    assert_clean(at)
    fig = figures(at)[0]
    assert len(bars(fig)) == 20
    assert "100 input samples" in at.caption[0].value, "deep, wide nets say how many samples they used"
    domains = {tuple(fig["layout"][k]["domain"]) for k in fig["layout"] if k.startswith("yaxis")}
    assert len(domains) == 2, "twenty layers wrap into two rows"


def test_scheme_choice_changes_the_histograms() -> None:
    at = open_page(PAGE)
    before = bars(figures(at)[0])[4][1]
    at.selectbox(key="scheme").set_value("book_xavier").run()
    assert_clean(at)
    after = bars(figures(at)[0])[4][1]
    assert after[0] < 5 < before[0], "Xavier no longer piles at 0"
    assert not [e for e in at.get("select_slider") if e.key == "std"], "the std slider belongs to N(0, std²) only"


def test_backward_view_teaches_both_gradients() -> None:
    at = open_page(PAGE, view="backward", std="0.01")
    assert_clean(at)
    hist, line = figures(at)
    lines = series(line)
    grad_a, grad_z = lines["std ∂L/∂A"], lines["std ∂L/∂Z"]
    assert grad_a[-1] == pytest.approx(1.0, abs=0.05), "the seeded output gradient is standard normal"
    assert (np.diff(grad_a) > 0).all() and grad_a[0] < 1e-5, "small weights: the gradient vanishes towards layer 1"
    np.testing.assert_allclose(grad_z / grad_a, 0.25, atol=0.01, err_msg="σ'(0) = 1/4 passes a quarter of ∂L/∂A")
    assert line["layout"]["yaxis"]["type"] == "log"
    x, share = bars(hist)[0]
    assert share[np.abs(x) < (x[1] - x[0])].sum() > 99, "layer 1 is a spike at 0 on the shared bins"
    at.segmented_control(key="grad").set_value("z").run()
    assert_clean(at)
    assert not np.allclose(bars(figures(at)[0])[4][1], bars(hist)[4][1])


def test_backward_sigmoid_std_1_saturation_cuts_dz_not_da() -> None:
    at = open_page(PAGE, view="backward")
    lines = series(figures(at)[1])
    grad_a, grad_z = lines["std ∂L/∂A"], lines["std ∂L/∂Z"]
    assert 0.7 < grad_a[0] / grad_a[-1] < 1.4, "with n = 100 the large weights keep ∂L/∂A roughly flat"
    assert (grad_z < 0.2 * grad_a).all(), "saturation cuts ∂L/∂Z to about a tenth"


@pytest.mark.parametrize(("preset", "names", "first_bin_at_zero"), [
    ("sigmoid", ["std 1", "std 0.01", "Xavier √(1/n)"], True),
    ("relu", ["std 0.01", "Xavier √(1/n)", "He √(2/n)"], True),
    ("tanh", ["std 1", "std 0.01", "Xavier √(1/n)"], False),
    ("custom", ["std 1", "Xavier √(1/n)", "He √(2/n)"], True),
])
def test_each_preset_shows_the_schemes_it_names(preset: str, names: list[str], first_bin_at_zero: bool) -> None:
    at = open_page(PAGE, view="compare", preset=preset)
    assert_clean(at)
    hist, lines = figures(at)
    assert len(bars(hist)) == 3 * 5, "three schemes × five layers"
    assert list(at.dataframe[0].value["Initial weights"]) == names
    assert [n for n in series(lines) if "(right)" not in n] == names
    assert (hist["layout"]["xaxis"]["range"][0] == 0) == first_bin_at_zero, "sigmoid and ReLU start at 0, tanh at −1"


def test_relu_preset_he_keeps_scale_while_xavier_shrinks_it() -> None:
    at = open_page(PAGE, view="compare", preset="relu")
    lines = series(figures(at)[1])
    he, xavier, small = lines["He √(2/n)"], lines["Xavier √(1/n)"], lines["std 0.01"]
    assert 0.7 < he[-1] / he[0] < 1.4
    assert 0.15 < xavier[-1] / xavier[0] < 0.4, "√(1/n) halves E[A²] per layer: about 2⁻² after four more"
    assert small[-1] / small[0] < 1e-3
    labels = [a["text"] for a in figures(at)[0]["layout"]["annotations"]]
    assert any("He" in text for text in labels)


def test_compare_rows_get_the_same_input() -> None:
    """Same seed, same X: the first layer of std 1 and std 0.01 differ only through the weight scale."""
    at = open_page(PAGE, view="compare", preset="custom", schemes=["std1", "std01"], act="relu")
    assert_clean(at)
    lines = series(figures(at)[1])
    assert lines["std 1"][0] / lines["std 0.1"][0] == pytest.approx(10, rel=1e-4)


def test_compare_needs_two_schemes_and_caps_columns_at_ten() -> None:
    at = open_page(PAGE, view="compare", preset="custom", schemes=["std1"])
    assert_clean(at)
    assert at.info and not figures(at)
    at = open_page(PAGE, view="compare", preset="sigmoid", layers="20")
    assert_clean(at)
    assert len(bars(figures(at)[0])) == 3 * 10
    assert "Showing 1, 3," in at.caption[0].value


def test_symmetry_equal_weights_stay_equal_and_random_ones_do_not() -> None:
    at = open_page(PAGE, view="symmetry")
    assert_clean(at)
    heat, loss = figures(at)
    frames = heat["frames"]
    assert 2 <= len(frames) <= 41 and frames[0]["name"] == "0" and frames[-1]["name"] == "200"
    for frame in frames:
        equal, random = (matrix(t["z"]) for t in frame["data"])
        assert (equal == equal[0]).all(), "every hidden unit is a clone"
    assert np.ptp(random, axis=0).max() > 1
    assert heat["layout"]["sliders"][0]["steps"][-1]["label"] == "200"
    assert at.metric[0].value == "0"
    final = [float(t["y"][-1] if isinstance(t["y"], list) else array(t["y"])[-1]) for t in loss["data"]]
    assert final[0] > 0.1 and final[1] < 1e-3, "clones cannot learn XOR; random weights can"


def test_symmetry_controls_change_the_figure() -> None:
    at = open_page(PAGE, view="symmetry")
    at.slider(key="hidden").set_value(6).run()
    at.slider(key="value").set_value(-0.3).run()
    assert_clean(at)
    heat = figures(at)[0]
    first = matrix(heat["frames"][0]["data"][0]["z"])
    assert first.shape == (6, 3) and (first == -0.3).all()


def test_symmetry_seed_moves_only_the_random_network() -> None:
    at = open_page(PAGE, view="symmetry")
    before = [matrix(t["z"]) for t in figures(at)[0]["data"]]
    at.slider(key="seed").set_value(7).run()
    assert_clean(at)
    after = [matrix(t["z"]) for t in figures(at)[0]["data"]]
    np.testing.assert_array_equal(before[0], after[0])
    assert not np.allclose(before[1], after[1])
    at.slider(key="steps").set_value(20).run()
    assert [f["name"] for f in figures(at)[0]["frames"]] == [str(k) for k in range(21)]


def test_std_link_accepts_any_spelling_of_a_rung() -> None:
    at = open_page(PAGE, std="0.010")
    assert_clean(at)
    assert at.select_slider(key="std").value == "0.01"
    assert bars(figures(at)[0])[0][1][14:16].sum() > 75, "std 0.01 gathers sigmoid around one half"


@pytest.mark.parametrize("params", [
    {"view": "nope"}, {"std": "abc"}, {"std": "1e400"}, {"layers": "999"}, {"width": "-3"}, {"act": "softmax"},
    {"scheme": "'; DROP"}, {"preset": "x", "view": "compare"}, {"schemes": ["bogus", "bogus"], "view": "compare", "preset": "custom"},
    {"grad": "q", "view": "backward"}, {"steps": "1e9", "view": "symmetry"}, {"value": "nan", "view": "symmetry"},
    {"nozero": "maybe", "act": "relu"},
])
def test_absurd_url_parameters_fall_back_silently(params: dict) -> None:
    assert_silent_fallback(open_page(PAGE, **params))


def test_reset_restores_defaults() -> None:
    at = open_page(PAGE, act="tanh", layers="12")
    at.button[0].click().run()
    assert_clean(at)
    assert at.slider(key="layers").value == 5
    assert at.selectbox(key="act").value == "sigmoid"
