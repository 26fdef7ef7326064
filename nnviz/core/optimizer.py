"""Parameter-update rules with the book's ``update(params, grads)`` interface.

Every optimizer updates a dict of NumPy arrays in place, keeps its state per
key (created lazily with each parameter's shape and dtype) and exposes it for
display: ``state[key]`` holds named arrays, ``last_step[key]`` the ΔW of the
last update and ``t[key]`` the number of updates applied to that key.
"""

from __future__ import annotations

import math

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import numpy as np

from nnviz.core.schedules import Schedule, apply_schedule

Params = dict[str, np.ndarray]
GradFn = Callable[[np.ndarray], np.ndarray]
LossFn = Callable[[np.ndarray], float]


# Learning rates offered anywhere in the app, as stable URL ids, roughly log-spaced. They hold
# the book's 1e-10, 0.1 and 10 (descent), the digest's 0.01 and 0.02, every preset surface's
# suggested rate, the x² regime boundaries 0.5 and 1, and the book's optimizer rates.
LR_LADDER: tuple[str, ...] = (
    "1e-10", "0.0001", "0.0002", "0.0005", "0.001", "0.002", "0.005", "0.01", "0.02", "0.03",
    "0.05", "0.1", "0.2", "0.3", "0.4", "0.45", "0.5", "0.55", "0.6", "0.7", "0.8", "0.9",
    "0.95", "1", "1.05", "1.1", "1.5", "2", "5", "10", "20", "50", "100", "110",
)
EPS_LADDER: tuple[str, ...] = tuple(f"1e-{k}" for k in range(12, 1, -1))
"""ε offered for the adaptive optimizers: every decade from 1e-12 to 1e-2."""


@dataclass(frozen=True)
class HyperParam:
    """A hyper-parameter: its default and range, and how a slider offers it.

    With a ``ladder`` (log-scaled ones: η, ε) the slider steps through the ladder's values
    within [low, high]; otherwise it moves linearly in steps of ``step``.
    """

    name: str
    default: float
    low: float
    high: float
    ladder: tuple[str, ...] = ()

    @property
    def log(self) -> bool:
        return bool(self.ladder)

    @property
    def step(self) -> float:
        """Linear slider step: fine enough to reach ``high`` (0.01 up to 0.99, 0.001 up to 0.999, …)."""
        return float(10.0 ** np.floor(np.log10(1 - self.high) + 1e-9)) if self.high < 1 else 0.01

    def choices(self) -> tuple[str, ...]:
        """The ladder's ids within [low, high], in order."""
        return tuple(v for v in self.ladder if self.low <= float(v) <= self.high)


def _lr(default: float) -> HyperParam:
    return HyperParam("lr", default, 1e-4, 10.0, LR_LADDER)


def _eps(default: float) -> HyperParam:
    return HyperParam("eps", default, 1e-12, 1e-2, EPS_LADDER)


_MOMENTUM = HyperParam("momentum", 0.9, 0.0, 0.99)


class Optimizer:
    """Common bookkeeping: lazy per-key state, update counter and last step."""

    HYPER_PARAMS: ClassVar[tuple[HyperParam, ...]] = ()
    RULE: ClassVar[str] = ""
    """The update rule in LaTeX (one per class, shown above the internals table)."""

    def __init__(self, lr: float) -> None:
        self.lr = lr
        self.state: dict[str, dict[str, np.ndarray]] = {}
        self.last_step: dict[str, np.ndarray] = {}
        self.t: dict[str, int] = {}

    def state_names(self) -> tuple[str, ...]:
        """Names of the arrays kept in ``state[key]``."""
        return ()

    def update(self, params: Params, grads: Params) -> None:
        """Apply one update to every array in ``params``, in place."""
        for key, param in params.items():
            if key not in self.state:
                self.state[key] = {n: np.zeros_like(param) for n in self.state_names()}
                self.last_step[key] = np.zeros_like(param)
                self.t[key] = 0
            self.t[key] += 1
            step = self.last_step[key]
            self.compute_step(np.asarray(grads[key]), self.state[key], step, self.t[key])
            param += step

    def compute_step(self, g: np.ndarray, s: dict[str, np.ndarray], step: np.ndarray, t: int) -> None:
        """Write ΔW into ``step`` and advance the state ``s``."""
        raise NotImplementedError


