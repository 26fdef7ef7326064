"""Tests for nnviz.core.init, nnviz.lessons.init and nnviz.lessons.symmetry (digest §4)."""

from math import erf, erfc, log, pi, sqrt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.init import INIT_SCHEMES, init_weight, scheme_scale, scheme_std
from nnviz.lessons.init import (
    _ACTIVATIONS,
    ACTIVATION_IDS,
    layer_histograms,
    run_init_experiment,
)
from nnviz.lessons.symmetry import symmetry_demo


def phi_cdf(x: float) -> float:
    return 0.5 * (1 + erf(x / sqrt(2)))


# Independent float64 reference formulas for the six activations.
def ref_f(name: str, x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if name == "tanh":
        return (np.exp(2 * x) - 1) / (np.exp(2 * x) + 1)
    if name == "relu":
        return x * (x > 0)
    if name == "leaky_relu":
        return np.where(x > 0, x, 0.01 * x)
    if name == "elu":
        return np.where(x > 0, x, np.expm1(x))
    assert name == "gelu"
    return 0.5 * x * (1 + np.tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))


# --------------------------------------------------------------------------- schemes

FAN_IN, FAN_OUT = 400, 2500  # 10⁶ weights; fan_in ≠ fan_out catches swapped fans
N_BIG = FAN_IN * FAN_OUT
BIG_CASES = {
    "normal": ("normal", {"std": 0.3}, 0.3),
    "uniform": ("uniform", {"a": 0.7}, 0.7),
    "xavier_normal": ("normal", {}, sqrt(2 / (FAN_IN + FAN_OUT))),
    "xavier_uniform": ("uniform", {}, sqrt(6 / (FAN_IN + FAN_OUT))),
    "he_normal": ("normal", {}, sqrt(2 / FAN_IN)),
    "he_uniform": ("uniform", {}, sqrt(6 / FAN_IN)),
    "lecun_normal": ("normal", {}, sqrt(1 / FAN_IN)),
    "book_xavier": ("normal", {}, sqrt(1 / FAN_IN)),
    "book_he": ("normal", {}, sqrt(2 / FAN_IN)),
}


def test_registry_ids_are_the_documented_ones():
    assert set(INIT_SCHEMES) == set(BIG_CASES) | {"zeros", "constant"}
    assert all(key == s.id for key, s in INIT_SCHEMES.items())


@pytest.mark.parametrize("scheme", list(BIG_CASES))
def test_sample_std_and_mean_match_formula(scheme):
    kind, params, scale = BIG_CASES[scheme]
    sigma = scale if kind == "normal" else scale / sqrt(3)
    w = init_weight(scheme, FAN_IN, FAN_OUT, np.random.default_rng(1), **params)
    assert w.shape == (FAN_IN, FAN_OUT) and w.dtype == np.float64
    # sd of a sample std ≈ σ/√(2N) (normal; smaller for uniform) and of a mean σ/√N: 5-sigma bands
    assert abs(w.std() - sigma) < 5 * sigma / sqrt(2 * N_BIG)
    assert abs(w.mean()) < 5 * sigma / sqrt(N_BIG)
    assert scheme_std(scheme, FAN_IN, FAN_OUT, **params) == pytest.approx(sigma, rel=1e-12)
    tail = np.mean(np.abs(w) > 2 * sigma)
    if kind == "uniform":
        assert -scale <= w.min() and w.max() <= scale
        assert w.max() > scale * (1 - 1e-4) and w.min() < -scale * (1 - 1e-4)
        assert tail == 0  # |U| ≤ √3·σ < 2σ
    else:  # N(0, σ²), not "[0, std]": P(|w| > 2σ) = erfc(√2)
        p = erfc(sqrt(2))
        assert abs(tail - p) < 5 * sqrt(p * (1 - p) / N_BIG)


def test_digest_goldens_for_5_to_3_layer():
    assert scheme_std("he_normal", 5, 3) == pytest.approx(0.6325, abs=5e-5)
    assert scheme_scale("he_uniform", 5, 3) == pytest.approx(1.0954, abs=5e-5)
    assert scheme_std("xavier_normal", 5, 3) == pytest.approx(0.5, abs=5e-5)
    assert scheme_scale("xavier_uniform", 5, 3) == pytest.approx(0.8660, abs=5e-5)


