"""The page-facing summary of the init experiment, symmetric gradient histograms, the sample budget
and the hidden-unit spread of the symmetry demo, checked against direct computations."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.lessons.init import (
    SAMPLE_BUDGET,
    run_init_experiment,
    samples_for,
    summarise_init,
    symmetric_histograms,
)
from nnviz.lessons.symmetry import hidden_spread, symmetry_demo


def test_samples_for_keeps_the_book_default_and_bounds_deep_wide_nets() -> None:
    assert samples_for(5, 100) == 1000
    assert samples_for(20, 500) == 100
    assert samples_for(20, 100) == SAMPLE_BUDGET // 2000 == 500
    assert samples_for(1, 10) == 1000 and samples_for(20, 10_000) == 100


def test_symmetric_histograms_share_a_range_centred_on_zero_and_count_everything() -> None:
    rng = np.random.default_rng(1)
    layers = [rng.normal(0, s, 500) for s in (1e-3, 0.5, 2.0)]
    h = symmetric_histograms(layers, bins=20)
    m = max(np.abs(v).max() for v in layers)
    np.testing.assert_allclose(h.edges[[0, -1]], [-m, m])
    assert h.counts.shape == (3, 20)
    assert (h.counts.sum(axis=1) == 500).all()
    # the tiny layer is a spike in the two central bins
    assert h.counts[0, 9:11].sum() == 500
    np.testing.assert_array_equal(h.counts[2], np.histogram(layers[2], bins=20, range=(-m, m))[0])


def test_symmetric_histograms_of_zeros_and_non_finite_values() -> None:
    h = symmetric_histograms([np.zeros(10), np.array([np.nan, np.inf, 0.0])], bins=4)
    np.testing.assert_allclose(h.edges[[0, -1]], [-1, 1])
    assert h.counts.sum(axis=1).tolist() == [10, 1]


def test_summary_matches_the_experiment_it_runs() -> None:
    s = summarise_init("normal", "sigmoid", layers=4, width=50, n_samples=300, std=1.0, seed=3)
    run = run_init_experiment("normal", "sigmoid", layers=4, width=50, n_in=50, n_samples=300, std=1.0, seed=3)
    np.testing.assert_allclose(s.stats.std, run.stats.std)
    np.testing.assert_allclose(s.stats.grad_z_std, run.stats.grad_z_std)
    assert s.values_per_layer == 300 * 50 and s.n_samples == 300
    assert (s.activations.counts.sum(axis=1) == 300 * 50).all()
    np.testing.assert_allclose(s.activations.edges[[0, -1]], [0, 1])
    assert s.activations_nonzero is None
    # grad_z histograms are of dZ = dA ⊙ σ'(Z), computed independently here
    dz = run.grad_a * run.a * (1 - run.a)
    m = np.abs(dz).max()
    np.testing.assert_allclose(s.grad_z.edges[-1], m, rtol=1e-6)
    np.testing.assert_array_equal(s.grad_a.counts.sum(axis=1), 300 * 50)


def test_summary_default_samples_and_relu_zero_bins() -> None:
    s = summarise_init("book_he", "relu", layers=20, width=500)
    assert s.n_samples == 100
    nonzero = s.activations_nonzero
    assert nonzero is not None
    zeros = (s.activations.counts - nonzero.counts).sum(axis=1)
    np.testing.assert_allclose(zeros / s.values_per_layer, s.stats.dead)
    assert (nonzero.counts[:, 1:] == s.activations.counts[:, 1:]).all(), "only the first bin holds zeros"


def test_summary_overflow_propagates() -> None:
    with pytest.raises(OverflowError):
        summarise_init("normal", "relu", layers=20, width=500, std=100.0)


def test_hidden_spread_is_zero_for_clones_and_matches_pairwise_maximum() -> None:
    constant = symmetry_demo("constant", steps=30)
    assert (hidden_spread(constant) == 0).all()
    random = symmetry_demo("random", steps=30, seed=2)
    w = random.hidden_weights
    pairwise = np.abs(w[:, :, None, :] - w[:, None, :, :]).max(axis=(1, 2, 3))
    np.testing.assert_allclose(hidden_spread(random), pairwise)
    assert hidden_spread(random)[-1] > 0.5
