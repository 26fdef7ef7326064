"""What the Weight-initialisation page computes: the book's experiment, its histograms and
summaries, the schemes and presets it offers, and why equal weights never become different.

The experiment (book §6.2) is a deep bias-free net on random input, layer by layer.
Forward: A₀ = X, Zₗ = Aₗ₋₁ Wₗ, Aₗ = act(Zₗ) for l = 1..L.
Backward: a seeded standard-normal G plays ∂loss/∂A_L, i.e. loss = Σ G ⊙ A_L; then
dZₗ = dAₗ ⊙ act'(Zₗ) and dAₗ₋₁ = dZₗ Wₗᵀ. `grad_a[l]` is ∂loss/∂Aₗ (so `grad_a[-1]` is G);
only the per-layer std of dZₗ is kept. Array index l holds layer l + 1.

The symmetry demo is a 2-H-1 network (tanh hidden layer, linear output, biases starting at 0)
learning XOR by plain gradient descent on loss = (1/2N) Σ (y - t)². With constant weights every
hidden unit computes the same thing and gets the same update, so the hidden units stay clones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from numpy.typing import DTypeLike, NDArray

from nnviz.core.functions import ACTIVATIONS, SATURATION_TOL, Activation
from nnviz.core.init import FLOAT_DTYPES, get_scheme, init_weight, scheme_scale
from nnviz.lessons.frozen import read_only

Array = NDArray[np.floating]
Gradient = Literal["a", "z"]  # ∂loss/∂A or ∂loss/∂Z
Histograms = Literal["activations", "gradients", "all"]

ACTIVATION_IDS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu")
"""The activations the experiment offers, ids of the activation table (nnviz.core.functions)."""
ZERO_HEAVY: frozenset[str] = frozenset({"relu"})
"""Activations that output exactly 0 for about half their inputs: their zero bin can be left out."""
SCHEMES: tuple[str, ...] = ("normal", "book_xavier", "book_he", "xavier_uniform", "he_uniform")
"""The scheme ids (nnviz.core.init) a single run offers; "normal" takes its std from STDS."""
STDS: tuple[str, ...] = ("0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "0.5", "1", "2", "3")
"""The ladder of weight stds for N(0, std²), as option ids."""
GRADIENTS: tuple[Gradient, ...] = ("a", "z")
"""The gradients whose histograms the page shows, as option ids."""
BOOK_SAMPLES = 1000  # the book's number of input samples
SAMPLE_BUDGET = 500_000  # layers × width × samples per run: the book's 5 × 100 × 1000, and no more


@dataclass(frozen=True)
class Variant:
    """One row of the comparison: a scheme id and the std it needs (None: the scheme sets it)."""

    scheme: str
    std: float | None = None


@dataclass(frozen=True)
class Preset:
    """A comparison to open with one click: an activation and the variants (ids of VARIANTS) it shows."""

    activation: str
    variants: tuple[str, ...]


VARIANTS: dict[str, Variant] = {
    "std1": Variant("normal", 1.0), "std01": Variant("normal", 0.1), "std001": Variant("normal", 0.01),
    "book_xavier": Variant("book_xavier"), "book_he": Variant("book_he"),
    "xavier_uniform": Variant("xavier_uniform"), "he_uniform": Variant("he_uniform"),
}
PRESETS: dict[str, Preset] = {
    "sigmoid": Preset("sigmoid", ("std1", "std001", "book_xavier")),
    "relu": Preset("relu", ("std001", "book_xavier", "book_he")),
    "tanh": Preset("tanh", ("std1", "std001", "book_xavier")),
}






def drops_zeros(activation: str) -> bool:
    """Whether the page offers to leave the exact zeros of ``activation`` out of the histograms."""
    return activation in ZERO_HEAVY


# ------------------------------------------------------------------------ experiment


def _share_saturated(slopes: Array, activation: str) -> Array | None:
    """Per-layer share of saturated units (|f'(z)| < 0.01, the rule of nnviz.core.functions.saturated)
    from the slopes f'(Z), or None for activations without a plateau."""
    return (np.abs(slopes) < SATURATION_TOL).mean(axis=(1, 2)) if ACTIVATIONS[activation].plateau else None


@dataclass(frozen=True)
class DepthStats:
    """Per-layer statistics (arrays of length L, float64)."""

    mean: Array
    std: Array
    saturated: Array | None  # None for relu, leaky_relu, gelu (no plateau)
    dead: Array  # fraction of activations exactly 0
    grad_std: Array | None  # std of ∂loss/∂Aₗ; None without backward pass
    grad_z_std: Array | None  # std of ∂loss/∂Zₗ = ∂loss/∂Aₗ ⊙ act'(Zₗ); None without backward pass


@dataclass(frozen=True)
class InitExperiment:
    """Everything one run produced; z, a, grad_a, grad_z have shape (L, n_samples, width)."""

    scheme: str
    activation: str
    seed: int
    x: Array
    weights: tuple[Array, ...]
    z: Array
    a: Array
    grad_a: Array | None
    grad_z: Array | None
    stats: DepthStats


def _require_activation(activation: str) -> None:
    if activation not in ACTIVATION_IDS:
        raise ValueError(f"unknown activation {activation!r}; known: {', '.join(ACTIVATION_IDS)}")


def _check_range(m: Array, what: str, layer: int) -> None:
    """OverflowError unless every entry is finite with margin (|m| < max/4 keeps m ⊙ act' finite)."""
    limit = np.finfo(m.dtype).max / 4
    if not (m.min() > -limit and m.max() < limit):
        raise OverflowError(
            f"{what} of layer {layer} left the {m.dtype} range; lower the weight scale or depth"
        )


def _checked_dtype(scheme: str, activation: str, dtype: DTypeLike, sizes: tuple[int, ...]) -> np.dtype:
    """The run's dtype, after checking the scheme, the activation and the sizes (ValueError)."""
    get_scheme(scheme)
    _require_activation(activation)
    dt = np.dtype(dtype)
    if dt not in FLOAT_DTYPES:
        raise ValueError(f"dtype must be float32 or float64, got {dt}")
    if min(sizes) < 1:
        raise ValueError("n_samples, n_in, layers and width must all be >= 1")
    return dt


def _streams(seed: int) -> list[np.random.SeedSequence]:
    """Three independent streams from one seed: the input X, the weights, the top gradient G."""
    return np.random.SeedSequence(seed).spawn(3)


@lru_cache(maxsize=8)
def _standard_normal_weights(shape: tuple[int, int, int], seed: int, dtype: np.dtype) -> tuple[Array, ...]:
    """The weight stream's N(0, 1) draws, layer by layer (fan-ins n_in, width, width, …), read-only."""
    n_in, width, layers = shape
    rng = np.random.default_rng(_streams(seed)[1])
    return read_only(tuple(rng.standard_normal((n_in if l == 0 else width, width), dtype=dtype)
                           for l in range(layers)))


@lru_cache(maxsize=8)
def _input_and_top_gradient(shape: tuple[int, int, int], seed: int, dtype: np.dtype) -> tuple[Array, Array]:
    """X (n_samples × n_in) and G (n_samples × width) from their own streams, read-only: every
    scheme of a comparison sees the same draws, drawn once."""
    n_samples, n_in, width = shape
    x_rng, _, g_rng = (np.random.default_rng(s) for s in _streams(seed))
    return read_only((x_rng.standard_normal((n_samples, n_in), dtype=dtype),
                      g_rng.standard_normal((n_samples, width), dtype=dtype)))


def _weights(scheme: str, shape: tuple[int, int, int], seed: int, dtype: np.dtype,
             **params: float | None) -> tuple[Array, ...]:
    """Every layer's weights, drawn by ``scheme`` from the seed's weight stream.

    Normal schemes scale the same N(0, 1) draws (exactly what init_weight draws), so a comparison
    of several stds draws them once.
    """
    n_in, width, layers = shape
    fans = [n_in if l == 0 else width for l in range(layers)]
    if get_scheme(scheme).distribution == "normal":
        base = _standard_normal_weights(shape, seed, dtype)
        return tuple(b * dtype.type(scheme_scale(scheme, fan, width, **params)) for b, fan in zip(base, fans))
    rng = np.random.default_rng(_streams(seed)[1])
    return tuple(init_weight(scheme, fan, width, rng, dtype=dtype, **params) for fan in fans)


def _forward(x: Array, weights: tuple[Array, ...], act: Activation) -> tuple[Array, Array]:
    """Pre-activations Z and activations A of every layer, shape (L, n_samples, width)."""
    z = np.empty((len(weights), x.shape[0], weights[0].shape[1]), dtype=x.dtype)
    a = np.empty_like(z)
    prev = x
    for l, w in enumerate(weights):
        with np.errstate(over="ignore", invalid="ignore"):  # _check_range reports it
            np.matmul(prev, w, out=z[l])
        _check_range(z[l], "pre-activations", l + 1)
        a[l] = act.f(z[l])
        prev = a[l]
    return z, a


def _backward(z: Array, weights: tuple[Array, ...], act: Activation, g: Array) -> tuple[Array, Array, Array]:
    """∂loss/∂Aₗ and ∂loss/∂Zₗ of every layer (from ``g`` at the top), and the slopes f'(Zₗ).

    Each slope is computed once: the backward pass, the saturated share and the histograms of
    ∂loss/∂Z all use it.
    """
    grad_a, grad_z, slopes = np.empty_like(z), np.empty_like(z), np.empty_like(z)
    grad_a[-1] = g
    for l in range(len(weights) - 1, -1, -1):
        slopes[l] = act.df(z[l])
        np.multiply(grad_a[l], slopes[l], out=grad_z[l])
        if l:
            with np.errstate(over="ignore", invalid="ignore"):
                np.matmul(grad_z[l], weights[l].T, out=grad_a[l - 1])
            _check_range(grad_a[l - 1], "activation gradients", l)
    return grad_a, grad_z, slopes


def _depth_stats(a: Array, slopes: Array, grad_a: Array | None, grad_z: Array | None,
                 activation: str) -> DepthStats:
    def std(values: Array | None) -> Array | None:
        return None if values is None else values.std(axis=(1, 2), dtype=np.float64)

    return DepthStats(mean=a.mean(axis=(1, 2), dtype=np.float64), std=std(a),
                      saturated=_share_saturated(slopes, activation), dead=(a == 0).mean(axis=(1, 2)),
                      grad_std=std(grad_a), grad_z_std=std(grad_z))


def run_init_experiment(
    scheme: str,
    activation: str,
    *,
    n_samples: int = BOOK_SAMPLES,
    n_in: int = 100,
    layers: int = 5,
    width: int = 100,
    seed: int = 0,
    std: float | None = None,
    a: float | None = None,
    value: float | None = None,
    backward: bool = True,
    dtype: DTypeLike = np.float32,
) -> InitExperiment:
    """Run the book's experiment (defaults: X 1000×100, 5 layers of 100, no bias).

    Three independent streams spawned from `seed` draw X, the weights and G, so X and G
    depend only on seed, shapes and dtype: different schemes see the same input.
    """
    dt = _checked_dtype(scheme, activation, dtype, (n_samples, n_in, layers, width))
    act = ACTIVATIONS[activation]
    x, g = _input_and_top_gradient((n_samples, n_in, width), seed, dt)
    weights = _weights(scheme, (n_in, width, layers), seed, dt, std=std, a=a, value=value)
    z, acts = _forward(x, weights, act)
    if backward:
        grad_a, grad_z, slopes = _backward(z, weights, act, g)
    else:
        grad_a = grad_z = None
        slopes = act.df(z)
    stats = _depth_stats(acts, slopes, grad_a, grad_z, activation)
    return InitExperiment(scheme, activation, seed, x, weights, z, acts, grad_a, grad_z, stats)


# ------------------------------------------------------------------------ histograms


@dataclass(frozen=True)
class LayerHistograms:
    """Histogram counts per layer (L, bins) over shared bin edges (bins + 1,)."""

    counts: NDArray[np.int64]
    edges: NDArray[np.float64]


def histogram_range(values_per_layer: Sequence[Array] | Array, activation: str) -> tuple[float, float]:
    """Bin range for an activation: sigmoid (0, 1), tanh (-1, 1), relu [0, max], others [min, max]."""
    _require_activation(activation)
    if activation == "sigmoid":
        return 0.0, 1.0
    if activation == "tanh":
        return -1.0, 1.0
    hi = max(float(np.max(v)) for v in values_per_layer)
    lo = 0.0 if activation == "relu" else min(float(np.min(v)) for v in values_per_layer)
    if hi <= lo:
        return lo, lo + 1.0
    return lo, hi


def layer_histograms(
    values_per_layer: Sequence[Array] | Array,
    activation: str,
    bins: int = 30,
    drop_zero: bool = False,
) -> LayerHistograms:
    """Histogram each layer's values with the same edges; `drop_zero` leaves out exact zeros."""
    lo, hi = histogram_range(values_per_layer, activation)
    counts = []
    for v in values_per_layer:
        v = np.ravel(v)
        if drop_zero:
            v = v[v != 0]
        counts.append(np.histogram(v, bins=bins, range=(lo, hi))[0])
    return LayerHistograms(np.array(counts, dtype=np.int64), np.linspace(lo, hi, bins + 1))


def _finite(flat: Array) -> Array:
    keep = np.isfinite(flat)
    return flat if keep.all() else flat[keep]


def symmetric_histograms(values_per_layer: Sequence[Array] | Array, bins: int = 30) -> LayerHistograms:
    """Histogram each layer's values over the same range [-m, m], m = max |value| over all layers.

    Meant for gradients, which are centred on 0. Non-finite values are not counted; an
    all-zero (or empty) input gets the range [-1, 1].
    """
    finite = [_finite(np.ravel(v)) for v in values_per_layer]
    m = max((float(np.max(np.abs(v))) for v in finite if v.size), default=0.0)
    if not m > 0:
        m = 1.0
    counts = [np.histogram(v, bins=bins, range=(-m, m))[0] for v in finite]
    return LayerHistograms(np.array(counts, dtype=np.int64), np.linspace(-m, m, bins + 1))


def samples_for(layers: int, width: int, budget: int = SAMPLE_BUDGET, low: int = 100,
                high: int = BOOK_SAMPLES) -> int:
    """How many input samples to use so that layers × width × samples stays near ``budget``.

    The book's 1000 samples up to 5 × 100 (or 10 × 50); fewer for deeper or wider nets,
    never fewer than ``low`` (a 20 × 500 net gets 100 samples: 50 000 values per layer).
    """
    return int(min(high, max(low, budget // max(1, layers * width))))


# ------------------------------------------------------------------------ summaries


@dataclass(frozen=True)
class InitSummary:
    """What the page draws from one run: statistics and histograms, small enough to cache.

    ``activations`` uses the activation's bin range (`histogram_range`); ``activations_nonzero``
    (ReLU only, else None) counts the same bins with exact zeros left out. ``grad_a`` and
    ``grad_z`` are `symmetric_histograms` of ∂loss/∂Aₗ and ∂loss/∂Zₗ. ``values_per_layer`` =
    n_samples × width, the total every histogram row's fractions refer to. A summary made for one
    view holds only that view's histograms (the others are None): they are most of the work.
    """

    scheme: str
    activation: str
    layers: int
    width: int
    n_samples: int
    values_per_layer: int
    stats: DepthStats
    activations: LayerHistograms | None
    activations_nonzero: LayerHistograms | None
    grad_a: LayerHistograms | None
    grad_z: LayerHistograms | None

    @property
    def reduced(self) -> bool:
        """Whether the run used fewer input samples than the book's 1000."""
        return self.n_samples < BOOK_SAMPLES

    @property
    def zero_heavy(self) -> bool:
        """Whether about half the activations are exactly 0 (ReLU): their share is worth a column."""
        return self.activations_nonzero is not None

    def activation_histograms(self, drop_zero: bool = False) -> LayerHistograms:
        """The activations' histograms, without the exact zeros when asked and available."""
        return self.activations_nonzero if drop_zero and self.activations_nonzero is not None else self.activations

    def gradient_histograms(self, which: Gradient) -> LayerHistograms:
        """The histograms of ∂loss/∂A ("a") or of ∂loss/∂Z ("z")."""
        return self.grad_a if which == "a" else self.grad_z




def summarise_init(
    scheme: str,
    activation: str,
    *,
    layers: int = 5,
    width: int = 100,
    n_samples: int | None = None,
    seed: int = 0,
    std: float | None = None,
    bins: int = 30,
    histograms: Histograms = "all",
) -> InitSummary:
    """Run the experiment with n_in = width (every layer has fan-in `width`) and summarise it.

    ``n_samples=None`` takes `samples_for(layers, width)`; ``histograms`` says which to count
    ("activations", "gradients" or "all"). Raises OverflowError like `run_init_experiment` when
    the values leave the float32 range. The arrays are read-only.
    """
    n = samples_for(layers, width) if n_samples is None else n_samples
    run = run_init_experiment(scheme, activation, n_samples=n, n_in=width, layers=layers, width=width,
                              seed=seed, std=std)
    forward, backward = histograms in ("activations", "all"), histograms in ("gradients", "all")
    return read_only(InitSummary(
        scheme=scheme,
        activation=activation,
        layers=layers,
        width=width,
        n_samples=n,
        values_per_layer=n * width,
        stats=run.stats,
        activations=layer_histograms(run.a, activation, bins) if forward else None,
        activations_nonzero=layer_histograms(run.a, activation, bins, drop_zero=True)
        if forward and drops_zeros(activation) else None,
        grad_a=symmetric_histograms(run.grad_a, bins) if backward else None,
        grad_z=symmetric_histograms(run.grad_z, bins) if backward else None,
    ))


@lru_cache(maxsize=64)
def init_summary(scheme: str, activation: str, layers: int, width: int, std: float | None,
                 histograms: Histograms = "all") -> InitSummary | None:
    """`summarise_init` with the page's defaults, cached on every setting; None when the values overflow float32."""
    try:
        return summarise_init(scheme, activation, layers=layers, width=width, std=std, histograms=histograms)
    except OverflowError:
        return None


def variant_summary(variant: str, activation: str, layers: int, width: int) -> InitSummary | None:
    """`init_summary` of one comparison row (an id of VARIANTS), with the activations' histograms only."""
    v = VARIANTS[variant]
    return init_summary(v.scheme, activation, layers, width, v.std, "activations")


# -------------------------------------------------------------------------- symmetry

XOR_X: Array = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_T: Array = np.array([[0.0], [1.0], [1.0], [0.0]])
read_only(XOR_X, XOR_T)
TANH = ACTIVATIONS["tanh"]


@dataclass(frozen=True)
class SymmetryDemo:
    """Weights at steps 0..steps: hidden rows (steps+1, H, 2), output weights (steps+1, H), loss."""

    init: str
    x: Array
    t: Array
    hidden_weights: Array
    output_weights: Array
    loss: Array

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1])


def _symmetry_start(init: str, hidden: int, value: float, std: float, seed: int) -> tuple[Array, Array]:
    """The weights W1 (2, H) and W2 (H, 1): all ``value``, or N(0, std²) from ``seed``."""
    if init == "constant":
        return np.full((2, hidden), value), np.full((hidden, 1), value)
    if init == "random":
        rng = np.random.default_rng(seed)
        return rng.normal(0.0, std, (2, hidden)), rng.normal(0.0, std, (hidden, 1))
    raise ValueError(f"init must be 'constant' or 'random', got {init!r}")


def symmetry_demo(
    init: Literal["constant", "random"] = "constant",
    *,
    steps: int = 20,
    lr: float = 0.5,
    hidden: int = 4,
    value: float = 0.5,
    std: float = 1.0,
    seed: int = 0,
) -> SymmetryDemo:
    """Train on XOR from constant (all weights `value`) or random (N(0, std²), seeded) weights.

    Row j of `hidden_weights[k]` holds the incoming weights of hidden unit j after k steps.
    """
    w1, w2 = _symmetry_start(init, hidden, value, std, seed)
    if steps < 0 or hidden < 1:
        raise ValueError("steps must be >= 0 and hidden >= 1")
    b1, b2 = np.zeros(hidden), np.zeros(1)
    x, t, n = XOR_X, XOR_T, len(XOR_X)
    hidden_rows, out_weights, losses = [], [], []
    for step in range(steps + 1):
        z1 = x @ w1 + b1
        h = TANH.f(z1)
        y = h @ w2 + b2
        hidden_rows.append(w1.T.copy())
        out_weights.append(w2[:, 0].copy())
        losses.append(0.5 * np.mean((y - t) ** 2))
        if step == steps:
            break
        dy = (y - t) / n
        dz1 = (dy @ w2.T) * TANH.df(z1)
        w2 = w2 - lr * (h.T @ dy)
        b2 = b2 - lr * dy.sum(axis=0)
        w1 = w1 - lr * (x.T @ dz1)
        b1 = b1 - lr * dz1.sum(axis=0)
    demo = SymmetryDemo(init, x, t, np.array(hidden_rows), np.array(out_weights), np.array(losses))
    read_only(demo)
    return demo


def hidden_spread(demo: SymmetryDemo) -> Array:
    """Per step, the largest difference between any two hidden units' incoming weights.

    max over units i, j and inputs k of |W[i, k] − W[j, k]|, i.e. max − min per input column,
    maximised over the columns: exactly 0 while the units are clones.
    """
    w = demo.hidden_weights
    return (w.max(axis=1) - w.min(axis=1)).max(axis=1)


@dataclass(frozen=True)
class SymmetryComparison:
    """The demo from equal and from random weights, and the final gap between two hidden units of each."""

    equal: SymmetryDemo
    random: SymmetryDemo
    spread_equal: float
    spread_random: float


@lru_cache(maxsize=64)
def compare_symmetry(steps: int, hidden: int, value: float, seed: int) -> SymmetryComparison:
    """The page's pair of demos (equal weights ``value``, random N(0, 1) weights from ``seed``), cached."""
    equal = symmetry_demo("constant", steps=steps, hidden=hidden, value=value, seed=seed)
    random = symmetry_demo("random", steps=steps, hidden=hidden, value=value, seed=seed)
    return SymmetryComparison(equal, random, float(hidden_spread(equal)[-1]), float(hidden_spread(random)[-1]))