def test_he_is_sqrt_two_over_n_not_two_over_sqrt_n():
    assert scheme_std("book_he", 100, 100) == pytest.approx(sqrt(0.02))
    assert scheme_std("book_he", 100, 100) != pytest.approx(2 / sqrt(100))
    assert scheme_std("book_xavier", 100, 7) == pytest.approx(0.1)


@settings(max_examples=40, deadline=None)
@given(fan_in=st.integers(1, 60), fan_out=st.integers(1, 60))
def test_uniform_and_normal_variants_share_their_std(fan_in, fan_out):
    assert scheme_std("he_uniform", fan_in, fan_out) == pytest.approx(scheme_std("he_normal", fan_in, fan_out))
    assert scheme_std("xavier_uniform", fan_in, fan_out) == pytest.approx(
        scheme_std("xavier_normal", fan_in, fan_out)
    )
    assert scheme_std("uniform", fan_in, fan_out, a=0.6) == pytest.approx(0.6 / sqrt(3))


@settings(max_examples=40, deadline=None)
@given(
    scheme=st.sampled_from(sorted(INIT_SCHEMES)),
    fan_in=st.integers(1, 40),
    fan_out=st.integers(1, 40),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**32 - 1),
)
def test_init_weight_shape_dtype_and_bounds(scheme, fan_in, fan_out, dtype, seed):
    params = {"std": 0.2, "a": 0.4, "value": -0.25}
    w = init_weight(scheme, fan_in, fan_out, np.random.default_rng(seed), dtype=dtype, **params)
    assert w.shape == (fan_in, fan_out) and w.dtype == dtype and np.all(np.isfinite(w))
    if INIT_SCHEMES[scheme].distribution == "uniform":
        limit = scheme_scale(scheme, fan_in, fan_out, **params)
        assert np.all(np.abs(w) <= limit)


def test_zeros_and_constant_are_exact_and_draw_nothing():
    rng = np.random.default_rng(3)
    before = rng.bit_generator.state
    assert np.array_equal(init_weight("zeros", 4, 6, rng), np.zeros((4, 6)))
    w = init_weight("constant", 4, 6, rng, value=-0.3)
    assert np.all(w == -0.3) and w.shape == (4, 6)
    assert rng.bit_generator.state == before
    assert scheme_std("constant", 4, 6, value=-0.3) == 0.0 and scheme_std("zeros", 4, 6) == 0.0


def test_same_rng_state_gives_same_weights_and_std_only_scales():
    w1 = init_weight("normal", 7, 5, np.random.default_rng(9), std=1.0)
    w2 = init_weight("normal", 7, 5, np.random.default_rng(9), std=0.01)
    assert np.allclose(w2, 0.01 * w1, rtol=1e-12, atol=0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: scheme_std("nope", 3, 3),
        lambda: scheme_std("normal", 3, 3),
        lambda: scheme_std("uniform", 3, 3, std=1.0),
        lambda: scheme_std("normal", 3, 3, std=-1.0),
        lambda: scheme_std("constant", 3, 3, value=float("nan")),
        lambda: scheme_std("he_normal", 0, 3),
        lambda: init_weight("he_normal", 3, 3, np.random.default_rng(), dtype=np.int64),
    ],
)
def test_bad_arguments_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


# ----------------------------------------------------------------------- activations


