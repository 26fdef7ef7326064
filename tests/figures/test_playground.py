"""The playground's loss curves: a mark where a live setting changed, laid out like Live MNIST's."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.figures import marks, theme
from nnviz.figures import playground as figs
from tests.figures.boxes import mark_boxes, overlap

LABELS = figs.CurvesLabels(*(f.upper() for f in "abcdefgh"))
PLOT_PX = theme.height() - 45 - 95  # the figure's height less its top and bottom margins
CHANGES = {"en": [(100, "η = 0.1", "η 0.03 → 0.1"), (120, "batch size = 20", "batch size 10 → 20")],
           "zh": [(100, "η = 0.1", "η 0.03 → 0.1"), (120, "批大小 = 20", "批大小 10 → 20")]}


def curves(n: int, changes: list[marks.Mark], presentation: bool = False) -> dict:
    it = np.arange(0, n + 1, dtype=float)
    fig = figs.curves_figure(it, np.linspace(0.7, 0.2, n + 1), np.linspace(0.72, 0.3, n + 1), [0.1, 0.01, None],
                             LABELS, presentation, changes)
    return fig.to_dict()


@pytest.mark.parametrize("presentation", [False, True])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_two_changes_20_iterations_apart_get_labels_that_do_not_meet(lang: str, presentation: bool) -> None:
    d = curves(130, CHANGES[lang], presentation)
    size = theme.font_size(presentation) - 2
    boxes = mark_boxes(d, panel_px=230, plot_px=PLOT_PX, size=size)
    assert len(boxes) == 2, "both changes labelled"
    assert not overlap(*boxes), boxes
    assert all(0 <= b[0] and b[2] <= 230 for b in boxes), "no label runs out of the loss panel"
    lowest = max(b[3] for b in boxes)
    assert 0.72 / d["layout"]["yaxis"]["range"][1] <= 1 - lowest / PLOT_PX, "the labels sit above both curves"


def test_marks_stand_at_the_change_iterations_on_the_loss_panel() -> None:
    d = curves(300, CHANGES["en"])
    lines = d["layout"]["shapes"]
    assert [(s["x0"], s["x1"], s["xref"], s["line"]["dash"]) for s in lines] == [(100, 100, "x", "dash"),
                                                                              (120, 120, "x", "dash")]
    notes = {a["text"]: a for a in d["layout"]["annotations"] if a.get("xref") == "x"}
    assert {k: a["x"] for k, a in notes.items()} == {"η = 0.1": 100, "batch size = 20": 120}
    assert notes["η = 0.1"]["hovertext"] == "η 0.03 → 0.1"
    assert d["layout"]["xaxis"]["range"] == [0, 300], "the x range the labels were placed in"


def test_without_changes_the_loss_axis_just_clears_the_curves() -> None:
    d = curves(50, [])
    assert "shapes" not in d["layout"] or d["layout"]["shapes"] == []
    assert d["layout"]["yaxis"]["range"] == [0, pytest.approx(1.1 * 0.72)]
    assert [a["text"] for a in d["layout"]["annotations"]] == ["A", "B"], "only the two panel titles"


def test_an_untrained_net_and_a_diverged_loss_still_give_a_range() -> None:
    d = figs.curves_figure(np.array([0.0]), np.array([np.inf]), np.array([np.nan]), [None], LABELS).to_dict()
    assert d["layout"]["yaxis"]["range"] == [0, 1.0] and d["layout"]["xaxis"]["range"] == [0, 1.0]


def test_gradient_bars_are_numbered_under_one_layer_title() -> None:
    """Per layer one bar named by its number (the axis title says "Layer"): "Layer 1 Layer 2 …" as
    categories collided in the narrow right panel at 1280×720."""
    d = curves(10, [])
    bars = next(t for t in d["data"] if t["type"] == "bar")
    assert list(bars["x"]) == ["1", "2", "3"] and bars["y"][:2] == [0.1, 0.01] and bars["y"][2] is None
    assert d["layout"]["xaxis2"]["title"]["text"] == LABELS.layer == "H"
    assert bars["hovertemplate"].startswith("H %{x}")
