"""Validation split and log-uniform random search (book ch. 6.5)."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.search import LogRange, SearchSpace, Trial, draw_trials, narrowed, validation_split


def test_validation_split_partitions_the_training_rows() -> None:
    x = np.arange(50, dtype=float).reshape(25, 2)
    t = np.arange(25)
    (xt, tt), (xv, tv) = validation_split(x, t, rate=0.2, seed=3)
    assert len(tv) == 5 and len(tt) == 20
    assert sorted(np.r_[tt, tv].tolist()) == list(range(25))  # every row once, none twice
    np.testing.assert_array_equal(xv[:, 0], 2 * tv)  # rows keep their labels
    np.testing.assert_array_equal(xt[:, 0], 2 * tt)
    (_, again), _ = validation_split(x, t, rate=0.2, seed=3)
    np.testing.assert_array_equal(again, tt)


@pytest.mark.parametrize("rate", [0.0, 1.0, -0.1])
def test_validation_rate_must_be_a_share(rate: float) -> None:
    with pytest.raises(ValueError):
        validation_split(np.zeros((4, 1)), np.zeros(4), rate=rate)


def test_trials_are_log_uniform_in_the_book_ranges() -> None:
    trials = draw_trials(SearchSpace(), 4000, seed=1)
    lr = np.log10([tr.lr for tr in trials])
    wd = np.log10([tr.weight_decay for tr in trials])
    assert lr.min() >= -6 and lr.max() <= -2 and wd.min() >= -8 and wd.max() <= -4
    # uniform exponents: each quarter of the range holds about a quarter of the draws
    for exps, low in ((lr, -6), (wd, -8)):
        counts = np.histogram(exps, bins=4, range=(low, low + 4))[0]
        assert np.all(np.abs(counts / 4000 - 0.25) < 0.03)
    assert abs(np.corrcoef(lr, wd)[0, 1]) < 0.05
    assert draw_trials(SearchSpace(), 4000, seed=1) == trials  # the seed fixes the trials
    assert draw_trials(SearchSpace(), 4000, seed=2) != trials


def test_narrowed_spans_the_best_trials() -> None:
    trials = [Trial(1e-3, 1e-5), Trial(1e-5, 1e-7), Trial(1e-2, 1e-6), Trial(1e-6, 1e-8)]
    space = narrowed(trials, [0.9, 0.1, 0.8, 0.05], best=2)
    assert space.lr == LogRange(-3.0, -2.0)
    assert space.weight_decay == LogRange(-6.0, -5.0)
    with pytest.raises(ValueError):
        narrowed(trials, [0.5])
