"""Fully connected nets in the book's style: MultiLayerNet and its 784-50-10 case TwoLayerNet."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.core.functions import ACTIVATIONS, SATURATION_TOL
from nnviz.core.init import book_init_scheme, init_weight
from nnviz.core.layers import (
    ACTIVATION_LAYERS,
    Affine,
    BatchNormalization,
    Dropout,
    LeakyRelu,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    Tanh,
)

Array = np.ndarray
Grads = dict[str, Array]
Layer = Affine | BatchNormalization | Relu | Sigmoid | Tanh | LeakyRelu | Dropout
TRAIN_MODE_LAYERS = (Dropout, BatchNormalization)
"""Layers whose forward differs between training and evaluation."""
NUMERICAL_H = 1e-4


@dataclass(frozen=True)
class LayerStats:
    """Statistics of one layer after the last forward/backward pass (None where meaningless)."""

    index: int
    activation: str
    act_mean: float
    act_std: float
    zero_fraction: float | None
    dead_fraction: float | None
    saturated_fraction: float | None
    weight_std: float
    grad_rms: float | None


class MultiLayerNet:
    """Affine [→ BatchNorm] → activation [→ Dropout] per hidden layer, then Affine → SoftmaxWithLoss.

    Batch norm adds γ{i} (ones) and β{i} (zeros) to `params`, as the book's MultiLayerNetExtend.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size_list: list[int] | tuple[int, ...],
        output_size: int,
        activation: str = "relu",
        weight_init_std: str | float = "he",
        weight_decay_lambda: float = 0.0,
        dropout_ratio: float = 0.0,
        seed: int | None = None,
        dtype: type[np.floating] | np.dtype = np.float32,
        use_batchnorm: bool = False,
    ) -> None:
        if activation not in ACTIVATION_LAYERS:
            raise ValueError(f"unknown activation {activation!r}; choose from {sorted(ACTIVATION_LAYERS)}")
        self.activation = activation
        self.weight_decay_lambda = float(weight_decay_lambda)
        self.use_batchnorm = use_batchnorm
        self.dtype = np.dtype(dtype)
        self.rng = np.random.default_rng(seed)
        sizes = [input_size, *hidden_size_list, output_size]
        self.n_layers = len(sizes) - 1
        self.params: dict[str, Array] = {}
        scheme, std = book_init_scheme(weight_init_std)
        for i in range(1, self.n_layers + 1):
            w = init_weight(scheme, sizes[i - 1], sizes[i], self.rng, std=std, dtype=np.float64)
            self.params[f"W{i}"] = w.astype(self.dtype)
            self.params[f"b{i}"] = np.zeros(sizes[i], dtype=self.dtype)
            if use_batchnorm and i < self.n_layers:
                self.params[f"gamma{i}"] = np.ones(sizes[i], dtype=self.dtype)
                self.params[f"beta{i}"] = np.zeros(sizes[i], dtype=self.dtype)
        act_cls = ACTIVATION_LAYERS[activation]
        self.layers: dict[str, Layer] = {}
        for i in range(1, self.n_layers + 1):
            self.layers[f"Affine{i}"] = Affine(self.params[f"W{i}"], self.params[f"b{i}"], compute_dx=i > 1)
            if i < self.n_layers:
                if use_batchnorm:
                    self.layers[f"BatchNorm{i}"] = BatchNormalization(self.params[f"gamma{i}"], self.params[f"beta{i}"])
                self.layers[f"{act_cls.__name__}{i}"] = act_cls()
                if dropout_ratio > 0:
                    self.layers[f"Dropout{i}"] = Dropout(dropout_ratio, self.rng)
        self.last_layer = SoftmaxWithLoss()

    def _affine(self, i: int) -> Affine:
        return self.layers[f"Affine{i}"]

    def predict(self, x: Array, train_flg: bool = False) -> Array:
        """Scores before softmax; dropout drops and batch norm uses batch statistics only when train_flg."""
        for i in range(1, self.n_layers + 1):  # follow the params even if an optimizer rebinds them
            affine = self._affine(i)
            affine.W, affine.b = self.params[f"W{i}"], self.params[f"b{i}"]
            norm = self.layers.get(f"BatchNorm{i}")
            if norm is not None:
                norm.gamma, norm.beta = self.params[f"gamma{i}"], self.params[f"beta{i}"]
        for layer in self.layers.values():
            x = layer.forward(x, train_flg) if isinstance(layer, TRAIN_MODE_LAYERS) else layer.forward(x)
        return x

    def weight_decay(self) -> float:
        """½ λ Σ_layers Σ W² (biases are not decayed)."""
        if self.weight_decay_lambda == 0.0:
            return 0.0
        total = sum(float(np.vdot(self.params[f"W{i}"], self.params[f"W{i}"])) for i in range(1, self.n_layers + 1))
        return 0.5 * self.weight_decay_lambda * total

    def loss(self, x: Array, t: Array, train_flg: bool = False) -> float:
        """Cross-entropy of softmax(predict(x)) against t, plus the weight-decay term."""
        return self.last_layer.forward(self.predict(x, train_flg), t) + self.weight_decay()

    def accuracy(self, x: Array, t: Array) -> float:
        """Fraction of argmax predictions equal to t (labels or one-hot)."""
        y = self.predict(x).argmax(axis=1)
        t = np.asarray(t)
        labels = t.argmax(axis=1) if t.ndim != 1 else t
        return float(np.mean(y == labels))

    def loss_and_gradient(self, x: Array, t: Array) -> tuple[float, Grads]:
        """One training forward (dropout on) and backprop; weight decay adds λW to each dW."""
        loss = self.loss(x, t, train_flg=True)
        dout = self.last_layer.backward(1.0)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        grads: Grads = {}
        lam = self.weight_decay_lambda
        for i in range(1, self.n_layers + 1):
            affine = self._affine(i)
            grads[f"W{i}"] = affine.dW + lam * affine.W if lam else affine.dW
            grads[f"b{i}"] = affine.db
            norm = self.layers.get(f"BatchNorm{i}")
            if norm is not None:
                grads[f"gamma{i}"], grads[f"beta{i}"] = norm.dgamma, norm.dbeta
        return loss, grads

    def gradient(self, x: Array, t: Array) -> Grads:
        """Backprop gradients of `loss` with respect to every parameter."""
        return self.loss_and_gradient(x, t)[1]

    def numerical_gradient(self, x: Array, t: Array, h: float = NUMERICAL_H, train_flg: bool = False) -> Grads:
        """Central differences (L(p + h) − L(p − h)) / 2h; meaningful in float64 only.

        By default the evaluation loss (dropout off, batch norm on running statistics). With
        `train_flg`, the loss a training step sees: batch statistics, and every evaluation draws
        the dropout masks the next training step would (the RNG is rewound each time); the RNG
        and the running statistics are left as they were.
        """
        rng_state = self.rng.bit_generator.state
        norms = [layer for layer in self.layers.values() if isinstance(layer, BatchNormalization)]
        running = [(norm.running_mean, norm.running_var) for norm in norms]

        def loss() -> float:
            self.rng.bit_generator.state = rng_state
            return self.loss(x, t, train_flg)

        grads: Grads = {}
        for key, p in self.params.items():
            g = np.zeros_like(p)
            for idx in np.ndindex(p.shape):
                old = p[idx]
                p[idx] = old + h
                f_plus = loss()
                p[idx] = old - h
                f_minus = loss()
                p[idx] = old
                g[idx] = (f_plus - f_minus) / (2 * h)
            grads[key] = g
        self.rng.bit_generator.state = rng_state
        for norm, (mean, var) in zip(norms, running):
            norm.running_mean, norm.running_var = mean, var
        return grads

    def layer_stats(self) -> list[LayerStats]:
        """Per layer: activation mean/std, zero and dead-unit fractions (ReLU family),
        saturated fraction (|f'| < 0.01, for activations with a plateau), weight std and RMS of the
        last ∂L/∂W; [] before any loss."""
        if self.last_layer.y is None:
            return []
        stats = []
        acts = [layer for layer in self.layers.values() if isinstance(layer, tuple(ACTIVATION_LAYERS.values()))]
        plateau = ACTIVATIONS[self.activation].plateau
        for i in range(1, self.n_layers + 1):
            affine = self._affine(i)
            grad_rms = None if affine.dW is None else float(np.sqrt(np.mean(np.square(affine.dW, dtype=np.float64))))
            if i < self.n_layers:
                act = acts[i - 1]
                out, name = act.out, self.activation
                relu_like = isinstance(act, (Relu, LeakyRelu))
                inactive = act.mask if relu_like else None
                zero = None if inactive is None else float(inactive.mean())
                dead = None if inactive is None else float(inactive.all(axis=0).mean())
                saturated = float(np.mean(np.abs(act.derivative()) < SATURATION_TOL)) if plateau else None
            else:
                out, name, zero, dead, saturated = self.last_layer.y, "softmax", None, None, None
            stats.append(
                LayerStats(
                    index=i,
                    activation=name,
                    act_mean=float(np.mean(out, dtype=np.float64)),
                    act_std=float(np.std(out, dtype=np.float64)),
                    zero_fraction=zero,
                    dead_fraction=dead,
                    saturated_fraction=saturated,
                    weight_std=float(np.std(affine.W, dtype=np.float64)),
                    grad_rms=grad_rms,
                )
            )
        return stats


