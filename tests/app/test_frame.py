"""The frame: every page renders in both languages and in presentation mode; URL rules."""

from __future__ import annotations

import pytest

from nnviz.ui.registry import HOME, PAGES
from tests.app.conftest import assert_clean, figures, open_page

ALL_PAGES = [HOME, *PAGES]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("present", [False, True])
@pytest.mark.parametrize("page", ALL_PAGES, ids=[p.key for p in ALL_PAGES])
def test_every_page_renders(page, lang: str, present: bool) -> None:
    at = open_page(page.script, lang=lang, present=present)
    assert_clean(at)
    assert at.title, "every page has a title"


def test_language_switch_translates_the_page() -> None:
    en = open_page("app_pages/activations.py", lang="en")
    zh = open_page("app_pages/activations.py", lang="zh")
    assert en.title[0].value == "Activation functions"
    assert zh.title[0].value == "激活函数"


def test_unknown_language_falls_back_to_default() -> None:
    at = open_page("app_pages/activations.py", lang="fr")
    assert_clean(at)
    assert at.title[0].value == "Activation functions"


def test_presentation_mode_enlarges_figure_fonts() -> None:
    normal = figures(open_page("app_pages/activations.py"))[0]
    big = figures(open_page("app_pages/activations.py", present=True))[0]
    size = lambda fig: fig["layout"]["template"]["layout"]["font"]["size"]  # noqa: E731
    assert size(big) > size(normal)


def test_language_choice_survives_page_switch() -> None:
    at = open_page("app_pages/activations.py", lang="zh")
    at.switch_page("app_pages/home.py")
    at.run()
    assert_clean(at)
    assert at.title[0].value.startswith("nnviz —— ")
