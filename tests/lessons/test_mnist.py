"""Live MNIST lab: lock-step nets, live settings, curves, predictions, mosaics; subset loader."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnviz.core.averaging import ewa
from nnviz.core.init import INIT_SCHEMES
from nnviz.core.net import LayerStats, MultiLayerNet
from nnviz.core.optimizer import LR_LADDER, SGD, Adam
from nnviz.core.train import Trainer
from nnviz.data.mnist import load_mnist, load_mnist_subset, mnist_cached
from nnviz.lessons.live import SPEEDS, pace
from nnviz.lessons.mnist import (
    BATCHES,
    COMPARED,
    DECAYS,
    EXPERIMENTS,
    INIT_HIDDEN,
    INIT_IDS,
    STAT_FIELDS,
    WIDTHS,
    Lab,
    LiveSettings,
    NetSpec,
    confusion_accuracy,
    confusion_matrix,
    curve_points,
    init_scheme,
    init_std,
    init_value,
    layer_series,
    layer_sizes,
    layer_table,
    mosaic_cols,
    shared_data,
    tile_mosaic,
)

BOOK = NetSpec()
BOOK_LIVE = LiveSettings()


@pytest.fixture(scope="module")
def data():
    return load_mnist_subset()[0]


def test_subset_loader_ignores_the_cache_and_cache_check(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path))
    assert not mnist_cached()
    (x, t), (xt, tt) = load_mnist_subset()[0]
    (x2, t2), (xt2, tt2) = load_mnist()
    assert np.array_equal(x, x2) and np.array_equal(tt, tt2)
    assert x.shape == (4000, 784) and xt.shape == (1000, 784) and not x.flags.writeable
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"):
        (tmp_path / name).write_bytes(b"")
    assert not mnist_cached()
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(b"")
    assert mnist_cached()
    assert load_mnist_subset()[1].kind == "subset"


def test_book_preset_matches_a_plain_trainer(data) -> None:
    """The lab is the book's loop: same seed, same net, same numbers as Trainer used directly."""
    (x, t), (xt, tt) = data
    lab = Lab([BOOK], LiveSettings(epochs=2), data)
    lab.advance(max_iters=30)
    lab.advance(max_iters=50)
    net = MultiLayerNet(784, [50], 10, "relu", 0.01, seed=0)
    plain = Trainer(net, SGD(lr=0.1), x, t, xt, tt, batch_size=100, epochs=2, seed=0)
    plain.run()
    assert lab.done and lab.iteration == 80
    np.testing.assert_array_equal(lab.trainers[0].loss_history, plain.loss_history)
    epochs, train, test = lab.accuracy_curve(0)
    assert list(epochs) == [0, 1, 2]
    assert list(test[1:]) == plain.test_acc_history and list(train[1:]) == plain.train_acc_history
    untrained = MultiLayerNet(784, [50], 10, "relu", 0.01, seed=0)
    assert test[0] == untrained.accuracy(xt, tt)
    assert train[0] == untrained.accuracy(x[plain.train_acc_index], t[plain.train_acc_index])


def test_book_preset_band_on_the_subset(data) -> None:
    """What the page promises for chapter 5 on the subset: 16 epochs → test accuracy about 0.90–0.92."""
    finals = []
    for seed in (0, 1, 2):
        lab = Lab([NetSpec(seed=seed)], BOOK_LIVE, data)
        lab.advance()
        finals.append(lab.accuracy_curve(0)[2][-1])
    assert all(0.88 <= a <= 0.93 for a in finals), finals


def test_init_comparison_runs_in_lock_step(data) -> None:
    specs = [NetSpec((100,) * 4, "relu", init, 100, 0.0, 0) for init in ("0.01", "xavier", "he")]
    lab = Lab(specs, LiveSettings(hyper=(("lr", 0.01),), epochs=3), data)
    lab.advance(time_budget=0.01)
    assert len({tr.iteration for tr in lab.trainers}) == 1 and lab.iteration >= 1
    lab.advance(max_iters=119)
    assert lab.done and [tr.iteration for tr in lab.trainers] == [120] * 3
    smooth = [lab.loss_curve(k)[2][-1] for k in range(3)]
    assert smooth[0] > 2.25, "std 0.01 through four ReLU layers barely learns (book fig. 6-15)"
    assert smooth[2] < 2.0 and smooth[2] < smooth[1] < smooth[0], "He learns fastest, then √(1/n)"
    first = [s[0].act_std for s in lab.stats]
    deep = [s[3].act_std for s in lab.stats]
    assert deep[0] < 1e-3 < deep[1] < deep[2] and first[0] < first[1]


