"""What the Activation-functions page computes: saturation zones and gradients through depth."""

from __future__ import annotations

import numpy as np

from nnviz.core.functions import SATURATION_TOL, Activation

Array = np.ndarray


def saturation_intervals(x: Array, dfx: Array, tol: float = SATURATION_TOL) -> list[tuple[float, float]]:
    """Maximal runs of the grid ``x`` where |f'(x)| < tol, as (start, end) pairs."""
    flat = np.abs(np.asarray(dfx)) < tol
    edges = np.diff(np.concatenate([[0], flat.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(float(x[s]), float(x[e])) for s, e in zip(starts, ends)]


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
