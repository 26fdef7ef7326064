"""The book's initialisation experiment, its histograms and summary, the page's schemes, presets and
caches, and the symmetry demo (digest §4)."""

from __future__ import annotations

from math import erf, log, pi, sqrt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.functions import ACTIVATIONS
from nnviz.core.init import INIT_SCHEMES
from nnviz.lessons import init as lesson
from nnviz.lessons.init import (
    ACTIVATION_IDS,
    SAMPLE_BUDGET,
    hidden_spread,
    layer_histograms,
    run_init_experiment,
    samples_for,
    summarise_init,
    symmetric_histograms,
    symmetry_demo,
)


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
    return 0.5 * x * (1 + np.vectorize(erf)(x / sqrt(2)))


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
    slope = a * (1 - a)  # σ' from the outputs; saturated means |f'| < 0.01, the rule of every page
    assert np.allclose(e.stats.saturated, (slope < 0.01).mean(axis=(1, 2)), atol=1e-3)
    assert np.allclose(e.stats.grad_std, e.grad_a.astype(np.float64).std(axis=(1, 2)), rtol=1e-9)
    t = run_init_experiment("normal", "tanh", std=1.0, n_samples=200, layers=3, width=40)
    assert np.allclose(t.stats.saturated, (1 - np.tanh(t.z.astype(np.float64)) ** 2 < 0.01).mean(axis=(1, 2)),
                       atol=1e-3)
    for name in ("relu", "leaky_relu", "gelu"):
        assert run_init_experiment("he_normal", name, n_samples=20, layers=2).stats.saturated is None


@pytest.mark.parametrize(
    ("name", "threshold_z"),
    [("sigmoid", log((1 + sqrt(0.96)) / (1 - sqrt(0.96)))), ("tanh", float(np.arctanh(sqrt(0.99)))),
     ("elu", -log(0.01))],
)
def test_first_layer_saturation_closed_form(name, threshold_z):
    # Layer 1 with std 1, n_in 100: Z ≈ N(0, 100); |f'(Z)| < 0.01 ⇔ |Z| > t (sigmoid, tanh) or Z < -t (ELU)
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
    f = ACTIVATIONS[name].f
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


def test_samples_for_keeps_the_book_default_and_bounds_deep_wide_nets() -> None:
    assert samples_for(5, 100) == 1000
    assert samples_for(20, 500) == 100
    assert samples_for(20, 100) == SAMPLE_BUDGET // 2000 == 250
    assert samples_for(1, 10) == 1000 and samples_for(20, 10_000) == 100


def test_symmetric_histograms_share_a_range_centred_on_zero_and_count_everything() -> None:
    rng = np.random.default_rng(1)
    layers = [rng.normal(0, s, 500) for s in (1e-3, 0.5, 2.0)]
    h = symmetric_histograms(layers, bins=20)
    m = max(np.abs(v).max() for v in layers)
    np.testing.assert_allclose(h.edges[[0, -1]], [-m, m])
    assert h.counts.shape == (3, 20)
    assert (h.counts.sum(axis=1) == 500).all()
    # the tiny layer is a spike in the two central bins
    assert h.counts[0, 9:11].sum() == 500
    np.testing.assert_array_equal(h.counts[2], np.histogram(layers[2], bins=20, range=(-m, m))[0])


def test_symmetric_histograms_of_zeros_and_non_finite_values() -> None:
    h = symmetric_histograms([np.zeros(10), np.array([np.nan, np.inf, 0.0])], bins=4)
    np.testing.assert_allclose(h.edges[[0, -1]], [-1, 1])
    assert h.counts.sum(axis=1).tolist() == [10, 1]


def test_summary_matches_the_experiment_it_runs() -> None:
    s = summarise_init("normal", "sigmoid", layers=4, width=50, n_samples=300, std=1.0, seed=3)
    run = run_init_experiment("normal", "sigmoid", layers=4, width=50, n_in=50, n_samples=300, std=1.0, seed=3)
    np.testing.assert_allclose(s.stats.std, run.stats.std)
    np.testing.assert_allclose(s.stats.grad_z_std, run.stats.grad_z_std)
    assert s.values_per_layer == 300 * 50 and s.n_samples == 300
    assert (s.activations.counts.sum(axis=1) == 300 * 50).all()
    np.testing.assert_allclose(s.activations.edges[[0, -1]], [0, 1])
    assert s.activations_nonzero is None
    # grad_z histograms are of dZ = dA ⊙ σ'(Z), computed independently here
    dz = run.grad_a * run.a * (1 - run.a)
    m = np.abs(dz).max()
    np.testing.assert_allclose(s.grad_z.edges[-1], m, rtol=1e-6)
    np.testing.assert_array_equal(s.grad_a.counts.sum(axis=1), 300 * 50)


