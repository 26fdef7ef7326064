"""Process-wide settings for a server that many students share."""

from __future__ import annotations

import gc
import importlib
import pkgutil

from threadpoolctl import threadpool_limits

import nnviz.figures
import nnviz.lessons

_settled = False


def settle() -> None:
    """Once per process: load every page's modules, then freeze the heap and hold BLAS to one thread.

    Frozen objects (NumPy, SymPy, Plotly, pandas and nnviz, imported once) are never scanned by
    the garbage collector again, so collections during a rerun only look at what the rerun made.
    One BLAS thread per process: with a class of sessions, extra threads only contend.
    """
    global _settled
    if _settled:
        return
    for package in (nnviz.lessons, nnviz.figures):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    threadpool_limits(1, user_api="blas")
    gc.collect()
    gc.freeze()
    _settled = True
