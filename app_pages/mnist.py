"""Live MNIST training: train a network in the browser and watch loss, accuracy, weights and mistakes."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import streamlit as st

from nnviz.data import mnist as mnist_data
from nnviz.data.idx import MnistDataError
from nnviz.figures import mnist as figs
from nnviz.lessons.mnist import INIT_IDS, Lab, LiveSettings, NetSpec, tile_mosaic
from nnviz.core.layers import ACTIVATION_LAYERS as ACTIVATIONS
from nnviz.core.net import MultiLayerNet
from nnviz.core.optimizer import OPTIMIZERS, hyper_params
from nnviz.core.train import Trainer
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import t

PAGE = "mnist"
TICK_SECONDS = 0.4
FAST_BUDGET = 0.15
SPEEDS = {"slow": 1, "medium": 10, "fast": None}
WIDTHS = ["10", "20", "50", "100", "200", "500"]
BATCHES = ["10", "20", "50", "100", "200", "500"]
DECAYS = ["0", "0.0001", "0.0003", "0.001", "0.003", "0.01", "0.03", "0.1"]
INIT_KEYS = {"0.01": "std001", "1": "std1", "xavier": "xavier", "he": "he"}
COMPARED = ("0.01", "xavier", "he")
INIT_HIDDEN = (100, 100, 100, 100)
EXPERIMENTS = {  # the two presets: prefix of their URL keys and their defaults
    "book": {"prefix": "", "lr": "0.1", "epochs": 16},
    "init": {"prefix": "i_", "lr": "0.01", "epochs": 20},
}
SYMBOLS = {"lr": "η", "momentum": "α", "beta1": "β₁", "beta2": "β₂", "decay_rate": "ρ", "eps": "ε",
           "weight_decay": "λ"}
VIEWS = ["curves", "weights", "errors", "predict", "layers"]
DIGITS_SHOWN, DIGIT_COLS, DIGIT_GAP = 24, 6, 9


def opt_name(key: str) -> str:
    return t(f"mnist.opt_{key}")


def init_name(init_id: str) -> str:
    return t(f"mnist.init_{INIT_KEYS[init_id]}")


def lab_key(exp: str) -> str:
    return f"_mnist_lab_{exp}"


@st.cache_resource(show_spinner=False, max_entries=4)
def dataset(data_id: str, directory: str) -> tuple[tuple, mnist_data.MnistSource]:
    """Read-only arrays shared by every session (nothing here is ever modified)."""
    if data_id == "full":
        return mnist_data.load_mnist_with_source(cache_dir=directory)
    return mnist_data.load_mnist_subset()


# --- settings --------------------------------------------------------------------------------


def download_full() -> None:
    """The one place that downloads, and only on the user's click; a failure keeps the subset."""
    bar = st.progress(0.0, text=t("mnist.downloading", done=0.0, total=11.6))

    def progress(done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=t("mnist.downloading", done=done / 1e6, total=total / 1e6))

    try:
        mnist_data.download_mnist(mirrors=mnist_data.DEFAULT_MIRRORS, progress=progress)
    except MnistDataError as error:
        st.session_state["_mnist_download_error"] = error.reason
        bar.empty()
        return
    st.session_state.pop("_mnist_download_error", None)
    st.session_state["_mnist_data_pending"] = "full"
    dataset.clear()
    st.rerun()


def data_source() -> tuple[tuple, str]:
    """The data chosen (full MNIST only when its four files are cached) and its id."""
    directory = str(mnist_data.default_cache_dir())
    cached = mnist_data.mnist_cached(directory)
    pending = st.session_state.pop("_mnist_data_pending", None)
    if cached and pending:
        st.session_state["data"] = pending
    if cached:
        data_id = w.choice("data", t("mnist.data"), ["subset", "full"], "subset",
                           format_func=lambda d: t(f"mnist.data_{d}"), help=t("mnist.data_help"))
    else:
        data_id = "subset"
        st.markdown(f"**{t('mnist.data')}:** {t('mnist.data_subset')}")
        if st.button(t("mnist.download"), icon=":material/download:", help=t("mnist.download_help"), key="download"):
            download_full()
    reason = st.session_state.get("_mnist_download_error")
    if reason:
        st.warning(t("mnist.download_failed", reason=t(f"mnist.reason_{reason}")), icon=":material/cloud_off:")
    data, source = dataset(data_id, directory)
    if data_id == "full" and source.kind == "subset":
        st.warning(t("mnist.full_unreadable", reason=t(f"mnist.reason_{source.reason_code}")))
        data_id = "subset"
    return data, data_id


