"""Activation functions: curves and derivatives, vanishing gradients, softmax, your own function."""

import numpy as np
import pandas as pd
import streamlit as st

from nnviz.core import functions as act
from nnviz.lessons import activations as lesson
from nnviz.core.gradient import numerical_diff
from nnviz.core.expr import Expression, parse
from nnviz.figures.activations import Curve, Probe, functions_figure, softmax_figure, vanishing_figure
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.formula import formula_input
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import t

PAGE = "activations"
NAMES = list(act.ACTIVATIONS)
DEFAULT_CUSTOM = "x*tanh(log(1 + exp(x)))"
LOGIT_DEFAULTS = (2.0, 1.0, 0.1, -1.0)


def name(key: str) -> str:
    return t(f"activations.fn_{key}")


def probe_table(curves: list[Curve], x0: float) -> pd.DataFrame:
    """f(x0), f'(x0) and the central-difference estimate for every curve."""
    rows = []
    for curve in curves:
        fx, dfx = curve.activation.f(np.array(x0)), curve.activation.df(np.array(x0))
        estimate = numerical_diff(curve.activation.f, x0)
        rows.append({
            t("activations.col_function"): curve.name,
            "f(x₀)": float(fx),
            t("activations.col_analytic"): float(dfx),
            t("activations.col_numeric"): float(estimate),
            t("activations.col_gap"): abs(float(dfx) - float(estimate)),
        })
    return pd.DataFrame(rows)


def shared_range_controls() -> tuple[tuple[float, float], float]:
    left, right = st.columns(2)
    with left:
        x_range = w.range_slider("xr", t("activations.x_range"), -20.0, 20.0, (-6.0, 6.0), step=0.5)
    with right:
        x0 = w.slider("x0", t("activations.x0"), -20.0, 20.0, 1.0, step=0.1, help=t("activations.x0_help"))
    return x_range, x0


def curves_panel() -> None:
    left, right = st.columns([3, 1])
    with left:
        chosen = w.multi("fns", t("activations.functions"), NAMES, ["sigmoid", "tanh", "relu"], format_func=name)
    if not chosen:
        st.info(t("activations.choose_one"))
        return
    with right:
        focus = w.choice("focus", t("activations.focus"), NAMES, "sigmoid", format_func=name,
                         help=t("activations.focus_help"))
    x_range, x0 = shared_range_controls()
    curves = [Curve(act.get(k), name(k)) for k in chosen]
    focus_index = chosen.index(focus) if focus in chosen else 0
    fig = functions_figure(
        curves, x_range, (t("activations.plot_f"), t("activations.plot_df")), focus=focus_index,
        probe=Probe(x0, t("activations.tangent")), saturation_label=t("activations.saturated"),
        presentation=presentation(),
    )
    chart(fig, PAGE, alt=t("activations.alt_curves", names=", ".join(c.name for c in curves)),
          caption=t("activations.caption_curves", name=curves[focus_index].name),
          settings={"fns": "-".join(chosen), "x0": x0})
    focus_act = curves[focus_index].activation
    formula, readout = st.columns([2, 3])
    with formula:
        st.markdown(f"**{curves[focus_index].name}**")
        st.latex(focus_act.latex_f)
        st.latex(focus_act.latex_df)
        st.markdown(t(f"activations.note_{focus_act.key}"))
    with readout:
        st.markdown(t("activations.probe_heading", x0=x0))
        st.dataframe(probe_table(curves, x0), hide_index=True, width="stretch")
        st.caption(t("activations.kinks"))
    show_code(focus_act.f, focus_act.df, lesson.saturation_intervals)


