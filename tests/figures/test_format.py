"""The one number formatter: significant digits, a real minus sign, NaN and ∞ spelled out, a dash for no number."""

from __future__ import annotations

import math

import pytest

from nnviz.figures.format import fixed, num, percent, printf, vector


@pytest.mark.parametrize(("value", "digits", "text"), [
    (3.14159, 4, "3.142"), (-2.5, 4, "−2.5"), (-0.0, 4, "0"), (1234567.0, 4, "1.235e6"), (-9.7e-08, 2, "−9.7e-8"),
    (5.5332872976654024e16, 4, "5.533e16"), (1e-13, 3, "1e-13"), (math.nan, 4, "NaN"), (math.inf, 4, "∞"), (-math.inf, 4, "−∞"),
    (None, 4, "—"), (2, 4, "2"),
])
def test_num(value: object, digits: int, text: str) -> None:
    assert num(value, digits) == text


def test_vector_and_percent() -> None:
    assert vector([1.5, -4.0]) == "(1.5, −4)"
    assert percent(0.125) == "12.5 %" and percent(None) == "—" and percent(1) == "100.0 %"


@pytest.mark.parametrize(("value", "pattern", "text"), [
    (5.5332872976654024e16, "%.8g", "5.5332873e16"), (1e-13, "%.3g", "1e-13"), (0.65900113888, "%.8e", "0.659001139"),
    (math.nan, "%.8e", "NaN"), (3.0, "%.0f", "3"), (-0.000123, "%.4f", "−0.0001"), (2.5e7, "%.3f", "2.5e7"),
    (0.05, "%.4g", "0.05"), (1.0 / 3, "%d", "0.3333"),
])
def test_printf_patterns_go_through_num(value: float, pattern: str, text: str) -> None:
    """A page asking for "%.8g" gets 8 significant digits from num, never the 17 digits of a raw float."""
    assert printf(value, pattern) == text


def test_fixed() -> None:
    assert fixed(-1.005, 1) == "−1.0" and fixed(0.05, 3) == "0.050" and fixed(None) == "—"
