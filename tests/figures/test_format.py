"""The one number formatter: significant digits, a real minus sign, a dash for what is not a number."""

from __future__ import annotations

import math

import pytest

from nnviz.figures.format import num, percent, vector


@pytest.mark.parametrize(("value", "digits", "text"), [
    (3.14159, 4, "3.142"), (-2.5, 4, "−2.5"), (-0.0, 4, "0"), (1234567.0, 4, "1.235e6"), (-9.7e-08, 2, "−9.7e-8"),
    (5.5332872976654024e16, 4, "5.533e16"), (1e-13, 3, "1e-13"), (math.nan, 4, "—"), (math.inf, 4, "—"),
    (None, 4, "—"), (2, 4, "2"),
])
def test_num(value: object, digits: int, text: str) -> None:
    assert num(value, digits) == text


def test_vector_and_percent() -> None:
    assert vector([1.5, -4.0]) == "(1.5, −4)"
    assert percent(0.125) == "12.5 %" and percent(None) == "—" and percent(1) == "100.0 %"
