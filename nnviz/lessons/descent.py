"""What the Gradient-descent page computes, on top of nnviz.core.descent, quadratic, paths, surfaces and regression.

1-D curves f(x) (presets and typed formulas) with the regime of the learning rate, the quadratic
closed form for any a·x² + b·x + c and the "halve the rate, double the steps" runs; many starts
on a surface stepped together for up to three rates, where each path leaves its window, which
known critical point it ended near and what to advise when it diverged; and the notes' line fit
with its loss curve or loss map and the stable learning-rate bound from the Hessian.
Results are frozen dataclasses with read-only arrays, cached on hashable inputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnviz.core.descent import DescentPath, Status, StepMode, descend_many, descent_path
from nnviz.core.expr import Expression, parse
from nnviz.core.paths import exit_to_mark, path_window, view_window
from nnviz.core.quadratic import (
    Regime,
    quadratic_closed_form,
    quadratic_form,
    quadratic_insight,
    quadratic_regime,
    stable_lr_bound,
)
from nnviz.core.regression import (
    NOTES_X,
    NOTES_Y,
    least_squares,
    loss,
    regression_descent,
    regression_hessian,
    to_original_params,
    to_standardized_params,
)
from nnviz.core.surfaces import (
    CriticalPoint,
    Surface,
    Window,
    get_surface,
    quadratic_hessian,
    surface_from_expression,
    surface_grid,
)
from nnviz.lessons.frozen import read_only
from nnviz.lessons.runs import run_length

FloatArray = NDArray[np.float64]
MAX_TABLE_ROWS = 201  # iterates listed in an iteration table: x_0 … x_200
CURVE_POINTS = 600  # grid of a drawn f(x)
GRID_N = 100  # grid of a contour map (n × n)
LOSS_POINTS = 300  # grid of the drawn loss curve L(w)
STEP_CHUNK = 25  # 2-D runs are computed to a multiple of this and cut (nnviz.lessons.runs); the default 100 exactly
SLOPE_WINDOW: Window = (-1.0, 3.0)  # w shown for the model y = w·x (the w₀ slider's range)
CONVERGING: frozenset[Regime] = frozenset({"slow", "fastest", "oscillating"})
AdviceKind = Literal["quadratic", "local", "none", "generic"]
Defined = Literal["none", "part", "all"]






@dataclass(frozen=True)
class Curve1D:
    """A preset f(x): its formula (parsed with nnviz.core.expr) and the x window to draw."""

    key: str
    formula: str
    window: Window

    @property
    def expression(self) -> Expression:
        return parse(self.formula)


CURVES_1D: dict[str, Curve1D] = {c.key: c for c in (
    Curve1D("square", "x**2", (-4.0, 4.0)),
    Curve1D("book", "0.01*x**2 + 0.1*x", (-15.0, 10.0)),
    Curve1D("wells", "x**4/4 - x**2 + 0.3*x", (-2.5, 2.5)),
)}
CUSTOM_1D = Curve1D("custom", "x**2/2 + sin(3*x)", (-4.0, 4.0))
"""A typed f(x): the formula it starts with and the window it is drawn in."""


# --- advice and regimes -----------------------------------------------------------------

@dataclass(frozen=True)
class Advice:
    """What to tell a student whose run diverged.

    "quadratic": stable only for η < bound (exact); "local": the curvature near the start allows
    η < bound; "none": no upward curvature bounds the step; "generic": no Hessian to go by.
    """

    kind: AdviceKind
    bound: float | None = None


def bound_advice(bound: float | None, quadratic: bool) -> Advice:
    """Advice from a stable-rate bound 2/λ_max (None: unknown; inf: no positive curvature)."""
    if bound is None:
        return Advice("generic")
    if not np.isfinite(bound):
        return Advice("none")
    return Advice("quadratic" if quadratic else "local", bound)


@dataclass(frozen=True)
class RegimeReport:
    """What theory says about plain descent on a 1-D f from x₀ with rate η.

    shape "quadratic" (a > 0): the regime of r = 1 − 2aη, the stable bound 1/a and the fastest
    rate 1/(2a); "concave" (a < 0): no minimum; "curved" (not a quadratic): f″(x₀) and, when it
    is positive, the local bound 2/f″(x₀).
    """

    shape: Literal["quadratic", "concave", "curved"]
    advice: Advice
    a: float | None = None
    center: float | None = None
    regime: Regime | None = None
    ratio: float | None = None
    stable_below: float | None = None
    fastest: float | None = None
    curvature: float | None = None
    local_bound: float | None = None

    @property
    def converges(self) -> bool:
        return self.regime in CONVERGING


def curvature_1d(expr: Expression, x: float) -> float:
    """f''(x) from the symbolic second derivative (nan where undefined)."""
    var = expr.variables[0]
    with np.errstate(all="ignore"):
        return float(expr.diff(var).diff(var)(np.array(x)))


def regime_report(expr: Expression, x0: float, lr: float) -> RegimeReport:
    """The regime of η on a quadratic f (exact), or the curvature at x₀ of any other f."""
    quad = quadratic_form(expr)
    if quad is None:
        curv = curvature_1d(expr, x0)
        local = 2 / curv if np.isfinite(curv) and curv > 0 else None
        return RegimeReport("curved", Advice("local", local) if local is not None else Advice("generic"),
                            curvature=curv, local_bound=local)
    if quad.a < 0:
        return RegimeReport("concave", Advice("none"), a=quad.a, center=quad.center)
    return RegimeReport("quadratic", Advice("quadratic", 1 / quad.a), a=quad.a, center=quad.center,
                        regime=quadratic_regime(quad.a, lr), ratio=1 - 2 * quad.a * lr,
                        stable_below=1 / quad.a, fastest=1 / (2 * quad.a))


# --- 1-D runs --------------------------------------------------------------------------

@lru_cache(maxsize=256)
def run_1d(expr: Expression, x0: float, lr: float, steps: int, mode: StepMode = "plain",
           tol: float = 0.0) -> DescentPath:
    """Descent on a one-variable formula with its symbolic derivative; fs = f at every iterate.

    tol = 0 runs every step (as the book does) unless the gradient is exactly zero.
    Cached (an Expression is immutable); the returned arrays are read-only.
    """
    df = expr.diff(expr.variables[0])
    with np.errstate(all="ignore"):
        run = descent_path(lambda x: df(x), [x0], lr, steps, mode=mode, tol=tol)
        fs = expr(run.xs[:, 0])
    return read_only(DescentPath(run.xs, fs, run.grad_norms, run.status, run.stopped_at))


class HalvingRow(NamedTuple):
    lr: float
    steps: int
    x_final: float
    f_final: float
    status: Status
    stopped_at: int | None


def halving_runs(expr: Expression, x0: float, lr: float, steps: int,
                 first: DescentPath | None = None) -> list[HalvingRow]:
    """The notes' lesson in three runs: (η, N), (η/2, N) and (η/2, 2N) from the same start.

    first, the (η, N) run if the caller already has it, is reused; (η/2, N) is read off
    the first N steps of the (η/2, 2N) run, so only one new run is needed.
    """
    first = first if first is not None else run_1d(expr, x0, lr, steps)
    long = run_1d(expr, x0, lr / 2, 2 * steps)
    rows = [HalvingRow(lr, steps, float(first.xs[-1, 0]), float(first.fs[-1]), first.status, first.stopped_at)]
    if long.stopped_at is not None and long.stopped_at <= steps:
        half = HalvingRow(lr / 2, steps, float(long.xs[-1, 0]), float(long.fs[-1]), long.status, long.stopped_at)
    else:
        half = HalvingRow(lr / 2, steps, float(long.xs[steps, 0]), float(long.fs[steps]), "max_steps", None)
    rows.append(half)
    rows.append(HalvingRow(lr / 2, 2 * steps, float(long.xs[-1, 0]), float(long.fs[-1]), long.status,
                           long.stopped_at))
    return rows


@dataclass(frozen=True)
class Run1D:
    """Everything the one-variable view shows for f, x₀, η and N.

    view is the curve's window widened to hold x₀; exit the first iterate outside it when the
    run diverged or ended outside (nnviz.core.paths.exit_to_mark); grid, values the drawn
    f(x) (defined: finite everywhere on the grid); closed_form the quadratic's x_k (None for
    any other f); halving the (η, N), (η/2, N), (η/2, 2N) runs.
    """

    path: DescentPath
    view: Window
    exit: int | None
    grid: FloatArray
    values: FloatArray
    defined: bool
    closed_form: FloatArray | None
    report: RegimeReport
    halving: tuple[HalvingRow, ...]

    @property
    def diverged(self) -> bool:
        return self.path.status == "diverged"


@lru_cache(maxsize=128)
def descend_curve(expr: Expression, window: Window, x0: float, lr: float, steps: int) -> Run1D:
    """Run descent on f from x₀ and gather what the page draws and says about it (cached)."""
    path = run_1d(expr, x0, lr, steps)
    quad = quadratic_form(expr)
    view = view_window(window, x0)
    grid = np.linspace(view[0], view[1], CURVE_POINTS)
    values = expr(grid)
    closed = quadratic_closed_form(quad, lr, x0, steps) if quad is not None else None
    read_only(grid, values, closed)
    return Run1D(path, view, exit_to_mark(path.xs, path.status, view), grid, values,
                 bool(np.isfinite(values).all()), closed, regime_report(expr, x0, lr),
                 tuple(halving_runs(expr, x0, lr, steps, first=path)))


@dataclass(frozen=True)
class Iterations:
    """The first rows of an iteration table: k, each coordinate, the value and |∇|."""

    k: np.ndarray
    coordinates: tuple[FloatArray, ...]
    values: FloatArray
    grad_norms: FloatArray


def iterations(path: DescentPath, rows: int = MAX_TABLE_ROWS) -> Iterations:
    """k, x_k (one array per coordinate), f(x_k) and |∇f(x_k)| for the first ``rows`` iterates."""
    keep = slice(0, rows)
    k = np.arange(len(path.xs))[keep]
    read_only(k)
    return Iterations(k, tuple(path.xs[keep, i] for i in range(path.xs.shape[1])), path.fs[keep],
                      path.grad_norms[keep])


# --- surfaces ----------------------------------------------------------------------------

def surface_for(key: str, expr: Expression | None = None) -> Surface:
    """The preset surface ``key``, or the typed f(x, y) for "custom" (cached by the core)."""
    return surface_from_expression(expr) if key == "custom" else get_surface(key)


def suggested_rate(surface: Surface) -> str:
    """The surface's own sensible learning rate, as a rung of nnviz.core.optimizer.LR_LADDER."""
    return f"{surface.lr:g}"


