"""Optimizer update rules against goldens, closed forms and plain scalar re-implementations."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.optimizer import (
    BOOK_LRS,
    OPTIMIZERS,
    SGD,
    AdaGrad,
    Adam,
    Momentum,
    Nesterov,
    Optimizer,
    OptimizerPath,
    RMSprop,
    hyper_params,
    make_optimizer,
    run_path,
    tune_lr,
)


def book_f(p: np.ndarray) -> float:
    return float(p[0] ** 2 / 20 + p[1] ** 2)


def book_grad(p: np.ndarray) -> np.ndarray:
    return np.array([p[0] / 10, 2 * p[1]])


def scalar_path(opt: Optimizer, a: float, w0: float, steps: int) -> list[float]:
    """Iterates of ``opt`` on a·w²/2 (gradient a·w), as plain floats."""
    w = np.array([w0])
    out = []
    for _ in range(steps):
        opt.update({"w": w}, {"w": a * w})
        out.append(float(w[0]))
    return out


# --- golden one-step demos (deck 002, PyTorch semantics: w0 = 1, loss w²/2) ---


@pytest.mark.parametrize(
    ("opt", "golden"),
    [
        (Momentum(lr=0.01, momentum=0.9), [0.99, 0.9711, 0.944379]),
        (AdaGrad(lr=0.01, eps=1e-10), [0.99, 0.982965, 0.977238]),
        (RMSprop(lr=0.01, decay_rate=0.9, eps=1e-8), [0.968377, 0.945788, 0.927053]),
        (Adam(lr=0.01, beta1=0.9, beta2=0.99, eps=1e-8), [0.99, 0.980003, 0.970009]),
    ],
    ids=["momentum", "adagrad", "rmsprop", "adam"],
)
def test_pytorch_golden_three_steps(opt: Optimizer, golden: list[float]) -> None:
    np.testing.assert_allclose(scalar_path(opt, 1.0, 1.0, 3), golden, rtol=0, atol=5e-7)


def test_adagrad_book_eps_also_matches_golden_to_six_decimals() -> None:
    got = scalar_path(AdaGrad(lr=0.01), 1.0, 1.0, 3)
    np.testing.assert_allclose(got, [0.99, 0.982965, 0.977238], rtol=0, atol=5e-7)


def test_book_figure_sgd_first_step() -> None:
    w = np.array([-7.0, 2.0])
    SGD(lr=BOOK_LRS["sgd"]).update({"w": w}, {"w": book_grad(w)})
    np.testing.assert_allclose(w, [-6.335, -1.8], rtol=0, atol=1e-12)


# --- closed forms on a·w²/2 ---


@settings(max_examples=30, deadline=None)
@given(
    lr=st.floats(0.001, 1.5),
    a=st.floats(0.1, 2.0),
    w0=st.floats(-5, 5).filter(lambda x: abs(x) > 1e-3),
)
def test_sgd_closed_form(lr: float, a: float, w0: float) -> None:
    got = scalar_path(SGD(lr=lr), a, w0, 10)
    want = [w0 * (1 - lr * a) ** k for k in range(1, 11)]
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(lr=st.floats(0.001, 1.0), a=st.floats(0.1, 2.0), alpha=st.floats(0.0, 0.99))
def test_heavy_ball_matches_matrix_power(lr: float, a: float, alpha: float) -> None:
    got = scalar_path(Momentum(lr=lr, momentum=alpha), a, 1.0, 12)
    m = np.array([[1 - lr * a, alpha], [-lr * a, alpha]])  # (w, v) ↦ (w', v')
    want = [(np.linalg.matrix_power(m, k) @ [1.0, 0.0])[0] for k in range(1, 13)]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(lr=st.floats(0.001, 2.0), beta=st.floats(0.0, 0.99))
def test_ema_momentum_is_heavy_ball_with_lr_times_one_minus_beta(lr: float, beta: float) -> None:
    ema = scalar_path(Momentum(lr=lr, momentum=beta, form="ema"), 0.7, 1.5, 15)
    heavy = scalar_path(Momentum(lr=lr * (1 - beta), momentum=beta), 0.7, 1.5, 15)
    np.testing.assert_allclose(ema, heavy, rtol=1e-9, atol=1e-12)


def test_momentum_rejects_unknown_form() -> None:
    with pytest.raises(ValueError):
        Momentum(form="adam")


@settings(max_examples=30, deadline=None)
@given(lr=st.floats(0.001, 1.0), a=st.floats(0.1, 2.0), mu=st.floats(0.0, 0.99))
def test_nesterov_equals_look_ahead_form(lr: float, a: float, mu: float) -> None:
    """Sutskever's form evaluates the gradient at W + μv; our iterate is that look-ahead point."""
    got = scalar_path(Nesterov(lr=lr, momentum=mu), a, 2.0, 12)
    w, v, look = 2.0, 0.0, []
    for _ in range(12):
        v = mu * v - lr * a * (w + mu * v)
        w = w + v
        look.append(w + mu * v)
    np.testing.assert_allclose(got, look, rtol=1e-9, atol=1e-12)


