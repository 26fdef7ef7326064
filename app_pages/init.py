"""Weight initialisation: per-layer histograms of activations and gradients, scheme comparison, symmetry."""

from __future__ import annotations

import streamlit as st

from nnviz.figures import init as figs
from nnviz.figures.format import num, percent
from nnviz.lessons import init as lesson
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import labels, t
from nnviz.ui.tables import table

PAGE = "init"
DEFAULT_VARIANTS = ["std1", "book_xavier", "book_he"]


def network_controls(columns: list) -> tuple[int, int]:
    with columns[0]:
        layers = int(w.slider("layers", t("init.layers"), 2, 20, 5, step=1))
    with columns[1]:
        width = int(w.slider("width", t("init.width"), 10, 500, 100, step=10))
    return layers, width


def activation_choice() -> str:
    return w.choice("act", t("init.activation"), lesson.ACTIVATION_IDS, "sigmoid",
                    format_func=lambda a: t(f"init.act_{a}"))


def drop_zero_toggle(activation: str) -> bool:
    if not lesson.drops_zeros(activation):
        return False
    return w.toggle("nozero", t("init.drop_zero"), True, help=t("init.drop_zero_help"))


def single_run_controls() -> tuple[str, str, float | None, int, int]:
    """Activation, scheme (with its std) and the net's shape in one row, for the forward and backward views."""
    cols = st.columns([1.1, 1.5, 1.5, 1.1, 1.1])
    with cols[0]:
        activation = activation_choice()
    with cols[1]:
        scheme = w.choice("scheme", t("init.scheme"), lesson.SCHEMES, "normal", format_func=lambda s: t(f"init.s_{s}"),
                          help=t("init.scheme_help"))
    std = None
    if scheme == "normal":
        with cols[2]:
            std = w.ladder("std", t("init.std"), lesson.STDS, "1", help=t("init.std_help"))
    layers, width = network_controls(cols[3:])
    return activation, scheme, std, layers, width


def run_settings(activation: str, scheme: str, std: float | None, layers: int, width: int) -> dict:
    return {"act": activation, "w": scheme if std is None else f"std{std:g}", "L": layers, "n": width}


def samples_caption(run: lesson.InitSummary) -> str:
    text = t("init.samples_note", samples=f"{run.n_samples:,}", width=run.width, values=f"{run.values_per_layer:,}")
    if run.reduced:
        text += t("init.samples_reduced", samples=run.n_samples)
    return text


def overflow_or(run: lesson.InitSummary | None) -> bool:
    if run is None:
        st.error(t("init.overflow"), icon=":material/error:")
        return False
    return True


def histogram_labels(axis: str) -> figs.LayerHistogramLabels:
    return labels(figs.LayerHistogramLabels, PAGE, value_axis=t(axis))


def stats_table(run: lesson.InitSummary) -> None:
    s = run.stats
    columns = {t("init.col_layer"): list(range(1, run.layers + 1)), t("init.col_mean"): [num(v) for v in s.mean],
               t("init.col_std"): [num(v) for v in s.std]}
    if s.saturated is not None:
        columns[t("init.col_saturated")] = [percent(v) for v in s.saturated]
    if run.zero_heavy:
        columns[t("init.col_dead")] = [percent(v) for v in s.dead]
    table(columns)


def forward_panel() -> None:
    activation, scheme, std, layers, width = single_run_controls()
    drop_zero = drop_zero_toggle(activation)
    run = lesson.init_summary(scheme, activation, layers, width, std, "activations")
    if not overflow_or(run):
        return
    fig = figs.layer_histograms_figure(run.activation_histograms(drop_zero), run.values_per_layer,
                                       histogram_labels("init.activation_axis"), presentation=presentation())
    caption = samples_caption(run)
    if drop_zero:
        caption += t("init.zeros_note", first=percent(run.stats.dead[0]), last=percent(run.stats.dead[-1]), L=layers)
    label = f"std {std:g}" if std is not None else t(f"init.s_{scheme}")
    chart(fig, PAGE, alt=t("init.alt_forward", L=layers, act=t(f"init.act_{activation}"), scheme=label),
          caption=caption, settings=run_settings(activation, scheme, std, layers, width))
    numbers, text = st.columns([2, 3])
    with numbers:
        st.markdown(t("init.stats_heading"))
        stats_table(run)
        if run.stats.saturated is not None:
            st.caption(t("init.saturated_def"))
    with text:
        st.markdown(t("init.lesson_forward"))
    show_code(lesson.summarise_init)


def backward_panel() -> None:
    activation, scheme, std, layers, width = single_run_controls()
    with st.columns([2, 1])[0]:
        which = w.choice("grad", t("init.grad"), lesson.GRADIENTS, "a", format_func=lambda g: t(f"init.grad_{g}"),
                         kind="segmented", help=t("init.grad_help"))
    run = lesson.init_summary(scheme, activation, layers, width, std, "gradients")
    if not overflow_or(run):
        return
    fig = figs.layer_histograms_figure(run.gradient_histograms(which), run.values_per_layer,
                                       histogram_labels("init.gradient_axis"), presentation=presentation())
    settings = run_settings(activation, scheme, std, layers, width)
    grad_name = "∂L/∂A" if which == "a" else "∂L/∂Z"
    chart(fig, PAGE, alt=t("init.alt_backward", grad=grad_name, L=layers),
          caption=t("init.backward_note", L=layers) + " " + samples_caption(run), settings={**settings, "grad": which})
    s = run.stats
    metrics = st.columns(2)
    metrics[0].metric(t("init.metric_grad_a", L=layers), f"{num(s.grad_std[-1], 3)} → {num(s.grad_std[0], 3)}")
    metrics[1].metric(t("init.metric_grad_z", L=layers), f"{num(s.grad_z_std[-1], 3)} → {num(s.grad_z_std[0], 3)}")
    line = figs.gradient_std_figure(s, labels(figs.GradientStdLabels, PAGE), presentation=presentation())
    chart(line, PAGE, alt=t("init.alt_grad_std"), settings={**settings, "std": "grad"})
    st.markdown(t("init.lesson_backward"))
    show_code(lesson.summarise_init, lesson.symmetric_histograms)


