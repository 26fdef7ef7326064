"""Race statistics, effective rates and the quadratic theory, against independent computations."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.optimizer import BOOK_LRS, make_optimizer, run_path
from nnviz.core.surfaces import get_surface
from nnviz.lessons.optimizers import (
    effective_rates,
    race_stats,
    steps_to_tolerance,
)

BOOK = get_surface("elongated")


def book_run(name: str, steps: int = 30, **hyper: float):
    opt = make_optimizer(name, **({"lr": BOOK_LRS[name]} | hyper))
    return run_path(BOOK.gradient_at, BOOK.start, opt, steps, f=BOOK.value_at)


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


def test_effective_rate_is_lr_for_sgd_and_rate_for_adagrad() -> None:
    np.testing.assert_allclose(effective_rates(book_run("sgd")), 0.95)
    ada = book_run("adagrad")
    np.testing.assert_allclose(effective_rates(ada), ada.state["rate"], rtol=1e-12)


def test_effective_rate_is_nan_where_the_gradient_vanishes() -> None:
    path = run_path(lambda w: np.array([w[0], 0.0]), (1.0, 0.0), make_optimizer("sgd", lr=0.5), 2)
    rates = effective_rates(path)
    assert np.all(rates[:, 0] == 0.5) and np.all(np.isnan(rates[:, 1]))


