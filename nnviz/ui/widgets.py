"""Controls whose values live in the URL, so every view is a shareable link.

The widget key is the query-parameter name. Numbers, text and switches use
Streamlit's ``bind="query-params"``, which drops garbage and out-of-range
values; the wrappers also catch what it lets through (a reversed range).

Choices are different: Streamlit binds them by their *displayed* label, which
here depends on the language, so a link made in Chinese would not open in
English. Choice widgets therefore keep the option's stable id in the URL
themselves (``_seed_choice``, then ``_keep_in_url``), with the same rules: unknown
ids fall back to the default, and a default value leaves the URL. Whole-number
boxes (``number``) keep their parameter the same way, because their default may move.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import streamlit as st

from nnviz.core.optimizer import HyperParam
from nnviz.ui.i18n import t

FRAME_KEYS = frozenset({"lang", "present"})
CHOICE_KEYS = "_url_choice_keys"
NUMBER_KEYS = "_url_number_keys"
DEFAULTS = "_widget_defaults"


def _remember(key: str, default: Any) -> None:
    """Record a control's default so "Reset to defaults" can restore it."""
    st.session_state.setdefault(DEFAULTS, {})[key] = default


def slider(key: str, label: str, min_value: float, max_value: float, default: float,
           step: float | None = None, help: str | None = None, fmt: str | None = None) -> float:
    """A single-value slider bound to ``?key=``."""
    _remember(key, default)
    return st.slider(label, min_value, max_value, default, step=step, key=key, help=help,
                     format=fmt, bind="query-params")


def _whole(text: str | None, min_value: int, max_value: int) -> int | None:
    """``text`` as a whole number in [min_value, max_value], else None."""
    try:
        value = float(text) if text is not None else math.nan
    except ValueError:
        return None
    return int(value) if value.is_integer() and min_value <= value <= max_value else None


def number(key: str, label: str, min_value: int, max_value: int, default: int, help: str | None = None,
           where: Any = st) -> int:
    """A whole number with −/+ steps kept in ``?key=`` (drawn in ``where``); an emptied box gives the default.

    The URL is kept here, not by Streamlit's binding, because the default may move (a layer's width
    follows "units in every layer") and a value set from the session must reach the link too; at the
    default the parameter leaves the URL.
    """
    _remember(key, default)
    st.session_state.setdefault(NUMBER_KEYS, set()).add(key)
    if key not in st.session_state:
        given = _whole(st.query_params.get(key), min_value, max_value)
        st.session_state[key] = default if given is None else given
    value = where.number_input(label, min_value, max_value, step=1, key=key, help=help)
    value = default if value is None else int(value)
    _keep_in_url(key, value, default)
    return value


def range_slider(key: str, label: str, min_value: float, max_value: float,
                 default: tuple[float, float], step: float | None = None,
                 help: str | None = None) -> tuple[float, float]:
    """A two-handle slider bound to ``?key=lo&key=hi``; a reversed or empty range gives the default."""
    _remember(key, default)
    lo, hi = st.slider(label, min_value, max_value, default, step=step, key=key, help=help,
                       bind="query-params")
    return (lo, hi) if lo < hi else default


def _same_number(text: str, options: Sequence[str]) -> str | None:
    """The option that spells the same number as ``text`` ("1e-08" is "1e-8", "0.10" is "0.1")."""
    try:
        value = float(text)
    except ValueError:
        return None
    return next((o for o in options if float(o) == value), None)


def _seed_choice(key: str, options: Sequence[str], default: str | Sequence[str], many: bool,
                 numeric: bool = False) -> None:
    """Before the widget's first run in this session: take its value from the URL if valid.

    ``numeric`` options (a ladder of numbers) also accept any other spelling of the same number.
    """
    st.session_state.setdefault(CHOICE_KEYS, set()).add(key)
    _remember(key, list(default) if many else default)
    if key in st.session_state:
        return
    given = st.query_params.get_all(key)
    if numeric:
        given = [_same_number(v, options) or v for v in given]
    from_url = [v for v in dict.fromkeys(given) if v in options]
    if many:
        st.session_state[key] = from_url or list(default)
    else:
        st.session_state[key] = from_url[0] if from_url else default


def _keep_in_url(key: str, value: str | int | list[str], default: str | int | Sequence[str]) -> None:
    """Write a control's value (an id, ids or a whole number) to ``?key=``, or remove the parameter
    at the default."""
    is_default = list(value) == list(default) if isinstance(value, list) else value == default
    if is_default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value) if isinstance(value, int) else value