def hyper_controls(prefix: str, opt: str) -> list[tuple[str, float]]:
    """The optimizer's other hyper-parameters, from the same registry as the Optimizers page."""
    values = []
    for hp in hyper_params(opt)[1:]:
        key, label = f"{prefix}{opt}_{hp.name}", f"{t(f'mnist.hp_{hp.name}')} {SYMBOLS.get(hp.name, '')}"
        values.append((hp.name, w.hyper_param(key, label, hp)))
    return values


def settings(exp: str) -> tuple[list[NetSpec], LiveSettings]:
    """Every control of one experiment; keys carry the experiment's prefix so both keep their own."""
    preset = EXPERIMENTS[exp]
    p = preset["prefix"]
    if exp == "book":
        depth = int(w.slider("depth", t("mnist.depth"), 1, 5, 1, step=1))
        width = int(w.choice("width", t("mnist.width"), WIDTHS, "50", kind="slider"))
        st.caption(t("mnist.architecture", arch="-".join(["784", *[str(width)] * depth, "10"])))
        hidden = (width,) * depth
    else:
        hidden = INIT_HIDDEN
        st.caption(t("mnist.architecture", arch="784-100-100-100-100-10"))
    act = w.choice(f"{p}act", t("mnist.activation"), list(ACTIVATIONS), "relu",
                   format_func=lambda a: t(f"mnist.act_{a}"))
    inits = [w.choice("init", t("mnist.init"), list(INIT_IDS), "0.01", format_func=init_name,
                      help=t("mnist.init_help"))] if exp == "book" else list(COMPARED)
    opt = w.choice(f"{p}opt", t("mnist.optimizer"), list(OPTIMIZERS), "sgd", format_func=opt_name,
                   help=t("mnist.live_help"))
    lr = w.ladder(f"{p}lr", f"{t('mnist.lr')} η", hyper_params(opt)[0].choices(), preset["lr"],
                  help=t("mnist.live_help"))
    hyper = [("lr", lr), *hyper_controls(p, opt)]
    batch = int(w.choice(f"{p}batch", t("mnist.batch"), BATCHES, "100", kind="slider"))
    epochs = int(w.slider(f"{p}epochs", t("mnist.epochs"), 1, 100, preset["epochs"], step=1))
    decay = float(w.choice(f"{p}wd", f"{t('mnist.weight_decay')} λ", DECAYS, "0", kind="slider",
                           help=t("mnist.live_help")))
    dropout = float(w.slider(f"{p}drop", t("mnist.dropout"), 0.0, 0.8, 0.0, step=0.05))
    seed = int(w.slider(f"{p}seed", t("mnist.seed"), 0, 99, 0, step=1))
    specs = [NetSpec(hidden, act, init, batch, dropout, seed) for init in inits]
    return specs, LiveSettings(opt, tuple(hyper), decay, epochs)


# --- the lab in this session ------------------------------------------------------------------


def request_reset(exp: str) -> None:
    st.session_state[f"_mnist_reset_{exp}"] = True


def spec_changes(lab: Lab, specs: list[NetSpec], data_id: str) -> list[str]:
    """Names of the settings that differ from the running network's (they need Reset)."""
    old, new = lab.specs[0], specs[0]
    names = [name for name in ("hidden", "activation", "init", "batch_size", "dropout", "seed")
             if getattr(old, name) != getattr(new, name)]
    if data_id != lab.data_id:
        names.insert(0, "data")
    return [t(f"mnist.field_{name}") for name in names]


def current_lab(exp: str, specs: list[NetSpec], live: LiveSettings, data: tuple, data_id: str) -> Lab:
    """This session's lab for the experiment: rebuilt on Reset or while untrained, else kept."""
    key = lab_key(exp)
    lab: Lab | None = st.session_state.get(key)
    reset = st.session_state.pop(f"_mnist_reset_{exp}", False)
    fresh = lab is not None and lab.iteration == 0 and not lab.running
    if lab is None or reset or (fresh and (tuple(specs) != lab.specs or data_id != lab.data_id)):
        lab = Lab(specs, live, data, data_id)
        st.session_state[key] = lab
    else:
        lab.apply_live(live)
    return lab


