"""Page furniture shared by every page: header, code viewer, messages, presentation styling."""

from __future__ import annotations

import inspect
from functools import cache
from typing import Callable

import streamlit as st

from nnviz.core.expr import ExpressionError
from nnviz.ui.i18n import content, lang, t
from nnviz.ui.widgets import reset_button

PRESENTATION_SCALE = 1.3
"""One factor for every kind of element in presentation mode (text, metrics, sliders, tables, selects,
chips, code); the chart fonts in nnviz.figures.theme grow by about as much."""
BASE_CSS = """
<style>
.stMainBlockContainer { padding-top: 2.5rem; }
/* A slider's value floats above its thumb, never on the track, whatever its font size. */
[data-testid="stSliderThumbValue"] { top: auto !important; bottom: calc(100% + 0.15rem); white-space: nowrap; }
/* Segmented controls and buttons wrap their text instead of clipping it ("Yo…"). */
[data-testid="stMain"] [data-testid="stButtonGroup"] [role="radiogroup"] { flex-wrap: wrap; }
[data-testid="stMain"] button p { white-space: normal; overflow: visible; text-overflow: clip; }
/* A wide formula scrolls inside its column instead of being cut at the right edge. */
[data-testid="stMain"] .katex-display { overflow-x: auto; overflow-y: hidden; padding: 0.2em 0; }
/* Page names in the sidebar wrap onto a second line instead of ending in "…". */
[data-testid="stSidebarNavLink"] { height: auto; min-height: 1.75rem; }
[data-testid="stSidebarNavLink"] p { line-height: 1.3; padding-block: 0.15rem; }
[data-testid="stSidebarNavLink"] :is(span, .stMarkdownEllipsis, p) { white-space: normal; overflow: visible; text-overflow: clip; }
</style>
"""
CJK_CSS = """
<style>
/* Latin letters and digits in Chinese text from the CJK font, at the size of the characters around them. */
[data-testid="stApp"] :is(p, li, label, input, textarea, button, h1, h2, h3, h4, td, th, summary) {
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif !important;
}
</style>
"""
PRESENTATION_CSS = """
<style>
:root { --nnviz-scale: SCALE; }
.stMainBlockContainer { font-size: calc(var(--nnviz-scale) * 1rem); }
.stMainBlockContainer :is(p, li, label p, summary p, td, th) { font-size: calc(var(--nnviz-scale) * 1rem) !important; }
.stMainBlockContainer h1 { font-size: calc(var(--nnviz-scale) * 2.5rem) !important; }
.stMainBlockContainer :is(h2, h3) { font-size: calc(var(--nnviz-scale) * 1.7rem) !important; }
.stMainBlockContainer .katex { font-size: calc(var(--nnviz-scale) * 1.2em) !important; }
.stMainBlockContainer pre code { font-size: calc(var(--nnviz-scale) * 0.875rem) !important; }
.stMainBlockContainer [data-testid="stCaptionContainer"] :is(p, li) { font-size: calc(var(--nnviz-scale) * 0.875rem) !important; }
/* The number a lesson is about stays larger than its label. */
.stMainBlockContainer [data-testid="stMetricValue"],
.stMainBlockContainer [data-testid="stMetricValue"] p { font-size: calc(var(--nnviz-scale) * 2.25rem) !important; }
.stMainBlockContainer [data-testid="stMetricLabel"] p { font-size: calc(var(--nnviz-scale) * 0.875rem) !important; }
/* Slider values and their ends, select boxes, chips, text boxes, tables, menus. */
.stMainBlockContainer [data-testid="stSliderThumbValue"] p,
.stMainBlockContainer [data-testid^="stSliderTickBar"] p,
.stMainBlockContainer [data-testid^="stSliderTickBar"] { font-size: calc(var(--nnviz-scale) * 0.875rem) !important; }
.stMainBlockContainer [data-testid="stSlider"] [role="group"] { padding-top: calc(var(--nnviz-scale) * 0.6rem); }
.stMainBlockContainer :is(input, textarea, [data-tag] span) { font-size: calc(var(--nnviz-scale) * 0.875rem) !important; }
.stMainBlockContainer [data-testid="stTable"] :is(td, th) { font-size: calc(var(--nnviz-scale) * 0.875rem) !important; }
[role="listbox"] [role="option"], [role="listbox"] [role="option"] p { font-size: calc(var(--nnviz-scale) * 0.875rem) !important; }
[data-testid="stSidebar"] p { font-size: 1.15rem !important; }
[data-testid="stSidebar"] :is(input, textarea, [data-tag] span, [data-testid="stSliderThumbValue"] p) {
  font-size: calc(var(--nnviz-scale) * 0.875rem) !important;
}
</style>
""".replace("SCALE", str(PRESENTATION_SCALE))


def presentation() -> bool:
    """Whether presentation mode (large type for projection) is on."""
    return bool(st.session_state.get("present", False))


def apply_page_style() -> None:
    """Tighter top margin and sliders that keep their values readable always, the CJK font for Latin
    inside Chinese text, and every element scaled by PRESENTATION_SCALE in presentation mode."""
    st.html(BASE_CSS + (CJK_CSS if lang() == "zh" else "") + (PRESENTATION_CSS if presentation() else ""))


def page_header(section: str) -> None:
    """Title, one-line lead, the longer explanation folded away, and the reset action."""
    head, side = st.columns([5, 2], vertical_alignment="bottom")
    head.title(t(f"{section}.title"))
    reset_button(side)
    st.markdown(t(f"{section}.lead"))
    with st.expander(t("common.about_page"), icon=":material/school:"):
        st.markdown(content(section))


@cache
def _source(obj: Callable) -> str:
    return inspect.getsource(obj)


def show_code(*objects: Callable) -> None:
    """An expander with the real source of the nnviz functions behind a figure."""
    with st.expander(t("common.show_code"), icon=":material/code:"):
        for obj in objects:
            st.caption(f"`{obj.__module__}.{obj.__qualname__}`")
            st.code(_source(obj), language="python")


def expression_error(error: ExpressionError) -> None:
    """A parse or evaluation problem, in the user's language."""
    st.error(error.message(lang()), icon=":material/error:")
