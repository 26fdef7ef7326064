"""The Live MNIST training page through AppTest: buttons train, views draw, bad settings fall back."""

from __future__ import annotations

import functools
import gzip
import math

import numpy as np
import pytest

from nnviz.data import mnist as mnist_data
from tests.app.conftest import (
    array,
    assert_clean,
    assert_silent_fallback,
    assert_start_pause_continue,
    figures,
    open_page,
)
from tests.data.test_mnist import fake_split, idx_images, idx_labels, specs

PAGE = "app_pages/mnist.py"


@pytest.fixture(autouse=True)
def empty_cache(tmp_path, monkeypatch):
    """No MNIST files cached, and no way out to the network."""
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "mnist"))
    monkeypatch.setattr(mnist_data, "DEFAULT_MIRRORS", ("http://127.0.0.1:9/",))
    return tmp_path / "mnist"


def lab(at, exp: str = "book"):
    return at.session_state[f"_mnist_lab_{exp}"]


def traces(fig: dict, **match: str) -> list[dict]:
    return [tr for tr in fig["data"] if all(tr.get(k) == v for k, v in match.items())]


def texts(at) -> str:
    return " ".join(str(el.value) for el in [*at.markdown, *at.caption, *at.warning, *at.error, *at.success])


def progress_text(at) -> str:
    return at.get("progress")[0].proto.text


def run_until_stopped(at, limit: int = 60, exp: str = "book") -> None:
    for _ in range(limit):
        if not lab(at, exp).running:
            return
        at.run()
    raise AssertionError("training did not stop")


def test_default_view_is_the_untrained_book_network() -> None:
    at = open_page(PAGE)
    assert_clean(at)
    (fig,) = figures(at)
    assert at.button(key="start").label == "Start"
    assert "Epoch 0 / 16 · iteration 0 / 640" in progress_text(at)
    test = traces(fig, name="test")[0]
    assert list(array(test["x"])) == [0] and 0.05 < array(test["y"])[0] < 0.2, "epoch 0: the untrained net guesses"
    chance = [s for s in fig["layout"]["shapes"] if s.get("yref") == "y"][0]
    assert chance["y0"] == pytest.approx(math.log(10)), "chance loss ln 10"
    notes = [a["text"] for a in fig["layout"]["annotations"]]
    assert any("press Start" in n for n in notes)
    assert "97 %" in texts(at) and "784-50-10" in texts(at)
    net = lab(at).nets[0]
    assert [net.params[f"W{i}"].shape for i in (1, 2)] == [(784, 50), (50, 10)]
    assert np.std(net.params["W1"]) == pytest.approx(0.01, rel=0.02)


def test_step_and_epoch_buttons_train() -> None:
    at = open_page(PAGE)
    at.button(key="step").click().run()
    assert_clean(at)
    assert lab(at).iteration == 1
    loss = traces(figures(at)[0], name="each mini-batch")[0]
    assert len(array(loss["y"])) == 1 and array(loss["y"])[0] == pytest.approx(math.log(10), abs=0.01)
    at.button(key="epoch").click().run()
    run_until_stopped(at)
    assert_clean(at)
    assert lab(at).iteration == 40 and "Epoch 1 / 16 · iteration 40 / 640" in progress_text(at)
    fig = figures(at)[0]
    test = traces(fig, name="test")[0]
    assert list(array(test["x"])) == [0, 1]
    assert array(test["y"])[1] == pytest.approx(lab(at).trainers[0].test_acc_history[0])
    assert len(array(traces(fig, name="smoothed")[0]["y"])) == 40


def test_start_pause_and_continue() -> None:
    at = open_page(PAGE, speed="slow")
    assert_start_pause_continue(at, lab)


def test_fast_run_to_the_end_reaches_the_subset_band() -> None:
    at = open_page(PAGE, speed="fast", epochs="4")
    at.button(key="start").click().run()
    run_until_stopped(at, limit=200)
    assert_clean(at)
    assert lab(at).done and at.success and at.button(key="start").disabled
    test = array(traces(figures(at)[0], name="test")[0]["y"])
    assert len(test) == 5 and 0.75 < test[-1] < 0.95