def test_nesterov_equals_pytorch_nesterov_form() -> None:
    """PyTorch nesterov=True: b ← μb + g, W ← W − η(g + μb)."""
    lr, mu, a = 0.05, 0.9, 1.3
    got = scalar_path(Nesterov(lr=lr, momentum=mu), a, 1.0, 10)
    w, b, want = 1.0, 0.0, []
    for _ in range(10):
        g = a * w
        b = mu * b + g
        w -= lr * (g + mu * b)
        want.append(w)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_the_books_nesterov_code_takes_a_different_path() -> None:
    """The book's common/optimizer.py updates v first and then adds μ²v_new − (1+μ)ηg, which is
    μ³v_old − (1 + μ + μ²)ηg: not the look-ahead rule ours follows (μ²v_old − (1+μ)ηg)."""
    lr, mu, a = 0.05, 0.9, 1.3
    ours = scalar_path(Nesterov(lr=lr, momentum=mu), a, 1.0, 10)
    w, v, book = 1.0, 0.0, []
    for _ in range(10):
        g = a * w
        v = mu * v - lr * g
        w += mu * mu * v - (1 + mu) * lr * g
        book.append(w)
    first_step_ours, first_step_book = ours[0] - 1.0, book[0] - 1.0
    assert first_step_ours == pytest.approx(-(1 + mu) * lr * a, rel=1e-14)
    assert first_step_book == pytest.approx(-(1 + mu + mu * mu) * lr * a, rel=1e-14)
    assert not np.allclose(ours, book, rtol=1e-3)


def plain_adaptive(kind: str, lr: float, rho: float, eps: float, a: float, w: float, n: int) -> list[float]:
    """AdaGrad (kind 'ada') or RMSprop (kind 'rms') on a·w²/2, written out with floats."""
    h, out = 0.0, []
    for _ in range(n):
        g = a * w
        h = h + g * g if kind == "ada" else rho * h + (1 - rho) * g * g
        w = w - lr * g / (math.sqrt(h) + eps)
        out.append(w)
    return out


@settings(max_examples=25, deadline=None)
@given(lr=st.floats(0.001, 1.0), a=st.floats(0.1, 3.0), eps=st.sampled_from([1e-10, 1e-7, 1e-3]))
def test_adagrad_against_plain_loop(lr: float, a: float, eps: float) -> None:
    got = scalar_path(AdaGrad(lr=lr, eps=eps), a, 1.7, 10)
    np.testing.assert_allclose(got, plain_adaptive("ada", lr, 0, eps, a, 1.7, 10), rtol=1e-10)


@settings(max_examples=25, deadline=None)
@given(lr=st.floats(0.001, 0.3), a=st.floats(0.1, 3.0), rho=st.floats(0.5, 0.999))
def test_rmsprop_against_plain_loop(lr: float, a: float, rho: float) -> None:
    got = scalar_path(RMSprop(lr=lr, decay_rate=rho), a, 1.7, 10)
    want = plain_adaptive("rms", lr, rho, 1e-8, a, 1.7, 10)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


def plain_adam(lr: float, b1: float, b2: float, eps: float, a: float, w: float, n: int) -> list[float]:
    m = v = 0.0
    out = []
    for t in range(1, n + 1):
        g = a * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w - lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
        out.append(w)
    return out


