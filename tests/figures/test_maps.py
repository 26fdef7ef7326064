"""Shared map pieces: arrows and contour levels."""

import numpy as np
import pytest

from nnviz.core.gradient import grid_2d
from nnviz.core.surfaces import SURFACES
from nnviz.figures.gradients import arrow_paths, contour_levels


def test_arrow_paths_shafts_end_where_heads_start_and_tips_reach_the_vector():
    sx, sy, hx, hy = arrow_paths([0.0, 1.0, 2.0], [0.0, 0.0, 5.0], [1.0, 0.0, np.nan], [0.0, 2.0, 1.0])
    # the third arrow is not finite and is left out: two arrows, NaN-separated
    assert sx.shape == (6,) and hx.shape == (10,)
    assert np.isnan(sx[2]) and np.isnan(hx[4])
    np.testing.assert_allclose([sx[0], sx[1], sy[1]], [0.0, 0.7, 0.0])
    np.testing.assert_allclose([hx[0], hy[0], hx[5], hy[5]], [1.0, 0.0, 1.0, 2.0])  # tips at P + v
    # head base is perpendicular to the arrow and centred on the shaft's end
    np.testing.assert_allclose([(hx[1] + hx[2]) / 2, (hy[1] + hy[2]) / 2], [0.7, 0.0])
    assert hx[1] == pytest.approx(hx[2])


def test_contour_levels_switch_to_log_for_rosenbrock_only():
    for key, expect_log in (("rosenbrock", True), ("beale", True), ("himmelblau", False), ("mountain", False),
                            ("bowl", False), ("rastrigin", False)):
        s = SURFACES[key]
        X, Y = grid_2d(s.xlim, s.ylim, 40)
        levels, is_log = contour_levels(s.f(X, Y))
        assert is_log is expect_log, key
        assert np.all(np.isfinite(levels))
