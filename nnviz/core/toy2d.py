"""Two-class data sets in the plane, drawn from a seed, and the input features a network may see.

Every set lives in the box [−1, 1]²: a clean shape first, then Gaussian noise of std `noise`
added to both coordinates (the labels belong to the clean points). Labels are 1 (inside the
region, the inner circle, the upper moon, the first spiral or blob) and 0. The slides 004's two
regions draw points uniformly in the box and label those inside, so their classes are as
unequal as the areas (the square 1/4, the diamond 1/2); the other sets are half and half.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray
Maker = Callable[[np.random.Generator, int], tuple[Array, Array]]
BOX = 1.0
XOR_GAP = 0.05
"""XOR points keep this far from the axes (before noise), as TensorFlow Playground's do."""
CIRCLES = ((0.0, 0.5), (0.7, 1.0))
"""Radii of the inner (label 1) and the outer ring (label 0)."""
SPIRAL_TURNS = 1.75
BLOB_CENTRE = 0.45
BLOB_STD = 0.15


@dataclass(frozen=True)
class Points:
    """n points (n, 2) with labels (n,) in {0, 1}."""

    x: Array
    y: Array


def _uniform(rng: np.random.Generator, n: int) -> Array:
    return rng.uniform(-BOX, BOX, size=(n, 2))


def _square(rng: np.random.Generator, n: int) -> tuple[Array, Array]:
    """The slides' first region: max(|x|, |y|) < 0.5."""
    p = _uniform(rng, n)
    return p, (np.max(np.abs(p), axis=1) < 0.5).astype(np.int64)


def _diamond(rng: np.random.Generator, n: int) -> tuple[Array, Array]:
    """The slides' second region: |x| + |y| < 1."""
    p = _uniform(rng, n)
    return p, (np.sum(np.abs(p), axis=1) < 1.0).astype(np.int64)


def _xor(rng: np.random.Generator, n: int) -> tuple[Array, Array]:
    """Quadrants: label 1 where x and y have the same sign."""
    p = rng.uniform(-(BOX - XOR_GAP), BOX - XOR_GAP, size=(n, 2))
    p += np.where(p >= 0, XOR_GAP, -XOR_GAP)
    return p, (p[:, 0] * p[:, 1] > 0).astype(np.int64)


def _halves(n: int) -> Array:
    """n labels, the first n − n//2 of them 1."""
    return (np.arange(n) < n - n // 2).astype(np.int64)


def _circles(rng: np.random.Generator, n: int) -> tuple[Array, Array]:
    """A disc of radius 0.5 (label 1) inside a ring from 0.7 to 1."""
    labels = _halves(n)
    inner, outer = CIRCLES
    low = np.where(labels == 1, inner[0], outer[0])
    high = np.where(labels == 1, inner[1], outer[1])
    radius, angle = rng.uniform(low, high), rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), labels


def _moons(rng: np.random.Generator, n: int) -> tuple[Array, Array]:
    """Two interleaved half circles (scikit-learn's shapes), centred and scaled into the box."""
    labels = _halves(n)
    t = rng.uniform(0, np.pi, n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)])
    p = np.where(labels[:, None] == 1, upper, lower)
    return 0.6 * (p - (0.5, 0.25)), labels


def _spirals(rng: np.random.Generator, n: int) -> tuple[Array, Array]:
    """Two arms winding 1.75 turns out from the centre, half a turn apart."""
    labels = _halves(n)
    u = rng.uniform(0, 1, n)
    angle = 2 * np.pi * SPIRAL_TURNS * u + np.where(labels == 1, 0.0, np.pi)
    return np.column_stack([u * np.sin(angle), u * np.cos(angle)]), labels


def _blobs(rng: np.random.Generator, n: int) -> tuple[Array, Array]:
    """Two round Gaussian clouds (std 0.15) at ±(0.45, 0.45)."""
    labels = _halves(n)
    centre = np.where(labels[:, None] == 1, BLOB_CENTRE, -BLOB_CENTRE)
    return centre + BLOB_STD * rng.standard_normal((n, 2)), labels


DATASETS: dict[str, Maker] = {
    "square": _square,
    "diamond": _diamond,
    "xor": _xor,
    "circles": _circles,
    "moons": _moons,
    "spirals": _spirals,
    "blobs": _blobs,
}


def make(name: str, n: int, noise: float = 0.0, seed: int = 0) -> Points:
    """n points of data set `name` with noise std `noise`, in an order shuffled from `seed`."""
    if n < 1:
        raise ValueError(f"a data set needs at least one point, got {n}")
    if not noise >= 0:
        raise ValueError(f"noise must be ≥ 0, got {noise}")
    rng = np.random.default_rng(seed)
    x, y = DATASETS[name](rng, n)
    x = x + noise * rng.standard_normal(x.shape)
    order = rng.permutation(n)
    return Points(x[order], y[order])


def split(name: str, n_train: int, n_test: int, noise: float = 0.0, seed: int = 0) -> tuple[Points, Points]:
    """A training and a test set of the same distribution, from independent streams of `seed`."""
    train_seed, test_seed = np.random.SeedSequence(seed).spawn(2)
    return (make(name, n_train, noise, int(train_seed.generate_state(1)[0])),
            make(name, n_test, noise, int(test_seed.generate_state(1)[0])))


FEATURES: dict[str, Callable[[Array, Array], Array]] = {
    "x": lambda x, y: x,
    "y": lambda x, y: y,
    "x2": lambda x, y: x * x,
    "y2": lambda x, y: y * y,
    "xy": lambda x, y: x * y,
    "sinx": lambda x, y: np.sin(np.pi * x),
    "siny": lambda x, y: np.sin(np.pi * y),
}
"""TensorFlow Playground's inputs. Its points span ±6, ours ±1, so the sines are sin(πx), sin(πy):
one full wave across the box, as sin x makes across Playground's."""


def features(points: Array, names: tuple[str, ...] | list[str]) -> Array:
    """The chosen features of points (n, 2) as columns (n, len(names)), in the order of `names`."""
    x, y = points[:, 0], points[:, 1]
    return np.column_stack([FEATURES[name](x, y) for name in names]) if names else np.empty((len(points), 0))
