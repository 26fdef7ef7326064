"""The pieces every map is drawn with: arrows, the one contour-level rule, markers and the click grid."""

import numpy as np
import pytest

from nnviz.core.gradient import grid_2d
from nnviz.core.surfaces import SURFACES
from nnviz.figures import maps
from nnviz.figures.maps import arrow_paths, contour_levels


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


def test_one_contour_rule_for_every_map():
    """Log levels exactly where f spans more than 5× its median above the minimum."""
    for key, expect_log in (("rosenbrock", True), ("beale", True), ("himmelblau", True), ("mountain", False),
                            ("bowl", False), ("rastrigin", False), ("elongated", False), ("saddle", False)):
        s = SURFACES[key]
        X, Y = grid_2d(s.xlim, s.ylim, 40)
        levels, is_log = contour_levels(s.f(X, Y))
        assert is_log is expect_log, key
        assert np.all(np.isfinite(levels))

    Z = np.array([[0.0, 1.0], [2.0, 1000.0]])
    levels, is_log = contour_levels(Z)
    assert is_log and levels[1, 1] == pytest.approx(np.log10(1001.0))
    assert contour_levels(np.full((2, 2), np.nan))[1] is False


def test_markers_sit_on_the_axes_they_are_given():
    traces = [maps.point(1.0, 2.0, axes=("x2", "y2")), maps.start(0.0, 0.0, "start", axes=("x3", "y3")),
              *maps.critical_points([(0.0, 0.0, "min"), (1.0, 1.0, "saddle")], {"min": "m", "saddle": "s"}),
              maps.exits([(1.0, 1.0)], "exit"), maps.path(np.array([[0.0, 0.0], [1.0, 1.0]]), "p", 2)]
    assert [(t["xaxis"], t["yaxis"]) for t in traces[:2]] == [("x2", "y2"), ("x3", "y3")]
    assert [t["marker"]["symbol"] for t in traces[2:4]] == ["star", "x-thin-open"]
    assert traces[-1]["line"]["color"] != traces[0]["marker"]["color"]


def test_pick_grid_covers_the_window():
    grid = maps.pick_grid((-2.0, 2.0), (0.0, 1.0), "P")
    assert grid["x"].min() == -2.0 and grid["x"].max() == 2.0 and grid["y"].max() == 1.0
    assert len(grid["x"]) == maps.PICK_GRID ** 2
