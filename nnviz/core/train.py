"""Mini-batch training in bounded chunks, for a live page that must return control often."""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from threadpoolctl import ThreadpoolController

Array = np.ndarray
Grads = dict[str, Array]
TRAIN_ACC_SAMPLE = 10_000
# A runaway run: checked every RUNAWAY_WINDOW iterations, the mean loss of the last window is at or
# above ln(classes) (no better than guessing) while the largest weight grew RUNAWAY_GROWTH-fold
# since the start, or the mean loss more than doubled from the window before.
RUNAWAY_WINDOW = 20
RUNAWAY_GROWTH = 10.0


def runaway(losses: list[float], weight_growth: float, classes: int, window: int = RUNAWAY_WINDOW) -> str | None:
    """Why a run is running away (a sentence), or None. See RUNAWAY_WINDOW."""
    if len(losses) < window:
        return None
    recent = float(np.mean(losses[-window:]))
    if recent >= math.log(classes) and weight_growth >= RUNAWAY_GROWTH:
        return (f"the mean loss of the last {window} iterations is {recent:.3g}, no better than guessing among "
                f"{classes} classes (ln {classes} = {math.log(classes):.3g}), while the weights grew "
                f"{weight_growth:.0f}-fold")
    if len(losses) >= 2 * window and recent > 2 * float(np.mean(losses[-2 * window:-window])):
        return f"the mean loss more than doubled within {window} iterations, to {recent:.3g}"
    return None


def _largest_weight(params: dict[str, Array]) -> float:
    return max((float(np.abs(v).max()) for v in params.values() if v.size), default=0.0)


class Network(Protocol):
    params: dict[str, Array]
    weight_decay_lambda: float

    def loss_and_gradient(self, x: Array, t: Array) -> tuple[float, Grads]: ...

    def accuracy(self, x: Array, t: Array) -> float: ...


class Optimizer(Protocol):
    lr: float

    def update(self, params: dict[str, Array], grads: Grads) -> None: ...


@functools.cache
def _controller() -> ThreadpoolController:
    """The native thread pools NumPy loaded (inspected once; cheap to limit afterwards)."""
    return ThreadpoolController()


@contextmanager
def blas_threads(n: int | None) -> Iterator[None]:
    """Limit NumPy's BLAS to n threads while the block runs (no limit when n is None).

    For batch-100 matrix products, waking a second BLAS thread costs more than it saves,
    and on a shared server extra threads only contend. The limit is process-wide.
    """
    if n is None:
        yield
        return
    with _controller().limit(limits=n, user_api="blas"):
        yield


@dataclass(frozen=True)
class TrainerState:
    """A snapshot for display: counters, progress, throughput, latest metrics, stop reason."""

    iteration: int
    epoch: int
    epochs: int
    iters_per_epoch: int
    total_iters: int
    progress: float
    samples_per_sec: float | None
    eta_seconds: float | None
    done: bool
    stop_reason: str | None
    stop_message: str | None
    last_loss: float | None
    train_acc: float | None
    test_acc: float | None


