"""Activation functions with their derivatives and LaTeX, and softmax: one table for the whole app.

Every function keeps a floating input's dtype (float32 in, float32 out; anything else becomes
float64) and never overflows. Conventions at kinks (docs/conventions.md): step(0) = 0,
ReLU'(0) = 0, Leaky ReLU'(0) = α, ELU'(0) = α.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnviz.core.expr import Expression

Array = np.ndarray
LEAKY_SLOPE = 0.01
SATURATION_TOL = 0.01
SATURATION_MIN_WIDTH = 1.0  # in units of x: a flat stretch, not the dip of f' through 0 at a minimum
_erf = np.vectorize(math.erf, otypes=[float])


def _float(x: Array | float) -> Array:
    """x as a floating array: float32 and float64 stay as they are, anything else becomes float64."""
    x = np.asarray(x)
    return x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)


def identity(x: Array) -> Array:
    return _float(x).copy()


def identity_grad(x: Array) -> Array:
    return np.ones_like(_float(x))


def step(x: Array) -> Array:
    """Binary step with step(0) = 0, as in the book."""
    x = _float(x)
    return (x > 0).astype(x.dtype)


def step_grad(x: Array) -> Array:
    """Zero everywhere (the jump at 0 has no derivative; we draw 0)."""
    return np.zeros_like(_float(x))


def sigmoid(x: Array) -> Array:
    """1 / (1 + e^-x) as e^min(x, 0) / (1 + e^-|x|): no exponent is ever positive, so nothing
    overflows (branch-free: np.where is several times slower on large arrays)."""
    x = _float(x)
    return np.exp(np.minimum(x, 0)) / (1 + np.exp(-np.abs(x)))


def sigmoid_grad(x: Array) -> Array:
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x: Array) -> Array:
    return np.tanh(_float(x))


def tanh_grad(x: Array) -> Array:
    return 1 - np.tanh(_float(x)) ** 2


def relu(x: Array) -> Array:
    return np.maximum(_float(x), 0)


def relu_grad(x: Array) -> Array:
    """1 for x > 0, else 0 (ReLU'(0) = 0, as in the book's layer and PyTorch)."""
    return step(x)


def leaky_relu(x: Array, alpha: float = LEAKY_SLOPE) -> Array:
    x = _float(x)
    return np.maximum(x, 0) + x.dtype.type(alpha) * np.minimum(x, 0)


def leaky_relu_grad(x: Array, alpha: float = LEAKY_SLOPE) -> Array:
    """1 for x > 0, else α (so the derivative at 0 is α); 0 ≤ α ≤ 1."""
    return np.maximum(step(x), _float(x).dtype.type(alpha))


def elu(x: Array, alpha: float = 1.0) -> Array:
    x = _float(x)
    return np.maximum(x, 0) + x.dtype.type(alpha) * np.expm1(np.minimum(x, 0))


def elu_grad(x: Array, alpha: float = 1.0) -> Array:
    """1 for x > 0, else α·e^x (so the derivative at 0 is α)."""
    x = _float(x)
    above = step(x)
    return above + (1 - above) * x.dtype.type(alpha) * np.exp(np.minimum(x, 0))


def softplus(x: Array) -> Array:
    """ln(1 + e^x) via logaddexp, exact for large |x|."""
    return np.logaddexp(0, _float(x))


def gelu(x: Array) -> Array:
    """Exact GELU x·Φ(x) with the standard normal CDF Φ (not the tanh approximation)."""
    x = _float(x)
    return (0.5 * x * (1 + _erf(x / math.sqrt(2)))).astype(x.dtype)


def gelu_grad(x: Array) -> Array:
    x = _float(x)
    cdf = 0.5 * (1 + _erf(x / math.sqrt(2)))
    near = np.minimum(np.abs(x), 40)  # φ(40) underflows to 0 already; the clip keeps x² finite
    pdf = np.exp(-0.5 * near * near) / math.sqrt(2 * math.pi)
    return (cdf + x * pdf).astype(x.dtype)


def silu(x: Array) -> Array:
    """SiLU / swish: x·σ(x)."""
    x = _float(x)
    return x * sigmoid(x)


def silu_grad(x: Array) -> Array:
    x = _float(x)
    s = sigmoid(x)
    return s * (1 + x * (1 - s))


@dataclass(frozen=True)
class Activation:
    """An element-wise activation: value, derivative, their LaTeX, and where they jump.

    ``plateau`` marks the functions that flatten out (|f'| → 0) over a whole half-line,
    for which a share of saturated units means something.
    """

    key: str
    f: Callable[[Array], Array]
    df: Callable[[Array], Array]
    latex_f: str
    latex_df: str
    jumps: tuple[float, ...] = ()
    df_jumps: tuple[float, ...] = ()
    plateau: bool = False


ACTIVATIONS: dict[str, Activation] = {a.key: a for a in (
    Activation("identity", identity, identity_grad, r"f(x) = x", r"f'(x) = 1"),
    Activation("step", step, step_grad, r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
               r"f'(x) = 0 \quad (x \ne 0)", jumps=(0.0,), plateau=True),
    Activation("sigmoid", sigmoid, sigmoid_grad, r"\sigma(x) = \frac{1}{1 + e^{-x}}",
               r"\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)", plateau=True),
    Activation("tanh", tanh, tanh_grad, r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
               r"\tanh'(x) = 1 - \tanh^2(x)", plateau=True),
    Activation("relu", relu, relu_grad, r"\mathrm{ReLU}(x) = \max(0, x)",
               r"\mathrm{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}", df_jumps=(0.0,)),
    Activation("leaky_relu", leaky_relu, leaky_relu_grad,
               r"f(x) = \begin{cases} x & x > 0 \\ 0.01\,x & x \le 0 \end{cases}",
               r"f'(x) = \begin{cases} 1 & x > 0 \\ 0.01 & x \le 0 \end{cases}", df_jumps=(0.0,)),
    Activation("elu", elu, elu_grad, r"f(x) = \begin{cases} x & x > 0 \\ e^{x} - 1 & x \le 0 \end{cases}",
               r"f'(x) = \begin{cases} 1 & x > 0 \\ e^{x} & x \le 0 \end{cases}", plateau=True),
    Activation("softplus", softplus, sigmoid, r"f(x) = \ln\left(1 + e^{x}\right)", r"f'(x) = \sigma(x)",
               plateau=True),
    Activation("gelu", gelu, gelu_grad,
               r"f(x) = x\,\Phi(x) = \tfrac{x}{2}\left(1 + \operatorname{erf}\tfrac{x}{\sqrt{2}}\right)",
               r"f'(x) = \Phi(x) + x\,\varphi(x), \quad \varphi(x) = \tfrac{1}{\sqrt{2\pi}} e^{-x^2/2}"),
    Activation("silu", silu, silu_grad, r"f(x) = x\,\sigma(x)",
               r"f'(x) = \sigma(x)\bigl(1 + x\,(1 - \sigma(x))\bigr)"),
)}


def get(name: str) -> Activation:
    """The activation registered under ``name`` (KeyError for unknown names)."""
    return ACTIVATIONS[name]


def from_expression(expr: Expression) -> Activation:
    """A user-typed activation f(x): value and SymPy derivative, both vectorised."""
    derivative = expr.diff("x")
    return Activation("custom", expr, derivative, f"f(x) = {expr.latex}", f"f'(x) = {derivative.latex}")


def saturated(act: Activation, x: Array, tol: float = SATURATION_TOL) -> Array:
    """Where a unit is saturated: |f'(x)| < tol (the one rule every page uses)."""
    with np.errstate(all="ignore"):
        return np.abs(act.df(x)) < tol


def saturation_zones(x: Array, dfx: Array, tol: float = SATURATION_TOL,
                     min_width: float = SATURATION_MIN_WIDTH) -> list[tuple[float, float]]:
    """Where a curve on the sorted grid ``x`` is saturated, as (start, end) pairs: the maximal runs of
    |f'| < tol that are a flat tail (they reach an end of the grid) or at least ``min_width`` wide.
    A short run around an isolated zero of f' (the minimum of swish or mish) is not saturation."""
    flat = np.abs(np.asarray(dfx)) < tol
    edges = np.diff(np.concatenate([[0], flat.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    last = len(flat) - 1
    return [(float(x[s]), float(x[e])) for s, e in zip(starts, ends)
            if s == 0 or e == last or x[e] - x[s] >= min_width]


def softmax(z: Array, temperature: float = 1.0, axis: int = -1) -> Array:
    """Stable softmax of z / T: the maximum is subtracted before exponentiating."""
    z = _float(z)
    if temperature != 1:
        z = z / temperature
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


def softmax_naive(z: Array) -> Array:
    """The textbook formula without the shift: overflows to NaN for large logits."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(_float(z))
        return e / np.sum(e, axis=-1, keepdims=True)


def softmax_jacobian(z: Array, temperature: float = 1.0) -> Array:
    """∂p_i/∂z_j = (p_i (δ_ij − p_j)) / T for a single logit vector."""
    p = softmax(z, temperature)
    return (np.diag(p) - np.outer(p, p)) / temperature


SOFTMAX_LATEX = (r"p_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}} = \frac{e^{(z_i - m)/T}}{\sum_j e^{(z_j - m)/T}},"
                 r" \quad m = \max_j z_j")
SOFTMAX_JACOBIAN_LATEX = r"\frac{\partial p_i}{\partial z_j} = \frac{1}{T}\, p_i \left(\delta_{ij} - p_j\right)"
