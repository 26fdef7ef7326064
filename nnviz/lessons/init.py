"""The book's initialisation experiment: a deep bias-free net on random input, layer by layer.

Forward: A₀ = X, Zₗ = Aₗ₋₁ Wₗ, Aₗ = act(Zₗ) for l = 1..L.
Backward: a seeded standard-normal G plays ∂loss/∂A_L, i.e. loss = Σ G ⊙ A_L; then
dZₗ = dAₗ ⊙ act'(Zₗ) and dAₗ₋₁ = dZₗ Wₗᵀ. `grad_a[l]` is ∂loss/∂Aₗ (so `grad_a[-1]` is G);
only the per-layer std of dZₗ is kept. Array index l holds layer l + 1.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import pi, sqrt

import numpy as np
from numpy.typing import DTypeLike, NDArray

from nnviz.core.init import FLOAT_DTYPES, get_scheme, init_weight

Array = NDArray[np.floating]

LEAKY_SLOPE = 0.01
_GELU_K = sqrt(2.0 / pi)
_GELU_C = 0.044715
_GELU_CLIP = 10.0  # tanh(√(2/π)(x + 0.044715x³)) is exactly ±1 in float32/64 beyond |x| = 10

# Each activation is (f(z), df(z, a)) with a = f(z); written branch-free (np.where is slow)
# and overflow-free: no exp of a positive argument, no cube of an unclipped input.


def _sigmoid(z: Array) -> Array:
    """Stable sigmoid exp(min(z, 0)) / (1 + exp(-|z|))."""
    return np.exp(np.minimum(z, 0)) / (1 + np.exp(-np.abs(z)))


def _sigmoid_df(z: Array, a: Array) -> Array:
    return a * (1 - a)


def _tanh_df(z: Array, a: Array) -> Array:
    return 1 - a * a


def _relu(z: Array) -> Array:
    return np.maximum(z, 0)


def _step(z: Array) -> Array:
    """1 where z > 0, else 0: the kink at 0 takes the z ≤ 0 branch."""
    return (z > 0).astype(z.dtype)


def _relu_df(z: Array, a: Array) -> Array:
    return _step(z)


def _leaky_relu(z: Array) -> Array:
    return np.maximum(z, 0) + z.dtype.type(LEAKY_SLOPE) * np.minimum(z, 0)


def _leaky_relu_df(z: Array, a: Array) -> Array:
    return np.maximum(_step(z), z.dtype.type(LEAKY_SLOPE))


def _elu(z: Array) -> Array:
    """ELU with α = 1: z for z > 0, exp(z) - 1 otherwise."""
    return np.maximum(z, 0) + (np.exp(np.minimum(z, 0)) - 1)


def _elu_df(z: Array, a: Array) -> Array:
    return np.exp(np.minimum(z, 0))


def _gelu_parts(z: Array) -> tuple[Array, Array]:
    """Clipped z and tanh(√(2/π)(z + 0.044715z³)); the clip changes no tanh value."""
    zc = np.clip(z, -_GELU_CLIP, _GELU_CLIP)
    u = zc * zc
    u *= z.dtype.type(_GELU_C)
    u += 1
    u *= zc
    u *= z.dtype.type(_GELU_K)
    return zc, np.tanh(u, out=u)


def _gelu(z: Array) -> Array:
    """GELU, tanh approximation: z/2 · (1 + tanh(√(2/π)(z + 0.044715z³)))."""
    _, t = _gelu_parts(z)
    t += 1
    t *= z
    t *= z.dtype.type(0.5)
    return t


def _gelu_df(z: Array, a: Array) -> Array:
    zc, t = _gelu_parts(z)
    du = zc * zc
    du *= z.dtype.type(3 * _GELU_C * _GELU_K)
    du += z.dtype.type(_GELU_K)
    du *= zc
    du *= 1 - t * t
    du += 1 + t
    du *= z.dtype.type(0.5)
    return du


_ACTIVATIONS: dict[str, tuple[Callable[[Array], Array], Callable[[Array, Array], Array]]] = {
    "sigmoid": (_sigmoid, _sigmoid_df),
    "tanh": (np.tanh, _tanh_df),
    "relu": (_relu, _relu_df),
    "leaky_relu": (_leaky_relu, _leaky_relu_df),
    "elu": (_elu, _elu_df),
    "gelu": (_gelu, _gelu_df),
}
ACTIVATION_IDS: tuple[str, ...] = tuple(_ACTIVATIONS)

SIGMOID_SATURATION = 0.01  # sigmoid output within 0.01 of 0 or 1
TANH_SATURATION = 0.99  # |tanh| > 0.99
ELU_SATURATION = -0.99  # ELU (α = 1) output < -0.99, within 0.01 of its floor -1


def _saturated(a: Array, activation: str) -> Array | None:
    """Per-layer fraction of saturated units, or None for activations without a plateau."""
    if activation == "sigmoid":
        mask = (a < SIGMOID_SATURATION) | (a > 1 - SIGMOID_SATURATION)
    elif activation == "tanh":
        mask = np.abs(a) > TANH_SATURATION
    elif activation == "elu":
        mask = a < ELU_SATURATION
    else:
        return None
    return mask.mean(axis=(1, 2))


@dataclass(frozen=True)
class LayerStats:
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
    stats: LayerStats


def _require_activation(activation: str) -> None:
    if activation not in _ACTIVATIONS:
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
    f, df = _ACTIVATIONS[activation]
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
            dz = grad_a[l] * df(z[l], act[l])
            grad_z_std[l] = dz.std(dtype=np.float64)
            if l:
                with np.errstate(over="ignore", invalid="ignore"):
                    np.matmul(dz, weights[l].T, out=grad_a[l - 1])
                _check_range(grad_a[l - 1], "activation gradients", l)
    stats = LayerStats(
        mean=act.mean(axis=(1, 2), dtype=np.float64),
        std=act.std(axis=(1, 2), dtype=np.float64),
        saturated=_saturated(act, activation),
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
    stats: LayerStats
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
    _, df = _ACTIVATIONS[activation]
    grad_z = [run.grad_a[l] * df(run.z[l], run.a[l]) for l in range(layers)]
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
