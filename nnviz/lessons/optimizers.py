"""What the Optimizers page computes: race statistics and effective step sizes of optimizer runs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.core.optimizer import OptimizerPath
from nnviz.core.paths import path_length


@dataclass(frozen=True)
class RaceStats:
    """How one run did: first step with f − f* < tol (None: never or f* unknown), final f, path length."""

    steps_to_tol: int | None
    final_value: float
    length: float


def steps_to_tolerance(values: np.ndarray, f_min: float | None, tol: float) -> int | None:
    """The first k (0 = the start) with values[k] − f_min < tol; None if never or f_min is unknown."""
    if f_min is None:
        return None
    hits = np.flatnonzero(np.asarray(values, dtype=float) - f_min < tol)
    return int(hits[0]) if hits.size else None


def race_stats(path: OptimizerPath, f_min: float | None, tol: float) -> RaceStats:
    """Steps to tolerance, final value and path length of one run (needs ``path.values``)."""
    if path.values is None:
        raise ValueError("the path was run without f, so it has no values")
    return RaceStats(steps_to_tolerance(path.values, f_min, tol), float(path.values[-1]),
                     path_length(path.points))


def effective_rates(path: OptimizerPath) -> np.ndarray:
    """Per step and coordinate, −ΔW/g: the plain-SGD rate that would have made the same move.

    For SGD it is η; for AdaGrad/RMSprop it is their ``rate``; for momentum and
    Adam it also shows the push of past gradients. NaN where g = 0.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = -path.steps / path.grads
    rates[~np.isfinite(rates)] = np.nan
    return rates
