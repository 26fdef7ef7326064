"""The regularisation lesson: the book's overfitting experiment on the shipped subset, weight decay
narrowing the gap, dropout masks, loss split and weight histograms."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.data.mnist import load_mnist_subset
from nnviz.lessons import regularization as lesson
from nnviz.lessons.regularization import Lab, Setup, Variant


@pytest.fixture(scope="module")
def data():
    return load_mnist_subset()[0]


@pytest.fixture(scope="module")
def book_runs(data) -> Lab:
    """The book's preset (300 images, 784-100×6-10, SGD 0.01, 200 epochs, seed 0): plain and λ = 0.1."""
    lab = Lab(Setup(), [Variant(), Variant(weight_decay=float(lesson.BOOK_DECAY))], data)
    lab.finish()
    return lab


def test_overfitting_preset_memorises_the_training_images(book_runs: Lab) -> None:
    plain = book_runs.curves(0)
    assert len(plain.epochs) == 201 and plain.epochs[-1] == 200
    assert plain.train[-1] > 0.98
    assert plain.gap > 0.15


def test_weight_decay_narrows_the_gap(book_runs: Lab) -> None:
    plain, decayed = book_runs.curves(0), book_runs.curves(1)
    assert decayed.gap < plain.gap - 0.01
    assert decayed.train[-1] < plain.train[-1]
    split_plain, split_decayed = book_runs.loss_split(0), book_runs.loss_split(1)
    assert split_decayed.squares < 0.8 * split_plain.squares  # the weights shrank
    assert split_plain.penalty == 0.0


def test_loss_split_adds_up_to_the_nets_loss(book_runs: Lab) -> None:
    net = book_runs.nets[1]
    split = book_runs.loss_split(1)
    assert split.penalty == pytest.approx(0.5 * 0.1 * split.squares, rel=1e-6)
    total = net.loss(book_runs.x_train, book_runs.t_train)
    assert split.cross_entropy + split.penalty == pytest.approx(total, rel=1e-6)
    squares = sum(float(np.sum(net.params[f"W{i}"].astype(np.float64) ** 2)) for i in range(1, 8))
    assert split.squares == pytest.approx(squares, rel=1e-5)


def test_weight_histograms_are_shares_over_shared_bins(book_runs: Lab) -> None:
    hist = book_runs.weight_histograms()
    assert len(hist.edges) == lesson.HIST_BINS + 1
    for share in hist.shares:
        assert share.sum() == pytest.approx(1.0)
    centre = lesson.HIST_BINS // 2
    assert hist.shares[1][centre] > hist.shares[0][centre]  # decay piles weights up near 0


def test_next_masks_are_the_masks_the_next_update_draws(data) -> None:
    lab = Lab(Setup(n_train=200, hidden=(30, 30), epochs=2), [Variant(), Variant(dropout=0.3)], data)
    assert lab.next_masks(0) is None
    lab.advance(max_iters=1)
    peek = lab.next_masks(1, sample=4)
    again = lab.next_masks(1, sample=4)
    np.testing.assert_array_equal(peek, again)  # looking does not draw
    assert peek.shape == (2, 30)
    net = lab.nets[1]
    state = net.rng.bit_generator.state
    lab.advance(max_iters=1)
    net.rng.bit_generator.state = state
    net.predict(lab.x_train[:100], train_flg=True)
    drawn = np.stack([net.layers[f"Dropout{i}"].mask[4] > 0 for i in (1, 2)])
    np.testing.assert_array_equal(peek, drawn)
    assert lesson.survivor_scale(0.2) == pytest.approx(1.25)


def test_kept_share_is_about_one_minus_the_ratio(data) -> None:
    lab = Lab(Setup(n_train=100, hidden=(500,) * 4, epochs=1), [Variant(dropout=0.2)], data)
    assert lesson.kept_share(lab.next_masks(0)) == pytest.approx(0.8, abs=0.03)


def test_curves_start_before_training_and_follow_the_trainer(data) -> None:
    lab = Lab(Setup(n_train=100, hidden=(20,), epochs=3), [Variant()], data)
    assert lab.curves(0).epochs.tolist() == [0]
    lab.finish()
    curves = lab.curves(0)
    assert curves.epochs.tolist() == [0, 1, 2, 3]
    assert curves.test[1:].tolist() == lab.trainers[0].test_acc_history
    assert lab.nets[0].accuracy(lab.x_test, lab.t_test) == curves.test[-1]
    with pytest.raises(ValueError):
        curves.train[0] = 1.0