def test_live_settings_continue_and_are_recorded(data) -> None:
    lab = Lab([BOOK], BOOK_LIVE, data)
    lab.apply_live(LiveSettings(hyper=(("lr", 0.05),)))
    assert lab.changes == [] and lab.trainers[0].optimizer.lr == 0.05, "before training: applied, not marked"
    lab.advance(max_iters=20)
    params = {k: v.copy() for k, v in lab.nets[0].params.items()}
    changes = lab.apply_live(LiveSettings("adam", (("lr", 0.001), ("beta1", 0.9), ("beta2", 0.999), ("eps", 1e-8)),
                                          weight_decay=0.01, epochs=20))
    assert [c.name for c in changes] == ["optimizer", "weight_decay", "epochs"]
    assert [(c.iteration, c.name) for c in lab.changes] == [(20, "optimizer"), (20, "weight_decay")]
    opt = lab.trainers[0].optimizer
    assert isinstance(opt, Adam) and opt.lr == 0.001 and lab.nets[0].weight_decay_lambda == 0.01
    assert lab.trainers[0].total_iters == 800 and lab.iteration == 20
    for k, v in params.items():
        np.testing.assert_array_equal(lab.nets[0].params[k], v)
    lab.advance(max_iters=1)
    assert lab.iteration == 21
    lab.apply_live(LiveSettings("adam", (("lr", 0.002), ("beta1", 0.9), ("beta2", 0.999), ("eps", 1e-8)),
                                weight_decay=0.01, epochs=20))
    assert lab.changes[-1].name == "lr" and (lab.changes[-1].old, lab.changes[-1].new) == (0.001, 0.002)
    assert lab.trainers[0].optimizer is opt and opt.lr == 0.002, "same optimizer state, new rate"


def test_epoch_target_and_running_flags(data) -> None:
    lab = Lab([BOOK], BOOK_LIVE, data)
    lab.advance(max_iters=7)
    assert lab.iters_to_epoch_end() == 33
    lab.run_epoch()
    assert lab.running
    lab.advance(max_iters=10)
    assert lab.running and lab.iteration == 17
    lab.advance()
    assert not lab.running and lab.iteration == 40 and lab.state().epoch == 1
    assert lab.iters_to_epoch_end() == 40
    lab.start()
    lab.advance(max_iters=5)
    lab.pause()
    assert not lab.running and lab.iteration == 45


def test_divergence_stops_and_is_reported(data) -> None:
    lab = Lab([BOOK], LiveSettings(hyper=(("lr", 1e6),)), data)
    lab.start()
    for _ in range(50):
        lab.advance(max_iters=10)
        if lab.done:
            break
    state = lab.state()
    assert lab.done and not lab.running and lab.stopped == ("nonfinite_loss",) and state.eta_seconds is None


def test_wall_clock_eta_uses_ticks(data) -> None:
    lab = Lab([BOOK], BOOK_LIVE, data)
    lab.start()
    lab.advance(max_iters=10, now=100.0)
    lab.advance(max_iters=10, now=102.0)
    state = lab.state()
    assert state.eta_seconds == pytest.approx((640 - 20) / 5.0)
    assert 0 < state.progress == 20 / 640


def test_lab_curves_are_downsampled_with_the_last_point(data) -> None:
    lab = Lab([NetSpec(batch_size=10)], LiveSettings(epochs=1), data)
    lab.advance()
    it, raw, smooth = lab.loss_curve(0, max_points=100)
    assert len(it) <= 100 and it[0] == 1 and it[-1] == 400
    history = np.asarray(lab.trainers[0].loss_history)
    np.testing.assert_array_equal(raw, history[it - 1])
    np.testing.assert_allclose(smooth, ewa(history, 0.9, bias_correction=True)[it - 1], rtol=1e-12)
    assert list(curve_points(5, 10)) == [0, 1, 2, 3, 4]
    idx = curve_points(10_000, 1000)
    assert len(idx) <= 1000 and idx[-1] == 9999 and idx[0] == 0


