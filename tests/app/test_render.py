"""The render matrix: every view of every page, in both languages, with and without presentation
mode, opens through the real frame without an error and sends valid Plotly; and every shared link
still opens."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import plotly.graph_objects as go
import pytest

from tests.app.conftest import assert_clean, figures, open_page
from tests.links import SHARED_LINKS, VIEWS


def open_link(link: str, lang: str = "en", present: bool = False):  # noqa: ANN201 - an AppTest
    parts = urlsplit(link)
    params = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(parts.query).items()}
    lang = str(params.pop("lang", lang))
    present = params.pop("present", "true" if present else "false") == "true"
    return open_page(f"app_pages/{parts.path or 'home'}.py", lang=lang, present=present, **params)


@pytest.mark.parametrize("present", [False, True], ids=["normal", "present"])
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("name", "link", "charts"), VIEWS, ids=[v[0] for v in VIEWS])
def test_every_view_renders(name: str, link: str, charts: int, lang: str, present: bool) -> None:
    at = open_link(link, lang, present)
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert at.title, "every page has a title"
    specs = figures(at)
    assert len(specs) >= charts
    for spec in specs:
        go.Figure(spec)  # figures skip Plotly's validation for speed (theme.figure): here it runs once


@pytest.mark.parametrize("link", SHARED_LINKS)
def test_shared_links_keep_working(link: str) -> None:
    at = open_link(link)
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert at.title
    assert figures(at) or link.startswith("home")