def test_search_scores_on_a_validation_split_of_the_training_data(data) -> None:
    """The search is given training images only: it fits on 80 % of them, scores on the other 20 %."""
    (x_train, t_train), _ = data
    setup = Setup(n_train=200, hidden=(20,), epochs=2)
    lab = lesson.SearchLab.drawn(lesson.SearchSpace(), 4, (x_train, t_train), seed=3, setup=setup)
    assert len(lab.x_val) == 40 and len(lab.x_fit) == 160
    rows = {row.tobytes() for row in x_train[:200]}
    assert all(row.tobytes() in rows for row in lab.x_val)  # validation rows are training rows…
    fit_rows = {row.tobytes() for row in lab.x_fit}
    assert not any(row.tobytes() in fit_rows for row in lab.x_val)  # …that the nets never train on
    for tr in lab.trainers:
        assert tr.x_test is lab.x_val and tr.x_train is lab.x_fit
    lab.finish()
    scores = lab.scores()
    for k, net in enumerate(lab.nets):
        assert scores[k] == net.accuracy(lab.x_val, lab.t_val)
    assert lab.best(1)[0] == int(np.argmax(scores))



def test_search_nets_are_what_build_net_draws_for_each_decay(data) -> None:
    """The trials' nets are copies of one draw: each equals a net built afresh with its λ, and none
    shares an array with another (training one must not move the rest)."""
    (x_train, t_train), _ = data
    setup = Setup(n_train=200, hidden=(20, 10), epochs=1)
    lab = lesson.SearchLab.drawn(lesson.SearchSpace(), 3, (x_train, t_train), seed=5, setup=setup)
    for trial, net in zip(lab.trials, lab.nets):
        fresh = lesson.build_net(setup, Variant(weight_decay=trial.weight_decay), x_train.shape[1])
        assert net.weight_decay_lambda == trial.weight_decay > 0
        assert fresh.params.keys() == net.params.keys()
        for key in fresh.params:
            np.testing.assert_array_equal(net.params[key], fresh.params[key])
        assert net.layers["Affine1"].W is net.params["W1"]  # the copy's layers use the copy's arrays
    assert not np.shares_memory(lab.nets[0].params["W1"], lab.nets[1].params["W1"])
    lab.trainers[0].step()
    assert not np.array_equal(lab.nets[0].params["W1"], lab.nets[1].params["W1"])


def test_batchnorm_grid_is_the_books_ladder_and_rescues_small_scales(data) -> None:
    scales = lesson.weight_scales(16)
    np.testing.assert_allclose(scales, np.logspace(0, -4, 16))
    assert scales[0] == 1 and scales[-1] == pytest.approx(1e-4)
    variants = lesson.batchnorm_variants(4)
    assert [(v.batchnorm, v.init_std) for v in variants[:2]] == [(False, 1.0), (True, 1.0)]
    setup = Setup(n_train=1000, hidden=(100,) * 5, epochs=6, n_test=100)
    lab = Lab(setup, lesson.batchnorm_variants(3)[2:4], data)  # std 0.01, without and with batch norm
    assert len(lab.x_test) == 100
    assert np.std(lab.nets[0].params["W2"]) == pytest.approx(0.01, rel=0.05)
    lab.finish()
    without, with_bn = lab.curves(0).train[-1], lab.curves(1).train[-1]
    assert without < 0.2 < 0.5 < with_bn  # tiny weights: the signal dies without batch norm


@pytest.fixture(scope="module")
def bn_pair(data) -> Lab:
    """Std 0.01, without and with batch norm, on the book's batch-norm setup, after a few updates."""
    setup = Setup(n_train=1000, hidden=(100,) * 5, epochs=2, n_test=100, train_scored=200)
    lab = Lab(setup, [Variant(init_std=0.01), Variant(batchnorm=True, init_std=0.01)], data)
    lab.advance(max_iters=5)
    return lab


