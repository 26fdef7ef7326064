"""Overfitting and regularisation: a deep net memorises 300 digits; weight decay and dropout fight it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from nnviz.core.layers import BatchNormalization, Dropout
from nnviz.core.net import MultiLayerNet
from nnviz.core.search import LogRange, draw_trials, narrowed, validation_split
from nnviz.core.train import Trainer
from nnviz.data import mnist as mnist_data
from nnviz.figures import regularization as figs
from nnviz.figures.format import num, percent
from nnviz.figures.init import CompareHistogramLabels
from nnviz.lessons import regularization as lesson
from nnviz.lessons.mnist import shared_data
from nnviz.lessons.live import LockStep
from nnviz.lessons.regularization import Lab, SearchLab, SearchSpace, Setup, Variant
from nnviz.ui import training
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import labels, t

PAGE = "regularization"
VIEWS = ["overfit", "decay", "dropout", "batchnorm", "search"]


def lab_key(view: str) -> str:
    return f"_reg_lab_{view}"


def setup_controls() -> Setup:
    """The book's ch. 6.4 experiment by default: 300 images, six hidden layers of 100, 200 epochs."""
    n_train = int(w.choice("n", t("regularization.n_train"), lesson.TRAIN_SIZES, "300", kind="slider",
                           help=t("regularization.n_train_help")))
    depth = int(w.slider("depth", t("regularization.depth"), 1, 8, 6, step=1))
    width = int(w.choice("width", t("regularization.width"), lesson.WIDTHS, "100", kind="slider"))
    epochs = int(w.slider("epochs", t("regularization.epochs"), 10, 400, 200, step=10))
    seed = int(w.slider("seed", t("regularization.seed"), 0, 99, 0, step=1))
    hidden = (width,) * depth
    st.caption(t("regularization.architecture", arch="-".join(str(n) for n in (784, *hidden, 10))))
    return Setup(n_train=n_train, hidden=hidden, epochs=epochs, seed=seed)


def variants(view: str) -> list[Variant]:
    """The nets the view compares: one plain net, or a plain one beside a regularised one."""
    if view == "decay":
        lam = w.ladder("lam", f"{t('regularization.lam')} λ", lesson.DECAYS, lesson.BOOK_DECAY,
                       help=t("regularization.lam_help"))
        return [Variant(), Variant(weight_decay=lam)]
    if view == "dropout":
        ratio = float(w.slider("ratio", t("regularization.ratio"), 0.05, 0.5, lesson.BOOK_DROPOUT, step=0.05,
                               help=t("regularization.ratio_help")))
        return [Variant(), Variant(dropout=ratio)]
    return [Variant()]


def net_name(variant: Variant, single: bool) -> str:
    if single:
        return t("regularization.the_net")
    if variant.weight_decay:
        return f"λ = {num(variant.weight_decay)}"
    if variant.dropout:
        return t("regularization.with_dropout", p=num(variant.dropout))
    return t("regularization.plain")


def request_reset(view: str) -> None:
    st.session_state[f"_reg_reset_{view}"] = True


def search_space() -> SearchSpace:
    """The ranges of this session's search: the book's, or the last narrowed ones."""
    return st.session_state.get("_reg_space", SearchSpace())


def narrow(lab: SearchLab) -> None:
    st.session_state["_reg_space"] = lab.narrowed()
    request_reset("search")


def book_ranges() -> None:
    st.session_state.pop("_reg_space", None)
    request_reset("search")


def wanted(view: str) -> tuple:
    """The controls of the view, as what its lab must be (the number of epochs aside: it is live)."""
    if view == "batchnorm":
        n = int(w.choice("grid", t("regularization.grid"), lesson.BN_GRIDS, "16", kind="segmented",
                         help=t("regularization.grid_help")))
        st.caption(t("regularization.bn_setup"))
        return ("batchnorm", n)
    if view == "search":
        n = int(w.choice("trials", t("regularization.trials"), lesson.SEARCH_TRIALS, "50", kind="segmented",
                         help=t("regularization.trials_help")))
        seed = int(w.slider("sseed", t("regularization.seed"), 0, 99, 0, step=1))
        st.caption(t("regularization.search_setup"))
        return ("search", n, seed, search_space())
    setup = setup_controls()
    return ("nets", setup, tuple(variants(view)))


