"""Home: what nnviz is, for whom, and a card per page."""

import streamlit as st

from nnviz.ui.i18n import t
from nnviz.ui.registry import PAGES

st.title(t("home.heading"))
st.markdown(t("home.lead"))
st.info(t("home.for_whom"), icon=":material/co_present:")

st.subheader(t("home.pages"))
columns = st.columns(3)
for i, page in enumerate(PAGES):
    with columns[i % 3].container(border=True):
        st.markdown(f"### {t(f'{page.key}.title')}")
        st.markdown(t(f"{page.key}.card"))
        st.page_link(page.script, label=t("home.open"), icon=page.icon)