@settings(max_examples=25, deadline=None)
@given(
    lr=st.floats(0.001, 0.5),
    b1=st.floats(0.0, 0.99),
    b2=st.floats(0.9, 0.9999),
    eps=st.sampled_from([1e-8, 1e-3]),
)
def test_adam_against_plain_loop(lr: float, b1: float, b2: float, eps: float) -> None:
    got = scalar_path(Adam(lr=lr, beta1=b1, beta2=b2, eps=eps), 0.8, 1.2, 10)
    np.testing.assert_allclose(got, plain_adam(lr, b1, b2, eps, 0.8, 1.2, 10), rtol=1e-9, atol=1e-12)


def test_adam_equals_book_folded_form_up_to_eps_placement() -> None:
    """Book: η_t = η√(1−β2^t)/(1−β1^t), W ← W − η_t m/(√v + ε). Same as ours with ε_t = ε/√(1−β2^t)."""
    lr, b1, b2, a = 0.1, 0.9, 0.999, 1.0
    book_w, m, v, book = 1.0, 0.0, 0.0, []
    for t in range(1, 9):
        g = a * book_w
        m += (1 - b1) * (g - m)
        v += (1 - b2) * (g * g - v)
        book_w -= lr * math.sqrt(1 - b2**t) / (1 - b1**t) * m / (math.sqrt(v) + 1e-3)
        book.append(book_w)
    ours_same_eps = scalar_path(Adam(lr=lr, beta1=b1, beta2=b2, eps=1e-3), a, 1.0, 8)
    ours_no_eps = scalar_path(Adam(lr=lr, beta1=b1, beta2=b2, eps=0.0), a, 1.0, 8)
    assert not np.allclose(ours_same_eps, book, rtol=0, atol=1e-6)
    book_no_eps = plain_adam(lr, b1, b2, 0.0, a, 1.0, 8)
    np.testing.assert_allclose(ours_no_eps, book_no_eps, rtol=1e-12)
    # ε moved inside the bias correction reproduces the book exactly, one step at a time
    w, opt = np.array([1.0]), Adam(lr=lr, beta1=b1, beta2=b2)
    for t, want in enumerate(book, start=1):
        opt.eps = 1e-3 / math.sqrt(1 - b2**t)
        opt.update({"w": w}, {"w": a * w})
        assert w[0] == pytest.approx(want, rel=1e-12)


# --- interface: per-key state, in place, dtype, lr changes ---

ALL_NAMES = list(OPTIMIZERS)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_keys_are_independent(name: str) -> None:
    rng = np.random.default_rng(1)
    w1, w2 = rng.normal(size=(3, 2)), rng.normal(size=4)
    g1, g2 = [rng.normal(size=w1.shape) for _ in range(3)], [rng.normal(size=4) for _ in range(3)]
    joint = make_optimizer(name, lr=0.05)
    a, b = w1.copy(), w2.copy()
    alone1, alone2 = make_optimizer(name, lr=0.05), make_optimizer(name, lr=0.05)
    c, d = w1.copy(), w2.copy()
    for k in range(3):
        joint.update({"W1": a, "b1": b}, {"W1": g1[k], "b1": g2[k]})
        alone1.update({"W1": c}, {"W1": g1[k]})
        alone2.update({"b1": d}, {"b1": g2[k]})
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(b, d)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_update_is_in_place_and_last_step_is_the_applied_delta(name: str) -> None:
    w = np.array([0.5, -1.0, 2.0])
    before, same = w.copy(), w
    opt = make_optimizer(name, lr=0.1)
    opt.update({"w": w}, {"w": np.array([1.0, -2.0, 0.3])})
    assert w is same
    np.testing.assert_allclose(w - before, opt.last_step["w"], rtol=1e-15, atol=1e-15)
    assert opt.t["w"] == 1
    assert set(opt.state["w"]) == set(opt.state_names())


@pytest.mark.parametrize("name", ALL_NAMES)
def test_float32_stays_float32(name: str) -> None:
    w = np.ones((4, 3), dtype=np.float32)
    opt = make_optimizer(name, lr=0.1)
    for _ in range(3):
        opt.update({"W1": w}, {"W1": np.full((4, 3), 0.5, dtype=np.float32)})
    assert w.dtype == np.float32
    assert all(arr.dtype == np.float32 for arr in opt.state["W1"].values())
    assert not np.allclose(w, 1.0)


