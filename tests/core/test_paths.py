"""Paths in a plot window: where they leave it, where they cross its edge, how long they are."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.paths import (
    exit_to_mark,
    first_exit,
    path_length,
    path_window,
    view_window,
)


def test_view_window_grows_only_to_hold_the_points():
    assert view_window((-4.0, 4.0), 3.0) == (-4.0, 4.0)
    lo, hi = view_window((-2.5, 2.5), 5.0)
    assert lo == -2.5 and hi == pytest.approx(5.0 + 0.08 * 7.5)
    assert view_window((-1.0, 1.0), np.nan) == (-1.0, 1.0)


def test_first_exit_and_exit_to_mark():
    xs = np.array([[0.0, 0.0], [2.0, 0.0], [5.0, 0.0], [1.0, 0.0]])
    assert first_exit(xs, (-3.0, 3.0), (-3.0, 3.0)) == 2
    assert exit_to_mark(xs, "max_steps", (-3.0, 3.0), (-3.0, 3.0)) is None  # came back
    assert exit_to_mark(xs, "diverged", (-3.0, 3.0), (-3.0, 3.0)) == 2
    assert exit_to_mark(xs[:3], "max_steps", (-3.0, 3.0), (-3.0, 3.0)) == 2  # ended outside
    assert first_exit(np.array([1.0, -4.0]), (-3.0, 3.0)) == 1


def test_path_window_widens_for_bounded_paths_only():
    base = ((-1.0, 1.0), (-1.0, 1.0))
    xs = np.array([[0.0, 0.0], [3.0, -2.0]])
    (x0, x1), (y0, y1) = path_window(base, xs, diverged=False)
    assert x1 > 3.0 and y0 < -2.0 and x0 == -1.0 and y1 == 1.0
    assert path_window(base, xs, diverged=True) == base


def test_path_length_of_a_3_4_5_path() -> None:
    assert path_length(np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 0.0]])) == pytest.approx(9.0)
    assert path_length(np.array([[1.0, 2.0]])) == 0.0


def test_first_exit() -> None:
    pts = np.array([[0.0, 0.0], [1.0, 1.0], [3.0, 0.0], [0.0, 0.0]])
    assert first_exit(pts, (-2, 2), (-2, 2)) == 2
    assert first_exit(pts, (-5, 5), (-5, 5)) is None
    assert first_exit(np.array([[0.0, 0.0], [np.nan, 0.0]]), (-1, 1), (-1, 1)) == 1
