"""Figures of the Live MNIST page: what each builder draws from the lesson's data and its labels."""

from __future__ import annotations

import math
from dataclasses import fields

import numpy as np
import plotly.graph_objects as go
import pytest

from nnviz.figures import marks
from nnviz.figures import mnist as figs
from nnviz.figures import theme
from nnviz.lessons.mnist import Gallery, Prediction, Tiles, tile_mosaic
from tests.figures.boxes import mark_boxes, overlap


def filled(cls: type) -> object:
    """A labels object whose every field reads its own name."""
    return cls(**{f.name: f.name for f in fields(cls)})


def spec(fig: go.Figure) -> dict:
    d = fig.to_dict()
    go.Figure(d)  # valid Plotly
    return d


def loss_line(name: str, n: int, level: float = 2.0) -> figs.LossLine:
    it = np.arange(1, n + 1)
    return figs.LossLine(name, it, np.full(n, level + 0.1), np.full(n, level))


def acc_line(name: str, epochs: int) -> figs.AccuracyLine:
    e = np.arange(epochs + 1)
    return figs.AccuracyLine(name, e, np.linspace(0.1, 0.9, epochs + 1), np.linspace(0.1, 0.8, epochs + 1))


def test_one_net_curves_show_train_and_test_with_chance_guides_and_marks() -> None:
    labels = filled(figs.CurvesLabels)
    d = spec(figs.curves_figure([loss_line("a", 30)], [acc_line("a", 2)], 640, 16, [(20, "η = 0.01", "η 0.1 → 0.01")], labels))
    names = [tr["name"] for tr in d["data"]]
    assert names == ["raw", "smooth", "train", "test"]
    assert {tr.get("xaxis") for tr in d["data"][2:]} == {"x2"}
    guides = [(s["yref"], s["y0"]) for s in d["layout"]["shapes"] if s["line"]["dash"] == "dot"]
    assert guides == [("y", pytest.approx(math.log(10))), ("y2", 0.1)]
    mark = [s for s in d["layout"]["shapes"] if s["line"]["dash"] == "dash"]
    assert [(s["x0"], s["x1"]) for s in mark] == [(20, 20)]
    notes = [a["text"] for a in d["layout"]["annotations"]]
    assert {"loss_title", "acc_title", "chance_loss", "chance_acc", "η = 0.01"} <= set(notes)
    assert "empty" not in notes, "trained: no 'press Start' note"
    assert d["layout"]["xaxis"]["range"] == [0, pytest.approx(640 * 1.02)]
    assert d["layout"]["yaxis"]["range"] == [0, pytest.approx(2.6 / (1 - marks.MARK_ROW))], \
        "ln 10 always in view, and a row for the change label above it"
    assert d["layout"]["xaxis2"]["range"] == [-0.3, 16.3] and d["layout"]["xaxis2"]["dtick"] == 2


def test_several_nets_overlay_their_losses_and_test_accuracies() -> None:
    labels = filled(figs.CurvesLabels)
    lines = [loss_line("std", 0), loss_line("he", 0)]
    d = spec(figs.curves_figure(lines, [acc_line("std", 0), acc_line("he", 0)], 800, 20, [], labels, True))
    shown = [tr["name"] for tr in d["data"] if tr.get("showlegend", True)]
    assert shown == ["std", "he"], "one legend entry per net"
    tests = [tr for tr in d["data"] if tr.get("xaxis") == "x2"]
    assert [tr["name"] for tr in tests] == ["std", "he"] and [tr["legendgroup"] for tr in tests] == ["loss0", "loss1"]
    assert "empty" in [a["text"] for a in d["layout"]["annotations"]], "untrained: the note"


@pytest.mark.parametrize("presentation", [False, True])
def test_learning_rate_changes_20_iterations_apart_get_labels_that_do_not_meet(presentation: bool) -> None:
    changes = [(100, "η = 0.05", ""), (120, "η = 0.01", ""), (140, "η = 0.1", "")]
    d = spec(figs.curves_figure([loss_line("a", 150)], [acc_line("a", 3)], 640, 16, changes,
                                filled(figs.CurvesLabels), presentation))
    size = theme.font_size(presentation) - 2
    boxes = mark_boxes(d, panel_px=230, plot_px=330, size=size)
    assert len(boxes) == 3, "every change labelled"
    assert not any(overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]), boxes
    lowest_label = 1 - marks.MARK_ROW * 2 - 1.3 * size / 330
    assert 2.6 / d["layout"]["yaxis"]["range"][1] <= lowest_label, "the rows sit above every curve and ln 10"


def test_a_change_far_from_the_others_shares_the_top_row_and_hangs_inside_the_panel() -> None:
    changes = [(100, "η = 0.05", ""), (120, "η = 0.01", ""), (630, "η = 1", "")]
    d = spec(figs.curves_figure([loss_line("a", 150)], [acc_line("a", 3)], 640, 16, changes,
                                filled(figs.CurvesLabels)))
    boxes = mark_boxes(d, panel_px=230, plot_px=330, size=theme.font_size() - 2)
    assert len({round(b[1]) for b in boxes}) == 2, "two rows for three labels"
    assert not any(overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]), boxes
    assert all(0 <= b[0] and b[2] <= 230 for b in boxes), "no label runs out of the panel"


