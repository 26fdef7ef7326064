"""Classification playground: a small network learns a 2-D data set live; watch its decision map,
every hidden unit, the loss curves and the gradient per layer."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from nnviz.core.net import MultiLayerNet
from nnviz.core.optimizer import OPTIMIZERS, hyper_params
from nnviz.core.train import Trainer
from nnviz.core import toy2d
from nnviz.figures import playground as figs
from nnviz.figures.format import num, percent
from nnviz.lessons import playground as lesson
from nnviz.lessons.live import Change, LockStep
from nnviz.lessons.playground import Live, Playground, Setup
from nnviz.ui import training
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import labels, t

PAGE = "playground"
LAB = "_playground_lab"
RESET = "_playground_reset"
WHY = "_playground_why"
WIDTH_WAS = "_playground_width"
DECAYS = ["0", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1"]
BATCHES = ["1", "5", "10", "20", "50", "100"]
MAX_DEPTH, MAX_WIDTH = 4, 8
LAYER_KEYS = [f"w{k}" for k in range(1, MAX_DEPTH + 1)]  # each layer's own count (?w2=3), else `width`


def layers(depth: int, width: int) -> dict:
    """A preset's architecture: ``depth`` hidden layers of ``width`` units each."""
    return {"depth": depth, "width": width, **dict.fromkeys(LAYER_KEYS, width)}


BASE = {**layers(2, 4), "feat": ["x", "y"], "act": "tanh", "opt": "adam", "lr": "0.03", "l2": "0",
        "n": 200, "noise": 0.0, "epochs": 100}
PRESETS = {
    "square": {**BASE, "data": "square"},
    "diamond": {**BASE, "data": "diamond"},
    "xor_linear": {**BASE, "data": "xor", **layers(0, 4)},
    "xor_hidden": {**BASE, "data": "xor", **layers(1, 4)},
    "spiral": {**BASE, "data": "spirals", **layers(3, 8), "feat": ["x", "y", "sinx", "siny"], "epochs": 300},
    "overfit": {**BASE, "data": "circles", "n": 30, "noise": 0.25, **layers(2, 8),
                "feat": list(toy2d.FEATURES), "epochs": 300},
    "overfit_l2": {**BASE, "data": "circles", "n": 30, "noise": 0.25, **layers(2, 8),
                   "feat": list(toy2d.FEATURES), "epochs": 300, "l2": "0.03"},
}


def s(key: str, **values: object) -> str:
    return t(f"{PAGE}.{key}", **values)


def preset_buttons() -> None:
    st.markdown(f"**{s('presets')}**")
    cols = st.columns(4) + st.columns(4)
    for col, (name, values) in zip(cols, PRESETS.items()):
        w.preset_button(s(f"preset_{name}"), values, key=f"btn_{name}", where=col, help=s(f"preset_{name}_help"))


def data_controls() -> dict:
    dataset = w.choice("data", s("data"), list(toy2d.DATASETS), "circles", format_func=lambda d: s(f"data_{d}"))
    noise = w.slider("noise", s("noise"), 0.0, 0.5, 0.0, step=0.05, fmt="%.2f")
    n = int(w.slider("n", s("n"), 20, 500, 200, step=10, help=s("n_help")))
    seed = int(w.slider("seed", s("seed"), 0, 99, 0, step=1))
    chosen = w.multi("feat", s("features"), list(toy2d.FEATURES), ["x", "y"], format_func=lambda f: s(f"feat_{f}"),
                     help=s("features_help"))
    if not chosen:
        st.info(s("choose_feature"))
    return {"dataset": dataset, "noise": noise, "n_train": n, "seed": seed, "features": tuple(chosen or ("x", "y"))}


def follow_width(width: int) -> None:
    """Moving "units in every layer" moves each layer that had that count; a layer given its own count
    keeps it (so the link, which names only such layers, always says what is shown)."""
    was = st.session_state.get(WIDTH_WAS)
    st.session_state[WIDTH_WAS] = width
    if was is not None and was != width:
        for key in LAYER_KEYS:
            if st.session_state.get(key, was) == was:
                st.session_state[key] = width


def hidden_controls() -> tuple[int, ...]:
    """Depth, one width for every layer, and each layer's own width (two boxes to a row)."""
    depth = int(w.slider("depth", s("depth"), 0, MAX_DEPTH, 2, step=1, help=s("restart_help")))
    width = int(w.slider("width", s("width"), 1, MAX_WIDTH, 4, step=1, help=s("width_help")))
    follow_width(width)
    cells = [cell for _ in range(0, depth, 2) for cell in st.columns(2, gap="small")]
    return tuple(w.number(key, f"{s('layer')} {k + 1}", 1, MAX_WIDTH, width, where=cell)
                 for k, (key, cell) in enumerate(zip(LAYER_KEYS[:depth], cells)))


def net_controls() -> tuple[dict, Live]:
    hidden = hidden_controls()
    act = w.choice("act", s("activation"), list(lesson.ACTIVATIONS), "tanh", format_func=lambda a: s(f"act_{a}"),
                   help=s("restart_help"))
    opt = w.choice("opt", s("optimizer"), list(OPTIMIZERS), "adam", format_func=lambda o: t(f"mnist.opt_{o}"),
                   help=s("optimizer_help"))
    lr = w.ladder("lr", f"{s('lr')} η", hyper_params(opt)[0].choices(), "0.03", help=s("live_help"))
    l2 = float(w.choice("l2", f"{s('l2')} λ", DECAYS, "0", kind="slider", help=s("live_help")))
    batch = int(w.choice("batch", s("batch"), BATCHES, "10", kind="slider", help=s("live_help")))
    epochs = int(w.slider("epochs", s("epochs"), 10, 500, 100, step=10, help=s("live_help")))
    st.caption(s("architecture", arch=" → ".join(["in", *map(str, hidden), "2"])))
    return {"hidden": hidden, "activation": act}, Live(lr=lr, l2=l2, optimizer=opt, batch=batch, epochs=epochs)


