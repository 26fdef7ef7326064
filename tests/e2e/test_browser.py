"""Every view in real Chromium: drawn without an error at 1280×720 in English and at 1920×1080 in
Chinese with presentation mode; and a deep link to a fresh server shows the whole frame."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ARTIFACTS, opened, wait_for_app
from tests.links import VIEWS

pytestmark = pytest.mark.e2e
SETTINGS = [("en", False, 1280, 720), ("zh", True, 1920, 1080)]


def with_params(link: str, **params: str) -> str:
    extra = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{link}{'&' if '?' in link else '?'}{extra}"


def check_drawn(page, errors: list[str], charts: int) -> None:  # noqa: ANN001
    wait_for_app(page, charts)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    boxes = [page.locator("[data-testid='stPlotlyChart']").nth(i).bounding_box()
             for i in range(page.locator("[data-testid='stPlotlyChart']").count())]
    assert all(b is not None and b["width"] > 200 and b["height"] > 150 for b in boxes), boxes
    assert not errors, errors


@pytest.mark.parametrize(("name", "link", "charts"), VIEWS, ids=[v[0] for v in VIEWS])
def test_view_is_drawn(server, browser, name: str, link: str, charts: int) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for lang, present, width, height in SETTINGS:
        params = {"lang": lang, **({"present": "true"} if present else {})}
        with opened(browser, f"{server.url}/{with_params(link, **params)}", width, height) as (page, errors):
            check_drawn(page, errors, charts)
            suffix = "-present" if present else ""
            page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}-{width}x{height}{suffix}.png"))


def test_deep_link_on_a_fresh_server_shows_the_frame(fresh_server, browser) -> None:  # noqa: ANN001
    """With a top-level pages/ folder Streamlit would run its legacy page runner and show the page
    without app.py's frame: no language switch, ?lang= ignored. app_pages/ avoids that."""
    with opened(browser, f"{fresh_server.url}/descent?view=2d&lang=zh", 1280, 720) as (page, errors):
        check_drawn(page, errors, 1)
        assert page.locator("[data-testid='stMain'] h1").first.inner_text().startswith("梯度下降")
        switch = page.locator("[data-testid='stSidebar']").get_by_text("中文")
        assert switch.count() >= 1 and switch.first.is_visible()