class Trainer:
    """Mini-batch SGD-style training that advances in chunks: `run(max_iters, time_budget)`.

    Each epoch visits every training sample exactly once, in an order drawn from the seed.
    After each epoch: accuracy on the full test set and on a fixed random sample of up to
    `train_acc_size` training images (drawn once from the seed; 0 scores none). Progress is kept
    between calls, so the outcome does not depend on how the work is chunked.
    """

    def __init__(
        self,
        network: Network,
        optimizer: Optimizer,
        x_train: Array,
        t_train: Array,
        x_test: Array,
        t_test: Array,
        *,
        batch_size: int = 100,
        epochs: int = 1,
        seed: int = 0,
        train_acc_size: int = TRAIN_ACC_SAMPLE,
        blas_thread_limit: int | None = 1,
    ) -> None:
        self.network = network
        self.optimizer = optimizer
        self.x_train, self.t_train = x_train, t_train
        self.x_test, self.t_test = x_test, t_test
        self.batch_size = batch_size
        self.epochs = epochs
        self.blas_thread_limit = blas_thread_limit
        self.n_train = len(x_train)
        self.iters_per_epoch = math.ceil(self.n_train / batch_size)
        shuffle_seed, sample_seed = np.random.SeedSequence(seed).spawn(2)
        self._shuffle_rng = np.random.default_rng(shuffle_seed)
        n_sample = min(train_acc_size, self.n_train)
        self.train_acc_index = np.sort(np.random.default_rng(sample_seed).permutation(self.n_train)[:n_sample])
        self._x_acc = x_train if n_sample == self.n_train else x_train[self.train_acc_index]
        self._t_acc = t_train if n_sample == self.n_train else t_train[self.train_acc_index]
        self._order = np.arange(self.n_train)
        self._pos = 0  # samples of the current epoch already used
        self.iteration = 0
        self.epoch = 0
        self.samples_seen = 0
        self.elapsed = 0.0
        self.loss_history: list[float] = []
        self.train_acc_history: list[float] = []
        self.test_acc_history: list[float] = []
        self._failure: tuple[str, str] | None = None
        self._initial_weight = _largest_weight(network.params) or 1.0
        self.classes = int(t_train.shape[1]) if t_train.ndim == 2 else int(t_train.max()) + 1

    @property
    def iters_left_in_epoch(self) -> int:
        """Updates until the current epoch ends (a full epoch at an epoch boundary)."""
        return math.ceil((self.n_train - self._pos) / self.batch_size)

    @property
    def total_iters(self) -> int:
        """Updates of the whole run: those made and those left at the current batch size."""
        epochs_left = self.epochs - self.epoch
        if epochs_left <= 0:
            return self.iteration
        return self.iteration + self.iters_left_in_epoch + (epochs_left - 1) * self.iters_per_epoch

    @property
    def stop_reason(self) -> str | None:
        """"nonfinite_loss" after a NaN/inf loss, "runaway" after a diverging one (see `runaway`),
        "finished" once all epochs ran, else None."""
        if self._failure is not None:
            return self._failure[0]
        return "finished" if self.epoch >= self.epochs else None

    @property
    def done(self) -> bool:
        return self.stop_reason is not None

    def set_hyperparams(self, **values: float) -> None:
        """Change optimizer attributes (lr, momentum, …) or `weight_decay_lambda` between chunks."""
        for name, value in values.items():
            target = self.network if name == "weight_decay_lambda" else self.optimizer
            if not hasattr(target, name):
                raise AttributeError(f"{type(target).__name__} has no hyper-parameter {name!r}")
            setattr(target, name, value)

    def set_batch_size(self, batch_size: int) -> None:
        """A new mini-batch size from the next update on; the current epoch goes on with the samples
        it has not used yet, so every epoch still visits each sample once."""
        if batch_size < 1:
            raise ValueError("a batch needs at least one sample")
        self.batch_size = batch_size
        self.iters_per_epoch = math.ceil(self.n_train / batch_size)

    def run(self, max_iters: int | None = None, time_budget: float | None = None) -> int:
        """Train until done, `max_iters` iterations or `time_budget` seconds, whichever comes first.

        A time budget always allows at least one iteration. Returns the iterations done.
        BLAS is held to `blas_thread_limit` threads meanwhile.
        """
        start = time.perf_counter()
        count = 0
        with np.errstate(all="ignore"), blas_threads(self.blas_thread_limit):
            while not self.done and (max_iters is None or count < max_iters):
                if time_budget is not None and count and time.perf_counter() - start >= time_budget:
                    break
                if self.step():
                    count += 1
        self.elapsed += time.perf_counter() - start
        return count

    def step(self) -> bool:
        """One mini-batch update (plus the evaluation at an epoch's end); False if it stopped."""
        if self._pos == 0:
            self._order = self._shuffle_rng.permutation(self.n_train)
        batch = self._order[self._pos : self._pos + self.batch_size]
        loss, grads = self.network.loss_and_gradient(self.x_train[batch], self.t_train[batch])
        if not math.isfinite(loss):
            self._failure = (
                "nonfinite_loss",
                f"loss became {loss} at iteration {self.iteration + 1}; the learning rate is probably too large",
            )
            return False
        self.optimizer.update(self.network.params, grads)
        self.loss_history.append(loss)
        self.iteration += 1
        if self.iteration % RUNAWAY_WINDOW == 0:
            self._check_runaway()
        self.samples_seen += len(batch)
        self._pos += len(batch)
        if self._pos == self.n_train:
            self._pos = 0
            self.epoch += 1
            if len(self.train_acc_index):
                self.train_acc_history.append(self.network.accuracy(self._x_acc, self._t_acc))
            self.test_acc_history.append(self.network.accuracy(self.x_test, self.t_test))
        return True

    def _check_runaway(self) -> None:
        growth = _largest_weight(self.network.params) / self._initial_weight
        why = runaway(self.loss_history, growth, self.classes)
        if why is not None:
            self._failure = ("runaway", f"{why}; the learning rate is probably too large")

    def state(self) -> TrainerState:
        """Snapshot of progress; throughput and ETA come from the time spent inside `run`."""
        rate = self.samples_seen / self.elapsed if self.elapsed > 0 and self.samples_seen else None
        remaining = max((self.epochs - self.epoch) * self.n_train - self._pos, 0)
        return TrainerState(
            iteration=self.iteration,
            epoch=self.epoch,
            epochs=self.epochs,
            iters_per_epoch=self.iters_per_epoch,
            total_iters=self.total_iters,
            progress=min(self.iteration / self.total_iters, 1.0) if self.total_iters else 1.0,
            samples_per_sec=rate,
            eta_seconds=None if rate is None or self.done else remaining / rate,
            done=self.done,
            stop_reason=self.stop_reason,
            stop_message=self._failure[1] if self._failure else None,
            last_loss=self.loss_history[-1] if self.loss_history else None,
            train_acc=self.train_acc_history[-1] if self.train_acc_history else None,
            test_acc=self.test_acc_history[-1] if self.test_acc_history else None,
        )
