"""The Overfitting and regularisation page through AppTest: every view trains live, pauses, and
follows its controls; bad links fall back silently."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from nnviz.core.search import SearchSpace
from tests.app.conftest import (
    array,
    assert_clean,
    assert_silent_fallback,
    assert_start_pause_continue,
    figures,
    open_page,
)

PAGE = "app_pages/regularization.py"


def lab(at, view: str = "overfit"):
    return at.session_state[f"_reg_lab_{view}"]


def texts(at) -> str:
    return " ".join(str(el.value) for el in [*at.markdown, *at.caption, *at.warning, *at.success])


def run_until_stopped(at, view: str, limit: int = 80) -> None:
    for _ in range(limit):
        if not lab(at, view).running:
            return
        at.run()
    raise AssertionError("training did not stop")


def traces(fig: dict, name: str) -> list[dict]:
    return [tr for tr in fig["data"] if tr.get("name") == name]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_is_the_books_overfitting_experiment(lang: str) -> None:
    at = open_page(PAGE, lang=lang)
    assert_clean(at)
    net = lab(at).nets[0]
    assert [net.params[f"W{i}"].shape[1] for i in range(1, 8)] == [100] * 6 + [10]
    assert len(lab(at).x_train) == 300 and lab(at).setup.epochs == 200 and lab(at).trainers[0].optimizer.lr == 0.01
    (fig,) = figures(at)
    assert "784-100-100-100-100-100-100-10" in texts(at)
    assert fig["layout"]["xaxis"]["range"][1] >= 200
    if lang == "zh":
        assert "过拟合" in texts(at) or "过拟合" in str(at.title[0].value)


def test_epoch_button_draws_train_test_and_the_gap() -> None:
    at = open_page(PAGE, n="100", depth="2", width="50", epochs="20")
    at.button(key="epoch").click().run()
    run_until_stopped(at, "overfit")
    assert_clean(at)
    assert lab(at).iteration == 1  # 100 images, batch 100: one update an epoch
    fig = figures(at)[0]
    (train,), (test,) = traces(fig, "train"), traces(fig, "test")
    assert test["fill"] == "tonexty"  # the gap is the area between the two
    history = lab(at).trainers[0]
    np.testing.assert_allclose(array(test["y"])[1:], history.test_acc_history, atol=1e-4)
    np.testing.assert_allclose(array(train["y"])[1:], history.train_acc_history, atol=1e-4)
    gap = history.train_acc_history[-1] - history.test_acc_history[-1]
    assert any(f"{gap * 100:.1f}".replace("-", "−") in a["text"] for a in fig["layout"]["annotations"])


def test_start_pause_continue_in_bounded_ticks() -> None:
    at = open_page(PAGE, speed="slow", n="100", depth="1", width="20", epochs="10")
    assert_start_pause_continue(at, lab)
    at.button(key="start").click().run()
    run_until_stopped(at, "overfit")
    assert lab(at).done and at.success


def test_weight_decay_view_compares_two_nets_and_splits_the_loss() -> None:
    at = open_page(PAGE, view="decay", lam="0.3", n="100", depth="2", width="20", epochs="10")
    assert_clean(at)
    assert [v.weight_decay for v in lab(at, "decay").variants] == [0.0, 0.3]
    at.button(key="epoch").click().run()
    run_until_stopped(at, "decay")
    assert_clean(at)
    curves, weights = figures(at)
    assert len(curves["data"]) == 4 and len(weights["data"]) == 2
    for tr in weights["data"]:
        assert array(tr["y"]).sum() == pytest.approx(1.0, abs=1e-3)
    split = lab(at, "decay").loss_split(1)
    assert "½λΣW²" in texts(at) and f"{split.cross_entropy:.3g}" in texts(at)


def test_dropout_view_shows_the_next_steps_masks() -> None:
    at = open_page(PAGE, view="dropout", ratio="0.3", n="100", depth="3", width="50", epochs="10")
    assert_clean(at)
    curves, masks = figures(at)
    expected = lab(at, "dropout").next_masks(1)
    assert expected.shape == (3, 50)
    np.testing.assert_array_equal(array(masks["data"][0]["z"]).reshape(3, 50), expected.astype(int))
    assert masks["layout"]["title"]["text"] == "Units kept by update 1"
    assert masks["layout"]["title"]["subtitle"]["text"].endswith(f"· {100 * expected.mean():.1f} % kept")
    assert "1/(1 − p) = 1.43" in texts(at)


def test_a_setting_change_after_training_waits_for_reset() -> None:
    at = open_page(PAGE, n="100", depth="1", width="20", epochs="10")
    at.button(key="step").click().run()
    at.select_slider(key="width").set_value("50").run()
    assert_clean(at)
    assert at.warning and "Reset" in at.warning[0].value
    assert lab(at).nets[0].params["W1"].shape == (784, 20)
    at.button(key="reset_training").click().run()
    assert lab(at).nets[0].params["W1"].shape == (784, 50) and lab(at).iteration == 0
    at.slider(key="epochs").set_value(20).run()
    assert not at.warning and lab(at).setup.epochs == 20, "the number of epochs is live"


@pytest.mark.parametrize("params", [{"view": "nonsense"}, {"n": "7"}, {"lam": "banana"}, {"width": "3"},
                                    {"view": "decay", "lam": "-1"}])
def test_unknown_url_values_fall_back_silently(params: dict[str, str]) -> None:
    at = open_page(PAGE, **params)
    assert_silent_fallback(at)


def test_presentation_mode_draws_larger() -> None:
    at = open_page(PAGE, present=True, view="decay")
    assert_clean(at)
    plain = open_page(PAGE, view="decay")
    for big, small in zip(figures(at), figures(plain)):
        assert big["layout"]["height"] > small["layout"]["height"]
        assert big["layout"]["template"]["layout"]["font"]["size"] > small["layout"]["template"]["layout"]["font"]["size"]


def test_batchnorm_view_draws_one_panel_per_scale() -> None:
    at = open_page(PAGE, view="batchnorm", grid="4")
    assert_clean(at)
    bn = lab(at, "batchnorm")
    assert [v.init_std for v in bn.variants[::2]] == pytest.approx(np.logspace(0, -4, 4).tolist())
    assert [v.batchnorm for v in bn.variants[:2]] == [False, True]
    assert "BatchNorm1" in bn.nets[1].layers and "BatchNorm1" not in bn.nets[0].layers
    fig = figures(at)[0]  # before Start: every net's untrained accuracy as a marker, and the hint
    assert "press Start" in fig["layout"]["title"]["subtitle"]["text"]
    assert len(fig["data"]) == 8 and all(tr["mode"] == "lines+markers" and array(tr["y"]).size == 1 for tr in fig["data"])
    assert array(fig["data"][0]["y"])[0] == pytest.approx(bn.curves(1).train[0], abs=1e-4)
    at.button(key="epoch").click().run()
    run_until_stopped(at, "batchnorm")
    assert_clean(at)
    fig, _ = figures(at)
    assert "subtitle" not in fig["layout"]["title"]
    assert len(fig["data"]) == 8 and {tr["yaxis"] for tr in fig["data"]} == {"y", "y2", "y3", "y4"}
    first = [tr for tr in fig["data"] if tr["yaxis"] == "y"]
    np.testing.assert_allclose(array(first[0]["y"])[1:], bn.trainers[1].train_acc_history, atol=1e-4)
    assert "1" in [a["text"] for a in fig["layout"]["annotations"]]


def test_search_view_scores_trials_and_narrows_the_range() -> None:
    at = open_page(PAGE, view="search", trials="10", sseed="2")
    assert_clean(at)
    search = lab(at, "search")
    assert len(search.trials) == 10 and len(search.x_val) == 100 and len(search.x_fit) == 400
    assert all(1e-6 <= tr.lr <= 1e-2 and 1e-8 <= tr.weight_decay <= 1e-4 for tr in search.trials)
    assert at.button(key="narrow").disabled
    search.finish()
    at.run()
    assert_clean(at)
    scatter, curves = figures(at)
    assert scatter["layout"]["xaxis"]["type"] == "log" and scatter["layout"]["yaxis"]["type"] == "log"
    np.testing.assert_allclose(np.sort(array(scatter["data"][1]["customdata"])), np.sort(search.scores()), atol=1e-4)
    assert len(curves["data"]) == 5
    expected = search.narrowed()
    at.button(key="narrow").click().run()
    assert_clean(at)
    second = lab(at, "search")
    assert second is not search and second.space == expected and second.iteration == 0
    assert all(expected.lr.low <= np.log10(tr.lr) <= expected.lr.high for tr in second.trials)
    at.button(key="book_ranges").click().run()
    assert lab(at, "search").space == SearchSpace()


def test_batchnorm_view_shows_each_layers_activations_with_and_without_it() -> None:
    at = open_page(PAGE, view="batchnorm", grid="4", hstd="0.0022")
    assert_clean(at)
    bn = lab(at, "batchnorm")
    _, hist = figures(at)
    bars = [tr for tr in hist["data"] if tr["type"] == "bar"]
    assert len(bars) == 10, "five hidden layers, without and with batch norm"
    for row, k in ((bars[:5], 5), (bars[5:], 4)):  # std 0.0022, the third scale: with batch norm (5) first
        expected = bn.probe_histograms(k)
        for layer, tr in enumerate(row):
            np.testing.assert_allclose(array(tr["y"]), 100 * expected.counts[layer] / expected.per_layer, atol=1e-3)
    (link,) = at.get("page_link")
    assert link.proto.page == "init"
    assert link.proto.query_string == "act=relu&scheme=normal&std=0.003&layers=5&width=100"
    at.select_slider(key="hstd").set_value("1").run()
    assert_clean(at)
    assert "std=1&" in at.get("page_link")[0].proto.query_string


@pytest.mark.parametrize(("lang", "grid"), [("en", "4"), ("zh", "4"), ("en", "16")])
def test_a_net_killed_by_its_initial_scale_is_not_told_to_lower_the_rate(lang: str, grid: str) -> None:
    at = open_page(PAGE, view="batchnorm", grid=grid, lang=lang)
    bn = lab(at, "batchnorm")
    while bn.iteration < 8:  # std 1 (and 0.54) without batch norm overflow within a few updates; the twins train
        bn.advance(max_iters=8)
    at.run()
    assert_clean(at)
    blamed = [k for k in range(len(bn.variants)) if bn.scale_blamed(k)]
    assert blamed == ([0] if grid == "4" else [0, 2]) and bn.stopped[1] is None
    (banner,) = at.error  # one banner for all of them
    if lang == "en":
        assert "Batch norm is the cure" in banner.value and "learning rate is too large" not in banner.value
        assert ("std 1:" if grid == "4" else "std 1, 0.54:") in banner.value
    else:
        assert "批归一化才是解药" in banner.value and "学习率太大" not in banner.value


def test_a_diverging_net_of_the_books_runs_still_hears_about_the_rate() -> None:
    at = open_page(PAGE, n="100", depth="1", width="20", epochs="10")
    lab(at).trainers[0]._failure = ("nonfinite_loss", "test")  # noqa: SLF001 - the state a NaN loss leaves
    at.run()
    assert "learning rate is too large" in at.error[0].value


def test_full_mnist_is_used_once_cached(tmp_path, monkeypatch) -> None:
    """A fake full set in a temporary cache: refused as it is (not the published files), used once
    its own sizes and MD5s stand in for the published ones."""
    from nnviz.data import mnist as mnist_data
    from nnviz.lessons.mnist import shared_data
    from tests.app.test_mnist_page import fake_full_cache
    from tests.data.test_mnist import specs

    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "mnist"))
    bodies = fake_full_cache(tmp_path / "mnist")
    shared_data.cache_clear()
    try:
        at = open_page(PAGE, n="100", depth="1", width="20", epochs="10")
        assert len(lab(at).x_test) == 1000 and "shipped subset" in texts(at)
        load = functools.partial(mnist_data.load_mnist_with_source, files=specs(bodies))
        monkeypatch.setattr(mnist_data, "load_mnist_with_source", load)
        at = open_page(PAGE, n="100", depth="1", width="20", epochs="10")
        assert_clean(at)
        assert len(lab(at).x_test) == 50 and "full MNIST" in texts(at) and "all 50 test digits" in texts(at)
    finally:
        shared_data.cache_clear()
