"""The UI kit: translations complete in both languages, PNG export names, every t() key defined."""

from __future__ import annotations

import re
from pathlib import Path

from nnviz.core.functions import ACTIVATIONS
from nnviz.ui.chart import PNG_SCALE, modebar_config, png_filename
from nnviz.ui.i18n import CONTENT_DIR, LANGUAGES, catalog, default_language
from nnviz.ui.registry import PAGES

ROOT = Path(__file__).resolve().parents[2]


def test_every_string_exists_in_both_languages_and_is_not_empty() -> None:
    for key, entry in catalog().items():
        assert set(entry) == set(LANGUAGES), key
        assert all(isinstance(v, str) and v.strip() for v in entry.values()), key


def test_chinese_strings_are_translated() -> None:
    """Identical en/zh strings are allowed only for names (Sigmoid, tanh, Softmax …)."""
    same = [k for k, v in catalog().items() if v["en"] == v["zh"] and len(v["en"]) > 25]
    assert not same


def test_literal_keys_used_in_code_are_defined() -> None:
    used = set()
    for path in [*ROOT.glob("app_pages/*.py"), *ROOT.glob("nnviz/ui/*.py"), ROOT / "app.py"]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_]+)["']""", path.read_text(encoding="utf-8")))
    assert used, "the scan found the keys"
    assert used - set(catalog()) == set()


def test_dynamic_keys_are_defined() -> None:
    entries = catalog()
    for page in PAGES:
        for suffix in ("title", "lead", "card"):
            assert f"{page.key}.{suffix}" in entries
        for lang in LANGUAGES:
            assert (CONTENT_DIR / lang / f"{page.key}.md").read_text(encoding="utf-8").strip()
        assert f"nav.{page.section}" in entries
    for key in ACTIVATIONS:
        assert f"activations.fn_{key}" in entries and f"activations.note_{key}" in entries


def test_default_language_from_locale() -> None:
    assert default_language("zh-CN") == "zh"
    assert default_language("zh-Hant-TW") == "zh"
    assert default_language("en-GB") == "en"
    assert default_language(None) == "en"


def test_png_export_is_slide_ready() -> None:
    name = png_filename("activations", {"fns": "sigmoid-relu", "x0": 1.5, "custom": "x**2 / (1+x)"})
    assert name.startswith("nnviz-activations-fns_sigmoid-relu-x0_1.5")
    assert re.fullmatch(r"[A-Za-z0-9._-]+", name)
    config = modebar_config(name)
    assert config["toImageButtonOptions"]["scale"] == PNG_SCALE >= 3
    assert config["displaylogo"] is False
