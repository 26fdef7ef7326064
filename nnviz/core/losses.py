"""Loss functions and their gradients with respect to the prediction, in two families named apart.

- **The book's names compute the book's forms.** Per sample a *sum* over the k outputs, averaged
  over a batch of N; a 1-D prediction is one sample, reshaped to (1, k) first (the notes divide a
  single sample by k instead). ``mean_squared_error`` is ½Σ(y − t)², a half sum despite its name;
  ``cross_entropy_error`` is −Σ t ln(y + δ) with δ = 1e-7; ``softmax_with_loss`` is cross-entropy
  of softmax(z), whose gradient is (y − t)/N. Targets are one-hot rows or integer labels.
- **PyTorch's names compute PyTorch's forms** (``torch.nn.functional``, ``reduction="mean"``): the
  mean over *every* element, of any shape. So ``mse_loss`` = (2/k)·``mean_squared_error`` for a
  batch of k outputs per sample, and ``huber_loss(δ)`` = δ·``smooth_l1_loss(β = δ)``.

Every loss has its gradient as ``<name>_grad``, shaped like the prediction. Residuals are
r = prediction − target, as in PyTorch. Nothing overflows or warns, however extreme the input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from nnviz.core.functions import sigmoid, softmax, softplus

Array = np.ndarray
LOG_DELTA = 1e-7
"""δ inside the book's log: ln(y + δ) stays finite at y = 0 (−ln δ ≈ 16.12)."""
LOG_FLOOR = -100.0
"""PyTorch's binary_cross_entropy clamps each log at −100, so a loss never exceeds 100."""
BCE_GRAD_EPS = 1e-12
"""PyTorch's floor under p(1 − p) in binary_cross_entropy's gradient."""


# --- the book's forms: per-sample sums, averaged over the batch -------------------------------------


def _rows(y: Array, t: Array) -> tuple[Array, Array]:
    """y as (N, k) rows (a 1-D y is one sample) and t as (N, k) one-hot rows or (N,) labels."""
    y, t = np.asarray(y), np.asarray(t)
    if y.ndim == 1:
        y = y.reshape(1, y.size)
    return y, (t.reshape(y.shape) if t.size == y.size else t.reshape(y.shape[0]).astype(np.intp))


def one_hot(y: Array, t: Array) -> Array:
    """The targets t (one-hot or labels) as one-hot rows shaped like the batch y."""
    y, t = _rows(y, t)
    if t.shape == y.shape:
        return t
    rows = np.zeros(y.shape, dtype=y.dtype if np.issubdtype(y.dtype, np.floating) else np.float64)
    rows[np.arange(len(t)), t] = 1
    return rows


def _like(grad: Array, y: Array) -> Array:
    """A gradient computed on rows, in the shape of the prediction y."""
    return grad.reshape(np.shape(y))


def cross_entropy_samples(y: Array, t: Array) -> Array:
    """−Σₖ tₖ ln(yₖ + δ) for every sample: shape (N,), one value for a 1-D y."""
    y, t = _rows(y, t)
    if t.shape == y.shape:
        return -np.sum(t * np.log(y + LOG_DELTA), axis=1)
    return -np.log(y[np.arange(len(t)), t] + LOG_DELTA)


def cross_entropy_error(y: Array, t: Array) -> float:
    """−Σ t ln(y + 1e-7) / N; t one-hot (same size as y) or integer labels; 1-D y is one sample."""
    return float(np.mean(cross_entropy_samples(y, t)))


def cross_entropy_error_grad(y: Array, t: Array) -> Array:
    """∂/∂y of cross_entropy_error: −t / ((y + δ) N)."""
    rows, _ = _rows(y, t)
    return _like(-one_hot(y, t) / ((rows + LOG_DELTA) * len(rows)), y)


def mean_squared_error(y: Array, t: Array) -> float:
    """The book's "mean squared error": ½ Σₖ (yₖ − tₖ)² per sample (a half sum, not a mean),
    averaged over a batch like cross_entropy_error; t one-hot or labels."""
    rows, _ = _rows(y, t)
    d = rows - one_hot(y, t)
    return float(0.5 * np.sum(d * d) / len(rows))


