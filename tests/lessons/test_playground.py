"""The playground's network: it learns XOR, circles and moons in a bounded number of updates (fixed
seeds), fails XOR without a hidden layer, overfits few noisy points unless L2 steps in, and draws what
an independent forward pass computes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nnviz.core import toy2d
from nnviz.lessons.live import Change
from nnviz.lessons.playground import (MAP_GRID, PLANE, UNIT_GRID, Live, Playground, Setup, changed_groups,
                                      latest_changes, marked_changes)

ADAM = Live(lr=0.03, optimizer="adam")
ALL_FEATURES = tuple(toy2d.FEATURES)


def trained(setup: Setup, live: Live = ADAM, updates: int = 1500) -> Playground:
    lab = Playground(setup, live)
    lab.advance(max_iters=updates)
    assert lab.iteration == updates
    return lab


@pytest.mark.parametrize("dataset, hidden, goal", [
    ("xor", (4, 4), 0.97), ("circles", (4, 4), 0.97), ("moons", (8, 8), 0.90),
])
def test_reaches_the_goal_in_1500_updates(dataset: str, hidden: tuple[int, ...], goal: float) -> None:
    lab = trained(Setup(dataset=dataset, hidden=hidden))
    assert lab.readout().train_acc >= goal


def test_xor_without_a_hidden_layer_fails() -> None:
    lab = Playground(Setup(dataset="xor", hidden=()), ADAM)
    accuracies = []
    for _ in range(6):
        lab.advance(max_iters=250)
        accuracies.append(lab.readout().train_acc)
    assert max(accuracies) < 0.75
    assert lab.unit_maps() == []


def test_circles_need_no_hidden_layer_with_squares() -> None:
    lab = trained(Setup(dataset="circles", hidden=(), features=("x", "y", "x2", "y2")))
    assert lab.readout().train_acc >= 0.97


def test_l2_cures_overfitting() -> None:
    setup = Setup(dataset="circles", n_train=30, noise=0.25, hidden=(8, 8), features=ALL_FEATURES)
    long_adam = Live(lr=0.03, optimizer="adam", epochs=300)
    free, decayed = trained(setup, long_adam, updates=900), trained(setup, replace(long_adam, l2=0.03), updates=900)
    f, d = free.readout(), decayed.readout()
    assert f.train_acc == 1.0 and f.train_loss < 0.05 and f.test_loss > 1.0
    assert d.test_loss < f.test_loss / 2 and d.test_acc > f.test_acc


def test_chunked_ticks_train_the_same_network() -> None:
    one, many = trained(Setup(), updates=200), Playground(Setup(), ADAM)
    for _ in range(20):
        many.advance(max_iters=10)
    for key, value in one.net.params.items():
        np.testing.assert_array_equal(value, many.net.params[key])


def manual_forward(lab: Playground, points: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """tanh layers and the two-class softmax written out, from the parameters alone."""
    x = toy2d.features(points, lab.setup.features)
    p, hidden = lab.net.params, []
    for i in range(1, len(lab.setup.hidden) + 1):
        x = np.tanh(x @ p[f"W{i}"] + p[f"b{i}"])
        hidden.append(x)
    last = len(lab.setup.hidden) + 1
    s = x @ p[f"W{last}"] + p[f"b{last}"]
    return hidden, 1 / (1 + np.exp(s[:, 0] - s[:, 1]))


def test_maps_match_an_independent_forward_pass() -> None:
    lab = trained(Setup(features=("x", "y", "xy")), updates=100)
    axis, p_one = lab.decision_map()
    gx, gy = np.meshgrid(np.linspace(*PLANE, MAP_GRID), np.linspace(*PLANE, MAP_GRID))
    _, expected = manual_forward(lab, np.column_stack([gx.ravel(), gy.ravel()]))
    np.testing.assert_allclose(p_one.ravel(), expected, rtol=1e-12)
    assert p_one[0, -1] == pytest.approx(manual_forward(lab, np.array([[PLANE[1], PLANE[0]]]))[1][0])
    ux, uy = np.meshgrid(np.linspace(*PLANE, UNIT_GRID), np.linspace(*PLANE, UNIT_GRID))
    hidden, _ = manual_forward(lab, np.column_stack([ux.ravel(), uy.ravel()]))
    for maps, h in zip(lab.unit_maps(), hidden):
        assert maps.shape == (4, UNIT_GRID, UNIT_GRID)
        np.testing.assert_allclose(maps.reshape(4, -1), h.T, rtol=1e-12)


def test_loss_curve_starts_before_training_and_readout_is_the_data_loss() -> None:
    lab = Playground(Setup(), Live(lr=0.03, l2=0.1))
    it, train, test = lab.loss_curve()
    assert list(it) == [0]
    _, p = manual_forward(lab, lab.train_points.x)
    y = lab.train_points.y
    expected = -np.mean(np.log(np.where(y == 1, p, 1 - p) + 1e-7))
    assert train[0] == pytest.approx(expected, rel=1e-6)
    lab.advance(max_iters=5)
    lab.advance(max_iters=5)
    assert list(lab.loss_curve()[0]) == [0, 5, 10]


def test_live_settings_reach_the_trainer() -> None:
    lab = Playground(Setup(), Live(lr=0.1))
    assert lab.apply(Live(lr=0.5, l2=0.01)) and lab.changes == [], "nothing is recorded before the first update"
    trainer = lab.trainers[0]
    assert trainer.optimizer.lr == 0.5 and lab.net.weight_decay_lambda == 0.01


def test_a_new_optimizer_and_batch_go_on_from_the_current_weights() -> None:
    lab = Playground(Setup(), Live(lr=0.1, optimizer="momentum"))
    lab.advance(max_iters=30)
    weights = {k: v.copy() for k, v in lab.net.params.items()}
    old_optimizer = lab.trainers[0].optimizer
    changes = lab.apply(Live(lr=0.03, optimizer="adam", batch=50, epochs=120))
    assert [(c.name, c.old, c.new) for c in changes] == [
        ("lr", 0.1, 0.03), ("optimizer", "momentum", "adam"), ("batch", 10, 50), ("epochs", 100, 120)]
    assert lab.changes == changes and {c.iteration for c in changes} == {30}
    trainer = lab.trainers[0]
    assert trainer.optimizer is not old_optimizer and trainer.optimizer.lr == 0.03
    assert trainer.optimizer.state == {}, "Adam's moments start from zero"
    assert trainer.batch_size == 50 and trainer.epochs == 120 and lab.net is not None
    for key, value in weights.items():
        np.testing.assert_array_equal(lab.net.params[key], value)
    # 30 updates of 10 = one epoch and a half; the other 100 samples of epoch 2 take two batches of 50
    assert trainer.total_iters == 30 + 2 + 118 * 4
    lab.advance(max_iters=3)
    assert lab.iteration == 33 and trainer.epoch == 2


def test_per_layer_widths_build_those_layers() -> None:
    lab = Playground(Setup(hidden=(8, 4, 2)), ADAM)
    assert [lab.net.params[f"W{i}"].shape for i in (1, 2, 3, 4)] == [(2, 8), (8, 4), (4, 2), (2, 2)]
    assert [m.shape[0] for m in lab.unit_maps()] == [8, 4, 2]
    lab.advance(max_iters=1)
    assert len(lab.gradient_sizes()) == 4, "three hidden layers and the output layer"


def test_changed_groups_name_why_a_new_network_is_needed() -> None:
    old = Setup()
    assert changed_groups(old, old) == ()
    assert changed_groups(old, replace(old, hidden=(4, 4, 4), seed=3)) == ("data", "architecture")
    assert changed_groups(old, replace(old, activation="relu", noise=0.1, n_train=50)) == ("data", "activation")
    assert changed_groups(old, replace(old, features=("x",))) == ("features",)


def test_gradient_size_per_layer() -> None:
    lab = Playground(Setup(hidden=(4, 4)), ADAM)
    assert lab.gradient_sizes() == [None, None, None], "one empty bar per layer before the first update"
    lab.advance(max_iters=1)
    sizes = lab.gradient_sizes()
    assert len(sizes) == 3 and all(g is not None and g > 0 for g in sizes)


def test_changes_are_marked_once_per_iteration_and_setting() -> None:
    lab = Playground(Setup(), ADAM)
    lab.advance(max_iters=5)
    lab.apply(replace(ADAM, lr=0.1))
    lab.apply(replace(ADAM, lr=0.3, batch=20))
    lab.apply(replace(ADAM, lr=0.3, batch=10, epochs=50))
    lab.advance(max_iters=20)
    lab.apply(replace(ADAM, lr=0.3, optimizer="sgd", epochs=50))
    assert marked_changes(lab.changes) == [
        (5, [Change(5, "lr", 0.03, 0.3)]),
        (25, [Change(25, "optimizer", "adam", "sgd")]),
    ], "the batch went back, and the planned epochs are no mark"
    assert latest_changes(lab.changes) == [Change(25, "optimizer", "adam", "sgd")]
    assert marked_changes([]) == [] and latest_changes([]) == []
