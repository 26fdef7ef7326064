"""Perceptrons and the forward pass: a neuron as a gate, XOR in two layers, the book's network traced,
and why stacked linear layers collapse."""

import streamlit as st

from nnviz.core import perceptron as core
from nnviz.core.forward import ForwardPass, collapse_linear, forward, init_network
from nnviz.figures import perceptron as figs
from nnviz.figures.format import num
from nnviz.lessons import perceptron as lesson
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import labels, t
from nnviz.ui.tables import table

PAGE = "perceptron"
GATE_PRESETS = {
    "and": {"w1": 0.5, "w2": 0.5, "b": -0.7, "out": "step"},
    "or": {"w1": 0.5, "w2": 0.5, "b": -0.2, "out": "step"},
    "nand": {"w1": -0.5, "w2": -0.5, "b": 0.7, "out": "step"},
    "sigmoid_or": {"w1": 20.0, "w2": 20.0, "b": -10.0, "out": "sigmoid"},
}
OUTPUTS = ["step", "sigmoid"]
OUTPUT_LATEX = {"step": r"\operatorname{step}", "sigmoid": r"\sigma"}


def s(key: str, **values: object) -> str:
    return t(f"{PAGE}.{key}", **values)


def weight_sliders(prefix: str, defaults: tuple[float, float, float],
                   places: list | None = None) -> tuple[tuple[float, float], float]:
    """Sliders for w1, w2 and b, one in each of ``places`` (default: stacked in the current column)."""
    values = []
    places = places or [st.container() for _ in range(3)]
    for place, name, default in zip(places, ("w1", "w2", "b"), defaults):
        with place:
            values.append(w.slider(f"{prefix}{name}", s(f"slider_{name}"), -30.0, 30.0, default, step=0.1,
                                   fmt="%.1f"))
    return (values[0], values[1]), values[2]


def gate_table(neuron: lesson.NeuronMap) -> None:
    table({"x₁": [p[0] for p in core.INPUTS], "x₂": [p[1] for p in core.INPUTS],
           "w·x + b": list(neuron.sums), "y": list(neuron.outputs)},
          formats={"x₁": "%d", "x₂": "%d", "w·x + b": "%.3g", "y": "%.4g"})


def gate_panel() -> None:
    controls, figure = st.columns([1, 1.5], gap="medium")
    with controls:
        presets = st.columns(2) + st.columns(2)
        for col, (name, values) in zip(presets, GATE_PRESETS.items()):
            w.preset_button(s(f"preset_{name}"), values, key=f"btn_{name}", where=col,
                            help=s(f"preset_{name}_help"))
        weights, bias = weight_sliders("", (0.5, 0.5, -0.7))
        output = w.choice("out", s("output"), OUTPUTS, "step", format_func=lambda o: s(f"out_{o}"),
                          kind="segmented")
        st.latex(rf"y = {OUTPUT_LATEX[output]}\left({figs.affine_latex(weights, bias)}\right)")
    neuron = lesson.gate(weights, bias, output)
    with figure:
        fig = figs.gate_figure(neuron, lesson.inputs(), labels(figs.GateLabels, PAGE), presentation())
        chart(fig, PAGE, alt=s("alt_gate", w1=num(weights[0]), w2=num(weights[1]), b=num(bias)),
              caption=s("caption_gate"), settings={"w1": weights[0], "w2": weights[1], "b": bias, "out": output})
    readout, verdict = st.columns([1.5, 1])
    with readout:
        gate_table(neuron)
    name = lesson.gate_name(weights, bias)
    verdict.markdown(s("computes", gate=s(f"gate_{name}")) if name else s("computes_none"))
    show_code(core.perceptron, core.AND, core.XOR)


