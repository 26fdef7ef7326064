"""Figures of the regularisation page: what each builder draws from the lesson's data."""

from __future__ import annotations

import numpy as np

from nnviz.figures import regularization as figs
from nnviz.figures import theme
from nnviz.figures.init import CompareHistogramLabels, GridLabels
from nnviz.lessons.regularization import ActivationHistograms, Curves, Histograms
from tests.app.conftest import array

GAP = figs.GapLabels("epoch", "accuracy", "train", "test", "gap", "press Start")


def curves(train: list[float], test: list[float]) -> Curves:
    return Curves(np.arange(len(train)), np.array(train), np.array(test))


def test_gap_figure_shades_between_train_and_test_and_labels_the_gap() -> None:
    runs = [("plain", curves([0.1, 0.9, 1.0], [0.1, 0.7, 0.8])), ("λ", curves([0.1, 0.6, 0.7], [0.1, 0.5, 0.6]))]
    spec = figs.gap_figure(runs, 200, GAP).to_dict()
    names = [tr["name"] for tr in spec["data"]]
    assert names == ["plain · train", "plain · test", "λ · train", "λ · test"]
    assert [tr.get("fill") for tr in spec["data"]] == [None, "tonexty", None, "tonexty"]
    notes = [a["text"] for a in spec["layout"]["annotations"]]
    assert notes == ["gap 20.0 %", "gap 10.0 %"]
    assert spec["layout"]["xaxis"]["range"][1] >= 200


def test_gap_figure_before_training_says_what_to_do() -> None:
    spec = figs.gap_figure([("n", curves([0.1], [0.09]))], 50, GAP).to_dict()
    assert [a["text"] for a in spec["layout"]["annotations"]] == ["press Start"]


def test_mask_figure_has_one_row_per_layer() -> None:
    masks = np.array([[True, False, True], [False, False, True]])
    spec = figs.mask_figure(masks, figs.MaskLabels("t", "s", "unit", "layer {n}", "kept", "dropped")).to_dict()
    (heat,) = spec["data"]
    assert heat["y"] == ["layer 1", "layer 2"]
    assert heat["customdata"].tolist() == [["kept", "dropped", "kept"], ["dropped", "dropped", "kept"]]


def test_batchnorm_grid_has_a_panel_per_scale() -> None:
    c = curves([0.1, 0.5], [0.1, 0.4])
    labels = figs.GridLabels("epoch", "training accuracy", "with", "without", "initial std", "press Start")
    spec = figs.batchnorm_grid_figure([1.0, 0.1, 0.01, 0.001, 1e-4], [(c, c)] * 5, 20, labels).to_dict()
    assert len(spec["data"]) == 10 and {tr["yaxis"] for tr in spec["data"]} == {"y", "y2", "y3", "y4", "y5"}
    assert sum(tr["showlegend"] for tr in spec["data"]) == 2
    assert "0.001" in [a["text"] for a in spec["layout"]["annotations"]] and spec["layout"]["title"]["text"] == "initial std"
    assert spec["layout"]["xaxis5"]["domain"][0] == spec["layout"]["xaxis"]["domain"][0]  # 4 columns, then a new row


def test_batchnorm_grid_before_training_marks_epoch_0_and_says_press_start() -> None:
    c = curves([0.1], [0.1])
    labels = figs.GridLabels("epoch", "training accuracy", "with", "without", "initial std", "press Start")
    spec = figs.batchnorm_grid_figure([1.0, 0.01], [(c, curves([0.3], [0.1]))] * 2, 20, labels).to_dict()
    assert spec["layout"]["title"]["text"] == "initial std" and spec["layout"]["title"]["subtitle"]["text"] == "press Start"
    assert all(tr["mode"] == "lines+markers" and not tr["cliponaxis"] for tr in spec["data"])
    assert [list(array(tr["y"])) for tr in spec["data"][:2]] == [[0.3], [0.1]]  # with batch norm first


