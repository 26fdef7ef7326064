"""AppTest helpers: run a page through the real frame (app.py) and read its figures."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def open_page(script: str, lang: str = "en", present: bool = False, **params: str | list[str]) -> AppTest:
    """app.py switched to ``script`` (e.g. "app_pages/activations.py") with URL parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params["lang"] = lang
    if present:
        at.query_params["present"] = "true"
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(script)
    at.run()
    return at


def figures(at: AppTest) -> list[dict]:
    """The Plotly figures on the page, as the JSON the browser receives."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def array(value: list | dict) -> np.ndarray:
    """A trace field as an array, decoding Plotly's base64 typed arrays ({"dtype", "bdata"})."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
    return np.array(value, dtype=float)


def readings(cells: object) -> np.ndarray:
    """Table cells as printed by nnviz.figures.format (true minus, NaN, ∞, — for none) read back as floats."""
    words = {"NaN": "nan", "∞": "inf", "−∞": "-inf", "—": "nan"}
    return np.array([float(words.get(str(c), str(c).replace("−", "-"))) for c in cells], dtype=float)


def numeric(frame: pd.DataFrame) -> pd.DataFrame:
    """A displayed table with every column whose cells all read as numbers turned back into floats."""
    out = frame.copy()
    for i in range(frame.shape[1]):
        try:
            values = readings(frame.iloc[:, i])
        except ValueError:
            continue
        out.isetitem(i, values)
    return out


def assert_start_pause_continue(at: AppTest, lab: Callable[[AppTest], Any]) -> None:
    """The shared training bar at the slowest speed: Start runs one update per tick with Step
    disabled, Pause stops at once, and Start then reads Continue."""
    at.button(key="start").click().run()
    assert_clean(at)
    assert lab(at).running and at.button(key="pause").label == "Pause"
    assert at.button(key="step").disabled
    at.run()
    at.run()
    assert lab(at).iteration == 3, "one update per tick at the slowest speed"
    at.button(key="pause").click().run()
    at.run()
    assert not lab(at).running and lab(at).iteration == 3
    assert at.button(key="start").label == "Continue"


def assert_clean(at: AppTest) -> None:
    """No exception element and no uncaught error on the page."""
    assert not at.exception, [e.message for e in at.exception]


def assert_silent_fallback(at: AppTest) -> None:
    """An absurd URL parameter: no exception, no error message, and still a figure."""
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert figures(at)
