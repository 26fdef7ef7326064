"""Page furniture shared by every page: header, code viewer, messages, presentation styling."""

from __future__ import annotations

import inspect
from functools import cache
from typing import Callable

import streamlit as st

from nnviz.core.expr import ExpressionError
from nnviz.ui.i18n import content, lang, t
from nnviz.ui.widgets import reset_button

BASE_CSS = """
<style>
.stMainBlockContainer { padding-top: 2.5rem; }
</style>
"""
PRESENTATION_CSS = """
<style>
.stMainBlockContainer { font-size: 1.3rem; }
.stMainBlockContainer p, .stMainBlockContainer li, .stMainBlockContainer label p { font-size: 1.3rem !important; }
.stMainBlockContainer h1 { font-size: 3.2rem !important; }
.stMainBlockContainer h2, .stMainBlockContainer h3 { font-size: 2.2rem !important; }
.stMainBlockContainer .katex { font-size: 1.55em !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p { font-size: 2.6rem !important; }
[data-testid="stSidebar"] p { font-size: 1.15rem !important; }
</style>
"""


def presentation() -> bool:
    """Whether presentation mode (large type for projection) is on."""
    return bool(st.session_state.get("present", False))


def apply_page_style() -> None:
    """Tighter top margin always; large type in presentation mode."""
    st.html(BASE_CSS + (PRESENTATION_CSS if presentation() else ""))


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