def current_lab(setup: Setup, live: Live) -> Playground:
    """This session's network: a new one when the setup changed or Reset was pressed, else the same one
    with the new live settings. Why a trained network was replaced is kept under `WHY`."""
    lab: Playground | None = st.session_state.get(LAB)
    if lab is None or st.session_state.pop(RESET, False) or lab.setup != setup:
        why = lesson.changed_groups(lab.setup, setup) if lab is not None and lab.iteration > 0 else ()
        lab = Playground(setup, live)
        st.session_state[LAB], st.session_state[WHY] = lab, why
        if why:
            st.toast(restart_note(why), icon=":material/restart_alt:")
    else:
        lab.apply(live)
    return lab


def restart_note(why: tuple[str, ...]) -> str:
    return s("restarted", what=s("list_sep").join(s(f"why_{group}") for group in why))


def change_text(change: Change) -> str:
    if change.name == "optimizer":
        return f"{s('optimizer')} {t(f'mnist.opt_{change.old}')} → {t(f'mnist.opt_{change.new}')}"
    return f"{s(f'change_{change.name}')} {change.old:g} → {change.new:g}"


def new_value(change: Change) -> str:
    """What a setting is now, short enough for a label on the chart ("η = 0.1", "→ SGD")."""
    if change.name == "optimizer":
        return f"→ {t(f'mnist.opt_{change.new}')}"
    return f"{s(f'change_{change.name}')} = {change.new:g}"


def change_mark(iteration: int, changes: list[Change]) -> tuple[int, str, str]:
    """A mark on the loss curve: the new values on the chart, old → new on hover."""
    sep = s("list_sep")
    return iteration, sep.join(map(new_value, changes)), sep.join(map(change_text, changes))


def notes(lab: Playground) -> None:
    """Why the run started again, or what changed in it last (and that the weights were kept)."""
    why = st.session_state.get(WHY, ())
    if why and lab.iteration == 0:
        st.info(restart_note(why), icon=":material/restart_alt:")
    latest = lesson.latest_changes(lab.changes)
    if latest:
        text = s("continued", it=latest[0].iteration, changes=s("list_sep").join(map(change_text, latest)))
        fresh = s("fresh_optimizer") if any(c.name == "optimizer" for c in latest) else ""
        st.info(f"{text} {fresh}".strip(), icon=":material/sync:")


def request_reset() -> None:
    st.session_state[RESET] = True


def readouts(lab: Playground) -> None:
    r = lab.readout()
    cols, digits = st.columns(4), 0 if presentation() else 1  # "38.5 %" is cut off at projector size
    cols[0].metric(s("train_loss"), num(r.train_loss, 3))
    cols[1].metric(s("test_loss"), num(r.test_loss, 3))
    cols[2].metric(s("train_acc"), percent(r.train_acc, digits))
    cols[3].metric(s("test_acc"), percent(r.test_acc, digits))


def draw(show_test: bool) -> Callable[[LockStep], None]:
    """What the live panel redraws on every tick."""
    def panel(current: LockStep) -> None:
        lab: Playground = current  # the lab stored under LAB is a Playground
        training.status(lab, [s("the_net")])
        readouts(lab)
        left, right = st.columns(2)
        axis, p_one = lab.decision_map()
        with left:
            fig = figs.boundary_figure(axis, p_one, lab.train_points, lab.test_points if show_test else None,
                                       labels(figs.BoundaryLabels, PAGE), presentation())
            chart(fig, PAGE, alt=s("alt_boundary"), caption=s("caption_boundary"),
                  settings={"data": lab.setup.dataset, "it": lab.iteration})
        with right:
            unit_maps = lab.unit_maps()
            if unit_maps:
                chart(figs.units_figure(unit_maps, labels(figs.UnitsLabels, PAGE), presentation()), PAGE,
                      alt=s("alt_units"), caption=s("caption_units"), settings={"it": lab.iteration})
            else:
                st.info(s("no_hidden"))
        marks = [change_mark(it, changes) for it, changes in lesson.marked_changes(lab.changes)]
        fig = figs.curves_figure(*lab.loss_curve(), lab.gradient_sizes(), labels(figs.CurvesLabels, PAGE),
                                 presentation(), marks)
        chart(fig, PAGE, alt=s("alt_curves"), caption=s("caption_curves"), settings={"it": lab.iteration})
        show_code(Playground.decision_map, Trainer.step, MultiLayerNet.loss_and_gradient)

    return panel


page_header(PAGE)
preset_buttons()
settings_col, main_col = st.columns([1.1, 3], gap="medium")
with settings_col:
    chosen_speed = training.speed_choice(default="fast")
    data_part = data_controls()
    net_part, live_part = net_controls()
    notes_box = st.container()
    test_points = w.toggle("test", s("show_test"), True)
lab_now = current_lab(Setup(**data_part, **net_part), live_part)
with notes_box:
    notes(lab_now)
with main_col:
    training.control_bar(lab_now, on_reset=request_reset)
    training.live_panel(LAB, chosen_speed, draw(test_points))
