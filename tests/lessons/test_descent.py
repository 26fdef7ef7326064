"""Tests for nnviz.lessons.descent: closed forms, halving runs, many starts at once, windows, regression Hessians."""

import warnings

import numpy as np
import pytest

from nnviz.core.descent import descend_many, descent_path
from nnviz.core.expr import parse
from nnviz.core.quadratic import quadratic_regime
from nnviz.core.regression import NOTES_X, NOTES_Y, loss, regression_descent
from nnviz.core.surfaces import get_surface, surface_from_expression
from nnviz.core.optimizer import LR_LADDER
from nnviz.lessons import descent as lab

# --- 1-D --------------------------------------------------------------------------------


@pytest.mark.parametrize(("lr", "steps", "expected"), [(0.02, 100, 0.0506110), (0.01, 100, 0.3978587),
                                                       (0.01, 200, 0.0527638)])
def test_notes_goldens_on_x_squared(lr, steps, expected):
    run = lab.run_1d(parse("x**2"), 3.0, lr, steps)
    assert run.xs[-1, 0] == pytest.approx(expected, abs=5e-8)
    assert run.fs[-1] == run.xs[-1, 0] ** 2


def test_halving_rows_are_the_three_runs_done_separately():
    expr = parse("x**2")
    rows = lab.halving_runs(expr, 3.0, 0.02, 100)
    assert [(r.lr, r.steps) for r in rows] == [(0.02, 100), (0.01, 100), (0.01, 200)]
    for row in rows:
        alone = descent_path(lambda x: 2 * x, [3.0], row.lr, row.steps, tol=0)
        assert row.x_final == pytest.approx(alone.xs[-1, 0], abs=1e-15)
    np.testing.assert_allclose([r.x_final for r in rows], [0.0506110, 0.3978587, 0.0527638], atol=5e-8)


def test_halving_rows_report_divergence_inside_the_first_half():
    rows = lab.halving_runs(parse("x**2"), 3.0, 3.0, 100)
    # η/2 = 1.5: |x_k| = 3·2^k passes 1e8 at k = 25, well inside the first 100 steps.
    assert rows[1].status == rows[2].status == "diverged" and rows[1].stopped_at == rows[2].stopped_at == 25
    assert rows[0].status == "diverged" and rows[0].stopped_at == 11  # |1 − 2·3| = 5: 3·5^11 > 1e8


def test_divergence_is_detected_at_the_right_step_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = lab.run_1d(parse("x**2"), 3.0, 1.5, 200)
    k = next(k for k in range(200) if 3 * 2.0**k > 1e8)
    assert run.status == "diverged" and run.stopped_at == k
    assert quadratic_regime(1.0, 1.5) == "divergent"


def test_run_1d_of_undefined_formula_stops_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = lab.run_1d(parse("log(x)"), 0.5, 1.0, 50)  # x1 = 0.5 − 2 < 0: log′ stays finite, f is nan
        assert run.status in ("diverged", "max_steps")
        run = lab.run_1d(parse("sqrt(x)"), 0.01, 1.0, 50)  # the step lands where sqrt′ is undefined
    assert run.status == "diverged"


def test_curvature_1d_is_the_second_derivative():
    assert lab.curvature_1d(parse("x**4/4 - x**2 + 0.3*x"), 2.0) == pytest.approx(3 * 4 - 2)
    assert np.isnan(lab.curvature_1d(parse("sqrt(x)"), -1.0))


# --- surfaces ----------------------------------------------------------------------------


@pytest.mark.parametrize(("lr", "expected"), [(0.1, [-6.11110793e-10, 8.14814391e-10]),
                                              (1e-10, [-2.99999994, 3.99999992])])
def test_book_runs_from_minus3_4(lr, expected):
    (path,) = descend_many(get_surface("bowl"), [(-3.0, 4.0)], lr, 100, tol=0.0)
    np.testing.assert_allclose(path.xs[-1], expected, rtol=0, atol=5e-9 if lr < 1e-5 else 5e-18)
    assert path.status == "max_steps"


