"""Live training furniture for every page that trains networks: the speed choice, the
Start/Pause/Step/Epoch/Reset bar, the progress line, and a panel that ticks while training runs.

Only the panel reruns on a tick (an ``st.fragment``); the page around it reruns when a button is
pressed. A tick trains for a bounded number of updates or seconds (`nnviz.lessons.live.pace`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from nnviz.lessons.live import SPEEDS, LockStep, pace
from nnviz.ui import widgets as w
from nnviz.ui.i18n import t

TICK_SECONDS = 0.4
BUTTON_WIDTHS = [1.3, 1, 1, 1]


def speed_choice(default: str = "medium") -> str:
    """Updates per screen refresh (URL key ``speed``)."""
    return w.choice("speed", t("training.speed"), list(SPEEDS), default, format_func=lambda s: t(f"training.speed_{s}"),
                    kind="segmented", help=t("training.speed_help"))


def control_row(lead: float) -> tuple[DeltaGenerator, list[DeltaGenerator]]:
    """A row with a column ``lead`` button-widths wide (for a live control) before the bar's four
    columns; pass the four to `control_bar`. The lead column can be filled before the lab exists."""
    first, *buttons = st.columns([lead, *BUTTON_WIDTHS], vertical_alignment="bottom")
    return first, buttons


def control_bar(lab: LockStep, on_reset: Callable[[], None], cols: Sequence[DeltaGenerator] | None = None) -> None:
    """Start (Continue) or Pause, one Step, to the end of the Epoch, and Reset (``on_reset``), in a
    row of their own or in ``cols`` (from `control_row`)."""
    cols = cols or st.columns(BUTTON_WIDTHS, vertical_alignment="bottom")
    if lab.running:
        cols[0].button(t("training.pause"), on_click=lab.pause, icon=":material/pause:", type="primary",
                       key="pause", width="stretch")
    else:
        label = t("training.start") if lab.iteration == 0 else t("training.continue")
        cols[0].button(label, on_click=lab.start, icon=":material/play_arrow:", type="primary", key="start",
                       disabled=lab.done, width="stretch", help=t("training.start_help"))
    cols[1].button(t("training.step"), on_click=lab.advance, kwargs={"max_iters": 1}, icon=":material/skip_next:",
                   key="step", disabled=lab.done or lab.running, width="stretch", help=t("training.step_help"))
    cols[2].button(t("training.epoch_button"), on_click=lab.run_epoch, icon=":material/fast_forward:", key="epoch",
                   disabled=lab.done or lab.running, width="stretch", help=t("training.epoch_help"))
    cols[3].button(t("training.reset"), on_click=on_reset, icon=":material/replay:", key="reset_training",
                   width="stretch", help=t("training.reset_help"))


def status(lab: LockStep, names: list[str], advice: Callable[[int], str | None] | None = None) -> None:
    """The progress line, and why a net stopped or that training finished (``names``: one per net).

    ``advice(k)``, if given, may replace the usual "lower the learning rate" banner of net k with
    the page's own diagnosis (None keeps it, "" shows none: another net's banner covers it)."""
    state = lab.state()
    parts = [t("training.progress", epoch=state.epoch, epochs=state.epochs, it=state.iteration,
               total=state.total_iters)]
    if state.samples_per_sec:
        parts.append(t("training.rate", rate=f"{state.samples_per_sec:,.0f}"))
    if state.eta_seconds is not None and lab.running:
        parts.append(t("training.eta", eta=f"{state.eta_seconds:.0f}"))
    st.progress(state.progress, text=" · ".join(parts))
    for k, (name, reason) in enumerate(zip(names, lab.stopped)):
        if reason in ("nonfinite_loss", "runaway"):
            key = "training.diverged" if reason == "nonfinite_loss" else "training.runaway"
            own = advice(k) if advice else None
            if own != "":
                text = t(key, name=name if len(names) > 1 else t("training.the_net")) if own is None else own
                st.error(text, icon=":material/error:")
    if lab.done and not any(lab.stopped):
        st.success(t("training.finished"), icon=":material/check_circle:")


def live_panel(lab_key: str, speed: str, draw: Callable[[LockStep], None]) -> None:
    """``draw(lab)`` in a panel that, while ``st.session_state[lab_key]`` runs, trains one tick and
    redraws itself every `TICK_SECONDS`; when the run ends, the whole page reruns (its buttons change)."""
    lab: LockStep = st.session_state[lab_key]

    @st.fragment(run_every=TICK_SECONDS if lab.running else None)
    def panel() -> None:
        current: LockStep = st.session_state[lab_key]
        if current.running:
            steps, budget = pace(speed)
            current.advance(max_iters=steps, time_budget=budget, now=time.monotonic())
            if not current.running:
                st.rerun(scope="app")
        draw(current)

    panel()
