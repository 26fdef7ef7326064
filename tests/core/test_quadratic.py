"""Step sizes on quadratics: 1-D regimes and closed forms, stable and best rates from the Hessian."""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.descent import descent_path
from nnviz.core.expr import parse
from nnviz.core.optimizer import make_optimizer, run_path
from nnviz.core.quadratic import (
    gd_contraction,
    heavy_ball_contraction,
    quadratic_closed_form,
    quadratic_form,
    quadratic_insight,
    quadratic_iterates,
    quadratic_regime,
    stable_lr_bound,
)
from nnviz.core.surfaces import SURFACES, get_surface, quadratic_hessian

BOOK = get_surface("elongated")  # the book's x²/20 + y²


@pytest.mark.parametrize(("text", "a", "center"), [("x**2", 1.0, 0.0), ("0.01*x**2 + 0.1*x", 0.01, -5.0),
                                                   ("3*(x - 2)**2 + 7", 3.0, 2.0), ("-x**2 + x", -1.0, 0.5)])
def test_quadratic_form_reads_a_and_the_vertex(text, a, center):
    q = quadratic_form(parse(text))
    assert q is not None and q.a == pytest.approx(a) and q.center == pytest.approx(center)


@pytest.mark.parametrize("text", ["x**4/4 - x**2 + 0.3*x", "sin(x)", "x", "5", "abs(x)**2 + x**3", "exp(x)"])
def test_quadratic_form_rejects_everything_else(text):
    assert quadratic_form(parse(text)) is None


@pytest.mark.parametrize("text", ["x**2", "0.01*x**2 + 0.1*x", "2*(x + 1)**2"])
@pytest.mark.parametrize("lr", [0.02, 0.3, 0.5, 0.8, 1.0])
def test_closed_form_matches_the_iterates(text, lr):
    expr = parse(text)
    q = quadratic_form(expr)
    run = descent_path(expr.diff("x"), [3.0], lr, 40, tol=0.0)
    closed = quadratic_closed_form(q, lr, 3.0, 40)
    np.testing.assert_allclose(run.xs[:, 0], closed[: len(run.xs)], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("lr", "regime"), [(0.0, "stalled"), (0.25, "slow"), (0.5, "fastest"),
                                            (0.75, "oscillating"), (1.0, "cycling"), (1.5, "divergent"),
                                            (-0.1, "divergent")])
def test_regime_boundaries_for_x_squared(lr, regime):
    assert quadratic_regime(1.0, lr) == regime


@settings(max_examples=60, deadline=None)
@given(a_num=st.integers(1, 64), a_exp=st.integers(0, 4), lr_num=st.integers(-8, 80), lr_exp=st.integers(3, 6))
def test_regime_matches_exact_rational_and_observed_behaviour(a_num, a_exp, lr_num, lr_exp):
    a, lr = Fraction(a_num, 2**a_exp), Fraction(lr_num, 2**lr_exp)  # exact in binary floating point
    regime = quadratic_regime(float(a), float(lr))
    assert regime == _exact_regime(a, lr)
    xs = descent_path(lambda x: 2 * float(a) * x, [1.0], float(lr), 6, tol=0, bound=np.inf).xs[:, 0]
    if len(xs) < 7:  # only an exact landing on the minimum stops early
        assert regime == "fastest" and xs[-1] == 0
        return
    mags = np.abs(xs)
    behaviour = {
        "stalled": np.all(xs == 1.0),
        "slow": np.all(xs > 0) and np.all(np.diff(xs) < 0),
        "fastest": np.all(xs[1:] == 0),
        "oscillating": np.all(xs[::2] > 0) and np.all(xs[1::2] < 0) and np.all(np.diff(mags) < 0),
        "cycling": np.all(mags == 1.0) and np.all(xs[1::2] == -1.0),
        "divergent": np.all(np.diff(mags) > 0),
    }
    assert behaviour[regime]


def test_regime_rejects_non_positive_curvature_or_bad_lr():
    for a, lr in [(0.0, 0.1), (-1.0, 0.1), (1.0, np.nan)]:
        with pytest.raises(ValueError):
            quadratic_regime(a, lr)