def control_bar(lab: Lab, exp: str) -> None:
    cols = st.columns([1.3, 1, 1, 1], vertical_alignment="bottom")
    if lab.running:
        cols[0].button(t("mnist.pause"), on_click=lab.pause, icon=":material/pause:", type="primary",
                       key="pause", width="stretch")
    else:
        label = t("mnist.start") if lab.iteration == 0 else t("mnist.continue")
        cols[0].button(label, on_click=lab.start, icon=":material/play_arrow:", type="primary", key="start",
                       disabled=lab.done, width="stretch", help=t("mnist.start_help"))
    cols[1].button(t("mnist.step"), on_click=lab.advance, kwargs={"max_iters": 1}, icon=":material/skip_next:",
                   key="step", disabled=lab.done or lab.running, width="stretch", help=t("mnist.step_help"))
    cols[2].button(t("mnist.epoch_button"), on_click=lab.run_epoch, icon=":material/fast_forward:", key="epoch",
                   disabled=lab.done or lab.running, width="stretch", help=t("mnist.epoch_help"))
    cols[3].button(t("mnist.reset"), on_click=request_reset, args=(exp,), icon=":material/replay:",
                   key="reset_training", width="stretch", help=t("mnist.reset_help"))


# --- live panel (a fragment: reruns on its own while training) ---------------------------------


def net_names(lab: Lab) -> list[str]:
    return [init_name(s.init) for s in lab.specs]


def status(lab: Lab) -> None:
    state = lab.state()
    parts = [t("mnist.progress", epoch=state.epoch, epochs=state.epochs, it=state.iteration, total=state.total_iters)]
    if state.samples_per_sec:
        parts.append(t("mnist.rate", rate=f"{state.samples_per_sec:,.0f}"))
    if state.eta_seconds is not None and lab.running:
        parts.append(t("mnist.eta", eta=f"{state.eta_seconds:.0f}"))
    st.progress(state.progress, text=" · ".join(parts))
    names = net_names(lab)
    for name, reason in zip(names, lab.stopped):
        if reason == "nonfinite_loss":
            st.error(t("mnist.diverged", name=name if len(names) > 1 else t("mnist.the_net")), icon=":material/error:")
    if lab.done and not any(lab.stopped):
        st.success(t("mnist.finished"), icon=":material/check_circle:")
    figures = []
    for k, name in enumerate(names):
        _, train, test = lab.accuracy_curve(k)
        smooth = lab.loss_curve(k)[2]
        loss = f"{smooth[-1]:.3f}" if len(smooth) and np.isfinite(smooth[-1]) else "—"
        template = "mnist.readout_named" if len(names) > 1 else "mnist.readout_one"
        figures.append(t(template, name=name, loss=loss, train=f"{train[-1]:.1%}", test=f"{test[-1]:.1%}"))
    st.markdown(" &nbsp;·&nbsp; ".join(figures))


def focus_net(lab: Lab) -> int:
    if len(lab.specs) == 1:
        return 0
    ids = [s.init for s in lab.specs]
    chosen = w.choice("net", t("mnist.which_net"), ids, ids[-1], format_func=init_name, kind="segmented")
    return ids.index(chosen)


def change_label(change) -> str:  # noqa: ANN001 - nnviz.lessons.mnist.Change
    if change.name == "optimizer":
        return f"→ {opt_name(str(change.new))}"
    return f"{SYMBOLS.get(change.name, change.name)} {change.old:g}→{change.new:g}"


def curves_view(lab: Lab, exp: str, data_id: str) -> None:
    names = net_names(lab)
    losses, accs = [], []
    for k, name in enumerate(names):
        losses.append(figs.LossLine(name, *lab.loss_curve(k)))
        accs.append(figs.AccuracyLine(name, *lab.accuracy_curve(k)))
    text = figs.CurveText(
        loss_title=t("mnist.loss_title"), accuracy_title=t("mnist.acc_title" if exp == "book" else "mnist.test_acc_title"),
        iteration=t("mnist.iteration"), epoch=t("mnist.epoch"), loss=t("mnist.loss"), accuracy=t("mnist.accuracy"),
        raw=t("mnist.raw"), smooth=t("mnist.smooth"), train=t("mnist.train"), test=t("mnist.test"),
        chance_loss=t("mnist.chance_loss"), chance_accuracy=t("mnist.chance_acc"), empty=t("mnist.empty"),
    )
    state = lab.state()
    fig = figs.curves_figure(losses, accs, text, state.total_iters, state.epochs,
                             [(c.iteration, change_label(c)) for c in lab.changes], presentation())
    chart(fig, PAGE, alt=t("mnist.alt_curves"), settings={"exp": exp, "it": lab.iteration})
    st.caption(t(f"mnist.expect_{exp}_{data_id}"))
    show_code(Trainer.step, MultiLayerNet.loss_and_gradient)


