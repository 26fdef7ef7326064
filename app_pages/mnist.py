"""Live MNIST training: train a network in the browser and watch loss, accuracy, weights and mistakes."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from nnviz.core.net import MultiLayerNet
from nnviz.core.optimizer import OPTIMIZERS, hyper_params
from nnviz.core.train import Trainer
from nnviz.data import mnist as mnist_data
from nnviz.data.idx import MnistDataError
from nnviz.figures import mnist as figs
from nnviz.figures.format import MISSING
from nnviz.lessons import mnist as lesson
from nnviz.lessons.mnist import Lab, LiveSettings, NetSpec
from nnviz.ui import training
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import labels, t
from nnviz.ui.tables import table

PAGE = "mnist"
SYMBOLS = {"lr": "η", "momentum": "α", "beta1": "β₁", "beta2": "β₂", "decay_rate": "ρ", "eps": "ε",
           "weight_decay": "λ"}
VIEWS = ["curves", "weights", "errors", "predict", "layers"]
CELL_FORMATS = {"mean": ".3g", "std": ".3g", "zero": ".1%", "dead": ".1%", "saturated": ".1%", "wstd": ".3g",
                "grad": ".3g"}


def opt_name(key: str) -> str:
    return t(f"mnist.opt_{key}")


def init_name(init_id: str) -> str:
    return t(f"mnist.init_{lesson.INIT_KEYS[init_id]}")


def lab_key(exp: str) -> str:
    return f"_mnist_lab_{exp}"


def dataset(data_id: str, directory: str) -> tuple[tuple, mnist_data.MnistSource]:
    """The chosen data, loaded once for every session (full MNIST from the cache folder)."""
    if data_id == "full":
        return lesson.shared_data(mnist_data.load_mnist_with_source, cache_dir=directory)
    return lesson.shared_data(mnist_data.load_mnist_subset)


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
    lesson.shared_data.cache_clear()
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


def architecture(exp: lesson.Experiment) -> tuple[int, ...]:
    """The hidden layers: the book's depth × width controls, or the experiment's fixed ones."""
    if exp.hidden is None:
        depth = int(w.slider("depth", t("mnist.depth"), 1, 5, 1, step=1))
        width = int(w.choice("width", t("mnist.width"), lesson.WIDTHS, "50", kind="slider"))
        hidden = (width,) * depth
    else:
        hidden = exp.hidden
    st.caption(t("mnist.architecture", arch="-".join(str(n) for n in lesson.layer_sizes(hidden))))
    return hidden


def settings(exp_id: str, where: tuple[DeltaGenerator, DeltaGenerator, DeltaGenerator]
             ) -> tuple[list[NetSpec], LiveSettings]:
    """Every control of one experiment; keys carry the experiment's prefix so both keep their own.
    ``where``: the network's column, the training's column, and the learning rate's place beside
    Start, where it is changed mid-run without scrolling."""
    exp = lesson.EXPERIMENTS[exp_id]
    p = exp.prefix
    net_col, training_col, rate_col = where
    with net_col:
        hidden = architecture(exp)
        act = w.choice(f"{p}act", t("mnist.activation"), lesson.ACTIVATIONS, "relu",
                       format_func=lambda a: t(f"mnist.act_{a}"))
        inits = [w.choice("init", t("mnist.init"), lesson.INIT_IDS, "0.01", format_func=init_name,
                          help=t("mnist.init_help"))] if exp.inits is None else list(exp.inits)
        batch = int(w.choice(f"{p}batch", t("mnist.batch"), lesson.BATCHES, "100", kind="slider"))
        dropout = float(w.slider(f"{p}drop", t("mnist.dropout"), 0.0, 0.8, 0.0, step=0.05))
        seed = int(w.slider(f"{p}seed", t("mnist.seed"), 0, 99, 0, step=1))
    with training_col:
        opt = w.choice(f"{p}opt", t("mnist.optimizer"), list(OPTIMIZERS), "sgd", format_func=opt_name,
                       help=t("mnist.live_help"))
        with rate_col:
            lr = w.ladder(f"{p}lr", f"{t('mnist.lr')} η", hyper_params(opt)[0].choices(), exp.lr,
                          help=t("mnist.live_help"))
        hyper = [("lr", lr), *hyper_controls(p, opt)]
        epochs = int(w.slider(f"{p}epochs", t("mnist.epochs"), 1, 100, exp.epochs, step=1))
        decay = float(w.choice(f"{p}wd", f"{t('mnist.weight_decay')} λ", lesson.DECAYS, "0", kind="slider",
                               help=t("mnist.live_help")))
    specs = [NetSpec(hidden, act, init, batch, dropout, seed) for init in inits]
    return specs, LiveSettings(opt, tuple(hyper), decay, epochs)


# --- the lab in this session ------------------------------------------------------------------


def request_reset(exp: str) -> None:
    st.session_state[f"_mnist_reset_{exp}"] = True


def current_lab(exp: str, specs: list[NetSpec], live: LiveSettings, data: tuple, data_id: str) -> Lab:
    """This session's lab for the experiment: rebuilt on Reset or while untrained, else kept."""
    key = lab_key(exp)
    lab: Lab | None = st.session_state.get(key)
    reset = st.session_state.pop(f"_mnist_reset_{exp}", False)
    if lab is None or reset or lab.outdated(specs, data_id):
        lab = Lab(specs, live, data, data_id)
        st.session_state[key] = lab
    else:
        lab.apply_live(live)
    return lab