@pytest.mark.parametrize("name", ["sgd", "adagrad", "rmsprop", "adam"])
def test_changing_lr_keeps_state(name: str) -> None:
    """With gradients fixed, these states ignore η and ΔW ∝ η: a new η only rescales the next step."""
    grads = [np.array([1.0, -0.5]), np.array([0.3, 0.8]), np.array([-0.2, 0.1])]
    changed, kept = make_optimizer(name, lr=0.1), make_optimizer(name, lr=0.1)
    a, b = np.zeros(2), np.zeros(2)
    for g in grads[:2]:
        changed.update({"w": a}, {"w": g})
        kept.update({"w": b}, {"w": g})
    changed.lr = 0.02
    changed.update({"w": a}, {"w": grads[2]})
    kept.update({"w": b}, {"w": grads[2]})
    assert changed.t["w"] == 3
    np.testing.assert_allclose(changed.last_step["w"], 0.2 * kept.last_step["w"], rtol=1e-12)
    if name != "sgd":
        rebuilt, c = make_optimizer(name, lr=0.02), np.zeros(2)
        rebuilt.update({"w": c}, {"w": grads[2]})
        assert not np.allclose(changed.last_step["w"], rebuilt.last_step["w"])


def test_ema_momentum_changing_lr_keeps_state() -> None:
    opt, w = Momentum(lr=0.1, momentum=0.5, form="ema"), np.array([1.0])
    opt.update({"w": w}, {"w": np.array([1.0])})  # s = 0.5, w = 1 − 0.05 = 0.95
    opt.lr = 0.2
    opt.update({"w": w}, {"w": np.array([1.0])})  # s = 0.75, w = 0.95 − 0.15 = 0.8
    assert w[0] == pytest.approx(0.8, rel=1e-14)


def test_heavy_ball_changing_lr_midway_by_hand() -> None:
    opt, w = Momentum(lr=0.1, momentum=0.5), np.array([1.0])
    opt.update({"w": w}, {"w": np.array([1.0])})  # v = −0.1, w = 0.9
    opt.lr = 0.2
    opt.update({"w": w}, {"w": np.array([1.0])})  # v = −0.05 − 0.2 = −0.25, w = 0.65
    assert w[0] == pytest.approx(0.65, rel=1e-14)


def test_nesterov_changing_lr_midway_by_hand() -> None:
    opt, w = Nesterov(lr=0.1, momentum=0.5), np.array([1.0])
    opt.update({"w": w}, {"w": np.array([1.0])})  # v = −0.1, w = 1 + 0.5·(−0.1) − 0.1 = 0.85
    opt.lr = 0.2
    opt.update({"w": w}, {"w": np.array([1.0])})  # v = −0.25, w = 0.85 − 0.125 − 0.2 = 0.525
    assert w[0] == pytest.approx(0.525, rel=1e-14)


def test_adaptive_rate_in_state() -> None:
    opt, w = AdaGrad(lr=0.5, eps=0.0), np.array([1.0, 2.0])
    opt.update({"w": w}, {"w": np.array([3.0, -4.0])})
    np.testing.assert_allclose(opt.state["w"]["rate"], [0.5 / 3, 0.5 / 4])
    np.testing.assert_allclose(opt.last_step["w"], [-0.5, 0.5])


# --- registry and hyper-parameters ---


@pytest.mark.parametrize("name", ALL_NAMES)
def test_hyper_params_match_constructor_defaults(name: str) -> None:
    sig = inspect.signature(OPTIMIZERS[name])
    for hp in hyper_params(name):
        assert sig.parameters[hp.name].default == hp.default
        assert hp.low <= hp.default <= hp.high and hp.low < hp.high
        assert hp.low > 0 or not hp.log
    numeric = {n for n, p in sig.parameters.items() if isinstance(p.default, float)}
    assert numeric == {hp.name for hp in hyper_params(name)}


def test_make_optimizer_defaults_and_overrides() -> None:
    opt = make_optimizer("adam", lr=0.3)
    assert isinstance(opt, Adam)
    assert (opt.lr, opt.beta1, opt.beta2, opt.eps) == (0.3, 0.9, 0.999, 1e-8)
    ema = make_optimizer("momentum", form="ema")
    assert isinstance(ema, Momentum) and ema.form == "ema" and ema.lr == 0.01
    with pytest.raises(TypeError):
        make_optimizer("sgd", momentum=0.9)


def test_book_lrs_cover_every_optimizer_and_converge_on_book_function() -> None:
    assert set(BOOK_LRS) == set(OPTIMIZERS)
    start_loss = book_f(np.array([-7.0, 2.0]))
    for name, lr in BOOK_LRS.items():
        path = run_path(book_grad, (-7.0, 2.0), make_optimizer(name, lr=lr), 30, f=book_f)
        assert path.status == "ok"
        assert path.values is not None and path.values[-1] < 0.05 * start_loss


