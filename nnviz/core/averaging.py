"""Exponentially weighted averages and a noisy demo series to smooth."""

from __future__ import annotations

import numpy as np


def ewa(series: np.ndarray | list[float], beta: float, bias_correction: bool = False) -> np.ndarray:
    """v_t = β v_{t−1} + (1 − β) x_t with v_0 = 0 (t = 1..n); corrected: v_t / (1 − β^t).

    Computed as one weighted sum, v_t = (1 − β) Σ_{i ≤ t} β^(t−i) x_i, which costs
    O(n²) memory: meant for demo series of up to a few thousand points.
    """
    if not 0.0 <= beta < 1.0:
        raise ValueError("beta must lie in [0, 1)")
    x = np.asarray(series, dtype=float)
    t = np.arange(1, x.size + 1)
    lag = t[:, None] - t[None, :]
    weights = np.tril((1.0 - beta) * beta ** np.maximum(lag, 0))
    v = weights @ x
    return v / (1.0 - beta**t) if bias_correction else v


def noisy_temperatures(
    days: int = 30,
    seed: int = 0,
    mean: float = 15.0,
    amplitude: float = 8.0,
    period: float = 60.0,
    noise_std: float = 3.0,
) -> np.ndarray:
    """Daily temperatures for days 1..n: mean + amplitude·sin(2π·day/period) + N(0, noise_std²)."""
    day = np.arange(1, days + 1)
    noise = np.random.default_rng(seed).normal(0.0, noise_std, size=days)
    return mean + amplitude * np.sin(2 * np.pi * day / period) + noise
