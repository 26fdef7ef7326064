"""The Loss-functions figures: what they mark and where (values are tested in the lesson)."""

from __future__ import annotations

import math

import numpy as np

from nnviz.data.mnist import load_mnist_subset
from nnviz.figures import losses as figs
from nnviz.figures import theme
from nnviz.lessons import losses as lesson

RESIDUAL = figs.ResidualLabels("loss", "slope", "r")
OUTLIER = figs.OutlierLabels("fit", "pulls", "points", "outlier", "start", "point", "pull")
BATCH = figs.BatchLabels("hist", "spread", "mean", "count", "B", "std", "batches", "normal", "all", "measured",
                         "theory", "yours")


def test_value_text_spells_out_infinities() -> None:
    assert (figs.value_text(math.inf), figs.value_text(-math.inf), figs.value_text(0.5)) == ("∞", "−∞", "0.5")


def test_residual_figure_marks_plus_and_minus_delta_on_both_panels() -> None:
    fig = figs.residual_figure([("Huber", lesson.residual_curve("huber", 0.8))], 0.8, RESIDUAL).to_dict()
    assert sorted((s["x0"], s["xref"]) for s in fig["layout"]["shapes"]) == [(-0.8, "x"), (-0.8, "x2"), (0.8, "x"), (0.8, "x2")]
    assert [t.get("xaxis", "x") for t in fig["data"]] == ["x", "x2"]


def test_outlier_figure_has_one_bar_per_point_and_the_star_only_with_an_outlier() -> None:
    names = ["MSE", "MAE", "Huber"]
    with_outlier = figs.outlier_figure(lesson.outlier_fit((5.5, 9.0), 1.5), names, OUTLIER).to_dict()
    without = figs.outlier_figure(lesson.outlier_fit(None, 1.5), names, OUTLIER).to_dict()
    bars = [t for t in with_outlier["data"] if t["type"] == "bar"]
    assert len(bars) == 3 and bars[0]["x"][-1] == "outlier" and len(bars[0]["x"]) == 12
    assert not [t for t in without["data"] if t.get("name") == "outlier"]
    assert len([t for t in without["data"] if t["type"] == "bar"][0]["x"]) == 11


def test_batch_figure_draws_the_whole_set_loss_and_presentation_is_larger() -> None:
    study = lesson.batch_study(load_mnist_subset)
    hist = lesson.batch_histogram(load_mnist_subset, 10)
    fig = figs.batch_figure(hist, study, BATCH).to_dict()
    line = next(t for t in fig["data"] if t.get("name") == "all")
    assert line["x"] == [study.samples.mean] * 2
    assert fig["layout"]["xaxis2"]["tickvals"] == [1, 10, 100, 1000]  # decades: 1 2 5 10 … crowd a narrow panel
    big = figs.batch_figure(hist, study, BATCH, presentation=True).to_dict()
    size = lambda f: f["layout"]["template"]["layout"]["font"]["size"]  # noqa: E731
    assert size(big) > size(fig)
    assert np.isclose(sum(hist.counts), lesson.BATCHES_DRAWN)


def test_classification_legend_sits_below_the_panels_and_the_figure_grows_for_it() -> None:
    """Seven entries wrap to several rows in Chinese; above the panels they ran into the subplot
    titles, so the legend is pinned to the figure's bottom edge (container coordinates)."""
    labels = figs.ClassificationLabels(*"multi binary p loss ce exact mse one zero yours example".split())
    for presentation in (False, True):
        fig = figs.classification_figure(lesson.classification_curves(False), 0.6, (0.6, 0.51), labels, False,
                                         presentation).to_dict()["layout"]
        assert (fig["legend"]["yref"], fig["legend"]["y"], fig["legend"]["yanchor"]) == ("container", 0, "bottom")
        titles = [a for a in fig["annotations"] if a["text"] in ("multi", "binary")]
        assert len(titles) == 2 and all(a["yanchor"] == "bottom" and a["y"] == 1.0 for a in titles)
        assert fig["height"] == theme.height(presentation) + figs.LEGEND_ROOM
