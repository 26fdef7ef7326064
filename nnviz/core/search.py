"""Hyper-parameter search as in the book (ch. 6.5): a validation split taken from the training
data (never the test set) and trials drawn uniformly on a log scale, then a narrower range."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Array = np.ndarray
VALIDATION_RATE = 0.2


def validation_split(x: Array, t: Array, rate: float = VALIDATION_RATE,
                     seed: int = 0) -> tuple[tuple[Array, Array], tuple[Array, Array]]:
    """((x_train, t_train), (x_val, t_val)): the training data shuffled, its first `rate` share held out."""
    if not 0.0 < rate < 1.0:
        raise ValueError(f"validation rate must be in (0, 1), got {rate}")
    order = np.random.default_rng(seed).permutation(len(x))
    n_val = int(len(x) * rate)
    val, train = order[:n_val], order[n_val:]
    return (x[train], t[train]), (x[val], t[val])


@dataclass(frozen=True)
class LogRange:
    """Exponents of a log-uniform draw: 10^U(low, high)."""

    low: float
    high: float

    def draw(self, rng: np.random.Generator, n: int) -> Array:
        return 10.0 ** rng.uniform(self.low, self.high, n)


@dataclass(frozen=True)
class SearchSpace:
    """The book's ranges: lr = 10^U(−6, −2), weight decay = 10^U(−8, −4)."""

    lr: LogRange = LogRange(-6.0, -2.0)
    weight_decay: LogRange = LogRange(-8.0, -4.0)


@dataclass(frozen=True)
class Trial:
    lr: float
    weight_decay: float


def draw_trials(space: SearchSpace, n: int, seed: int = 0) -> tuple[Trial, ...]:
    """n trials, each lr and weight decay drawn independently on a log scale."""
    lr_rng, wd_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    lrs, decays = space.lr.draw(lr_rng, n), space.weight_decay.draw(wd_rng, n)
    return tuple(Trial(float(a), float(b)) for a, b in zip(lrs, decays))


def narrowed(trials: Sequence[Trial], scores: Sequence[float], best: int = 5) -> SearchSpace:
    """The exponent ranges spanned by the `best` highest-scoring trials (the book's second round)."""
    if not trials or len(trials) != len(scores):
        raise ValueError("need one score per trial")
    top = [trials[i] for i in np.argsort(-np.asarray(scores), kind="stable")[:best]]
    lr = np.log10([tr.lr for tr in top])
    wd = np.log10([tr.weight_decay for tr in top])
    return SearchSpace(LogRange(float(lr.min()), float(lr.max())), LogRange(float(wd.min()), float(wd.max())))
