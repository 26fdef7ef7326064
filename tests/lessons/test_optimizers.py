"""The Optimizers page's lesson: runs, race statistics, effective rates, the quadratic theory against
your settings, schedules and moving averages, against closed forms and independent computations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnviz.core.averaging import ewa, noisy_temperatures
from nnviz.core.optimizer import BOOK_LRS, DEFAULT_LRS, make_optimizer, run_path
from nnviz.core.surfaces import get_surface
from nnviz.lessons import optimizers as lesson
from nnviz.lessons.optimizers import (
    Run,
    ScheduleSpec,
    Setup,
    SurfaceSpec,
    effective_rates,
    race_stats,
    steps_to_tolerance,
)

BOOK = get_surface("elongated")
ELONGATED = SurfaceSpec("elongated")


def book_run(name: str, steps: int = 30, **hyper: float):
    opt = make_optimizer(name, **({"lr": BOOK_LRS[name]} | hyper))
    return run_path(BOOK.gradient_at, BOOK.start, opt, steps, f=BOOK.value_at)


def book_outcome(name: str, steps: int = 30, internals: bool = False, **hyper: float) -> lesson.Outcome:
    run = Run.of(name, dict(Run.defaults(name, BOOK_LRS[name]).hyper) | hyper)
    return lesson.outcome(ELONGATED, BOOK.start, run, steps, 0.0, 0, internals=internals)


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


def test_race_stats_golden_for_80_sgd_updates() -> None:
    """SGD η = 0.95 on x²/20 + y²: x shrinks by 0.905 per update, y by −0.9."""
    stats = race_stats(book_outcome("sgd", steps=80).path, 0.0, 1e-2)
    x, y = -7 * 0.905**80, 2 * (-0.9) ** 80
    assert stats.final_value == pytest.approx(x**2 / 20 + y**2, rel=1e-9)
    k = next(k for k in range(81) if (-7 * 0.905**k) ** 2 / 20 + (2 * 0.9**k) ** 2 < 1e-2)
    assert stats.steps_to_tol == k
    assert race_stats(book_outcome("sgd").path, 0.0, 1e-2).steps_to_tol is None, "not within 30 updates"


def test_race_stats_needs_values() -> None:
    path = run_path(BOOK.gradient_at, BOOK.start, make_optimizer("sgd"), 3)
    with pytest.raises(ValueError):
        race_stats(path, 0.0, 1e-3)


def test_effective_rate_is_lr_for_sgd_and_rate_for_adagrad() -> None:
    np.testing.assert_allclose(effective_rates(book_run("sgd")), 0.95)
    ada = book_run("adagrad")
    np.testing.assert_allclose(effective_rates(ada), ada.state["rate"], rtol=1e-12)


def test_effective_rate_is_nan_where_the_gradient_vanishes() -> None:
    path = run_path(lambda w: np.array([w[0], 0.0]), (1.0, 0.0), make_optimizer("sgd", lr=0.5), 2)
    rates = effective_rates(path)
    assert np.all(rates[:, 0] == 0.5) and np.all(np.isnan(rates[:, 1]))


def test_runs_are_hashable_and_sorted() -> None:
    r = Run.of("adam", {"lr": 0.3, "beta1": 0.9, "eps": 1e-8, "beta2": 0.999})
    assert r.hyper == (("beta1", 0.9), ("beta2", 0.999), ("eps", 1e-8), ("lr", 0.3))
    assert r == Run.defaults("adam", 0.3) and hash(r) == hash(Run.defaults("adam", 0.3))
    assert r.lr == 0.3 and r.momentum is None and Run.defaults("momentum", 0.1).momentum == 0.9
    assert r.with_lr(0.01).lr == 0.01 and dict(r.with_lr(0.01).hyper)["beta2"] == 0.999


def test_book_sgd_first_update_golden() -> None:
    """From (−7, 2) with ∇f = (x/10, 2y) and η = 0.95: (−7 + 0.665, 2 − 3.8)."""
    o = book_outcome("sgd")
    assert len(o.path.points) == 31 and o.exit_at is None and len(o.shown) == 31
    np.testing.assert_allclose(o.path.points[1], [-6.335, -1.8], atol=1e-12)


def test_outcomes_are_cached_and_read_only() -> None:
    first, again = book_outcome("adam"), book_outcome("adam")
    assert first is again
    for array in (first.path.points, first.path.values, first.path.grads, first.path.steps, first.shown,
                  *first.path.state.values()):
        assert not array.flags.writeable
    with pytest.raises(TypeError):
        first.path.state["m"] = np.zeros(2)  # type: ignore[index]


def test_a_diverging_run_is_shown_up_to_where_it_leaves_the_window() -> None:
    o = lesson.outcome(ELONGATED, BOOK.start, Run.defaults("sgd", 2.0), 100, 0.0, 0)
    # y_k = 2·(1 − 2·2)^k = 2·(−3)^k leaves |y| ≤ 5 at k = 1 and passes 10⁶ at k = 12 (2·3¹² ≈ 1.06e6).
    assert o.diverged and o.path.diverged_at == 12 and len(o.path.points) == 12
    assert o.exit_at == 1 and o.last_shown == 1 and len(o.shown) == 2
    np.testing.assert_allclose(o.shown[1], [-7 * 0.8, -6.0])
    inside = lesson.outcome(ELONGATED, BOOK.start, Run.defaults("sgd", 0.5), 10, 0.0, 0)
    assert inside.exit_at is None and inside.last_shown == 10 and inside.final_value == inside.path.values[-1]


def test_noise_is_seeded() -> None:
    r = Run.defaults("sgd", 0.95)
    a = lesson.outcome(ELONGATED, BOOK.start, r, 30, 0.5, 3)
    b = lesson.outcome(ELONGATED, BOOK.start, r, 30, 0.5, 4)
    clean = lesson.outcome(ELONGATED, BOOK.start, r, 30, 0.0, 0)
    assert not np.allclose(a.path.points, clean.path.points) and not np.allclose(a.path.points, b.path.points)
    np.testing.assert_array_equal(a.path.points, run_path(BOOK.gradient_at, BOOK.start, make_optimizer("sgd", lr=0.95),
                                                          30, noise_std=0.5, seed=3).points)


def test_tuned_rates_come_from_the_grid_and_keep_the_other_settings() -> None:
    s = Setup(ELONGATED, BOOK.start, (Run.of("sgd", {}), Run.of("momentum", {"momentum": 0.5})), "tuned", 30, 0.0, 0)
    sgd, momentum = lesson.tuned(s).runs
    assert sgd.lr in DEFAULT_LRS and momentum.lr in DEFAULT_LRS
    # On x²/20 + y² the best rate for 30 SGD updates is on the grid just below 2/λmax = 1.
    assert 0.5 < sgd.lr < 1.0
    assert momentum.momentum == 0.5


def test_surfaces_presets_and_typed() -> None:
    assert lesson.build_surface(ELONGATED) is BOOK
    custom = lesson.build_surface(SurfaceSpec("custom", "x**2 + 4*y**2", (-4.0, 4.0), (-2.0, 2.0)))
    assert custom.xlim == (-4.0, 4.0) and custom.ylim == (-2.0, 2.0)
    np.testing.assert_allclose(custom.gradient_at((1.0, 0.5)), [2.0, 4.0])


def test_map_grid_and_minima_in_the_window() -> None:
    grid = lesson.map_grid(ELONGATED, 11)
    assert grid.x[0] == -10 and grid.x[-1] == 10 and grid.y[0] == -5 and grid.z.shape == (11, 11)
    assert grid.z[5, 0] == pytest.approx(100 / 20) and not grid.z.flags.writeable
    assert len(lesson.minima_in_window(get_surface("himmelblau"))) == 4
    assert [(m.x, m.y) for m in lesson.scene(SurfaceSpec("rosenbrock"), (0.0, 0.0), 11).minima] == [(1.0, 1.0)]
    assert lesson.minima_in_window(get_surface("saddle")) == ()
    assert lesson.start_step(BOOK) == 0.1 and lesson.start_step(get_surface("rastrigin")) == 0.051


@pytest.mark.parametrize(("formula", "share"), [("x**2 + y", "all"), ("log(x) + y", "part"),
                                                 ("log(-1 - x**2) + y", "none")])
def test_defined_share_of_typed_surfaces(formula: str, share: str) -> None:
    assert lesson.defined_share(SurfaceSpec("custom", formula)) == share


def test_quadratic_theory_for_the_book_function() -> None:
    q = lesson.quadratic(ELONGATED)
    assert q.eigenvalues == pytest.approx((0.1, 2.0)) and q.condition == pytest.approx(20)
    assert q.gd_lr == pytest.approx(2 / 2.1) and q.gd_rate == pytest.approx(19 / 21)
    assert lesson.quadratic(SurfaceSpec("rosenbrock")) is None
    assert lesson.quadratic(SurfaceSpec("saddle")).condition is None
    assert lesson.quadratic(SurfaceSpec("custom", "x**2 + 4*y**2")).condition == pytest.approx(4)


def test_contraction_checks_against_closed_forms() -> None:
    q = lesson.quadratic(ELONGATED)
    runs = (Run.defaults("sgd", 0.95), Run.defaults("momentum", 0.1), Run.defaults("adam", 0.3),
            Run.defaults("sgd", 2.0))
    sgd, momentum, unstable = lesson.contraction_checks(q, runs)
    assert sgd.factor == pytest.approx(max(abs(1 - 0.95 * 0.1), abs(1 - 0.95 * 2))) and sgd.momentum is None
    assert sgd.best == pytest.approx(19 / 21)
    assert sgd.steps == math.ceil(math.log(1e-3) / math.log(0.905)) == 70
    # Both eigenvalues give complex roots here (( 1 + α − ηλ)² < 4α), so the radius is √α.
    assert momentum.factor == pytest.approx(math.sqrt(0.9)) and momentum.momentum == 0.9 and momentum.steps == 132
    assert momentum.best == pytest.approx((math.sqrt(20) - 1) / (math.sqrt(20) + 1))
    assert unstable.factor == pytest.approx(3.0) and unstable.steps is None


def test_internals_columns_follow_the_adagrad_rule() -> None:
    path = book_outcome("adagrad", internals=True).path
    columns = lesson.internals_columns(path, "eff")
    g = np.array([-0.7, 4.0])
    rate = 1.5 / (np.sqrt(g * g) + 1e-7)
    assert list(columns)[:4] == ["k", "η", "w x", "w y"] and "eff y" in columns
    assert columns["k"][0] == 1 and len(columns["k"]) == 30 and columns["η"][0] == 1.5
    np.testing.assert_allclose([columns["g x"][0], columns["g y"][0]], g)
    np.testing.assert_allclose([columns["h x"][0], columns["h y"][0]], g * g)
    np.testing.assert_allclose([columns["ΔW x"][0], columns["ΔW y"][0]], -rate * g, atol=1e-6)
    np.testing.assert_allclose([columns["eff x"][0], columns["eff y"][0]], rate, atol=1e-6)
    assert columns["ΔW y"][0] == round(columns["ΔW y"][0], 6)


def test_internals_of_a_run_that_diverged_at_once_are_empty() -> None:
    path = run_path(lambda w: np.array([1e7, 0.0]), (0.0, 0.0), make_optimizer("sgd", lr=1.0), 5)
    columns = lesson.internals_columns(path)
    assert path.diverged_at == 1 and all(len(v) == 0 for v in columns.values())


def test_schedules_and_milestones() -> None:
    step = ScheduleSpec("step", 0.95, 0, (("gamma", 0.5), ("step_size", 10)))
    np.testing.assert_allclose(lesson.schedule_rates(step, 30)[[0, 9, 10, 19, 20]], [0.95, 0.95, 0.475, 0.475, 0.2375])
    warm = ScheduleSpec("cosine", 0.95, 5, (("t_max", 30),))
    np.testing.assert_allclose(lesson.schedule_rates(warm, 8)[:5], 0.95 * np.arange(1, 6) / 5)
    assert lesson.milestones(30) == (9, 18, 24) and lesson.milestones(1) == (1,)
    plain = lesson.outcome(ELONGATED, BOOK.start, Run.defaults("sgd", 0.95), 30, 0.0, 0)
    scheduled = lesson.outcome(ELONGATED, BOOK.start, Run.defaults("sgd", 0.95), 30, 0.0, 0, step)
    np.testing.assert_allclose(scheduled.path.lrs, lesson.schedule_rates(step, 30))
    np.testing.assert_array_equal(plain.path.points[:11], scheduled.path.points[:11])
    assert not np.allclose(plain.path.points[12], scheduled.path.points[12])


def test_smoothing_matches_the_core_and_day_one() -> None:
    s = lesson.smoothing(40, 0, 3.0)
    temps = noisy_temperatures(days=40, seed=0, noise_std=3.0)
    np.testing.assert_array_equal(s.data, temps)
    assert s.days[0] == 1 and s.days[-1] == 40 and s.betas == (0.5, 0.9, 0.99)
    for beta, raw, corrected in zip(s.betas, s.raw, s.corrected):
        np.testing.assert_array_equal(raw, ewa(temps, beta))
        assert raw[0] == (1 - beta) * temps[0] and corrected[0] == pytest.approx(temps[0], rel=1e-12)
    assert not s.raw[0].flags.writeable


def test_the_book_figure_is_the_books() -> None:
    book = lesson.BOOK_FIGURE
    assert book.optimizers == ("sgd", "momentum", "adagrad", "adam") and book.steps == 30
    assert dict(book.lrs) == {"sgd": 0.95, "momentum": 0.1, "nesterov": 0.1, "adagrad": 1.5, "rmsprop": 0.1, "adam": 0.3}
    assert lesson.build_surface(SurfaceSpec(book.surface)).start == (-7.0, 2.0)


@pytest.mark.parametrize("steps", [1, 30, 32, 33, 300])
def test_an_outcome_cut_from_a_longer_cached_run_is_the_run_itself(steps: int) -> None:
    run = Run.defaults("adam", 0.3)
    o = lesson.outcome(ELONGATED, BOOK.start, run, steps, 0.4, 5)
    direct = run_path(BOOK.gradient_at, BOOK.start, make_optimizer("adam", **dict(run.hyper)), steps,
                      f=BOOK.value_at, noise_std=0.4, seed=5)
    np.testing.assert_array_equal(o.path.points, direct.points)
    np.testing.assert_allclose(o.path.values, direct.values, rtol=1e-15)
    assert len(o.path.points) == steps + 1 and o.path.status == direct.status


def test_tuning_that_finds_nothing_is_reported_and_keeps_the_runs_rate() -> None:
    """exp(x² + y²) from (2.5, 2.5): the gradient is about 1.3e6, so every SGD rate diverges; Adam's steps are bounded."""
    from nnviz.lessons.optimizers import Run, Setup, SurfaceSpec, tuned, untunable

    spec = SurfaceSpec("custom", "exp(x^2+y^2)")
    sgd, adam = Run.of("sgd", {"lr": 0.1}), Run.of("adam", {"lr": 0.001})
    setup = Setup(spec, (2.5, 2.5), (sgd, adam), "tuned", 30, 0.0, 0)
    assert untunable(setup) == ("sgd",)
    runs = tuned(setup).runs
    assert runs[0] == sgd and runs[1] != adam
