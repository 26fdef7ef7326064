"""The Loss-functions lesson against independent computations: polyfit and brute force for the
fitted lines, finite differences for the logit gradients, exhaustive enumeration for the spread
of a batch mean."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from nnviz.core.regression import NOTES_X, NOTES_Y
from nnviz.data.mnist import load_mnist_subset
from nnviz.lessons import losses as lesson

OUTLIER = (5.5, 9.0)


def test_residual_curves_are_read_only_and_span_the_grid() -> None:
    curve = lesson.residual_curve("smooth_l1", 0.5)
    assert curve.r[0] == -lesson.RESIDUAL_SPAN and curve.r[-1] == lesson.RESIDUAL_SPAN
    assert not curve.f.flags.writeable
    np.testing.assert_allclose(curve.df, np.clip(curve.r / 0.5, -1, 1))


def test_mse_line_is_least_squares_and_its_pulls_balance() -> None:
    fit = lesson.outlier_fit(OUTLIER, 1.5)
    x, y = np.append(NOTES_X, OUTLIER[0]), np.append(NOTES_Y, OUTLIER[1])
    mse = fit.lines[lesson.FIT_KEYS.index("squared")]
    np.testing.assert_allclose([mse.w, mse.b], np.polyfit(x, y, 1), atol=1e-9)
    assert mse.loss == pytest.approx(np.mean((mse.w * x + mse.b - y) ** 2), rel=1e-12)
    np.testing.assert_allclose([mse.pulls @ x, mse.pulls.sum()], 0, atol=1e-7), "pulls balance at the minimum"
    np.testing.assert_allclose(fit.clean, np.polyfit(NOTES_X, NOTES_Y, 1), atol=1e-12)


def best_l1_loss(x: np.ndarray, y: np.ndarray) -> float:
    """The least mean |residual| of a line: some best L1 line passes through two of the points."""
    best = math.inf
    for i, j in itertools.combinations(range(len(x)), 2):
        if x[i] != x[j]:
            w = (y[j] - y[i]) / (x[j] - x[i])
            best = min(best, float(np.mean(np.abs(w * (x - x[i]) + y[i] - y))))
    return best


def test_mae_line_comes_within_a_step_of_the_best_l1_line() -> None:
    fit = lesson.outlier_fit(OUTLIER, 1.5)
    x, y = np.append(NOTES_X, OUTLIER[0]), np.append(NOTES_Y, OUTLIER[1])
    mae = fit.lines[lesson.FIT_KEYS.index("absolute")]
    assert best_l1_loss(x, y) <= mae.loss <= best_l1_loss(x, y) + 5e-3
    assert abs(mae.pulls[-1]) == 1.0
    mse = fit.lines[lesson.FIT_KEYS.index("squared")]
    assert mae.w < mse.w, "the outlier above drags the MSE line up more"


def test_huber_pull_is_capped_at_delta() -> None:
    fit = lesson.outlier_fit(OUTLIER, 0.7)
    huber = fit.lines[lesson.FIT_KEYS.index("huber")]
    assert np.max(np.abs(huber.pulls)) == pytest.approx(0.7)
    x = np.append(NOTES_X, OUTLIER[0])
    np.testing.assert_allclose([huber.pulls @ x, huber.pulls.sum()], 0, atol=1e-8)  # stopped at |∇L| ≤ FIT_TOL


def test_no_outlier_fits_the_eleven_points() -> None:
    fit = lesson.outlier_fit(None, 1.0)
    assert not fit.has_outlier and len(fit.x) == 11


def test_notes_examples_are_the_goldens() -> None:
    right, wrong = lesson.notes_examples()
    assert (right.guess, right.p_true, right.ce, right.mse) == (2, 0.6, pytest.approx(0.510825457099338, abs=1e-15),
                                                                pytest.approx(0.0975, abs=1e-15))
    assert (wrong.guess, wrong.p_true) == (7, 0.1)
    assert wrong.ce == pytest.approx(-math.log(0.1 + 1e-7), abs=1e-15) and wrong.mse == pytest.approx(0.5975, abs=1e-15)


@pytest.mark.parametrize("log_axis", [False, True])
def test_classification_curves_follow_their_closed_forms(log_axis: bool) -> None:
    c = lesson.classification_curves(log_axis)
    np.testing.assert_allclose(c.ce, -np.log(c.p + 1e-7), rtol=1e-13)
    np.testing.assert_allclose(c.mse, (1 - c.p) ** 2, atol=1e-15)
    inner = (c.p > 0) & (c.p < 1)
    np.testing.assert_allclose(c.bce_one[inner], -np.log(c.p[inner]), rtol=1e-13)
    np.testing.assert_allclose(c.bce_zero[inner], -np.log1p(-c.p[inner]), rtol=1e-6)  # 1 − p rounds for tiny p
    assert (c.p[0] == 0) != log_axis


def test_delta_rows_show_infinity_only_without_delta() -> None:
    rows = {r.p: r for r in lesson.delta_rows(0.3)}
    assert 0.3 in rows and list(rows) == sorted(rows, reverse=True)
    assert rows[0.0].exact == math.inf and rows[0.0].slope_exact == -math.inf
    assert rows[0.0].book == pytest.approx(-math.log(1e-7)) and rows[0.0].slope_book == pytest.approx(-1e7)


def test_logit_rows_show_where_each_form_fails() -> None:
    rows = {r.z: r for r in lesson.logit_rows()}
    assert rows[-1000.0].naive == math.inf and rows[-1000.0].clamped == 100.0 and rows[-1000.0].stable == 1000.0
    assert rows[-200.0].clamped == 100.0 and rows[-200.0].stable == pytest.approx(200.0, rel=1e-15)
    assert rows[10.0].stable == pytest.approx(math.log1p(math.exp(-10.0)), rel=1e-15)


def book_losses(z: np.ndarray, truth: int, delta: float = 1e-7) -> tuple[float, float]:
    p = np.exp(z - z.max())
    p /= p.sum()
    t = np.eye(len(z))[truth]
    return float(-np.log(p[truth] + delta)), float(0.5 * np.sum((p - t) ** 2))


def test_logit_gradients_match_central_differences() -> None:
    z, truth = (0.3, -1.2, 2.0), 1
    state = lesson.softmax_loss(z, truth)
    h = 1e-6
    for k in range(3):
        e = np.eye(3)[k] * h
        up, down = book_losses(np.array(z) + e, truth, 0.0), book_losses(np.array(z) - e, truth, 0.0)
        assert state.ce_grad[k] == pytest.approx((up[0] - down[0]) / (2 * h), abs=1e-8), "p − t: the exact −ln p"
        assert state.mse_grad[k] == pytest.approx((up[1] - down[1]) / (2 * h), abs=1e-8)
    assert (state.ce, state.mse) == pytest.approx(book_losses(np.array(z), truth), rel=1e-14)


def test_saturation_sweep_matches_the_state_at_each_logit() -> None:
    for truth in (0, 1, 2):
        sweep = lesson.saturation((6.0, 0.0), truth)
        for i in range(0, lesson.SWEEP_POINTS, 20):
            logits = list(np.insert([6.0, 0.0], truth, sweep.z[i]))
            state = lesson.softmax_loss(tuple(float(v) for v in logits), truth)  # through softmax_jacobian
            assert sweep.ce[i] == pytest.approx(1 - state.probabilities[truth], abs=1e-14)
            assert sweep.mse[i] == pytest.approx(-state.mse_grad[truth], abs=1e-14)
        assert sweep.ce[0] > 0.999 and sweep.mse[0] < 1e-6


def test_batches_never_repeat_an_image() -> None:
    ids = np.arange(50, dtype=float)
    rng = np.random.default_rng(1)
    for size in (1, 7, 50):
        means = lesson.batch_means(ids ** 3, size, 30, rng)
        assert means.shape == (30,)
    order = lesson.batch_means(ids, 50, 3, np.random.default_rng(2))
    assert np.all(order == ids.mean()), "a batch of all N images is every image once"


def test_spread_theory_is_the_exact_spread_of_a_mean_without_replacement() -> None:
    values = np.array([0.1, 2.0, 0.4, 5.0, 0.0, 1.3])
    for size in (1, 2, 3, 6):
        means = [np.mean(values[list(c)]) for c in itertools.combinations(range(6), size)]
        assert lesson.spread_theory(float(np.std(values)), 6, size) == pytest.approx(float(np.std(means)), abs=1e-14)


def test_mnist_batch_study_trains_the_net_and_its_spread_follows_the_theory() -> None:
    study = lesson.batch_study(load_mnist_subset)
    samples = study.samples
    assert samples.iterations == lesson.TRAIN_EPOCHS * len(samples.losses) // lesson.TRAIN_BATCH
    assert 0.85 < samples.test_accuracy < 0.95 and samples.train_accuracy > 0.88
    assert np.all(samples.losses >= 0) and samples.mean == pytest.approx(float(np.mean(samples.losses)))
    np.testing.assert_allclose(study.measured, study.theory, rtol=0.1)
    hist = lesson.batch_histogram(load_mnist_subset, 100)
    assert hist.counts.sum() == lesson.BATCHES_DRAWN and hist.theory == pytest.approx(float(study.theory[6]))
    assert lesson.batch_study(load_mnist_subset) is study, "trained once per process"


def test_mae_line_reaches_the_best_l1_line_for_a_far_outlier_too() -> None:
    fit = lesson.outlier_fit((8.0, -4.0), 3.0)
    x, y = np.append(NOTES_X, 8.0), np.append(NOTES_Y, -4.0)
    mae = fit.lines[lesson.FIT_KEYS.index("absolute")]
    assert best_l1_loss(x, y) <= mae.loss <= best_l1_loss(x, y) + 5e-3
