"""Race statistics, effective rates and the quadratic theory, against independent computations."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.expr import parse
from nnviz.lessons.optimizers import (
    constant_hessian,
    effective_rates,
    first_exit,
    gd_contraction,
    heavy_ball_contraction,
    path_length,
    quadratic_insight,
    race_stats,
    steps_to_tolerance,
    surface_from_expression,
)
from nnviz.core.optimizer import BOOK_LRS, make_optimizer, run_path
from nnviz.core.surfaces import SURFACES, get_surface

BOOK = get_surface("elongated")


def book_run(name: str, steps: int = 30, **hyper: float):
    opt = make_optimizer(name, **({"lr": BOOK_LRS[name]} | hyper))
    return run_path(BOOK.gradient_at, BOOK.start, opt, steps, f=BOOK.value_at)


def test_path_length_of_a_3_4_5_path() -> None:
    assert path_length(np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 0.0]])) == pytest.approx(9.0)
    assert path_length(np.array([[1.0, 2.0]])) == 0.0


def test_steps_to_tolerance() -> None:
    values = np.array([5.0, 1.0, 0.01, 0.0005, 0.002])
    assert steps_to_tolerance(values, 0.0, 1e-3) == 3
    assert steps_to_tolerance(values, 0.0, 1e-6) is None
    assert steps_to_tolerance(values, None, 1e-3) is None
    assert steps_to_tolerance(values, -1.0, 1.5) == 2


def test_race_stats_of_the_book_sgd_run() -> None:
    path = book_run("sgd")
    stats = race_stats(path, BOOK.f_min, 1e-3)
    assert stats.final_value == pytest.approx(BOOK.value_at(path.points[-1]))
    manual = sum(np.hypot(*(b - a)) for a, b in zip(path.points[:-1], path.points[1:]))
    assert stats.length == pytest.approx(manual)
    assert stats.steps_to_tol is None or path.values[stats.steps_to_tol] < 1e-3


def test_race_stats_needs_values() -> None:
    path = run_path(BOOK.gradient_at, BOOK.start, make_optimizer("sgd"), 3)
    with pytest.raises(ValueError):
        race_stats(path, 0.0, 1e-3)


def test_first_exit() -> None:
    pts = np.array([[0.0, 0.0], [1.0, 1.0], [3.0, 0.0], [0.0, 0.0]])
    assert first_exit(pts, (-2, 2), (-2, 2)) == 2
    assert first_exit(pts, (-5, 5), (-5, 5)) is None
    assert first_exit(np.array([[0.0, 0.0], [np.nan, 0.0]]), (-1, 1), (-1, 1)) == 1


def test_effective_rate_is_lr_for_sgd_and_rate_for_adagrad() -> None:
    np.testing.assert_allclose(effective_rates(book_run("sgd")), 0.95)
    ada = book_run("adagrad")
    np.testing.assert_allclose(effective_rates(ada), ada.state["rate"], rtol=1e-12)


def test_effective_rate_is_nan_where_the_gradient_vanishes() -> None:
    path = run_path(lambda w: np.array([w[0], 0.0]), (1.0, 0.0), make_optimizer("sgd", lr=0.5), 2)
    rates = effective_rates(path)
    assert np.all(rates[:, 0] == 0.5) and np.all(np.isnan(rates[:, 1]))


def test_book_function_insight_goldens() -> None:
    # f = x²/20 + y²: H = diag(0.1, 2), κ = 20.
    q = quadratic_insight(constant_hessian(BOOK))
    assert q.eigenvalues == pytest.approx((0.1, 2.0))
    assert q.condition == pytest.approx(20.0)
    assert q.stable_lr == pytest.approx(1.0)
    assert q.gd_lr == pytest.approx(2 / 2.1)  # 0.952…: the book's 0.95 is almost the best plain rate
    assert q.gd_rate == pytest.approx(19 / 21)
    root = np.sqrt(20)
    assert q.hb_lr == pytest.approx(4 / (np.sqrt(2) + np.sqrt(0.1)) ** 2)
    assert q.hb_momentum == pytest.approx(((root - 1) / (root + 1)) ** 2)
    assert q.hb_rate == pytest.approx(np.sqrt(q.hb_momentum))


def test_contraction_factors_match_the_theory_and_real_runs() -> None:
    q = quadratic_insight(np.diag([0.1, 2.0]))
    assert gd_contraction(q.gd_lr, q.eigenvalues) == pytest.approx(q.gd_rate)
    assert heavy_ball_contraction(q.hb_lr, q.hb_momentum, q.eigenvalues) == pytest.approx(q.hb_rate, rel=1e-6)
    # Measured: the error shrinks like ρᵏ (geometric mean over many steps).
    lr, alpha = 0.5, 0.6
    rho = heavy_ball_contraction(lr, alpha, q.eigenvalues)
    path = run_path(BOOK.gradient_at, BOOK.start, make_optimizer("momentum", lr=lr, momentum=alpha), 400)
    measured = (np.linalg.norm(path.points[400]) / np.linalg.norm(path.points[200])) ** (1 / 200)
    assert measured == pytest.approx(rho, rel=0.02)
    assert gd_contraction(1.2, q.eigenvalues) > 1  # beyond 2/λmax: diverges


def test_best_pairs_are_optimal_on_a_grid() -> None:
    eig = (0.1, 2.0)
    q = quadratic_insight(np.diag(eig))
    lrs = np.linspace(0.01, 1.2, 300)
    assert min(gd_contraction(lr, eig) for lr in lrs) >= q.gd_rate - 1e-9
    best = min(heavy_ball_contraction(lr, a, eig) for lr in np.linspace(0.05, 2.5, 60) for a in np.linspace(0, 0.95, 60))
    assert best >= q.hb_rate - 1e-3


def test_indefinite_hessian_gives_only_eigenvalues() -> None:
    q = quadratic_insight(constant_hessian(SURFACES["saddle"]))
    assert q.eigenvalues == pytest.approx((-2.0, 2.0))
    assert q.condition is None and q.gd_lr is None and q.hb_momentum is None


@pytest.mark.parametrize("key,constant", [("elongated", True), ("bowl", True), ("saddle", True),
                                          ("rosenbrock", False), ("beale", False), ("himmelblau", False),
                                          ("rastrigin", False)])
def test_constant_hessian_detects_quadratics(key: str, constant: bool) -> None:
    assert (constant_hessian(SURFACES[key]) is not None) == constant


def test_user_surface_gradient_and_hessian() -> None:
    s = surface_from_expression(parse("3*x**2 + x*y + y**2", ("x", "y")), (-2, 2), (-2, 2))
    np.testing.assert_allclose(s.gradient_at((1.0, 2.0)), [6 + 2, 1 + 4])
    np.testing.assert_allclose(constant_hessian(s), [[6, 1], [1, 2]])
    wavy = surface_from_expression(parse("sin(x) + y**2", ("x", "y")), (-2, 2), (-2, 2))
    assert constant_hessian(wavy) is None


def test_user_surface_undefined_points_are_nan_without_warnings() -> None:
    s = surface_from_expression(parse("log(x) + y", ("x", "y")), (-2, 2), (-2, 2))
    with np.errstate(all="raise"):
        assert np.isnan(s.value_at((-1.0, 0.0)))
        assert np.all(np.isnan(s.gradient_at((0.0, 0.0))[:1]))
    assert constant_hessian(s) is None


def test_steps_to_shrink() -> None:
    from nnviz.lessons.optimizers import steps_to_shrink

    assert steps_to_shrink(0.5, 1e-3) == 10  # 0.5¹⁰ ≈ 0.00098 < 1e-3 < 0.5⁹
    n, error = 0, 1.0
    while error > 1e-3:
        n, error = n + 1, error * 19 / 21
    assert steps_to_shrink(19 / 21, 1e-3) == n
    assert steps_to_shrink(0.0) == 1 and steps_to_shrink(1.0) is None and steps_to_shrink(1.3) is None
