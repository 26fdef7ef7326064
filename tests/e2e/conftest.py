"""Browser tests: `streamlit run app.py` on loopback, driven by Playwright in Debian's Chromium.

Without Chromium or Playwright these tests skip, unless NNVIZ_REQUIRE_BROWSER=1 (as in CI),
which turns the skip into a failure. Screenshots go to .artifacts/screenshots (ignored by git).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / ".artifacts" / "screenshots"
CHROMIUM = os.environ.get("NNVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
LOAD_TIMEOUT_MS = 90_000  # generous: a loaded CI machine draws a first page slowly


def _browser_missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = _browser_missing()
    if missing is None:
        return
    required = os.environ.get("NNVIZ_REQUIRE_BROWSER") == "1"
    for item in items:
        if "e2e" in item.keywords:
            if required:
                item.add_marker(pytest.mark.usefixtures("_fail_without_browser"))
            else:
                item.add_marker(pytest.mark.skip(reason=missing))


@pytest.fixture
def _fail_without_browser() -> None:
    pytest.fail(f"browser tests are required (NNVIZ_REQUIRE_BROWSER=1): {_browser_missing()}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `streamlit run app.py` on a free loopback port, stopped on exit."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("streamlit did not start within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """One server for the whole session: what a class uses."""
    running = Server()
    yield running
    running.stop()


@pytest.fixture
def fresh_server() -> Iterator[Server]:
    """A server nobody has opened yet: the first request is the deep link."""
    running = Server()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201 - a Playwright Browser
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@contextmanager
def opened(browser, url: str, width: int, height: int) -> Iterator[tuple[object, list[str]]]:  # noqa: ANN001
    """A new page at ``url`` in a ``width``×``height`` viewport, and the JavaScript errors it raises.

    The page is closed whatever happens, so one failing test cannot slow down the next.
    """
    page = browser.new_page(viewport={"width": width, "height": height}, locale="en-US")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        response = page.goto(url, timeout=LOAD_TIMEOUT_MS)
        assert response is not None and response.ok, url
        yield page, errors
    finally:
        page.close()


def wait_for_app(page, charts: int, timeout_ms: int = LOAD_TIMEOUT_MS) -> None:  # noqa: ANN001
    """Until the script has finished and at least ``charts`` Plotly charts (and every chart) have drawn."""
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=timeout_ms)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    page.wait_for_function(
        """(expected) => {
            const charts = [...document.querySelectorAll("[data-testid='stPlotlyChart']")];
            return charts.length >= expected && charts.every(c => c.querySelector('.main-svg'));
        }""",
        arg=charts,
        timeout=timeout_ms,
    )
    page.wait_for_timeout(300)
