"""Weight initialisation: per-layer histograms of activations and gradients, scheme comparison, symmetry."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nnviz.figures.init import HistPanel, histogram_grid, layer_columns, loss_figure, std_by_layer, symmetry_figure, wrap_rows
from nnviz.lessons.init import InitSummary, summarise_init, symmetric_histograms
from nnviz.lessons.symmetry import SymmetryDemo, hidden_spread, symmetry_demo
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import t

PAGE = "init"
ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu"]
SCHEMES = ["normal", "book_xavier", "book_he", "xavier_uniform", "he_uniform"]
STDS = ["0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "0.5", "1", "2", "3"]
# Compare mode: a scheme id from nnviz.core.init with the std it needs (None: the scheme sets it).
VARIANTS = {
    "std1": ("normal", 1.0), "std01": ("normal", 0.1), "std001": ("normal", 0.01),
    "book_xavier": ("book_xavier", None), "book_he": ("book_he", None),
    "xavier_uniform": ("xavier_uniform", None), "he_uniform": ("he_uniform", None),
}
PRESETS = {
    "sigmoid": ("sigmoid", ["std1", "std001", "book_xavier"]),
    "relu": ("relu", ["std001", "book_xavier", "book_he"]),
    "tanh": ("tanh", ["std1", "std001", "book_xavier"]),
}


@st.cache_data(max_entries=64, show_spinner=False)
def summary(scheme: str, activation: str, layers: int, width: int, std: float | None) -> InitSummary | None:
    """One cached run (keyed on every setting); None when the values overflow float32."""
    try:
        return summarise_init(scheme, activation, layers=layers, width=width, std=std)
    except OverflowError:
        return None


@st.cache_data(max_entries=64, show_spinner=False)
def demo(init: str, steps: int, hidden: int, value: float, seed: int) -> SymmetryDemo:
    """The symmetry demo, cached: a slider move elsewhere on the page costs nothing."""
    return symmetry_demo(init, steps=steps, hidden=hidden, value=value, seed=seed)


def pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def network_controls(columns: list) -> tuple[int, int]:
    with columns[0]:
        layers = int(w.slider("layers", t("init.layers"), 2, 20, 5, step=1))
    with columns[1]:
        width = int(w.slider("width", t("init.width"), 10, 500, 100, step=10))
    return layers, width


def activation_choice() -> str:
    return w.choice("act", t("init.activation"), ACTIVATIONS, "sigmoid", format_func=lambda a: t(f"init.act_{a}"))


def drop_zero_toggle(activation: str) -> bool:
    if activation != "relu":
        return False
    return w.toggle("nozero", t("init.drop_zero"), True, help=t("init.drop_zero_help"))


def single_run_controls() -> tuple[str, str, float | None, int, int]:
    """Activation, scheme (with its std) and the net's shape in one row, for the forward and backward views."""
    cols = st.columns([1.1, 1.5, 1.5, 1.1, 1.1])
    with cols[0]:
        activation = activation_choice()
    with cols[1]:
        scheme = w.choice("scheme", t("init.scheme"), SCHEMES, "normal", format_func=lambda s: t(f"init.s_{s}"),
                          help=t("init.scheme_help"))
    std = None
    if scheme == "normal":
        with cols[2]:
            std = float(w.choice("std", t("init.std"), STDS, "1", kind="slider", help=t("init.std_help")))
    layers, width = network_controls(cols[3:])
    return activation, scheme, std, layers, width


def scheme_label(scheme: str, std: float | None) -> str:
    return f"std {std:g}" if scheme == "normal" else t(f"init.s_{scheme}")


def samples_caption(run: InitSummary) -> str:
    text = t("init.samples_note", samples=f"{run.n_samples:,}", width=run.width, values=f"{run.values_per_layer:,}")
    if run.n_samples < 1000:
        text += t("init.samples_reduced", samples=run.n_samples)
    return text


def overflow_or(run: InitSummary | None) -> bool:
    if run is None:
        st.error(t("init.overflow"), icon=":material/error:")
        return False
    return True


def stats_table(run: InitSummary) -> pd.DataFrame:
    s = run.stats
    table = {t("init.col_layer"): range(1, run.layers + 1), t("init.col_mean"): [f"{v:.4g}" for v in s.mean],
             t("init.col_std"): [f"{v:.4g}" for v in s.std]}
    if s.saturated is not None:
        table[t("init.col_saturated")] = [pct(v) for v in s.saturated]
    if run.activation == "relu":
        table[t("init.col_dead")] = [pct(v) for v in s.dead]
    return pd.DataFrame(table)


