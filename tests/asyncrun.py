"""Run a websocket scenario from a test, whatever else the test process runs."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def run(scenario: Coroutine[object, object, T]) -> T:
    """``asyncio.run(scenario)`` in a thread of its own: Playwright's sync API (the browser tests)
    keeps an event loop running in the test thread, where asyncio.run refuses to start."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario).result()