def weights_view(lab: Lab, exp: str) -> None:
    k = focus_net(lab)
    images = lab.first_layer_weights(k, 25)
    cols = 5 if len(images) > 16 else 4 if len(images) > 9 else 3
    mosaic = tile_mosaic(images, cols=cols, scale_each=True)
    fig = figs.weights_figure(mosaic, t("mnist.weights_title", n=len(images), it=lab.iteration),
                              (t("mnist.neg"), "0", t("mnist.pos")), presentation())
    left, right = st.columns([3, 2])
    with left:
        chart(fig, PAGE, alt=t("mnist.alt_weights", n=len(images)), settings={"view": "weights", "it": lab.iteration})
    with right:
        st.markdown(t("mnist.weights_note"))
    show_code(Lab.first_layer_weights, tile_mosaic)


def errors_view(lab: Lab, exp: str) -> None:
    k = focus_net(lab)
    cm = lab.confusion(k)
    wrong = lab.mistakes(k)
    left, right = st.columns([1, 1.25])
    with left:
        fig = figs.confusion_figure(cm, t("mnist.confusion_title", acc=f"{np.trace(cm) / cm.sum():.1%}"),
                                    t("mnist.predicted"), t("mnist.true"), t("mnist.confusion_hover"), presentation())
        chart(fig, PAGE, alt=t("mnist.alt_confusion"), settings={"view": "confusion", "it": lab.iteration})
    with right:
        if len(wrong) == 0:
            st.success(t("mnist.no_mistakes"))
        else:
            shown = wrong[:DIGITS_SHOWN]
            predicted = lab.predicted(k)
            images = np.stack([lab.test_image(i) for i in shown])
            mosaic = tile_mosaic(images, cols=DIGIT_COLS, gap=DIGIT_GAP)
            captions = [f"{lab.t_test[i]} → {predicted[i]}" for i in shown]
            fig = figs.digits_figure(mosaic, captions, DIGIT_COLS, 28, DIGIT_GAP,
                                     t("mnist.mistakes_title", shown=len(shown), total=len(wrong)), presentation())
            chart(fig, PAGE, alt=t("mnist.alt_mistakes"), settings={"view": "mistakes", "it": lab.iteration})
    st.caption(t("mnist.errors_note"))
    show_code(Lab.confusion, Lab.mistakes)


def next_mistake(lab: Lab, k: int) -> None:
    wrong = np.sort(lab.mistakes(k))
    if len(wrong):
        current = int(st.session_state.get("img", 0))
        later = wrong[wrong > current]
        st.session_state["img"] = int(later[0] if len(later) else wrong[0])


def predict_view(lab: Lab, exp: str) -> None:
    k = focus_net(lab)
    n_test = len(lab.t_test)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        i = int(w.slider("img", t("mnist.image"), 0, n_test - 1, 0, step=1))
    right.button(t("mnist.next_mistake"), on_click=next_mistake, args=(lab, k), icon=":material/search:",
                 key="next_mistake", width="stretch")
    probs = lab.probabilities(k)[i]
    truth = int(lab.t_test[i])
    fig = figs.prediction_figure(lab.test_image(i), probs, truth,
                                 (t("mnist.image_title", i=i, label=truth), t("mnist.probs_title", it=lab.iteration)),
                                 t("mnist.digit"), t("mnist.probability"), t("mnist.true_mark"), presentation())
    chart(fig, PAGE, alt=t("mnist.alt_predict", label=truth, predicted=int(np.argmax(probs))),
          settings={"img": i, "it": lab.iteration})
    verdict = "right" if int(np.argmax(probs)) == truth else "wrong"
    st.caption(t(f"mnist.predict_{verdict}", predicted=int(np.argmax(probs)), p=f"{probs.max():.1%}", label=truth))


def fmt(value: float | None, pattern: str) -> str:
    return "—" if value is None or not np.isfinite(value) else format(value, pattern)