# --- live panel (a fragment: reruns on its own while training) ---------------------------------


def net_names(lab: Lab) -> list[str]:
    return [init_name(s.init) for s in lab.specs]


def readouts(lab: Lab, names: list[str]) -> str:
    parts = []
    for k, name in enumerate(names):
        r = lab.readout(k)
        template = "mnist.readout_named" if len(names) > 1 else "mnist.readout_one"
        loss = MISSING if r.loss is None else f"{r.loss:.3f}"
        parts.append(t(template, name=name, loss=loss, train=f"{r.train:.1%}", test=f"{r.test:.1%}"))
    return " &nbsp;·&nbsp; ".join(parts)


def status(lab: Lab) -> None:
    names = net_names(lab)
    training.status(lab, names)
    st.markdown(readouts(lab, names))


def focus_net(lab: Lab) -> int:
    if len(lab.specs) == 1:
        return 0
    ids = [s.init for s in lab.specs]
    chosen = w.choice("net", t("mnist.which_net"), ids, ids[-1], format_func=init_name, kind="segmented")
    return ids.index(chosen)


def change_mark(change: lesson.Change) -> tuple[int, str, str]:
    """The change's mark on the loss chart: its iteration, the new value, and old → new on hover."""
    if change.name == "optimizer":
        new = opt_name(str(change.new))
        return change.iteration, f"→ {new}", f"{opt_name(str(change.old))} → {new}"
    symbol = SYMBOLS.get(change.name, change.name)
    return change.iteration, f"{symbol} = {change.new:g}", f"{symbol} {change.old:g} → {change.new:g}"


def curves_view(lab: Lab, exp: str, data_id: str) -> None:
    names = net_names(lab)
    losses = [figs.LossLine(name, *lab.loss_curve(k)) for k, name in enumerate(names)]
    accuracies = [figs.AccuracyLine(name, *lab.accuracy_curve(k)) for k, name in enumerate(names)]
    state = lab.state()
    text = labels(figs.CurvesLabels, PAGE, acc_title=t("mnist.acc_title" if exp == "book" else "mnist.test_acc_title"))
    fig = figs.curves_figure(losses, accuracies, state.total_iters, state.epochs,
                             [change_mark(c) for c in lab.changes], text, presentation())
    chart(fig, PAGE, alt=t("mnist.alt_curves"), settings={"exp": exp, "it": lab.iteration})
    if lab.iteration == 0:
        st.caption(t("mnist.untrained"))
    st.caption(t(f"mnist.expect_{exp}_{data_id}"))
    show_code(Trainer.step, MultiLayerNet.loss_and_gradient)


def weights_view(lab: Lab, exp: str) -> None:
    tiles = lab.weight_tiles(focus_net(lab))
    text = labels(figs.WeightsLabels, PAGE, weights_title=t("mnist.weights_title", n=tiles.count, it=lab.iteration))
    fig = figs.weights_figure(tiles, text, presentation())
    left, right = st.columns([3, 2])
    with left:
        chart(fig, PAGE, alt=t("mnist.alt_weights", n=tiles.count), settings={"view": "weights", "it": lab.iteration})
    with right:
        st.markdown(t("mnist.weights_note"))
    show_code(Lab.first_layer_weights, lesson.tile_mosaic)


def errors_view(lab: Lab, exp: str) -> None:
    k = focus_net(lab)
    left, right = st.columns([1, 1.25])
    with left:
        text = labels(figs.ConfusionLabels, PAGE,
                      confusion_title=t("mnist.confusion_title", acc=f"{lab.test_accuracy(k):.1%}"))
        chart(figs.confusion_figure(lab.confusion(k), text, presentation()), PAGE, alt=t("mnist.alt_confusion"),
              settings={"view": "confusion", "it": lab.iteration})
    with right:
        gallery = lab.mistake_gallery(k, *figs.gallery_grid(presentation()))
        if gallery is None:
            st.success(t("mnist.no_mistakes"))
        else:
            chart(figs.digits_figure(gallery, labels(figs.MistakesLabels, PAGE), presentation()), PAGE,
                  alt=t("mnist.alt_mistakes"), caption=t("mnist.mistakes_count", shown=gallery.tiles.count,
                                                         total=gallery.total),
                  settings={"view": "mistakes", "it": lab.iteration})
    st.caption(t("mnist.errors_note"))
    show_code(Lab.confusion, Lab.mistakes)


