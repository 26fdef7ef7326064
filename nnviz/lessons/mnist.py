"""What the Live MNIST training page computes: the lab (one network, or several trained in
lock-step), its experiments and settings ladders, and what the page draws of it.

A `Lab` owns its nets, optimizers and `Trainer`s (one per net, same data, same
seed) and advances them together in bounded chunks. Settings split in two:
`NetSpec` (architecture, initialisation, batch size, dropout, seed: fixed for
the life of a lab; changing them needs a new lab) and `LiveSettings`
(optimizer and its hyper-parameters, weight decay, epochs: applied between
chunks with `apply_live`, training continues from where it is).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from nnviz.core.averaging import RunningAverage
from nnviz.core.functions import softmax
from nnviz.core.init import BOOK_NAMES, book_init_scheme, scheme_std
from nnviz.core.layers import ACTIVATION_LAYERS
from nnviz.core.net import LayerStats, MultiLayerNet
from nnviz.core.optimizer import make_optimizer
from nnviz.core.train import Trainer, blas_threads
from nnviz.lessons.frozen import read_only
from nnviz.lessons.live import Change, LockStep

Array = np.ndarray
Data = tuple[tuple[Array, Array], tuple[Array, Array]]

N_PIXELS = 784
N_CLASSES = 10
CHANCE_LOSS = math.log(N_CLASSES)
"""Cross-entropy of a network that gives every digit the same probability."""
CHANCE_ACCURACY = 1 / N_CLASSES
SMOOTHING = 0.9
MAX_CURVE_POINTS = 1000
DATA_CACHE = 4

ACTIVATIONS = tuple(ACTIVATION_LAYERS)
"""Hidden-layer activations a network may use."""
INIT_IDS = ("0.01", "xavier", "he", "1")
"""Weight initialisations offered (URL ids): std 0.01 (the book's ch. 5), √(1/n), √(2/n), std 1."""
INIT_KEYS = {"0.01": "std001", "1": "std1", "xavier": "xavier", "he": "he"}
"""The name key of each initialisation (its label is `init_<key>`)."""
COMPARED = ("0.01", "xavier", "he")
"""The book's initialisation comparison (figure 6-15): three nets that differ only in these."""
INIT_HIDDEN = (100, 100, 100, 100)
WIDTHS = ("10", "20", "50", "100", "200", "500")
BATCHES = ("10", "20", "50", "100", "200", "500")
DECAYS = ("0", "0.0001", "0.0003", "0.001", "0.003", "0.01", "0.03", "0.1")
SPEC_FIELDS = ("hidden", "activation", "init", "batch_size", "dropout", "seed")
STAT_FIELDS = {"mean": "act_mean", "std": "act_std", "zero": "zero_fraction", "dead": "dead_fraction",
               "saturated": "saturated_fraction", "wstd": "weight_std", "grad": "grad_rms"}
"""Columns of the layer-statistics table and the `LayerStats` field behind each."""
DIGITS_SHOWN, DIGIT_COLS, DIGIT_GAP = 24, 6, 9
WEIGHT_UNITS = 25


@dataclass(frozen=True)
class Experiment:
    """A preset: the prefix of its URL keys, its defaults, and what it fixes.

    `hidden`/`inits` of None mean the student chooses them (depth and width, one initialisation).
    """

    prefix: str
    lr: str
    epochs: int
    hidden: tuple[int, ...] | None = None
    inits: tuple[str, ...] | None = None


EXPERIMENTS = {
    "book": Experiment("", "0.1", 16),
    "init": Experiment("i_", "0.01", 20, INIT_HIDDEN, COMPARED),
}




@lru_cache(maxsize=DATA_CACHE)
def shared_data(load: Callable[..., Any], **options: object) -> Any:
    """`load(**options)` once per process, its arrays read-only: one copy for every session.

    A data set is far too big to copy per student; training only reads it. Forget them all
    with `shared_data.cache_clear()` (after a download changed what `load` finds).
    """
    result = load(**options)
    read_only(result)
    return result


def init_value(init_id: str) -> str | float:
    """The id as MultiLayerNet's `weight_init_std`: a name of the core registry's book schemes, or a std."""
    value = init_id if init_id in BOOK_NAMES else float(init_id)
    book_init_scheme(value)  # unknown names fail here, as in the net
    return value


def init_scheme(init_id: str) -> tuple[str, float | None]:
    """(scheme id, std) of the core init registry behind an id: ("book_he", None), ("normal", 0.01)…"""
    return book_init_scheme(init_value(init_id))


def init_std(init_id: str, fan_in: int, fan_out: int) -> float:
    """The std the weights of a (fan_in, fan_out) layer are drawn with."""
    scheme, std = init_scheme(init_id)
    return scheme_std(scheme, fan_in, fan_out, std=std)


def layer_sizes(hidden: Sequence[int]) -> tuple[int, ...]:
    """784 inputs, the hidden layers, 10 outputs."""
    return (N_PIXELS, *hidden, N_CLASSES)


def mosaic_cols(n: int) -> int:
    """Columns of a square-ish grid of n weight tiles (5 × 5 for 25)."""
    return 5 if n > 16 else 4 if n > 9 else 3


@dataclass(frozen=True)
class NetSpec:
    """What a network is: changing any of this needs a fresh network (Reset)."""

    hidden: tuple[int, ...] = (50,)
    activation: str = "relu"
    init: str = "0.01"
    batch_size: int = 100
    dropout: float = 0.0
    seed: int = 0


@dataclass(frozen=True)
class LiveSettings:
    """What may change while training runs: optimizer, its hyper-parameters, weight decay, epochs."""

    optimizer: str = "sgd"
    hyper: tuple[tuple[str, float], ...] = (("lr", 0.1),)
    weight_decay: float = 0.0
    epochs: int = 16

    @property
    def lr(self) -> float:
        return dict(self.hyper).get("lr", math.nan)


@dataclass(frozen=True)
class Readout:
    """One net's latest numbers: smoothed loss (None before training or once not finite), accuracies."""

    loss: float | None
    train: float
    test: float


@dataclass(frozen=True)
class Prediction:
    """Test image `index`, its true label, and the net's softmax output."""

    index: int
    image: Array
    probabilities: Array
    truth: int
    predicted: int

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.predicted])

    @property
    def right(self) -> bool:
        return self.predicted == self.truth