class MultiLayerNetExtend(MultiLayerNet):
    """The book's extended net: its argument names (`use_dropout`, `dropout_ration`, `use_batchnorm`)."""

    def __init__(
        self,
        input_size: int,
        hidden_size_list: list[int] | tuple[int, ...],
        output_size: int,
        activation: str = "relu",
        weight_init_std: str | float = "he",
        weight_decay_lambda: float = 0.0,
        use_dropout: bool = False,
        dropout_ration: float = 0.5,
        use_batchnorm: bool = False,
        seed: int | None = None,
        dtype: type[np.floating] | np.dtype = np.float32,
    ) -> None:
        super().__init__(input_size, hidden_size_list, output_size, activation, weight_init_std, weight_decay_lambda,
                         dropout_ration if use_dropout else 0.0, seed, dtype, use_batchnorm)


class TwoLayerNet(MultiLayerNet):
    """The book's 784-50-10 net: Affine → ReLU → Affine → SoftmaxWithLoss, W ~ 0.01·N(0, 1)."""

    def __init__(
        self,
        input_size: int = 784,
        hidden_size: int = 50,
        output_size: int = 10,
        weight_init_std: str | float = 0.01,
        seed: int | None = None,
        dtype: type[np.floating] | np.dtype = np.float32,
    ) -> None:
        super().__init__(input_size, [hidden_size], output_size, "relu", weight_init_std, seed=seed, dtype=dtype)
