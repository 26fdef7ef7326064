"""The book's losses against the digest's golden values."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.losses import cross_entropy_error, mean_squared_error

Y_DIGEST = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
T_DIGEST = np.eye(10)[2]


def test_cross_entropy_and_mse_golden() -> None:
    assert cross_entropy_error(Y_DIGEST, T_DIGEST) == pytest.approx(0.510825457099338, abs=1e-15)
    assert cross_entropy_error(Y_DIGEST, np.array(2)) == pytest.approx(0.510825457099338, abs=1e-15)
    assert mean_squared_error(Y_DIGEST, T_DIGEST) == pytest.approx(0.0975, abs=1e-15)


def test_cross_entropy_uses_delta_inside_the_log_and_means_over_the_batch() -> None:
    y = np.array([[0.0, 1.0], [0.5, 0.5], [0.9, 0.1]])
    labels = np.array([0, 1, 0])
    expected = -(np.log(1e-7) + np.log(0.5 + 1e-7) + np.log(0.9 + 1e-7)) / 3
    assert cross_entropy_error(y, labels) == pytest.approx(expected, rel=1e-14)
    assert cross_entropy_error(y, np.eye(2)[labels]) == pytest.approx(expected, rel=1e-14)
    assert cross_entropy_error(y[1], labels[1:2]) == pytest.approx(-np.log(0.5 + 1e-7), rel=1e-14)