def choice(key: str, label: str, options: Sequence[str], default: str,
           format_func: Callable[[str], str] = str, kind: str = "select",
           help: str | None = None, label_visibility: str = "visible") -> str:
    """One of ``options`` (stable ids) as a selectbox, a segmented control or (``kind="slider"``)
    a slider over the options in their order; kept in ``?key=id``. The label stays the widget's
    accessible name when ``label_visibility="collapsed"`` hides it."""
    _seed_choice(key, options, default, many=False)
    shown = {"format_func": format_func, "key": key, "help": help, "label_visibility": label_visibility}
    if kind == "segmented":
        value = st.segmented_control(label, list(options), required=True, **shown)
    elif kind == "slider":
        value = st.select_slider(label, list(options), **shown)
    else:
        value = st.selectbox(label, list(options), **shown)
    value = default if value is None else value
    _keep_in_url(key, value, default)
    return value


def ladder(key: str, label: str, options: Sequence[str], default: str, help: str | None = None) -> float:
    """A slider over a ladder of numbers given as ids (e.g. log-spaced learning rates), kept in ``?key=id``.

    A link may spell a number any way ("1e-08", "0.10"): it selects the rung with that value.
    """
    _seed_choice(key, options, default, many=False, numeric=True)
    value = st.select_slider(label, list(options), key=key, help=help)
    value = default if value is None else value
    _keep_in_url(key, value, default)
    return float(value)


def hyper_param(key: str, label: str, hp: HyperParam, help: str | None = None) -> float:
    """A hyper-parameter's own control: its ladder for η and ε, a linear slider in its steps otherwise."""
    if hp.log:
        return ladder(key, label, hp.choices(), _same_number(f"{hp.default:g}", hp.choices()) or hp.choices()[0],
                      help=help)
    return float(slider(key, label, hp.low, hp.high, hp.default, step=hp.step, help=help, fmt="%.4g"))


def multi(key: str, label: str, options: Sequence[str], default: Sequence[str],
          format_func: Callable[[str], str] = str, help: str | None = None,
          max_selections: int | None = None) -> list[str]:
    """Several of ``options`` (stable ids), kept in ``?key=a&key=b``."""
    _seed_choice(key, options, default, many=True)
    if max_selections is not None and len(st.session_state[key]) > max_selections:
        st.session_state[key] = st.session_state[key][:max_selections]  # a link with too many ids
    value = st.multiselect(label, list(options), format_func=format_func, key=key, help=help,
                           max_selections=max_selections)
    _keep_in_url(key, value, default)
    return value


def text(key: str, label: str, default: str, max_chars: int = 200,
         help: str | None = None, placeholder: str | None = None) -> str:
    """A text field bound to ``?key=``."""
    _remember(key, default)
    return st.text_input(label, default, max_chars=max_chars, key=key, help=help,
                         placeholder=placeholder, bind="query-params") or ""


def toggle(key: str, label: str, default: bool = False, help: str | None = None) -> bool:
    """An on/off switch bound to ``?key=``."""
    _remember(key, default)
    return bool(st.toggle(label, default, key=key, help=help, bind="query-params"))


def _apply_preset(values: dict[str, Any]) -> None:
    """Set the controls. A choice writes its id to the URL at once (its default is fixed); Streamlit
    keeps a bound control's parameter itself. Any other parameter leaves the URL: a number box writes
    it back when drawn off its default (which may move), and a control not drawn yet must not keep an
    old link's value that no longer says what the page holds."""
    choice_keys = st.session_state.get(CHOICE_KEYS, set())
    number_keys = st.session_state.get(NUMBER_KEYS, set())
    defaults = st.session_state.get(DEFAULTS, {})
    for key, value in values.items():
        st.session_state[key] = value
        if key in choice_keys:
            _keep_in_url(key, value, defaults.get(key, value))
        elif key in number_keys or key not in defaults:
            st.query_params.pop(key, None)


def preset_button(label: str, values: dict[str, Any], key: str, where: Any = st,
                  help: str | None = None, icon: str | None = None) -> bool:
    """A button that sets several controls at once (e.g. a worked example); the URL follows.

    Choice ids are written to the URL at once; other values reach the URL when
    their control is drawn (a control not shown in this run picks its value up
    when it next appears, and an old link's number for it leaves the URL).
    """
    return where.button(label, key=key, on_click=_apply_preset, args=(values,), help=help, icon=icon)


def _reset_page_state() -> None:
    """Set every control shown on the page back to its default (the URL follows)."""
    kept = st.session_state.get(CHOICE_KEYS, set()) | st.session_state.get(NUMBER_KEYS, set())
    for key, default in st.session_state.get(DEFAULTS, {}).items():
        if key in FRAME_KEYS:
            continue
        if key in kept:  # also a control not drawn in the last run (Streamlit has dropped its state)
            st.query_params.pop(key, None)
        if key in st.session_state:
            st.session_state[key] = list(default) if isinstance(default, list) else default


def reset_button(where: Any = st) -> None:
    """"Reset to defaults": forget this page's controls (and so their URL parameters)."""
    where.button(t("common.reset"), on_click=_reset_page_state, icon=":material/restart_alt:",
                 help=t("common.reset_help"))
