"""The classification playground through AppTest: live training with the shared engine, presets,
URL state, both languages and bad links."""

from __future__ import annotations

import numpy as np

from nnviz.lessons.playground import Playground
from tests.app.conftest import (
    array,
    assert_clean,
    assert_silent_fallback,
    assert_start_pause_continue,
    figures,
    open_page,
)

PAGE = "app_pages/playground.py"


def lab(at) -> Playground:  # noqa: ANN001 - an AppTest
    return at.session_state["_playground_lab"]


def heat(at) -> np.ndarray:  # noqa: ANN001
    return array(next(tr for tr in figures(at)[0]["data"] if tr["type"] == "heatmap")["z"])


def test_default_is_an_untrained_net_on_two_circles() -> None:
    at = open_page(PAGE)
    assert_clean(at)
    assert at.button(key="start").label == "Start"
    assert lab(at).setup.dataset == "circles" and lab(at).setup.hidden == (4, 4)
    assert len(figures(at)) == 3
    units = [tr for tr in figures(at)[1]["data"] if tr["type"] == "heatmap"]
    assert len(units) == 8, "two hidden layers of four units, one map each"


def test_step_trains_and_redraws_the_boundary() -> None:
    at = open_page(PAGE)
    before = heat(at)
    at.button(key="step").click().run()
    assert_clean(at)
    assert lab(at).iteration == 1
    assert not np.array_equal(before, heat(at))


def test_start_pause_and_continue() -> None:
    at = open_page(PAGE, speed="slow")
    assert_start_pause_continue(at, lab)


def test_a_run_to_the_end_learns_xor() -> None:
    at = open_page(PAGE, data="xor", speed="fast", epochs="80")
    at.button(key="start").click().run()
    for _ in range(400):
        if not lab(at).running:
            break
        at.run()
    assert_clean(at)
    assert lab(at).done and at.success
    assert lab(at).readout().train_acc >= 0.97


def trained_a_little(at, ticks: int = 2):  # noqa: ANN001, ANN201 - an AppTest, its lab
    at.button(key="start").click().run()
    for _ in range(ticks):
        at.run()
    at.button(key="pause").click().run()
    assert lab(at).iteration > 0
    return lab(at)


def test_rate_and_optimizer_changes_go_on_from_the_current_weights() -> None:
    at = open_page(PAGE, speed="slow")
    first = trained_a_little(at)
    done, weights = first.iteration, {k: v.copy() for k, v in first.net.params.items()}
    at.select_slider(key="lr").set_value("0.1").run()
    at.selectbox(key="opt").set_value("momentum").run()
    at.select_slider(key="batch").set_value("20").run()
    assert_clean(at)
    assert lab(at) is first and first.iteration == done and not at.toast
    trainer = first.trainers[0]
    assert type(trainer.optimizer).__name__ == "Momentum" and trainer.optimizer.lr == 0.1
    assert trainer.batch_size == 20
    for key, value in weights.items():
        np.testing.assert_array_equal(first.net.params[key], value)
    note = at.info[0].value
    assert f"At iteration {done}" in note and "η 0.03 → 0.1" in note and "Adam → Momentum" in note
    assert "fresh state" in note
    at.button(key="step").click().run()
    assert lab(at) is first and first.iteration == done + 1


def change_marks(at) -> tuple[list[float], list[str]]:  # noqa: ANN001
    """The dashed lines' iterations and the labels on the loss curve."""
    layout = figures(at)[2]["layout"]
    lines = [s["x0"] for s in layout.get("shapes", []) if s["line"]["dash"] == "dash"]
    return lines, [a["text"] for a in layout["annotations"] if a.get("xref") == "x"]