@settings(max_examples=30, deadline=None)
@given(a=st.floats(0.1, 10), lr_scale=st.floats(0.0, 0.99), x0=st.floats(-10, 10))
def test_closed_form_matches_iterates(a, lr_scale, x0):
    lr = lr_scale / a  # within the stability limit η < 1/a
    path = descent_path(lambda x: 2 * a * x, [x0], lr, 30, tol=0)
    closed = quadratic_iterates(a, lr, x0, 30)[: len(path.xs)]
    np.testing.assert_allclose(path.xs[:, 0], closed, rtol=1e-9, atol=1e-12)


def test_closed_form_overflows_to_inf_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xs = quadratic_iterates(1.0, 10.0, 3.0, 400)
    assert xs[0] == 3.0 and np.isinf(xs[-1])


def test_stable_lr_bound_closed_forms():
    assert stable_lr_bound(np.diag([2.0, 2.0])) == pytest.approx(1.0)  # x² + y²
    assert stable_lr_bound(np.diag([0.1, 2.0])) == pytest.approx(1.0)  # x²/20 + y²
    assert stable_lr_bound(2 * 3.0) == pytest.approx(1 / 3.0)  # a·x² with a = 3: η < 1/a
    lam = (1002 + math.sqrt(1002**2 - 4 * 400)) / 2  # Rosenbrock Hessian at (1, 1)
    assert stable_lr_bound([[802.0, -400.0], [-400.0, 200.0]]) == pytest.approx(2 / lam)
    assert stable_lr_bound(np.diag([-2.0, -4.0])) == math.inf
    with pytest.raises(ValueError):
        stable_lr_bound(np.ones((2, 3)))


@pytest.mark.parametrize(("factor", "status"), [(0.99, "converged"), (1.01, "diverged")])
def test_stable_lr_bound_separates_convergence_from_divergence(factor, status):
    hessian = np.array([[3.0, 1.0], [1.0, 2.0]])
    lr = factor * stable_lr_bound(hessian)
    path = descent_path(lambda x: hessian @ x, [1.0, -2.0], lr, 5000, tol=1e-8, bound=1e6)
    assert path.status == status


def test_book_function_insight_goldens() -> None:
    # f = x²/20 + y²: H = diag(0.1, 2), κ = 20.
    q = quadratic_insight(quadratic_hessian(BOOK))
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
    q = quadratic_insight(quadratic_hessian(SURFACES["saddle"]))
    assert q.eigenvalues == pytest.approx((-2.0, 2.0))
    assert q.condition is None and q.gd_lr is None and q.hb_momentum is None
    assert q.shape == "saddle"


@pytest.mark.parametrize(("eigenvalues", "shape"), [((0.1, 2.0), "bowl"), ((-1.0, -0.5), "cap"),
                                                    ((0.0, 2.0), "trough"), ((-1.0, 0.0), "trough")])
def test_the_shape_of_a_quadratic_follows_the_signs_of_its_curvatures(eigenvalues, shape) -> None:  # noqa: ANN001
    rotation = np.array([[0.6, -0.8], [0.8, 0.6]])  # not diagonal: eigvalsh must find them
    q = quadratic_insight(rotation @ np.diag(eigenvalues) @ rotation.T)
    assert q.shape == shape and (q.condition is not None) == (shape == "bowl")


def test_steps_to_shrink() -> None:
    from nnviz.core.quadratic import steps_to_shrink

    assert steps_to_shrink(0.5, 1e-3) == 10  # 0.5¹⁰ ≈ 0.00098 < 1e-3 < 0.5⁹
    n, error = 0, 1.0
    while error > 1e-3:
        n, error = n + 1, error * 19 / 21
    assert steps_to_shrink(19 / 21, 1e-3) == n
    assert steps_to_shrink(0.0) == 1 and steps_to_shrink(1.0) is None and steps_to_shrink(1.3) is None


def _exact_regime(a: Fraction, lr: Fraction) -> str:
    p = 2 * a * lr
    if p == 0:
        return "stalled"
    if p < 0 or p > 2:
        return "divergent"
    return "slow" if p < 1 else "fastest" if p == 1 else "oscillating" if p < 2 else "cycling"