def test_summary_default_samples_and_relu_zero_bins() -> None:
    s = summarise_init("book_he", "relu", layers=20, width=500)
    assert s.n_samples == 100
    nonzero = s.activations_nonzero
    assert nonzero is not None
    zeros = (s.activations.counts - nonzero.counts).sum(axis=1)
    np.testing.assert_allclose(zeros / s.values_per_layer, s.stats.dead)
    assert (nonzero.counts[:, 1:] == s.activations.counts[:, 1:]).all(), "only the first bin holds zeros"


def test_summary_overflow_propagates() -> None:
    with pytest.raises(OverflowError):
        summarise_init("normal", "relu", layers=20, width=500, std=100.0)


def test_hidden_spread_is_zero_for_clones_and_matches_pairwise_maximum() -> None:
    constant = symmetry_demo("constant", steps=30)
    assert (hidden_spread(constant) == 0).all()
    random = symmetry_demo("random", steps=30, seed=2)
    w = random.hidden_weights
    pairwise = np.abs(w[:, :, None, :] - w[:, None, :, :]).max(axis=(1, 2, 3))
    np.testing.assert_allclose(hidden_spread(random), pairwise)
    assert hidden_spread(random)[-1] > 0.5


# ------------------------------------------------------------- what the page offers


def test_schemes_variants_and_presets_name_what_exists() -> None:
    assert set(lesson.SCHEMES) <= set(INIT_SCHEMES)
    assert {v.scheme for v in lesson.VARIANTS.values()} <= set(INIT_SCHEMES)
    stds = [float(s) for s in lesson.STDS]
    assert stds == sorted(stds) and {1.0, 0.01} <= set(stds), "the book's two scales are on the ladder"
    assert {k: (v.scheme, v.std) for k, v in lesson.VARIANTS.items() if v.std is not None} == {
        "std1": ("normal", 1.0), "std01": ("normal", 0.1), "std001": ("normal", 0.01)}
    assert all(v.std is None for k, v in lesson.VARIANTS.items() if not k.startswith("std"))
    # the book's figures: sigmoid with std 1, 0.01 and Xavier; ReLU with std 0.01, Xavier and He
    assert lesson.PRESETS["sigmoid"] == lesson.Preset("sigmoid", ("std1", "std001", "book_xavier"))
    assert lesson.PRESETS["relu"] == lesson.Preset("relu", ("std001", "book_xavier", "book_he"))
    for preset in lesson.PRESETS.values():
        assert preset.activation in ACTIVATION_IDS and set(preset.variants) <= set(lesson.VARIANTS)
    assert [a for a in ACTIVATION_IDS if lesson.drops_zeros(a)] == ["relu"]


def test_cached_summary_is_the_page_default_run_and_read_only() -> None:
    s = lesson.init_summary("normal", "sigmoid", 5, 100, 1.0)
    assert s is lesson.init_summary("normal", "sigmoid", 5, 100, 1.0), "cached"
    ref = summarise_init("normal", "sigmoid", std=1.0)
    np.testing.assert_array_equal(s.stats.std, ref.stats.std)
    np.testing.assert_array_equal(s.activations.counts, ref.activations.counts)
    for arr in (s.stats.mean, s.stats.grad_z_std, s.activations.counts, s.grad_z.edges):
        with pytest.raises(ValueError):
            arr[0] = 0
    # printed goldens: the statistics table of the page before the refactor (sigmoid, std 1)
    assert [f"{v:.4g}" for v in s.stats.mean] == ["0.4981", "0.4542", "0.5083", "0.5151", "0.5768"]
    assert [f"{v:.4g}" for v in s.stats.std] == ["0.4587", "0.4291", "0.4382", "0.4354", "0.4301"]
    assert [f"{100 * v:.1f}" for v in s.stats.saturated] == ["64.4", "44.5", "48.7", "48.1", "48.2"]
    assert [f"{v:.3g}" for v in (s.stats.grad_std[-1], s.stats.grad_std[0])] == ["1", "1.06"]
    assert not s.reduced and not s.zero_heavy
    assert s.activation_histograms(drop_zero=True) is s.activations, "nothing to leave out for sigmoid"
    assert s.gradient_histograms("a") is s.grad_a and s.gradient_histograms("z") is s.grad_z


def test_cached_summary_of_relu_he_and_its_zero_share() -> None:
    s = lesson.init_summary("book_he", "relu", 5, 100, None)
    assert s.zero_heavy and s.activation_histograms(drop_zero=True) is s.activations_nonzero
    assert s.activation_histograms(drop_zero=False) is s.activations
    assert [f"{100 * v:.1f}" for v in s.stats.dead] == ["50.2", "53.7", "48.8", "48.3", "44.7"]
    assert lesson.init_summary("book_he", "relu", 20, 500, None).reduced