def test_live_changes_are_marked_on_the_loss_curve_in_both_languages() -> None:
    at = open_page(PAGE, speed="slow")
    assert change_marks(at) == ([], [])
    done = trained_a_little(at).iteration
    at.select_slider(key="lr").set_value("0.1").run()
    at.select_slider(key="batch").set_value("20").run()
    at.slider(key="epochs").set_value(200).run()
    assert_clean(at)
    assert change_marks(at) == ([done], ["η = 0.1, batch size = 20"]), \
        "one mark for the changes of one pause, none for the planned epochs"
    at.button(key="step").click().run()
    at.select_slider(key="lr").set_value("0.3").run()
    lines, texts = change_marks(at)
    assert lines == [done, done + 1] and sorted(texts) == ["η = 0.1, batch size = 20", "η = 0.3"]
    at.segmented_control(key="lang").set_value("zh").run()
    assert_clean(at)
    assert sorted(change_marks(at)[1]) == ["η = 0.1、批大小 = 20", "η = 0.3"]


def test_an_architecture_change_starts_again_and_says_why() -> None:
    at = open_page(PAGE, speed="slow")
    first = trained_a_little(at)
    at.slider(key="depth").set_value(3).run()
    assert_clean(at)
    assert lab(at) is not first and lab(at).iteration == 0 and lab(at).setup.hidden == (4, 4, 4)
    assert "you changed the hidden layers" in at.info[0].value and "iteration 0" in at.info[0].value
    assert at.toast and "hidden layers" in at.toast[0].value
    at.button(key="step").click().run()
    assert not any("you changed" in box.value for box in at.info), "the note goes once training goes on"


def test_untrained_setup_changes_need_no_note() -> None:
    at = open_page(PAGE)
    at.selectbox(key="act").set_value("relu").run()
    assert lab(at).setup.activation == "relu" and not at.info and not at.toast
    first = trained_a_little(at)
    at.slider(key="seed").set_value(3).run()
    assert lab(at) is not first and "you changed the data" in at.info[0].value


def test_per_layer_widths() -> None:
    at = open_page(PAGE, depth="3", w1="8", w3="2")
    assert_clean(at)
    assert lab(at).setup.hidden == (8, 4, 2)
    assert [lab(at).net.params[f"W{i}"].shape[1] for i in (1, 2, 3, 4)] == [8, 4, 2, 2]
    assert any("in → 8 → 4 → 2 → 2" in c.value for c in at.caption)
    units = [tr for tr in figures(at)[1]["data"] if tr["type"] == "heatmap"]
    assert len(units) == 14, "one map per hidden unit, each layer with its own count"
    at.button(key="step").click().run()
    bars = next(tr for tr in figures(at)[2]["data"] if tr["type"] == "bar")
    assert len(bars["x"]) == 4, "three hidden layers and the output layer"
    at.number_input(key="w2").set_value(6).run()
    assert lab(at).setup.hidden == (8, 6, 2) and lab(at).iteration == 0


def test_the_common_width_moves_the_layers_without_their_own_and_old_links_keep_their_meaning() -> None:
    at = open_page(PAGE, depth="3", width="8")
    assert lab(at).setup.hidden == (8, 8, 8) and "w1" not in at.query_params
    at.number_input(key="w2").set_value(3).run()
    assert lab(at).setup.hidden == (8, 3, 8) and at.query_params["w2"] in ("3", ["3"])
    at.slider(key="width").set_value(5).run()
    assert lab(at).setup.hidden == (5, 3, 5) and at.query_params["w2"] in ("3", ["3"]), "the link says what is shown"
    assert "w1" not in at.query_params and "w3" not in at.query_params
    at.button(key="btn_xor_hidden").click().run()
    assert lab(at).setup.hidden == (4,)


def test_presets_set_the_controls() -> None:
    at = open_page(PAGE)
    at.button(key="btn_xor_linear").click().run()
    assert_clean(at)
    assert lab(at).setup.dataset == "xor" and lab(at).setup.hidden == ()
    assert at.info and len(figures(at)) == 2
    at.button(key="btn_overfit_l2").click().run()
    setup = lab(at).setup
    assert setup.n_train == 30 and setup.hidden == (8, 8) and len(setup.features) == 7
    assert lab(at).live.l2 == 0.03