def forward_panel() -> None:
    activation, scheme, std, layers, width = single_run_controls()
    drop_zero = drop_zero_toggle(activation)
    run = summary(scheme, activation, layers, width, std)
    if not overflow_or(run):
        return
    hist = run.activations_nonzero if drop_zero and run.activations_nonzero is not None else run.activations
    panels = [HistPanel(hist.counts[l], hist.edges, run.values_per_layer, t("init.layer", k=l + 1))
              for l in range(layers)]
    fig = histogram_grid(wrap_rows(panels), t("init.activation_axis"), t("init.share_axis"),
                         hover_range=t("init.hover_range"), hover_share=t("init.hover_share"),
                         presentation=presentation())
    caption = samples_caption(run)
    if drop_zero:
        caption += t("init.zeros_note", first=pct(run.stats.dead[0]), last=pct(run.stats.dead[-1]), L=layers)
    label = scheme_label(scheme, std)
    chart(fig, PAGE, alt=t("init.alt_forward", L=layers, act=t(f"init.act_{activation}"), scheme=label),
          caption=caption, settings={"act": activation, "w": scheme if std is None else f"std{std:g}",
                                     "L": layers, "n": width})
    table, lesson = st.columns([2, 3])
    with table:
        st.markdown(t("init.stats_heading"))
        st.dataframe(stats_table(run), hide_index=True, width="stretch")
        if run.stats.saturated is not None:
            st.caption(t("init.saturated_def"))
    with lesson:
        st.markdown(t("init.lesson_forward"))
    show_code(summarise_init)


def backward_panel() -> None:
    activation, scheme, std, layers, width = single_run_controls()
    with st.columns([2, 1])[0]:
        which = w.choice("grad", t("init.grad"), ["a", "z"], "a", format_func=lambda g: t(f"init.grad_{g}"),
                         kind="segmented", help=t("init.grad_help"))
    run = summary(scheme, activation, layers, width, std)
    if not overflow_or(run):
        return
    hist = run.grad_a if which == "a" else run.grad_z
    panels = [HistPanel(hist.counts[l], hist.edges, run.values_per_layer, t("init.layer", k=l + 1))
              for l in range(layers)]
    fig = histogram_grid(wrap_rows(panels), t("init.gradient_axis"), t("init.share_axis"),
                         hover_range=t("init.hover_range"), hover_share=t("init.hover_share"),
                         presentation=presentation())
    settings = {"act": activation, "w": scheme if std is None else f"std{std:g}", "L": layers, "n": width}
    grad_name = "∂L/∂A" if which == "a" else "∂L/∂Z"
    chart(fig, PAGE, alt=t("init.alt_backward", grad=grad_name, L=layers),
          caption=t("init.backward_note", L=layers) + " " + samples_caption(run), settings={**settings, "grad": which})
    s = run.stats
    metrics = st.columns(2)
    metrics[0].metric(t("init.metric_grad_a", L=layers), f"{s.grad_std[-1]:.3g} → {s.grad_std[0]:.3g}")
    metrics[1].metric(t("init.metric_grad_z", L=layers), f"{s.grad_z_std[-1]:.3g} → {s.grad_z_std[0]:.3g}")
    line = std_by_layer([(t("init.grad_std_title"), t("init.std_axis_log"),
                          [(t("init.std_grad_a"), s.grad_std), (t("init.std_grad_z"), s.grad_z_std)])],
                        t("init.layer_axis"), presentation=presentation())
    chart(line, PAGE, alt=t("init.alt_grad_std"), settings={**settings, "std": "grad"})
    st.markdown(t("init.lesson_backward"))
    show_code(summarise_init, symmetric_histograms)


def compare_panel() -> None:
    top = st.columns([2, 1, 1])
    with top[0]:
        preset = w.choice("preset", t("init.preset"), [*PRESETS, "custom"], "sigmoid", kind="segmented",
                          format_func=lambda p: t(f"init.preset_{p}"), help=t("init.preset_help"))
    if preset == "custom":
        left, right = st.columns([1, 3])
        with left:
            activation = activation_choice()
        with right:
            variants = w.multi("schemes", t("init.schemes"), list(VARIANTS), ["std1", "book_xavier", "book_he"],
                               format_func=lambda v: t(f"init.v_{v}"), max_selections=4)
    else:
        activation, variants = PRESETS[preset]
    layers, width = network_controls(top[1:])
    if len(variants) < 2:
        st.info(t("init.choose_two"))
        return
    drop_zero = drop_zero_toggle(activation)
    runs = {v: summary(VARIANTS[v][0], activation, layers, width, VARIANTS[v][1]) for v in variants}
    if not all(overflow_or(run) for run in runs.values()):
        return
    columns = layer_columns(layers)
    rows = []
    for run in runs.values():
        hist = run.activations_nonzero if drop_zero and run.activations_nonzero is not None else run.activations
        rows.append([HistPanel(hist.counts[l], hist.edges, run.values_per_layer,
                               t("init.layer", k=l + 1) if not rows else "") for l in columns])
    names = [t(f"init.v_{v}") for v in variants]
    fig = histogram_grid(rows, t("init.activation_axis"), t("init.share_axis"),
                         row_labels=[f"<b>{n}</b>".replace(" ", "<br>", 1) for n in names],
                         hover_range=t("init.hover_range"), hover_share=t("init.hover_share"),
                         presentation=presentation())
    first = next(iter(runs.values()))
    caption = t("init.compare_note") + " " + samples_caption(first)
    if len(columns) < layers:
        caption += " " + t("init.layers_shown", shown=", ".join(str(c + 1) for c in columns), L=layers)
    settings = {"act": activation, "w": "-".join(variants), "L": layers, "n": width}
    chart(fig, PAGE, alt=t("init.alt_compare", schemes=", ".join(names)), caption=caption, settings=settings)
    st.markdown(t(f"init.lesson_compare_{preset}"))
    lines = std_by_layer([
        (t("init.compare_std_title"), t("init.std_axis_log"), [(n, r.stats.std) for n, r in zip(names, runs.values())]),
        (t("init.compare_grad_title"), t("init.std_axis_log"),
         [(n, r.stats.grad_z_std) for n, r in zip(names, runs.values())]),
    ], t("init.layer_axis"), presentation=presentation())
    chart(lines, PAGE, alt=t("init.alt_compare_std"), settings={**settings, "std": "lines"})
    st.dataframe(compare_table(names, list(runs.values()), layers), hide_index=True, width="stretch")
    show_code(summarise_init)


