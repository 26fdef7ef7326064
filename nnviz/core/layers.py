"""Book-style layers with forward/backward, plus softmax and the two losses.

Every layer keeps the dtype of its input (float32 in, float32 out). Kinks: ReLU'(0) = 0,
LeakyReLU'(0) = α (the mask is x ≤ 0). Softmax subtracts the row maximum.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray
LOG_DELTA = 1e-7


def softmax(x: Array) -> Array:
    """Stable softmax over the last axis: exp(x − max x) / Σ exp(x − max x)."""
    x = np.asarray(x)
    e = x - x.max(axis=-1, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=-1, keepdims=True)
    return e


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


class Affine:
    """out = x W + b; x of shape (N, …) is flattened to (N, n_in)."""

    def __init__(self, W: Array, b: Array, compute_dx: bool = True) -> None:
        self.W = W
        self.b = b
        self.compute_dx = compute_dx
        self.x: Array | None = None
        self.original_x_shape: tuple[int, ...] = ()
        self.dW: Array | None = None
        self.db: Array | None = None

    def forward(self, x: Array) -> Array:
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        out = self.x @ self.W
        out += self.b
        return out

    def backward(self, dout: Array) -> Array | None:
        """dW = xᵀ dout, db = Σ_batch dout, dx = dout Wᵀ (skipped if compute_dx is False)."""
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        if not self.compute_dx:
            return None
        return (dout @ self.W.T).reshape(self.original_x_shape)


class Relu:
    """max(x, 0); backward masks where x ≤ 0, so ReLU'(0) = 0."""

    def __init__(self) -> None:
        self.out: Array | None = None

    @property
    def mask(self) -> Array:
        """Where the last input was ≤ 0 (output 0, gradient 0)."""
        return self.out <= 0

    def forward(self, x: Array) -> Array:
        self.out = np.maximum(x, 0)
        return self.out

    def backward(self, dout: Array) -> Array:
        return dout * (self.out > 0)

    def derivative(self) -> Array:
        """f'(x) of the last forward pass."""
        return (self.out > 0).astype(self.out.dtype)


class LeakyRelu:
    """x for x > 0, αx otherwise; LeakyReLU'(0) = α."""

    def __init__(self, alpha: float = 0.01) -> None:
        self.alpha = float(alpha)
        self.mask: Array | None = None
        self.out: Array | None = None

    def forward(self, x: Array) -> Array:
        self.mask = x <= 0
        self.out = np.where(self.mask, self.alpha * x, x)
        return self.out

    def backward(self, dout: Array) -> Array:
        return np.where(self.mask, self.alpha * dout, dout)

    def derivative(self) -> Array:
        return np.where(self.mask, self.alpha, 1).astype(self.out.dtype)


class Sigmoid:
    """1 / (1 + e^−x) from e^−|x| (never overflows); backward dout · y(1 − y)."""

    def __init__(self) -> None:
        self.out: Array | None = None

    def forward(self, x: Array) -> Array:
        e = np.exp(-np.abs(x))
        out = np.where(x >= 0, 1, e)
        e += 1
        out /= e
        self.out = out
        return out

    def backward(self, dout: Array) -> Array:
        return dout * self.derivative()

    def derivative(self) -> Array:
        return self.out * (1 - self.out)


class Tanh:
    """tanh x; backward dout · (1 − y²)."""

    def __init__(self) -> None:
        self.out: Array | None = None

    def forward(self, x: Array) -> Array:
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout: Array) -> Array:
        return dout * self.derivative()

    def derivative(self) -> Array:
        return 1 - self.out * self.out


class Dropout:
    """Inverted dropout: in training each unit is kept with probability 1 − p and scaled by 1/(1 − p)."""

    def __init__(self, dropout_ratio: float = 0.5, rng: np.random.Generator | None = None) -> None:
        if not 0.0 <= dropout_ratio < 1.0:
            raise ValueError(f"dropout ratio must be in [0, 1), got {dropout_ratio}")
        self.dropout_ratio = float(dropout_ratio)
        self.rng = rng if rng is not None else np.random.default_rng()
        self.mask: Array | None = None

    def forward(self, x: Array, train_flg: bool = True) -> Array:
        """Training: x · mask with mask ∈ {0, 1/(1−p)}; evaluation: x unchanged."""
        if not train_flg or self.dropout_ratio == 0.0:
            self.mask = None
            return x
        draw_dtype = np.float32 if x.dtype == np.float32 else np.float64
        keep = self.rng.random(x.shape, dtype=draw_dtype) >= self.dropout_ratio
        self.mask = keep.astype(x.dtype)
        self.mask *= 1 / (1 - self.dropout_ratio)
        return x * self.mask

    def backward(self, dout: Array) -> Array:
        return dout if self.mask is None else dout * self.mask


class SoftmaxWithLoss:
    """Softmax followed by cross-entropy; backward (y − t)/N for one-hot or label targets."""

    def __init__(self) -> None:
        self.loss: float | None = None
        self.y: Array | None = None
        self.t: Array | None = None

    def forward(self, x: Array, t: Array) -> float:
        self.y = softmax(x)
        self.t = np.asarray(t)
        self.loss = cross_entropy_error(self.y, self.t)
        return self.loss

    def backward(self, dout: float = 1.0) -> Array:
        y = self.y.reshape(-1, self.y.shape[-1])
        batch = y.shape[0]
        if self.t.size == y.size:
            dx = y - self.t.reshape(y.shape).astype(y.dtype, copy=False)
        else:
            dx = y.copy()
            dx[np.arange(batch), self.t.reshape(batch)] -= 1
        dx *= dout / batch
        return dx.reshape(self.y.shape)
