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
