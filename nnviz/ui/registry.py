"""The pages of the app, in navigation order: one list for the sidebar and the home cards."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from nnviz.ui.i18n import t


@dataclass(frozen=True)
class PageInfo:
    """A page: its i18n section (also its URL path), navigation section and icon."""

    key: str
    section: str
    icon: str

    @property
    def script(self) -> str:
        return f"app_pages/{self.key}.py"


HOME = PageInfo("home", "", ":material/home:")
PAGES = [
    PageInfo("perceptron", "basics", ":material/hub:"),
    PageInfo("activations", "basics", ":material/show_chart:"),
    PageInfo("losses", "basics", ":material/target:"),
    PageInfo("gradients", "calculus", ":material/explore:"),
    PageInfo("backprop", "calculus", ":material/account_tree:"),
    PageInfo("descent", "optimization", ":material/downhill_skiing:"),
    PageInfo("init", "training", ":material/grain:"),
    PageInfo("optimizers", "optimization", ":material/speed:"),
    PageInfo("regularization", "training", ":material/tune:"),
    PageInfo("mnist", "training", ":material/model_training:"),
    PageInfo("playground", "training", ":material/scatter_plot:"),
]


def navigation_pages() -> dict[str, list[st.Page]]:
    """Pages grouped under translated section headers, for ``st.navigation``."""
    groups: dict[str, list[st.Page]] = {
        "": [st.Page(HOME.script, title=t("home.title"), icon=HOME.icon, default=True)]
    }
    for page in PAGES:
        groups.setdefault(t(f"nav.{page.section}"), []).append(
            st.Page(page.script, title=t(f"{page.key}.title"), icon=page.icon, url_path=page.key)
        )
    return groups