def test_changes_crowding_more_than_the_rows_keep_the_newest_labels_and_every_line() -> None:
    changes = [(100 + 5 * k, f"η {k}", "") for k in range(5)]
    d = spec(figs.curves_figure([loss_line("a", 150)], [acc_line("a", 3)], 640, 16, changes,
                                filled(figs.CurvesLabels)))
    assert len([s for s in d["layout"]["shapes"] if s["line"]["dash"] == "dash"]) == 5
    shown = [a["text"] for a in d["layout"]["annotations"] if a.get("xref") == "x"]
    assert sorted(shown) == ["η 2", "η 3", "η 4"]


def test_a_high_loss_raises_the_axis() -> None:
    d = spec(figs.curves_figure([loss_line("a", 5, level=4.0)], [acc_line("a", 0)], 10, 1, [],
                                filled(figs.CurvesLabels)))
    assert d["layout"]["yaxis"]["range"][1] == pytest.approx(4.4)


def test_confusion_colours_stop_at_the_largest_mistake() -> None:
    cm = np.diag([90, 80, 70]) + np.array([[0, 5, 0], [2, 0, 0], [0, 9, 0]])
    d = spec(figs.confusion_figure(cm, filled(figs.ConfusionLabels)))
    heat = d["data"][0]
    assert heat["zmax"] == 9 and heat["x"] == ["0", "1", "2"]
    assert d["layout"]["title"]["text"] == "confusion_title" and d["layout"]["yaxis"]["autorange"] == "reversed"
    assert spec(figs.confusion_figure(np.diag([5, 5]), filled(figs.ConfusionLabels)))["data"][0]["zmax"] == 1


@pytest.mark.parametrize(("truth", "colour", "hatch"), [(3, theme.OKABE_ITO[2], ""), (1, theme.OKABE_ITO[1], "/")])
def test_prediction_colours_the_guess_and_outlines_the_truth(truth: int, colour: str, hatch: str) -> None:
    probs = np.full(10, 0.02)
    probs[3] = 0.82
    p = Prediction(7, np.zeros((28, 28)), probs, truth, 3)
    d = spec(figs.prediction_figure(p, filled(figs.PredictionLabels)))
    bar = d["data"][1]["marker"]
    assert bar["color"][3] == colour and bar["pattern"]["shape"][3] == hatch
    assert bar["line"]["width"] == [3 if k == truth else 0 for k in range(10)]
    mark = d["layout"]["annotations"][-1]
    assert mark["text"] == "true_mark" and mark["x"] == str(truth)


def test_digit_captions_sit_under_their_tiles() -> None:
    images = np.zeros((8, 28, 28))
    tiles = Tiles(tile_mosaic(images, cols=6, gap=9), 8, 6, 28, 9)
    gallery = Gallery(tiles, np.arange(8), np.arange(8)[::-1], 30)
    d = spec(figs.digits_figure(gallery, filled(figs.MistakesLabels)))
    captions = d["layout"]["annotations"]
    assert [a["text"] for a in captions][:2] == ["0 → 7", "1 → 6"]
    seventh = captions[7]  # row 1, column 1
    assert (seventh["x"], seventh["y"]) == (37 + 14 - 0.5, 37 + 28 + 0.5)
    assert d["layout"]["yaxis"]["range"] == [2 * 37 - 9 + 9 - 0.5, -0.5]


def test_weight_tiles_use_the_diverging_scale() -> None:
    tiles = Tiles(np.array([[-1.0, np.nan], [0.5, 1.0]]), 1, 1, 2, 1)
    d = spec(figs.weights_figure(tiles, filled(figs.WeightsLabels)))
    heat = d["data"][0]
    assert (heat["zmin"], heat["zmax"]) == (-1, 1) and heat["colorbar"]["ticktext"] == ["neg", "0", "pos"]


def test_layer_bars_leave_gaps_for_missing_numbers() -> None:
    bars = [figs.LayerBars("a", ["l1", "l2"], [0.5, math.nan], [None, 1e-3], [0.4, 0.6]),
            figs.LayerBars("b", ["l1", "l2"], [0.2, 0.1], [1e-2, 1e-3], [None, 0.5])]
    d = spec(figs.layers_figure(bars, filled(figs.LayersLabels)))
    assert len(d["data"]) == 6
    assert d["data"][0]["y"] == [0.5, None] and d["data"][1]["y"] == [None, 1e-3]
    assert [tr.get("xaxis", "x") for tr in d["data"][:3]] == ["x", "x2", "x3"]
    assert d["layout"]["yaxis2"]["type"] == "log" and d["layout"]["yaxis3"]["tickformat"] == ".0%"
    assert [a["text"] for a in d["layout"]["annotations"]] == ["act_std_title", "grad_title", "off_title"]
    single = spec(figs.layers_figure(bars[:1], filled(figs.LayersLabels)))
    assert not any(tr["showlegend"] for tr in single["data"]), "one net: no legend"