def test_confusion_mistakes_and_probabilities(data) -> None:
    (_, _), (xt, tt) = data
    lab = Lab([BOOK], BOOK_LIVE, data)
    lab.advance(max_iters=80)
    probs = lab.probabilities(0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-6)
    cm = lab.confusion(0)
    assert cm.sum() == len(tt)
    assert np.trace(cm) / len(tt) == pytest.approx(lab.nets[0].accuracy(xt, tt))
    assert np.array_equal(cm.sum(axis=1), np.bincount(tt, minlength=10))
    wrong = lab.mistakes(0)
    pred = lab.nets[0].predict(xt).argmax(axis=1)
    assert set(wrong) == set(np.flatnonzero(pred != tt)) and len(wrong) == len(tt) - np.trace(cm)
    conf = probs[wrong].max(axis=1)
    assert np.all(np.diff(conf) <= 0), "most confidently wrong first"
    assert lab.probabilities(0) is probs, "cached until training moves on"
    lab.advance(max_iters=1)
    assert lab.probabilities(0) is not probs
    assert confusion_matrix(np.array([0, 1, 1]), np.array([0, 2, 1]))[1, 2] == 1


def test_first_layer_weights_and_mosaic(data) -> None:
    lab = Lab([BOOK], BOOK_LIVE, data)
    w = lab.first_layer_weights(0, units=7)
    assert w.shape == (7, 28, 28)
    np.testing.assert_array_equal(w[3], lab.nets[0].params["W1"][:, 3].reshape(28, 28))
    mosaic = tile_mosaic(w, cols=3, scale_each=True)
    assert mosaic.shape == (3 * 29 - 1, 3 * 29 - 1)
    tile = mosaic[29:57, 0:28]
    np.testing.assert_allclose(tile, w[3] / np.abs(w[3]).max())
    assert np.isnan(mosaic[28]).all() and np.isnan(mosaic[-28:, -28:]).all(), "gaps and the empty slots"
    assert np.nanmax(np.abs(mosaic)) == pytest.approx(1.0)
    assert lab.test_image(5).shape == (28, 28)
    wide = tile_mosaic(w[:2], cols=2, gap=6)
    assert wide.shape == (28, 62) and np.isnan(wide[:, 28:34]).all()
    np.testing.assert_array_equal(wide[:, 34:], w[1])


def test_probe_statistics_do_not_change_the_outcome(data) -> None:
    """The untrained layer statistics come from a pass that leaves weights and dropout RNG alone."""
    spec = NetSpec(dropout=0.3)
    lab = Lab([spec], LiveSettings(epochs=1), data)
    assert lab.stats[0] and lab.stats[0][0].zero_fraction is not None
    lab.advance(max_iters=5)
    (x, t), (xt, tt) = data
    net = MultiLayerNet(784, [50], 10, "relu", 0.01, dropout_ratio=0.3, seed=0)
    plain = Trainer(net, SGD(lr=0.1), x, t, xt, tt, batch_size=100, epochs=1, seed=0)
    plain.run(max_iters=5)
    np.testing.assert_array_equal(lab.trainers[0].loss_history, plain.loss_history)


def test_init_ids() -> None:
    assert init_value("he") == "he" and init_value("xavier") == "xavier" and init_value("0.01") == 0.01
    with pytest.raises(ValueError):
        Lab([], BOOK_LIVE, load_mnist_subset()[0])


def test_init_ids_resolve_through_the_core_registry() -> None:
    assert [init_scheme(i) for i in INIT_IDS] == [("normal", 0.01), ("book_xavier", None), ("book_he", None),
                                                   ("normal", 1.0)]
    assert all(init_scheme(i)[0] in INIT_SCHEMES for i in INIT_IDS)
    assert init_std("xavier", 784, 50) == pytest.approx(math.sqrt(1 / 784))
    assert init_std("he", 100, 100) == pytest.approx(math.sqrt(2 / 100))
    assert init_std("1", 784, 50) == 1.0
    for bad in ("lecun", "banana"):
        with pytest.raises(ValueError):
            init_value(bad)


