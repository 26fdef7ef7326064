"""Tests for nnviz.lessons.descent: closed forms, halving runs, many starts at once, windows, regression Hessians."""

import warnings

import numpy as np
import pytest

from nnviz.core.descent import descend_many, descent_path
from nnviz.core.expr import parse
from nnviz.core.optimizer import LR_LADDER
from nnviz.core.quadratic import quadratic_regime
from nnviz.core.regression import NOTES_X, NOTES_Y, loss, regression_descent
from nnviz.core.surfaces import CriticalPoint, get_surface, surface_from_expression
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




# --- the page's results: regimes and advice -------------------------------------------------


@pytest.mark.parametrize(("lr", "regime"), [(0.02, "slow"), (0.5, "fastest"), (0.8, "oscillating"), (1.0, "cycling"),
                                            (1.05, "divergent")])
def test_regime_report_on_x_squared_follows_r_equal_one_minus_two_a_eta(lr, regime):
    report = lab.regime_report(parse("x**2"), 3.0, lr)
    assert report.shape == "quadratic" and report.regime == regime
    assert report.ratio == pytest.approx(1 - 2 * lr) and report.converges == (regime in ("slow", "fastest",
                                                                                         "oscillating"))
    assert report.stable_below == 1.0 and report.fastest == 0.5
    assert report.advice == lab.Advice("quadratic", 1.0)


def test_regime_report_of_the_books_parabola_completes_the_square():
    # 0.01x² + 0.1x = 0.01(x + 5)² − 0.25: a = 0.01, x* = −5, stable below 1/a = 100, fastest at 50.
    report = lab.regime_report(parse("0.01*x**2 + 0.1*x"), 10.0, 110.0)
    assert (report.a, report.center, report.stable_below, report.fastest) == pytest.approx((0.01, -5.0, 100.0, 50.0))
    assert report.regime == "divergent" and report.ratio == pytest.approx(-1.2)


def test_regime_report_of_a_curve_uses_the_curvature_at_the_start():
    report = lab.regime_report(parse("x**4"), 3.0, 0.05)
    assert report.shape == "curved" and report.curvature == pytest.approx(12 * 9)
    assert report.local_bound == pytest.approx(2 / 108) and report.advice == lab.Advice("local", report.local_bound)
    flat = lab.regime_report(parse("log(x)"), 2.0, 0.02)  # f″(2) = −1/4: nothing bounds the step
    assert flat.curvature == pytest.approx(-0.25) and flat.local_bound is None and flat.advice.kind == "generic"
    concave = lab.regime_report(parse("-x**2"), 3.0, 0.05)
    assert concave.shape == "concave" and concave.advice.kind == "none" and concave.regime is None


@pytest.mark.parametrize(("bound", "quadratic", "expected"), [
    (None, True, lab.Advice("generic")), (np.inf, True, lab.Advice("none")), (0.5, True, lab.Advice("quadratic", 0.5)),
    (0.5, False, lab.Advice("local", 0.5)),
])
def test_bound_advice(bound, quadratic, expected):
    assert lab.bound_advice(bound, quadratic) == expected


# --- the page's results: one variable --------------------------------------------------------


def test_descend_curve_gathers_run_view_closed_form_and_halving():
    run = lab.descend_curve(parse("x**2"), (-4.0, 4.0), 3.0, 0.02, 100)
    assert run.path.xs[-1, 0] == pytest.approx(0.0506110, abs=5e-8)
    np.testing.assert_allclose(run.closed_form, 3 * 0.96 ** np.arange(101), rtol=1e-12)
    np.testing.assert_allclose(run.closed_form, run.path.xs[:, 0], rtol=1e-12)
    assert run.view == (-4.0, 4.0) and run.exit is None and run.defined and not run.diverged
    assert len(run.grid) == lab.CURVE_POINTS and run.values == pytest.approx(run.grid**2)
    assert [r.x_final for r in run.halving] == pytest.approx([0.0506110, 0.3978587, 0.0527638], abs=5e-8)
    assert not run.grid.flags.writeable and not run.closed_form.flags.writeable