class SGD(Optimizer):
    """Plain gradient descent: W ← W − η g."""

    RULE = r"W \leftarrow W - \eta\, g"
    HYPER_PARAMS = (_lr(0.01),)

    def __init__(self, lr: float = 0.01) -> None:
        super().__init__(lr)

    def compute_step(self, g: np.ndarray, s: dict[str, np.ndarray], step: np.ndarray, t: int) -> None:
        np.multiply(g, -self.lr, out=step)


class Momentum(Optimizer):
    """Heavy ball v ← αv − ηg, W ← W + v; or EMA form s ← βs + (1−β)g, W ← W − ηs."""

    RULE = r"v \leftarrow \alpha v - \eta\, g, \qquad W \leftarrow W + v"
    HYPER_PARAMS = (_lr(0.01), _MOMENTUM)

    def __init__(
        self,
        lr: float = 0.01,
        momentum: float = 0.9,
        form: Literal["heavy_ball", "ema"] = "heavy_ball",
    ) -> None:
        if form not in ("heavy_ball", "ema"):
            raise ValueError(f"unknown momentum form {form!r}")
        super().__init__(lr)
        self.momentum = momentum
        self.form = form

    def state_names(self) -> tuple[str, ...]:
        return ("v",) if self.form == "heavy_ball" else ("s",)

    def compute_step(self, g: np.ndarray, s: dict[str, np.ndarray], step: np.ndarray, t: int) -> None:
        if self.form == "heavy_ball":
            v = s["v"]
            v *= self.momentum
            np.multiply(g, self.lr, out=step)
            v -= step
            np.copyto(step, v)
        else:
            avg = s["s"]
            avg *= self.momentum
            np.multiply(g, 1.0 - self.momentum, out=step)
            avg += step
            np.multiply(avg, -self.lr, out=step)


class Nesterov(Optimizer):
    """Nesterov momentum on the look-ahead point: v ← μv − ηg, W ← W + μv − ηg."""

    RULE = r"v \leftarrow \mu v - \eta\, g, \qquad W \leftarrow W + \mu v - \eta\, g"
    HYPER_PARAMS = (_lr(0.01), _MOMENTUM)

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        super().__init__(lr)
        self.momentum = momentum

    def state_names(self) -> tuple[str, ...]:
        return ("v",)

    def compute_step(self, g: np.ndarray, s: dict[str, np.ndarray], step: np.ndarray, t: int) -> None:
        v = s["v"]
        np.multiply(g, self.lr, out=step)
        v *= self.momentum
        v -= step
        np.negative(step, out=step)
        step += self.momentum * v


def _adaptive_step(g: np.ndarray, h: np.ndarray, lr: float, eps: float, rate: np.ndarray, step: np.ndarray) -> None:
    """rate ← η/(√h + ε); ΔW ← −rate ⊙ g."""
    np.sqrt(h, out=rate)
    rate += eps
    np.divide(lr, rate, out=rate)
    np.multiply(rate, g, out=step)
    np.negative(step, out=step)


class AdaGrad(Optimizer):
    """h ← h + g⊙g; W ← W − η g/(√h + ε)."""

    RULE = r"h \leftarrow h + g \odot g, \qquad W \leftarrow W - \frac{\eta}{\sqrt{h} + \varepsilon}\, g"
    HYPER_PARAMS = (_lr(0.01), _eps(1e-7))

    def __init__(self, lr: float = 0.01, eps: float = 1e-7) -> None:
        super().__init__(lr)
        self.eps = eps

    def state_names(self) -> tuple[str, ...]:
        return ("h", "rate")

    def compute_step(self, g: np.ndarray, s: dict[str, np.ndarray], step: np.ndarray, t: int) -> None:
        np.multiply(g, g, out=step)
        s["h"] += step
        _adaptive_step(g, s["h"], self.lr, self.eps, s["rate"], step)


