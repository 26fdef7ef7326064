"""What the Loss-functions page computes: residual losses and their slopes, a line pulled by an
outlier under each loss, the cost of a wrong probability, softmax with cross-entropy against MSE,
and how the loss of a mini-batch scatters around the loss of the whole training set."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

import numpy as np

from nnviz.core.functions import sigmoid, softmax, softmax_jacobian
from nnviz.core.losses import (
    LOG_DELTA,
    binary_cross_entropy,
    binary_cross_entropy_terms,
    binary_cross_entropy_with_logits,
    cross_entropy_error,
    cross_entropy_samples,
    half_squared,
    huber_loss,
    huber_loss_grad,
    l1_loss,
    l1_loss_grad,
    mean_squared_error,
    mean_squared_error_grad,
    mse_loss,
    mse_loss_grad,
    one_hot,
    residual_loss,
    softmax_with_loss_grad,
)
from nnviz.core.net import TwoLayerNet
from nnviz.core.optimizer import make_optimizer
from nnviz.core.regression import NOTES_X, NOTES_Y, least_squares, line_descent
from nnviz.core.train import Trainer
from nnviz.lessons.frozen import read_only
from nnviz.lessons.mnist import shared_data

Array = np.ndarray
RESIDUAL_SPAN = 4.0
RESIDUAL_POINTS = 401

# --- regression losses ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResidualCurve:
    """ℓ(r) and ℓ′(r) of one residual loss on a grid of r = prediction − target."""

    key: str
    r: Array
    f: Array
    df: Array


@lru_cache(maxsize=64)
def residual_curve(key: str, width: float) -> ResidualCurve:
    """The curves of ``key`` (Huber's δ or Smooth L1's β = ``width``) for |r| ≤ 4."""
    loss = residual_loss(key, width)
    r = np.linspace(-RESIDUAL_SPAN, RESIDUAL_SPAN, RESIDUAL_POINTS)
    return read_only(ResidualCurve(key, r, loss.f(r), loss.df(r)))


FIT_KEYS = ("squared", "absolute", "huber")
"""The losses a line is fitted under: MSE, MAE and Huber (Smooth L1 with β = δ has Huber's minimum)."""
FIT_RATES = {"squared": 0.3, "absolute": 0.03, "huber": 0.3}
"""η per loss on standardised x: MSE and Huber stop once |∇L| ≤ FIT_TOL; MAE's slope never shrinks,
so it runs every step, and a small η keeps its hops around the best line small."""
FIT_STEPS = 300
FIT_TOL = 1e-10


def mean_loss(key: str, width: float) -> tuple[Callable[[Array, Array], float], Callable[[Array, Array], Array]]:
    """PyTorch's mean form of a fit loss and its gradient with respect to the predictions."""
    if key == "huber":
        return partial(huber_loss, delta=width), partial(huber_loss_grad, delta=width)
    return {"squared": (mse_loss, mse_loss_grad), "absolute": (l1_loss, l1_loss_grad)}[key]


@dataclass(frozen=True)
class LineUnderLoss:
    """The line w·x + b gradient descent reached under one loss, its mean loss, and each point's
    pull −ℓ′(rᵢ) on it (positive: the point pulls the line up)."""

    key: str
    w: float
    b: float
    loss: float
    pulls: Array


@dataclass(frozen=True)
class OutlierFit:
    """The notes' 11 points, plus the outlier as the last point when there is one, and the lines.

    Every descent starts from ``clean``, the least-squares line of the 11 points.
    """

    x: Array
    y: Array
    has_outlier: bool
    clean: tuple[float, float]
    lines: tuple[LineUnderLoss, ...]
    span: tuple[float, float]


@lru_cache(maxsize=512)
def outlier_fit(outlier: tuple[float, float] | None, width: float) -> OutlierFit:
    """Fit w·x + b under MSE, MAE and Huber(δ = ``width``) by at most FIT_STEPS steps of gradient descent."""
    x, y = NOTES_X, NOTES_Y
    if outlier is not None:
        x, y = np.append(x, outlier[0]), np.append(y, outlier[1])
    clean = least_squares(NOTES_X, NOTES_Y, fit_intercept=True)
    lines = []
    for key in FIT_KEYS:
        value, grad = mean_loss(key, width)
        w, b = line_descent(x, y, grad, FIT_RATES[key], FIT_STEPS, *clean, tol=FIT_TOL).xs[-1]
        residuals = w * x + b - y
        pulls = -residual_loss(key, width).df(residuals)
        lines.append(LineUnderLoss(key, float(w), float(b), value(w * x + b, y), pulls))
    span = (min(0.0, float(x.min())) - 0.5, float(x.max()) + 0.5)
    return read_only(OutlierFit(x, y, outlier is not None, clean, tuple(lines), span))


# --- classification losses --------------------------------------------------------------------------

NOTES_PROBABILITIES = (0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0)
"""The notes' (and the book's) softmax output for a "2"; the book's wrong guess swaps 0.6 to class 7."""
NOTES_TRUTH = 2
WRONG_GUESS = 7
P_LADDER = ("0", "1e-9", "1e-7", "1e-5", "0.001", "0.01", "0.05", "0.1", "0.2", "0.3", "0.4", "0.5",
            "0.6", "0.7", "0.8", "0.9", "0.99", "1")
"""The probability of the true class a student can choose (URL ids)."""
DELTA_ROWS = (0.6, 0.1, 0.01, 1e-4, 1e-7, 1e-9, 0.0)
CURVE_POINTS = 401
LOGIT_ROWS = (-1000.0, -200.0, -100.0, -10.0, 0.0, 10.0)
"""Logits for the BCE table: −200 is where the clamped log is already wrong, −1000 where σ(z) is 0."""


@dataclass(frozen=True)
class ExampleRow:
    """A 10-class prediction for the digit 2: the probability it gives the 2, its CE and book MSE."""

    guess: int
    p_true: float
    ce: float
    mse: float


def notes_examples() -> tuple[ExampleRow, ExampleRow]:
    """The notes' prediction (0.6 on the 2) and the book's wrong one (0.6 on the 7)."""
    right = np.array(NOTES_PROBABILITIES)
    wrong = right.copy()
    wrong[[NOTES_TRUTH, WRONG_GUESS]] = wrong[[WRONG_GUESS, NOTES_TRUTH]]
    t = np.eye(10)[NOTES_TRUTH]
    return tuple(ExampleRow(int(np.argmax(y)), float(y[NOTES_TRUTH]), cross_entropy_error(y, t),
                            mean_squared_error(y, t)) for y in (right, wrong))


@dataclass(frozen=True)
class ClassificationCurves:
    """Losses against the probability p a prediction gives the true class.

    ce is the book's −ln(p + δ), exact −ln p (∞ at p = 0, drawn as a gap); mse the book's ½Σ(y − t)²
    when the rest, 1 − p, sits on one wrong class, i.e. (1 − p)²; bce_one and bce_zero binary
    cross-entropy of a probability p for the targets 1 and 0.
    """

    p: Array
    ce: Array
    exact: Array
    mse: Array
    bce_one: Array
    bce_zero: Array


def two_class_rows(p: Array) -> Array:
    """Predictions (p, 1 − p): p on the true class 0, the rest on one wrong class."""
    return np.column_stack([p, 1 - p])


@lru_cache(maxsize=2)
def classification_curves(log_axis: bool) -> ClassificationCurves:
    """The curves on 0 ≤ p ≤ 1, or on 10⁻¹⁰ ≤ p ≤ 1 for a logarithmic axis."""
    p = np.logspace(-10, 0, CURVE_POINTS) if log_axis else np.linspace(0, 1, CURVE_POINTS)
    rows, labels = two_class_rows(p), np.zeros(len(p), dtype=int)
    with np.errstate(divide="ignore"):
        exact = -np.log(p)
    mse = half_squared(rows - one_hot(rows, labels)).sum(axis=1)
    return read_only(ClassificationCurves(p, cross_entropy_samples(rows, labels), exact, mse,
                                          binary_cross_entropy_terms(p, 1.0), binary_cross_entropy_terms(p, 0.0)))


@dataclass(frozen=True)
class DeltaRow:
    """Cross-entropy of one probability of the true class, without and with δ, and its slope."""

    p: float
    exact: float
    book: float
    slope_exact: float
    slope_book: float


def delta_rows(p_chosen: float) -> tuple[DeltaRow, ...]:
    """DELTA_ROWS and the chosen p, largest first: −ln p is ∞ at 0 where −ln(p + δ) stops at 16.12."""
    rows = []
    for p in sorted({*DELTA_ROWS, p_chosen}, reverse=True):
        with np.errstate(divide="ignore"):
            exact, slope = float(-np.log(p)), float(np.divide(-1.0, p))
        book = cross_entropy_error(two_class_rows(np.array([p])), np.array([0]))
        rows.append(DeltaRow(p, exact, book, slope, -1 / (p + LOG_DELTA)))
    return tuple(rows)


@dataclass(frozen=True)
class LogitRow:
    """Binary cross-entropy of a logit z with target 1, three ways."""

    z: float
    naive: float  # −ln σ(z): ∞ once σ(z) rounds to 0
    clamped: float  # BCELoss on σ(z): its log stops at −100
    stable: float  # BCEWithLogitsLoss: softplus(−z), exact


def logit_rows() -> tuple[LogitRow, ...]:
    rows = []
    for z in LOGIT_ROWS:
        p = sigmoid(np.array(z))
        with np.errstate(divide="ignore"):
            naive = float(-np.log(p))
        rows.append(LogitRow(z, naive, binary_cross_entropy(p, 1.0), binary_cross_entropy_with_logits(z, 1.0)))
    return tuple(rows)


# --- softmax with cross-entropy against MSE ---------------------------------------------------------

LOGIT_SPAN = 10.0
SWEEP_POINTS = 201


@dataclass(frozen=True)
class SoftmaxLoss:
    """Logits z, softmax p, one-hot target t; the book's CE and MSE of p and their gradients with
    respect to the logits: (p − t) for CE, Jᵀ(p − t) for MSE (J the softmax Jacobian)."""

    logits: Array
    probabilities: Array
    target: Array
    ce: float
    mse: float
    ce_grad: Array
    mse_grad: Array


def _logit_gradients(z: Array, truth: int) -> tuple[Array, Array]:
    """(∂CE/∂z, ∂MSE/∂z) of one sample: softmax_with_loss_grad and the chain rule through softmax."""
    t = np.array([truth])
    return softmax_with_loss_grad(z, t), softmax_jacobian(z).T @ mean_squared_error_grad(softmax(z), t)


@lru_cache(maxsize=1024)
def softmax_loss(logits: tuple[float, ...], truth: int) -> SoftmaxLoss:
    z = np.array(logits, dtype=float)
    p, t = softmax(z), np.eye(len(z))[truth]
    ce_grad, mse_grad = _logit_gradients(z, truth)
    return read_only(SoftmaxLoss(z, p, t, cross_entropy_error(p, t), mean_squared_error(p, t), ce_grad, mse_grad))


@dataclass(frozen=True)
class Saturation:
    """How hard each loss pushes the true class's logit up, −∂L/∂z_true, as that logit sweeps
    −10 … 10 with the other logits held: CE tends to 1 when the answer is confidently wrong, MSE to 0."""

    z: Array
    ce: Array
    mse: Array


@lru_cache(maxsize=256)
def saturation(others: tuple[float, ...], truth: int) -> Saturation:
    """The sweep for the logits ``others`` of the other classes (in order, the true class left out).

    All SWEEP_POINTS logit vectors go through the core as one batch: the per-sample gradients are
    N × the batch-averaged ones, and MSE's is pulled through softmax as Jᵀg = p ⊙ (g − pᵀg).
    """
    grid = np.linspace(-LOGIT_SPAN, LOGIT_SPAN, SWEEP_POINTS)
    z = np.insert(np.tile(np.array(others, dtype=float), (len(grid), 1)), truth, grid, axis=1)
    labels = np.full(len(grid), truth)
    p = softmax(z)
    ce = -softmax_with_loss_grad(z, labels)[:, truth] * len(grid)
    g = mean_squared_error_grad(p, labels) * len(grid)
    mse = -p[:, truth] * (g[:, truth] - np.sum(p * g, axis=1))
    return read_only(Saturation(grid, ce, mse))


# --- mini-batch loss on MNIST -----------------------------------------------------------------------

TRAIN_EPOCHS = 10
TRAIN_LR = 0.1
TRAIN_BATCH = 100
TRAIN_SEED = 0
BATCH_SIZES = ("1", "2", "5", "10", "20", "50", "100", "200", "500", "1000")
BATCHES_DRAWN = 2000
HISTOGRAM_BINS = 40


@dataclass(frozen=True)
class SampleLosses:
    """Cross-entropy of every training image under the trained two-layer net, and how it trained."""

    losses: Array
    train_accuracy: float
    test_accuracy: float
    iterations: int

    @property
    def mean(self) -> float:
        return float(np.mean(self.losses))

    @property
    def std(self) -> float:
        """The population standard deviation σ of the per-image losses."""
        return float(np.std(self.losses))


@lru_cache(maxsize=2)
def sample_losses(load: Callable[[], Any]) -> SampleLosses:
    """Train the book's 784-50-10 net (SGD η 0.1, batch 100, seed 0) for TRAIN_EPOCHS epochs on
    ``load()``'s training images — ``load`` returns (((x, t), (x, t)), source) like the MNIST
    loaders — and score every training image. Deterministic, and once per process."""
    (x_train, t_train), (x_test, t_test) = shared_data(load)[0]
    net = TwoLayerNet(seed=TRAIN_SEED)
    trainer = Trainer(net, make_optimizer("sgd", lr=TRAIN_LR), x_train, t_train, x_test, t_test,
                      batch_size=TRAIN_BATCH, epochs=TRAIN_EPOCHS, seed=TRAIN_SEED)
    trainer.run()
    losses = cross_entropy_samples(softmax(net.predict(x_train)).astype(np.float64), t_train)
    state = trainer.state()
    return read_only(SampleLosses(losses, state.train_acc, state.test_acc, state.iteration))


def batch_means(losses: Array, size: int, count: int, rng: np.random.Generator) -> Array:
    """The mean loss of ``count`` mini-batches of ``size``, cut from shuffled epochs as training
    draws them (no image twice in a batch)."""
    n = len(losses)
    per_epoch = n // size
    epochs = -(-count // per_epoch)
    order = np.concatenate([rng.permutation(n)[: per_epoch * size] for _ in range(epochs)])
    return losses[order[: count * size]].reshape(count, size).mean(axis=1)


def spread_theory(sigma: float, n: int, size: int) -> float:
    """σ/√B · √((N − B)/(N − 1)): the spread of the mean of B of N values drawn without replacement."""
    return sigma / math.sqrt(size) * math.sqrt((n - size) / (n - 1))


@dataclass(frozen=True)
class BatchStudy:
    """Batch-mean losses for every size of BATCH_SIZES (BATCHES_DRAWN each) and their spread."""

    samples: SampleLosses
    sizes: tuple[int, ...]
    means: tuple[Array, ...]
    measured: Array
    theory: Array


@lru_cache(maxsize=2)
def batch_study(load: Callable[[], Any]) -> BatchStudy:
    samples = sample_losses(load)
    rng = np.random.default_rng(TRAIN_SEED)
    sizes = tuple(int(s) for s in BATCH_SIZES)
    means = tuple(batch_means(samples.losses, s, BATCHES_DRAWN, rng) for s in sizes)
    n = len(samples.losses)
    theory = np.array([spread_theory(samples.std, n, s) for s in sizes])
    return read_only(BatchStudy(samples, sizes, means, np.array([float(np.std(m)) for m in means]), theory))


@dataclass(frozen=True)
class BatchHistogram:
    """Counts of the batch means in equal bins, and the normal curve N(mean, theory²) in counts."""

    size: int
    edges: Array
    counts: Array
    curve_x: Array
    curve_counts: Array
    measured: float
    theory: float


@lru_cache(maxsize=32)
def batch_histogram(load: Callable[[], Any], size: int) -> BatchHistogram:
    study = batch_study(load)
    i = study.sizes.index(size)
    means = study.means[i]
    counts, edges = np.histogram(means, bins=HISTOGRAM_BINS)
    x = np.linspace(edges[0], edges[-1], 201)
    s, mu = float(study.theory[i]), study.samples.mean
    density = np.exp(-0.5 * ((x - mu) / s) ** 2) / (s * math.sqrt(2 * math.pi))
    return read_only(BatchHistogram(size, edges, counts, x, density * len(means) * (edges[1] - edges[0]),
                                    float(study.measured[i]), s))
