"""Line fitting to the notes' 11 points: least squares by closed form and by gradient descent, and
descent under any loss of the predictions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnviz.core.descent import DescentPath, descent_path

FloatArray = NDArray[np.float64]


def _frozen(values: list[float]) -> FloatArray:
    a = np.array(values, dtype=np.float64)
    a.flags.writeable = False
    return a


NOTES_X = _frozen([3, 4, 6, 5, 1, 4, 3, 4, 3.5, 4.5, 2.5])
NOTES_Y = _frozen([1, 2, 3, 2.5, 1, 2, 2, 2, 1.5, 3, 1.3])


def _data(x: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape or x.size == 0:
        raise ValueError("x and y must be non-empty 1-D arrays of equal length")
    return x, y


def _residuals(w: ArrayLike, b: ArrayLike, x: FloatArray, y: FloatArray) -> FloatArray:
    w = np.asarray(w, dtype=np.float64)[..., None]
    b = np.asarray(b, dtype=np.float64)[..., None]
    return y - (w * x + b)


def _scalar_or_array(a: FloatArray) -> float | FloatArray:
    return float(a) if a.ndim == 0 else a


def loss(w: ArrayLike, b: ArrayLike, x: ArrayLike, y: ArrayLike) -> float | FloatArray:
    """L(w, b) = ½ Σᵢ (yᵢ − (w·xᵢ + b))², broadcast over arrays w and b (e.g. a grid)."""
    x, y = _data(x, y)
    return _scalar_or_array(0.5 * np.sum(_residuals(w, b, x, y) ** 2, axis=-1))


def loss_gradient(
    w: ArrayLike, b: ArrayLike, x: ArrayLike, y: ArrayLike
) -> tuple[float | FloatArray, float | FloatArray]:
    """(∂L/∂w, ∂L/∂b) = (−Σ xᵢ rᵢ, −Σ rᵢ) with rᵢ = yᵢ − (w·xᵢ + b), broadcast over w and b."""
    x, y = _data(x, y)
    r = _residuals(w, b, x, y)
    return _scalar_or_array(-np.sum(x * r, axis=-1)), _scalar_or_array(-np.sum(r, axis=-1))


def least_squares(x: ArrayLike, y: ArrayLike, fit_intercept: bool = False) -> tuple[float, float]:
    """Closed-form minimiser (w*, b*) of L; b* = 0 for the model y = w·x."""
    x, y = _data(x, y)
    if not fit_intercept:
        return float(np.dot(x, y) / np.dot(x, x)), 0.0
    xc, yc = x - x.mean(), y - y.mean()
    w = float(np.dot(xc, yc) / np.dot(xc, xc))
    return w, float(y.mean() - w * x.mean())


def standardize(x: ArrayLike) -> tuple[FloatArray, float, float]:
    """z = (x − mean) / std with the population std (ddof = 0); returns (z, mean, std)."""
    x = np.asarray(x, dtype=np.float64)
    mean, std = float(x.mean()), float(x.std())
    if std == 0:
        raise ValueError("x is constant, it cannot be standardised")
    return (x - mean) / std, mean, std


def to_standardized_params(
    w: ArrayLike, b: ArrayLike, mean: float, std: float
) -> tuple[FloatArray, FloatArray]:
    """(w', b') with w'·z + b' = w·x + b for z = (x − mean)/std: w' = w·std, b' = b + w·mean."""
    w = np.asarray(w, dtype=np.float64)
    return w * std, np.asarray(b, dtype=np.float64) + w * mean


def to_original_params(
    w_std: ArrayLike, b_std: ArrayLike, mean: float, std: float
) -> tuple[FloatArray, FloatArray]:
    """Inverse of to_standardized_params: w = w'/std, b = b' − w'·mean/std."""
    w = np.asarray(w_std, dtype=np.float64) / std
    return w, np.asarray(b_std, dtype=np.float64) - w * mean


