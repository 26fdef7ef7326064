"""A Streamlit client without a browser: it speaks the app's websocket protocol, as the browser does.

One `Client` is one student's tab. It opens a page by its URL path, learns the widgets from the
deltas the server sends, moves sliders, presses buttons and answers a fragment's auto-rerun
timer, and times each interaction from the request to the server's "finished" message.

Protocol facts this relies on (Streamlit 1.67): connect to /_stcore/stream with the subprotocol
"streamlit"; the first rerun names the page by its URL path in `page_name` with an empty script
hash, later ones use the hash from the `navigation` message; a slider sends `double_array_value`
(even for one value), a select-slider `string_array_value` of the formatted option; a button sends
`trigger_value` in one message only; `st.fragment(run_every=…)` only sends `AutoRerun`, and the
client must send the fragment reruns itself until `StopAutoRerun` or the `new_session` of a full-app
run (a fragment run sends one too, with its fragment ids in the metadata); a run is
finished at FINISHED_SUCCESSFULLY or FINISHED_FRAGMENT_RUN_SUCCESSFULLY, not at
FINISHED_EARLY_FOR_RERUN; `ref_hash` messages point into a cache of earlier `cacheable` ones.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
KEY = re.compile(r"-([^-]+)$")  # widget ids end in the user's key: "$$ID-<hash>-<key>"
ITERATION = re.compile(r"iteration (\d+)")
RUN_END = re.compile(r"iteration (\d+) / (\d+)")


@dataclass
class Widget:
    """What the client knows of one widget: its id, kind and, for sliders, range and options."""

    id: str
    kind: str
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    options: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        match = KEY.search(self.id)
        return match.group(1) if match else self.id

    def random_value(self, rng: random.Random) -> float | str:
        """A value a student could set: an option, or a point of the slider's grid."""
        if self.options:
            return rng.choice(self.options)
        steps = max(int(round((self.high - self.low) / self.step)), 1)
        return round(self.low + self.step * rng.randint(0, steps), 10)


@dataclass
class Stats:
    """What happened on one client: latencies of finished runs, timeouts, errors."""

    latencies: list[float] = field(default_factory=list)
    timeouts: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class RunRecord:
    """What one script run drew: whether it was a fragment run, its new elements by kind, and
    whether it finished (a run still going, or stopped early for a rerun, drew only part)."""

    fragment: bool
    elements: Counter[str] = field(default_factory=Counter)
    finished: bool = False


