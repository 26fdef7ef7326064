"""The app frame's switches: language and presentation mode, both kept in the URL."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from nnviz.ui.i18n import LANGUAGE_NAMES, LANGUAGES, default_language, t
from nnviz.ui.widgets import choice, toggle

FAVICON = Path(__file__).parent / "static" / "favicon.png"
"""The tab icon, shipped with the app: a material-symbol icon is fetched from a font server, so offline it was missing."""


def language_switch() -> str:
    """English / 中文, defaulting to the browser's locale, bound to ``?lang=``.

    Its label is the same in both languages: it is drawn before the language is known.
    """
    return choice("lang", t("common.language"), LANGUAGES, default_language(st.context.locale),
                  format_func=LANGUAGE_NAMES.__getitem__, kind="segmented")


def presentation_switch() -> bool:
    """Large type and thick lines for projection, bound to ``?present=``."""
    return toggle("present", t("common.presentation"), help=t("common.presentation_help"))