def mean_squared_error_grad(y: Array, t: Array) -> Array:
    """∂/∂y of mean_squared_error: (y − t) / N."""
    rows, _ = _rows(y, t)
    return _like((rows - one_hot(y, t)) / len(rows), y)


def softmax_with_loss(z: Array, t: Array) -> float:
    """The book's SoftmaxWithLoss forward: cross_entropy_error(softmax(z), t) for logits z."""
    return cross_entropy_error(softmax(z), t)


def softmax_with_loss_backward(y: Array, t: Array) -> Array:
    """(y − t) / N from the softmax output y: the gradient with respect to the logits.

    It is the exact gradient of −ln softmax(z)ₜ; δ only guards the forward pass's log.
    """
    rows, _ = _rows(y, t)
    grad = rows - one_hot(y, t).astype(rows.dtype, copy=False)
    grad /= len(rows)
    return _like(grad, y)


def softmax_with_loss_grad(z: Array, t: Array) -> Array:
    """∂/∂z of softmax_with_loss: (softmax(z) − t) / N."""
    return softmax_with_loss_backward(softmax(z), t)


# --- residual losses, element by element (r = prediction − target) ---------------------------------


def half_squared(r: Array) -> Array:
    """½ r²: the book's loss of one output."""
    r = np.asarray(r, dtype=float)
    return 0.5 * r * r


def half_squared_grad(r: Array) -> Array:
    return np.asarray(r, dtype=float).copy()


def squared(r: Array) -> Array:
    """r²: MSELoss of one element."""
    r = np.asarray(r, dtype=float)
    return r * r


def squared_grad(r: Array) -> Array:
    return 2 * np.asarray(r, dtype=float)


def absolute(r: Array) -> Array:
    """|r|: L1Loss (MAE) of one element."""
    return np.abs(np.asarray(r, dtype=float))


def absolute_grad(r: Array) -> Array:
    """sign(r), 0 at r = 0 (as PyTorch)."""
    return np.sign(np.asarray(r, dtype=float))


def huber(r: Array, delta: float = 1.0) -> Array:
    """½ r² for |r| < δ, δ(|r| − ½δ) beyond: slope capped at ±δ (PyTorch's HuberLoss)."""
    a = absolute(r)
    return np.where(a < delta, 0.5 * a * a, delta * (a - 0.5 * delta))


def huber_grad(r: Array, delta: float = 1.0) -> Array:
    return np.clip(np.asarray(r, dtype=float), -delta, delta)


def smooth_l1(r: Array, beta: float = 1.0) -> Array:
    """½ r²/β for |r| < β, |r| − ½β beyond: huber(r, β)/β, slope capped at ±1; |r| for β = 0."""
    return absolute(r) if beta == 0 else huber(r, beta) / beta


def smooth_l1_grad(r: Array, beta: float = 1.0) -> Array:
    return absolute_grad(r) if beta == 0 else huber_grad(r, beta) / beta


@dataclass(frozen=True)
class ResidualLoss:
    """A loss of one residual r = prediction − target: ℓ(r), ℓ′(r) and their LaTeX."""

    key: str
    f: Callable[[Array], Array]
    df: Callable[[Array], Array]
    latex_f: str
    latex_df: str


RESIDUAL_KEYS = ("half_squared", "squared", "absolute", "huber", "smooth_l1")


def residual_loss(key: str, width: float = 1.0) -> ResidualLoss:
    """The residual loss ``key``; ``width`` is Huber's δ or Smooth L1's β (ignored by the others).

    The LaTeX names the width δ or β rather than its value, so it stays short enough for a column.
    """
    table = {
        "half_squared": (half_squared, half_squared_grad, r"\ell(r) = \tfrac12 r^2", r"\ell'(r) = r"),
        "squared": (squared, squared_grad, r"\ell(r) = r^2", r"\ell'(r) = 2r"),
        "absolute": (absolute, absolute_grad, r"\ell(r) = |r|", r"\ell'(r) = \operatorname{sign} r"),
        "huber": (partial(huber, delta=width), partial(huber_grad, delta=width),
                  r"\ell(r) = \begin{cases} \tfrac12 r^2 & |r| < \delta \\ \delta\,(|r| - \tfrac12\delta) & |r| \ge \delta"
                  r" \end{cases}", r"\ell'(r) = \operatorname{clip}(r, -\delta, \delta)"),
        "smooth_l1": (partial(smooth_l1, beta=width), partial(smooth_l1_grad, beta=width),
                      r"\ell(r) = \begin{cases} \tfrac{r^2}{2\beta} & |r| < \beta \\ |r| - \tfrac12\beta & |r| \ge \beta"
                      r" \end{cases}", r"\ell'(r) = \operatorname{clip}(r / \beta, -1, 1)"),
    }
    return ResidualLoss(key, *table[key])


