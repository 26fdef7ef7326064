"""What the Activation-functions page computes: curves with their saturation zones and a probe,
gradients through depth, softmax with temperature and its overflow, and a typed activation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from nnviz.core.expr import Expression
from nnviz.core.functions import (
    Activation,
    from_expression,
    get,
    saturation_zones,
    softmax,
    softmax_naive,
)
from nnviz.core.gradient import numerical_diff
from nnviz.lessons.frozen import read_only

Array = np.ndarray
GRID_POINTS = 801
OVERFLOW_LOGITS = (1010.0, 1000.0, 990.0)
ChainMode = Literal["best", "path"]




@dataclass(frozen=True)
class Curve:
    """f and f' of one activation on a grid, NaN gaps at jumps, and where it saturates (core saturation_zones)."""

    key: str
    x: Array
    f: Array
    x_df: Array
    df: Array
    saturated: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Probe:
    """One function at x₀: value, analytic slope, central difference, and the tangent segment."""

    x0: float
    f: float
    df: float
    numeric: float
    tangent_x: tuple[float, float]
    tangent_y: tuple[float, float]

    @property
    def gap(self) -> float:
        return abs(self.df - self.numeric)


def _with_breaks(x: Array, y: Array, jumps: tuple[float, ...]) -> tuple[Array, Array]:
    """Insert NaN at jump discontinuities so that no vertical segment is drawn."""
    for jump in jumps:
        i = int(np.searchsorted(x, jump, side="right"))
        if 0 < i < len(x):
            x, y = np.insert(x, i, jump), np.insert(y, i, np.nan)
    return x, y


def curve(act: Activation, x_range: tuple[float, float]) -> Curve:
    """The curves the page draws for ``act`` over ``x_range``; non-finite values become gaps."""
    x = np.linspace(x_range[0], x_range[1], GRID_POINTS)
    with np.errstate(all="ignore"):
        f, df = np.asarray(act.f(x), dtype=float), np.asarray(act.df(x), dtype=float)
    f, df = np.where(np.isfinite(f), f, np.nan), np.where(np.isfinite(df), df, np.nan)
    zones = saturation_zones(x, np.where(np.isfinite(df), df, np.inf))
    xf, f = _with_breaks(x, f, act.jumps)
    xd, df = _with_breaks(x, df, act.df_jumps)
    read_only(xf, f, xd, df)
    return Curve(act.key, xf, f, xd, df, tuple(zones))


@lru_cache(maxsize=256)
def builtin_curve(key: str, x_range: tuple[float, float]) -> Curve:
    """``curve`` of a built-in activation (cached: the same for every student)."""
    return curve(get(key), x_range)


def probe(act: Activation, x0: float, x_range: tuple[float, float]) -> Probe:
    """f(x₀), f'(x₀), the central difference with h = 1e-4, and a tangent one sixth of the range wide."""
    with np.errstate(all="ignore"):
        f, df = float(act.f(np.array(x0))), float(act.df(np.array(x0)))
        numeric = float(numerical_diff(act.f, x0))
    half = (x_range[1] - x_range[0]) / 6
    return Probe(x0, f, df, numeric, (x0 - half, x0 + half), (f - df * half, f + df * half))


def max_derivative(act: Activation, x: Array | None = None) -> float:
    """The largest |f'| on a fine grid (0.25 for sigmoid, 1 for tanh and ReLU)."""
    grid = np.linspace(-10.0, 10.0, 20001) if x is None else x
    return float(np.max(np.abs(act.df(grid))))


def best_case_factors(act: Activation, depth: int) -> Array:
    """(max |f'|)^L for L = 1 … depth: the most gradient L stacked layers can pass back."""
    return max_derivative(act) ** np.arange(1, depth + 1)


def chain_derivatives(act: Activation, x0: float, depth: int) -> tuple[Array, Array]:
    """Pass x0 through ``depth`` stacked copies of f (unit weights).

    Returns the layer inputs z_0 … z_{L-1} and the cumulative derivatives
    d z_L / d x0 = Π f'(z_l) after each layer (length ``depth``).
    """
    inputs = np.empty(depth)
    z = float(x0)
    for layer in range(depth):
        inputs[layer] = z
        z = float(act.f(np.array(z)))
    return inputs, np.cumprod(act.df(inputs))


@lru_cache(maxsize=512)
def gradient_through_depth(key: str, depth: int, mode: ChainMode, x0: float) -> Array:
    """The gradient factor after 1 … depth layers: best case, or along the input x₀."""
    act = get(key)
    values = best_case_factors(act, depth) if mode == "best" else chain_derivatives(act, x0, depth)[1]
    read_only(values)
    return values


@dataclass(frozen=True)
class Overflow:
    """The notes' overflow example: naive and stable softmax of large logits."""

    logits: Array
    naive: Array
    stable: Array


def overflow_demo() -> Overflow:
    """softmax of [1010, 1000, 990]: NaN by the textbook formula, exact after subtracting the maximum."""
    z = np.array(OVERFLOW_LOGITS)
    return Overflow(z, softmax_naive(z), softmax(z))


def softmax_probabilities(logits: tuple[float, ...], temperature: float) -> Array:
    return softmax(np.array(logits), temperature)


def custom_activation(expr: Expression) -> Activation:
    """A typed f(x) with its symbolic derivative."""
    return from_expression(expr)


def defined_share(act: Activation, x_range: tuple[float, float]) -> Literal["none", "part", "all"]:
    """Whether a (typed) function is defined nowhere, on part of ``x_range``, or everywhere on it."""
    with np.errstate(all="ignore"):
        finite = np.isfinite(np.asarray(act.f(np.linspace(x_range[0], x_range[1], 401)), dtype=float))
    return "all" if finite.all() else "part" if finite.any() else "none"