def rates_in_order(chosen: list[str] | tuple[str, ...], surface: Surface) -> tuple[str, ...]:
    """The chosen rates (ladder ids) largest first, one panel each; the surface's own when none."""
    return tuple(sorted(chosen, key=float, reverse=True)) or (suggested_rate(surface),)


def local_lr_bound(surface: Surface, point: ArrayLike) -> float | None:
    """2/λ_max of the Hessian at point (inf if no positive curvature); None without a usable Hessian."""
    if surface.hessian is None:
        return None
    h = np.asarray(surface.hessian(*np.asarray(point, dtype=np.float64)), dtype=np.float64)
    if h.shape != (2, 2) or not np.all(np.isfinite(h)):
        return None
    return stable_lr_bound(h)


def spread_starts(xlim: Window, ylim: Window) -> list[tuple[float, float]]:
    """A 3 × 3 grid of starts at 15 %, 50 % and 85 % of the window, top row first."""
    fractions = (0.15, 0.5, 0.85)
    xs = [xlim[0] + f * (xlim[1] - xlim[0]) for f in fractions]
    ys = [ylim[0] + f * (ylim[1] - ylim[0]) for f in reversed(fractions)]
    return [(round(x, 3), round(y, 3)) for y in ys for x in xs]


_NUMBER = r"[-+−]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_PAIR = rf"\s*({_NUMBER})\s*[,，]\s*({_NUMBER})\s*"
_POINT = re.compile(rf"\({_PAIR}\)|{_PAIR}")