def layers_view(lab: Lab, exp: str) -> None:
    bars, rows = [], []
    for k, name in enumerate(net_names(lab)):
        stats = lab.stats[k]
        layers = [t("mnist.layer_n", n=s.index) if s.activation != "softmax" else t("mnist.layer_out") for s in stats]
        hidden = [s for s in stats if s.activation != "softmax"]
        relu = lab.specs[k].activation in ("relu", "leaky_relu")
        bars.append(figs.LayerBars(
            name, layers[: len(hidden)], [s.act_std for s in hidden], [s.grad_rms for s in stats[: len(hidden)]],
            [s.zero_fraction if relu else s.saturated_fraction for s in hidden]))
        for label, s in zip(layers, stats):
            rows.append({
                t("mnist.col_net"): name, t("mnist.col_layer"): label,
                t("mnist.col_mean"): fmt(s.act_mean, ".3g"), t("mnist.col_std"): fmt(s.act_std, ".3g"),
                t("mnist.col_zero"): fmt(s.zero_fraction, ".1%"), t("mnist.col_dead"): fmt(s.dead_fraction, ".1%"),
                t("mnist.col_saturated"): fmt(s.saturated_fraction, ".1%"),
                t("mnist.col_wstd"): fmt(s.weight_std, ".3g"), t("mnist.col_grad"): fmt(s.grad_rms, ".3g"),
            })
    relu = lab.specs[0].activation in ("relu", "leaky_relu")
    fig = figs.layers_figure(bars, (t("mnist.act_std_title"), t("mnist.grad_title"),
                                    t("mnist.zero_title" if relu else "mnist.saturated_title")),
                             t("mnist.hidden_layer"), presentation())
    chart(fig, PAGE, alt=t("mnist.alt_layers"), settings={"view": "layers", "it": lab.iteration})
    st.caption(t("mnist.layers_note"))
    table = pd.DataFrame(rows)
    if len(lab.specs) == 1:
        table = table.drop(columns=[t("mnist.col_net")])
    if relu:  # |f′| < 0.01 is just "output 0" for ReLU: the zero column says it already
        table = table.drop(columns=[t("mnist.col_saturated")])
    st.dataframe(table, hide_index=True, width="stretch")
    show_code(MultiLayerNet.layer_stats)


PANELS = {"curves": curves_view, "weights": weights_view, "errors": errors_view, "predict": predict_view,
          "layers": layers_view}


def live_panel(exp: str, speed: str, data_id: str) -> None:
    lab: Lab = st.session_state[lab_key(exp)]

    @st.fragment(run_every=TICK_SECONDS if lab.running else None)
    def panel() -> None:
        current: Lab = st.session_state[lab_key(exp)]
        if current.running:
            budget = FAST_BUDGET if SPEEDS[speed] is None else 2 * FAST_BUDGET  # big nets: fewer steps, same pace
            current.advance(max_iters=SPEEDS[speed], time_budget=budget, now=time.monotonic())
            if not current.running:
                st.rerun(scope="app")  # finished: stop ticking and refresh the buttons
        status(current)
        view = w.choice("view", t("mnist.view"), VIEWS, "curves", format_func=lambda v: t(f"mnist.view_{v}"),
                        kind="segmented")
        if view == "curves":
            curves_view(current, exp, data_id)
        else:
            PANELS[view](current, exp)

    panel()


page_header(PAGE)
settings_col, main_col = st.columns([1.2, 3], gap="medium")
with settings_col:
    experiment = w.choice("exp", t("mnist.experiment"), list(EXPERIMENTS), "book",
                          format_func=lambda e: t(f"mnist.exp_{e}"), kind="segmented", help=t("mnist.experiment_help"))
    chosen_speed = w.choice("speed", t("mnist.speed"), list(SPEEDS), "medium",
                            format_func=lambda s: t(f"mnist.speed_{s}"), kind="segmented", help=t("mnist.speed_help"))
    data, data_id = data_source()
    net_specs, live_settings = settings(experiment)
lab_now = current_lab(experiment, net_specs, live_settings, data, data_id)
with main_col:
    pending = spec_changes(lab_now, net_specs, data_id)
    if pending:
        st.warning(t("mnist.pending", names=", ".join(pending)), icon=":material/info:")
    control_bar(lab_now, experiment)
    live_panel(experiment, chosen_speed, lab_now.data_id)
