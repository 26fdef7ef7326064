"""Live MNIST lab: one network, or several trained in lock-step, and what a page draws of them.

A `Lab` owns its nets, optimizers and `Trainer`s (one per net, same data, same
seed) and advances them together in bounded chunks. Settings split in two:
`NetSpec` (architecture, initialisation, batch size, dropout, seed: fixed for
the life of a lab; changing them needs a new lab) and `LiveSettings`
(optimizer and its hyper-parameters, weight decay, epochs: applied between
chunks with `apply_live`, training continues from where it is).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from nnviz.core.averaging import RunningAverage
from nnviz.core.functions import softmax
from nnviz.core.net import LayerStats, MultiLayerNet
from nnviz.core.optimizer import make_optimizer
from nnviz.core.train import Trainer, TrainerState, blas_threads

Array = np.ndarray
Data = tuple[tuple[Array, Array], tuple[Array, Array]]

N_CLASSES = 10
SMOOTHING = 0.9
MAX_CURVE_POINTS = 1000
RATE_MEMORY = 0.7
INIT_IDS = ("0.01", "xavier", "he", "1")
"""Weight initialisations offered: std 0.01 (the book's ch. 5), √(1/n), √(2/n), std 1."""


def init_value(init_id: str) -> str | float:
    """"he"/"xavier" stay names for `MultiLayerNet`; any other id is a fixed std."""
    return init_id if init_id in ("he", "xavier") else float(init_id)


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
class Change:
    """A live change made after `iteration` updates: `name` went from `old` to `new`."""

    iteration: int
    name: str
    old: float | str
    new: float | str


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


def _probe_stats(net: MultiLayerNet, x: Array, t: Array) -> list[LayerStats]:
    """Layer statistics of one forward/backward pass without an update (the net's RNG is restored)."""
    rng_state = net.rng.bit_generator.state
    with np.errstate(all="ignore"), blas_threads(1):
        net.loss_and_gradient(x, t)
    net.rng.bit_generator.state = rng_state
    return net.layer_stats()


class Lab:
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
        self.trainers: list[Trainer] = []
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
            self.trainers.append(trainer)
        self.changes: list[Change] = []
        self._smooth = [RunningAverage(SMOOTHING) for _ in self.specs]
        self._smoothed: list[list[float]] = [[] for _ in self.specs]
        self._predictions: dict[int, tuple[int, Array]] = {}
        self.running = False
        self.target: int | None = None
        self._wall: tuple[float, int] | None = None
        self._wall_rate: float | None = None

    @staticmethod
    def _optimizer(live: LiveSettings):  # noqa: ANN205 - an nnviz.core.optimizer.Optimizer
        return make_optimizer(live.optimizer, **dict(live.hyper))

    # --- training ---------------------------------------------------------------------------

    @property
    def lead(self) -> Trainer:
        """The first trainer that has not stopped (else the first): its counters are the lab's."""
        return next((tr for tr in self.trainers if not tr.done), self.trainers[0])

    @property
    def iteration(self) -> int:
        return max(tr.iteration for tr in self.trainers)

    @property
    def done(self) -> bool:
        return all(tr.done for tr in self.trainers)

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

    def iters_to_epoch_end(self) -> int:
        """Updates left until the current epoch ends (a full epoch at an epoch boundary)."""
        lead = self.lead
        return lead.iters_per_epoch - lead.iteration % lead.iters_per_epoch

    def advance(self, max_iters: int | None = None, time_budget: float | None = None,
                now: float | None = None) -> int:
        """Train every net the same number of updates; the lead's time budget is shared out.

        Returns the updates made by the lead. `now` (seconds, monotonic) feeds the wall-clock
        rate behind the ETA; without it the ETA uses the compute rate.
        """
        if self.target is not None:
            left = self.target - self.iteration
            max_iters = left if max_iters is None else min(max_iters, left)
        active = [tr for tr in self.trainers if not tr.done]
        count = 0
        if active and (max_iters is None or max_iters > 0):
            budget = None if time_budget is None else time_budget / len(active)
            with blas_threads(1):  # the end-of-epoch evaluation too: on a busy server, threads only fight
                count = active[0].run(max_iters=max_iters, time_budget=budget)
                for tr in active[1:]:
                    if count:
                        tr.run(max_iters=count)
        for k, net in enumerate(self.nets):
            if self.trainers[k].loss_history:
                self.stats[k] = net.layer_stats()
        self._extend_curves()
        if self.target is not None and self.iteration >= self.target:
            self.target = None
            self.running = False
        if self.done:
            self.running = False
            self.target = None
        self._note_wall(now)
        return count

    def _note_wall(self, now: float | None) -> None:
        if now is None:
            return
        if self._wall is not None and now > self._wall[0] and self.running:
            rate = (self.iteration - self._wall[1]) / (now - self._wall[0])
            self._wall_rate = rate if self._wall_rate is None else RATE_MEMORY * self._wall_rate + (1 - RATE_MEMORY) * rate
        self._wall = (now, self.iteration) if self.running else None

    def start(self) -> None:
        if not self.done:
            self.running, self.target = True, None

    def run_epoch(self) -> None:
        """Run (in ticks) until the current epoch ends."""
        if not self.done:
            self.running, self.target = True, self.iteration + self.iters_to_epoch_end()

    def pause(self) -> None:
        self.running, self.target, self._wall = False, None, None

    def state(self) -> TrainerState:
        """The lead trainer's state, with the lab's iteration, combined throughput and wall-clock ETA."""
        lead = self.lead.state()
        remaining = max(lead.total_iters - lead.iteration, 0)
        eta = remaining / self._wall_rate if self._wall_rate else lead.eta_seconds
        rates = [r for r in (tr.state().samples_per_sec for tr in self.trainers) if r]
        return replace(
            lead, iteration=self.iteration, progress=1.0 if self.done else lead.progress,
            samples_per_sec=1.0 / sum(1.0 / r for r in rates) if rates else None,
            eta_seconds=None if self.done else eta, done=self.done,
        )

    @property
    def stopped(self) -> tuple[str | None, ...]:
        """Why each net stopped early ("nonfinite_loss"), None for a net still training or finished."""
        return tuple(tr.stop_reason if tr.stop_reason != "finished" else None for tr in self.trainers)

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
