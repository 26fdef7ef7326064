"""Marks of live setting changes on a loss panel: a dashed line at the iteration where a setting
(η, the optimizer, …) changed while training, labelled with the change in staggered rows at the top.

Shared by the figures of every page that trains live (Live MNIST, the playground). The loss panel
is the figure's first subplot (axes x / y); its y range must leave the rows free (`headroom`).
"""

from __future__ import annotations

from collections.abc import Sequence

MARK_ROWS, MARK_ROW = 3, 0.09
"""Rows of setting-change labels on the loss panel, and the share of its height each one takes."""
NARROW_PANEL_PX = 200
"""The narrowest loss panel the labels are laid out for (1280×720 in presentation mode: about 230 px)."""
LINE = {"color": "#444", "width": 1.5, "dash": "dash"}

Mark = tuple[int, str, str]
"""(iteration, label, hover text) of one change."""


def text_width(text: str, size: float) -> float:
    """A generous estimate of a one-line label's width in px: CJK glyphs 1 em, others 0.62 em."""
    return size * sum(1.0 if ord(ch) >= 0x2E80 else 0.62 for ch in text) + 6


def headroom(top: float, rows: int) -> float:
    """The loss axis' upper end that keeps the curves (up to `top`) under `rows` rows of labels."""
    return top / (1 - MARK_ROW * rows)


def change_marks(changes: Sequence[Mark], x_max: float, size: int) -> tuple[list[dict], list[dict], int]:
    """A dashed line on the loss panel where a live setting changed, labelled with the change.

    Labels sit in up to `MARK_ROWS` rows at the top of the panel (above the curves when the y range
    is `headroom(top, rows)`): each goes into the first row where it meets no other label in a panel
    as narrow as `NARROW_PANEL_PX`; near the right end it hangs left of its line. Newest first, so
    when changes crowd more than the rows hold, the oldest lose their label (their line stays).
    `x_max` is the upper end of the panel's x range. Returns the lines, the labels and the rows used.
    """
    shapes = [{"type": "line", "xref": "x", "x0": it, "x1": it, "yref": "y domain", "y0": 0, "y1": 1,
               "line": LINE} for it, _, _ in changes]
    rows: list[list[tuple[float, float]]] = [[] for _ in range(MARK_ROWS)]
    notes = []
    for iteration, label, detail in sorted(changes, key=lambda c: -c[0]):
        x, width = iteration / x_max, text_width(label, size) / NARROW_PANEL_PX
        left = x + width > 1
        span = (x - width, x) if left else (x, x + width)
        free = [r for r, row in enumerate(rows) if all(span[1] <= lo or span[0] >= hi for lo, hi in row)]
        if not free:
            continue
        rows[free[0]].append(span)
        notes.append({"text": label, "xref": "x", "x": iteration, "yref": "y domain", "y": 1 - MARK_ROW * free[0],
                      "showarrow": False, "font": {"size": size, "color": "#222"},
                      "xanchor": "right" if left else "left", "yanchor": "top", "yshift": -2, "hovertext": detail,
                      "bgcolor": "rgba(255,255,255,0.85)"})
    return shapes, notes, sum(1 for row in rows if row)