def test_activation_rows_draw_each_layer_in_percent_of_all_its_outputs() -> None:
    counts = np.array([[10, 30], [0, 5]])
    hist = ActivationHistograms(counts, np.array([0.0, 1.0, 2.0]), np.array([60, 95]), np.array([0, 0]), 100)
    text = CompareHistogramLabels("activation", GridLabels("share (%)", "range", "share", "layer {k}"))
    spec = figs.activation_rows_figure([("without", hist), ("with", hist)], text).to_dict()
    bars = spec["data"]
    assert len(bars) == 4 and [list(array(b["y"])) for b in bars[:2]] == [[10.0, 30.0], [0.0, 5.0]]
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert "layer 1" in titles and "layer 2" in titles and "<b>without</b>" in titles


def test_search_scatter_uses_log_axes_and_rings_the_best() -> None:
    labels = figs.SearchLabels("trials", "lr", "λ", "val", "best", "epoch", "trial")
    scores = np.array([0.2, np.nan, 0.9])
    spec = figs.search_figure(np.array([1e-5, 1e-4, 1e-3]), np.array([1e-7, 1e-6, 1e-5]), scores, [2], labels).to_dict()
    assert spec["layout"]["xaxis"]["type"] == spec["layout"]["yaxis"]["type"] == "log"
    pending, done, ring = spec["data"]
    assert len(array(pending["x"])) == 1 and len(array(done["x"])) == 2 and list(array(ring["x"])) == [1e-3]


def test_weight_histogram_steps_over_the_bin_centres() -> None:
    hist = Histograms(np.array([-1.0, 0.0, 1.0]), (np.array([0.25, 0.75]),))
    spec = figs.weights_figure(hist, ["n"], figs.WeightsLabels("w", "weight", "share")).to_dict()
    assert list(array(spec["data"][0]["x"])) == [-0.5, 0.5]
    assert list(array(spec["data"][0]["y"])) == [0.25, 0.75]


def label_px(text: str, size: int) -> float:
    """A generous width of a tick label of digits in px (Plotly's sans-serif digits are about 0.55 em)."""
    return 0.6 * size * len(text)


def test_batchnorm_grid_ticks_stay_few_and_apart_on_a_projector() -> None:
    """The 16 panels of the presentation grid at their narrowest (1280×720): each labels at most
    three ticks a side, neighbouring labels of a panel stand two label widths apart, and one
    panel's last epoch keeps clear of the next panel's 0."""
    c = curves([0.1, 0.5, 0.9], [0.1, 0.4, 0.8])
    labels = figs.GridLabels("epoch", "training accuracy", "with", "without", "initial std", "press Start")
    scales = [10 ** (-k / 4) for k in range(16)]
    spec = figs.batchnorm_grid_figure(scales, [(c, c)] * 16, 20, labels, presentation=True).to_dict()
    lay, size = spec["layout"], theme.font_size(True)
    plot_height = lay["height"] - lay["margin"]["t"] - lay["margin"]["b"]
    shown = [(name, lay[name]) for name in lay if name[1:5] == "axis" and lay[name].get("showticklabels")]
    assert {name[0] for name, _ in shown} == {"x", "y"}
    for name, axis in shown:
        ticks = axis.get("tickvals")
        assert axis.get("tickmode") == "array" and ticks is not None and len(ticks) <= 3, (name, axis)
        span = axis["range"][1] - axis["range"][0]
        (low, high) = axis["domain"]
        if name[0] == "x":
            px = [(v - axis["range"][0]) / span * (high - low) * figs.GRID_NARROW_PX for v in ticks]
            texts = [f"{v:g}" for v in ticks]
            for a, b, ta, tb in zip(px, px[1:], texts, texts[1:]):
                assert b - a >= 2 * max(label_px(ta, size), label_px(tb, size)), (name, ticks)
        else:
            px = [(v - axis["range"][0]) / span * (high - low) * plot_height for v in ticks]
            assert min(b - a for a, b in zip(px, px[1:])) >= 2 * size, (name, ticks)
    bottom = sorted((axis["domain"] for name, axis in shown if name[0] == "x"))
    for (_, right_end), (next_start, _) in zip(bottom, bottom[1:]):
        gap = (next_start - right_end) * figs.GRID_NARROW_PX
        assert gap - label_px("20", size) / 2 - label_px("0", size) / 2 >= size / 3, "neighbouring epoch labels touch"
