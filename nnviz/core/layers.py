"""Book-style layers with forward/backward, built on the activation table and the losses.

Every layer keeps the dtype of its input (float32 in, float32 out). Kinks: ReLU'(0) = 0,
LeakyReLU'(0) = α (the mask is x ≤ 0). Softmax subtracts the row maximum.
"""

from __future__ import annotations

import numpy as np

from nnviz.core.functions import LEAKY_SLOPE, leaky_relu, leaky_relu_grad, relu, sigmoid, softmax, tanh
from nnviz.core.losses import cross_entropy_error, softmax_with_loss_backward

Array = np.ndarray


class MulLayer:
    """The book's multiplication node: out = x·y; backward swaps the inputs, (dout·y, dout·x)."""

    def __init__(self) -> None:
        self.x: Array | float | None = None
        self.y: Array | float | None = None

    def forward(self, x: Array | float, y: Array | float) -> Array | float:
        self.x = x
        self.y = y
        return x * y

    def backward(self, dout: Array | float) -> tuple[Array | float, Array | float]:
        return dout * self.y, dout * self.x


class AddLayer:
    """The book's addition node: out = x + y; backward passes dout on to both inputs unchanged."""

    def forward(self, x: Array | float, y: Array | float) -> Array | float:
        return x + y

    def backward(self, dout: Array | float) -> tuple[Array | float, Array | float]:
        return dout * 1, dout * 1


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
        self.out = relu(x)
        return self.out

    def backward(self, dout: Array) -> Array:
        return dout * (self.out > 0)

    def derivative(self) -> Array:
        """f'(x) of the last forward pass."""
        return (self.out > 0).astype(self.out.dtype)


class LeakyRelu:
    """x for x > 0, αx otherwise; LeakyReLU'(0) = α."""

    def __init__(self, alpha: float = LEAKY_SLOPE) -> None:
        self.alpha = float(alpha)
        self.x: Array | None = None
        self.out: Array | None = None

    @property
    def mask(self) -> Array:
        """Where the last input was ≤ 0 (slope α)."""
        return self.x <= 0

    def forward(self, x: Array) -> Array:
        self.x = x
        self.out = leaky_relu(x, self.alpha)
        return self.out

    def backward(self, dout: Array) -> Array:
        return dout * self.derivative()

    def derivative(self) -> Array:
        return leaky_relu_grad(self.x, self.alpha)


class _SmoothActivation:
    """An activation whose derivative follows from its output y; backward is dout · f'(x)."""

    def __init__(self) -> None:
        self.out: Array | None = None

    def forward(self, x: Array) -> Array:
        self.out = self.function(x)
        return self.out

    def backward(self, dout: Array) -> Array:
        return dout * self.derivative()

    @staticmethod
    def function(x: Array) -> Array:
        raise NotImplementedError

    def derivative(self) -> Array:
        raise NotImplementedError


class Sigmoid(_SmoothActivation):
    """1 / (1 + e^−x) from e^−|x| (never overflows); backward dout · y(1 − y)."""

    function = staticmethod(sigmoid)

    def derivative(self) -> Array:
        return self.out * (1 - self.out)


class Tanh(_SmoothActivation):
    """tanh x; backward dout · (1 − y²)."""

    function = staticmethod(tanh)

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


BN_EPS = 1e-6
"""The book's 10e-7 inside the square root of the batch-norm variance."""


class BatchNormalization:
    """The book's batch norm over the batch axis: y = γ (x − μ) / √(σ² + ε) + β.

    Training normalises with the batch's mean and (biased) variance and updates the running
    statistics as momentum · old + (1 − momentum) · batch (momentum 0.9 ⇔ PyTorch's 0.1);
    evaluation normalises with the running statistics. The running mean starts at 0 and the
    running variance at 1 (PyTorch's start; the book starts both at 0).
    """

    def __init__(self, gamma: Array, beta: Array, momentum: float = 0.9, eps: float = BN_EPS) -> None:
        self.gamma = gamma
        self.beta = beta
        self.momentum = float(momentum)
        self.eps = float(eps)
        self.running_mean = np.zeros_like(gamma)
        self.running_var = np.ones_like(gamma)
        self.xc: Array | None = None
        self.xn: Array | None = None
        self.std: Array | None = None
        self.dgamma: Array | None = None
        self.dbeta: Array | None = None

    def forward(self, x: Array, train_flg: bool = True) -> Array:
        if train_flg:
            mu = x.mean(axis=0)
            self.xc = x - mu
            var = np.mean(self.xc * self.xc, axis=0)
            self.std = np.sqrt(var + self.eps)
            self.xn = self.xc / self.std
            keep = self.momentum
            self.running_mean = keep * self.running_mean + (1 - keep) * mu
            self.running_var = keep * self.running_var + (1 - keep) * var
            xn = self.xn
        else:
            xn = (x - self.running_mean) / np.sqrt(self.running_var + self.eps)
        return self.gamma * xn + self.beta

    def backward(self, dout: Array) -> Array:
        """dβ = Σ dout, dγ = Σ x̂ · dout, dx = (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)) / σ."""
        self.dbeta = dout.sum(axis=0)
        self.dgamma = np.sum(self.xn * dout, axis=0)
        dxn = self.gamma * dout
        return (dxn - dxn.mean(axis=0) - self.xn * np.mean(dxn * self.xn, axis=0)) / self.std


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
        grad = softmax_with_loss_backward(self.y, self.t)
        grad *= dout
        return grad


ACTIVATION_LAYERS: dict[str, type[Relu | LeakyRelu | Sigmoid | Tanh]] = {
    "relu": Relu,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "leaky_relu": LeakyRelu,
}
"""Hidden-layer activations by the ids of the activation table (nnviz.core.functions)."""
