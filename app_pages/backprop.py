"""Backpropagation: computational graphs stepped forward and backward, the chain rule on every edge."""

import streamlit as st

from nnviz.core.expr import ExpressionError
from nnviz.core.graph import Graph, graph_from_expression
from nnviz.core.layers import AddLayer, MulLayer
from nnviz.core.net import MultiLayerNet
from nnviz.data import mnist as mnist_data
from nnviz.figures import activations as act_figs
from nnviz.figures import backprop as figs
from nnviz.figures.format import num
from nnviz.lessons import backprop as lesson
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.formula import formula_input
from nnviz.ui.furniture import expression_error, page_header, presentation, show_code
from nnviz.ui.i18n import labels, t
from nnviz.ui.tables import table

PAGE = "backprop"
DEFAULT_FORMULA = "x*y + sin(x*y)"
DEFAULT_POINT = (1.0, 0.5, -1.0)
PRICES = {"apple": (0.0, 500.0, 10.0, "%d"), "apple_num": (0.0, 10.0, 1.0, "%d"), "orange": (0.0, 500.0, 10.0, "%d"),
          "orange_num": (0.0, 10.0, 1.0, "%d"), "tax": (0.5, 2.0, 0.05, "%.2f")}


def s(key: str, **values: object) -> str:
    return t(f"backprop.{key}", **values)


def graph_chart(run: lesson.GraphRun, alt: str, settings: dict) -> None:
    """The stepped graph, then every step of the trace as a table (the chain rule, edge by edge)."""
    fig = figs.graph_figure(run, labels(figs.GraphLabels, PAGE), presentation=presentation())
    chart(fig, PAGE, alt=alt, caption=s("caption_graph"), settings=settings)
    with st.expander(s("trace_heading"), icon=":material/list:"):
        steps = run.steps
        table({
            s("col_step"): [str(k + 1) for k in range(len(steps))],
            s("col_pass"): [s(f"pass_{st_.phase}") for st_ in steps],
            s("col_node"): [figs.node_text(run, st_.node) for st_ in steps],
            s("col_upstream"): [st_.upstream for st_ in steps],
            s("col_local"): [st_.local for st_ in steps],
            s("col_value"): [st_.value for st_ in steps],
            s("col_total"): [st_.total for st_ in steps],
        })


def shopping_panel() -> None:
    columns = st.columns(len(PRICES))
    values = []
    for column, (key, (low, high, step, fmt)), default in zip(columns, PRICES.items(), lesson.SHOPPING_DEFAULTS):
        with column:
            values.append(w.slider(key, s(f"shop_{key}"), low, high, default, step=step, fmt=fmt))
    run = lesson.shopping(*values)
    graph_chart(run, alt=s("alt_shopping", total=num(run.result, 6)), settings=dict(zip(PRICES, values)))
    total, by_layers = lesson.shopping_by_layers(*values)
    grads = dict(run.variable_gradients)
    table({
        s("col_variable"): [s(f"shop_{k}") for k in PRICES],
        s("col_value"): values,
        s("col_graph"): [grads[k] for k in PRICES],
        s("col_layers"): [by_layers[k] for k in PRICES],
    })
    st.markdown(s("shopping_lesson", total=num(total, 6)))
    show_code(lesson.shopping_by_layers, MulLayer, AddLayer)


