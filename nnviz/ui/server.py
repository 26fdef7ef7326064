"""Process-wide settings for a server that many students share."""

from __future__ import annotations

import gc
import importlib
import pkgutil
import threading

from threadpoolctl import threadpool_limits

import nnviz.figures
import nnviz.lessons

# Imported lazily by Plotly and Streamlit on a first chart or table: when a class arrives at once,
# two sessions importing one of them in parallel can see it half-initialised.
LAZY_IMPORTS = ("pandas", "pyarrow", "plotly.io", "plotly.graph_objects")
_lock = threading.Lock()
_settled = False


def settle() -> None:
    """Once per process, before any page runs: import what the pages use, freeze the heap, one BLAS thread.

    Frozen objects (NumPy, SymPy, Plotly, pandas and nnviz, imported once) are never scanned by
    the garbage collector again, so collections during a rerun only look at what the rerun made.
    One BLAS thread per process: with a class of sessions, extra threads only contend. Sessions
    that start meanwhile wait for the first one to finish this.
    """
    global _settled
    with _lock:
        if _settled:
            return
        for name in LAZY_IMPORTS:
            importlib.import_module(name)
        for package in (nnviz.lessons, nnviz.figures):
            for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
                importlib.import_module(module.name)
        threadpool_limits(1, user_api="blas")
        gc.collect()
        gc.freeze()
        _settled = True