def compare_table(names: list[str], runs: list[InitSummary], layers: int) -> pd.DataFrame:
    table: dict[str, list] = {t("init.col_scheme"): names}
    table[t("init.col_first_std")] = [f"{r.stats.std[0]:.3g}" for r in runs]
    table[t("init.col_last_std", L=layers)] = [f"{r.stats.std[-1]:.3g}" for r in runs]
    if runs[0].stats.saturated is not None:
        table[t("init.col_last_sat", L=layers)] = [pct(r.stats.saturated[-1]) for r in runs]
    if runs[0].activation == "relu":
        table[t("init.col_last_dead", L=layers)] = [pct(r.stats.dead[-1]) for r in runs]
    table[t("init.col_grad_last", L=layers)] = [f"{r.stats.grad_z_std[-1]:.3g}" for r in runs]
    table[t("init.col_grad_first")] = [f"{r.stats.grad_z_std[0]:.3g}" for r in runs]
    return pd.DataFrame(table)


def symmetry_panel() -> None:
    cols = st.columns(4)
    with cols[0]:
        steps = int(w.slider("steps", t("init.steps"), 10, 300, 200, step=10))
    with cols[1]:
        value = w.slider("value", t("init.value"), -1.0, 1.0, 0.5, step=0.05, help=t("init.value_help"))
    with cols[2]:
        hidden = int(w.slider("hidden", t("init.hidden"), 2, 6, 4, step=1))
    with cols[3]:
        seed = int(w.slider("seed", t("init.seed"), 0, 99, 0, step=1))
    equal = demo("constant", steps, hidden, value, seed)
    random = demo("random", steps, hidden, value, seed)
    titles = (t("init.sym_constant", value=value), t("init.sym_random"))
    fig = symmetry_figure(
        [(titles[0], equal.hidden_weights, equal.output_weights),
         (titles[1], random.hidden_weights, random.output_weights)],
        [t("init.unit", j=j + 1) for j in range(hidden)], [t("init.w_x1"), t("init.w_x2"), t("init.w_out")],
        t("init.step"), t("init.play"), t("init.pause"), presentation=presentation())
    settings = {"steps": steps, "value": value, "H": hidden, "seed": seed}
    chart(fig, PAGE, alt=t("init.alt_symmetry"), caption=t("init.symmetry_caption", H=hidden), settings=settings)
    metrics = st.columns(4)
    metrics[0].metric(t("init.spread_constant"), f"{hidden_spread(equal)[-1]:.3g}")
    metrics[1].metric(t("init.spread_random"), f"{hidden_spread(random)[-1]:.3g}")
    metrics[2].metric(t("init.loss_constant", steps=steps), f"{equal.loss[-1]:.3g}")
    metrics[3].metric(t("init.loss_random", steps=steps), f"{random.loss[-1]:.3g}")
    text, loss = st.columns([2, 3])
    with text:
        st.markdown(t("init.lesson_symmetry"))
    with loss:
        fig = loss_figure([(titles[0], equal.loss), (titles[1], random.loss)], t("init.loss_title"),
                          t("init.step"), t("init.loss_axis"), presentation=presentation())
        chart(fig, PAGE, alt=t("init.alt_loss"), settings={**settings, "plot": "loss"})
    show_code(symmetry_demo, hidden_spread)


page_header(PAGE)
PANELS = {"forward": forward_panel, "backward": backward_panel, "compare": compare_panel, "symmetry": symmetry_panel}
view = w.choice("view", t("init.view"), list(PANELS), "forward", format_func=lambda v: t(f"init.view_{v}"),
                kind="segmented")
PANELS[view]()
