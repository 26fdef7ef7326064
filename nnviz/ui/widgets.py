"""Controls whose values live in the URL, so every view is a shareable link.

Each helper is a thin wrapper over a Streamlit widget with
``bind="query-params"``: the widget key is the query-parameter name.
Streamlit drops values that are garbage or out of range; the wrappers also
catch what it lets through (a reversed or empty range).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence, TypeVar

import streamlit as st

from nnviz.ui.i18n import t

T = TypeVar("T")
FRAME_KEYS = frozenset({"lang", "present"})


def slider(key: str, label: str, min_value: float, max_value: float, default: float,
           step: float | None = None, help: str | None = None, fmt: str | None = None) -> float:
    """A single-value slider bound to ``?key=``."""
    return st.slider(label, min_value, max_value, default, step=step, key=key, help=help,
                     format=fmt, bind="query-params")


def range_slider(key: str, label: str, min_value: float, max_value: float,
                 default: tuple[float, float], step: float | None = None,
                 help: str | None = None) -> tuple[float, float]:
    """A two-handle slider bound to ``?key=lo&key=hi``; a reversed or empty range gives the default."""
    lo, hi = st.slider(label, min_value, max_value, default, step=step, key=key, help=help,
                       bind="query-params")
    return (lo, hi) if lo < hi else default


def choice(key: str, label: str, options: Sequence[T], default: T,
           format_func: Callable[[T], str] = str, kind: str = "select",
           help: str | None = None) -> T:
    """One of ``options``: a selectbox (``kind="select"``) or a segmented control."""
    if kind == "segmented":
        value = st.segmented_control(label, list(options), default=default, format_func=format_func,
                                     key=key, help=help, required=True, bind="query-params")
    else:
        value = st.selectbox(label, list(options), index=list(options).index(default),
                             format_func=format_func, key=key, help=help, bind="query-params")
    return default if value is None else value


def multi(key: str, label: str, options: Sequence[T], default: Sequence[T],
          format_func: Callable[[T], str] = str, help: str | None = None,
          max_selections: int | None = None) -> list[T]:
    """Several of ``options``, bound to ``?key=a&key=b``."""
    return st.multiselect(label, list(options), default=list(default), format_func=format_func,
                          key=key, help=help, max_selections=max_selections, bind="query-params")


def text(key: str, label: str, default: str, max_chars: int = 200,
         help: str | None = None, placeholder: str | None = None) -> str:
    """A text field bound to ``?key=``."""
    return st.text_input(label, default, max_chars=max_chars, key=key, help=help,
                         placeholder=placeholder, bind="query-params") or ""


def toggle(key: str, label: str, default: bool = False, help: str | None = None) -> bool:
    """An on/off switch bound to ``?key=``."""
    return bool(st.toggle(label, default, key=key, help=help, bind="query-params"))


def _reset_page_state() -> None:
    for key in [k for k in st.session_state if k not in FRAME_KEYS and not str(k).startswith("_")]:
        del st.session_state[key]


def reset_button(where: Any = st) -> None:
    """"Reset to defaults": forget this page's controls (and so their URL parameters)."""
    where.button(t("common.reset"), on_click=_reset_page_state, icon=":material/restart_alt:",
                 help=t("common.reset_help"))
