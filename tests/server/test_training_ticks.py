"""The Live MNIST page on a real server, through the websocket protocol (bench.streamclient):
a training tick reruns only the live panel, and Pause stops the run at once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from bench import server
from bench.streamclient import Client, RunRecord
from tests.asyncrun import run

pytestmark = pytest.mark.e2e
LONG_RUN = "epochs=100"  # far longer than these tests: the run is still going when they look


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    process, address = server.start()
    yield address
    server.stop(process, [process.pid])


async def training(url: str, ticks: int) -> tuple[Client, list[RunRecord]]:
    """A client that pressed Start and saw ``ticks`` fragment runs finish; the runs it saw (the
    last one may still be drawing: its record then holds only the elements that arrived)."""
    client = Client(url, "mnist", LONG_RUN)
    await client.open()
    await client.click("start")
    for _ in range(200):
        if sum(r.fragment and r.finished for r in client.runs) >= ticks:
            break
        await asyncio.sleep(0.1)
    return client, list(client.runs)


def test_a_training_tick_reruns_only_the_live_panel(url: str) -> None:
    async def scenario() -> list[RunRecord]:
        client, runs = await training(url, ticks=4)
        await client.close()
        return runs

    runs = run(scenario())
    assert all(r.finished for r in runs[:-1]), "no run but the one still drawing stopped early"
    page, ticks = runs[0], [r for r in runs if r.fragment and r.finished]
    assert len(ticks) >= 4, "the live panel ticks on its own while training"
    assert page.elements["slider"] >= 3, "the settings column has its sliders"
    for tick in ticks:
        assert tick.elements["progress"] == 1 and tick.elements["plotly_chart"] == 1, tick.elements
        assert tick.elements["slider"] == 0, f"a tick redrew the settings: {tick.elements}"
        assert sum(tick.elements.values()) < sum(page.elements.values()) / 2


def test_pause_stops_the_run_at_once(url: str) -> None:
    async def scenario() -> tuple[int, int, int]:
        client, _ = await training(url, ticks=3)
        before = client.iterations()
        await client.click("pause")
        at_pause = client.iterations()
        ticks_then = len(client.runs)
        await asyncio.sleep(2.0)  # five tick intervals
        ticked = sum(r.fragment for r in client.runs[ticks_then:])
        await client.rerun()
        later = client.iterations()
        await client.close()
        return before, at_pause, later if not ticked else -ticked

    before, at_pause, later = run(scenario())
    assert before > 0, "it was training"
    assert later >= 0, f"{-later} ticks ran after Pause"
    assert later == at_pause, f"the run advanced {later - at_pause} iterations after Pause finished"