def numpy_forward(net, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """An independent forward pass from the net's parameters: each hidden layer's batch-standardised
    pre-activation (batch norm nets only) and its ReLU output, in float64."""
    standardised, outs = [], []
    h = x.astype(np.float64)
    for i in range(1, net.n_layers):
        a = h @ net.params[f"W{i}"].astype(np.float64) + net.params[f"b{i}"]
        if f"gamma{i}" in net.params:
            a = (a - a.mean(axis=0)) / np.sqrt(a.var(axis=0) + 1e-6)  # ε of the core's batch norm
            standardised.append(a)
            a = net.params[f"gamma{i}"] * a + net.params[f"beta{i}"]
        h = np.maximum(a, 0)
        outs.append(h)
    return standardised, outs


def test_batch_norm_standardises_every_unit_of_the_probe_batch_in_train_mode(bn_pair: Lab) -> None:
    net = bn_pair.nets[1]
    x = bn_pair.x_train[: lesson.PROBE_BATCH]
    standardised, outs = numpy_forward(net, x)
    for a in standardised:
        np.testing.assert_allclose(a.mean(axis=0), 0, atol=1e-6)
        np.testing.assert_allclose(a.std(axis=0), 1, atol=1e-3)
    before = [(n.running_mean.copy(), n.running_var.copy()) for n in (net.layers[f"BatchNorm{i}"] for i in range(1, 6))]
    acts = lesson.hidden_activations(net, x)
    assert len(acts) == 5 and all(a.shape == (100, 100) for a in acts)
    for mine, theirs in zip(acts, outs):
        np.testing.assert_allclose(mine, theirs, rtol=2e-3, atol=2e-3)  # float32 net, float64 check
    for i, (mean, var) in enumerate(before, start=1):  # looking does not move the running statistics
        np.testing.assert_array_equal(net.layers[f"BatchNorm{i}"].running_mean, mean)
        np.testing.assert_array_equal(net.layers[f"BatchNorm{i}"].running_var, var)


def test_probe_histograms_count_every_output_of_every_layer(bn_pair: Lab) -> None:
    for k in (0, 1):
        hist = bn_pair.probe_histograms(k)
        _, outs = numpy_forward(bn_pair.nets[k], bn_pair.x_train[: lesson.PROBE_BATCH])
        assert hist.per_layer == 100 * 100 and hist.counts.shape == (5, lesson.ACT_BINS)
        np.testing.assert_array_equal(hist.counts.sum(axis=1) + hist.zeros + hist.nonfinite, 100 * 100)
        assert hist.edges[0] == 0 and hist.edges[-1] == pytest.approx(max(o.max() for o in outs), rel=1e-3)
        np.testing.assert_allclose(hist.zeros, [int((o == 0).sum()) for o in outs], atol=5)  # float32 signs near 0
        assert hist.zero_share == pytest.approx(np.mean([np.mean(o == 0) for o in outs]))
    def typical(hist) -> np.ndarray:  # mean non-zero output per layer, read off the histogram
        centres = (hist.edges[:-1] + hist.edges[1:]) / 2
        return (hist.counts * centres).sum(axis=1) / hist.counts.sum(axis=1)

    plain, normed = typical(bn_pair.probe_histograms(0)), typical(bn_pair.probe_histograms(1))
    assert plain[-1] < 0.2 * plain[0], "std 0.01 without batch norm: the signal dies layer by layer"
    assert 0.5 < normed[-1] / normed[0] < 2, "with batch norm every layer looks alike"


def test_looking_at_the_activations_does_not_change_the_run(data) -> None:
    setup = Setup(n_train=200, hidden=(30, 30), epochs=1, n_test=100)
    twins = [Lab(setup, [Variant(batchnorm=True, init_std=0.1)], data) for _ in range(2)]
    for _ in range(2):
        twins[0].probe_histograms(0)
        for lab in twins:
            lab.advance(max_iters=1)
    np.testing.assert_array_equal(twins[0].nets[0].params["W1"], twins[1].nets[0].params["W1"])
    np.testing.assert_array_equal(twins[0].nets[0].layers["BatchNorm1"].running_var,
                                  twins[1].nets[0].layers["BatchNorm1"].running_var)


def test_the_scale_is_blamed_when_only_the_net_without_batch_norm_diverges(data) -> None:
    lab = Lab(lesson.BN_SETUP, lesson.batchnorm_variants(4)[:4], data)  # std 1 and 0.046
    while lab.iteration < 8:
        lab.advance(max_iters=8)
    assert lab.stopped[:2] == ("nonfinite_loss", None), "std 1 explodes without batch norm, not with it"
    assert lab.scale_blamed(0)
    assert not any(lab.scale_blamed(k) for k in (1, 2, 3))
    plain = Lab(Setup(n_train=100, hidden=(20,), epochs=1), [Variant(), Variant()], data)
    assert not plain.scale_blamed(0)


def test_training_accuracy_can_be_scored_on_a_fixed_sample(data) -> None:
    setup = Setup(n_train=1000, hidden=(20,), epochs=1, n_test=100, train_scored=200)
    lab = Lab(setup, [Variant(), Variant(init_std=0.1)], data)
    tr = lab.trainers[0]
    assert len(tr.train_acc_index) == 200 and len(lab.x_test) == 100
    np.testing.assert_array_equal(tr.train_acc_index, lab.trainers[1].train_acc_index)
    sample = tr.train_acc_index
    assert lab.curves(1).train[0] == lab.nets[1].accuracy(lab.x_train[sample], lab.t_train[sample])
    lab.finish()
    assert lab.curves(0).train[-1] == lab.nets[0].accuracy(lab.x_train[sample], lab.t_train[sample])


def test_the_init_link_takes_the_nearest_rung_of_its_ladder() -> None:
    from nnviz.lessons.init import STDS
    for std in lesson.weight_scales(16):
        rung = lesson.init_rung(float(std))
        assert rung in STDS
        gaps = [abs(np.log10(float(r) / std)) for r in STDS]
        assert abs(np.log10(float(rung) / std)) == min(gaps)
    assert lesson.init_rung(1.0) == "1" and lesson.init_rung(0.0104) == "0.01"
    assert lesson.nearest_scale(lesson.weight_scales(16).tolist(), 0.01) == pytest.approx(np.logspace(0, -4, 16)[7])


def test_test_accuracy_is_scored_on_the_first_2000_test_images(data) -> None:
    """With full MNIST's 10 000 test digits, an epoch scores a fixed 2 000 (the subset's 1 000 all)."""
    (x_train, t_train), (x_test, t_test) = data
    big = ((x_train, t_train), (np.concatenate([x_test] * 3), np.concatenate([t_test] * 3)))
    lab = Lab(Setup(n_train=100, hidden=(20,), epochs=1), [Variant()], big)
    assert len(lab.x_test) == lesson.TEST_SCORED == 2000
    np.testing.assert_array_equal(lab.trainers[0].x_test, big[1][0][:2000])
    assert len(Lab(Setup(n_train=100, hidden=(20,), epochs=1), [Variant()], data).x_test) == 1000


def test_a_tick_of_the_batchnorm_grid_stops_at_the_epochs_end(data) -> None:
    """A timed advance (a page's tick) never runs past an epoch's end; an untimed one does."""
    setup = Setup(n_train=300, hidden=(10,), epochs=3, n_test=100, tick_seconds=10.0)
    lab = Lab(setup, [Variant(init_std=0.1), Variant(batchnorm=True, init_std=0.1)], data)
    assert lab.advance(max_iters=2, time_budget=60.0) == 2
    assert lab.advance(max_iters=10, time_budget=60.0) == 1 and lab.iteration == 3
    assert len(lab.trainers[1].train_acc_history) == 1
    assert lab.advance(max_iters=5) == 5 and lab.iteration == 8


def test_a_lab_whose_first_net_diverged_reports_the_epochs_of_the_others(data) -> None:
    lab = Lab(Setup(n_train=100, hidden=(10,), epochs=2), [Variant(init_std=1.0), Variant(init_std=1.0)], data)
    lab.trainers[0]._failure = ("nonfinite_loss", "test")  # noqa: SLF001 - the state a NaN loss leaves
    lab.finish()
    assert lab.done and lab.lead is lab.trainers[1]
    assert lab.state().epoch == 2 and lab.trainers[0].epoch == 0
