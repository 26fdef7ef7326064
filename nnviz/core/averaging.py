"""Exponentially weighted averages (one definition, O(n)) and a noisy demo series to smooth."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class RunningAverage:
    """v_t = β v_{t−1} + (1 − β) x_t with v_0 = 0, fed a few values at a time (for live curves)."""

    beta: float
    value: float = 0.0
    count: int = 0

    def __post_init__(self) -> None:
        if not 0.0 <= self.beta < 1.0:
            raise ValueError("beta must lie in [0, 1)")

    def extend(self, values: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Feed values in order; returns v_t and the bias-corrected v_t / (1 − β^t) for each of them."""
        raw = np.empty(len(values))
        corrected = np.empty(len(values))
        for k, x in enumerate(values):
            self.value = self.beta * self.value + (1.0 - self.beta) * float(x)
            self.count += 1
            raw[k] = self.value
            corrected[k] = self.value / (1.0 - self.beta**self.count)
        return raw, corrected


def ewa(series: Sequence[float] | np.ndarray, beta: float, bias_correction: bool = False) -> np.ndarray:
    """The exponentially weighted average of a whole series, v_1 … v_n (corrected: v_t / (1 − β^t)), in O(n)."""
    raw, corrected = RunningAverage(beta).extend(np.asarray(series, dtype=float))
    return corrected if bias_correction else raw


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