def parse_points(text: str, max_points: int = 9, limit: float = 1e4) -> list[tuple[float, float]] | None:
    """Points typed as "x, y; x, y" (brackets optional, ; or newline between points).

    Returns [] for empty text and None for anything else that is not 1 … max_points
    finite points with |coordinate| ≤ limit.
    """
    parts = [p for p in re.split(r"[;；\n]+", text.strip()) if p.strip()]
    if not parts:
        return []
    if len(parts) > max_points:
        return None
    points = []
    for part in parts:
        match = _POINT.fullmatch(part.strip())
        if match is None:
            return None
        x, y = (float(v.replace("−", "-")) for v in match.groups() if v is not None)
        if not (abs(x) <= limit and abs(y) <= limit):
            return None
        points.append((x, y))
    return points


@dataclass(frozen=True)
class Starts:
    """Where the paths start, and whether the typed points could not be read."""

    points: tuple[tuple[float, float], ...]
    unreadable: bool


def choose_starts(typed: str, grid9: bool, surface: Surface) -> Starts:
    """The 3 × 3 grid if asked for, else the typed points, else the surface's own start.

    Unreadable text is reported (unreadable) and falls back like empty text.
    """
    points = parse_points(typed)
    chosen = spread_starts(surface.xlim, surface.ylim) if grid9 else points
    return Starts(tuple(chosen or [surface.start]), points is None)


