"""Show a Plotly figure the same way everywhere: slide-ready PNG export, alt text, caption."""

from __future__ import annotations

import re
from typing import Callable

import plotly.graph_objects as go
import streamlit as st

PNG_SCALE = 3


def png_filename(page: str, settings: dict[str, object] | None = None) -> str:
    """A file name that names the page and its settings, e.g. nnviz-activations-fn_sigmoid-x0_1.5."""
    parts = [f"{k}_{v}" for k, v in (settings or {}).items()]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", "-".join(["nnviz", page, *parts]))
    return slug.strip("-")[:120]


def modebar_config(filename: str) -> dict:
    """Plotly config: PNG at 3× scale, no logo, no selection tools."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": PNG_SCALE},
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    }


def chart(fig: go.Figure, page: str, alt: str, caption: str | None = None,
          settings: dict[str, object] | None = None, key: str | None = None,
          height: int | None = None, on_select: Callable[[], None] | None = None) -> None:
    """Display ``fig`` with the app's modebar, ``alt`` text and an optional caption.

    With ``on_select`` (needs ``key``), clicking a point calls it before the rerun;
    the selected points are then in ``st.session_state[key].selection.points``.
    """
    if height is not None:
        fig.update_layout(height=height)
    selection = {"on_select": on_select, "selection_mode": ("points",)} if on_select else {}
    st.plotly_chart(fig, theme=None, config=modebar_config(png_filename(page, settings)),
                    alt=alt, key=key, **selection)
    if caption:
        st.caption(caption)
