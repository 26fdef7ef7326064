"""The layout the tree promises: thin page scripts, a core that knows no page, short functions,
Streamlit only in nnviz/ui, and no user text ever evaluated."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import nnviz

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(ROOT.glob("app_pages/*.py"))
SOURCES = sorted([*ROOT.glob("nnviz/**/*.py"), *PAGES, ROOT / "app.py"])
MAX_FUNCTION_LINES = 60
# What each layer may import from nnviz (besides itself).
ALLOWED = {
    "nnviz.core": set(),
    "nnviz.data": set(),
    "nnviz.lessons": {"nnviz.core"},
    "nnviz.figures": {"nnviz.core", "nnviz.lessons"},  # lessons for the types of what they draw
}


def modules(package: str) -> list[str]:
    pkg = importlib.import_module(package)
    return [package, *(m.name for m in pkgutil.walk_packages(pkg.__path__, f"{package}."))]


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("script", PAGES, ids=[p.stem for p in PAGES])
def test_page_scripts_are_wiring_only(script: Path) -> None:
    """No numpy, sympy or pandas in a page, no private name: the maths lives in nnviz."""
    for node in ast.walk(_tree(script)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            assert not any(a.name.startswith("_") for a in node.names), f"{script.name} imports a private name"
        else:
            names = []
        for name in names:
            assert name.split(".")[0] not in {"numpy", "sympy", "pandas", "math"}, f"{script.name}: {name}"
        if isinstance(node, ast.Attribute):
            assert not (node.attr.startswith("_") and not node.attr.startswith("__")), \
                f"{script.name}:{node.lineno} uses the private {node.attr}"


@pytest.mark.parametrize("script", [*PAGES, ROOT / "app.py"], ids=[p.stem for p in [*PAGES, ROOT / "app.py"]])
def test_scripts_have_no_bare_strings_that_streamlit_magic_would_print(script: Path) -> None:
    """Streamlit writes a script's bare top-level expressions onto the page: a docstring under a
    constant showed above the Optimizers title. Only the module docstring may stand alone."""
    body = _tree(script).body
    bare = [node.lineno for node in body[1:] if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)]
    assert bare == [], f"{script.name}: bare strings on lines {bare} (use a comment)"


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_each_layer_imports_only_the_layers_below_it(layer: str) -> None:
    """Import every module of the layer in a fresh interpreter and look at what came along."""
    code = (
        "import importlib, sys\n"
        f"for name in {modules(layer)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted({m.rsplit('.', 1)[0] if m.count('.') > 1 else m for m in sys.modules if m.startswith('nnviz.')}))\n"
        "print('streamlit' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
    loaded, streamlit = out.stdout.strip().splitlines()
    layers = {".".join(m.split(".")[:2]) for m in ast.literal_eval(loaded)}
    assert layers <= {layer, *ALLOWED[layer]}, f"{layer} pulls in {sorted(layers - {layer, *ALLOWED[layer]})}"
    assert streamlit == "False"


def test_streamlit_is_imported_only_by_the_ui_the_frame_and_the_pages() -> None:
    for path in ROOT.glob("nnviz/**/*.py"):
        if path.parts[-2] == "ui" or "ui" in path.relative_to(ROOT / "nnviz").parts[:1]:
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from) streamlit", text, re.M), path


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_no_function_is_longer_than_sixty_lines(path: Path) -> None:
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)" for node in ast.walk(_tree(path))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, long


def test_no_eval_sympify_or_parse_expr_anywhere() -> None:
    pattern = re.compile(r"\b(eval|exec|sympify|parse_expr)\(")
    offenders = [str(p.relative_to(ROOT)) for p in SOURCES if pattern.search(p.read_text(encoding="utf-8"))]
    assert not offenders


def test_the_layout_exists() -> None:
    """The tree explains the architecture: these are its rooms."""
    for package in ("nnviz.core", "nnviz.lessons", "nnviz.figures", "nnviz.data", "nnviz.ui"):
        assert importlib.import_module(package).__doc__, f"{package} says what it is for"
    assert not (ROOT / "pages").exists(), "a top-level pages/ folder switches Streamlit to its legacy runner"
    assert {p.stem for p in PAGES} >= {"home", "activations", "gradients", "descent", "init", "optimizers", "mnist"}
    assert nnviz.__doc__