def next_mistake(lab: Lab, k: int) -> None:
    found = lab.next_mistake(k, int(st.session_state.get("img", 0)))
    if found is not None:
        st.session_state["img"] = found


def predict_view(lab: Lab, exp: str) -> None:
    k = focus_net(lab)
    figure_slot = st.container()
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        i = int(w.slider("img", t("mnist.image"), 0, lab.n_test - 1, 0, step=1))
    right.button(t("mnist.next_mistake"), on_click=next_mistake, args=(lab, k), icon=":material/search:",
                 key="next_mistake", width="stretch")
    p = lab.prediction(k, i)
    text = labels(figs.PredictionLabels, PAGE, image_title=t("mnist.image_title", i=i, label=p.truth),
                  probs_title=t("mnist.probs_title", it=lab.iteration))
    verdict = "right" if p.right else "wrong"
    with figure_slot:
        chart(figs.prediction_figure(p, text, presentation()), PAGE,
              alt=t("mnist.alt_predict", label=p.truth, predicted=p.predicted),
              caption=t(f"mnist.predict_{verdict}", predicted=p.predicted, p=f"{p.confidence:.1%}", label=p.truth),
              settings={"img": i, "it": lab.iteration})


def layer_name(n: int | None) -> str:
    return t("mnist.layer_out") if n is None else t("mnist.layer_n", n=n)


def cell(value: float | None, pattern: str) -> str:
    return MISSING if value is None else format(value, pattern)


def layers_table(lab: Lab, names: list[str]) -> None:
    """Every layer's statistics; columns that mean nothing for these activations are left out."""
    rows = lab.layer_table()
    columns = {t("mnist.col_net"): [names[k] for k in rows.net]} if len(names) > 1 else {}
    columns[t("mnist.col_layer")] = [layer_name(n) for n in rows.layer]
    for key, values in rows.columns.items():
        columns[t(f"mnist.col_{key}")] = [cell(v, CELL_FORMATS[key]) for v in values]
    table(columns)


def layers_view(lab: Lab, exp: str) -> None:
    names = net_names(lab)
    series = [lab.layer_series(k) for k in range(len(names))]
    bars = [figs.LayerBars(name, [layer_name(n) for n in s.layers], list(s.act_std), list(s.grad_rms), list(s.off))
            for name, s in zip(names, series)]
    text = labels(figs.LayersLabels, PAGE, off_title=t(f"mnist.{series[0].off_kind}_title"))
    chart(figs.layers_figure(bars, text, presentation()), PAGE, alt=t("mnist.alt_layers"),
          settings={"view": "layers", "it": lab.iteration})
    st.caption(t("mnist.layers_note"))
    layers_table(lab, names)
    show_code(MultiLayerNet.layer_stats)


PANELS = {"weights": weights_view, "errors": errors_view, "predict": predict_view, "layers": layers_view}


def live_view(exp: str, data_id: str) -> Callable[[Lab], None]:
    """What the live panel draws each tick: the status, then the chosen view."""
    def draw(lab: Lab) -> None:
        status(lab)
        view = w.choice("view", t("mnist.view"), VIEWS, "curves", format_func=lambda v: t(f"mnist.view_{v}"),
                        kind="segmented", label_visibility="collapsed")
        if view == "curves":
            curves_view(lab, exp, data_id)
        else:
            PANELS[view](lab, exp)

    return draw


page_header(PAGE)
settings_box = st.expander(t("mnist.settings"), icon=":material/tune:")
rate_col, button_cols = training.control_row(lead=2.2)
with settings_box:
    experiment_col, net_col, training_col = st.columns(3, gap="medium")
    with experiment_col:
        experiment = w.choice("exp", t("mnist.experiment"), list(lesson.EXPERIMENTS), "book",
                              format_func=lambda e: t(f"mnist.exp_{e}"), kind="segmented",
                              help=t("mnist.experiment_help"))
        chosen_speed = training.speed_choice()
        data, data_id = data_source()
    net_specs, live_settings = settings(experiment, (net_col, training_col, rate_col))
lab_now = current_lab(experiment, net_specs, live_settings, data, data_id)
pending = lab_now.spec_changes(net_specs, data_id)
if pending:
    st.warning(t("mnist.pending", names=", ".join(t(f"mnist.field_{name}") for name in pending)),
               icon=":material/info:")
training.control_bar(lab_now, on_reset=lambda: request_reset(experiment), cols=button_cols)
training.live_panel(lab_key(experiment), chosen_speed, live_view(experiment, lab_now.data_id))
