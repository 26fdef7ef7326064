"""Trainer: accuracy band on the subset, chunking invariance, NaN stop, shuffling, live hyper-parameters."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from nnviz.core.net import TwoLayerNet
from nnviz.core.optimizer import SGD, Momentum, make_optimizer
from nnviz.core.train import RUNAWAY_WINDOW, Trainer, blas_threads, runaway
from nnviz.data.mnist import load_mnist

Array = np.ndarray


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Array, Array, Array, Array]:
    mp = pytest.MonkeyPatch()
    mp.setenv("NNVIZ_DATA_DIR", str(tmp_path_factory.mktemp("no_mnist")))
    (x, t), (xt, tt) = load_mnist()
    mp.undo()
    return x, t, xt, tt


def make(data: tuple[Array, ...], epochs: int = 1, lr: float = 0.1, seed: int = 0, **kw: object) -> Trainer:
    return Trainer(TwoLayerNet(seed=seed), SGD(lr=lr), *data, batch_size=100, epochs=epochs, seed=seed, **kw)


def test_book_setup_reaches_the_documented_band(subset: tuple[Array, ...]) -> None:
    """784-50-10, W ~ 0.01·N(0,1), SGD lr 0.1, batch 100, 5 epochs on the 4 000-image subset."""
    trainer = make(subset, epochs=5)
    trainer.run()
    assert trainer.done and trainer.stop_reason == "finished"
    assert len(trainer.loss_history) == 200 and len(trainer.test_acc_history) == 5
    assert 0.80 <= trainer.test_acc_history[-1] <= 0.95
    assert np.mean(trainer.loss_history[-20:]) < 0.5 * np.mean(trainer.loss_history[:20])
    x, t, xt, tt = subset
    assert trainer.test_acc_history[-1] == np.mean(trainer.network.predict(xt).argmax(axis=1) == tt)
    assert trainer.train_acc_history[-1] == np.mean(trainer.network.predict(x).argmax(axis=1) == t)


def test_chunking_does_not_change_the_outcome(subset: tuple[Array, ...]) -> None:
    whole, chunked = make(subset, epochs=2, seed=4), make(subset, epochs=2, seed=4)
    whole.run()
    sizes = iter([7, 1, 30, 3, 100])
    while not chunked.done:
        chunked.run(max_iters=next(sizes, 11))
        chunked.run(time_budget=0.0)
    assert whole.loss_history == chunked.loss_history
    assert whole.test_acc_history == chunked.test_acc_history
    assert whole.train_acc_history == chunked.train_acc_history
    for key, value in whole.network.params.items():
        np.testing.assert_array_equal(value, chunked.network.params[key])
    other_seed = make(subset, epochs=1, seed=5)
    other_seed.run(max_iters=5)
    assert other_seed.loss_history != whole.loss_history[:5]


def test_time_budget_allows_at_least_one_iteration(subset: tuple[Array, ...]) -> None:
    trainer = make(subset)
    assert trainer.run(time_budget=0.0) == 1
    assert trainer.run(max_iters=0) == 0
    assert trainer.iteration == 1


def test_huge_learning_rate_stops_cleanly(subset: tuple[Array, ...]) -> None:
    trainer = make(subset, epochs=3, lr=1e8)
    trainer.run()
    state = trainer.state()
    assert state.done and state.stop_reason == "nonfinite_loss"
    assert "learning rate" in state.stop_message and str(trainer.iteration + 1) in state.stop_message
    assert np.all(np.isfinite(trainer.loss_history)) and trainer.iteration < trainer.total_iters
    assert trainer.run() == 0


class Recorder:
    """A stand-in network that records which training rows each batch contains."""

    def __init__(self) -> None:
        self.params = {"w": np.zeros(1)}
        self.weight_decay_lambda = 0.0
        self.batches: list[Array] = []

    def loss_and_gradient(self, x: Array, t: Array) -> tuple[float, dict[str, Array]]:
        self.batches.append(x[:, 0].astype(int))
        np.testing.assert_array_equal(x[:, 0], t)
        return 1.0, {"w": np.zeros(1)}

    def accuracy(self, x: Array, t: Array) -> float:
        return 0.0


def test_each_epoch_visits_every_sample_once() -> None:
    n = 250
    x, t = np.arange(n, dtype=float)[:, None], np.arange(n)
    rec = Recorder()
    trainer = Trainer(rec, SGD(), x, t, x[:5], t[:5], batch_size=100, epochs=3, seed=1)
    trainer.run()
    assert trainer.iters_per_epoch == 3 and [len(b) for b in rec.batches] == [100, 100, 50] * 3
    epochs = [np.concatenate(rec.batches[3 * e : 3 * e + 3]) for e in range(3)]
    for order in epochs:
        np.testing.assert_array_equal(np.sort(order), np.arange(n))
    assert not np.array_equal(epochs[0], epochs[1]) and not np.array_equal(epochs[0], np.arange(n))


def test_training_accuracy_uses_a_fixed_sample() -> None:
    n = 12_000
    x, t = np.zeros((n, 1)), np.zeros(n, dtype=int)
    a = Trainer(Recorder(), SGD(), x, t, x, t, seed=3)
    b = Trainer(Recorder(), SGD(), x, t, x, t, seed=3)
    assert len(a.train_acc_index) == 10_000 and len(np.unique(a.train_acc_index)) == 10_000
    np.testing.assert_array_equal(a.train_acc_index, b.train_acc_index)
    assert len(Trainer(Recorder(), SGD(), x[:500], t[:500], x, t).train_acc_index) == 500


def test_learning_rate_change_between_chunks_takes_effect(subset: tuple[Array, ...]) -> None:
    trainer = make(subset, epochs=2)
    optimizer = trainer.optimizer
    trainer.run(max_iters=5)
    frozen = {k: v.copy() for k, v in trainer.network.params.items()}
    trainer.set_hyperparams(lr=0.0)
    trainer.run(max_iters=5)
    assert trainer.optimizer is optimizer and trainer.iteration == 10
    for key, value in frozen.items():
        np.testing.assert_array_equal(trainer.network.params[key], value)
    trainer.set_hyperparams(lr=0.1)
    trainer.run(max_iters=1)
    assert not np.array_equal(trainer.network.params["W2"], frozen["W2"])


def test_other_hyperparameters_and_unknown_names(subset: tuple[Array, ...]) -> None:
    trainer = Trainer(TwoLayerNet(seed=0), Momentum(lr=0.05), *subset)
    trainer.set_hyperparams(momentum=0.5, weight_decay_lambda=0.01)
    assert trainer.optimizer.momentum == 0.5 and trainer.network.weight_decay_lambda == 0.01
    with pytest.raises(AttributeError):
        trainer.set_hyperparams(beta9=1.0)


def test_state_progress_eta_and_more_epochs(subset: tuple[Array, ...]) -> None:
    trainer = make(subset, epochs=1)
    fresh = trainer.state()
    assert fresh.progress == 0.0 and fresh.eta_seconds is None and fresh.samples_per_sec is None
    trainer.run(max_iters=10)
    mid = trainer.state()
    assert mid.iteration == 10 and mid.progress == pytest.approx(10 / 40)
    assert mid.samples_per_sec > 0 and mid.eta_seconds == pytest.approx(3000 / mid.samples_per_sec)
    trainer.run()
    assert trainer.state().done and trainer.state().eta_seconds is None and trainer.state().test_acc is not None
    trainer.epochs = 2
    assert not trainer.done
    trainer.run()
    assert trainer.epoch == 2 and trainer.iteration == 80 and len(trainer.test_acc_history) == 2


def _blas_threads() -> int:
    return max(info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas")


@pytest.mark.skipif(not any(i["user_api"] == "blas" for i in threadpool_info()), reason="no BLAS pool found")
def test_blas_thread_limit_is_scoped() -> None:
    before = _blas_threads()
    with blas_threads(1):
        assert _blas_threads() == 1
    assert _blas_threads() == before
    with blas_threads(None):
        assert _blas_threads() == before


def test_runaway_rule_on_synthetic_histories() -> None:
    """Stuck at ≥ ln 10 with 10-fold weights, or a doubling loss, is a runaway; a slow start is not."""
    stuck = [2.31] * RUNAWAY_WINDOW
    assert runaway(stuck, weight_growth=10.0, classes=10) is not None
    assert runaway(stuck, weight_growth=9.9, classes=10) is None  # lr too small: stuck, weights unchanged
    assert runaway([2.30] * RUNAWAY_WINDOW, weight_growth=100.0, classes=10) is None  # 2.30 < ln 10
    rising = [1.0] * RUNAWAY_WINDOW + [2.1] * RUNAWAY_WINDOW
    assert "doubled" in runaway(rising, weight_growth=1.0, classes=10)
    assert runaway(stuck[:-1], weight_growth=1e6, classes=10) is None  # not a full window yet


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_the_slider_top_rate_is_stopped_as_a_runaway(subset: tuple[Array, ...], name: str) -> None:
    """lr = 10 ended "finished" at 10 % accuracy with weights up to 6.5e3; now it stops within a window."""
    trainer = Trainer(TwoLayerNet(seed=0), make_optimizer(name, lr=10.0), *subset, batch_size=100, epochs=3, seed=0)
    trainer.run()
    state = trainer.state()
    assert state.stop_reason == "runaway" and trainer.iteration == RUNAWAY_WINDOW
    assert "learning rate" in state.stop_message and "ln 10" in state.stop_message


@pytest.mark.parametrize("name,lr", [("sgd", 0.1), ("sgd", 0.001), ("sgd", 1.0), ("momentum", 0.5), ("adam", 0.01)])
def test_healthy_and_too_slow_runs_are_not_runaways(subset: tuple[Array, ...], name: str, lr: float) -> None:
    trainer = Trainer(TwoLayerNet(seed=0), make_optimizer(name, lr=lr), *subset, batch_size=100, epochs=2, seed=0)
    trainer.run()
    assert trainer.stop_reason == "finished"


def test_a_new_batch_size_mid_epoch_still_visits_every_sample_once() -> None:
    n = 250
    x, t = np.arange(n, dtype=float)[:, None], np.arange(n)
    rec = Recorder()
    trainer = Trainer(rec, SGD(), x, t, x[:5], t[:5], batch_size=100, epochs=2, seed=1)
    assert trainer.total_iters == 6
    trainer.run(max_iters=1)
    trainer.set_batch_size(60)
    assert trainer.iters_left_in_epoch == 3 and trainer.total_iters == 1 + 3 + 5
    trainer.run()
    assert [len(b) for b in rec.batches] == [100, 60, 60, 30] + [60] * 4 + [10]
    assert trainer.iteration == trainer.total_iters == 9 and trainer.epoch == 2
    for order in (np.concatenate(rec.batches[:4]), np.concatenate(rec.batches[4:])):
        np.testing.assert_array_equal(np.sort(order), np.arange(n))
    with pytest.raises(ValueError):
        trainer.set_batch_size(0)


def test_scoring_no_training_images_leaves_the_run_unchanged(subset: tuple[Array, ...]) -> None:
    """train_acc_size=0 (the search page: it draws validation accuracy only) skips the training
    score after each epoch and nothing else: same losses, same test accuracy."""
    scored, unscored = make(subset, epochs=2), make(subset, epochs=2, train_acc_size=0)
    scored.run(), unscored.run()
    assert unscored.train_acc_history == [] and len(scored.train_acc_history) == 2
    assert unscored.loss_history == scored.loss_history
    assert unscored.test_acc_history == scored.test_acc_history and len(scored.test_acc_history) == 2