@pytest.mark.parametrize("init", INIT_IDS)
def test_lab_weights_have_the_registry_std(data, init: str) -> None:
    lab = Lab([NetSpec((100, 100), init=init)], BOOK_LIVE, data)
    for i, (fan_in, fan_out) in enumerate([(784, 100), (100, 100)], start=1):
        w = lab.nets[0].params[f"W{i}"]
        assert np.std(w) == pytest.approx(init_std(init, fan_in, fan_out), rel=0.03)


def test_shared_data_loads_once_and_read_only() -> None:
    calls = []

    def load(size: int = 3):
        calls.append(size)
        return (np.zeros(size), np.ones(size)), "source"

    first = shared_data(load, size=4)
    assert shared_data(load, size=4) is first and calls == [4], "one load for every session"
    (x, t), source = first
    assert source == "source" and not x.flags.writeable and not t.flags.writeable
    with pytest.raises(ValueError):
        x[0] = 1.0
    shared_data(load, size=5)
    assert calls == [4, 5]
    shared_data.cache_clear()
    assert shared_data(load, size=4) is not first and calls == [4, 5, 4], "cleared after a download"


def test_experiments_ladders_and_pace() -> None:
    book, init = EXPERIMENTS["book"], EXPERIMENTS["init"]
    assert (book.prefix, book.lr, book.epochs, book.hidden, book.inits) == ("", "0.1", 16, None, None)
    assert (init.prefix, init.lr, init.epochs) == ("i_", "0.01", 20)
    assert init.hidden == INIT_HIDDEN == (100,) * 4 and init.inits == COMPARED == ("0.01", "xavier", "he")
    assert {book.lr, init.lr} <= set(LR_LADDER)
    for ladder, default in ((WIDTHS, "50"), (BATCHES, "100"), (DECAYS, "0")):
        assert default in ladder and list(map(float, ladder)) == sorted(map(float, ladder))
    assert pace("slow") == (1, 0.3) and pace("medium") == (10, 0.3) and pace("fast") == (None, 0.15)
    assert set(SPEEDS) == {"slow", "medium", "fast"}
    assert layer_sizes((50,)) == (784, 50, 10) and layer_sizes(INIT_HIDDEN) == (784, 100, 100, 100, 100, 10)
    assert [mosaic_cols(n) for n in (1, 9, 10, 16, 17, 25)] == [3, 3, 4, 4, 5, 5]


def test_spec_changes_and_when_an_untrained_lab_follows(data) -> None:
    lab = Lab([BOOK], BOOK_LIVE, data)
    wider = [NetSpec(hidden=(100,), seed=3)]
    assert lab.spec_changes([BOOK], "subset") == ()
    assert lab.spec_changes(wider, "full") == ("data", "hidden", "seed")
    assert lab.outdated(wider, "subset") and lab.outdated([BOOK], "full") and not lab.outdated([BOOK], "subset")
    lab.advance(max_iters=1)
    assert not lab.outdated(wider, "subset"), "a trained network waits for Reset"
    assert lab.spec_changes(wider, "subset") == ("hidden", "seed")


def test_readout_and_test_accuracy(data) -> None:
    (_, _), (xt, tt) = data
    lab = Lab([BOOK], BOOK_LIVE, data)
    before = lab.readout(0)
    assert before.loss is None and before.test == lab.initial_test_acc[0] and before.train == lab.initial_train_acc[0]
    lab.advance(max_iters=45)
    r = lab.readout(0)
    history = np.asarray(lab.trainers[0].loss_history)
    assert r.loss == pytest.approx(ewa(history, 0.9, bias_correction=True)[-1], rel=1e-12)
    assert r.test == lab.trainers[0].test_acc_history[-1] and r.train == lab.trainers[0].train_acc_history[-1]
    assert lab.test_accuracy(0) == pytest.approx(lab.nets[0].accuracy(xt, tt), abs=1e-12)
    assert confusion_accuracy(np.array([[2, 1], [0, 1]])) == 0.75


