"""Where an iterate path sits in a plot window: when it leaves, where it crosses the edge, its length."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
Window = tuple[float, float]


def view_window(window: Window, *points: float, margin: float = 0.08) -> Window:
    """The window, widened where needed to show every (finite) point with a margin of margin·width."""
    finite = [p for p in points if np.isfinite(p)]
    lo, hi = min([window[0], *finite]), max([window[1], *finite])
    pad = margin * (hi - lo)
    return (lo - pad if lo < window[0] else lo, hi + pad if hi > window[1] else hi)


def first_exit(xs: ArrayLike, xlim: Window, ylim: Window | None = None) -> int | None:
    """Index of the first iterate outside the window (x only when ylim is None), or None."""
    p = np.asarray(xs, dtype=np.float64).reshape(len(xs), -1)
    inside = (p[:, 0] >= xlim[0]) & (p[:, 0] <= xlim[1])
    if ylim is not None:
        inside &= (p[:, 1] >= ylim[0]) & (p[:, 1] <= ylim[1])
    out = np.flatnonzero(~inside)
    return int(out[0]) if out.size else None


def exit_to_mark(xs: ArrayLike, status: str, xlim: Window, ylim: Window | None = None) -> int | None:
    """The first iterate outside the view, when the path diverged or ended outside it; else None.

    A path that only overshoots the view for a while and comes back is drawn whole.
    """
    first = first_exit(xs, xlim, ylim)
    if first is None:
        return None
    ended_outside = first_exit(np.asarray(xs)[-1:], xlim, ylim) is not None
    return first if status == "diverged" or ended_outside else None


def path_window(base: tuple[Window, Window], xs: ArrayLike, diverged: bool,
                margin: float = 0.06) -> tuple[Window, Window]:
    """The view for a 2-parameter path: the base box, widened to hold the whole path unless it diverged."""
    (x0, x1), (y0, y1) = base
    p = np.asarray(xs, dtype=np.float64).reshape(-1, 2)
    p = p[np.all(np.isfinite(p), axis=1)]
    if diverged or p.size == 0:
        return (x0, x1), (y0, y1)
    lo, hi = np.minimum(p.min(axis=0), [x0, y0]), np.maximum(p.max(axis=0), [x1, y1])
    pad = margin * (hi - lo)
    grow_lo, grow_hi = lo < [x0, y0], hi > [x1, y1]
    lo, hi = np.where(grow_lo, lo - pad, lo), np.where(grow_hi, hi + pad, hi)
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def path_length(points: np.ndarray) -> float:
    """Sum of the Euclidean lengths of the segments between successive iterates."""
    if len(points) < 2:
        return 0.0
    return float(np.sum(np.linalg.norm(np.diff(points, axis=0), axis=1)))


def edge_crossing(point_in: ArrayLike, point_out: ArrayLike, xlim: Window, ylim: Window) -> tuple[float, float]:
    """Where the segment from an inside point to an outside point crosses the window edge."""
    point_in, point_out = np.asarray(point_in, dtype=np.float64), np.asarray(point_out, dtype=np.float64)
    d = point_out - point_in
    t = 1.0
    for axis, (lo, hi) in enumerate((xlim, ylim)):
        if d[axis] > 0 and point_out[axis] > hi:
            t = min(t, (hi - point_in[axis]) / d[axis])
        elif d[axis] < 0 and point_out[axis] < lo:
            t = min(t, (lo - point_in[axis]) / d[axis])
    edge = point_in + max(t, 0.0) * d
    return float(edge[0]), float(edge[1])