def test_descend_curve_widens_the_view_to_the_start_and_marks_the_exit():
    run = lab.descend_curve(parse("0.01*x**2 + 0.1*x"), (-15.0, 10.0), 10.0, 110.0, 100)
    # x_k + 5 = 15·(−1.2)^k: x_1 = −23 is already outside [−15, 10], and |x| > 1e8 first at k = 87.
    assert run.view == (-15.0, 10.0) and run.exit == 1 and run.diverged and run.path.stopped_at == 87
    assert abs(-5 + 15 * (-1.2) ** 86) <= 1e8 < abs(-5 + 15 * (-1.2) ** 87)
    wide = lab.descend_curve(parse("x**2"), (-4.0, 4.0), 9.0, 0.02, 10)
    assert wide.view == pytest.approx((-4.0, 9.0 + 0.08 * 13)) and wide.exit is None  # widened on one side
    undefined = lab.descend_curve(parse("log(x)"), (-4.0, 4.0), 2.0, 0.02, 10)
    assert not undefined.defined


def test_iterations_lists_the_first_201_rows():
    path = lab.run_1d(parse("x**2"), 3.0, 0.02, 300)
    rows = lab.iterations(path)
    assert len(rows.k) == 201 and rows.k[-1] == 200 and len(rows.coordinates) == 1
    assert rows.coordinates[0][-1] == path.xs[200, 0] and rows.values[-1] == path.fs[200]
    assert rows.grad_norms[5] == pytest.approx(2 * abs(path.xs[5, 0]))


# --- the page's results: surfaces --------------------------------------------------------------


def test_choose_starts_prefers_the_grid_then_typed_points_then_the_surface_start():
    bowl = get_surface("bowl")
    assert lab.choose_starts("", False, bowl) == lab.Starts(((-3.0, 4.0),), False)
    assert lab.choose_starts("1, 2; 3, 4", False, bowl).points == ((1.0, 2.0), (3.0, 4.0))
    assert lab.choose_starts("1, 2", True, bowl).points == tuple(lab.spread_starts(bowl.xlim, bowl.ylim))
    bad = lab.choose_starts("(1, 2; nonsense", False, bowl)
    assert bad.unreadable and bad.points == ((-3.0, 4.0),)


def test_rates_are_largest_first_and_default_to_the_surface_own():
    rosenbrock = get_surface("rosenbrock")
    assert lab.suggested_rate(rosenbrock) == "0.001" and lab.suggested_rate(get_surface("bowl")) == "0.1"
    assert lab.rates_in_order(["0.1", "10", "1e-10"], rosenbrock) == ("10", "0.1", "1e-10")
    assert lab.rates_in_order([], rosenbrock) == ("0.001",)
    from nnviz.core.surfaces import SURFACES
    assert all(lab.suggested_rate(s) in LR_LADDER for s in SURFACES.values())


def test_book_example_on_the_surface_names_the_divergence_and_the_endings():
    run = lab.descend_surface(get_surface("bowl"), ((-3.0, 4.0),), ("10", "0.1", "1e-10"), 100)
    assert [p.lr for p in run.panels] == ["10", "0.1", "1e-10"]
    assert run.divergences == (lab.Divergence("10", 10.0, 6, lab.Advice("quadratic", 1.0)),)
    assert [p.exits for p in run.panels] == [(1,), (None,), (None,)]  # 5·19 = 95: out of the window at once
    ten, tenth, tiny = run.endings
    assert ten.status == "diverged" and ten.stopped_at == 6
    np.testing.assert_allclose(tenth.end, [-6.11110793e-10, 8.14814391e-10], atol=5e-18)
    assert tenth.near == CriticalPoint(0.0, 0.0, "min") and tenth.f == pytest.approx(sum(np.square(tenth.end)))
    assert tiny.near is None and tiny.end == pytest.approx((-2.99999994, 3.99999992), abs=5e-9)
    assert run.map.defined == "all" and run.critical == get_surface("bowl").critical_points


def test_a_path_that_overshoots_a_little_too_much_leaves_and_is_marked():
    # η = 1.1 on x² + y²: every step multiplies the position by 1 − 2.2 = −1.2.
    run = lab.descend_surface(get_surface("bowl"), ((-3.0, 4.0),), ("1.1",), 100)
    assert run.panels[0].exits == (1,) and run.divergences[0].step == 93
    assert 5 * 1.2**92 <= 1e8 < 5 * 1.2**93


def test_divergence_on_a_curved_surface_advises_the_local_bound():
    surface = surface_from_expression(parse("(x**2 - 1)**2 + y**2", ("x", "y")))
    (divergence,) = lab.descend_surface(surface, (surface.start,), ("1",), 100).divergences
    hessian = surface.hessian(*surface.start)
    assert divergence.advice == lab.Advice("local", 2 / np.linalg.eigvalsh(hessian)[-1])