@lru_cache(maxsize=128)
def descend_many_cached(surface: Surface, starts: tuple[tuple[float, float], ...], lr: float, steps: int,
                        mode: StepMode = "plain", tol: float = 1e-8) -> tuple[DescentPath, ...]:
    """descend_many for hashable arguments (preset or cached surfaces), cached; arrays read-only.

    Computed to `run_length` and cut: a steps slider moves for free within what already ran.
    """
    longer = _descend_many_cached(surface, starts, lr, run_length(steps, STEP_CHUNK), mode, tol)
    return tuple(p.first(steps) for p in longer)


@lru_cache(maxsize=64)
def _descend_many_cached(surface: Surface, starts: tuple[tuple[float, float], ...], lr: float, steps: int,
                         mode: StepMode, tol: float) -> tuple[DescentPath, ...]:
    return tuple(read_only(p) for p in descend_many(surface, starts, lr, steps, mode, tol))


def nearest_critical(surface: Surface, point: ArrayLike, radius: float = 0.05) -> CriticalPoint | None:
    """The known critical point within `radius`·(window diagonal) of point, nearest first."""
    p = np.asarray(point, dtype=np.float64)
    diagonal = float(np.hypot(surface.xlim[1] - surface.xlim[0], surface.ylim[1] - surface.ylim[0]))
    best, best_d = None, radius * diagonal
    for cp in surface.critical_points:
        d = float(np.hypot(p[0] - cp.x, p[1] - cp.y))
        if d <= best_d:
            best, best_d = cp, d
    return best


def visible_critical_points(surface: Surface) -> tuple[CriticalPoint, ...]:
    """The known critical points inside the surface's window (edges included)."""
    (x0, x1), (y0, y1) = surface.xlim, surface.ylim
    return tuple(c for c in surface.critical_points if x0 <= c.x <= x1 and y0 <= c.y <= y1)


@dataclass(frozen=True)
class SurfaceMap:
    """f on the GRID_N × GRID_N grid of the surface's window, and where it is defined."""

    X: FloatArray
    Y: FloatArray
    Z: FloatArray
    defined: Defined


@lru_cache(maxsize=64)
def surface_map(surface: Surface, n: int = GRID_N) -> SurfaceMap:
    X, Y, Z = surface_grid(surface, n)
    read_only(X, Y, Z)
    finite = np.isfinite(Z)
    return SurfaceMap(X, Y, Z, "all" if finite.all() else "part" if finite.any() else "none")


@dataclass(frozen=True)
class RatePanel:
    """The paths of one learning rate (ladder id lr), one per start, and where each left the window."""

    lr: str
    paths: tuple[DescentPath, ...]
    exits: tuple[int | None, ...]


@dataclass(frozen=True)
class Divergence:
    """The first path of a rate that diverged: the step, and what to advise."""

    lr: str
    rate: float
    step: int
    advice: Advice


@dataclass(frozen=True)
class Ending:
    """Where one path ended: the row of the summary table."""

    lr: str
    start: tuple[float, float]
    end: tuple[float, float]
    f: float
    grad_norm: float
    status: Status
    stopped_at: int | None
    near: CriticalPoint | None


