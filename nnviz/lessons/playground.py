"""What the classification playground computes: a small MLP trained live on 2-D data (our own
MultiLayerNet, optimizers and Trainer, in `LockStep` ticks), its decision map over the plane, the map of
every hidden unit, train and test loss curves and the gradient's size per layer."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import lru_cache

import numpy as np

from nnviz.core.functions import ACTIVATIONS as ACTIVATION_TABLE
from nnviz.core.functions import softmax
from nnviz.core.losses import cross_entropy_error
from nnviz.core.net import MultiLayerNet
from nnviz.core.optimizer import make_optimizer
from nnviz.core.train import Trainer
from nnviz.core import toy2d
from nnviz.lessons.frozen import read_only
from nnviz.lessons.live import Change, LockStep

Array = np.ndarray
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu")
INIT = {"relu": "he", "leaky_relu": "he", "tanh": "xavier", "sigmoid": "xavier"}
"""The book's scales: He for the ReLU family, Xavier for the S-shaped functions."""
PLANE = (-1.25, 1.25)
MAP_GRID = 41
"""The decision map's grid: coarse (1 681 points), drawn smoothed by the browser."""
UNIT_GRID = 17
TICK_BUDGET = 0.015
"""Seconds of training per refresh at most: a tick of the playground stays near 30 ms of server CPU."""


@dataclass(frozen=True)
class Setup:
    """Everything that, when changed, needs a new network: the data, the inputs, the architecture and
    the activation (the weights learnt so far no longer fit)."""

    dataset: str = "circles"
    noise: float = 0.0
    n_train: int = 200
    seed: int = 0
    features: tuple[str, ...] = ("x", "y")
    hidden: tuple[int, ...] = (4, 4)
    activation: str = "tanh"


SETUP_GROUPS = {"dataset": "data", "noise": "data", "n_train": "data", "seed": "data", "features": "features",
                "hidden": "architecture", "activation": "activation"}
"""Which part of the page each `Setup` field belongs to (the reason a page gives for a new network)."""


@dataclass(frozen=True)
class Live:
    """What may change while the network trains, from the current weights on."""

    lr: float = 0.1
    l2: float = 0.0
    optimizer: str = "sgd"
    batch: int = 10
    epochs: int = 100


def changed_groups(old: Setup, new: Setup) -> tuple[str, ...]:
    """The `SETUP_GROUPS` in which two setups differ, in page order, each once."""
    names = [SETUP_GROUPS[f.name] for f in fields(Setup) if getattr(old, f.name) != getattr(new, f.name)]
    return tuple(dict.fromkeys(names))


def merged_changes(changes: list[Change]) -> list[Change]:
    """One change per setting and iteration (its first old and last new value), in order; a setting
    changed and changed back at the same iteration drops out."""
    merged: dict[tuple[int, str], Change] = {}
    for c in changes:
        key = (c.iteration, c.name)
        merged[key] = replace(merged[key], new=c.new) if key in merged else c
    return [c for c in merged.values() if c.old != c.new]


def latest_changes(changes: list[Change]) -> list[Change]:
    """The changes made at the last iteration that saw any, one per setting."""
    merged = merged_changes(changes)
    return [c for c in merged if c.iteration == merged[-1].iteration]


def marked_changes(changes: list[Change]) -> list[tuple[int, list[Change]]]:
    """What the loss curve marks: per iteration, the changes to how training goes on (not the planned
    number of epochs)."""
    groups: dict[int, list[Change]] = {}
    for c in merged_changes(changes):
        if c.name != "epochs":
            groups.setdefault(c.iteration, []).append(c)
    return list(groups.items())


@lru_cache(maxsize=64)
def data(dataset: str, noise: float, n_train: int, seed: int) -> tuple[toy2d.Points, toy2d.Points]:
    """A training set and a test set of the same size and distribution, shared by every session."""
    return read_only(toy2d.split(dataset, n_train, n_train, noise, seed))


@lru_cache(maxsize=32)
def grid_inputs(features: tuple[str, ...], size: int) -> tuple[Array, Array]:
    """The plane's axis and the chosen features at every grid point (rows follow y)."""
    axis = np.linspace(*PLANE, size)
    gx, gy = np.meshgrid(axis, axis)
    return read_only((axis, toy2d.features(np.column_stack([gx.ravel(), gy.ravel()]), features)))


def class_one(scores: Array) -> Array:
    """P(class 1) from the two output scores."""
    return softmax(scores)[:, 1]


@dataclass(frozen=True)
class Readout:
    """The lab after the last update: data loss (no L2 term) and accuracy on both sets."""

    train_loss: float
    test_loss: float
    train_acc: float
    test_acc: float


