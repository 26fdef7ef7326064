"""Activation functions: curves and derivatives, vanishing gradients, softmax, your own function."""

import streamlit as st

from nnviz.core.expr import Expression, parse
from nnviz.core.functions import ACTIVATIONS, SOFTMAX_LATEX, get, saturation_zones, softmax, softmax_naive
from nnviz.figures import activations as figs
from nnviz.lessons import activations as lesson
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.formula import formula_input
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import labels, t
from nnviz.ui.tables import table

PAGE = "activations"
NAMES = list(ACTIVATIONS)
DEFAULT_FNS = ["sigmoid", "tanh", "relu"]
DEFAULT_CUSTOM = "x*tanh(log(1 + exp(x)))"
LOGIT_DEFAULTS = (2.0, 1.0, 0.1, -1.0)


def name(key: str) -> str:
    return t(f"activations.fn_{key}")


def probe_table(probes: list[tuple[str, lesson.Probe]]) -> None:
    """f(x₀), f'(x₀) and the central-difference estimate for every curve."""
    table({
        t("activations.col_function"): [label for label, _ in probes],
        "f(x₀)": [p.f for _, p in probes],
        t("activations.col_analytic"): [p.df for _, p in probes],
        t("activations.col_numeric"): [p.numeric for _, p in probes],
        t("activations.col_gap"): [p.gap for _, p in probes],
    }, formats={t("activations.col_gap"): "%.3g"})


def shared_range_controls() -> tuple[tuple[float, float], float]:
    left, right = st.columns(2)
    with left:
        x_range = w.range_slider("xr", t("activations.x_range"), -20.0, 20.0, (-6.0, 6.0), step=0.5)
    with right:
        x0 = w.slider("x0", t("activations.x0"), -20.0, 20.0, 1.0, step=0.1, help=t("activations.x0_help"))
    return x_range, x0


def functions_chart(items: list[figs.Named], x_range: tuple[float, float], focus: int, probe: lesson.Probe,
                    alt: str, caption: str | None, settings: dict) -> None:
    fig = figs.functions_figure(items, x_range, labels(figs.FunctionsLabels, PAGE), focus=focus, probe=probe,
                                presentation=presentation())
    chart(fig, PAGE, alt=alt, caption=caption, settings=settings)


def curves_panel() -> None:
    left, right = st.columns([3, 1])
    with left:
        chosen = w.multi("fns", t("activations.functions"), NAMES, DEFAULT_FNS, format_func=name)
    if not chosen:
        st.info(t("activations.choose_one"))
        return
    with right:
        focus = w.choice("focus", t("activations.focus"), NAMES, "sigmoid", format_func=name,
                         help=t("activations.focus_help"))
    x_range, x0 = shared_range_controls()
    focus = focus if focus in chosen else chosen[0]
    items = [figs.Named(name(k), lesson.builtin_curve(k, x_range)) for k in chosen]
    functions_chart(items, x_range, chosen.index(focus), lesson.probe(get(focus), x0, x_range),
                    alt=t("activations.alt_curves", names=", ".join(name(k) for k in chosen)),
                    caption=t("activations.caption_curves", name=name(focus)),
                    settings={"fns": "-".join(chosen), "x0": x0})
    act = get(focus)
    formula, readout = st.columns([2, 3])
    with formula:
        st.markdown(f"**{name(focus)}**")
        st.latex(act.latex_f)
        st.latex(act.latex_df)
        st.markdown(t(f"activations.note_{focus}"))
    with readout:
        st.markdown(t("activations.probe_heading", x0=x0))
        probe_table([(name(k), lesson.probe(get(k), x0, x_range)) for k in chosen])
        st.caption(t("activations.kinks"))
    show_code(act.f, act.df, saturation_zones)