def regression_descent(
    x: ArrayLike,
    y: ArrayLike,
    lr: float,
    steps: int,
    w0: float = 0.0,
    b0: float = 0.0,
    fit_intercept: bool = False,
    standardize_x: bool = False,
    tol: float = 1e-8,
    bound: float = 1e8,
) -> DescentPath:
    """Plain gradient descent on L over (w) or (w, b); the path's columns are w [, b].

    With standardize_x (needs fit_intercept) the descent runs on z = (x − mean)/std
    and the path is mapped back to the original (w, b); fs and grad_norms are then
    L and |∇L| in original coordinates, while status and stopped_at (tol, bound)
    refer to the standardised run.
    """
    x, y = _data(x, y)
    if standardize_x and not fit_intercept:
        raise ValueError("standardize_x shifts x, so it needs fit_intercept=True")
    if standardize_x:
        xs, mean, std = standardize(x)
        start = np.array(to_standardized_params(w0, b0, mean, std))
    else:
        xs, start = x, np.array([w0, b0])

    def grad(p: FloatArray) -> FloatArray:
        gw, gb = loss_gradient(p[0], p[1] if fit_intercept else 0.0, xs, y)
        return np.array([gw, gb] if fit_intercept else [gw])

    run = descent_path(grad, start if fit_intercept else start[:1], lr, steps, tol=tol, bound=bound)
    params = run.xs
    if standardize_x:
        params = np.column_stack(to_original_params(params[:, 0], params[:, 1], mean, std))
    w = params[:, 0]
    b = params[:, 1] if fit_intercept else np.zeros_like(w)
    with np.errstate(all="ignore"):
        gw, gb = loss_gradient(w, b, x, y)
        fs = np.asarray(loss(w, b, x, y), dtype=np.float64)
    g = np.column_stack([gw, gb] if fit_intercept else [gw])
    return replace(run, xs=params, fs=fs.reshape(w.shape), grad_norms=np.linalg.norm(g, axis=1))


def regression_hessian(x: ArrayLike, fit_intercept: bool, standardize_x: bool = False) -> FloatArray:
    """Hessian of L = ½Σ(y − w·x − b)² in the coordinates the descent runs in.

    [[Σx²]] for y = w·x; [[Σx², Σx], [Σx, n]] with an intercept; with standardised x
    the same for z = (x − mean)/std, which is n·I.
    """
    x = np.asarray(x, dtype=np.float64)
    if standardize_x:
        x = (x - x.mean()) / x.std()
    if not fit_intercept:
        return np.array([[float(np.dot(x, x))]])
    return np.array([[float(np.dot(x, x)), float(x.sum())], [float(x.sum()), float(x.size)]])


def line_descent(
    x: ArrayLike,
    y: ArrayLike,
    prediction_grad: Callable[[FloatArray, FloatArray], FloatArray],
    lr: float,
    steps: int,
    w0: float = 0.0,
    b0: float = 0.0,
    tol: float = 0.0,
) -> DescentPath:
    """Gradient descent on (w, b) for any loss L(ŷ, y) of the predictions ŷ = w·x + b, stopping
    early once |∇L| ≤ ``tol`` (never, for the default 0 or a loss with a kink at its minimum).

    ``prediction_grad(ŷ, y)`` is ∂L/∂ŷ (e.g. ``nnviz.core.losses.huber_loss_grad``); the chain rule
    gives ∂L/∂w = Σ gᵢ zᵢ and ∂L/∂b = Σ gᵢ. The descent runs on standardised z = (x − mean)/std,
    where a mean loss is well conditioned, and the path is mapped back to the original (w, b);
    fs is None and grad_norms are |∇L| in the standardised coordinates.
    """
    x, y = _data(x, y)
    z, mean, std = standardize(x)

    def grad(p: FloatArray) -> FloatArray:
        g = prediction_grad(p[0] * z + p[1], y)
        return np.array([float(np.dot(g, z)), float(np.sum(g))])

    run = descent_path(grad, np.array(to_standardized_params(w0, b0, mean, std)), lr, steps, tol=tol)
    w, b = to_original_params(run.xs[:, 0], run.xs[:, 1], mean, std)
    return replace(run, xs=np.column_stack([w, b]))