class Playground(LockStep):
    """One MultiLayerNet learning one 2-D data set; records a loss point after every tick."""

    def __init__(self, setup: Setup, live: Live) -> None:
        self.setup, self.live = setup, live
        train, test = data(setup.dataset, setup.noise, setup.n_train, setup.seed)
        self.train_points, self.test_points = train, test
        self.x_train, self.x_test = (toy2d.features(p.x, setup.features) for p in (train, test))
        self.net = MultiLayerNet(len(setup.features), list(setup.hidden), 2, setup.activation,
                                 weight_init_std=INIT[setup.activation], weight_decay_lambda=live.l2,
                                 seed=setup.seed, dtype=np.float64)
        trainer = Trainer(self.net, make_optimizer(live.optimizer, lr=live.lr), self.x_train, train.y,
                          self.x_test, test.y, batch_size=min(live.batch, setup.n_train), epochs=live.epochs,
                          seed=setup.seed, blas_thread_limit=None)
        super().__init__([trainer])
        self.curve: list[tuple[int, float, float]] = []
        self.changes: list[Change] = []
        self.after_updates()

    def advance(self, max_iters: int | None = None, time_budget: float | None = None,
                now: float | None = None) -> int:
        """The engine's tick with its time budget capped at `TICK_BUDGET` (tiny nets, many students)."""
        budget = None if time_budget is None else min(time_budget, TICK_BUDGET)
        return super().advance(max_iters=max_iters, time_budget=budget, now=now)

    def apply(self, live: Live) -> list[Change]:
        """New live settings from the next update on, keeping the weights; a new optimizer starts with
        fresh state (no velocity, no running averages). After the first update, changes are recorded."""
        old, trainer = self.live, self.trainers[0]
        changes = [Change(self.iteration, f.name, getattr(old, f.name), getattr(live, f.name))
                   for f in fields(Live) if getattr(old, f.name) != getattr(live, f.name)]
        if live.optimizer != old.optimizer:
            trainer.optimizer = make_optimizer(live.optimizer, lr=live.lr)
        trainer.set_hyperparams(lr=live.lr, weight_decay_lambda=live.l2)
        if live.batch != old.batch:
            trainer.set_batch_size(min(live.batch, self.setup.n_train))
        trainer.epochs = live.epochs
        if self.target is not None:
            self.target = min(self.target, trainer.total_iters)
        self.live = live
        if self.iteration > 0:
            self.changes += changes
        return changes

    def after_updates(self) -> None:
        r = self.readout()
        if not self.curve or self.curve[-1][0] != self.iteration:
            self.curve.append((self.iteration, r.train_loss, r.test_loss))

    def readout(self) -> Readout:
        train, test = self.train_points, self.test_points
        s_train, s_test = self.net.predict(self.x_train), self.net.predict(self.x_test)
        return Readout(cross_entropy_error(softmax(s_train), train.y), cross_entropy_error(softmax(s_test), test.y),
                       float(np.mean(s_train.argmax(axis=1) == train.y)),
                       float(np.mean(s_test.argmax(axis=1) == test.y)))

    def loss_curve(self) -> tuple[Array, Array, Array]:
        """Iterations, training loss and test loss, one point per tick."""
        it, train, test = (np.array(c, dtype=np.float64) for c in zip(*self.curve))
        return it, train, test

    def decision_map(self) -> tuple[Array, Array]:
        """The plane's axis and P(class 1) on the `MAP_GRID` grid."""
        axis, inputs = grid_inputs(self.setup.features, MAP_GRID)
        return axis, class_one(self.net.predict(inputs)).reshape(MAP_GRID, MAP_GRID)

    def unit_maps(self) -> list[Array]:
        """Each hidden layer's outputs over the plane, (units, UNIT_GRID, UNIT_GRID) per layer."""
        _, x = grid_inputs(self.setup.features, UNIT_GRID)
        h, params, maps = ACTIVATION_TABLE[self.setup.activation].f, self.net.params, []
        for i in range(1, len(self.setup.hidden) + 1):
            x = h(x @ params[f"W{i}"] + params[f"b{i}"])
            maps.append(x.T.reshape(-1, UNIT_GRID, UNIT_GRID))
        return maps

    def gradient_sizes(self) -> list[float | None]:
        """RMS of the last ∂L/∂W of every layer, hidden ones and the output (None before the first update)."""
        stats = self.net.layer_stats()
        return [s.grad_rms for s in stats] if stats else [None] * (len(self.setup.hidden) + 1)