def test_learning_rate_change_mid_run_keeps_progress_and_is_marked() -> None:
    at = open_page(PAGE)
    at.button(key="epoch").click().run()
    run_until_stopped(at)
    weights = lab(at).nets[0].params["W1"].copy()
    at.select_slider(key="lr").set_value("0.01").run()
    assert_clean(at)
    current = lab(at)
    assert current.iteration == 40 and current.trainers[0].optimizer.lr == 0.01
    np.testing.assert_array_equal(current.nets[0].params["W1"], weights)
    marks = [a for a in figures(at)[0]["layout"]["annotations"] if a["text"] == "η = 0.01"]
    assert [(m["x"], m["hovertext"]) for m in marks] == [(40, "η 0.1 → 0.01")], "the new value, old → new on hover"
    assert at.query_params["lr"] in ("0.01", ["0.01"]), "the URL keeps the id"


def test_architecture_change_waits_for_reset() -> None:
    at = open_page(PAGE)
    at.button(key="step").click().run()
    at.select_slider(key="width").set_value("100").run()
    assert_clean(at)
    assert "Reset" in at.warning[0].value and "hidden layers" in at.warning[0].value
    assert lab(at).iteration == 1 and lab(at).nets[0].params["W1"].shape == (784, 50)
    at.button(key="reset_training").click().run()
    assert_clean(at)
    assert lab(at).iteration == 0 and lab(at).nets[0].params["W1"].shape == (784, 100) and not at.warning


def test_untrained_network_follows_settings_without_reset() -> None:
    at = open_page(PAGE)
    at.slider(key="depth").set_value(2).run()
    assert not at.warning and len(lab(at).nets[0].params) == 6


def test_sessions_are_isolated() -> None:
    first, second = open_page(PAGE), open_page(PAGE)
    first.button(key="step").click().run()
    second.run()
    assert lab(first).iteration == 1 and lab(second).iteration == 0
    assert lab(first) is not lab(second)


def test_divergence_stops_with_a_message() -> None:
    at = open_page(PAGE, depth="3", init="1", lr="10", speed="fast")
    at.button(key="start").click().run()
    run_until_stopped(at)
    assert_clean(at)
    assert at.error and "learning rate is too large" in at.error[0].value
    assert figures(at)


def test_the_top_rate_of_the_slider_stops_as_a_runaway_with_cause_and_fix() -> None:
    """Book network, lr 10: the loss stays finite but no better than guessing while the weights explode."""
    at = open_page(PAGE, lr="10", speed="fast")
    at.button(key="start").click().run()
    run_until_stopped(at)
    assert_clean(at)
    assert lab(at).stopped[0] == "runaway"
    assert at.error and "running away" in at.error[0].value and "Lower it" in at.error[0].value and not at.success


def test_init_comparison_overlays_three_networks() -> None:
    at = open_page(PAGE, exp="init")
    assert_clean(at)
    current = lab(at, "init")
    assert [s.init for s in current.specs] == ["0.01", "xavier", "he"]
    assert all(s.hidden == (100, 100, 100, 100) for s in current.specs)
    assert current.trainers[0].optimizer.lr == 0.01
    at.button(key="epoch").click().run()
    run_until_stopped(at, exp="init")
    names = {tr["name"] for tr in figures(at)[0]["data"] if tr.get("showlegend", True)}
    assert {"std 0.01", "Xavier √(1/n)", "He √(2/n)"} <= names
    trained = lab(at, "init").iteration
    at.segmented_control(key="exp").set_value("book").run()
    assert lab(at, "book").iteration == 0, "each experiment has its own run"
    at.segmented_control(key="exp").set_value("init").run()
    assert_clean(at)
    assert lab(at, "init").iteration == trained == 40


def test_layer_statistics_show_the_vanishing_signal() -> None:
    at = open_page(PAGE, exp="init", view="layers")
    assert_clean(at)
    fig = figures(at)[0]
    std = {tr["name"]: array(tr["y"]) for tr in fig["data"] if tr.get("xaxis", "x") == "x"}
    assert std["std 0.01"][3] < 1e-3 < std["Xavier √(1/n)"][3] < std["He √(2/n)"][3]
    assert len(at.dataframe[0].value) == 3 * 5


