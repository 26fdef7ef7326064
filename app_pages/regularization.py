"""Overfitting and regularisation: a deep net memorises 300 digits; weight decay and dropout fight it."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from nnviz.core.layers import Dropout
from nnviz.core.net import MultiLayerNet
from nnviz.core.train import Trainer
from nnviz.data import mnist as mnist_data
from nnviz.figures import regularization as figs
from nnviz.figures.format import num, percent
from nnviz.lessons import regularization as lesson
from nnviz.lessons.mnist import shared_data
from nnviz.lessons.regularization import Lab, Setup, Variant
from nnviz.ui import training
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import labels, t

PAGE = "regularization"
VIEWS = ["overfit", "decay", "dropout"]


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


def current_lab(view: str, setup: Setup, nets: list[Variant]) -> Lab:
    """This session's lab for the view: rebuilt on Reset, or while untrained when the settings change."""
    key = lab_key(view)
    lab: Lab | None = st.session_state.get(key)
    reset = st.session_state.pop(f"_reg_reset_{view}", False)
    fresh = lab is not None and lab.iteration == 0 and not lab.running
    if lab is None or reset or (fresh and not lab.matches(setup, nets)):
        lab = Lab(setup, nets, shared_data(mnist_data.load_mnist_subset)[0])
        st.session_state[key] = lab
    elif lab.setup.epochs != setup.epochs:
        lab.follow_epochs(setup.epochs)
    return lab


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
            st.markdown(t("regularization.split", name=name, ce=num(s.cross_entropy, 3), pen=num(s.penalty, 3),
                          lam=num(s.weight_decay), sq=num(s.squares, 4)))
        st.caption(t("regularization.decay_note"))
    show_code(MultiLayerNet.weight_decay, MultiLayerNet.loss_and_gradient)


def dropout_view(lab: Lab, names: list[str]) -> None:
    gap_chart(lab, "dropout", names)
    masks = lab.next_masks(1)
    text = labels(figs.MaskLabels, PAGE, mask_title=t("regularization.mask_title", it=lab.iteration + 1,
                                                      kept=percent(lesson.kept_share(masks))))
    chart(figs.mask_figure(masks, text, presentation()), PAGE, alt=t("regularization.alt_mask"),
          settings={"view": "mask", "it": lab.iteration})
    ratio = lab.variants[1].dropout
    st.caption(t("regularization.dropout_note", p=num(ratio), scale=num(lesson.survivor_scale(ratio), 3)))
    show_code(Dropout)


DRAW = {"overfit": overfit_view, "decay": decay_view, "dropout": dropout_view}


def live_view(view: str) -> Callable[[Lab], None]:
    def draw(lab: Lab) -> None:
        names = [net_name(v, len(lab.variants) == 1) for v in lab.variants]
        training.status(lab, names)
        readouts(lab, names)
        DRAW[view](lab, names)

    return draw


page_header(PAGE)
view_now = w.choice("view", t("regularization.view"), VIEWS, "overfit",
                    format_func=lambda v: t(f"regularization.view_{v}"), kind="segmented")
settings_col, main_col = st.columns([1.2, 3], gap="medium")
with settings_col:
    chosen_speed = training.speed_choice()
    setup_now = setup_controls()
    nets_now = variants(view_now)
lab_now = current_lab(view_now, setup_now, nets_now)
with main_col:
    if not lab_now.matches(setup_now, nets_now):
        st.warning(t("regularization.pending"), icon=":material/info:")
    training.control_bar(lab_now, on_reset=lambda: request_reset(view_now))
    training.live_panel(lab_key(view_now), chosen_speed, live_view(view_now))
