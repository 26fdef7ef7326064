"""The Weight-initialisation figures: histogram grids in % of the values, std lines with gaps,
and the animated symmetry heatmaps on the one animation builder."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest

from nnviz.figures import init as figs
from nnviz.figures.animation import AnimationLabels, frame_steps
from nnviz.lessons import init as lesson

GRID = figs.GridLabels("share", "range", "share", "L{k}")
HIST = figs.LayerHistogramLabels("value", GRID)
COMPARE = figs.CompareHistogramLabels("activation", GRID)
SYMMETRY = figs.SymmetryLabels("equal", "random", "h{j}", "x1", "x2", "out", AnimationLabels("Play", "Pause", "k = "))


def matrix(value: dict | list) -> np.ndarray:
    """A trace field as sent to the browser: a base64 typed array (with its shape), or a list."""
    if isinstance(value, dict):
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        return flat.reshape([int(n) for n in str(value["shape"]).split(",")]) if "shape" in value else flat
    return np.array(value, dtype=float)


def bars(fig) -> list[dict]:
    return [t for t in fig.to_dict()["data"] if t["type"] == "bar"]


def test_layer_columns_keep_both_ends_and_rows_wrap_evenly() -> None:
    assert figs.layer_columns(7) == list(range(7))
    columns = figs.layer_columns(20)
    assert len(columns) == 10 and columns[0] == 0 and columns[-1] == 19 and columns == sorted(set(columns))
    assert [len(r) for r in figs.wrap_rows(list(range(20)))] == [10, 10]
    assert [len(r) for r in figs.wrap_rows(list(range(13)))] == [7, 6]
    assert figs.wrap_rows([1, 2]) == [[1, 2]]


def test_layer_histograms_are_shares_of_the_total_with_one_y_range_per_row() -> None:
    counts = np.array([[1, 3, 0, 0], [0, 2, 2, 0], [0, 0, 0, 4]] * 4)  # 12 layers of 4 values
    hist = lesson.LayerHistograms(counts, np.linspace(-1.0, 1.0, 5))
    fig = figs.layer_histograms_figure(hist, total=4, labels=HIST)
    traces = bars(fig)
    assert len(traces) == 12
    np.testing.assert_allclose(matrix(traces[0]["y"]), [25, 75, 0, 0])
    np.testing.assert_allclose(matrix(traces[0]["x"]), [-0.75, -0.25, 0.25, 0.75])
    assert traces[0]["width"] == pytest.approx(0.5)
    layout = fig.to_dict()["layout"]
    assert [a["text"] for a in layout["annotations"]][:6] == ["L1", "L2", "L3", "L4", "L5", "L6"]
    assert {tuple(layout[f"yaxis{k}"]["range"]) for k in ("", *map(str, range(2, 13)))} == {(0, 108.0)}
    assert len({tuple(layout[f"yaxis{k}"]["domain"]) for k in ("", *map(str, range(2, 13)))}) == 2, "two rows of six"
    assert layout["xaxis"]["tickvals"] == [-1.0, 0.0, 1.0]


@pytest.mark.parametrize(("scale", "layers"), [(3e-9, 5), (1.7e-5, 5), (0.04, 5), (1.0, 5), (12.0, 10), (2.5e3, 10)])
def test_gradient_histograms_read_a_scale_on_three_ticks(scale: float, layers: int) -> None:
    """Gradients are binned over [−m, m] whatever their size: the axis shows −v, 0, v with v a round
    number between 0.35 m and 0.7 m; the labels times the power of ten in the axis title are the ticks."""
    rng = np.random.default_rng(0)
    grads = [scale * rng.standard_normal(500) / (k + 1) for k in range(layers)]
    hist = lesson.symmetric_histograms(grads)
    layout = figs.layer_histograms_figure(hist, total=500, labels=HIST).to_dict()["layout"]
    m = float(np.max(np.abs(np.concatenate(grads))))
    (title,) = [a["text"] for a in layout["annotations"] if a["text"].startswith("value")]  # under the grid
    power = re.fullmatch(r"value(?: \(×10<sup>(−?\d+)</sup>\))?", title)[1]
    unit = 10.0 ** int(power.replace("−", "-")) if power else 1.0
    assert power is not None or 1e-2 < scale < 1e3
    for k in ("", "2", str(layers)):
        axis = layout[f"xaxis{k}"]
        (v0, zero, v), (t0, t_zero, t1) = axis["tickvals"], axis["ticktext"]
        assert (v0, zero) == (-v, 0.0) and 0.35 * m <= v <= 0.7 * m
        assert axis["range"][0] < v0 and v < axis["range"][1]
        assert [float(x.replace("−", "-")) * unit for x in (t0, t1)] == pytest.approx([-v, v], rel=1e-12)
        if layers > 6:  # narrow panels: one digit each side, 0 unlabelled (it would meet them)
            assert t_zero == "" and len(t1) == 1 and t0 == "−" + t1
        else:
            assert t_zero == "0"
        mantissa = v / 10 ** np.floor(np.log10(v))
        assert round(mantissa, 9) in (1, 2, 3, 5)


def test_compare_grid_names_rows_and_titles_only_the_first() -> None:
    runs = [(name, lesson.summarise_init(scheme, "relu", layers=12, width=10, n_samples=20, std=std))
            for name, scheme, std in (("std 1", "normal", 1.0), ("He √(2/n)", "book_he", None))]
    fig = figs.compare_histograms_figure(runs, COMPARE, drop_zero=True)
    traces = bars(fig)
    assert len(traces) == 2 * 10, "twelve layers shown as ten columns"
    texts = [a["text"] for a in fig.to_dict()["layout"]["annotations"]]
    assert "<b>std<br>1</b>" in texts and "<b>He<br>√(2/n)</b>" in texts
    assert [x for x in texts if x.startswith("L")] == [f"L{c + 1}" for c in figs.layer_columns(12)], "first row only"
    assert "L4" not in texts and "L9" not in texts
    zeros_left_out = runs[0][1].activations_nonzero.counts[0] / runs[0][1].values_per_layer * 100
    np.testing.assert_allclose(matrix(traces[0]["y"]), np.round(zeros_left_out, 4))


def test_std_lines_leave_gaps_for_zero_and_non_finite_values() -> None:
    stats = lesson.DepthStats(mean=np.zeros(4), std=np.ones(4), saturated=None, dead=np.zeros(4),
                              grad_std=np.array([1e-3, 0.0, np.nan, 1.0]), grad_z_std=np.array([2e-4, 1e-3, 0.1, 0.25]))
    fig = figs.gradient_std_figure(stats, figs.GradientStdLabels("title", "std", "layer", "dA", "dZ")).to_dict()
    assert fig["data"][0]["y"] == [0.001, None, None, 1.0]
    assert fig["layout"]["yaxis"]["type"] == "log" and fig["layout"]["xaxis"]["range"] == [0.6, 4.4]
    both = figs.compare_std_figure([("a", stats), ("b", stats)], figs.CompareStdLabels("act", "grad", "std", "layer"))
    data = both.to_dict()["data"]
    assert [(t["name"], t.get("xaxis", "x"), t["showlegend"]) for t in data] == [
        ("a", "x", True), ("b", "x", True), ("a", "x2", False), ("b", "x2", False)]


def test_symmetry_heatmaps_animate_on_the_shared_controls() -> None:
    pair = lesson.compare_symmetry(100, 3, 0.2, 4)
    fig = figs.symmetry_figure(pair, SYMMETRY).to_dict()
    steps = frame_steps(100, figs.MAX_FRAMES)
    assert [f["name"] for f in fig["frames"]] == [str(k) for k in steps]
    assert [s["label"] for s in fig["layout"]["sliders"][0]["steps"]] == [str(k) for k in steps]
    play = fig["layout"]["updatemenus"][0]["buttons"][0]
    assert play["args"][1]["frame"]["redraw"] is True, "heatmaps need a redraw per frame"
    last = np.concatenate([pair.random.hidden_weights[-1], pair.random.output_weights[-1][:, None]], axis=1)
    np.testing.assert_allclose(matrix(fig["data"][1]["z"]), np.round(last, 3))
    first = matrix(fig["frames"][0]["data"][0]["z"])
    assert first.shape == (3, 3) and (first == 0.2).all(), "the figure opens on the last step; frame 0 is the start"
    assert fig["data"][0]["y"] == ["h1", "h2", "h3"] and fig["data"][0]["x"] == ["x1", "x2", "out"]
    zmax = max(np.abs(pair.equal.hidden_weights).max(), np.abs(pair.equal.output_weights).max(),
               np.abs(pair.random.hidden_weights).max(), np.abs(pair.random.output_weights).max())
    assert fig["data"][1]["zmax"] == pytest.approx(zmax) and fig["data"][1]["zmin"] == pytest.approx(-zmax)
    assert [t["showscale"] for t in fig["data"]] == [False, True]


def test_loss_figure_draws_both_starts() -> None:
    pair = lesson.compare_symmetry(50, 4, 0.5, 0)
    fig = figs.loss_figure(pair, figs.LossLabels("loss", "step", "L", "equal", "random")).to_dict()
    assert [t["name"] for t in fig["data"]] == ["equal", "random"]
    assert fig["layout"]["yaxis"]["type"] == "log"