def data_source() -> tuple[lesson.Data, mnist_data.MnistSource]:
    """Full MNIST when the Live MNIST page has cached its four files (and they read well), else the subset."""
    directory = str(mnist_data.default_cache_dir())
    if mnist_data.mnist_cached(directory):
        data, source = shared_data(mnist_data.load_mnist_with_source, cache_dir=directory)
        if source.kind != "subset":
            return data, source
    return shared_data(mnist_data.load_mnist_subset)


def count(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def data_caption(source: mnist_data.MnistSource, view: str) -> None:
    """Which data the nets train on and, where test accuracy is drawn, how many test digits score it."""
    kind = "subset" if source.kind == "subset" else "full"
    text = t(f"regularization.data_{kind}", n_train=count(source.n_train), n_test=count(source.n_test))
    if view in NETS_VIEWS:
        scored = min(source.n_test, lesson.TEST_SCORED)
        key = "regularization.test_all" if scored == source.n_test else "regularization.test_scored"
        text += " " + t(key, scored=count(scored), n_test=count(source.n_test))
    st.caption(text)


def build(spec: tuple, data: lesson.Data) -> LockStep:
    if spec[0] == "batchnorm":
        return Lab(lesson.BN_SETUP, lesson.batchnorm_variants(spec[1]), data)
    if spec[0] == "search":
        return SearchLab.drawn(spec[3], spec[1], data[0], seed=spec[2])
    return Lab(spec[1], spec[2], data)


def lab_spec(spec: tuple, source: mnist_data.MnistSource) -> tuple:
    """What fixes the nets: the data, and for the book's runs everything but the number of epochs."""
    return (source.kind, source.n_train, *(("nets", replace(spec[1], epochs=0), spec[2]) if spec[0] == "nets" else spec))


def current_lab(view: str, spec: tuple, data: tuple[lesson.Data, mnist_data.MnistSource]) -> tuple[LockStep, bool]:
    """This session's lab for the view, and whether the controls ask for other nets (press Reset).

    Rebuilt on Reset, or while untrained when the settings change; the epochs follow at once.
    """
    key = lab_key(view)
    lab: LockStep | None = st.session_state.get(key)
    reset = st.session_state.pop(f"_reg_reset_{view}", False)
    same = st.session_state.get(f"{key}_spec") == lab_spec(spec, data[1])
    fresh = lab is not None and lab.iteration == 0 and not lab.running
    if lab is None or reset or (fresh and not same):
        lab = build(spec, data[0])
        st.session_state[key], st.session_state[f"{key}_spec"] = lab, lab_spec(spec, data[1])
        same = True
    if spec[0] == "nets" and lab.setup.epochs != spec[1].epochs:
        lab.follow_epochs(spec[1].epochs)
    return lab, not same


# --- what the live panel draws ----------------------------------------------------------------


def readouts(lab: Lab, names: list[str]) -> None:
    parts = []
    for k, name in enumerate(names):
        c = lab.curves(k)
        parts.append(t("regularization.readout", name=name, train=percent(c.train[-1]), test=percent(c.test[-1]),
                       gap=percent(c.gap)))
    st.markdown(" &nbsp;·&nbsp; ".join(parts))


def gap_chart(lab: Lab, view: str, names: list[str]) -> None:
    runs = [(name, lab.curves(k)) for k, name in enumerate(names)]
    fig = figs.gap_figure(runs, lab.setup.epochs, labels(figs.GapLabels, PAGE), presentation())
    chart(fig, PAGE, alt=t(f"regularization.alt_{view}"), settings={"view": view, "it": lab.iteration})


def overfit_view(lab: Lab, names: list[str]) -> None:
    gap_chart(lab, "overfit", names)
    st.caption(t("regularization.overfit_note", n=lab.setup.n_train))
    show_code(lesson.build_net, Trainer.step)


def decay_view(lab: Lab, names: list[str]) -> None:
    gap_chart(lab, "decay", names)
    left, right = st.columns([3, 2], vertical_alignment="center")
    with left:
        fig = figs.weights_figure(lab.weight_histograms(), names, labels(figs.WeightsLabels, PAGE), presentation())
        chart(fig, PAGE, alt=t("regularization.alt_weights"), settings={"view": "weights", "it": lab.iteration})
    with right:
        for k, name in enumerate(names):
            s = lab.loss_split(k)
            key = "regularization.split" if s.weight_decay else "regularization.split_plain"
            st.markdown(t(key, name=name, ce=num(s.cross_entropy, 3), pen=num(s.penalty, 3), sq=num(s.squares, 4)))
        st.caption(t("regularization.decay_note"))
    show_code(MultiLayerNet.weight_decay, MultiLayerNet.loss_and_gradient)


def dropout_view(lab: Lab, names: list[str]) -> None:
    gap_chart(lab, "dropout", names)
    masks = lab.next_masks(1)
    text = labels(figs.MaskLabels, PAGE, mask_title=t("regularization.mask_title", it=lab.iteration + 1),
                  mask_subtitle=t("regularization.mask_subtitle", kept=percent(lesson.kept_share(masks))))
    chart(figs.mask_figure(masks, text, presentation()), PAGE, alt=t("regularization.alt_mask"),
          settings={"view": "mask", "it": lab.iteration})
    ratio = lab.variants[1].dropout
    st.caption(t("regularization.dropout_note", p=num(ratio), scale=num(lesson.survivor_scale(ratio), 3)))
    show_code(Dropout)


def batchnorm_view(lab: Lab) -> None:
    scales = [v.init_std for v in lab.variants[::2]]
    runs = [(lab.curves(k), lab.curves(k + 1)) for k in range(0, len(lab.variants), 2)]
    fig = figs.batchnorm_grid_figure(scales, runs, lab.setup.epochs, labels(figs.GridLabels, PAGE), presentation())
    chart(fig, PAGE, alt=t("regularization.alt_batchnorm", n=len(scales)),
          settings={"view": "batchnorm", "it": lab.iteration})
    scale_banner(lab)
    st.caption(t("regularization.bn_note"))
    show_code(BatchNormalization.forward, BatchNormalization.backward, lesson.hidden_activations)


def probe_panel() -> None:
    """The batch-norm view's activation histograms, full width under the columns (five layers of
    panels need it), redrawn on the training panel's tick."""
    lab: Lab = st.session_state[lab_key("batchnorm")]

    @st.fragment(run_every=training.TICK_SECONDS if lab.running else None)
    def panel() -> None:
        activations_view(st.session_state[lab_key("batchnorm")])

    panel()


def activations_view(lab: Lab) -> None:
    """Each hidden layer's activations of the two nets of one scale, now, and the Init page's experiment."""
    scales = [v.init_std for v in lab.variants[::2]]
    ids = [f"{s:.2g}" for s in scales]
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    with left:
        std = w.ladder("hstd", t("regularization.probe_std"), ids, f"{lesson.nearest_scale(scales, 0.01):.2g}",
                       help=t("regularization.probe_std_help"))
    k = 2 * ids.index(f"{std:.2g}")  # the net without batch norm; k + 1 is its twin with it
    rung = lesson.init_rung(scales[k // 2])
    right.page_link("app_pages/init.py", label=t("regularization.init_link", std=rung), icon=":material/grain:",
                    query_params={"act": "relu", "scheme": "normal", "std": rung, "layers": str(len(lab.setup.hidden)),
                                  "width": str(lab.setup.hidden[0])})
    hists = [lab.probe_histograms(k + 1), lab.probe_histograms(k)]  # with batch norm first, as in the grid
    names = [t("regularization.bn_True"), t("regularization.bn_False")]
    fig = figs.activation_rows_figure(list(zip(names, hists)), labels(CompareHistogramLabels, "init"), presentation())
    chart(fig, PAGE, alt=t("regularization.alt_probe", std=ids[k // 2]),
          settings={"view": "probe", "std": ids[k // 2], "it": lab.iteration})
    note = t("regularization.probe_note", it=lab.iteration, batch=lesson.PROBE_BATCH, off=percent(hists[1].zero_share),
             off_bn=percent(hists[0].zero_share))
    if any(h.nonfinite.any() for h in hists):
        note += " " + t("regularization.probe_overflow")
    st.caption(note)


def scale_advice(lab: Lab) -> Callable[[int], str | None]:
    """The batch-norm grid's nets killed by their initial scale get no "lower η" banner above the
    chart: `scale_banner` under it explains them all (so the chart stays in view)."""
    return lambda k: "" if lab.scale_blamed(k) else None


def scale_banner(lab: Lab) -> None:
    blamed = [k for k in range(len(lab.variants)) if lab.scale_blamed(k)]
    if blamed:
        stds = ", ".join(f"{lab.variants[k].init_std:.2g}" for k in blamed)
        st.error(t("regularization.scale_blamed", std=stds), icon=":material/error:")


def search_view(lab: SearchLab) -> None:
    scores = lab.scores()
    best = list(lab.best(lesson.BEST_SHOWN))
    text = labels(figs.SearchLabels, PAGE, scatter_title=t("regularization.scatter_title", n=len(lab.trials)))
    left, right = st.columns([1, 1])
    with left:
        fig = figs.search_figure(lab.lrs(), lab.decays(), scores, best, text, presentation())
        chart(fig, PAGE, alt=t("regularization.alt_search"), settings={"view": "search", "it": lab.iteration})
    with right:
        curves = [(t("regularization.best_run", k=i + 1, lr=f"{lab.trials[i].lr:.1e}",
                     decay=f"{lab.trials[i].weight_decay:.1e}"), lab.val_curve(i)) for i in best]
        chart(figs.best_curves_figure(curves, lab.setup.epochs, text, presentation()), PAGE,
              alt=t("regularization.alt_best"), settings={"view": "best", "it": lab.iteration})
    cols = st.columns(2)
    cols[0].button(t("regularization.narrow"), on_click=narrow, args=(lab,), icon=":material/zoom_in:",
                   key="narrow", disabled=not lab.done, width="stretch", help=t("regularization.narrow_help"))
    cols[1].button(t("regularization.book_ranges"), on_click=book_ranges, icon=":material/zoom_out:",
                   key="book_ranges", disabled=lab.space == SearchSpace(), width="stretch")
    st.caption(t("regularization.search_range", lr=range_text(lab.space.lr), decay=range_text(lab.space.weight_decay))
               + " " + t("regularization.search_note"))
    show_code(validation_split, draw_trials, narrowed)


def range_text(r: LogRange) -> str:
    return f"10^[{num(r.low, 3)}, {num(r.high, 3)}]"


def net_names(view: str, lab: LockStep) -> list[str]:
    if view == "batchnorm":
        return [t("regularization.bn_name", std=f"{v.init_std:.2g}", bn=t(f"regularization.bn_{v.batchnorm}"))
                for v in lab.variants]
    if view == "search":
        return [t("regularization.trial_name", k=k + 1) for k in range(len(lab.trials))]
    return [net_name(v, len(lab.variants) == 1) for v in lab.variants]


NETS_VIEWS = {"overfit": overfit_view, "decay": decay_view, "dropout": dropout_view}
LAB_VIEWS = {"batchnorm": batchnorm_view, "search": search_view}


def live_view(view: str) -> Callable[[LockStep], None]:
    def draw(lab: LockStep) -> None:
        names = net_names(view, lab)
        training.status(lab, names, scale_advice(lab) if view == "batchnorm" else None)
        if view in NETS_VIEWS:
            readouts(lab, names)
            NETS_VIEWS[view](lab, names)
        else:
            LAB_VIEWS[view](lab)

    return draw


page_header(PAGE)
view_now = w.choice("view", t("regularization.view"), VIEWS, "overfit",
                    format_func=lambda v: t(f"regularization.view_{v}"), kind="segmented")
settings_col, main_col = st.columns([1.2, 3], gap="medium")
with settings_col:
    chosen_speed = training.speed_choice()
    spec_now = wanted(view_now)
    data_now = data_source()
    data_caption(data_now[1], view_now)
lab_now, pending = current_lab(view_now, spec_now, data_now)
with main_col:
    if pending:
        st.warning(t("regularization.pending"), icon=":material/info:")
    training.control_bar(lab_now, on_reset=lambda: request_reset(view_now))
    training.live_panel(lab_key(view_now), chosen_speed, live_view(view_now))
if view_now == "batchnorm":
    probe_panel()