def test_a_preset_leaves_exactly_its_own_state_in_the_link() -> None:
    """An old link's numbers leave the URL, a layer box that is no longer drawn (w3) included; what the
    preset sets off its default appears."""
    at = open_page(PAGE, noise="0.3", n="50", depth="3", w1="7", w3="2")
    assert lab(at).setup.hidden == (7, 4, 2)
    at.button(key="btn_square").click().run()
    assert_clean(at)
    assert dict(at.query_params) == {"data": "square"}
    at.button(key="btn_overfit").click().run()
    assert dict(at.query_params) == {"noise": "0.25", "n": "30", "width": "8", "epochs": "300",
                                     "feat": ["x", "y", "x2", "y2", "xy", "sinx", "siny"]}
    at.button(key="btn_square").click().run()
    assert dict(at.query_params) == {"data": "square"} and lab(at).setup.hidden == (4, 4)


def test_a_preset_clears_a_layer_width_of_a_link_that_never_drew_its_box() -> None:
    at = open_page(PAGE, w3="2", w4="3")
    at.button(key="btn_square").click().run()
    assert dict(at.query_params) == {"data": "square"}
    at.slider(key="depth").set_value(4).run()
    assert lab(at).setup.hidden == (4, 4, 4, 4), "the preset's widths, not the old link's"
    assert not {"w3", "w4"} & set(at.query_params)


def test_link_with_every_control() -> None:
    at = open_page(PAGE, data="spirals", noise="0.1", n="100", seed="4", feat=["x", "sinx"], depth="3", width="5",
                   act="relu", opt="sgd", lr="0.3", l2="0.001", batch="20", epochs="50", test="false")
    assert_clean(at)
    setup, live = lab(at).setup, lab(at).live
    assert (setup.dataset, setup.noise, setup.n_train, setup.seed) == ("spirals", 0.1, 100, 4)
    assert setup.features == ("x", "sinx") and setup.hidden == (5, 5, 5) and setup.activation == "relu"
    assert (live.optimizer, live.batch, live.epochs, live.lr, live.l2) == ("sgd", 20, 50, 0.3, 0.001)
    names = {tr.get("name") for tr in figures(at)[0]["data"]}
    assert "Class 0 (test)" not in names and "Class 0 (train)" in names


def test_chinese_and_presentation() -> None:
    at = open_page(PAGE, lang="zh", present=True)
    assert_clean(at)
    assert at.title[0].value == "分类游乐场"
    assert at.button(key="start").label == "开始"
    assert "类别 0（训练）" in {tr.get("name") for tr in figures(at)[0]["data"]}


def test_bad_parameters_fall_back_silently() -> None:
    assert_silent_fallback(open_page(PAGE, data="torus", act="cubic", depth="99", lr="banana", feat="z",
                                     w1="banana", w2="99"))


def test_no_feature_uses_x_and_y() -> None:
    at = open_page(PAGE)
    at.multiselect(key="feat").set_value([]).run()
    assert_clean(at)
    assert at.info and lab(at).setup.features == ("x", "y")



def test_a_huge_rate_runs_to_the_end_cleanly() -> None:
    """Cross-entropy is bounded (the book's δ = 1e-7), so η = 10 kills ReLU units instead of overflowing."""
    at = open_page(PAGE, opt="sgd", lr="10", act="relu", depth="4", width="8", speed="fast", epochs="10")
    at.button(key="start").click().run()
    for _ in range(100):
        if not lab(at).running:
            break
        at.run()
    assert_clean(at)
    assert lab(at).done and len(figures(at)) == 3
    assert lab(at).readout().train_acc <= 0.6, "the dead network guesses"


def test_reset_to_defaults_brings_back_two_layers_of_four() -> None:
    at = open_page(PAGE, depth="3", width="6", w2="2")
    assert lab(at).setup.hidden == (6, 2, 6)
    at.button[0].click().run()
    assert_clean(at)
    assert lab(at).setup.hidden == (4, 4)
    at.slider(key="depth").set_value(3).run()
    assert lab(at).setup.hidden == (4, 4, 4), "no layer keeps a width of the old link"


def test_reset_clears_the_width_of_a_layer_no_longer_drawn() -> None:
    at = open_page(PAGE, depth="3", w3="2")
    at.slider(key="depth").set_value(2).run()
    assert at.query_params["w3"] in ("2", ["2"]), "a hidden layer keeps its width in the link until reset"
    at.button[0].click().run()
    assert "w3" not in at.query_params and "depth" not in at.query_params
