"""Process-wide settings for a shared server (nnviz.ui.server)."""

from __future__ import annotations

import gc
import platform

from threadpoolctl import threadpool_info

from nnviz.ui import server


def test_glibc_keeps_freed_memory_for_the_next_arrays() -> None:
    assert server.keep_freed_memory() is (platform.libc_ver()[0] == "glibc")


def test_settle_imports_freezes_and_limits_blas_once() -> None:
    server.settle()
    frozen = gc.get_freeze_count()
    assert frozen > 10_000, "the imported heap is frozen"
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")
    server.settle()
    assert gc.get_freeze_count() == frozen, "a second call does nothing"