class RMSprop(Optimizer):
    """h ← ρh + (1−ρ)g⊙g; W ← W − η g/(√h + ε)."""

    RULE = r"h \leftarrow \rho h + (1-\rho)\, g \odot g, \qquad W \leftarrow W - \frac{\eta}{\sqrt{h} + \varepsilon}\, g"
    HYPER_PARAMS = (
        _lr(0.01),
        HyperParam("decay_rate", 0.99, 0.5, 0.999),
        _eps(1e-8),
    )

    def __init__(self, lr: float = 0.01, decay_rate: float = 0.99, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.decay_rate = decay_rate
        self.eps = eps

    def state_names(self) -> tuple[str, ...]:
        return ("h", "rate")

    def compute_step(self, g: np.ndarray, s: dict[str, np.ndarray], step: np.ndarray, t: int) -> None:
        h = s["h"]
        np.multiply(g, g, out=step)
        step *= 1.0 - self.decay_rate
        h *= self.decay_rate
        h += step
        _adaptive_step(g, h, self.lr, self.eps, s["rate"], step)


class Adam(Optimizer):
    """Bias-corrected moments m̂, v̂; W ← W − η m̂/(√v̂ + ε)."""

    RULE = (r"m \leftarrow \beta_1 m + (1-\beta_1) g,\; v \leftarrow \beta_2 v + (1-\beta_2)\, g \odot g,\; "
            r"\hat m = \frac{m}{1-\beta_1^t},\; \hat v = \frac{v}{1-\beta_2^t},\; "
            r"W \leftarrow W - \frac{\eta\, \hat m}{\sqrt{\hat v} + \varepsilon}")
    HYPER_PARAMS = (
        _lr(0.001),
        HyperParam("beta1", 0.9, 0.0, 0.99),
        HyperParam("beta2", 0.999, 0.9, 0.9999),
        _eps(1e-8),
    )

    def __init__(
        self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(lr)
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps

    def state_names(self) -> tuple[str, ...]:
        return ("m", "v", "m_hat", "v_hat", "rate")

    def compute_step(self, g: np.ndarray, s: dict[str, np.ndarray], step: np.ndarray, t: int) -> None:
        m, v = s["m"], s["v"]
        np.multiply(g, 1.0 - self.beta1, out=step)
        m *= self.beta1
        m += step
        np.multiply(g, g, out=step)
        step *= 1.0 - self.beta2
        v *= self.beta2
        v += step
        np.divide(m, 1.0 - self.beta1**t, out=s["m_hat"])
        np.divide(v, 1.0 - self.beta2**t, out=s["v_hat"])
        _adaptive_step(s["m_hat"], s["v_hat"], self.lr, self.eps, s["rate"], step)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "adagrad": AdaGrad,
    "rmsprop": RMSprop,
    "adam": Adam,
}

BOOK_LRS: dict[str, float] = {
    "sgd": 0.95,
    "momentum": 0.1,
    "nesterov": 0.1,
    "adagrad": 1.5,
    "rmsprop": 0.1,
    "adam": 0.3,
}
"""Learning rates of the book's comparison figure (f = x²/20 + y², start (−7, 2), 30 steps)."""


def hyper_params(name: str) -> tuple[HyperParam, ...]:
    """Hyper-parameters of the named optimizer, with defaults and UI ranges."""
    return OPTIMIZERS[name].HYPER_PARAMS


def make_optimizer(name: str, **overrides: float | str) -> Optimizer:
    """Build the named optimizer from its defaults, replacing any given in ``overrides``."""
    defaults: dict[str, float | str] = {hp.name: hp.default for hp in hyper_params(name)}
    return OPTIMIZERS[name](**(defaults | overrides))


@dataclass(frozen=True)
class OptimizerPath:
    """Iterates of one run; step k (1-based) maps ``points[k-1]`` to ``points[k]``.

    ``grads``, ``steps`` and each ``state`` entry have one row per completed step:
    the gradient seen (noise included), ΔW, and the state after the step;
    ``lrs`` holds the learning rate each completed step used.
    """

    points: np.ndarray
    values: np.ndarray | None
    grads: np.ndarray
    steps: np.ndarray
    state: dict[str, np.ndarray]
    status: Literal["ok", "diverged"]
    diverged_at: int | None
    lrs: np.ndarray = field(default_factory=lambda: np.empty(0))

    def first(self, steps: int) -> OptimizerPath:
        """The path of the first ``steps`` updates: what `run_path` returns for ``steps``, as views.

        A run is its own prefix (the noise is drawn step by step), so one long run answers
        every shorter one.
        """
        if self.diverged_at is not None and self.diverged_at <= steps:
            return self
        done = min(steps, len(self.points) - 1)
        return OptimizerPath(
            points=self.points[: done + 1],
            values=None if self.values is None else self.values[: done + 1],
            grads=self.grads[:done],
            steps=self.steps[:done],
            state={n: a[:done] for n, a in self.state.items()},
            status="ok",
            diverged_at=None,
            lrs=self.lrs[:done],
        )


def _escaped(x: np.ndarray, bound: float) -> bool:
    """Whether an iterate left the bound or stopped being finite (plain floats: x has a few entries)."""
    return not all(abs(v) <= bound for v in x.tolist())


def run_path(
    grad_fn: GradFn,
    start: np.ndarray | list[float] | tuple[float, ...],
    optimizer: Optimizer,
    steps: int,
    f: LossFn | None = None,
    bound: float = 1e6,
    noise_std: float = 0.0,
    seed: int | None = None,
    schedule: Schedule | None = None,
    internals: bool = True,
) -> OptimizerPath:
    """Run ``steps`` updates from ``start``; stop at the first non-finite or out-of-bound iterate.

    The optimizer keeps its state across calls: pass a fresh one for a fresh run.
    Gaussian noise N(0, noise_std²) is added to every gradient coordinate.
    With a ``schedule``, update k (1-based) uses the rate ``schedule(k − 1)``.
    ``internals=False`` records only the iterates and rates (grads, steps and state stay empty).
    """
    w = np.array(start, dtype=float).ravel()
    params = {"w": w}
    rng = np.random.default_rng(seed)
    points, grads, deltas, lrs = [w.copy()], [], [], []
    snaps: dict[str, list[np.ndarray]] = {n: [] for n in optimizer.state_names()}
    diverged_at = None
    with np.errstate(all="ignore"):
        for k in range(1, steps + 1):
            g = np.array(grad_fn(w.copy()), dtype=float).reshape(w.shape)
            if noise_std > 0:
                g += noise_std * rng.standard_normal(w.shape)
            if schedule is not None:
                apply_schedule(optimizer, schedule, k - 1)
            optimizer.update(params, {"w": g})
            if _escaped(w, bound):
                diverged_at = k
                break
            points.append(w.copy())
            lrs.append(optimizer.lr)
            if internals:
                grads.append(g)
                deltas.append(optimizer.last_step["w"].copy())
                for n, arr in optimizer.state["w"].items():
                    snaps[n].append(arr.copy())
        pts = np.array(points)
        values = None if f is None else np.array([f(p) for p in pts], dtype=float)
    empty = np.empty((0, w.size))
    return OptimizerPath(
        points=pts,
        values=values,
        grads=np.array(grads) if grads else empty,
        steps=np.array(deltas) if deltas else empty,
        state={n: np.array(a) if a else empty for n, a in snaps.items()},
        status="ok" if diverged_at is None else "diverged",
        diverged_at=diverged_at,
        lrs=np.array(lrs, dtype=float),
    )


DEFAULT_LRS = np.logspace(-4, 1, 26)


def tune_lr(
    grad_fn: GradFn,
    f: LossFn,
    start: np.ndarray | list[float] | tuple[float, ...],
    name: str,
    steps: int,
    lrs: np.ndarray = DEFAULT_LRS,
    hyper: Mapping[str, float | str] | None = None,
    noise_std: float = 0.0,
    seed: int | None = None,
) -> tuple[float, np.ndarray]:
    """Learning rate from ``lrs`` with the lowest final loss; diverged runs score +inf.

    When every candidate diverged (all finals +inf) nothing converged and the rate is NaN.
    ``hyper`` fixes the optimizer's other hyper-parameters; with noise, every
    candidate rate sees the same seeded noise.
    """
    others = {k: v for k, v in (hyper or {}).items() if k != "lr"}
    finals = np.full(len(lrs), np.inf)
    for i, lr in enumerate(lrs):
        path = run_path(grad_fn, start, make_optimizer(name, **others, lr=float(lr)), steps, f=f,
                        noise_std=noise_std, seed=seed)
        if path.status == "ok" and path.values is not None and np.isfinite(path.values[-1]):
            finals[i] = path.values[-1]
    if not np.isfinite(finals).any():
        return math.nan, finals
    return float(lrs[int(np.argmin(finals))]), finals
