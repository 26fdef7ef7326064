"""Loss functions: regression losses and their slopes, classification losses, softmax with
cross-entropy, and the loss of a mini-batch."""

import streamlit as st

from nnviz.core import losses as core
from nnviz.core.regression import line_descent
from nnviz.data.mnist import load_mnist_subset
from nnviz.figures import losses as figs
from nnviz.figures.format import num, percent
from nnviz.lessons import losses as lesson
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import labels, t
from nnviz.ui.tables import table

PAGE = "losses"
N_LOGITS = 3
LOGIT_DEFAULTS = (0.3, 2.9, 4.0)
CONFIDENT_WRONG = {"z1": 6.0, "z2": -4.0, "z3": 0.0, "truth": "2"}
CLASSES = [str(i + 1) for i in range(N_LOGITS)]
FORMULA_COLUMNS = 3


def loss_name(key: str) -> str:
    return t(f"losses.loss_{key}")


def regression_controls() -> tuple[list[str], float, tuple[float, float] | None]:
    chosen = w.multi("curves", t("losses.curves"), core.RESIDUAL_KEYS, core.RESIDUAL_KEYS, format_func=loss_name)
    cols = st.columns(4)
    with cols[0]:
        width = w.slider("delta", t("losses.delta"), 0.1, 3.0, 1.5, step=0.1, help=t("losses.delta_help"))
    with cols[1]:
        has_outlier = w.toggle("outlier", t("losses.with_outlier"), True)
    with cols[2]:
        ox = w.slider("ox", t("losses.outlier_x"), 0.0, 8.0, 5.5, step=0.5)
    with cols[3]:
        oy = w.slider("oy", t("losses.outlier_y"), -4.0, 12.0, 9.0, step=0.5)
    return chosen, width, (ox, oy) if has_outlier else None


def fit_table(fit: lesson.OutlierFit) -> None:
    names = [loss_name(line.key) for line in fit.lines]
    columns = {
        t("losses.col_loss"): names,
        t("losses.col_slope"): [line.w for line in fit.lines],
        t("losses.col_intercept"): [line.b for line in fit.lines],
        t("losses.col_mean_loss"): [line.loss for line in fit.lines],
    }
    if fit.has_outlier:
        columns[t("losses.col_outlier_pull")] = [float(line.pulls[-1]) for line in fit.lines]
    table(columns, formats={name: "%.4f" for name in list(columns)[1:]})


def formulas(chosen: list[str], width: float) -> None:
    """ℓ(r) and ℓ′(r) of each chosen loss, at most FORMULA_COLUMNS to a row (the cases need room)."""
    for start in range(0, len(chosen), FORMULA_COLUMNS):
        for column, key in zip(st.columns(FORMULA_COLUMNS), chosen[start:start + FORMULA_COLUMNS]):
            loss = core.residual_loss(key, width)
            with column:
                st.markdown(f"**{loss_name(key)}**")
                st.latex(loss.latex_f)
                st.latex(loss.latex_df)


def regression_panel() -> None:
    chosen, width, outlier = regression_controls()
    if chosen:
        curves = [(loss_name(k), lesson.residual_curve(k, width)) for k in chosen]
        fig = figs.residual_figure(curves, width, labels(figs.ResidualLabels, PAGE), presentation=presentation())
        chart(fig, PAGE, alt=t("losses.alt_residual", names=", ".join(n for n, _ in curves)),
              caption=t("losses.caption_residual", d=width), settings={"delta": width})
        formulas(chosen, width)
    else:
        st.info(t("losses.choose_one"))
    st.subheader(t("losses.fit_heading"))
    fit = lesson.outlier_fit(outlier, width)
    names = [loss_name(line.key) for line in fit.lines]
    fig = figs.outlier_figure(fit, names, labels(figs.OutlierLabels, PAGE), presentation=presentation())
    place = {"ox": outlier[0], "oy": outlier[1]} if outlier else {"outlier": "off"}
    chart(fig, PAGE, alt=t("losses.alt_fit"), settings={"delta": width, **place},
          caption=t("losses.caption_fit", lr=lesson.FIT_RATES["squared"], lr_mae=lesson.FIT_RATES["absolute"],
                    steps=lesson.FIT_STEPS))
    fit_table(fit)
    st.markdown(t("losses.fit_lesson"))
    show_code(core.huber, core.huber_grad, core.huber_loss_grad, line_descent)


