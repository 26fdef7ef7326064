"""What the Overfitting and regularisation page computes (book ch. 6.4–6.5): small training sets
that a deep net memorises, and the same runs with weight decay or dropout, trained live in lock step.

A `Lab` trains one net per `Variant` of one `Setup` on the first `n_train` training images (as
the book takes `x_train[:300]`), with the same batches for every net, and measures accuracy on
the training images and on a fixed part of the test set (its first `TEST_SCORED` images: all of
the shipped subset's 1 000, 2 000 of full MNIST's 10 000) after every epoch.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from nnviz.core.layers import BatchNormalization
from nnviz.core.net import MultiLayerNet, MultiLayerNetExtend
from nnviz.core.optimizer import SGD
from nnviz.core.search import SearchSpace, Trial, draw_trials, narrowed, validation_split
from nnviz.core.train import Trainer, blas_threads
from nnviz.lessons.frozen import read_only
from nnviz.lessons.init import STDS as INIT_STDS
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
TEST_SCORED = 2000
"""Test images scored after each epoch: the first 2 000 (the book scores all 10 000 of full MNIST)."""


@dataclass(frozen=True)
class Setup:
    """The experiment shared by every net of a lab: the book's ch. 6.4 by default."""

    n_train: int = 300
    hidden: tuple[int, ...] = BOOK_HIDDEN
    epochs: int = 200
    lr: float = 0.01
    batch_size: int = 100
    seed: int = 0
    n_test: int | None = TEST_SCORED
    """Test images scored each epoch (the first ones; None: all); the batch-norm grid, which draws
    training accuracy as the book does, scores a few to keep its ticks short."""
    train_scored: int | None = None
    """Training images scored each epoch (a fixed random sample; None: all of them)."""
    tick_seconds: float | None = None
    """A cap on one timed tick's training (None: the page's pace); a capped tick also stops at an
    epoch's end, so the evaluation of every net is most of that tick's work."""


@dataclass(frozen=True)
class Variant:
    """How one net of the lab is regularised (and, for the batch-norm grid, its initial weight std)."""

    weight_decay: float = 0.0
    dropout: float = 0.0
    batchnorm: bool = False
    init_std: float | None = None
    """None: He initial weights (√(2/n)); else a fixed std."""


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
    init = "he" if variant.init_std is None else variant.init_std
    return MultiLayerNetExtend(n_inputs, list(setup.hidden), N_CLASSES, "relu", init, variant.weight_decay,
                               use_dropout=variant.dropout > 0, dropout_ration=variant.dropout,
                               use_batchnorm=variant.batchnorm, seed=setup.seed, dtype=dtype)


def decay_twins(net: MultiLayerNet, decays: Sequence[float]) -> list[MultiLayerNet]:
    """Copies of `net`, one per weight decay λ: the same initial weights, as `build_net` with the same
    seed would draw them, for a fiftieth of the cost (drawing 50 nets' weights was most of a new search)."""
    twins = [copy.deepcopy(net) for _ in decays]
    for twin, decay in zip(twins, decays):
        twin.weight_decay_lambda = float(decay)
    return twins


class TimedLab(LockStep):
    """Nets of one `Setup` in lock step, whose ticks the setup may cap (`Setup.tick_seconds`)."""

    setup: Setup

    def advance(self, max_iters: int | None = None, time_budget: float | None = None,
                now: float | None = None) -> int:
        """`LockStep.advance`; a timed call (a page's tick) is held to the setup's `tick_seconds`."""
        cap = self.setup.tick_seconds
        if cap is not None and time_budget is not None:
            time_budget = min(time_budget, cap)
            to_end = self.iters_to_epoch_end()
            max_iters = to_end if max_iters is None else min(max_iters, to_end)
        return super().advance(max_iters, time_budget, now)

    def finish(self) -> None:
        """Train every net to its last epoch at once (tests and scripts; pages tick)."""
        while not self.done:
            self.advance(max_iters=self.lead.total_iters)


