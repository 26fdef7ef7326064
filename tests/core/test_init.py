"""Weight-initialisation schemes (digest §4): ids, formulas, goldens, sampling."""

from math import erfc, sqrt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.init import INIT_SCHEMES, init_weight, scheme_scale, scheme_std

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


