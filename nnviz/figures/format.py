"""Numbers for reading: one way to print a value anywhere in the app (charts, captions, tables, metrics)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

MINUS = "−"
MISSING = "—"
NOT_A_NUMBER = "NaN"
INFINITY = "∞"
PRINTF = re.compile(r"%\.(\d+)([efg])")


def _real(value: object) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def num(value: object, digits: int = 4) -> str:
    """``digits`` significant digits, a true minus sign, a short exponent (9.7e-8, 1.2e+16 → 1.2e16);
    NaN and ±∞ spelled out (a naive softmax gives NaN, a divergent run ∞), — for what is no number."""
    v = _real(value)
    if v is None:
        return MISSING
    if math.isnan(v):
        return NOT_A_NUMBER
    if math.isinf(v):
        return INFINITY if v > 0 else MINUS + INFINITY
    mantissa, _, exponent = f"{v + 0.0:.{digits}g}".partition("e")
    mantissa = mantissa.replace("-", MINUS)
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


def fixed(value: object, decimals: int = 2) -> str:
    """``decimals`` digits after the point (a rate "0.050", an index "3"), as ``num`` otherwise."""
    v = _real(value)
    if v is None or not math.isfinite(v) or abs(v) >= 1e6:
        return num(value, max(decimals, 1) + 1)
    return f"{v + 0.0:.{decimals}f}".replace("-", MINUS)


def printf(value: object, pattern: str) -> str:
    """A value printed the way a printf pattern asks ("%.4g", "%.8e", "%.3f"), but by ``num``/``fixed``:
    so "%.8g" of 5.5e16 is 5.5332873e16, never 17 digits."""
    match = PRINTF.fullmatch(pattern)
    if match is None:
        return num(value)
    digits, kind = int(match[1]), match[2]
    if kind == "f":
        return fixed(value, digits)
    return num(value, digits + 1 if kind == "e" else max(digits, 1))


def vector(values: Iterable[object], digits: int = 4) -> str:
    """(a, b, …) with every component printed by ``num``."""
    return "(" + ", ".join(num(v, digits) for v in values) + ")"


def percent(value: object, decimals: int = 1) -> str:
    """A share 0…1 as a percentage ("12.5 %"), — when unknown."""
    v = _real(value)
    return MISSING if v is None or not math.isfinite(v) else f"{100 * v:.{decimals}f} %"


def plain(text: str) -> str:
    """``text`` with the characters Plotly reads as markup (<b>, <a href>, &amp;) escaped, so a
    legend or hover shows it as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