def depth_panel() -> None:
    chosen = w.multi("fns", t("activations.functions"), NAMES, ["sigmoid", "tanh", "relu"], format_func=name)
    if not chosen:
        st.info(t("activations.choose_one"))
        return
    cols = st.columns(3)
    with cols[0]:
        depth = int(w.slider("depth", t("activations.depth"), 1, 30, 10, step=1))
    with cols[1]:
        mode = w.choice("chain", t("activations.chain_mode"), ["best", "path"], "best",
                        format_func=lambda m: t(f"activations.chain_{m}"), kind="segmented")
    with cols[2]:
        x0 = w.slider("x0", t("activations.x0"), -20.0, 20.0, 1.0, step=0.1, help=t("activations.x0_chain_help"))
    series = []
    for key in chosen:
        activation = act.get(key)
        if mode == "best":
            values = lesson.best_case_factors(activation, depth)
        else:
            values = lesson.chain_derivatives(activation, x0, depth)[1]
        series.append((name(key), values))
    fig = vanishing_figure(series, t("activations.depth_title"), t("activations.depth_axis"),
                           t(f"activations.depth_y_{mode}"), presentation=presentation())
    chart(fig, PAGE, alt=t("activations.alt_depth"), settings={"depth": depth, "mode": mode, "fns": "-".join(chosen)})
    metrics = st.columns(min(len(series), 4))
    for column, (label, values) in zip(metrics * 3, series):
        column.metric(t("activations.after_layers", name=label, depth=depth), f"{values[-1]:.3g}")
    st.markdown(t("activations.depth_lesson"))
    show_code(lesson.best_case_factors, lesson.max_derivative, lesson.chain_derivatives)


def softmax_panel() -> None:
    sliders = st.columns(5)
    logits = np.empty(len(LOGIT_DEFAULTS))
    for i, default in enumerate(LOGIT_DEFAULTS):
        with sliders[i]:
            logits[i] = w.slider(f"z{i + 1}", f"z{i + 1}", -10.0, 10.0, default, step=0.1)
    with sliders[4]:
        temperature = w.slider("temp", t("activations.temperature"), 0.1, 10.0, 1.0, step=0.1,
                               help=t("activations.temperature_help"))
    probabilities = act.softmax(logits, temperature)
    classes = [f"z{i + 1}" for i in range(len(logits))]
    fig = softmax_figure(logits, probabilities, classes,
                         (t("activations.logits"), t("activations.probabilities", T=temperature)),
                         presentation=presentation())
    chart(fig, PAGE, alt=t("activations.alt_softmax"), settings={"T": temperature},
          caption=t("activations.softmax_caption"))
    st.latex(act.SOFTMAX_LATEX)
    st.subheader(t("activations.stable_heading"))
    demo = np.array([1010.0, 1000.0, 990.0])
    table = pd.DataFrame({
        "z": demo,
        t("activations.naive"): act.softmax_naive(demo),
        t("activations.stable"): act.softmax(demo),
    })
    st.dataframe(table.style.format({"z": "{:.0f}", t("activations.naive"): "{:.8e}", t("activations.stable"): "{:.8e}"}),
                 hide_index=True)
    st.markdown(t("activations.stable_lesson"))
    show_code(act.softmax, act.softmax_naive)


def custom_panel() -> None:
    expr = formula_input("custom", t("activations.custom_label"), DEFAULT_CUSTOM,
                         help=t("activations.custom_help"), placeholder="x*sigmoid(x)")
    compare = w.multi("cmp", t("activations.compare_with"), NAMES, ["relu"], format_func=name)
    x_range, x0 = shared_range_controls()
    custom = act.from_expression(expr)
    grid = np.linspace(*x_range, 401)
    values = custom.f(grid)
    if not np.isfinite(values).any():
        st.error(t("activations.custom_undefined"))
    elif not np.isfinite(values).all():
        st.warning(t("activations.custom_gaps"))
    curves = [Curve(custom, expr.text)] + [Curve(act.get(k), name(k)) for k in compare]
    fig = functions_figure(curves, x_range, (t("activations.plot_f"), t("activations.plot_df")), focus=0,
                           probe=Probe(x0, t("activations.tangent")), saturation_label=t("activations.saturated"),
                           presentation=presentation())
    chart(fig, PAGE, alt=t("activations.alt_custom", formula=expr.text), settings={"custom": expr.text, "x0": x0})
    formula, readout = st.columns([2, 3])
    with formula:
        st.latex(custom.latex_f)
        st.latex(custom.latex_df)
    with readout:
        st.markdown(t("activations.probe_heading", x0=x0))
        st.dataframe(probe_table(curves[:1], x0), hide_index=True, width="stretch")
    show_code(parse, Expression.diff)


page_header(PAGE)
PANELS = {"curves": curves_panel, "depth": depth_panel, "softmax": softmax_panel, "custom": custom_panel}
view = w.choice("view", t("activations.view"), list(PANELS), "curves",
                format_func=lambda v: t(f"activations.view_{v}"), kind="segmented")
PANELS[view]()
