"""Activation functions, their analytic derivatives and LaTeX forms.

Conventions at kinks (see docs/conventions.md): step(0) = 0, step'(x) = 0,
ReLU'(0) = 0, Leaky ReLU'(0) = α, ELU'(0) = α. Every function is evaluated
without overflow warnings for |x| up to 1e4 and beyond.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from nnviz.core.expr import Expression

Array = np.ndarray
SATURATION_TOL = 0.01

_erf = np.vectorize(math.erf, otypes=[float])


@dataclass(frozen=True)
class Activation:
    """An element-wise activation: value, derivative and their LaTeX."""

    key: str
    f: Callable[[Array], Array]
    df: Callable[[Array], Array]
    latex_f: str
    latex_df: str
    jumps: tuple[float, ...] = ()
    df_jumps: tuple[float, ...] = ()


def identity(x: Array) -> Array:
    return np.asarray(x, dtype=float).copy()


def identity_grad(x: Array) -> Array:
    return np.ones_like(np.asarray(x, dtype=float))


def step(x: Array) -> Array:
    """Binary step with step(0) = 0, as in the book."""
    return (np.asarray(x) > 0).astype(float)


def step_grad(x: Array) -> Array:
    """Zero everywhere (the jump at 0 has no derivative; we draw 0)."""
    return np.zeros_like(np.asarray(x, dtype=float))


def sigmoid(x: Array) -> Array:
    """1 / (1 + e^-x), computed from e^-|x| so that nothing overflows."""
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(x: Array) -> Array:
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x: Array) -> Array:
    return np.tanh(np.asarray(x, dtype=float))


def tanh_grad(x: Array) -> Array:
    return 1.0 - np.tanh(np.asarray(x, dtype=float)) ** 2


def relu(x: Array) -> Array:
    return np.maximum(np.asarray(x, dtype=float), 0.0)


def relu_grad(x: Array) -> Array:
    """1 for x > 0, else 0 (ReLU'(0) = 0, as in the book's layer and PyTorch)."""
    return (np.asarray(x) > 0).astype(float)


def leaky_relu(x: Array, alpha: float = 0.01) -> Array:
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, alpha * x)


def leaky_relu_grad(x: Array, alpha: float = 0.01) -> Array:
    """1 for x > 0, else α (so the derivative at 0 is α)."""
    return np.where(np.asarray(x) > 0, 1.0, alpha)


def elu(x: Array, alpha: float = 1.0) -> Array:
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_grad(x: Array, alpha: float = 1.0) -> Array:
    """1 for x > 0, else α·e^x (so the derivative at 0 is α)."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def softplus(x: Array) -> Array:
    """ln(1 + e^x) via logaddexp, exact for large |x|."""
    return np.logaddexp(0.0, np.asarray(x, dtype=float))


def gelu(x: Array) -> Array:
    """Exact GELU x·Φ(x) with the standard normal CDF Φ (not the tanh approximation)."""
    x = np.asarray(x, dtype=float)
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def gelu_grad(x: Array) -> Array:
    x = np.asarray(x, dtype=float)
    cdf = 0.5 * (1.0 + _erf(x / math.sqrt(2.0)))
    pdf = np.exp(-0.5 * np.minimum(x * x, 1e4)) / math.sqrt(2.0 * math.pi)
    return cdf + x * pdf


def silu(x: Array) -> Array:
    """SiLU / swish: x·σ(x)."""
    x = np.asarray(x, dtype=float)
    return x * sigmoid(x)


def silu_grad(x: Array) -> Array:
    x = np.asarray(x, dtype=float)
    s = sigmoid(x)
    return s * (1.0 + x * (1.0 - s))


ACTIVATIONS: dict[str, Activation] = {
    a.key: a
    for a in [
        Activation("identity", identity, identity_grad, r"f(x) = x", r"f'(x) = 1"),
        Activation(
            "step", step, step_grad,
            r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
            r"f'(x) = 0 \quad (x \ne 0)",
            jumps=(0.0,),
        ),
        Activation(
            "sigmoid", sigmoid, sigmoid_grad,
            r"\sigma(x) = \frac{1}{1 + e^{-x}}", r"\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)",
        ),
        Activation(
            "tanh", tanh, tanh_grad,
            r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}", r"\tanh'(x) = 1 - \tanh^2(x)",
        ),
        Activation(
            "relu", relu, relu_grad,
            r"\mathrm{ReLU}(x) = \max(0, x)",
            r"\mathrm{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
            df_jumps=(0.0,),
        ),
        Activation(
            "leaky_relu", leaky_relu, leaky_relu_grad,
            r"f(x) = \begin{cases} x & x > 0 \\ 0.01\,x & x \le 0 \end{cases}",
            r"f'(x) = \begin{cases} 1 & x > 0 \\ 0.01 & x \le 0 \end{cases}",
            df_jumps=(0.0,),
        ),
        Activation(
            "elu", elu, elu_grad,
            r"f(x) = \begin{cases} x & x > 0 \\ e^{x} - 1 & x \le 0 \end{cases}",
            r"f'(x) = \begin{cases} 1 & x > 0 \\ e^{x} & x \le 0 \end{cases}",
        ),
        Activation(
            "softplus", softplus, sigmoid,
            r"f(x) = \ln\left(1 + e^{x}\right)", r"f'(x) = \sigma(x)",
        ),
        Activation(
            "gelu", gelu, gelu_grad,
            r"f(x) = x\,\Phi(x) = \tfrac{x}{2}\left(1 + \operatorname{erf}\tfrac{x}{\sqrt{2}}\right)",
            r"f'(x) = \Phi(x) + x\,\varphi(x), \quad \varphi(x) = \tfrac{1}{\sqrt{2\pi}} e^{-x^2/2}",
        ),
        Activation(
            "silu", silu, silu_grad,
            r"f(x) = x\,\sigma(x)", r"f'(x) = \sigma(x)\bigl(1 + x\,(1 - \sigma(x))\bigr)",
        ),
    ]
}


def from_expression(expr: Expression) -> Activation:
    """A user-typed activation f(x): value and SymPy derivative, both vectorised."""
    derivative = expr.diff("x")
    return Activation("custom", expr, derivative, f"f(x) = {expr.latex}", f"f'(x) = {derivative.latex}")


def get(name: str) -> Activation:
    """The activation registered under ``name`` (KeyError for unknown names)."""
    return ACTIVATIONS[name]


def softmax(z: Array, temperature: float = 1.0, axis: int = -1) -> Array:
    """Stable softmax of z / T: the maximum is subtracted before exponentiating."""
    z = np.asarray(z, dtype=float) / temperature
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_naive(z: Array) -> Array:
    """The textbook formula without the shift: overflows to NaN for large logits."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(np.asarray(z, dtype=float))
        return e / np.sum(e, axis=-1, keepdims=True)


def softmax_jacobian(z: Array, temperature: float = 1.0) -> Array:
    """∂p_i/∂z_j = (p_i (δ_ij − p_j)) / T for a single logit vector."""
    p = softmax(z, temperature)
    return (np.diag(p) - np.outer(p, p)) / temperature


SOFTMAX_LATEX = r"p_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}} = \frac{e^{(z_i - m)/T}}{\sum_j e^{(z_j - m)/T}}, \quad m = \max_j z_j"
SOFTMAX_JACOBIAN_LATEX = r"\frac{\partial p_i}{\partial z_j} = \frac{1}{T}\, p_i \left(\delta_{ij} - p_j\right)"


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