@dataclass(frozen=True)
class Run2D:
    """Descent on a surface from every start for every rate: the panels, banners and table."""

    surface: Surface
    starts: tuple[tuple[float, float], ...]
    map: SurfaceMap
    critical: tuple[CriticalPoint, ...]
    panels: tuple[RatePanel, ...]
    divergences: tuple[Divergence, ...]
    endings: tuple[Ending, ...]


def _panel(surface: Surface, starts: tuple[tuple[float, float], ...], lr: str, steps: int,
           mode: StepMode) -> RatePanel:
    paths = descend_many_cached(surface, starts, float(lr), steps, mode, 0.0)
    exits = tuple(exit_to_mark(p.xs, p.status, surface.xlim, surface.ylim) for p in paths)
    return RatePanel(lr, paths, exits)


def _divergence(surface: Surface, starts: tuple[tuple[float, float], ...], panel: RatePanel) -> Divergence | None:
    """The path of the panel that diverged first, with advice from the Hessian at its start."""
    diverged = [(i, p) for i, p in enumerate(panel.paths) if p.status == "diverged"]
    if not diverged:
        return None
    i, path = min(diverged, key=lambda ip: ip[1].stopped_at)
    advice = bound_advice(local_lr_bound(surface, starts[i]), quadratic_hessian(surface) is not None)
    return Divergence(panel.lr, float(panel.lr), path.stopped_at, advice)


def _endings(surface: Surface, starts: tuple[tuple[float, float], ...], panel: RatePanel) -> list[Ending]:
    rows = []
    for start, path in zip(starts, panel.paths):
        end = path.xs[-1]
        rows.append(Ending(panel.lr, start, (float(end[0]), float(end[1])), float(path.fs[-1]),
                           float(path.grad_norms[-1]), path.status, path.stopped_at,
                           nearest_critical(surface, end)))
    return rows


@lru_cache(maxsize=64)
def descend_surface(surface: Surface, starts: tuple[tuple[float, float], ...], lrs: tuple[str, ...], steps: int,
                    mode: StepMode = "plain") -> Run2D:
    """Every start descended with every rate (tol = 0: every step is run), cached."""
    panels = tuple(_panel(surface, starts, lr, steps, mode) for lr in lrs)
    divergences = tuple(d for d in (_divergence(surface, starts, p) for p in panels) if d is not None)
    endings = tuple(e for p in panels for e in _endings(surface, starts, p))
    return Run2D(surface, starts, surface_map(surface), visible_critical_points(surface), panels, divergences,
                 endings)


# --- regression ------------------------------------------------------------------------


class Landscape(NamedTuple):
    """The (w, b) loss map the regression path is drawn on, in the coordinates of the descent."""

    path: FloatArray  # the iterates in view coordinates
    optimum: tuple[float, float]
    window: tuple[Window, Window]
    W: FloatArray
    B: FloatArray
    L: FloatArray


def regression_landscape(x: ArrayLike, y: ArrayLike, params: ArrayLike, optimum: tuple[float, float],
                         standardize_x: bool, diverged: bool, n: int = 100) -> Landscape:
    """Loss on an n × n grid around the start and the optimum, in (w, b) or standardised (w′, b′).

    The box is a square centred between the start and the optimum, 1.2 times their larger
    spread and at least 2 wide, widened to hold the whole path unless it diverged.
    """
    x = np.asarray(x, dtype=np.float64)
    mean, std = float(x.mean()), float(x.std())
    p = np.asarray(params, dtype=np.float64).reshape(-1, 2)
    opt = np.array([optimum], dtype=np.float64)
    if standardize_x:
        p = np.column_stack(to_standardized_params(p[:, 0], p[:, 1], mean, std))
        opt = np.column_stack(to_standardized_params(opt[:, 0], opt[:, 1], mean, std))
    lo, hi = np.minimum(p[0], opt[0]), np.maximum(p[0], opt[0])
    half, mid = max(float(np.max(hi - lo)) * 0.6, 1.0), (lo + hi) / 2  # a square: drawn at equal scales
    base = ((float(mid[0] - half), float(mid[0] + half)), (float(mid[1] - half), float(mid[1] + half)))
    window = path_window(base, p, diverged)
    W, B = np.meshgrid(np.linspace(*window[0], n), np.linspace(*window[1], n))
    Wo, Bo = to_original_params(W, B, mean, std) if standardize_x else (W, B)
    return Landscape(p, (float(opt[0, 0]), float(opt[0, 1])), window, W, B, np.asarray(loss(Wo, Bo, x, y)))