# --- run_path ---


def test_run_path_shapes_and_internals() -> None:
    opt = Adam(lr=0.3)
    path = run_path(book_grad, [-7.0, 2.0], opt, 30, f=book_f)
    assert path.points.shape == (31, 2) and path.grads.shape == (30, 2)
    assert path.steps.shape == (30, 2) and path.values is not None and path.values.shape == (31,)
    assert set(path.state) == {"m", "v", "m_hat", "v_hat", "rate"}
    assert all(arr.shape == (30, 2) for arr in path.state.values())
    np.testing.assert_allclose(np.diff(path.points, axis=0), path.steps, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(path.grads, [book_grad(p) for p in path.points[:-1]], rtol=1e-12)
    np.testing.assert_allclose(path.values, [book_f(p) for p in path.points], rtol=1e-12)
    assert path.status == "ok" and path.diverged_at is None


def test_run_path_without_internals_walks_the_same_path() -> None:
    full = run_path(book_grad, [-7.0, 2.0], Adam(lr=0.3), 30, f=book_f)
    lean = run_path(book_grad, [-7.0, 2.0], Adam(lr=0.3), 30, f=book_f, internals=False)
    np.testing.assert_array_equal(lean.points, full.points)
    np.testing.assert_array_equal(lean.lrs, full.lrs)
    assert lean.grads.shape == (0, 2) and lean.steps.shape == (0, 2)
    assert all(arr.shape[0] == 0 for arr in lean.state.values())


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
@pytest.mark.parametrize("steps", [0, 1, 17, 40])
def test_the_first_updates_of_a_long_run_are_the_short_run(name: str, steps: int) -> None:
    def run(n: int) -> OptimizerPath:
        return run_path(book_grad, [-7.0, 2.0], make_optimizer(name, lr=0.3), n, f=book_f, noise_std=0.5, seed=3)

    short, prefix = run(steps), run(40).first(steps)
    for field in ("points", "values", "grads", "steps", "lrs"):
        np.testing.assert_array_equal(getattr(prefix, field), getattr(short, field))
    assert prefix.state.keys() == short.state.keys()
    for n in short.state:
        np.testing.assert_array_equal(prefix.state[n], short.state[n])
    assert (prefix.status, prefix.diverged_at) == (short.status, short.diverged_at)


def test_the_first_updates_of_a_diverged_run() -> None:
    long = run_path(lambda w: 2 * w, [3.0], SGD(lr=1.5), 100)  # diverges at update 19
    for steps in (5, 18, 19, 60):
        short = run_path(lambda w: 2 * w, [3.0], SGD(lr=1.5), steps)
        prefix = long.first(steps)
        np.testing.assert_array_equal(prefix.points, short.points)
        assert (prefix.status, prefix.diverged_at) == (short.status, short.diverged_at)


def test_run_path_sgd_on_quadratic_matches_closed_form() -> None:
    path = run_path(lambda w: 2 * w, [3.0], SGD(lr=0.02), 100)
    assert path.points[-1, 0] == pytest.approx(0.0506110, abs=5e-8)  # digest §3 golden
    assert path.values is None


def test_run_path_detects_divergence_at_the_right_step() -> None:
    # x² with η = 1.5: x_k = 3·(−2)^k; first |x_k| > 1e6 at k = 19 (3·2^19 ≈ 1.57e6)
    path = run_path(lambda w: 2 * w, [3.0], SGD(lr=1.5), 100, f=lambda w: float(w[0] ** 2))
    first_bad = next(k for k in range(100) if 3 * 2**k > 1e6)
    assert path.status == "diverged" and path.diverged_at == first_bad == 19
    assert path.points.shape == (19, 1) and path.grads.shape == (18, 1)
    np.testing.assert_allclose(path.points[:, 0], [3 * (-2.0) ** k for k in range(19)])


def test_run_path_non_finite_iterate_without_warnings() -> None:
    # gradient overflows to inf at the first step: the path stops at once, silently
    path = run_path(lambda w: np.exp(w * 1000), [1.0], Adam(lr=0.1), 10, bound=np.inf)
    assert path.status == "diverged" and path.diverged_at == 1
    assert path.points.shape == (1, 1) and path.steps.shape == (0, 1)
    assert all(arr.shape == (0, 1) for arr in path.state.values())


def test_run_path_noise_is_seeded() -> None:
    def run(seed: int) -> np.ndarray:
        return run_path(book_grad, (-7, 2), Momentum(lr=0.1), 20, noise_std=0.5, seed=seed).points

    np.testing.assert_array_equal(run(3), run(3))
    assert not np.allclose(run(3), run(4))
    clean = run_path(book_grad, (-7, 2), Momentum(lr=0.1), 20).points
    assert not np.allclose(run(3), clean)


def test_run_path_noise_is_gaussian_with_given_std() -> None:
    path = run_path(lambda w: np.zeros(2), (0, 0), SGD(lr=0.0), 4000, noise_std=0.7, seed=0)
    assert path.grads.std() == pytest.approx(0.7, rel=0.03)
    assert abs(path.grads.mean()) < 0.03


# --- tune_lr ---


def test_tune_lr_finds_newton_step_for_one_sgd_step() -> None:
    """One SGD step on w²/2 ends at (1 − η)w0: the best η on the grid is 1."""
    best, finals = tune_lr(lambda w: w, lambda w: float(w[0] ** 2 / 2), [2.0], "sgd", steps=1)
    assert best == pytest.approx(1.0)
    grid = np.logspace(-4, 1, 26)
    np.testing.assert_allclose(finals, (1 - grid) ** 2 * 4 / 2, rtol=1e-9, atol=1e-15)


def test_tune_lr_counts_divergence_as_inf() -> None:
    lrs = np.array([0.1, 0.5, 3.0])
    best, finals = tune_lr(lambda w: w, lambda w: float(w[0] ** 2 / 2), [1.0], "sgd", 200, lrs=lrs)
    assert finals[2] == np.inf and np.isfinite(finals[:2]).all()
    assert best == 0.5


def test_run_path_records_the_rate_of_every_step() -> None:
    path = run_path(lambda w: w, [1.0], make_optimizer("sgd", lr=0.1), 4)
    np.testing.assert_array_equal(path.lrs, [0.1] * 4)


def test_run_path_applies_a_schedule_before_each_update() -> None:
    from nnviz.core.schedules import make_schedule

    schedule = make_schedule("step", 0.5, step_size=2, gamma=0.1)
    path = run_path(lambda w: w, [1.0], make_optimizer("sgd"), 5, schedule=schedule)
    np.testing.assert_allclose(path.lrs, [0.5, 0.5, 0.05, 0.05, 0.005])
    # By hand: w ← w(1 − η_k) with the rates above.
    np.testing.assert_allclose(path.points[:, 0], np.cumprod([1.0, 0.5, 0.5, 0.95, 0.95, 0.995]))


def test_tune_lr_keeps_other_hyper_parameters_and_noise() -> None:
    grad = lambda w: np.array([w[0] / 10, 2 * w[1]])  # noqa: E731
    f = lambda w: w[0] ** 2 / 20 + w[1] ** 2  # noqa: E731
    lrs = np.array([0.01, 0.1, 0.3])
    _, plain = tune_lr(grad, f, (-7, 2), "momentum", 10, lrs=lrs, hyper={"momentum": 0.0, "lr": 99})
    sgd = [f(run_path(grad, (-7, 2), make_optimizer("sgd", lr=lr), 10).points[-1]) for lr in lrs]
    np.testing.assert_allclose(plain, sgd)  # momentum 0 is plain SGD; the given "lr" is ignored
    _, noisy = tune_lr(grad, f, (-7, 2), "sgd", 10, lrs=lrs, noise_std=0.5, seed=3)
    again = [f(run_path(grad, (-7, 2), make_optimizer("sgd", lr=lr), 10, noise_std=0.5, seed=3).points[-1]) for lr in lrs]
    np.testing.assert_allclose(noisy, again)
    assert not np.allclose(noisy, sgd)


def test_tune_lr_says_nan_when_nothing_converged() -> None:
    """It used to return the first rate when every candidate diverged."""
    best, finals = tune_lr(lambda w: w, lambda w: float(w[0] ** 2 / 2), [1.0], "sgd", 200, lrs=np.array([3.0, 5.0]))
    assert np.isnan(best) and np.isinf(finals).all()