# --- PyTorch's forms: the mean over every element ---------------------------------------------------


def _mean(pointwise: Callable[[Array], Array], y: Array, t: Array) -> float:
    return float(np.mean(pointwise(np.asarray(y, dtype=float) - np.asarray(t, dtype=float))))


def _mean_grad(pointwise_grad: Callable[[Array], Array], y: Array, t: Array) -> Array:
    r = np.asarray(y, dtype=float) - np.asarray(t, dtype=float)
    return pointwise_grad(r) / r.size


def mse_loss(y: Array, t: Array) -> float:
    """PyTorch's MSELoss: mean (y − t)² over every element (= 2/k · the book's for k outputs)."""
    return _mean(squared, y, t)


def mse_loss_grad(y: Array, t: Array) -> Array:
    return _mean_grad(squared_grad, y, t)


def l1_loss(y: Array, t: Array) -> float:
    """PyTorch's L1Loss, the mean absolute error (MAE): mean |y − t|."""
    return _mean(absolute, y, t)


def l1_loss_grad(y: Array, t: Array) -> Array:
    return _mean_grad(absolute_grad, y, t)


def huber_loss(y: Array, t: Array, delta: float = 1.0) -> float:
    """PyTorch's HuberLoss(delta): mean huber(y − t, δ) (= δ · smooth_l1_loss with β = δ)."""
    return _mean(partial(huber, delta=delta), y, t)


def huber_loss_grad(y: Array, t: Array, delta: float = 1.0) -> Array:
    return _mean_grad(partial(huber_grad, delta=delta), y, t)


def smooth_l1_loss(y: Array, t: Array, beta: float = 1.0) -> float:
    """PyTorch's SmoothL1Loss(beta): mean smooth_l1(y − t, β) (= huber_loss(δ = β) / β)."""
    return _mean(partial(smooth_l1, beta=beta), y, t)


def smooth_l1_loss_grad(y: Array, t: Array, beta: float = 1.0) -> Array:
    return _mean_grad(partial(smooth_l1_grad, beta=beta), y, t)


def _log_clamped(p: Array) -> Array:
    """ln p, never below LOG_FLOOR (so ln 0 = −100, without a warning)."""
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(p), LOG_FLOOR)


def binary_cross_entropy_terms(p: Array, t: Array) -> Array:
    """−[t ln p + (1 − t) ln(1 − p)] element by element, each log ≥ −100 (reduction="none")."""
    p, t = np.asarray(p, dtype=float), np.asarray(t, dtype=float)
    return -(t * _log_clamped(p) + (1 - t) * _log_clamped(1 - p))


def binary_cross_entropy(p: Array, t: Array) -> float:
    """PyTorch's BCELoss on probabilities p: the mean of binary_cross_entropy_terms."""
    return float(np.mean(binary_cross_entropy_terms(p, t)))


def binary_cross_entropy_grad(p: Array, t: Array) -> Array:
    """(p − t) / max(p(1 − p), 1e-12) / n, PyTorch's gradient (finite even at p = 0 or 1)."""
    p, t = np.asarray(p, dtype=float), np.asarray(t, dtype=float)
    return (p - t) / np.maximum(p * (1 - p), BCE_GRAD_EPS) / p.size


def binary_cross_entropy_with_logits(z: Array, t: Array) -> float:
    """BCE of σ(z) from the logit z in the stable form softplus(z) − t·z (no log of a rounded 0)."""
    z, t = np.asarray(z, dtype=float), np.asarray(t, dtype=float)
    return float(np.mean(softplus(z) - t * z))


def binary_cross_entropy_with_logits_grad(z: Array, t: Array) -> Array:
    """(σ(z) − t) / n."""
    z, t = np.asarray(z, dtype=float), np.asarray(t, dtype=float)
    return (sigmoid(z) - t) / z.size
