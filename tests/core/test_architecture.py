"""The core never imports Streamlit; nothing in the app evaluates user text."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import nnviz

ROOT = Path(__file__).resolve().parents[2]


def core_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(nnviz.__path__, "nnviz.")]
    return [n for n in names if not n.startswith("nnviz.ui")]


def test_core_modules_exist() -> None:
    assert {"nnviz.core.expr", "nnviz.core.functions", "nnviz.figures.theme", "nnviz.figures.activations"} <= set(core_modules())


def test_importing_every_core_module_does_not_import_streamlit() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "assert 'streamlit' not in sys.modules, [m for m in sys.modules if m.startswith('streamlit')][:3]\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_no_eval_sympify_or_parse_expr_anywhere() -> None:
    pattern = re.compile(r"\b(eval|exec|sympify|parse_expr)\(")
    files = [*ROOT.glob("nnviz/**/*.py"), *ROOT.glob("app_pages/*.py"), ROOT / "app.py"]
    offenders = [str(p.relative_to(ROOT)) for p in files if pattern.search(p.read_text(encoding="utf-8"))]
    assert not offenders


def test_page_scripts_import_no_numpy_maths_beyond_arrays() -> None:
    """Page scripts stay thin: they may not define functions with maths-sounding names."""
    for script in ROOT.glob("app_pages/*.py"):
        text = script.read_text(encoding="utf-8")
        assert "np.exp(" not in text and "np.log(" not in text, script.name
