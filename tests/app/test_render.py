"""The render matrix: every view of every page, in both languages, with and without presentation
mode, opens through the real frame without an error and sends valid Plotly; and every shared link
still opens."""

from __future__ import annotations

import importlib
import pkgutil
from urllib.parse import parse_qs, urlsplit

import plotly.graph_objects as go
import pytest

import nnviz.lessons
from nnviz.figures.maps import MAP_SCALE
from tests.app.conftest import assert_clean, figures, open_page
from tests.links import SHARED_LINKS, VIEWS


MAP_TRACES = ("contour", "surface")


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
        scales = [t.get("colorscale") for t in spec["data"] if t.get("type") in MAP_TRACES]
        assert all(scale == MAP_SCALE for scale in scales), "one colour convention for every map: lighter is lower"


@pytest.mark.parametrize("link", SHARED_LINKS)
def test_shared_links_keep_working(link: str) -> None:
    at = open_link(link)
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert at.title
    assert figures(at) or link.startswith("home")


def clear_lesson_caches() -> int:
    """Empty every lru_cache of nnviz.lessons; how many there were."""
    cleared = 0
    for info in pkgutil.iter_modules(nnviz.lessons.__path__, "nnviz.lessons."):
        for value in vars(importlib.import_module(info.name)).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
                cleared += 1
    return cleared


# steps sliders are answered from longer cached runs (nnviz.lessons.runs): off the chunk on purpose
CACHED_VIEWS = [(name, link) for name, link, charts in VIEWS if charts] + [
    ("optimizers-37-steps", "optimizers?steps=37"), ("descent-2d-37-steps", "descent?view=2d&steps2=37"),
]


@pytest.mark.parametrize(("name", "link"), CACHED_VIEWS, ids=[v[0] for v in CACHED_VIEWS])
def test_cached_lessons_draw_the_same_figures_as_fresh_ones(name: str, link: str) -> None:
    assert clear_lesson_caches() > 20
    fresh = figures(open_link(link))
    again = figures(open_link(link))
    assert fresh and again == fresh