def test_layer_table_shows_only_what_the_activation_has() -> None:
    relu = open_page(PAGE, view="layers")
    assert_clean(relu)
    table = relu.dataframe[0].value
    assert list(table.columns) == ["Layer", "Mean activation", "Activation std", "Outputs = 0", "Dead units",
                                   "Weight std", "RMS ∂L/∂W"]
    stats = lab(relu).stats[0]
    assert table.iloc[0]["Outputs = 0"] == f"{stats[0].zero_fraction:.1%}" and table.iloc[1]["Outputs = 0"] == "—"
    assert table.iloc[1]["Layer"] == "output" and table.iloc[1]["Weight std"] == f"{stats[1].weight_std:.3g}"
    assert "ReLU outputs<br>that are 0" in [a["text"] for a in figures(relu)[0]["layout"]["annotations"]]
    sigmoid = open_page(PAGE, view="layers", act="sigmoid")
    columns = list(sigmoid.dataframe[0].value.columns)
    assert "Saturated" in columns and "Outputs = 0" not in columns and "Dead units" not in columns
    assert "Saturated<br>|f′| < 0.01" in [a["text"] for a in figures(sigmoid)[0]["layout"]["annotations"]]


def test_the_network_picker_chooses_what_the_init_comparison_shows() -> None:
    at = open_page(PAGE, exp="init", view="predict")
    assert_clean(at)
    probs = lambda: array(traces(figures(at)[0], type="bar")[0]["y"])  # noqa: E731
    he = probs()
    np.testing.assert_allclose(he, lab(at, "init").probabilities(2)[0].round(4))
    at.segmented_control(key="net").set_value("0.01").run()
    assert_clean(at)
    np.testing.assert_allclose(probs(), lab(at, "init").probabilities(0)[0].round(4))
    assert not np.allclose(probs(), he)
    at.segmented_control(key="view").set_value("weights").run()
    assert_clean(at)
    shown = array(figures(at)[0]["data"][0]["z"])
    expected = lab(at, "init").weight_tiles(0).mosaic.round(3)
    np.testing.assert_array_equal(np.isnan(shown), np.isnan(expected.ravel()))
    np.testing.assert_allclose(np.nan_to_num(shown), np.nan_to_num(expected.ravel()))
    at.segmented_control(key="view").set_value("errors").run()
    assert_clean(at)
    title = figures(at)[0]["layout"]["title"]["text"]
    assert f"{lab(at, 'init').test_accuracy(0):.1%}" in title and "Confusion matrix" in title


def test_optimizer_change_mid_run_is_marked() -> None:
    at = open_page(PAGE)
    at.button(key="step").click().run()
    at.selectbox(key="opt").set_value("adam").run()
    assert_clean(at)
    assert type(lab(at).trainers[0].optimizer).__name__ == "Adam" and lab(at).iteration == 1
    assert "→ Adam" in [a["text"] for a in figures(at)[0]["layout"]["annotations"]]


def test_the_init_preset_sets_its_own_defaults() -> None:
    at = open_page(PAGE, exp="init")
    assert "Epoch 0 / 20 · iteration 0 / 800" in progress_text(at)
    assert at.select_slider(key="i_lr").value == "0.01" and "784-100-100-100-100-10" in texts(at)
    assert not any(el.key in ("depth", "width", "init") for el in [*at.slider, *at.select_slider, *at.selectbox])


def test_errors_view_counts_every_test_image() -> None:
    at = open_page(PAGE, view="errors")
    at.button(key="epoch").click().run()
    run_until_stopped(at)
    confusion, mistakes = figures(at)
    cm = np.array(confusion["data"][0]["z"]) if not isinstance(confusion["data"][0]["z"], dict) else None
    cm = lab(at).confusion(0) if cm is None else cm
    assert cm.sum() == 1000 and np.array_equal(cm.sum(axis=1), np.bincount(lab(at).t_test, minlength=10))
    captions = [a["text"] for a in mistakes["layout"]["annotations"] if "→" in a["text"]]
    wrong = lab(at).mistakes(0)[: len(captions)]
    assert captions[0] == f"{lab(at).t_test[wrong[0]]} → {lab(at).predicted(0)[wrong[0]]}"


def test_predict_view_and_next_mistake() -> None:
    at = open_page(PAGE, view="predict", img="7")
    assert_clean(at)
    bars = traces(figures(at)[0], type="bar")[0]
    probs = array(bars["y"])
    assert probs.sum() == pytest.approx(1.0, abs=1e-3)
    assert f"label {lab(at).t_test[7]}" in figures(at)[0]["layout"]["annotations"][0]["text"]
    at.button(key="next_mistake").click().run()
    assert_clean(at)
    i = at.slider(key="img").value
    assert i > 7 and i in set(lab(at).mistakes(0))