def test_prediction_and_next_mistake(data) -> None:
    lab = Lab([BOOK], BOOK_LIVE, data)
    lab.advance(max_iters=40)
    probs = lab.probabilities(0)
    assert not probs.flags.writeable
    for i in (0, 7, 999):
        p = lab.prediction(0, i)
        assert p.predicted == int(np.argmax(probs[i])) and p.confidence == probs[i].max()
        assert p.truth == lab.t_test[i] and p.right == (p.predicted == p.truth)
        np.testing.assert_array_equal(p.image, lab.test_image(i))
    wrong = np.sort(lab.mistakes(0))
    assert lab.next_mistake(0, -1) == wrong[0]
    assert lab.next_mistake(0, int(wrong[3])) == wrong[4]
    assert lab.next_mistake(0, int(wrong[-1])) == wrong[0], "past the last mistake: back to the first"
    lab.mistakes = lambda k: np.array([], dtype=np.intp)
    assert lab.next_mistake(0, 5) is None and lab.mistake_gallery(0) is None


def test_mistake_gallery_and_weight_tiles(data) -> None:
    lab = Lab([BOOK], BOOK_LIVE, data)
    lab.advance(max_iters=40)
    wrong = lab.mistakes(0)
    gallery = lab.mistake_gallery(0)
    tiles = gallery.tiles
    assert gallery.total == len(wrong) and tiles.count == 24 and (tiles.cols, tiles.tile, tiles.gap) == (6, 28, 9)
    assert tiles.mosaic.shape == (4 * 37 - 9, 6 * 37 - 9)
    np.testing.assert_array_equal(gallery.truth, lab.t_test[wrong[:24]])
    np.testing.assert_array_equal(gallery.predicted, lab.predicted(0)[wrong[:24]])
    np.testing.assert_array_equal(tiles.mosaic[37:65, 74:102], lab.test_image(wrong[8]))  # row 1, column 2
    weights = lab.weight_tiles(0)
    assert (weights.count, weights.cols, weights.mosaic.shape) == (25, 5, (5 * 29 - 1, 5 * 29 - 1))
    w = lab.first_layer_weights(0, 25)[6]
    np.testing.assert_allclose(weights.mosaic[29:57, 29:57], w / np.abs(w).max())
    narrow = Lab([NetSpec(hidden=(10,))], BOOK_LIVE, data).weight_tiles(0)
    assert (narrow.count, narrow.cols, narrow.mosaic.shape) == (10, 4, (3 * 29 - 1, 4 * 29 - 1))


def test_layer_series_and_table_follow_the_activation(data) -> None:
    relu = Lab([NetSpec((50, 50))], BOOK_LIVE, data)
    stats = relu.stats[0]
    s = relu.layer_series(0)
    assert s.off_kind == "zero" and s.layers == (1, 2)
    assert s.off == (stats[0].zero_fraction, stats[1].zero_fraction)
    assert s.act_std == (stats[0].act_std, stats[1].act_std) and s.grad_rms == (stats[0].grad_rms, stats[1].grad_rms)
    table = relu.layer_table()
    assert table.net == (0, 0, 0) and table.layer == (1, 2, None)
    assert list(table.columns) == ["mean", "std", "zero", "dead", "wstd", "grad"], "ReLU: no plateau, no saturation"
    assert table.columns["zero"][2] is None and table.columns["wstd"][2] == stats[2].weight_std
    sigmoid = Lab([NetSpec(activation="sigmoid")], BOOK_LIVE, data)
    assert sigmoid.layer_series(0).off_kind == "saturated"
    assert sigmoid.layer_series(0).off == (sigmoid.stats[0][0].saturated_fraction,)
    assert list(sigmoid.layer_table().columns) == ["mean", "std", "saturated", "wstd", "grad"]


def test_layer_table_keeps_a_column_whose_numbers_broke() -> None:
    """None from the core means "meaningless here" (column dropped); NaN means "broke" (shown as missing)."""
    def stat(i: int, mean: float) -> LayerStats:
        return LayerStats(i, "relu", mean, 1.0, 0.5, 0.0, None, 0.1, math.inf)

    table = layer_table([[stat(1, math.nan)], [stat(1, 0.2)]])
    assert list(table.columns) == [k for k in STAT_FIELDS if k != "saturated"]
    assert table.columns["mean"] == (None, 0.2) and table.columns["grad"] == (None, None)
    assert layer_series([stat(1, 0.0)]).grad_rms == (None,)
