"""Loss functions in the book's forms, batch-aware: a single sample is reshaped to (1, n) first."""

from __future__ import annotations

import numpy as np

Array = np.ndarray
LOG_DELTA = 1e-7


def cross_entropy_error(y: Array, t: Array) -> float:
    """−Σ t log(y + 1e-7) / N; t one-hot (same size as y) or integer labels; 1-D y is one sample."""
    y, t = np.asarray(y), np.asarray(t)
    if y.ndim == 1:
        y, t = y.reshape(1, y.size), t.reshape(1, t.size)
    batch = y.shape[0]
    if t.size == y.size:
        return float(-np.sum(t * np.log(y + LOG_DELTA)) / batch)
    return float(-np.sum(np.log(y[np.arange(batch), t.reshape(batch)] + LOG_DELTA)) / batch)


def mean_squared_error(y: Array, t: Array) -> float:
    """The book's "mean squared error", which is ½ Σ (y − t)² (a sum, not a mean)."""
    d = np.asarray(y) - np.asarray(t)
    return float(0.5 * np.sum(d * d))
