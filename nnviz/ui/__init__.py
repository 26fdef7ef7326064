"""The Streamlit side of nnviz: the only package that imports streamlit."""
