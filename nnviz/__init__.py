"""nnviz: the maths, data and figures behind the nnviz app.

Pure NumPy/SymPy/Plotly; never imports Streamlit, so every function here
works the same in a notebook, a test or the app.
"""
