"""A formula box: the user types f(x) or f(x, y); a bad formula keeps the last good one."""

from __future__ import annotations

import streamlit as st

from nnviz.core.expr import Expression, ExpressionError, parse
from nnviz.ui.furniture import expression_error
from nnviz.ui.i18n import t
from nnviz.ui.widgets import text


def formula_input(key: str, label: str, default: str, variables: tuple[str, ...] = ("x",),
                  help: str | None = None, placeholder: str | None = None) -> Expression:
    """The parsed formula typed in a URL-bound text box.

    If the text does not parse, the error is shown in the user's language and
    the last formula that worked (or ``default``) is returned, so the page
    always has something to draw; the typed text stays in the box.
    """
    typed = text(key, label, default, help=help, placeholder=placeholder)
    memory = f"_last_good_{key}"
    try:
        expr = parse(typed, variables)
    except ExpressionError as error:
        expression_error(error)
        last = st.session_state.get(memory, default)
        st.caption(t("common.last_good", formula=last))
        return parse(last, variables)
    st.session_state[memory] = expr.text  # normalised: shown as plain code, never as typed
    return expr