def depth_panel() -> None:
    chosen = w.multi("fns", t("activations.functions"), NAMES, DEFAULT_FNS, format_func=name)
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
    series = [(name(k), lesson.gradient_through_depth(k, depth, mode, x0)) for k in chosen]
    fig = figs.vanishing_figure(series, labels(figs.DepthLabels, PAGE, depth_y=t(f"activations.depth_y_{mode}")),
                                presentation=presentation())
    chart(fig, PAGE, alt=t("activations.alt_depth"), settings={"depth": depth, "mode": mode, "fns": "-".join(chosen)})
    metrics = st.columns(min(len(series), 4))
    for column, (label, values) in zip(metrics * 3, series):
        column.metric(t("activations.after_layers", name=label, depth=depth), f"{values[-1]:.3g}")
    st.markdown(t("activations.depth_lesson"))
    show_code(lesson.best_case_factors, lesson.max_derivative, lesson.chain_derivatives)


def softmax_panel() -> None:
    sliders = st.columns(5)
    logits = []
    for i, default in enumerate(LOGIT_DEFAULTS):
        with sliders[i]:
            logits.append(w.slider(f"z{i + 1}", f"z{i + 1}", -10.0, 10.0, default, step=0.1))
    with sliders[4]:
        temperature = w.slider("temp", t("activations.temperature"), 0.1, 10.0, 1.0, step=0.1,
                               help=t("activations.temperature_help"))
    probabilities = lesson.softmax_probabilities(tuple(logits), temperature)
    fig = figs.softmax_figure(logits, probabilities, [f"z{i + 1}" for i in range(len(logits))],
                              labels(figs.SoftmaxLabels, PAGE, probabilities=t("activations.probabilities",
                                                                              T=temperature)),
                              presentation=presentation())
    chart(fig, PAGE, alt=t("activations.alt_softmax"), settings={"T": temperature},
          caption=t("activations.softmax_caption"))
    st.latex(SOFTMAX_LATEX)
    st.subheader(t("activations.stable_heading"))
    demo = lesson.overflow_demo()
    table({"z": list(demo.logits), t("activations.naive"): list(demo.naive), t("activations.stable"): list(demo.stable)},
          formats={"z": "%.0f", t("activations.naive"): "%.8e", t("activations.stable"): "%.8e"})
    st.markdown(t("activations.stable_lesson"))
    show_code(softmax, softmax_naive)


def custom_panel() -> None:
    expr = formula_input("custom", t("activations.custom_label"), DEFAULT_CUSTOM,
                         help=t("activations.custom_help"), placeholder="x*sigmoid(x)")
    compare = w.multi("cmp", t("activations.compare_with"), NAMES, ["relu"], format_func=name)
    x_range, x0 = shared_range_controls()
    custom = lesson.custom_activation(expr)
    share = lesson.defined_share(custom, x_range)
    if share == "none":
        st.error(t("activations.custom_undefined"))
    elif share == "part":
        st.warning(t("activations.custom_gaps"))
    items = [figs.Named(expr.text, lesson.curve(custom, x_range))]
    items += [figs.Named(name(k), lesson.builtin_curve(k, x_range)) for k in compare]
    probe = lesson.probe(custom, x0, x_range)
    functions_chart(items, x_range, 0, probe, alt=t("activations.alt_custom", formula=expr.text), caption=None,
                    settings={"custom": expr.text, "x0": x0})
    formula, readout = st.columns([2, 3])
    with formula:
        st.latex(custom.latex_f)
        st.latex(custom.latex_df)
    with readout:
        st.markdown(t("activations.probe_heading", x0=x0))
        probe_table([(expr.text, probe)])
    show_code(parse, Expression.diff)


page_header(PAGE)
PANELS = {"curves": curves_panel, "depth": depth_panel, "softmax": softmax_panel, "custom": custom_panel}
view = w.choice("view", t("activations.view"), list(PANELS), "curves",
                format_func=lambda v: t(f"activations.view_{v}"), kind="segmented")
PANELS[view]()
