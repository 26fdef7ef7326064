"""Where change labels land on a loss panel, for the figure tests of every page that marks changes."""

from __future__ import annotations


def mark_boxes(d: dict, panel_px: float, plot_px: float, size: int) -> list[tuple[float, float, float, float]]:
    """The change labels' boxes in px, in a loss panel `panel_px` wide and `plot_px` high, from the
    annotations' own anchors and a width of 0.7 em per character, 1.1 em per CJK glyph (wider than
    the figure assumes)."""
    x_max = d["layout"]["xaxis"]["range"][1]
    boxes = []
    for a in d["layout"]["annotations"]:
        if a.get("xref") == "x" and a.get("yref") == "y domain":
            width = size * sum(1.1 if ord(ch) >= 0x2E80 else 0.7 for ch in a["text"])
            x = a["x"] / x_max * panel_px
            left = x - width if a["xanchor"] == "right" else x
            top = (1 - a["y"]) * plot_px - a["yshift"]
            boxes.append((left, top, left + width, top + 1.2 * size))
    return boxes


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