class Lab(TimedLab):
    """One net per variant, trained with SGD on the same batches, tick by tick."""

    def __init__(self, setup: Setup, variants: Sequence[Variant], data: Data) -> None:
        (x_train, t_train), (x_test, t_test) = data
        self.x_test, self.t_test = x_test[: setup.n_test], t_test[: setup.n_test]
        self.setup = setup
        self.variants = tuple(variants)
        self.x_train, self.t_train = x_train[: setup.n_train], t_train[: setup.n_train]
        self.nets = [build_net(setup, v, self.x_train.shape[1]) for v in self.variants]
        scored = len(self.x_train) if setup.train_scored is None else setup.train_scored
        trainers = [Trainer(net, SGD(setup.lr), self.x_train, self.t_train, self.x_test, self.t_test,
                            batch_size=setup.batch_size, epochs=setup.epochs, seed=setup.seed, train_acc_size=scored)
                    for net in self.nets]
        sample = trainers[0].train_acc_index  # the same for every net: it is drawn from the seed
        with np.errstate(all="ignore"), blas_threads(1):
            self.initial = [(net.accuracy(self.x_train[sample], self.t_train[sample]),
                             net.accuracy(self.x_test, self.t_test)) for net in self.nets]
        super().__init__(trainers)

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

    def scale_blamed(self, k: int) -> bool:
        """Whether net k stopped because of its initial weight scale, not its learning rate: it has
        no batch norm and diverged, while its twin (the next net: same scale, same η, with batch
        norm) did not."""
        if k + 1 >= len(self.variants):
            return False
        net, twin = self.variants[k], self.variants[k + 1]
        if net.batchnorm or not twin.batchnorm or net.init_std is None or twin.init_std != net.init_std:
            return False
        return self.stopped[k] in ("nonfinite_loss", "runaway") and self.stopped[k + 1] is None

    def probe_histograms(self, k: int) -> ActivationHistograms:
        """Net k's hidden activations for the first `PROBE_BATCH` training images, now."""
        return activation_histograms(hidden_activations(self.nets[k], self.x_train[:PROBE_BATCH]))

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


BN_SETUP = Setup(n_train=1000, hidden=(100,) * 5, epochs=20, n_test=100, train_scored=200, tick_seconds=0.08)
"""The book's batch-norm experiment (ch. 6.3): 1 000 images, five hidden layers of 100, 20 epochs.
Training accuracy, which the grid draws, is scored on a fixed 200 of the 1 000 images (the book
scores all of them), and a tick trains for at most 0.08 s and stops at an epoch's end: 32 nets
updated and evaluated in one tick would otherwise hold a server core for up to 0.4 s."""
BN_GRIDS = ("4", "8", "16")
PROBE_BATCH = 100
"""The fixed batch whose activations the histograms show: the first 100 training images."""
ACT_BINS = 30


def weight_scales(n: int) -> Array:
    """The book's initial weight stds: n values from 1 down to 1e-4, evenly spaced on a log scale."""
    return read_only(np.logspace(0, -4, n))


def batchnorm_variants(n: int) -> list[Variant]:
    """For each scale: the net without batch norm, then with it."""
    return [Variant(batchnorm=bn, init_std=float(std)) for std in weight_scales(n) for bn in (False, True)]


def nearest_scale(scales: Sequence[float], target: float) -> float:
    """The scale closest to `target` on a log scale (the page's default: the one nearest 0.01)."""
    return float(min(scales, key=lambda s: abs(math.log10(s / target))))


def init_rung(std: float) -> str:
    """The Init page's std (an id of its ladder) nearest to `std`, for a link to its experiment."""
    return min(INIT_STDS, key=lambda rung: abs(math.log10(float(rung) / std)))


def hidden_activations(net: MultiLayerNet, x: Array) -> list[Array]:
    """Each hidden layer's ReLU outputs for the batch `x`, as a training step sees them: batch norm
    normalises with this batch's statistics (train mode). Its running statistics and the net's
    random state are put back afterwards, so looking does not change the run."""
    norms = [layer for layer in net.layers.values() if isinstance(layer, BatchNormalization)]
    saved = [(norm.running_mean, norm.running_var) for norm in norms]
    state = net.rng.bit_generator.state
    with np.errstate(all="ignore"), blas_threads(1):
        net.predict(x, train_flg=True)
    for norm, (mean, var) in zip(norms, saved):
        norm.running_mean, norm.running_var = mean, var
    net.rng.bit_generator.state = state
    return [net.layers[f"Relu{i}"].out.copy() for i in range(1, net.n_layers)]