def test_book_lr_10_diverges_at_the_step_descent_path_names_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (path,) = descend_many(get_surface("bowl"), [(-3.0, 4.0)], 10.0, 100, tol=0.0)
    # |x_k| = 5·19^k passes 1e8 first at k = 6; that row is kept as the last one.
    assert path.status == "diverged" and path.stopped_at == 6 and len(path.xs) == 7
    assert 5 * 19**5 <= 1e8 < 5 * 19**6
    assert lab.local_lr_bound(get_surface("bowl"), (-3.0, 4.0)) == pytest.approx(1.0)


def test_local_lr_bound_without_positive_curvature_is_inf_and_none_when_unknown():
    assert lab.local_lr_bound(get_surface("mountain"), (1.0, 1.0)) == np.inf
    root = surface_from_expression(parse("sqrt(x) + y**2", ("x", "y")))
    assert lab.local_lr_bound(root, (-1.0, 0.0)) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("", []), ("  ", []), ("-3, 4", [(-3.0, 4.0)]), ("(-3, 4); (3,-2)", [(-3.0, 4.0), (3.0, -2.0)]),
    ("1e-1, −2\n.5, 3.", [(0.1, -2.0), (0.5, 3.0)]), ("1，2；3，4", [(1.0, 2.0), (3.0, 4.0)]),
])
def test_parse_points_accepts(text, expected):
    assert lab.parse_points(text) == expected


@pytest.mark.parametrize("text", ["a", "1", "1, 2, 3", "1;2", "nan, 1", "inf, 2", "1e5, 0", "1,2;" * 10,
                                  "__import__('os')", "(1, 2", "1 2"])
def test_parse_points_rejects(text):
    assert lab.parse_points(text) is None


def test_spread_starts_is_a_three_by_three_grid_inside_the_window():
    starts = lab.spread_starts((-5.0, 5.0), (-5.0, 5.0))
    assert len(starts) == 9 and starts[0] == (-3.5, 3.5) and starts[4] == (0.0, 0.0)


def test_himmelblau_grid_finds_all_four_minima():
    surface = get_surface("himmelblau")
    paths = descend_many(surface, lab.spread_starts(surface.xlim, surface.ylim), 0.01, 200, tol=0.0)
    found = {lab.nearest_critical(surface, p.xs[-1]) for p in paths}
    assert {c for c in surface.critical_points if c.kind == "min"} <= found


def test_saddle_start_on_the_ridge_stalls_at_the_saddle():
    surface = get_surface("saddle")
    (path,) = descend_many(surface, [(1.8, 0.0)], 0.05, 200, tol=0.0)
    near = lab.nearest_critical(surface, path.xs[-1])
    assert near is not None and near.kind == "saddle" and path.grad_norms[-1] < 1e-6


def test_ladder_has_the_rates_the_page_relies_on():
    rates = [float(r) for r in LR_LADDER]
    assert rates == sorted(rates) and len(set(rates)) == len(rates)
    for needed in (1e-10, 0.001, 0.01, 0.02, 0.1, 0.5, 1.0, 10.0, 100.0):
        assert needed in rates
    from nnviz.core.surfaces import SURFACES
    assert all(s.lr in rates for s in SURFACES.values())


# --- regression ----------------------------------------------------------------------------


def test_regression_landscape_maps_path_and_loss_to_standardised_coordinates():
    run = regression_descent(NOTES_X, NOTES_Y, 0.01, 50, w0=2.0, fit_intercept=True, standardize_x=True)
    land = lab.regression_landscape(NOTES_X, NOTES_Y, run.xs, (0.4579896907216493, 0.25012886597938233),
                                    True, False, n=40)
    mean, std = NOTES_X.mean(), NOTES_X.std()
    np.testing.assert_allclose(land.path[:, 0], run.xs[:, 0] * std)
    np.testing.assert_allclose(land.path[:, 1], run.xs[:, 1] + run.xs[:, 0] * mean)
    # The loss on the grid is the loss of the original parameters the grid point stands for.
    i, j = 7, 29
    w_orig = land.W[i, j] / std
    b_orig = land.B[i, j] - w_orig * mean
    assert land.L[i, j] == pytest.approx(loss(w_orig, b_orig, NOTES_X, NOTES_Y))
    (x0, x1), (y0, y1) = land.window
    assert x0 <= land.path[:, 0].min() and land.path[:, 0].max() <= x1
    assert y0 <= land.path[:, 1].min() and land.path[:, 1].max() <= y1


