"""The activation curves figure: saturation is shaded (and keyed in the legend) only where there is some."""

from __future__ import annotations

import pytest

from nnviz.core.expr import parse
from nnviz.figures import activations as figs
from nnviz.lessons import activations as lesson

LABELS = figs.FunctionsLabels("f", "f'", "tangent", "saturated")


def shaded(fig) -> tuple[list[tuple[float, float]], bool]:  # noqa: ANN001
    layout = fig.to_dict()["layout"]
    rects = sorted({(s["x0"], s["x1"]) for s in layout.get("shapes", []) if s["type"] == "rect"})
    return rects, any(t.get("name") == "saturated" for t in fig.to_dict()["data"])


@pytest.mark.parametrize("text", ["x*sigmoid(x)", "x*tanh(log(1 + exp(x)))"])
def test_swish_and_mish_have_no_band_at_their_minimum(text: str) -> None:
    curve = lesson.curve(lesson.custom_activation(parse(text)), (-6.0, 6.0))
    assert shaded(figs.functions_figure([figs.Named(text, curve)], (-6.0, 6.0), LABELS)) == ([], False)


def test_sigmoid_shades_both_tails() -> None:
    curve = lesson.builtin_curve("sigmoid", (-10.0, 10.0))
    rects, keyed = shaded(figs.functions_figure([figs.Named("σ", curve)], (-10.0, 10.0), LABELS))
    assert keyed and len(rects) == 2 and rects[0][0] == -10.0 and rects[1][1] == 10.0