@dataclass(frozen=True)
class ActivationHistograms:
    """One net's hidden activations for the probe batch: the non-zero finite values of each layer
    over bin edges shared by its layers, and per layer the exact zeros (ReLU's off units) and
    non-finite values counted apart; `counts + zeros + nonfinite` = `per_layer` = batch × units."""

    counts: Array
    edges: Array
    zeros: Array
    nonfinite: Array
    per_layer: int

    @property
    def zero_share(self) -> float:
        """The share of all hidden outputs that are exactly 0 (units ReLU switched off)."""
        return float(self.zeros.sum() / (self.per_layer * len(self.zeros)))


def activation_histograms(acts: Sequence[Array], bins: int = ACT_BINS) -> ActivationHistograms:
    """Histograms of ReLU outputs from 0 to the largest finite value of any layer (as the Init page)."""
    finite = [a[np.isfinite(a)] for a in acts]
    positive = [f[f != 0] for f in finite]
    top = max((float(v.max()) for v in positive if v.size), default=1.0)
    edges = np.linspace(0.0, top, bins + 1)
    counts = np.array([np.histogram(v, edges)[0] for v in positive], dtype=np.int64)
    zeros = np.array([f.size - v.size for f, v in zip(finite, positive)], dtype=np.int64)
    nonfinite = np.array([a.size - f.size for a, f in zip(acts, finite)], dtype=np.int64)
    return read_only(ActivationHistograms(counts, edges, zeros, nonfinite, int(acts[0].size)))


SEARCH_SETUP = Setup(n_train=500, hidden=BOOK_HIDDEN, epochs=50, tick_seconds=0.08)
"""The book's search (ch. 6.5): 500 training images, 20 % of them for validation, 50 epochs a trial;
a tick trains for at most 0.08 s (one update of 50 nets is about 0.1 s of matrix products)."""
SEARCH_TRIALS = ("10", "20", "50", "100")
BEST_SHOWN = 5


class SearchLab(TimedLab):
    """Random search: one net per trial (lr, λ), trained on the training part of `train` and scored on
    its validation part. It is given training data only: the test set cannot enter the search."""

    def __init__(self, trials: Sequence[Trial], train: tuple[Array, Array], setup: Setup = SEARCH_SETUP,
                 space: SearchSpace | None = None) -> None:
        x, t = train
        (self.x_fit, self.t_fit), (self.x_val, self.t_val) = validation_split(x[: setup.n_train], t[: setup.n_train],
                                                                              seed=setup.seed)
        self.setup, self.trials, self.space = setup, tuple(trials), space or SearchSpace()
        self.nets = decay_twins(build_net(setup, Variant(), x.shape[1]), [tr.weight_decay for tr in self.trials])
        super().__init__([Trainer(net, SGD(tr.lr), self.x_fit, self.t_fit, self.x_val, self.t_val,
                                  batch_size=setup.batch_size, epochs=setup.epochs, seed=setup.seed,
                                  train_acc_size=0)  # only validation accuracy is drawn
                          for net, tr in zip(self.nets, self.trials)])

    @classmethod
    def drawn(cls, space: SearchSpace, n: int, train: tuple[Array, Array], seed: int = 0,
              setup: Setup = SEARCH_SETUP) -> SearchLab:
        """`n` trials drawn log-uniformly from `space`."""
        return cls(draw_trials(space, n, seed), train, setup, space)

    def scores(self) -> Array:
        """Each trial's latest validation accuracy (NaN before its first epoch)."""
        return read_only(np.array([tr.test_acc_history[-1] if tr.test_acc_history else np.nan
                                   for tr in self.trainers]))

    def best(self, n: int = 5) -> tuple[int, ...]:
        """Indices of the n trials with the highest validation accuracy so far."""
        scores = np.nan_to_num(self.scores(), nan=-1.0)
        return tuple(int(i) for i in np.argsort(-scores, kind="stable")[:n])

    def lrs(self) -> Array:
        return read_only(np.array([tr.lr for tr in self.trials]))

    def decays(self) -> Array:
        return read_only(np.array([tr.weight_decay for tr in self.trials]))

    def val_curve(self, k: int) -> Array:
        return read_only(np.asarray(self.trainers[k].test_acc_history))

    def narrowed(self, best: int = 5) -> SearchSpace:
        """The book's second round: the ranges the best trials span."""
        return narrowed(self.trials, np.nan_to_num(self.scores(), nan=-1.0).tolist(), best)
