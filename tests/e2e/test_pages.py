"""Every page by deep link on a fresh server: no exception, no "Page not found", every chart drawn.

Writes docs/screenshots/<view>-<lang>-<W>x<H>.png for both languages at
projector (1920×1080) and laptop (1280×720) size, plus presentation mode.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e

# (screenshot name, deep link, charts expected) — one entry per page and per activations view.
VIEWS = [
    ("home", "", 0),
    ("activations", "activations", 1),
    ("activations-depth", "activations?view=depth", 1),
    ("activations-softmax", "activations?view=softmax", 1),
    ("activations-custom", "activations?view=custom", 1),
    ("gradients", "gradients", 2),
    ("gradients-directional", "gradients?view=directional", 2),
    ("gradients-field", "gradients?view=field", 1),
    ("gradients-book", "gradients?view=field&book=true", 1),
    ("gradients-lab", "gradients?view=lab", 1),
    ("gradients-examples", "gradients?view=examples", 1),
    ("init", "init", 1),
    ("init-backward", "init?view=backward", 2),
    ("init-compare", "init?view=compare", 2),
    ("init-compare-relu", "init?view=compare&preset=relu", 2),
    ("init-symmetry", "init?view=symmetry", 2),
    ("optimizers", "optimizers", 1),
    ("optimizers-multiples", "optimizers?view=multiples", 1),
    ("optimizers-internals", "optimizers?view=internals", 1),
    ("optimizers-schedules", "optimizers?view=schedules", 1),
    ("optimizers-averaging", "optimizers?view=averaging", 1),
    ("mnist", "mnist", 1),
    ("mnist-init", "mnist?exp=init", 1),
    ("mnist-init-layers", "mnist?exp=init&view=layers", 1),
    ("mnist-predict", "mnist?view=predict&img=7", 1),
    ("descent", "descent", 1),
    ("descent-2d-book", "descent?view=2d&lrs=10&lrs=0.1&lrs=1e-10", 1),
    ("descent-2d-himmelblau", "descent?view=2d&surf=himmelblau&grid9=true", 1),
    ("descent-reg", "descent?view=reg&fit=wb&stdz=true&lr_r=0.05", 1),
]
SIZES = [(1920, 1080), (1280, 720)]
LANGS = ["en", "zh"]


def wait_for_app(page, charts: int, timeout_ms: int = 60_000) -> None:
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
    page.wait_for_timeout(400)


def with_params(link: str, **params: str) -> str:
    extra = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{link}{'&' if '?' in link else '?'}{extra}" if extra else link


@pytest.mark.parametrize("name,link,expected", VIEWS, ids=[v[0] for v in VIEWS])
def test_deep_link_on_fresh_server(fresh_server, browser, name: str, link: str, expected: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    first = True
    for lang in LANGS:
        for width, height in SIZES:
            page = browser.new_page(viewport={"width": width, "height": height}, locale="en-US")
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            response = page.goto(f"{fresh_server.url}/{with_params(link, lang=lang)}")
            assert response is not None and response.ok
            wait_for_app(page, expected)
            assert page.locator("[data-testid='stException']").count() == 0
            assert page.get_by_text("Page not found").count() == 0, "deep link failed on a fresh server" if first else ""
            charts = page.locator("[data-testid='stPlotlyChart']")
            for i in range(charts.count()):
                box = charts.nth(i).bounding_box()
                assert box is not None and box["width"] > 200 and box["height"] > 150
            assert not errors, errors
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{lang}-{width}x{height}.png"))
            if width == 1920:
                page.goto(f"{fresh_server.url}/{with_params(link, lang=lang, present='true')}")
                wait_for_app(page, expected)
                assert page.locator("[data-testid='stException']").count() == 0
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{lang}-{width}x{height}-present.png"))
            page.close()
            first = False
