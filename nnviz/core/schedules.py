"""Learning-rate schedules in closed form, with PyTorch's semantics.

Each schedule maps the epoch (or iteration) index t = 0, 1, 2, ... to a rate;
t may be an int (a float comes back) or an integer array (an array comes back).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

TimeLike = int | np.ndarray
Rate = float | np.ndarray
Schedule = Callable[[TimeLike], Rate]
ScheduleParam = int | float | tuple[int, ...]


def _rate(x: np.ndarray) -> Rate:
    return float(x) if np.ndim(x) == 0 else x


def constant_lr(t: TimeLike, base_lr: float) -> Rate:
    """η_t = η₀."""
    return _rate(np.full(np.shape(t), float(base_lr)))


def step_lr(t: TimeLike, base_lr: float, step_size: int = 50, gamma: float = 0.5) -> Rate:
    """StepLR: η_t = η₀ γ^⌊t / step_size⌋."""
    return _rate(base_lr * gamma ** (np.asarray(t) // step_size))


def multistep_lr(
    t: TimeLike, base_lr: float, milestones: Sequence[int] = (50, 125, 160), gamma: float = 0.5
) -> Rate:
    """MultiStepLR: η_t = η₀ γ^(number of milestones ≤ t)."""
    passed = np.searchsorted(np.sort(np.asarray(milestones)), np.asarray(t), side="right")
    return _rate(base_lr * gamma**passed)


def exponential_lr(t: TimeLike, base_lr: float, gamma: float = 0.95) -> Rate:
    """ExponentialLR: η_t = η₀ γ^t."""
    return _rate(base_lr * gamma ** np.asarray(t))


def cosine_lr(t: TimeLike, base_lr: float, t_max: int = 200, eta_min: float = 0.0) -> Rate:
    """CosineAnnealingLR: η_t = η_min + (η₀ − η_min)(1 + cos(π t / T_max))/2."""
    return _rate(eta_min + (base_lr - eta_min) * (1 + np.cos(np.pi * np.asarray(t) / t_max)) / 2)


def with_warmup(schedule: Schedule, warmup_steps: int) -> Schedule:
    """Linear warm-up η_t = η(0)·(t+1)/W for t < W, then the wrapped schedule shifted: η(t − W)."""
    if warmup_steps < 1:
        raise ValueError("warmup_steps must be at least 1")

    def warmed(t: TimeLike) -> Rate:
        t_arr = np.asarray(t)
        ramp = np.asarray(schedule(0)) * (t_arr + 1) / warmup_steps
        after = np.asarray(schedule(np.maximum(t_arr - warmup_steps, 0)))
        return _rate(np.where(t_arr < warmup_steps, ramp, after))

    return warmed


SCHEDULES: dict[str, Callable[..., Rate]] = {
    "constant": constant_lr,
    "step": step_lr,
    "multistep": multistep_lr,
    "exponential": exponential_lr,
    "cosine": cosine_lr,
}

SCHEDULE_DEFAULTS: dict[str, dict[str, ScheduleParam]] = {
    "constant": {},
    "step": {"step_size": 50, "gamma": 0.5},
    "multistep": {"milestones": (50, 125, 160), "gamma": 0.5},
    "exponential": {"gamma": 0.95},
    "cosine": {"t_max": 200, "eta_min": 0.0},
}


def make_schedule(
    name: str, base_lr: float, warmup_steps: int = 0, **overrides: ScheduleParam
) -> Schedule:
    """The named schedule with its defaults (some overridden), optionally behind a warm-up."""
    unknown = set(overrides) - set(SCHEDULE_DEFAULTS[name])
    if unknown:
        raise ValueError(f"unknown parameters for {name!r}: {sorted(unknown)}")
    params = SCHEDULE_DEFAULTS[name] | overrides
    func = SCHEDULES[name]

    def schedule(t: TimeLike) -> Rate:
        return func(t, base_lr, **params)

    return with_warmup(schedule, warmup_steps) if warmup_steps > 0 else schedule


class HasLR(Protocol):
    """Anything with a settable learning rate, such as an optimizer."""

    lr: float


def apply_schedule(optimizer: HasLR, schedule: Schedule, t: int) -> float:
    """Set ``optimizer.lr`` to the schedule's rate at step t, before that step's update."""
    optimizer.lr = float(schedule(t))
    return optimizer.lr
