"""Learning-rate schedules against the deck's goldens and PyTorch's recursive (chainable) rules."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.optimizer import Adam
from nnviz.core.schedules import (
    SCHEDULE_DEFAULTS,
    SCHEDULES,
    apply_schedule,
    constant_lr,
    cosine_lr,
    exponential_lr,
    make_schedule,
    multistep_lr,
    step_lr,
    with_warmup,
)

EPOCHS = np.arange(200)


def test_step_lr_golden() -> None:
    """Deck 002: StepLR(step 50, γ 0.5) from 0.1 over 200 epochs."""
    got = step_lr(np.array([0, 49, 50, 99, 100, 149, 150, 199]), 0.1, step_size=50, gamma=0.5)
    np.testing.assert_allclose(got, [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125], rtol=1e-15)


def test_multistep_lr_at_milestones() -> None:
    lr = multistep_lr(EPOCHS, 0.1, milestones=(50, 125, 160), gamma=0.5)
    assert isinstance(lr, np.ndarray)
    assert lr[49] == 0.1 and lr[50] == 0.05
    assert lr[124] == 0.05 and lr[125] == 0.025
    assert lr[159] == 0.025 and lr[160] == 0.0125 and lr[199] == 0.0125
    assert len(np.unique(lr)) == 4


def test_multistep_unsorted_milestones() -> None:
    assert multistep_lr(130, 1.0, milestones=(125, 50), gamma=0.1) == pytest.approx(0.01)


def chainable(update: str, base: float, n: int, **kw: float) -> list[float]:
    """PyTorch's recursive get_lr rules, stepped one epoch at a time."""
    lrs = [base]
    for t in range(1, n):
        prev = lrs[-1]
        if update == "step":
            lrs.append(prev * kw["gamma"] if t % kw["step_size"] == 0 else prev)
        elif update == "exponential":
            lrs.append(prev * kw["gamma"])
        else:  # cosine
            t_max, eta_min = kw["t_max"], kw["eta_min"]
            if (t - 1 - t_max) % (2 * t_max) == 0:
                lrs.append(prev + (base - eta_min) * (1 - math.cos(math.pi / t_max)) / 2)
            else:
                ratio = (1 + math.cos(math.pi * t / t_max)) / (1 + math.cos(math.pi * (t - 1) / t_max))
                lrs.append(ratio * (prev - eta_min) + eta_min)
    return lrs


@settings(max_examples=20, deadline=None)
@given(step_size=st.integers(1, 40), gamma=st.floats(0.1, 0.99))
def test_step_lr_matches_recursion(step_size: int, gamma: float) -> None:
    want = chainable("step", 0.1, 200, step_size=step_size, gamma=gamma)
    np.testing.assert_allclose(step_lr(EPOCHS, 0.1, step_size, gamma), want, rtol=1e-10)


def test_exponential_lr_matches_recursion() -> None:
    want = chainable("exponential", 0.1, 200, gamma=0.95)
    np.testing.assert_allclose(exponential_lr(EPOCHS, 0.1, gamma=0.95), want, rtol=1e-10)


@pytest.mark.parametrize(("t_max", "eta_min"), [(200, 0.0), (50, 0.001), (30, 0.02)])
def test_cosine_lr_matches_recursion_over_several_periods(t_max: int, eta_min: float) -> None:
    want = chainable("cosine", 0.1, 200, t_max=t_max, eta_min=eta_min)
    np.testing.assert_allclose(cosine_lr(EPOCHS, 0.1, t_max, eta_min), want, rtol=1e-9, atol=1e-12)


def test_cosine_endpoints() -> None:
    assert cosine_lr(0, 0.1, 100, 0.01) == pytest.approx(0.1)
    assert cosine_lr(50, 0.1, 100, 0.01) == pytest.approx(0.055)
    assert cosine_lr(100, 0.1, 100, 0.01) == pytest.approx(0.01)


def test_scalar_in_float_out_array_in_array_out() -> None:
    for name in SCHEDULES:
        sched = make_schedule(name, 0.1)
        assert type(sched(3)) is float
        assert isinstance(sched(EPOCHS), np.ndarray) and sched(EPOCHS).shape == (200,)
        np.testing.assert_allclose(sched(EPOCHS)[[0, 7, 123]], [sched(0), sched(7), sched(123)])
    assert constant_lr(EPOCHS, 0.3).tolist() == [0.3] * 200


def test_warmup_ramps_linearly_then_runs_wrapped_schedule_from_its_start() -> None:
    inner = make_schedule("step", 0.1, step_size=5, gamma=0.5)
    warm = with_warmup(inner, 4)
    t = np.arange(20)
    lr = np.asarray(warm(t))
    np.testing.assert_allclose(lr[:4], [0.025, 0.05, 0.075, 0.1], rtol=1e-14)
    np.testing.assert_allclose(lr[4:], [inner(k) for k in range(16)], rtol=1e-14)
    assert warm(2) == pytest.approx(0.075)


def test_make_schedule_with_warmup_and_defaults() -> None:
    sched = make_schedule("cosine", 0.2, warmup_steps=10)
    assert sched(0) == pytest.approx(0.02)
    assert sched(9) == pytest.approx(0.2)
    assert sched(10 + 100) == pytest.approx(cosine_lr(100, 0.2, 200, 0.0))
    assert make_schedule("multistep", 0.1)(60) == pytest.approx(0.05)
    assert make_schedule("multistep", 0.1, milestones=(10,))(60) == pytest.approx(0.05)
    assert make_schedule("exponential", 1.0, gamma=0.5)(3) == pytest.approx(0.125)


def test_make_schedule_rejects_unknown_parameter_and_bad_warmup() -> None:
    with pytest.raises(ValueError):
        make_schedule("step", 0.1, t_max=3)
    with pytest.raises(ValueError):
        with_warmup(make_schedule("constant", 0.1), 0)


def test_registry_defaults_are_function_defaults() -> None:
    assert set(SCHEDULES) == set(SCHEDULE_DEFAULTS)
    for name, func in SCHEDULES.items():
        sig = inspect.signature(func)
        extra = {n: p.default for n, p in sig.parameters.items() if n not in ("t", "base_lr")}
        assert extra == SCHEDULE_DEFAULTS[name]


def test_apply_schedule_sets_lr_and_keeps_optimizer_state() -> None:
    sched = make_schedule("step", 0.1, step_size=2, gamma=0.5)
    opt, w = Adam(lr=1.0), np.array([1.0])
    seen = []
    for t in range(5):
        seen.append(apply_schedule(opt, sched, t))
        opt.update({"w": w}, {"w": w.copy()})
    assert seen == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])
    assert opt.lr == pytest.approx(0.025) and opt.t["w"] == 5