def test_overflow_becomes_none() -> None:
    assert lesson.init_summary("normal", "relu", 20, 500, 100.0) is None
    assert lesson.init_summary("normal", "sigmoid", 20, 500, 3.0) is not None, "sigmoid is bounded"


def test_variant_summary_uses_the_variant_scheme_and_std() -> None:
    one, tenth = (lesson.variant_summary(v, "relu", 5, 100) for v in ("std1", "std01"))
    # ReLU is positively homogeneous and the weights are 10× apart on the same draws: every
    # activation (so every std) is exactly 10^L times larger, up to float32 rounding
    np.testing.assert_allclose(one.stats.std / tenth.stats.std, 10.0 ** np.arange(1, 6), rtol=1e-4)
    assert lesson.variant_summary("book_he", "relu", 5, 100) is lesson.init_summary("book_he", "relu", 5, 100, None,
                                                                              "activations")
    golden = {"std1": ("0.459", "0.1", "0.0861"), "std001": ("0.0248", "0.25", "9.7e-08"),
              "book_xavier": ("0.207", "0.235", "0.000658")}
    for variant, (first_std, grad_last, grad_first) in golden.items():
        s = lesson.variant_summary(variant, "sigmoid", 5, 100).stats
        assert (f"{s.std[0]:.3g}", f"{s.grad_z_std[-1]:.3g}", f"{s.grad_z_std[0]:.3g}") == (first_std, grad_last,
                                                                                         grad_first)


def test_symmetry_comparison_is_cached_read_only_and_matches_the_demos() -> None:
    pair = lesson.compare_symmetry(200, 4, 0.5, 0)
    assert pair is lesson.compare_symmetry(200, 4, 0.5, 0)
    equal = symmetry_demo("constant", steps=200, hidden=4, value=0.5)
    random = symmetry_demo("random", steps=200, hidden=4, seed=0)
    np.testing.assert_array_equal(pair.equal.hidden_weights, equal.hidden_weights)
    np.testing.assert_array_equal(pair.random.loss, random.loss)
    assert pair.spread_equal == 0 and pair.spread_random == hidden_spread(random)[-1]
    assert pair.equal.final_loss == equal.loss[-1]
    with pytest.raises(ValueError):
        pair.random.hidden_weights[0, 0, 0] = 1.0
    # printed goldens: the page's metrics before the refactor
    assert [f"{v:.3g}" for v in (pair.spread_random, pair.equal.final_loss, pair.random.final_loss)] == [
        "3.02", "0.107", "4.83e-05"]
    small_pair = lesson.compare_symmetry(200, 3, 0.2, 0)
    assert [f"{v:.3g}" for v in (small_pair.spread_random, small_pair.equal.final_loss,
                                 small_pair.random.final_loss)] == ["2.77", "0.124", "4.77e-06"]


def test_equal_start_loss_is_that_of_one_unit() -> None:
    """Clones act like one hidden unit with H times the output weight: the same loss at step 0."""
    d = symmetry_demo("constant", steps=0, hidden=4, value=0.5)
    y = 4 * 0.5 * np.tanh(XOR @ np.array([0.5, 0.5]))
    assert d.final_loss == pytest.approx(0.5 * np.mean((y - np.array([0, 1, 1, 0])) ** 2), rel=1e-12)


XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def test_a_summary_counts_only_the_histograms_its_view_shows() -> None:
    forward = lesson.init_summary("book_he", "relu", 5, 100, None, "activations")
    backward = lesson.init_summary("book_he", "relu", 5, 100, None, "gradients")
    full = lesson.init_summary("book_he", "relu", 5, 100, None)
    assert forward.grad_a is None and forward.grad_z is None and backward.activations is None
    np.testing.assert_array_equal(forward.activations.counts, full.activations.counts)
    np.testing.assert_array_equal(backward.grad_z.counts, full.grad_z.counts)
    np.testing.assert_array_equal(forward.stats.grad_z_std, full.stats.grad_z_std)


def test_normal_schemes_scale_the_same_draws_as_init_weight() -> None:
    """The weights come from one cached N(0, 1) stream per seed: the same numbers init_weight draws."""
    from nnviz.core.init import init_weight
    e = run_init_experiment("book_xavier", "tanh", n_samples=10, n_in=30, layers=3, width=20, seed=4)
    rng = np.random.default_rng(np.random.SeedSequence(4).spawn(3)[1])
    for l, w in enumerate(e.weights):
        np.testing.assert_array_equal(w, init_weight("book_xavier", 30 if l == 0 else 20, 20, rng, dtype=np.float32))
