"""nnviz: the app frame. Page config, language and presentation switches, navigation."""

import streamlit as st

from nnviz.ui.frame import FAVICON, language_switch, presentation_switch
from nnviz.ui.furniture import apply_page_style
from nnviz.ui.registry import navigation_pages
from nnviz.ui.server import settle

settle()
st.set_page_config(page_title="nnviz", page_icon=str(FAVICON), layout="wide")

with st.sidebar:
    language_switch()
    presentation_switch()
apply_page_style()

st.navigation(navigation_pages()).run()