def compare_choice(where: object) -> tuple[str, str, list[str]]:
    """The preset (in ``where``), and the activation and variants it stands for (or that the student chose)."""
    with where:
        preset = w.choice("preset", t("init.preset"), [*lesson.PRESETS, "custom"], "sigmoid", kind="segmented",
                          format_func=lambda p: t(f"init.preset_{p}"), help=t("init.preset_help"))
    if preset != "custom":
        return preset, lesson.PRESETS[preset].activation, list(lesson.PRESETS[preset].variants)
    left, right = st.columns([1, 3])
    with left:
        activation = activation_choice()
    with right:
        variants = w.multi("schemes", t("init.schemes"), list(lesson.VARIANTS), DEFAULT_VARIANTS,
                           format_func=lambda v: t(f"init.v_{v}"), max_selections=4)
    return preset, activation, variants


def compare_panel() -> None:
    top = st.columns([2, 1, 1])
    preset, activation, variants = compare_choice(top[0])
    layers, width = network_controls(top[1:])
    if len(variants) < 2:
        st.info(t("init.choose_two"))
        return
    drop_zero = drop_zero_toggle(activation)
    runs = [lesson.variant_summary(v, activation, layers, width) for v in variants]
    if not all(overflow_or(run) for run in runs):
        return
    names = [t(f"init.v_{v}") for v in variants]
    fig = figs.compare_histograms_figure(list(zip(names, runs)), labels(figs.CompareHistogramLabels, PAGE),
                                         drop_zero=drop_zero, presentation=presentation())
    caption = t("init.compare_note") + " " + samples_caption(runs[0])
    columns = figs.layer_columns(layers)
    if len(columns) < layers:
        caption += " " + t("init.layers_shown", shown=", ".join(str(c + 1) for c in columns), L=layers)
    settings = {"act": activation, "w": "-".join(variants), "L": layers, "n": width}
    chart(fig, PAGE, alt=t("init.alt_compare", schemes=", ".join(names)), caption=caption, settings=settings)
    st.markdown(t(f"init.lesson_compare_{preset}"))
    lines = figs.compare_std_figure([(n, r.stats) for n, r in zip(names, runs)], labels(figs.CompareStdLabels, PAGE),
                                    presentation=presentation())
    chart(lines, PAGE, alt=t("init.alt_compare_std"), settings={**settings, "std": "lines"})
    compare_table(names, runs, layers)
    show_code(lesson.summarise_init)


def compare_table(names: list[str], runs: list[lesson.InitSummary], layers: int) -> None:
    columns: dict[str, list] = {t("init.col_scheme"): names}
    columns[t("init.col_first_std")] = [num(r.stats.std[0], 3) for r in runs]
    columns[t("init.col_last_std", L=layers)] = [num(r.stats.std[-1], 3) for r in runs]
    if runs[0].stats.saturated is not None:
        columns[t("init.col_last_sat", L=layers)] = [percent(r.stats.saturated[-1]) for r in runs]
    if runs[0].zero_heavy:
        columns[t("init.col_last_dead", L=layers)] = [percent(r.stats.dead[-1]) for r in runs]
    columns[t("init.col_grad_last", L=layers)] = [num(r.stats.grad_z_std[-1], 3) for r in runs]
    columns[t("init.col_grad_first")] = [num(r.stats.grad_z_std[0], 3) for r in runs]
    table(columns)


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
    pair = lesson.compare_symmetry(steps, hidden, value, seed)
    constant = t("init.sym_constant", value=value)
    fig = figs.symmetry_figure(pair, labels(figs.SymmetryLabels, PAGE, sym_constant=constant),
                               presentation=presentation())
    settings = {"steps": steps, "value": value, "H": hidden, "seed": seed}
    chart(fig, PAGE, alt=t("init.alt_symmetry"), caption=t("init.symmetry_caption", H=hidden), settings=settings)
    metrics = st.columns(4)
    metrics[0].metric(t("init.spread_constant"), num(pair.spread_equal, 3))
    metrics[1].metric(t("init.spread_random"), num(pair.spread_random, 3))
    metrics[2].metric(t("init.loss_constant", steps=steps), num(pair.equal.final_loss, 3))
    metrics[3].metric(t("init.loss_random", steps=steps), num(pair.random.final_loss, 3))
    text, loss = st.columns([2, 3])
    with text:
        st.markdown(t("init.lesson_symmetry"))
    with loss:
        fig = figs.loss_figure(pair, labels(figs.LossLabels, PAGE, sym_constant=constant), presentation=presentation())
        chart(fig, PAGE, alt=t("init.alt_loss"), settings={**settings, "plot": "loss"})
    show_code(lesson.symmetry_demo, lesson.hidden_spread)


page_header(PAGE)
PANELS = {"forward": forward_panel, "backward": backward_panel, "compare": compare_panel, "symmetry": symmetry_panel}
view = w.choice("view", t("init.view"), list(PANELS), "forward", format_func=lambda v: t(f"init.view_{v}"),
                kind="segmented")
PANELS[view]()
