"""Exponentially weighted averages against a direct loop; the demo series generator."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.averaging import RunningAverage, ewa, noisy_temperatures


def loop_ewa(x: list[float], beta: float, corrected: bool) -> list[float]:
    v, out = 0.0, []
    for t, xt in enumerate(x, start=1):
        v = beta * v + (1 - beta) * xt
        out.append(v / (1 - beta**t) if corrected else v)
    return out


@settings(max_examples=40, deadline=None)
@given(
    x=st.lists(st.floats(-100, 100), min_size=1, max_size=60),
    beta=st.floats(0.0, 0.99),
    corrected=st.booleans(),
)
def test_ewa_matches_direct_loop(x: list[float], beta: float, corrected: bool) -> None:
    np.testing.assert_allclose(ewa(x, beta, corrected), loop_ewa(x, beta, corrected), rtol=1e-9, atol=1e-9)


def test_bias_correction_starts_at_first_value() -> None:
    x = noisy_temperatures(seed=5)
    assert ewa(x, 0.9, bias_correction=True)[0] == pytest.approx(x[0], rel=1e-14)
    assert ewa(x, 0.9)[0] == pytest.approx(0.1 * x[0], rel=1e-14)


def test_ewa_of_constant_series() -> None:
    """Corrected average of a constant is that constant; uncorrected is c(1 − β^t)."""
    t = np.arange(1, 31)
    np.testing.assert_allclose(ewa(np.full(30, 7.0), 0.9, True), 7.0, rtol=1e-12)
    np.testing.assert_allclose(ewa(np.full(30, 7.0), 0.9), 7.0 * (1 - 0.9**t), rtol=1e-12)


def test_beta_zero_is_identity_and_beta_one_rejected() -> None:
    x = np.array([3.0, -1.0, 4.0])
    np.testing.assert_array_equal(ewa(x, 0.0), x)
    with pytest.raises(ValueError):
        ewa(x, 1.0)


def test_larger_beta_is_smoother() -> None:
    x = noisy_temperatures(days=30, seed=0)
    rough = np.abs(np.diff(ewa(x, 0.5, True))).sum()
    smooth = np.abs(np.diff(ewa(x, 0.9, True))).sum()
    assert smooth < rough < np.abs(np.diff(x)).sum()


def test_noisy_temperatures_is_seeded_and_has_documented_parts() -> None:
    np.testing.assert_array_equal(noisy_temperatures(seed=1), noisy_temperatures(seed=1))
    assert not np.allclose(noisy_temperatures(seed=1), noisy_temperatures(seed=2))
    assert noisy_temperatures().shape == (30,)
    day = np.arange(1, 31)
    clean = noisy_temperatures(noise_std=0.0)
    np.testing.assert_allclose(clean, 15 + 8 * np.sin(2 * np.pi * day / 60), rtol=1e-14)
    long = noisy_temperatures(days=3000, seed=0, noise_std=2.0)
    resid = long - noisy_temperatures(days=3000, noise_std=0.0)
    assert resid.std() == pytest.approx(2.0, rel=0.05)


def test_running_average_continues_a_series_exactly() -> None:
    """The live loss curve feeds a few values per tick: chunking must not change the average."""
    x = np.random.default_rng(0).normal(size=60)
    whole = RunningAverage(0.9).extend(x)
    parts = RunningAverage(0.9)
    first, rest = parts.extend(x[:25]), parts.extend(x[25:])
    np.testing.assert_array_equal(np.r_[first[0], rest[0]], whole[0])
    np.testing.assert_array_equal(np.r_[first[1], rest[1]], whole[1])
    np.testing.assert_array_equal(whole[1], ewa(x, 0.9, bias_correction=True))
    assert parts.count == 60 and parts.value == whole[0][-1]
