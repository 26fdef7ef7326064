"""Figures skip Plotly's Python validation for speed (theme.figure); here every view's figures
are validated once, so a misspelt property still fails a test."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import plotly.graph_objects as go
import pytest

from tests.app.conftest import assert_clean, figures, open_page
from tests.e2e.test_pages import VIEWS


@pytest.mark.parametrize("name,link,expected", VIEWS, ids=[v[0] for v in VIEWS])
@pytest.mark.parametrize("present", [False, True])
def test_every_view_sends_valid_plotly(name: str, link: str, expected: int, present: bool) -> None:
    parts = urlsplit(link)
    script = f"app_pages/{parts.path or 'home'}.py"
    at = open_page(script, present=present, **parse_qs(parts.query))
    assert_clean(at)
    specs = figures(at)
    assert len(specs) >= expected
    for spec in specs:
        go.Figure(spec)