@pytest.mark.parametrize("name", ACTIVATION_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_matches_reference_and_fd_derivative(name, dtype):
    x = np.linspace(-6, 6, 241)[np.abs(np.linspace(-6, 6, 241)) > 1e-3]  # away from kinks
    f, df = _ACTIVATIONS[name]
    xd = x.astype(dtype)
    a = f(xd)
    assert a.dtype == dtype
    tol = 1e-6 if dtype == np.float32 else 1e-13
    assert np.allclose(a, ref_f(name, xd), rtol=tol, atol=tol)
    h = 1e-6
    fd = (ref_f(name, x + h) - ref_f(name, x - h)) / (2 * h)
    d = df(xd, a)
    assert d.dtype == dtype
    # float32: |z|·(1 - t²)·du amplifies tanh's rounding (6e-8) about 20× near |z| ≈ 5 (GELU)
    assert np.allclose(d, fd, rtol=1e-5 if dtype == np.float32 else 1e-8, atol=3e-6 if dtype == np.float32 else 1e-8)


def test_activation_goldens_and_kinks():
    x = np.array([0.0, 1.0])
    assert _ACTIVATIONS["sigmoid"][0](x)[0] == 0.5
    assert _ACTIVATIONS["gelu"][0](x)[1] == pytest.approx(0.8412, abs=5e-5)  # tanh-approx GELU(1)
    z = np.zeros(1)
    kinks = {"relu": 0.0, "leaky_relu": 0.01, "elu": 1.0}
    for name, slope in kinks.items():
        f, df = _ACTIVATIONS[name]
        assert f(z)[0] == 0 and df(z, f(z))[0] == slope


@pytest.mark.parametrize("name", ACTIVATION_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_extremes_are_finite_without_warnings(name, dtype):
    big = np.finfo(dtype).max / 8
    x = np.array([-big, -1e4, -100.0, 100.0, 1e4, big], dtype=dtype)
    f, df = _ACTIVATIONS[name]
    a = f(x)
    d = df(x, a)
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(d))
    assert np.all(np.abs(d) <= 1.13)  # max slope: GELU ≈ 1.129


# ------------------------------------------------------------------------ experiment


def small(scheme="he_normal", activation="tanh", **kw):
    kw = {"n_samples": 3, "n_in": 4, "layers": 3, "width": 5, "dtype": np.float64} | kw
    return run_init_experiment(scheme, activation, **kw)


def test_experiment_shapes_and_defaults():
    e = run_init_experiment("book_xavier", "sigmoid")
    assert e.x.shape == (1000, 100) and e.x.dtype == np.float32
    assert e.z.shape == e.a.shape == e.grad_a.shape == (5, 1000, 100)
    assert [w.shape for w in e.weights] == [(100, 100)] * 5
    s = small()
    assert [w.shape for w in s.weights] == [(4, 5), (5, 5), (5, 5)]
    for arr in (s.stats.mean, s.stats.std, s.stats.saturated, s.stats.dead, s.stats.grad_std, s.stats.grad_z_std):
        assert arr.shape == (3,)


def test_experiment_seeding():
    a, b = small(seed=5), small(seed=5)
    for u, v in [(a.x, b.x), (a.z, b.z), (a.a, b.a), (a.grad_a, b.grad_a), *zip(a.weights, b.weights)]:
        assert np.array_equal(u, v)
    c = small(seed=6)
    assert not np.array_equal(a.x, c.x) and not np.array_equal(a.weights[0], c.weights[0])
    assert not np.array_equal(a.grad_a[-1], c.grad_a[-1])
    d = small("xavier_uniform", "relu", seed=5)
    assert np.array_equal(a.x, d.x) and np.array_equal(a.grad_a[-1], d.grad_a[-1])
    assert not np.array_equal(a.weights[1], d.weights[1])
    s1, s2 = small("normal", std=1.0), small("normal", std=0.01)
    for w1, w2 in zip(s1.weights, s2.weights):
        assert np.allclose(w2, 0.01 * w1, rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", ACTIVATION_IDS)
def test_forward_pass_matches_reference(name):
    e = run_init_experiment("book_xavier", name, n_samples=50, n_in=30, layers=4, width=20)
    prev = e.x.astype(np.float64)
    for l, w in enumerate(e.weights):
        z = prev @ w.astype(np.float64)
        assert np.allclose(e.z[l], z, rtol=1e-4, atol=1e-5)
        prev = ref_f(name, e.z[l])
        assert np.allclose(e.a[l], prev, rtol=1e-5, atol=1e-6)


def forward_from(e, layer: int, z: np.ndarray) -> float:
    """Σ G ⊙ A_L when layer `layer`'s pre-activation is replaced by z (reference formulas)."""
    a = ref_f(e.activation, z)
    for w in e.weights[layer + 1 :]:
        a = ref_f(e.activation, a @ w)
    return float(np.sum(e.grad_a[-1] * a))


def fd_gradient(fn, point: np.ndarray, h: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(point)
    for idx in np.ndindex(point.shape):
        step = np.zeros_like(point)
        step[idx] = h
        grad[idx] = (fn(point + step) - fn(point - step)) / (2 * h)
    return grad


@pytest.mark.parametrize("name", ACTIVATION_IDS)
def test_backward_pass_matches_finite_differences(name):
    e = small("normal", name, std=0.8, seed=2)
    for l in range(3):
        # ∂loss/∂A_l: perturb A_l and run the rest of the net
        w_next = e.weights[l + 1 :]

        def loss_of_a(a, w_next=w_next):
            for w in w_next:
                a = ref_f(name, a @ w)
            return float(np.sum(e.grad_a[-1] * a))

        assert np.allclose(e.grad_a[l], fd_gradient(loss_of_a, e.a[l]), rtol=1e-6, atol=1e-7)
        dz = fd_gradient(lambda z, l=l: forward_from(e, l, z), e.z[l])
        assert e.stats.grad_z_std[l] == pytest.approx(dz.std(), rel=1e-6, abs=1e-9)


def test_backward_off_and_overflow():
    e = small(backward=False)
    assert e.grad_a is None and e.stats.grad_std is None and e.stats.grad_z_std is None
    kw = {"n_samples": 10, "n_in": 10, "layers": 20, "width": 50, "std": 1e6}
    with pytest.raises(OverflowError):
        run_init_experiment("normal", "relu", **kw)
    e64 = run_init_experiment("normal", "relu", dtype=np.float64, **kw)
    assert np.all(np.isfinite(e64.stats.std)) and np.all(np.isfinite(e64.stats.grad_std))


def test_bad_experiment_arguments():
    with pytest.raises(ValueError):
        small(activation="softplus")
    with pytest.raises(ValueError):
        small(scheme="glorot")
    with pytest.raises(ValueError):
        small(layers=0)


def test_stats_against_direct_computation():
    e = run_init_experiment("normal", "sigmoid", std=1.0, n_samples=200, layers=3, width=40)
    a = e.a.astype(np.float64)
    assert np.allclose(e.stats.mean, a.mean(axis=(1, 2)), rtol=1e-9)
    assert np.allclose(e.stats.std, a.std(axis=(1, 2)), rtol=1e-9)
    assert np.allclose(e.stats.saturated, ((a < 0.01) | (a > 0.99)).mean(axis=(1, 2)))
    assert np.allclose(e.stats.grad_std, e.grad_a.astype(np.float64).std(axis=(1, 2)), rtol=1e-9)
    t = run_init_experiment("normal", "tanh", std=1.0, n_samples=200, layers=3, width=40)
    assert np.allclose(t.stats.saturated, (np.abs(t.a) > 0.99).mean(axis=(1, 2)))
    for name in ("relu", "leaky_relu", "gelu"):
        assert run_init_experiment("he_normal", name, n_samples=20, layers=2).stats.saturated is None


@pytest.mark.parametrize(
    ("name", "threshold_z"),
    [("sigmoid", log(99)), ("tanh", float(np.arctanh(0.99))), ("elu", -log(0.01))],
)
def test_first_layer_saturation_closed_form(name, threshold_z):
    # Layer 1 with std 1, n_in 100: Z ≈ N(0, 100); saturated ⇔ |Z| > t (sigmoid, tanh) or Z < -t (ELU)
    e = run_init_experiment("normal", name, std=1.0)
    tail = phi_cdf(-threshold_z / 10)
    expected = tail if name == "elu" else 2 * tail
    assert e.stats.saturated[0] == pytest.approx(expected, abs=0.02)


def test_relu_dead_fraction_is_half_under_he():
    e = run_init_experiment("he_normal", "relu")
    assert e.stats.dead[0] == pytest.approx(0.5, abs=0.01)  # Z = X·W symmetric about 0
    assert np.all(np.abs(e.stats.dead - 0.5) < 0.1)
    assert np.all(run_init_experiment("he_normal", "leaky_relu").stats.dead == 0)


# ----------------------------------------------------------- the book's observations


def test_sigmoid_std_1_piles_up_at_both_ends():
    h = layer_histograms(run_init_experiment("normal", "sigmoid", std=1.0).a, "sigmoid")
    assert h.counts.shape == (5, 30) and h.edges[0] == 0 and h.edges[-1] == 1
    outer = (h.counts[:, 0] + h.counts[:, -1]) / h.counts.sum(axis=1)
    assert np.all(outer > 0.5)
    top_two = np.sort(np.argsort(h.counts, axis=1)[:, -2:], axis=1)
    assert np.all(top_two == [0, 29])


def test_sigmoid_std_001_concentrates_at_one_half():
    h = layer_histograms(run_init_experiment("normal", "sigmoid", std=0.01).a, "sigmoid")
    central = (h.counts[:, 14] + h.counts[:, 15]) / h.counts.sum(axis=1)  # bins around 0.5
    assert h.edges[15] == pytest.approx(0.5)
    assert central[0] > 0.75 and np.all(central[1:] > 0.95)


def test_he_keeps_relu_scale_while_book_xavier_shrinks_it():
    he = run_init_experiment("book_he", "relu").stats
    xa = run_init_experiment("book_xavier", "relu").stats
    assert 0.7 < he.std[-1] / he.std[0] < 1.4
    assert xa.std[-1] / xa.std[0] < 0.4
    # closed form: E[A²] is kept by He and halved per layer by √(1/n) ⇒ RMS ratio 1 and 2⁻² over 4 steps
    rms_he, rms_xa = np.hypot(he.std, he.mean), np.hypot(xa.std, xa.mean)
    assert rms_he[-1] / rms_he[0] == pytest.approx(1.0, abs=0.25)
    assert rms_xa[-1] / rms_xa[0] == pytest.approx(0.25, abs=0.06)


def test_tanh_histogram_covers_minus_one_to_one():
    e = run_init_experiment("book_xavier", "tanh")
    h = layer_histograms(e.a, "tanh")
    assert h.edges[0] == -1 and h.edges[-1] == 1
    negative = h.counts[:, :15].sum(axis=1) / h.counts.sum(axis=1)
    assert np.all((negative > 0.4) & (negative < 0.6))
    assert np.array_equal(h.counts.sum(axis=1), np.full(5, e.a[0].size))


@pytest.mark.parametrize("scheme_kw", [{"scheme": "book_xavier"}, {"scheme": "normal", "std": 0.01}])
def test_sigmoid_gradient_vanishes_towards_the_input_under_small_weights(scheme_kw):
    kw = dict(scheme_kw)
    g = run_init_experiment(kw.pop("scheme"), "sigmoid", **kw).stats.grad_std
    assert np.all(np.diff(g) > 0)  # grows towards the top, i.e. shrinks going back
    assert g[0] / g[-1] < 0.01


@pytest.mark.parametrize("width", [100, 500])
def test_saturated_sigmoid_gradient_gain_closed_form(width):
    # std 1: σ'(Z) ≈ 0 for most units (dZ ≪ dA), but the weights scale dA back up. For
    # Z ~ N(0, s²), s² = n/2: E[σ'(Z)²] ≈ 1/(6s√(2π)), so the per-layer std gain of ∂loss/∂A
    # is √(n·E[σ'²]) = √(√n / (6√π)): 0.97 for n = 100 (flat), 1.45 for n = 500 (grows).
    s = run_init_experiment("normal", "sigmoid", std=1.0, width=width, layers=6).stats
    gain = (s.grad_std[0] / s.grad_std[-1]) ** (1 / 5)
    assert gain == pytest.approx(sqrt(sqrt(width) / (6 * sqrt(pi))), rel=0.06)
    assert np.all(s.grad_z_std / s.grad_std < 0.15)


def test_unsaturated_sigmoid_passes_a_quarter_of_the_gradient():
    s = run_init_experiment("normal", "sigmoid", std=0.01).stats
    assert np.allclose(s.grad_z_std / s.grad_std, 0.25, atol=0.005)  # σ'(0) = 1/4


# ------------------------------------------------------------------------ histograms


def test_relu_histogram_range_and_drop_zero():
    e = run_init_experiment("he_normal", "relu", n_samples=200, layers=3)
    full = layer_histograms(e.a, "relu")
    kept = layer_histograms(e.a, "relu", bins=10, drop_zero=True)
    assert full.edges[0] == 0 and full.edges[-1] == pytest.approx(float(e.a.max()))
    assert kept.counts.shape == (3, 10) and kept.edges.shape == (11,)
    zeros = (e.a == 0).sum(axis=(1, 2))
    assert np.array_equal(kept.counts.sum(axis=1), e.a[0].size - zeros)
    assert np.all(full.counts[:, 0] >= zeros)


@pytest.mark.parametrize("name", ["leaky_relu", "elu", "gelu"])
def test_other_histograms_span_min_to_max(name):
    e = run_init_experiment("he_normal", name, n_samples=100, layers=3)
    h = layer_histograms(list(e.a), name)
    assert h.edges[0] == pytest.approx(float(e.a.min())) and h.edges[-1] == pytest.approx(float(e.a.max()))
    assert np.array_equal(h.counts.sum(axis=1), np.full(3, e.a[0].size))


def test_degenerate_histograms():
    zeros = run_init_experiment("zeros", "relu", n_samples=10, layers=2)
    h = layer_histograms(zeros.a, "relu")
    assert h.edges[0] == 0 and h.edges[-1] == 1 and h.counts[:, 0].tolist() == [zeros.a[0].size] * 2
    with pytest.raises(ValueError):
        layer_histograms(zeros.a, "swish")


@settings(max_examples=30, deadline=None)
@given(
    data=st.lists(st.floats(-50, 50, allow_nan=False), min_size=2, max_size=60),
    name=st.sampled_from(ACTIVATION_IDS),
    bins=st.integers(1, 40),
)
def test_histograms_count_every_value_in_range(data, name, bins):
    f, _ = _ACTIVATIONS[name]
    layers = [f(np.array(data)), f(np.array(data[::-1]) / 2)]
    h = layer_histograms(layers, name, bins=bins)
    assert h.counts.shape == (2, bins) and h.edges.shape == (bins + 1,)
    assert np.all(np.diff(h.edges) > 0)
    assert np.all(h.counts.sum(axis=1) == len(data))


# -------------------------------------------------------------------------- symmetry


def test_constant_init_keeps_hidden_units_identical():
    d = symmetry_demo("constant", steps=30, seed=0)
    assert d.hidden_weights.shape == (31, 4, 2) and d.output_weights.shape == (31, 4) and d.loss.shape == (31,)
    for rows, outs in zip(d.hidden_weights, d.output_weights):
        assert np.allclose(rows, rows[0], rtol=1e-12, atol=1e-15)
        assert np.allclose(outs, outs[0], rtol=1e-12, atol=1e-15)
    assert not np.allclose(d.hidden_weights[-1], d.hidden_weights[0])  # they move, together


def test_random_init_hidden_units_differ():
    d = symmetry_demo("random", steps=30, seed=0)
    for rows in d.hidden_weights:
        gaps = np.linalg.norm(rows[:, None, :] - rows[None, :, :], axis=-1)
        assert gaps[np.triu_indices(4, 1)].min() > 1e-3
    assert d.loss[-1] < d.loss[0]


@pytest.mark.parametrize("init", ["constant", "random"])
def test_symmetry_demo_first_step_is_gradient_descent(init):
    lr = 0.5
    d = symmetry_demo(init, steps=1, lr=lr, seed=4)
    w1, w2 = d.hidden_weights[0].T, d.output_weights[0][:, None]

    def loss(w1, w2):  # biases start at 0
        y = np.tanh(d.x @ w1) @ w2
        return 0.5 * np.mean((y - d.t) ** 2)

    assert d.loss[0] == pytest.approx(loss(w1, w2), rel=1e-12)
    g1 = fd_gradient(lambda w: loss(w, w2), w1)
    g2 = fd_gradient(lambda w: loss(w1, w), w2)
    assert np.allclose(d.hidden_weights[1].T, w1 - lr * g1, atol=1e-8)
    assert np.allclose(d.output_weights[1][:, None], w2 - lr * g2, atol=1e-8)


def test_symmetry_demo_bad_init():
    with pytest.raises(ValueError):
        symmetry_demo("ones")