def test_download_fails_cleanly_offline(empty_cache) -> None:
    at = open_page(PAGE)
    at.button(key="download").click().run()
    assert_clean(at)
    assert "Could not download" in at.warning[0].value and "no connection" in at.warning[0].value
    assert figures(at) and lab(at).data_id == "subset"
    assert not list(empty_cache.glob("*.gz*")), "no partial file left"
    at.run()
    assert at.warning, "the notice stays"
    at.segmented_control(key="lang").set_value("zh").run()
    assert "无法下载完整 MNIST" in at.warning[0].value


def fake_full_cache(directory) -> dict[str, bytes]:  # noqa: ANN001 - a Path
    """300 + 50 well-formed fake digits under the published file names."""
    directory.mkdir(parents=True)
    (xtr, ttr), (xte, tte) = fake_split(300, 1), fake_split(50, 2)
    bodies = {f.name: gzip.compress(body) for f, body in zip(
        mnist_data.DEFAULT_FILES, (idx_images(xtr), idx_labels(ttr), idx_images(xte), idx_labels(tte)))}
    for name, body in bodies.items():
        (directory / name).write_bytes(body)
    return bodies


def test_cached_full_mnist_can_be_chosen(empty_cache, monkeypatch) -> None:
    """With the fake files' own sizes and MD5s standing in for the published ones."""
    load = functools.partial(mnist_data.load_mnist_with_source, files=specs(fake_full_cache(empty_cache)))
    monkeypatch.setattr(mnist_data, "load_mnist_with_source", load)
    at = open_page(PAGE, data="full")
    assert_clean(at)
    assert not at.get("button") or all(b.key != "download" for b in at.button)
    assert lab(at).data_id == "full" and len(lab(at).t_test) == 50 and lab(at).trainers[0].iters_per_epoch == 3
    at.selectbox(key="data").set_value("subset").run()
    assert lab(at).data_id == "subset" and len(lab(at).t_test) == 1000


def test_a_cache_that_is_not_the_published_mnist_is_refused_in_both_languages(empty_cache) -> None:
    fake_full_cache(empty_cache)
    for lang, words in (("en", "not the published MNIST file"), ("zh", "不是官方发布的 MNIST 文件")):
        at = open_page(PAGE, data="full", lang=lang)
        assert_clean(at)
        assert any(words in w.value for w in at.warning) and lab(at).data_id == "subset"


@pytest.mark.parametrize("params", [
    {"lr": "banana"}, {"lr": "1e9"}, {"epochs": "-5"}, {"epochs": "1e12"}, {"width": "7"}, {"depth": "99"},
    {"exp": "nope"}, {"view": "bogus"}, {"img": "99999"}, {"img": "-1"}, {"speed": "warp"}, {"data": "full"},
    {"seed": "1e9"}, {"act": "softplus"}, {"opt": "lbfgs"}, {"init": "0"}, {"drop": "0.99"}, {"batch": "0"},
    {"sgd_momentum": "5"}, {"exp": "init", "i_lr": "nan"}, {"net": "zzz", "view": "weights", "exp": "init"},
])
def test_absurd_url_parameters_fall_back_silently(params: dict) -> None:
    at = open_page(PAGE, **params)
    assert_silent_fallback(at)
    assert not at.warning
    assert lab(at, "init" if params.get("exp") == "init" else "book").state().total_iters > 0


def test_optimizer_hyper_parameters_come_from_the_registry() -> None:
    at = open_page(PAGE, opt="adam", lr="0.001")
    assert_clean(at)
    opt = lab(at).trainers[0].optimizer
    assert type(opt).__name__ == "Adam" and opt.lr == 0.001 and opt.beta1 == 0.9
    at.slider(key="adam_beta1").set_value(0.5).run()
    assert lab(at).trainers[0].optimizer.beta1 == 0.5


@pytest.mark.parametrize("opt", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_every_optimizer_offers_its_hyper_parameters(opt: str) -> None:
    at = open_page(PAGE, lang="zh", opt=opt)
    assert_clean(at)
    from nnviz.core.optimizer import hyper_params
    names = [hp.name for hp in hyper_params(opt)[1:]]
    keys = {el.key for el in [*at.slider, *at.select_slider]}
    assert {f"{opt}_{n}" for n in names} <= keys
    assert type(lab(at).trainers[0].optimizer).__name__.lower() == opt
