"""The frame: the language and presentation switches and how they carry across pages."""

from __future__ import annotations

from tests.app.conftest import assert_clean, figures, open_page


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