@dataclass(frozen=True)
class Fit:
    """A line fitted to the data x, y by descent: the recorded path and where it ended."""

    x: FloatArray
    y: FloatArray
    path: DescentPath

    @property
    def diverged(self) -> bool:
        return self.path.status == "diverged"

    @property
    def w_end(self) -> float:
        return float(self.path.xs[-1, 0])


@dataclass(frozen=True)
class SlopeFit(Fit):
    """y = w·x fitted to the notes' points by descent from w₀.

    params are the iterates as (w, 0) rows (the lines drawn); bound = 2/Σxᵢ²; window the w shown
    (SLOPE_WINDOW widened to hold w₀) and exit the first iterate outside it; loss_w, loss_values
    the drawn curve L(w), and star_loss L at w* read off that curve (where ★ is drawn).
    """

    params: FloatArray
    w_star: float
    bound: float
    window: Window
    exit: int | None
    loss_w: FloatArray
    loss_values: FloatArray
    star_loss: float

    @property
    def loss_end(self) -> float:
        return float(self.path.fs[-1])


@dataclass(frozen=True)
class LineFit(Fit):
    """y = w·x + b fitted to the notes' points by descent from (w₀, b₀), on x or standardised x.

    params are the iterates in the original (w, b); landscape the loss map and path in the
    coordinates of the descent; bound = 2/λ_max(H) with H's eigenvalues and condition number.
    """

    optimum: tuple[float, float]
    standardized: bool
    bound: float
    eigenvalues: tuple[float, float]
    condition: float | None
    landscape: Landscape
    exit: int | None

    @property
    def params(self) -> FloatArray:
        return self.path.xs

    @property
    def b_end(self) -> float:
        return float(self.path.xs[-1, 1])


@lru_cache(maxsize=128)
def fit_slope(w0: float, lr: float, steps: int) -> SlopeFit:
    """Descent on L(w) = ½Σ(yᵢ − w·xᵢ)² for every one of ``steps`` steps (cached)."""
    x, y = NOTES_X, NOTES_Y
    run = read_only(regression_descent(x, y, lr, steps, w0=w0, b0=0.0, tol=0.0))
    w_star, _ = least_squares(x, y)
    params = np.column_stack([run.xs[:, 0], np.zeros(len(run.xs))])
    window = view_window(SLOPE_WINDOW, w0)
    wg = np.linspace(*window, LOSS_POINTS)
    lg = np.asarray(loss(wg, 0.0, x, y))
    read_only(params, wg, lg)
    return SlopeFit(x, y, run, params, w_star, stable_lr_bound(regression_hessian(x, False)), window,
                    exit_to_mark(run.xs[:, 0], run.status, window), wg, lg, float(loss(w_star, 0.0, x, y)))


@lru_cache(maxsize=128)
def fit_line(w0: float, b0: float, lr: float, steps: int, standardize: bool) -> LineFit:
    """Descent on L(w, b) for every one of ``steps`` steps, x standardised or not (cached)."""
    x, y = NOTES_X, NOTES_Y
    run = read_only(regression_descent(x, y, lr, steps, w0=w0, b0=b0, fit_intercept=True,
                                     standardize_x=standardize, tol=0.0))
    optimum = least_squares(x, y, fit_intercept=True)
    hessian = regression_hessian(x, True, standardize)
    insight = quadratic_insight(hessian)
    land = regression_landscape(x, y, run.xs, optimum, standardize, run.status == "diverged", GRID_N)
    read_only(land.path, land.W, land.B, land.L)
    return LineFit(x, y, run, optimum, standardize, stable_lr_bound(hessian), insight.eigenvalues, insight.condition,
                   land, exit_to_mark(land.path, run.status, *land.window))
