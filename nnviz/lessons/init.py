"""The book's initialisation experiment: a deep bias-free net on random input, layer by layer.

Forward: A₀ = X, Zₗ = Aₗ₋₁ Wₗ, Aₗ = act(Zₗ) for l = 1..L.
Backward: a seeded standard-normal G plays ∂loss/∂A_L, i.e. loss = Σ G ⊙ A_L; then
dZₗ = dAₗ ⊙ act'(Zₗ) and dAₗ₋₁ = dZₗ Wₗᵀ. `grad_a[l]` is ∂loss/∂Aₗ (so `grad_a[-1]` is G);
only the per-layer std of dZₗ is kept. Array index l holds layer l + 1.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike, NDArray

from nnviz.core.functions import ACTIVATIONS, saturated
from nnviz.core.init import FLOAT_DTYPES, get_scheme, init_weight

Array = NDArray[np.floating]

ACTIVATION_IDS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu")
"""The activations the experiment offers, ids of the activation table (nnviz.core.functions)."""


def _share_saturated(z: Array, activation: str) -> Array | None:
    """Per-layer share of saturated units (|f'(z)| < 0.01), or None for activations without a plateau."""
    act = ACTIVATIONS[activation]
    return saturated(act, z).mean(axis=(1, 2)) if act.plateau else None


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
    """Everything one run produced; z, a, grad_a have shape (L, n_samples, width)."""

    scheme: str
    activation: str
    seed: int
    x: Array
    weights: tuple[Array, ...]
    z: Array
    a: Array
    grad_a: Array | None
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


def run_init_experiment(
    scheme: str,
    activation: str,
    *,
    n_samples: int = 1000,
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
    get_scheme(scheme)
    _require_activation(activation)
    dt = np.dtype(dtype)
    if dt not in FLOAT_DTYPES:
        raise ValueError(f"dtype must be float32 or float64, got {dt}")
    if min(n_samples, n_in, layers, width) < 1:
        raise ValueError("n_samples, n_in, layers and width must all be >= 1")
    f, df = ACTIVATIONS[activation].f, ACTIVATIONS[activation].df
    x_rng, w_rng, g_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))
    x = x_rng.standard_normal((n_samples, n_in), dtype=dt)
    weights = tuple(
        init_weight(scheme, n_in if l == 0 else width, width, w_rng, std=std, a=a, value=value, dtype=dt)
        for l in range(layers)
    )
    z = np.empty((layers, n_samples, width), dtype=dt)
    act = np.empty_like(z)
    prev = x
    for l, w in enumerate(weights):
        with np.errstate(over="ignore", invalid="ignore"):  # _check_range reports it
            np.matmul(prev, w, out=z[l])
        _check_range(z[l], "pre-activations", l + 1)
        act[l] = f(z[l])
        prev = act[l]
    grad_a = grad_z_std = None
    if backward:
        grad_a = np.empty_like(z)
        grad_a[-1] = g_rng.standard_normal((n_samples, width), dtype=dt)
        grad_z_std = np.empty(layers)
        for l in range(layers - 1, -1, -1):
            dz = grad_a[l] * df(z[l])
            grad_z_std[l] = dz.std(dtype=np.float64)
            if l:
                with np.errstate(over="ignore", invalid="ignore"):
                    np.matmul(dz, weights[l].T, out=grad_a[l - 1])
                _check_range(grad_a[l - 1], "activation gradients", l)
    stats = DepthStats(
        mean=act.mean(axis=(1, 2), dtype=np.float64),
        std=act.std(axis=(1, 2), dtype=np.float64),
        saturated=_share_saturated(z, activation),
        dead=(act == 0).mean(axis=(1, 2)),
        grad_std=None if grad_a is None else grad_a.std(axis=(1, 2), dtype=np.float64),
        grad_z_std=grad_z_std,
    )
    return InitExperiment(scheme, activation, seed, x, weights, z, act, grad_a, stats)


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


def symmetric_histograms(values_per_layer: Sequence[Array] | Array, bins: int = 30) -> LayerHistograms:
    """Histogram each layer's values over the same range [-m, m], m = max |value| over all layers.

    Meant for gradients, which are centred on 0. Non-finite values are not counted; an
    all-zero (or empty) input gets the range [-1, 1].
    """
    finite = [np.ravel(v)[np.isfinite(np.ravel(v))] for v in values_per_layer]
    m = max((float(np.max(np.abs(v))) for v in finite if v.size), default=0.0)
    if not m > 0:
        m = 1.0
    counts = [np.histogram(v, bins=bins, range=(-m, m))[0] for v in finite]
    return LayerHistograms(np.array(counts, dtype=np.int64), np.linspace(-m, m, bins + 1))


SAMPLE_BUDGET = 1_000_000  # layers × width × samples per run: keeps a run of a deep, wide net short


def samples_for(layers: int, width: int, budget: int = SAMPLE_BUDGET, low: int = 100, high: int = 1000) -> int:
    """How many input samples to use so that layers × width × samples stays near ``budget``.

    The book's 1000 samples up to 5 × 200 or 10 × 100; fewer for deeper or wider nets,
    never fewer than ``low`` (a 20 × 500 net gets 100 samples: 50 000 values per layer).
    """
    return int(min(high, max(low, budget // max(1, layers * width))))


@dataclass(frozen=True)
class InitSummary:
    """What the page draws from one run: statistics and histograms, small enough to cache.

    ``activations`` uses the activation's bin range (`histogram_range`); ``activations_nonzero``
    (ReLU only, else None) counts the same bins with exact zeros left out. ``grad_a`` and
    ``grad_z`` are `symmetric_histograms` of ∂loss/∂Aₗ and ∂loss/∂Zₗ. ``values_per_layer`` =
    n_samples × width, the total every histogram row's fractions refer to.
    """

    scheme: str
    activation: str
    layers: int
    width: int
    n_samples: int
    values_per_layer: int
    stats: DepthStats
    activations: LayerHistograms
    activations_nonzero: LayerHistograms | None
    grad_a: LayerHistograms
    grad_z: LayerHistograms


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
) -> InitSummary:
    """Run the experiment with n_in = width (every layer has fan-in `width`) and summarise it.

    ``n_samples=None`` takes `samples_for(layers, width)`. Raises OverflowError like
    `run_init_experiment` when the values leave the float32 range.
    """
    n = samples_for(layers, width) if n_samples is None else n_samples
    run = run_init_experiment(scheme, activation, n_samples=n, n_in=width, layers=layers, width=width,
                              seed=seed, std=std)
    df = ACTIVATIONS[activation].df
    grad_z = [run.grad_a[l] * df(run.z[l]) for l in range(layers)]
    return InitSummary(
        scheme=scheme,
        activation=activation,
        layers=layers,
        width=width,
        n_samples=n,
        values_per_layer=n * width,
        stats=run.stats,
        activations=layer_histograms(run.a, activation, bins),
        activations_nonzero=layer_histograms(run.a, activation, bins, drop_zero=True) if activation == "relu" else None,
        grad_a=symmetric_histograms(run.grad_a, bins),
        grad_z=symmetric_histograms(grad_z, bins),
    )
