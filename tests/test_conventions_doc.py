"""docs/conventions.md names the test that holds each convention: those tests must exist."""

from __future__ import annotations

import re
from pathlib import Path

from nnviz.ui.registry import PAGES

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "conventions.md"


def defined_tests() -> set[str]:
    names: set[str] = set()
    for path in ROOT.glob("tests/**/*.py"):
        names |= set(re.findall(r"^\s*def (test_\w+)", path.read_text(encoding="utf-8"), re.M))
    return names


def test_every_named_test_exists() -> None:
    named = set(re.findall(r"`(test_\w+)`", DOC.read_text(encoding="utf-8")))
    assert named, "the conventions name their tests"
    assert named - defined_tests() == set()


def test_every_convention_names_a_test() -> None:
    text = DOC.read_text(encoding="utf-8")
    items = re.split(r"\n(?=- |\| [a-z])", text)
    bare = [item.splitlines()[0] for item in items
            if item.startswith(("- ", "| ")) and not item.startswith("| ---") and "`test_" not in item
            and not item.startswith("| name")]
    assert not bare, bare


def test_the_conventions_stay_short() -> None:
    """At most about 2 kB of conventions per page of the app, on average."""
    assert DOC.stat().st_size <= 2_200 * len(PAGES)
