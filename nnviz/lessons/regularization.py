"""What the Overfitting and regularisation page computes (book ch. 6.4–6.5): small training sets
that a deep net memorises, and the same runs with weight decay or dropout, trained live in lock step.

A `Lab` trains one net per `Variant` of one `Setup` on the first `n_train` training images (as
the book takes `x_train[:300]`), with the same batches for every net, and measures accuracy on
the training images and on the whole test set after every epoch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from nnviz.core.net import MultiLayerNetExtend
from nnviz.core.optimizer import SGD
from nnviz.core.train import Trainer, blas_threads
from nnviz.lessons.frozen import read_only
from nnviz.lessons.live import LockStep

Array = np.ndarray
Data = tuple[tuple[Array, Array], tuple[Array, Array]]

N_CLASSES = 10
BOOK_HIDDEN = (100,) * 6
TRAIN_SIZES = ("100", "200", "300", "500", "1000", "2000")
"""Training-set sizes offered: multiples of the batch of 100, so every update sees a full batch."""
WIDTHS = ("20", "50", "100", "200")
DECAYS = ("0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1")
BOOK_DECAY = "0.1"
BOOK_DROPOUT = 0.2
HIST_BINS = 41
HIST_SPAN = 0.6
"""Weight histograms cover −0.6…0.6 (values beyond are counted in the end bins)."""


@dataclass(frozen=True)
class Setup:
    """The experiment shared by every net of a lab: the book's ch. 6.4 by default."""

    n_train: int = 300
    hidden: tuple[int, ...] = BOOK_HIDDEN
    epochs: int = 200
    lr: float = 0.01
    batch_size: int = 100
    seed: int = 0


@dataclass(frozen=True)
class Variant:
    """How one net of the lab is regularised."""

    weight_decay: float = 0.0
    dropout: float = 0.0


@dataclass(frozen=True)
class Curves:
    """Accuracy per epoch (epoch 0: before any update) on the training images and the test set."""

    epochs: Array
    train: Array
    test: Array

    @property
    def gap(self) -> float:
        """Train minus test accuracy after the last epoch measured."""
        return float(self.train[-1] - self.test[-1])


@dataclass(frozen=True)
class LossSplit:
    """A net's loss on its whole training set: cross-entropy plus ½λΣW² (λ, and ΣW² over all layers)."""

    cross_entropy: float
    penalty: float
    weight_decay: float
    squares: float


@dataclass(frozen=True)
class Histograms:
    """Shared bin edges and, per net, the share of all its weights in each bin."""

    edges: Array
    shares: tuple[Array, ...]


def build_net(setup: Setup, variant: Variant, n_inputs: int, dtype: type[np.floating] = np.float32) -> MultiLayerNetExtend:
    """The book's net for this experiment: ReLU, He initial weights, the variant's regularisation."""
    return MultiLayerNetExtend(n_inputs, list(setup.hidden), N_CLASSES, "relu", "he", variant.weight_decay,
                               use_dropout=variant.dropout > 0, dropout_ration=variant.dropout, seed=setup.seed,
                               dtype=dtype)


class Lab(LockStep):
    """One net per variant, trained with SGD on the same batches, tick by tick."""

    def __init__(self, setup: Setup, variants: Sequence[Variant], data: Data) -> None:
        (x_train, t_train), (self.x_test, self.t_test) = data
        self.setup = setup
        self.variants = tuple(variants)
        self.x_train, self.t_train = x_train[: setup.n_train], t_train[: setup.n_train]
        self.nets = [build_net(setup, v, self.x_train.shape[1]) for v in self.variants]
        trainers = [Trainer(net, SGD(setup.lr), self.x_train, self.t_train, self.x_test, self.t_test,
                            batch_size=setup.batch_size, epochs=setup.epochs, seed=setup.seed) for net in self.nets]
        with np.errstate(all="ignore"), blas_threads(1):
            self.initial = [(net.accuracy(self.x_train, self.t_train), net.accuracy(self.x_test, self.t_test))
                            for net in self.nets]
        super().__init__(trainers)

    def matches(self, setup: Setup, variants: Sequence[Variant]) -> bool:
        """Whether these nets are the ones asked for (the number of epochs may differ: it is live)."""
        return replace(setup, epochs=self.setup.epochs) == self.setup and tuple(variants) == self.variants

    def follow_epochs(self, epochs: int) -> None:
        """Train to a new last epoch (never before the current one): the run goes on or stops earlier."""
        epochs = max(int(epochs), 1)
        self.setup = replace(self.setup, epochs=epochs)
        for tr in self.trainers:
            tr.epochs = epochs
        if self.target is not None:
            self.target = min(self.target, self.lead.total_iters)
        if self.done:
            self.running, self.target = False, None

    def finish(self) -> None:
        """Train every net to its last epoch at once (tests and scripts; pages tick)."""
        while not self.done:
            self.advance(max_iters=self.lead.total_iters)

    def curves(self, k: int) -> Curves:
        tr = self.trainers[k]
        train0, test0 = self.initial[k]
        curves = Curves(np.arange(len(tr.test_acc_history) + 1), np.r_[train0, tr.train_acc_history],
                        np.r_[test0, tr.test_acc_history])
        return read_only(curves)

    def loss_split(self, k: int) -> LossSplit:
        """Net k's evaluation loss on its training images, and the weight-decay part of it."""
        net = self.nets[k]
        with np.errstate(all="ignore"), blas_threads(1):
            cross_entropy = net.last_layer.forward(net.predict(self.x_train), self.t_train)
            squares = sum(float(np.vdot(net.params[f"W{i}"], net.params[f"W{i}"])) for i in range(1, net.n_layers + 1))
        return LossSplit(float(cross_entropy), net.weight_decay(), net.weight_decay_lambda, squares)

    def weight_histograms(self, bins: int = HIST_BINS, span: float = HIST_SPAN) -> Histograms:
        """Every net's weights (all layers) over the same bins, as shares of its weight count."""
        edges = np.linspace(-span, span, bins + 1)
        shares = []
        for net in self.nets:
            w = np.concatenate([net.params[f"W{i}"].ravel() for i in range(1, net.n_layers + 1)])
            counts = np.histogram(np.clip(w.astype(np.float64), -span, span), edges)[0]
            shares.append(counts / w.size)
        return read_only(Histograms(edges, tuple(shares)))

    def next_masks(self, k: int, sample: int = 0) -> Array | None:
        """Which hidden units the next update of net k keeps (True) for one image of its batch,
        one row per hidden layer; None without dropout.

        The masks are drawn exactly as the update will draw them (same RNG state, same batch
        shape), then the RNG is rewound, so looking does not change the run.
        """
        net = self.nets[k]
        if not self.variants[k].dropout:
            return None
        state = net.rng.bit_generator.state
        with np.errstate(all="ignore"), blas_threads(1):
            net.predict(self.x_train[: min(self.setup.batch_size, len(self.x_train))], train_flg=True)
        net.rng.bit_generator.state = state
        masks = [net.layers[f"Dropout{i}"].mask[sample] > 0 for i in range(1, net.n_layers)]
        return read_only(np.stack(masks))


def kept_share(masks: Array) -> float:
    """The share of hidden units a mask keeps (about 1 − dropout ratio)."""
    return float(np.mean(masks))


def survivor_scale(ratio: float) -> float:
    """Inverted dropout multiplies kept units by 1/(1 − p) in training, so test time needs no change."""
    return 1.0 / (1.0 - ratio) if ratio < 1 else math.inf