@dataclass(frozen=True)
class Tiles:
    """`count` images of `tile`×`tile` pixels laid out in `cols` columns, `gap` NaN pixels apart."""

    mosaic: Array
    count: int
    cols: int
    tile: int
    gap: int


@dataclass(frozen=True)
class Gallery:
    """The most confidently wrong test digits as tiles, their true and predicted labels, of `total`."""

    tiles: Tiles
    truth: Array
    predicted: Array
    total: int


@dataclass(frozen=True)
class LayerSeries:
    """One net's hidden layers for the bars: activation spread, ∂L/∂W size, share switched off.

    `off` is the share of zero outputs for the ReLU family (`off_kind` "zero"), of saturated
    ones (|f′| < 0.01) otherwise; None where not finite.
    """

    layers: tuple[int, ...]
    act_std: tuple[float | None, ...]
    grad_rms: tuple[float | None, ...]
    off: tuple[float | None, ...]
    off_kind: Literal["zero", "saturated"]


@dataclass(frozen=True)
class LayerTable:
    """Every layer of every net: `net` index, `layer` number (None: the output layer), and the
    columns of `STAT_FIELDS` that mean something for these nets (None where not finite)."""

    net: tuple[int, ...]
    layer: tuple[int | None, ...]
    columns: Mapping[str, tuple[float | None, ...]]


def _known(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def curve_points(n: int, max_points: int = MAX_CURVE_POINTS) -> Array:
    """Indices of at most `max_points` evenly strided points of a length-n series, always the last."""
    if n <= max_points:
        return np.arange(n)
    stride = math.ceil(n / (max_points - 1))
    return np.unique(np.r_[np.arange(0, n, stride), n - 1])


def confusion_matrix(labels: Array, predicted: Array, n_classes: int = N_CLASSES) -> Array:
    """Counts C[true, predicted]."""
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (np.asarray(labels, dtype=np.intp), np.asarray(predicted, dtype=np.intp)), 1)
    return cm