class Client:
    """One browser tab on one page of the app."""

    def __init__(self, base: str, path: str, query: str = "", timeout: float = 60.0) -> None:
        self.url = base.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
        self.origin = base.rstrip("/")
        self.path, self.query, self.timeout = path, query, timeout
        self.page_hash = ""
        self.widgets: dict[str, Widget] = {}
        self.states: dict[str, WidgetState] = {}
        self.stats = Stats()
        self.progress = ""
        self.runs: list[RunRecord] = []
        self._cache: dict[str, ForwardMsg] = {}
        self._finished = asyncio.Event()
        self._fragment: tuple[str, float] | None = None
        self._ws: websockets.ClientConnection | None = None
        self._tasks: list[asyncio.Task] = []

    # --- connection ---------------------------------------------------------------------------

    async def open(self) -> float:
        """Connect and load the page; the seconds until the first run finished."""
        self._ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                            additional_headers={"Origin": self.origin}, open_timeout=self.timeout)
        self._tasks.append(asyncio.create_task(self._read()))
        return await self._run(page_name=self.path)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._ws is not None:
            await self._ws.close()

    # --- interactions -----------------------------------------------------------------------

    def sliders(self) -> list[Widget]:
        return [w for w in self.widgets.values() if w.kind in ("slider", "select_slider")]

    def widget(self, key: str) -> Widget:
        return next(w for w in self.widgets.values() if w.key == key)

    async def move(self, widget: Widget, value: float | str) -> float:
        """Set a slider (a number) or a select-slider (an option) and wait for the rerun."""
        state = WidgetState(id=widget.id)
        if widget.kind == "select_slider":
            state.string_array_value.data.append(str(value))
        else:
            state.double_array_value.data.append(float(value))
        self.states[widget.id] = state
        return await self._run()

    async def rerun(self) -> float:
        """Rerun the page as it stands (what pressing R in the browser does)."""
        return await self._run()

    async def click(self, key: str) -> float:
        """Press a button: its trigger goes in this one message only."""
        widget = self.widget(key)
        return await self._run(extra=[WidgetState(id=widget.id, trigger_value=True)])

    # --- the protocol ----------------------------------------------------------------------

    def _request(self, page_name: str = "", fragment: str = "", extra: list[WidgetState] | None = None) -> bytes:
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query
        rerun.page_script_hash = self.page_hash
        rerun.page_name = page_name
        if fragment:
            rerun.fragment_id, rerun.is_auto_rerun = fragment, True
        rerun.widget_states.widgets.extend([*self.states.values(), *(extra or [])])
        return msg.SerializeToString()

    async def _run(self, page_name: str = "", fragment: str = "", extra: list[WidgetState] | None = None) -> float:
        """Send a rerun and wait for it to finish; the latency, or nan after a timeout."""
        self._finished.clear()
        start = time.perf_counter()
        await self._ws.send(self._request(page_name, fragment, extra))
        try:
            await asyncio.wait_for(self._finished.wait(), self.timeout)
        except TimeoutError:
            self.stats.timeouts += 1
            return float("nan")
        latency = time.perf_counter() - start
        self.stats.latencies.append(latency)
        return latency

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except websockets.ConnectionClosed as closed:
            self.stats.errors.append(f"connection closed: {closed}")

    def _handle(self, msg: ForwardMsg) -> None:
        if msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = msg
        if msg.ref_hash:
            if msg.ref_hash not in self._cache:
                self.stats.errors.append(f"unknown ref_hash {msg.ref_hash}")
                return
            msg = self._cache[msg.ref_hash]
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.runs.append(RunRecord(fragment=bool(msg.metadata.run.fragment_ids)))
        if kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element)
        elif kind == "auto_rerun":
            self._start_ticks(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun" or (kind == "new_session" and not msg.metadata.run.fragment_ids):
            self._fragment = None  # a full-app run re-registers the fragments it still wants ticked
        elif kind == "script_finished" and msg.script_finished in DONE:
            if self.runs:
                self.runs[-1].finished = True
            self._finished.set()

    def _element(self, element: object) -> None:
        kind = element.WhichOneof("type")
        if self.runs:
            self.runs[-1].elements[kind] += 1
        if kind == "exception":
            self.stats.errors.append(element.exception.message)
        elif kind == "progress":
            self.progress = element.progress.text
        elif kind == "slider":
            s = element.slider
            is_select = len(s.options) > 0
            self.widgets[s.id] = Widget(s.id, "select_slider" if is_select else "slider", s.min, s.max, s.step,
                                        tuple(s.options))
        elif kind in ("button", "selectbox", "multiselect", "button_group", "checkbox", "text_input"):
            proto = getattr(element, kind)
            self.widgets[proto.id] = Widget(proto.id, kind)

    def _start_ticks(self, fragment: str, interval: float) -> None:
        if self._fragment is None:
            self._tasks.append(asyncio.create_task(self._tick()))
        self._fragment = (fragment, interval)

    async def _tick(self) -> None:
        """Send the fragment's reruns every interval, as the browser's timer does."""
        while self._fragment is not None:
            fragment, interval = self._fragment
            await asyncio.sleep(interval)
            if self._fragment is not None:
                await self._run(fragment=fragment)

    def iterations(self) -> int:
        """The training iteration the last progress line showed (the MNIST page)."""
        match = ITERATION.search(self.progress)
        return int(match.group(1)) if match else 0

    def run_finished(self) -> bool:
        """Whether the last progress line showed the run's last update ("iteration 500 / 500")."""
        match = RUN_END.search(self.progress)
        return bool(match) and int(match.group(1)) >= int(match.group(2)) > 0
