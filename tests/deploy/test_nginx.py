"""deploy/nnviz-class: two Streamlit processes behind nginx serve the app, and each browser stays
on one process (its websocket session lives there). Needs nginx; CI installs it."""

from __future__ import annotations

import os
import shutil
import urllib.request
from collections.abc import Iterator

import pytest

from bench import server
from bench.streamclient import Client
from tests.asyncrun import run

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def class_server() -> Iterator[str]:
    if shutil.which("nginx") is None:
        if os.environ.get("NNVIZ_REQUIRE_NGINX") == "1":
            pytest.fail("nginx is required here (NNVIZ_REQUIRE_NGINX=1) but not installed")
        pytest.skip("nginx is not installed (apt-get install nginx): the deployment cannot be tried")
    process, pids, url = server.start_class(2)
    yield url
    server.stop(process, pids)


def backend(url: str, cookie: str | None = None) -> tuple[str, str]:
    """The process that answered, and the route cookie nginx set."""
    request = urllib.request.Request(url + "/", headers={"Cookie": f"nnviz_route={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200 and b"<title>" in response.read(2000).lower()
        route = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
        return response.headers["X-Nnviz-Backend"], route


def test_each_browser_stays_on_one_process_and_both_are_used(class_server: str) -> None:
    first, route = backend(class_server)
    assert all(backend(class_server, route)[0] == first for _ in range(5)), "a browser keeps its process"
    seen = {backend(class_server, f"student-{i}")[0] for i in range(20)}
    assert len(seen) == 2, seen


def test_a_page_loads_and_reacts_through_nginx(class_server: str) -> None:
    async def session() -> Client:
        client = Client(class_server, "descent", "view=2d")
        await client.open()
        await client.move(client.widget("steps2"), 50)
        await client.close()
        return client

    client = run(session())
    assert not client.stats.errors and not client.stats.timeouts
    assert len(client.stats.latencies) == 2 and client.sliders()