def xor_panel() -> None:
    st.markdown(s("xor_try"))
    *places, last = st.columns([1, 1, 1, 1.6])
    weights, bias = weight_sliders("x", (0.5, -0.5, -0.1), places=places)
    with last:
        output = w.choice("xout", s("xor_neurons"), OUTPUTS, "step", format_func=lambda o: s(f"out_{o}"),
                          kind="segmented")
    solution = lesson.xor_solution(output)
    user_line = lesson.decision_line(weights, bias, *lesson.GATE_PLANE)
    fig = figs.xor_figure(solution, user_line, labels(figs.XorLabels, PAGE), presentation())
    chart(fig, PAGE, alt=s("alt_xor"), caption=s("caption_xor"),
          settings={"xw1": weights[0], "xw2": weights[1], "xb": bias, "xout": output})
    right = lesson.xor_try(weights, bias)
    (st.success if right == 4 else st.info)(s("xor_score", right=right, best=lesson.best_xor_line(),
                                              lines=f"{lesson.LINE_SEARCH[1] ** 3:,}"))
    two = solution.two
    table({"x₁": list(two.x[:, 0]), "x₂": list(two.x[:, 1]), "s₁ = NAND": list(two.hidden[:, 0]),
           "s₂ = OR": list(two.hidden[:, 1]), "y = AND(s₁, s₂)": list(two.y)},
          formats={"x₁": "%d", "x₂": "%d"})
    show_code(core.xor_two_layers, core.best_line)


def input_sliders() -> tuple[float, float]:
    left, right, _ = st.columns(3)
    with left:
        x1 = w.slider("x1", "x₁", -3.0, 3.0, 1.0, step=0.1, fmt="%.1f")
    with right:
        x2 = w.slider("x2", "x₂", -3.0, 3.0, 0.5, step=0.1, fmt="%.1f")
    return x1, x2


def layer_latex(i: int, trace: ForwardPass, network: dict, output: str) -> None:
    inputs, sums, out = trace.layer(i)
    name = "x" if i == 1 else f"Z^{{({i - 1})}}"
    st.markdown(s("layer_step", i=i, rows=len(inputs), cols=len(sums)))
    st.latex(rf"A^{{({i})}} = {name}\,W^{{({i})}} + b^{{({i})}} = {figs.row_latex(inputs)}"
             rf"{figs.matrix_latex(network[f'W{i}'])} + {figs.row_latex(network[f'b{i}'])}"
             rf" = {figs.row_latex(sums)}")
    act, symbol = (r"\sigma", f"Z^{{({i})}}") if i < 3 else (
        (r"\mathrm{softmax}", "Y") if output == "softmax" else (r"\mathrm{identity}", "Y"))
    st.latex(rf"{symbol} = {act}\left(A^{{({i})}}\right) = {figs.row_latex(out)}")


def forward_panel() -> None:
    x1, x2 = input_sliders()
    output = w.choice("fout", s("forward_output"), ["identity", "softmax"], "identity",
                      format_func=lambda o: s(f"fout_{o}"), kind="segmented")
    trace = lesson.traced((x1, x2), output)
    network = lesson.book_network()
    fig = figs.network_figure(trace, network, labels(figs.NetworkLabels, PAGE), presentation())
    chart(fig, PAGE, alt=s("alt_network", y=", ".join(num(v) for v in trace.Y)), caption=s("caption_network"),
          settings={"x1": x1, "x2": x2, "fout": output})
    for i in (1, 2, 3):
        layer_latex(i, trace, network, output)
    st.caption(s("shapes_note"))
    show_code(init_network, forward)


def linear_panel() -> None:
    x1, x2 = input_sliders()
    result = lesson.collapse((x1, x2))
    st.latex(rf"W = W^{{(1)}} W^{{(2)}} W^{{(3)}} = {figs.matrix_latex(result.W)},\quad "
             rf"b = (b^{{(1)}} W^{{(2)}} + b^{{(2)}})\,W^{{(3)}} + b^{{(3)}} = {figs.row_latex(result.b)}")
    st.latex(rf"x\,W + b = {figs.row_latex(result.direct)} \qquad "
             rf"\text{{{s('three_layers')}}}: {figs.row_latex(result.linear.Y)}")
    fig = figs.collapse_figure(result, labels(figs.CollapseLabels, PAGE), presentation())
    chart(fig, PAGE, alt=s("alt_collapse"), caption=s("caption_collapse"), settings={"x1": x1, "x2": x2})
    st.markdown(s("collapse_lesson"))
    show_code(collapse_linear)


page_header(PAGE)
PANELS = {"gate": gate_panel, "xor": xor_panel, "forward": forward_panel, "linear": linear_panel}
view = w.choice("view", s("view"), list(PANELS), "gate", format_func=lambda v: s(f"view_{v}"), kind="segmented")
PANELS[view]()
