"""Every view in real Chromium, as a projector shows it: drawn without an error at 1280×720 (English,
and Chinese with presentation mode: the tightest layouts), 1366×768 (Chinese) and 1920×1080 (English
with presentation mode), so each language is seen with and without presentation; no two chart texts
collide and none is clipped; in presentation mode every metric's value is larger than its label;
the first chart starts above the fold, no button clips its text and every page name in the sidebar
shows whole. And a deep link to a fresh server shows the whole frame."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e import layout
from tests.e2e.conftest import ARTIFACTS, LOAD_TIMEOUT_MS, opened, wait_for_app
from tests.links import VIEWS

pytestmark = pytest.mark.e2e
SETTINGS = [("en", False, 1280, 720), ("zh", True, 1280, 720), ("zh", False, 1366, 768), ("en", True, 1920, 1080)]


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
            check_projector_layout(page, name, present)


def check_projector_layout(page, name: str, present: bool) -> None:  # noqa: ANN001
    """What a class at the back of the room needs: readable numbers, no colliding text, a figure in view."""
    problems = layout.measure_charts(page)
    assert problems == []
    if present:
        small = [m for m in layout.metric_sizes(page) if not m["value"] > m["label"]]
        assert small == [], "a metric's value must be larger than its label"
    first = layout.first_chart_top(page)
    assert first is None or first["top"] < first["height"], f"the first chart starts below the fold: {first}"
    assert layout.clipped_buttons(page) == []
    assert layout.truncated_nav_labels(page) == [], "every page name in the sidebar must show whole"


def test_deep_link_on_a_fresh_server_shows_the_frame(fresh_server, browser) -> None:  # noqa: ANN001
    """With a top-level pages/ folder Streamlit would run its legacy page runner and show the page
    without app.py's frame: no language switch, ?lang= ignored. app_pages/ avoids that."""
    with opened(browser, f"{fresh_server.url}/descent?view=2d&lang=zh", 1280, 720) as (page, errors):
        check_drawn(page, errors, 1)
        assert page.locator("[data-testid='stMain'] h1").first.inner_text().startswith("梯度下降")
        switch = page.locator("[data-testid='stSidebar']").get_by_text("中文")
        assert switch.count() >= 1 and switch.first.is_visible()
        icon = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
        assert icon and all(h.startswith((fresh_server.url, "data:")) for h in icon), f"a local favicon: {icon}"


# (kind, a page that shows it, its selector); sizes are compared with presentation mode off and on.
ELEMENT_KINDS = [
    ("text", "descent", "[data-testid='stMain'] [data-testid='stMarkdownContainer'] p"),
    ("widget label", "descent", "[data-testid='stMain'] [data-testid='stWidgetLabel'] p"),
    ("segmented control", "descent", "[data-testid='stMain'] [data-testid='stButtonGroup'] button p"),
    ("slider value", "descent", "[data-testid='stMain'] [data-testid='stSliderThumbValue'] p"),
    ("select box", "descent", "[data-testid='stMain'] [data-testid='stSelectbox'] input"),
    ("chart tick", "descent", "[data-testid='stPlotlyChart'] .xtick text"),
    ("multiselect chip", "optimizers", "[data-tag] span"),  # in the sidebar
    ("metric value", "gradients", "[data-testid='stMetricValue'] p"),
    ("metric label", "gradients", "[data-testid='stMetricLabel'] p"),
]
TABLE_CELL = "[data-testid='stTable'] td"
CANVAS_TABLE_PX = 14.0  # st.dataframe draws its cells at 14 px on a canvas, whatever the CSS


def font_px(page, selector: str) -> float:  # noqa: ANN001
    return page.evaluate("(s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)", selector)


def test_presentation_scales_every_element_kind(server, browser) -> None:  # noqa: ANN001
    sizes: dict[tuple[str, bool], float] = {}
    for link in sorted({page for _, page, _ in ELEMENT_KINDS}):
        for present in (False, True):
            url = f"{server.url}/{with_params(link, lang='en', **({'present': 'true'} if present else {}))}"
            with opened(browser, url, 1280, 720) as (page, errors):
                wait_for_app(page, 1)
                for kind, where, selector in ELEMENT_KINDS:
                    if where == link:
                        sizes[kind, present] = font_px(page, selector)
                if present and link == "descent":
                    sizes["table cell", True] = font_px(page, TABLE_CELL)
    sizes["table cell", False] = CANVAS_TABLE_PX
    kinds = [kind for kind, _, _ in ELEMENT_KINDS] + ["table cell"]
    ratios = {kind: sizes[kind, True] / sizes[kind, False] for kind in kinds}
    assert all(r >= 1.25 for r in ratios.values()), ratios
    assert sizes["metric value", True] > 1.5 * sizes["metric label", True], sizes


def run_done(page) -> None:  # noqa: ANN001
    """Until the script run a click or a key started has finished and every chart has drawn."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=LOAD_TIMEOUT_MS)
    wait_for_app(page, 3)


def architecture_shown(page, arch: str) -> None:  # noqa: ANN001
    """Until the caption under the controls reads ``arch`` (drawn after the boxes kept the URL)."""
    page.get_by_text(arch, exact=False).first.wait_for(timeout=LOAD_TIMEOUT_MS)


def query(page) -> dict[str, list[str]]:  # noqa: ANN001
    return parse_qs(urlsplit(page.url).query)


@pytest.mark.parametrize(("lang", "present", "width", "height"), SETTINGS[:2] + SETTINGS[3:],
                         ids=["en-1280", "zh-1280-present", "en-1920-present"])
def test_playground_address_bar_follows_each_control_and_marks_a_mid_run_change(
        server, browser, lang: str, present: bool, width: int, height: int) -> None:  # noqa: ANN001
    """A layer box's value is in the address bar once its run ends (not one interaction later), a
    preset leaves exactly its own state there, and a change of η while paused gets its mark on the
    loss curve without colliding with any chart text."""
    link = with_params("playground?noise=0.3&n=50&depth=3&w3=2", lang=lang, **({"present": "true"} if present else {}))
    with opened(browser, f"{server.url}/{link}", width, height) as (page, errors):
        check_drawn(page, errors, 3)
        page.locator(".st-key-w1 input").first.press("ArrowUp")
        architecture_shown(page, "in → 5 → 4 → 2 → 2")
        run_done(page)
        assert query(page).get("w1") == ["5"], page.url
        page.locator(".st-key-btn_square button").first.click()
        architecture_shown(page, "in → 4 → 4 → 2")
        run_done(page)
        assert {k: v for k, v in query(page).items() if k not in ("lang", "present")} == {"data": ["square"]}
        for _ in range(3):
            page.locator(".st-key-step button").first.click()
            run_done(page)
        page.locator(".st-key-lr input[type='range']").first.press("ArrowRight")
        page.locator("[data-testid='stPlotlyChart'] .annotation-text", has_text="η = 0.05").wait_for(
            timeout=LOAD_TIMEOUT_MS)
        run_done(page)
        assert query(page).get("lr") == ["0.05"], page.url
        suffix = "-present" if present else ""
        page.screenshot(path=str(ARTIFACTS / f"playground-change-{lang}-{width}x{height}{suffix}.png"), full_page=True)
        check_projector_layout(page, "playground-change", present)
        assert not errors, errors
