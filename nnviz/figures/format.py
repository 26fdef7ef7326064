"""Numbers for reading: one way to print a value anywhere in the app (charts, captions, tables, metrics)."""

from __future__ import annotations

import math
from collections.abc import Iterable

MINUS = "−"
MISSING = "—"


def _real(value: object) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def num(value: object, digits: int = 4) -> str:
    """``digits`` significant digits, a true minus sign, a short exponent (9.7e-8, 1.2e+16 → 1.2e16),
    and — for anything not a finite number."""
    v = _real(value)
    if v is None:
        return MISSING
    mantissa, _, exponent = f"{v + 0.0:.{digits}g}".partition("e")
    mantissa = mantissa.replace("-", MINUS)
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


def vector(values: Iterable[object], digits: int = 4) -> str:
    """(a, b, …) with every component printed by ``num``."""
    return "(" + ", ".join(num(v, digits) for v in values) + ")"


def percent(value: object, decimals: int = 1) -> str:
    """A share 0…1 as a percentage ("12.5 %"), — when unknown."""
    v = _real(value)
    return MISSING if v is None else f"{100 * v:.{decimals}f} %"


def plain(text: str) -> str:
    """``text`` with the characters Plotly reads as markup (<b>, <a href>, &amp;) escaped, so a
    legend or hover shows it as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
