"""Weight-initialisation schemes: a registry of stable ids, sampling and theoretical std.

A weight matrix has shape (fan_in, fan_out), the book's convention `y = x @ W`.
Normal schemes draw from N(0, std²); uniform schemes draw from U[-limit, limit),
whose std is limit/√3.
"""

from collections.abc import Callable
from dataclasses import dataclass
from math import sqrt
from typing import Literal

import numpy as np
from numpy.typing import DTypeLike, NDArray

Distribution = Literal["normal", "uniform", "constant"]
Param = Literal["std", "a", "value"]


@dataclass(frozen=True)
class InitScheme:
    """One scheme: its distribution and where its scale comes from.

    `scale(fan_in, fan_out)` gives the std (normal), the limit (uniform) or the
    value (constant); schemes with `scale=None` take it from the user parameter `param`.
    """

    id: str
    distribution: Distribution
    scale: Callable[[int, int], float] | None = None
    param: Param | None = None


INIT_SCHEMES: dict[str, InitScheme] = {
    s.id: s
    for s in (
        InitScheme("normal", "normal", param="std"),
        InitScheme("uniform", "uniform", param="a"),
        InitScheme("zeros", "constant", scale=lambda fan_in, fan_out: 0.0),
        InitScheme("constant", "constant", param="value"),
        InitScheme("xavier_normal", "normal", lambda fan_in, fan_out: sqrt(2.0 / (fan_in + fan_out))),
        InitScheme("xavier_uniform", "uniform", lambda fan_in, fan_out: sqrt(6.0 / (fan_in + fan_out))),
        InitScheme("he_normal", "normal", lambda fan_in, fan_out: sqrt(2.0 / fan_in)),
        InitScheme("he_uniform", "uniform", lambda fan_in, fan_out: sqrt(6.0 / fan_in)),
        InitScheme("lecun_normal", "normal", lambda fan_in, fan_out: sqrt(1.0 / fan_in)),
        InitScheme("book_xavier", "normal", lambda fan_in, fan_out: sqrt(1.0 / fan_in)),
        InitScheme("book_he", "normal", lambda fan_in, fan_out: sqrt(2.0 / fan_in)),
    )
}

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
BOOK_NAMES = {"he": "book_he", "relu": "book_he", "xavier": "book_xavier", "sigmoid": "book_xavier"}
"""The book's names for `weight_init_std` (MultiLayerNet): 'relu'/'he' is √(2/n), 'sigmoid'/'xavier' √(1/n)."""


def book_init_scheme(weight_init_std: str | float) -> tuple[str, float | None]:
    """The book's `weight_init_std` as (scheme id, std): a name from BOOK_NAMES, or a number (normal)."""
    if isinstance(weight_init_std, str):
        try:
            return BOOK_NAMES[weight_init_std.lower()], None
        except KeyError:
            raise ValueError(f"unknown weight_init_std {weight_init_std!r}") from None
    return "normal", float(weight_init_std)


def get_scheme(scheme: str) -> InitScheme:
    """Look a scheme up by id; ValueError names the known ids."""
    try:
        return INIT_SCHEMES[scheme]
    except KeyError:
        raise ValueError(f"unknown init scheme {scheme!r}; known: {', '.join(INIT_SCHEMES)}") from None


def scheme_scale(
    scheme: str,
    fan_in: int,
    fan_out: int,
    *,
    std: float | None = None,
    a: float | None = None,
    value: float | None = None,
) -> float:
    """The scheme's scale: std (normal), limit (uniform) or value (constant).

    Parameters the scheme does not use are ignored; a missing required one is a ValueError.
    """
    spec = get_scheme(scheme)
    if fan_in < 1 or fan_out < 1:
        raise ValueError(f"fan_in and fan_out must be >= 1, got {fan_in}, {fan_out}")
    if spec.scale is not None:
        return spec.scale(fan_in, fan_out)
    given = {"std": std, "a": a, "value": value}[spec.param]
    if given is None:
        raise ValueError(f"scheme {scheme!r} needs the parameter {spec.param!r}")
    if not np.isfinite(given) or (spec.param != "value" and given < 0):
        raise ValueError(f"parameter {spec.param!r} must be finite and, unless 'value', >= 0; got {given}")
    return float(given)


def scheme_std(scheme: str, fan_in: int, fan_out: int, **params: float | None) -> float:
    """Theoretical std of the weights: std, limit/√3 for uniform, 0 for constant (params as for scheme_scale)."""
    scale = scheme_scale(scheme, fan_in, fan_out, **params)
    distribution = INIT_SCHEMES[scheme].distribution
    if distribution == "normal":
        return scale
    if distribution == "uniform":
        return scale / sqrt(3.0)
    return 0.0


def init_weight(scheme: str, fan_in: int, fan_out: int, rng: np.random.Generator, *,
                dtype: DTypeLike = np.float64, **params: float | None) -> NDArray[np.floating]:
    """A (fan_in, fan_out) weight matrix drawn by `scheme` from `rng` (constants draw nothing).

    ``params`` are the scheme's std / a / value, as for scheme_scale.
    """
    dt = np.dtype(dtype)
    if dt not in FLOAT_DTYPES:
        raise ValueError(f"dtype must be float32 or float64, got {dt}")
    scale = scheme_scale(scheme, fan_in, fan_out, **params)
    shape = (fan_in, fan_out)
    distribution = INIT_SCHEMES[scheme].distribution
    if distribution == "normal":
        w = rng.standard_normal(shape, dtype=dt)
        w *= dt.type(scale)
        return w
    if distribution == "uniform":
        w = rng.random(shape, dtype=dt)
        w *= dt.type(2.0 * scale)
        w -= dt.type(scale)
        return w
    return np.full(shape, scale, dtype=dt)