def classification_panel() -> None:
    cols = st.columns([3, 1])
    with cols[0]:
        p = w.ladder("p", t("losses.p_true"), lesson.P_LADDER, "0.6", help=t("losses.p_true_help"))
    with cols[1]:
        log_axis = w.toggle("logp", t("losses.log_axis"), False, help=t("losses.log_axis_help"))
    right, wrong = lesson.notes_examples()
    fig = figs.classification_figure(lesson.classification_curves(log_axis), p, (right.p_true, right.ce),
                                     labels(figs.ClassificationLabels, PAGE), log_axis, presentation=presentation())
    chart(fig, PAGE, alt=t("losses.alt_classification"), caption=t("losses.caption_classification"),
          settings={"p": p, "log": log_axis})
    st.markdown(t("losses.examples_heading"))
    table({t("losses.col_guess"): [str(r.guess) for r in (right, wrong)],
           t("losses.col_p_true"): [r.p_true for r in (right, wrong)],
           t("losses.col_ce"): [r.ce for r in (right, wrong)],
           t("losses.col_mse"): [r.mse for r in (right, wrong)]},
          formats={t("losses.col_ce"): "%.15g", t("losses.col_mse"): "%.4g", t("losses.col_p_true"): "%.2g"})
    st.markdown(t("losses.examples_lesson"))
    st.markdown(t("losses.delta_heading"))
    rows = lesson.delta_rows(p)
    table({"p": [num(r.p, 3) for r in rows],
           "−ln p": [figs.value_text(r.exact, 6) for r in rows],
           "−ln(p + δ)": [figs.value_text(r.book, 6) for r in rows],
           t("losses.col_slope_exact"): [figs.value_text(r.slope_exact) for r in rows],
           t("losses.col_slope_book"): [figs.value_text(r.slope_book) for r in rows]})
    st.markdown(t("losses.delta_lesson"))
    st.subheader(t("losses.logits_heading"))
    rows = lesson.logit_rows()
    table({"z": [num(r.z) for r in rows], "−ln σ(z)": [figs.value_text(r.naive, 6) for r in rows],
           t("losses.col_bce"): [num(r.clamped, 6) for r in rows],
           t("losses.col_bce_logits"): [num(r.stable, 6) for r in rows]})
    st.markdown(t("losses.logits_lesson"))
    show_code(core.cross_entropy_error, core.binary_cross_entropy_terms, core.binary_cross_entropy_with_logits)


def logit_controls() -> tuple[tuple[float, ...], int]:
    cols = st.columns(N_LOGITS + 2)
    logits = []
    for i, default in enumerate(LOGIT_DEFAULTS):
        with cols[i]:
            logits.append(w.slider(f"z{i + 1}", f"z{i + 1}", -lesson.LOGIT_SPAN, lesson.LOGIT_SPAN, default, step=0.1))
    with cols[N_LOGITS]:
        truth = w.choice("truth", t("losses.truth"), CLASSES, "2", kind="segmented", help=t("losses.truth_help"))
    with cols[N_LOGITS + 1]:
        w.preset_button(t("losses.confident_wrong"), CONFIDENT_WRONG, key="confident_wrong",
                        help=t("losses.confident_wrong_help"))
    return tuple(logits), CLASSES.index(truth)


def softmax_panel() -> None:
    logits, truth = logit_controls()
    state = lesson.softmax_loss(logits, truth)
    metrics = st.columns(4)
    metrics[0].metric(t("losses.metric_ce"), num(state.ce))
    metrics[1].metric(t("losses.metric_mse"), num(state.mse))
    metrics[2].metric(t("losses.metric_ce_push"), num(-state.ce_grad[truth], 3))
    metrics[3].metric(t("losses.metric_mse_push"), num(-state.mse_grad[truth], 3))
    fig = figs.softmax_figure(state, CLASSES, labels(figs.SoftmaxLabels, PAGE), presentation=presentation())
    chart(fig, PAGE, alt=t("losses.alt_softmax"), caption=t("losses.caption_softmax"),
          settings={"z": "_".join(f"{z:g}" for z in logits), "truth": truth + 1})
    others = logits[:truth] + logits[truth + 1:]
    sweep = lesson.saturation(others, truth)
    fig = figs.saturation_figure(sweep, state, truth, labels(figs.SaturationLabels, PAGE,
                                                             logit_axis=t("losses.logit_axis", k=truth + 1)),
                                 presentation=presentation())
    chart(fig, PAGE, alt=t("losses.alt_saturation"), caption=t("losses.caption_saturation"),
          settings={"z": "_".join(f"{z:g}" for z in logits), "truth": truth + 1})
    st.markdown(t("losses.softmax_lesson"))
    show_code(core.softmax_with_loss_grad, core.softmax_with_loss_backward, core.mean_squared_error_grad)


def batch_panel() -> None:
    size = int(w.ladder("bs", t("losses.batch_size"), lesson.BATCH_SIZES, "100", help=t("losses.batch_size_help")))
    study = lesson.batch_study(load_mnist_subset)
    hist = lesson.batch_histogram(load_mnist_subset, size)
    samples = study.samples
    metrics = st.columns(4)
    metrics[0].metric(t("losses.metric_full"), num(samples.mean))
    metrics[1].metric(t("losses.metric_sigma"), num(samples.std))
    metrics[2].metric(t("losses.metric_measured", b=size), num(hist.measured, 3))
    metrics[3].metric(t("losses.metric_theory", b=size), num(hist.theory, 3))
    fig = figs.batch_figure(hist, study, labels(figs.BatchLabels, PAGE,
                                                plot_histogram=t("losses.plot_histogram", b=size, n=lesson.BATCHES_DRAWN)),
                            presentation=presentation())
    chart(fig, PAGE, alt=t("losses.alt_batch", b=size), settings={"bs": size},
          caption=t("losses.caption_batch", n=len(samples.losses), iters=samples.iterations,
                    epochs=lesson.TRAIN_EPOCHS, train=percent(samples.train_accuracy),
                    test=percent(samples.test_accuracy)))
    st.markdown(t("losses.batch_lesson"))
    show_code(core.cross_entropy_samples, lesson.batch_means, lesson.spread_theory)


page_header(PAGE)
PANELS = {"regression": regression_panel, "classification": classification_panel, "softmax": softmax_panel,
          "batch": batch_panel}
view = w.choice("view", t("losses.view"), list(PANELS), "regression",
                format_func=lambda v: t(f"losses.view_{v}"), kind="segmented")
PANELS[view]()
