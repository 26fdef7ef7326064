"""Process-wide settings for a server that many students share."""

from __future__ import annotations

import ctypes
import ctypes.util
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

# glibc's mallopt parameters and the values we set: arrays up to 32 MiB come from the heap, and up
# to 256 MiB of freed heap stays with the process instead of going back to the kernel.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
KEEP_FREED_BYTES, HEAP_UP_TO_BYTES = 256 << 20, 32 << 20


def keep_freed_memory() -> bool:
    """Let glibc reuse freed memory for the next arrays; False where the C library has no mallopt.

    By default every NumPy array over a few MiB is a fresh mmap, and each of its pages faults on
    first touch: on the init comparison that kernel time was 15 of the 83 ms of a move.
    """
    name = ctypes.util.find_library("c")
    mallopt = getattr(ctypes.CDLL(name), "mallopt", None) if name else None
    if mallopt is None:
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, HEAP_UP_TO_BYTES)) and bool(mallopt(M_TRIM_THRESHOLD, KEEP_FREED_BYTES))


def settle() -> None:
    """Once per process, before any page runs: import what the pages use, freeze the heap, one BLAS thread.

    Frozen objects (NumPy, SymPy, Plotly, pandas and nnviz, imported once) are never scanned by
    the garbage collector again, so collections during a rerun only look at what the rerun made.
    One BLAS thread per process: with a class of sessions, extra threads only contend. Freed
    memory is kept for the next rerun (`keep_freed_memory`). Sessions
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
        keep_freed_memory()
        gc.collect()
        gc.freeze()
        _settled = True