def test_surface_map_says_where_f_is_defined():
    assert lab.surface_map(get_surface("bowl")).defined == "all"
    half = surface_from_expression(parse("sqrt(x) + y**2", ("x", "y")))
    nowhere = surface_from_expression(parse("log(-x**2 - y**2 - 1)", ("x", "y")))
    assert lab.surface_map(half).defined == "part" and lab.surface_map(nowhere).defined == "none"
    grid = lab.surface_map(get_surface("himmelblau"))
    assert grid.Z.shape == (lab.GRID_N, lab.GRID_N) and not grid.Z.flags.writeable


def test_visible_critical_points_are_those_inside_the_window():
    rastrigin = get_surface("rastrigin")
    assert lab.visible_critical_points(rastrigin) == rastrigin.critical_points
    himmelblau = get_surface("himmelblau")
    inside = lab.visible_critical_points(himmelblau)
    assert all(-5 <= c.x <= 5 and -5 <= c.y <= 5 for c in inside) and len(inside) == 9


# --- the page's results: the line fit -----------------------------------------------------------


def test_fit_slope_matches_the_closed_form_and_the_bound():
    fit = lab.fit_slope(2.0, 0.001, 100)
    assert fit.w_star == 86.5 / 166.75 and fit.bound == pytest.approx(2 / 166.75)
    assert fit.path.xs[-1, 0] == pytest.approx(0.51874065, abs=5e-9)
    # w_k − w* = (w₀ − w*)(1 − η·Σx²)^k on this parabola
    np.testing.assert_allclose(fit.path.xs[:, 0], fit.w_star + (2 - fit.w_star) * (1 - 0.001 * 166.75) ** np.arange(101))
    assert fit.window == (-1.0, 3.0) and fit.exit is None and not fit.diverged
    # ★ is the exact minimum ½Σy² − (Σxy)²/(2Σx²), not a point read off the drawn curve
    assert fit.star_loss == pytest.approx(0.5 * float(NOTES_Y @ NOTES_Y) - 86.5**2 / (2 * 166.75), rel=1e-14)
    assert fit.star_loss <= np.min(fit.loss_values)
    assert np.all(fit.params[:, 1] == 0) and len(fit.loss_w) == lab.LOSS_POINTS


def test_fit_slope_beyond_the_bound_diverges_and_leaves_the_view():
    fit = lab.fit_slope(2.0, 0.02, 100)
    w_star = 86.5 / 166.75
    k = next(k for k in range(200) if abs(w_star + (2 - w_star) * (1 - 0.02 * 166.75) ** k) > 1e8)
    assert fit.diverged and fit.path.stopped_at == k and fit.exit == 1


def test_fit_line_bound_from_the_hessian_raw_and_standardised():
    raw = lab.fit_line(2.0, 0.0, 0.01, 100, False)
    hessian = np.array([[166.75, 40.5], [40.5, 11.0]])
    np.testing.assert_allclose(raw.eigenvalues, np.linalg.eigvalsh(hessian))
    assert raw.bound == pytest.approx(2 / np.linalg.eigvalsh(hessian)[-1]) == pytest.approx(0.0113217078)
    assert raw.condition == pytest.approx(160.85493, rel=1e-6) and not raw.standardized
    std = lab.fit_line(2.0, 0.0, 0.01, 100, True)
    assert std.eigenvalues == pytest.approx((11.0, 11.0)) and std.bound == pytest.approx(2 / 11)
    assert std.optimum == pytest.approx((0.4579896907216494, 0.2501288659793819))
    assert abs(std.path.xs[-1, 0] - std.optimum[0]) < 1e-4 < abs(raw.path.xs[-1, 0] - raw.optimum[0])
    np.testing.assert_allclose(std.landscape.path[:, 0], std.params[:, 0] * NOTES_X.std())


@pytest.mark.parametrize("steps", [1, 24, 25, 26, 100, 200])
def test_two_d_runs_cut_from_a_longer_cached_run_are_the_runs_themselves(steps: int) -> None:
    surface = get_surface("himmelblau")
    starts = ((-1.0, 0.5), (4.0, 4.0), (0.0, 0.0))
    cut = lab.descend_many_cached(surface, starts, 0.01, steps, "plain", 0.0)
    for start, path in zip(starts, cut):
        direct = descent_path(surface.gradient_at, start, 0.01, steps, f=surface.value_at, tol=0.0)
        np.testing.assert_allclose(path.xs, direct.xs, rtol=1e-12, atol=1e-12)
        assert len(path.xs) == steps + 1 and path.status == direct.status == "max_steps"
