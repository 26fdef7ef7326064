"""Translations: every user-visible string, in English and Chinese.

Strings live in ``locales/<section>.toml`` as ``key = { en = "…", zh = "…" }``
and are looked up as ``t("<section>.<key>")``. Long explanations live in
``content/<lang>/<name>.md``.
"""

from __future__ import annotations

import tomllib
from dataclasses import fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar, get_type_hints

import streamlit as st

LANGUAGES = ("en", "zh")
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
LOCALES_DIR = Path(__file__).parent / "locales"
CONTENT_DIR = Path(__file__).parent / "content"
L = TypeVar("L")


@cache
def catalog() -> dict[str, dict[str, str]]:
    """All strings as {"section.key": {"en": …, "zh": …}}, read once per process."""
    entries: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            for key, value in tomllib.load(fh).items():
                entries[f"{path.stem}.{key}"] = value
    return entries


def default_language(locale: str | None) -> str:
    """Chinese for a zh-* browser locale, English otherwise."""
    return "zh" if (locale or "").lower().startswith("zh") else "en"


def lang() -> str:
    """The language chosen in the frame (English until the switch has run)."""
    value = st.session_state.get("lang")
    return value if value in LANGUAGES else "en"


def t(key: str, **values: object) -> str:
    """The string ``key`` in the current language, formatted with ``values``."""
    text = catalog()[key][lang()]
    return text.format(**values) if values else text


@cache
def _content(name: str, language: str) -> str:
    return (CONTENT_DIR / language / f"{name}.md").read_text(encoding="utf-8")


def content(name: str) -> str:
    """A long Markdown explanation in the current language."""
    return _content(name, lang())


def labels(cls: type[L], section: str, **given: object) -> L:
    """A figure's labels object with every field translated: ``t(f"{section}.{field}")``.

    ``given`` supplies fields that need values filled in (formatted strings) or are not
    text; a field that is itself a labels class is filled the same way from the section.
    """
    hints = get_type_hints(cls)
    values = {}
    for f in fields(cls):
        if f.name in given:
            values[f.name] = given[f.name]
        elif is_dataclass(hints[f.name]):
            values[f.name] = labels(hints[f.name], section)
        else:
            values[f.name] = t(f"{section}.{f.name}")
    return cls(**values)