def formula_panel() -> None:
    left, right = st.columns([3, 2])
    with left:
        expr = formula_input("f", s("formula"), DEFAULT_FORMULA, variables=lesson.FORMULA_VARIABLES,
                             help=s("formula_help"))
    try:
        used = lesson.run_graph(expr.text, lesson.FORMULA_VARIABLES, DEFAULT_POINT).used()
    except ExpressionError as error:
        expression_error(error)
        expr, used = None, ("x", "y")
    text = expr.text if expr is not None else DEFAULT_FORMULA
    point = list(DEFAULT_POINT)
    with right:
        sliders = st.columns(max(len(used), 1))
    for column, name in zip(sliders, used):
        k = lesson.FORMULA_VARIABLES.index(name)
        with column:
            point[k] = w.slider(f"v{name}", name, -3.0, 3.0, DEFAULT_POINT[k], step=0.05)
    run = lesson.run_graph(text, lesson.FORMULA_VARIABLES, tuple(point))
    graph_chart(run, alt=s("alt_formula", formula=text), settings={"f": text, **dict(zip(used, point))})
    checks = lesson.check_gradients(text, lesson.FORMULA_VARIABLES, tuple(point))
    if not checks:
        st.info(s("no_variables"))
    table({
        s("col_variable"): [c.variable for c in checks],
        s("col_backprop"): [c.backprop for c in checks],
        s("col_sympy"): [c.symbolic for c in checks],
        s("col_numeric"): [c.numeric for c in checks],
        s("col_verdict"): [s(f"verdict_{c.verdict}") for c in checks],
    }, formats={s("col_backprop"): "%.10g", s("col_sympy"): "%.10g", s("col_numeric"): "%.10g"})
    for verdict in dict.fromkeys(c.verdict for c in checks if c.verdict != "agree"):
        st.warning(s(f"explain_{verdict}"), icon=":material/warning:")
    st.markdown(s("formula_lesson"))
    show_code(graph_from_expression, Graph.backward, Graph.send_back)


def latex_row(items: list[lesson.Named]) -> None:
    columns = st.columns(len(items))
    for column, item in zip(columns, items):
        column.latex(figs.latex_matrix(item.name, item.value))


def layers_panel() -> None:
    cols = st.columns([3, 1, 1])
    with cols[0]:
        kind = w.choice("layer", s("layer"), list(lesson.LAYERS), "affine", format_func=lambda k: s(f"layer_{k}"),
                        kind="segmented")
    with cols[1]:
        batch = int(w.slider("n", s("batch"), 1, 4, 2, step=1, help=s("batch_help")))
    with cols[2]:
        seed = int(w.slider("seed", s("seed"), 0, 20, 0, step=1))
    db_is_one = kind == "affine" and w.toggle("db1", s("db_is_one"), help=s("db_is_one_help"))
    example = lesson.layer_example(kind, batch, seed, db_is_one)
    names = [f"∂L/∂{item.name}" for item in example.inputs]
    fig = figs.check_figure(names, list(example.errors()), labels(figs.CheckLabels, PAGE, title=s("check_title")),
                            presentation=presentation())
    chart(fig, PAGE, alt=s("alt_check", layer=s(f"layer_{kind}")), settings={"layer": kind, "n": batch})
    if db_is_one:
        st.warning(s("db_is_one_result"), icon=":material/bug_report:")
    forward, backward = lesson.LAYER_RULES[kind]
    st.latex(forward)
    st.latex(backward)
    st.markdown(s(f"layer_note_{kind}"))
    st.markdown(f"**{s('forward_heading')}**")
    latex_row([*example.inputs, example.output])
    st.markdown(f"**{s('backward_heading')}**")
    latex_row([example.upstream, *example.grads])
    table({
        s("col_array"): names,
        s("col_shape"): [" × ".join(str(n) for n in item.value.shape) for item in example.inputs],
        s("col_error"): list(example.errors()),
    }, formats={s("col_error"): "%.2e"})
    show_code(lesson.layer_pass, lesson.layer_example)


def hand_sliders(row: tuple[str, ...], values: dict[str, float]) -> None:
    """One row of the network's sliders, each written into ``values``."""
    for column, key in zip(st.columns(len(row)), row):
        with column:
            label = "η" if key == "eta" else key
            values[key] = w.slider(key, label, 0.0 if key in ("eta", "t1", "t2") else -1.0,
                                   2.0 if key == "eta" else 1.0, lesson.HAND_DEFAULTS[key], step=0.01)


def hand_controls() -> dict[str, float]:
    """The inputs, targets and rate in view; the eight weights and two biases folded, so the
    network stays on a projector's first screen (its edges show every weight anyway)."""
    values: dict[str, float] = {}
    hand_sliders(("i1", "i2", "t1", "t2", "eta"), values)
    with st.expander(s("weights_heading"), icon=":material/tune:"):
        hand_sliders((*lesson.WEIGHTS[:4], "b1"), values)
        hand_sliders((*lesson.WEIGHTS[4:], "b2"), values)
    return values