def confusion_accuracy(cm: Array) -> float:
    """The share on the diagonal: correct answers over all answers."""
    return float(np.trace(cm) / cm.sum())


def tile_mosaic(images: Array, cols: int, scale_each: bool = False, gap: int = 1) -> Array:
    """Images (n, h, w) laid out row by row in `cols` columns, `gap` NaN pixels apart.

    With `scale_each`, every image is divided by its own max |value| (to −1…1), so weak and
    strong units are equally visible.
    """
    n, h, w = images.shape
    rows = max(math.ceil(n / cols), 1)
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), np.nan)
    for k, img in enumerate(images):
        if scale_each:
            peak = float(np.max(np.abs(img)))
            img = img / peak if peak > 0 else img
        r, c = divmod(k, cols)
        out[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = img
    return out


def layer_series(stats: Sequence[LayerStats]) -> LayerSeries:
    """The bars of one net's hidden layers (the output layer has no activation to show)."""
    hidden = [s for s in stats if s.activation != "softmax"]
    zero = any(s.zero_fraction is not None for s in hidden)
    return LayerSeries(
        tuple(s.index for s in hidden), tuple(_known(s.act_std) for s in hidden),
        tuple(_known(s.grad_rms) for s in stats[: len(hidden)]),
        tuple(_known(s.zero_fraction if zero else s.saturated_fraction) for s in hidden),
        "zero" if zero else "saturated",
    )


def layer_table(nets: Sequence[Sequence[LayerStats]]) -> LayerTable:
    """One row per layer of every net; a column that no layer of any net has is left out."""
    rows = [(k, s) for k, stats in enumerate(nets) for s in stats]
    columns = {key: [getattr(s, name) for _, s in rows] for key, name in STAT_FIELDS.items()}
    return LayerTable(
        tuple(k for k, _ in rows), tuple(None if s.activation == "softmax" else s.index for _, s in rows),
        {key: tuple(_known(v) for v in values) for key, values in columns.items()
         if any(v is not None for v in values)},
    )


def _probe_stats(net: MultiLayerNet, x: Array, t: Array) -> list[LayerStats]:
    """Layer statistics of one forward/backward pass without an update (the net's RNG is restored)."""
    rng_state = net.rng.bit_generator.state
    with np.errstate(all="ignore"), blas_threads(1):
        net.loss_and_gradient(x, t)
    net.rng.bit_generator.state = rng_state
    return net.layer_stats()


class Lab(LockStep):
    """Nets with the given specs trained in lock-step on the same data, plus display helpers."""

    def __init__(self, specs: Sequence[NetSpec], live: LiveSettings, data: Data, data_id: str = "subset",
                 dtype: type[np.floating] = np.float32, max_epochs: int = 1000) -> None:
        if not specs:
            raise ValueError("a lab needs at least one network")
        (self.x_train, self.t_train), (self.x_test, self.t_test) = data
        self.specs = tuple(specs)
        self.data_id = data_id
        self.live = live
        self.max_epochs = max_epochs
        self.nets: list[MultiLayerNet] = []
        trainers: list[Trainer] = []
        self.initial_train_acc: list[float] = []
        self.initial_test_acc: list[float] = []
        self.stats: list[list[LayerStats]] = []
        for spec in self.specs:
            net = MultiLayerNet(self.x_train.shape[1], list(spec.hidden), N_CLASSES, spec.activation,
                                init_value(spec.init), live.weight_decay, spec.dropout, seed=spec.seed, dtype=dtype)
            trainer = Trainer(net, self._optimizer(live), self.x_train, self.t_train, self.x_test, self.t_test,
                              batch_size=spec.batch_size, epochs=live.epochs, seed=spec.seed)
            with np.errstate(all="ignore"), blas_threads(1):
                self.initial_train_acc.append(net.accuracy(self.x_train[trainer.train_acc_index],
                                                           self.t_train[trainer.train_acc_index]))
                self.initial_test_acc.append(net.accuracy(self.x_test, self.t_test))
            batch = slice(0, spec.batch_size)
            self.stats.append(_probe_stats(net, self.x_train[batch], self.t_train[batch]))
            self.nets.append(net)
            trainers.append(trainer)
        super().__init__(trainers)
        self.changes: list[Change] = []
        self._smooth = [RunningAverage(SMOOTHING) for _ in self.specs]
        self._smoothed: list[list[float]] = [[] for _ in self.specs]
        self._predictions: dict[int, tuple[int, Array]] = {}

    @staticmethod
    def _optimizer(live: LiveSettings):  # noqa: ANN205 - an nnviz.core.optimizer.Optimizer
        return make_optimizer(live.optimizer, **dict(live.hyper))

    # --- training ---------------------------------------------------------------------------

    @property
    def n_test(self) -> int:
        return len(self.t_test)

    def spec_changes(self, specs: Sequence[NetSpec], data_id: str) -> tuple[str, ...]:
        """The settings ("data", then `SPEC_FIELDS`) in which `specs` differ from the running nets'."""
        old, new = self.specs[0], specs[0]
        names = [name for name in SPEC_FIELDS if getattr(old, name) != getattr(new, name)]
        return ("data", *names) if data_id != self.data_id else tuple(names)

    def outdated(self, specs: Sequence[NetSpec], data_id: str) -> bool:
        """Untrained and idle, but built for other specs or data: it should follow them without a Reset."""
        fresh = self.iteration == 0 and not self.running
        return fresh and (tuple(specs) != self.specs or data_id != self.data_id)

    def apply_live(self, live: LiveSettings) -> list[Change]:
        """Apply new live settings to every net; after the first update, each change is recorded."""
        changes: list[Change] = []
        old = self.live
        if live.optimizer != old.optimizer:
            changes.append(Change(self.iteration, "optimizer", old.optimizer, live.optimizer))
            for tr in self.trainers:
                tr.optimizer = self._optimizer(live)
        else:
            old_hyper = dict(old.hyper)
            for name, value in live.hyper:
                if old_hyper.get(name) != value:
                    changes.append(Change(self.iteration, name, old_hyper.get(name, math.nan), value))
                    for tr in self.trainers:
                        tr.set_hyperparams(**{name: value})
        if live.weight_decay != old.weight_decay:
            changes.append(Change(self.iteration, "weight_decay", old.weight_decay, live.weight_decay))
            for tr in self.trainers:
                tr.set_hyperparams(weight_decay_lambda=live.weight_decay)
        epochs = int(min(max(live.epochs, 1), self.max_epochs))
        if epochs != old.epochs:
            changes.append(Change(self.iteration, "epochs", old.epochs, epochs))
            for tr in self.trainers:
                tr.epochs = epochs
        self.live = live
        if self.iteration > 0:
            self.changes += [c for c in changes if c.name != "epochs"]
        if self.target is not None and self.target > self.lead.total_iters:
            self.target = self.lead.total_iters
        return changes

    def after_updates(self) -> None:
        """Fresh layer statistics and the smoothed loss of every net that has trained."""
        for k, net in enumerate(self.nets):
            if self.trainers[k].loss_history:
                self.stats[k] = net.layer_stats()
        self._extend_curves()

    # --- what the page draws ------------------------------------------------------------------

    def _extend_curves(self) -> None:
        for average, smoothed, tr in zip(self._smooth, self._smoothed, self.trainers):
            new = tr.loss_history[len(smoothed):]
            if new:
                smoothed.extend(average.extend(new)[1].tolist())

    def loss_curve(self, k: int, max_points: int = MAX_CURVE_POINTS) -> tuple[Array, Array, Array]:
        """(iteration 1…n, raw loss, smoothed loss) of net k, at most `max_points` points."""
        raw = np.asarray(self.trainers[k].loss_history)
        idx = curve_points(len(raw), max_points)
        return idx + 1, raw[idx], np.asarray(self._smoothed[k])[idx]

    def accuracy_curve(self, k: int) -> tuple[Array, Array, Array]:
        """(epoch 0…E, train accuracy, test accuracy) of net k; epoch 0 is before any update."""
        tr = self.trainers[k]
        train = np.r_[self.initial_train_acc[k], tr.train_acc_history]
        test = np.r_[self.initial_test_acc[k], tr.test_acc_history]
        return np.arange(len(test)), train, test

    def probabilities(self, k: int) -> Array:
        """Softmax outputs of net k on the whole test set, recomputed only after training moved on."""
        cached = self._predictions.get(k)
        if cached is None or cached[0] != self.trainers[k].iteration:
            with np.errstate(all="ignore"), blas_threads(1):
                probs = softmax(self.nets[k].predict(self.x_test).astype(np.float64))
            probs.flags.writeable = False
            cached = (self.trainers[k].iteration, probs)
            self._predictions[k] = cached
        return cached[1]

    def predicted(self, k: int) -> Array:
        return self.probabilities(k).argmax(axis=1)

    def confusion(self, k: int) -> Array:
        return confusion_matrix(self.t_test, self.predicted(k))

    def mistakes(self, k: int) -> Array:
        """Indices of misclassified test images, most confidently wrong first."""
        probs = self.probabilities(k)
        wrong = np.flatnonzero(probs.argmax(axis=1) != self.t_test)
        return wrong[np.argsort(-probs[wrong].max(axis=1), kind="stable")]

    def first_layer_weights(self, k: int, units: int = 25) -> Array:
        """The incoming weights of the first `units` hidden units of net k as (units, 28, 28) images."""
        w = self.nets[k].params["W1"]
        n = min(units, w.shape[1])
        side = int(round(math.sqrt(w.shape[0])))
        return np.asarray(w[:, :n].T, dtype=np.float64).reshape(n, side, side)

    def test_image(self, i: int) -> Array:
        side = int(round(math.sqrt(self.x_test.shape[1])))
        return np.asarray(self.x_test[i], dtype=np.float64).reshape(side, side)

    def readout(self, k: int) -> Readout:
        """Net k's smoothed loss and its train and test accuracy after the last epoch (or before any)."""
        _, train, test = self.accuracy_curve(k)
        smoothed = self._smoothed[k]
        return Readout(_known(smoothed[-1]) if smoothed else None, float(train[-1]), float(test[-1]))

    def test_accuracy(self, k: int) -> float:
        """Net k's accuracy on the whole test set now (the confusion matrix's diagonal share)."""
        return confusion_accuracy(self.confusion(k))

    def prediction(self, k: int, i: int) -> Prediction:
        """What net k makes of test image i."""
        probs = self.probabilities(k)[i]
        return Prediction(i, self.test_image(i), probs, int(self.t_test[i]), int(np.argmax(probs)))

    def next_mistake(self, k: int, current: int) -> int | None:
        """The first misclassified test image after `current` (wrapping round); None without mistakes."""
        wrong = np.sort(self.mistakes(k))
        if not len(wrong):
            return None
        later = wrong[wrong > current]
        return int(later[0] if len(later) else wrong[0])

    def mistake_gallery(self, k: int, shown: int = DIGITS_SHOWN, cols: int = DIGIT_COLS,
                        gap: int = DIGIT_GAP) -> Gallery | None:
        """Net k's `shown` most confidently wrong test digits; None when it makes no mistake."""
        wrong = self.mistakes(k)
        if not len(wrong):
            return None
        picked = wrong[:shown]
        images = np.stack([self.test_image(i) for i in picked])
        tiles = Tiles(tile_mosaic(images, cols=cols, gap=gap), len(picked), cols, images.shape[1], gap)
        return Gallery(tiles, np.asarray(self.t_test[picked]), self.predicted(k)[picked], len(wrong))

    def weight_tiles(self, k: int, units: int = WEIGHT_UNITS) -> Tiles:
        """Net k's first-layer weights, one tile per unit, each scaled to its own largest |w|."""
        images = self.first_layer_weights(k, units)
        cols = mosaic_cols(len(images))
        return Tiles(tile_mosaic(images, cols=cols, scale_each=True), len(images), cols, images.shape[1], 1)

    def layer_series(self, k: int) -> LayerSeries:
        return layer_series(self.stats[k])

    def layer_table(self) -> LayerTable:
        return layer_table(self.stats)