def network_panel() -> None:
    values = hand_controls()
    net = lesson.hand_network(tuple(values.items()))
    fig = figs.network_figure(net, values, labels(figs.NetworkLabels, PAGE, title=s("network_title")),
                              presentation=presentation())
    chart(fig, PAGE, alt=s("alt_network"), caption=s("caption_network"), settings=values)
    st.markdown(s("network_intro"))
    steps = lesson.hand_steps(net)
    table({
        s("col_step"): [str(k + 1) for k in range(len(steps))],
        s("col_quantity"): [name for name, _, _ in steps],
        s("col_formula"): [formula for _, formula, _ in steps],
        s("col_value"): [value for _, _, value in steps],
    }, formats={s("col_value"): "%.9f"})
    st.markdown(s("network_lesson", before=num(net.total_error, 9), after=num(net.total_after, 9)))
    show_code(lesson.hand_network)


def check_panel() -> None:
    st.markdown(s("check_intro"))
    bug = w.choice("bug", s("bug"), list(lesson.BUGS), "none", format_func=lambda b: s(f"bug_{b}"), kind="segmented")
    result = lesson.gradient_check(mnist_data.load_mnist_subset, bug)
    names = [a.name for a in result.arrays]
    fig = figs.check_figure(names, [a.relative_error for a in result.arrays],
                            labels(figs.CheckLabels, PAGE, title=s("net_check_title"), axis=s("relative_axis")),
                            presentation=presentation())
    chart(fig, PAGE, alt=s("alt_net_check"), settings={"bug": bug})
    table({
        s("col_array"): names,
        s("col_shape"): [" × ".join(str(n) for n in a.shape) for a in result.arrays],
        s("col_checked"): [a.checked for a in result.arrays],
        s("col_mean_diff"): [a.mean_abs_diff for a in result.arrays],
        s("col_relative"): [a.relative_error for a in result.arrays],
    }, formats={s("col_mean_diff"): "%.2e", s("col_relative"): "%.2e"})
    cost = st.columns(2)
    cost[0].metric(s("cost_backprop"), s("cost_backprop_value"))
    cost[1].metric(s("cost_numeric"), f"{result.numeric_passes:,}",
                   help=s("cost_numeric_help", params=f"{result.parameters:,}", sampled=f"{result.sampled_passes:,}"))
    st.markdown(s(f"explain_bug_{bug}"))
    show_code(lesson.buggy_gradient, lesson.gradient_check)


def vanishing_panel() -> None:
    cols = st.columns([2, 1, 1])
    with cols[0]:
        acts = w.multi("acts", s("activations"), list(lesson.DEEP_ACTIVATIONS), ["sigmoid", "relu"],
                       format_func=lambda a: s(f"act_{a}"))
    with cols[1]:
        depth = int(w.slider("depth", s("depth"), 2, 20, 10, step=1))
    with cols[2]:
        init = w.choice("init", s("init"), list(lesson.DEEP_INITS), "xavier", format_func=lambda i: s(f"init_{i}"),
                        help=s("init_help"))
    if not acts:
        st.info(s("choose_activation"))
        return
    series = [(s(f"act_{a}"), lesson.gradient_through_layers(a, depth, init)) for a in acts]
    fig = act_figs.vanishing_figure(series, labels(act_figs.DepthLabels, PAGE), presentation=presentation())
    chart(fig, PAGE, alt=s("alt_vanishing"), settings={"acts": "-".join(acts), "depth": depth, "init": init})
    metrics = st.columns(len(series))
    for column, (name, sizes) in zip(metrics, series):
        column.metric(s("ratio", name=name), num(lesson.first_to_last(sizes), 3))
    st.markdown(s("vanishing_lesson"))
    links = st.columns(2)
    links[0].page_link("app_pages/activations.py", label=s("link_activations"), icon=":material/show_chart:",
                       query_params={"view": "depth"})
    links[1].page_link("app_pages/init.py", label=s("link_init"), icon=":material/grain:",
                       query_params={"view": "backward"})
    show_code(lesson.gradient_through_layers, MultiLayerNet.loss_and_gradient)


page_header(PAGE)
PANELS = {"shopping": shopping_panel, "formula": formula_panel, "layers": layers_panel, "network": network_panel,
          "check": check_panel, "vanishing": vanishing_panel}
view = w.choice("view", s("view"), list(PANELS), "shopping", format_func=lambda v: s(f"view_{v}"), kind="segmented")
PANELS[view]()
