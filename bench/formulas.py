"""Typed formulas against the symbolic budget: CPU time of the whole pipeline of every formula page.

Run: python3 bench/formulas.py [--generated N] [--pages]. Budget: any accepted formula finishes
its page pipeline in ≤ 0.5 CPU-s; anything else is refused with nnviz's own ExpressionError.
Per category it prints how many inputs were tried, refused, accepted, failed (another exception
or over budget) and the slowest. Not part of the test suite; speed goals live here.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nnviz.core.expr import UNARY_FUNCTIONS, ExpressionError, parse  # noqa: E402
from tests.core.test_expr_hardening import BIG, LEAVES, POWERS, run_core_pipeline  # noqa: E402

BUDGET_S = 0.5
ISSUE = [
    "abs(x)", "relu(x)", "max(x, x^2)", "max(x, 0.01*x)", "1000000**50*1000000**50*x", "sin(1000000**50)",
    "(1/10000)^(-100)*x", "0.0001^(-100)", "1000000^(-60)", "(((x**100)**100)**100)**100", "erf(sqrt(-1)*x)",
    'x # <a href="https://evil.example/">CLICK</a>', "(x+1)**99*(x-1)**99", "exp(" * 39 + "x" + ")" * 39,
    "x**" * 60 + "x", "max(" + ", ".join(["x"] * 39) + ")", "sigmoid(" * 22 + "x" + ")" * 22,
]
WORST = [  # the deepest and widest formulas the budget accepts, found by hand
    "sigmoid(" * 4 + "x*y+x" + ")" * 4, "tanh(" * 8 + "x*y+x" + ")" * 8, "erf(" * 8 + "x*y+x" + ")" * 8,
    "x**x**x**x**x**x**x", "max(x, y, x*y, x-y, 2*x, 3*y, x+y)", "(x+y+1)**100", "(x+1)**99*(x-1)**99",
    "sigmoid(x)*sigmoid(y)*sigmoid(x*y)*sigmoid(x-y)*sigmoid(x+y)*sigmoid(2*x)*sigmoid(3*y)*sigmoid(x/2)",
    "max(sin(x), cos(y), tanh(x*y), exp(-x^2), log(1+y^2), abs(x-y))",
    "log(1+exp(" * 4 + "x*y" + "))" * 4,
]
HOSTILE = [
    "__import__('os').system('id')", "().__class__.__bases__", "lambda: 0", "9**9**9", "x**(10**100)",
    "x" * 10_000, "(" * 199 + "x", "1" * 199, "x.__class__", "globals()", "ｘ＋１", "𝔁²", "x\\\n+1", "x; 1",
    "exp(exp(exp(10)))*x", "max(exp(exp(exp(10))), x)", "log(0)", "1/0", "(-8)^(1/3)*x",
]


def random_formula(rng: random.Random, variables: tuple[str, ...], budget: int) -> str:
    """A formula of the grammar with about ``budget`` leaves (the property tests' grammar)."""
    if budget <= 1 or rng.random() < 0.2:
        return rng.choice([v for v in LEAVES if v not in {"x", "y"} or v in variables] + BIG)
    kind = rng.randrange(4)
    if kind == 0:
        return f"{rng.choice(list(UNARY_FUNCTIONS))}({random_formula(rng, variables, budget - 1)})"
    if kind == 1:
        half = budget // 2
        return (f"({random_formula(rng, variables, half)}){rng.choice('+-*/')}"
                f"({random_formula(rng, variables, budget - half)})")
    if kind == 2:
        return f"({random_formula(rng, variables, budget - 1)})^{rng.choice(POWERS)}"
    n = rng.randint(2, 4)
    args = ", ".join(random_formula(rng, variables, max(budget // n, 1)) for _ in range(n))
    return f"{rng.choice(['max', 'min'])}({args})"


def core_row(name: str, texts: list[str], variables: tuple[str, ...]) -> tuple:
    refused = failed = 0
    slowest = (0.0, "")
    for text in texts:
        start = time.process_time()
        try:
            run_core_pipeline(text, variables)
        except Exception as error:  # noqa: BLE001 - counting what escapes is the point
            failed += 1
            print(f"  FAILED {text!r}: {type(error).__name__}: {error}")
            continue
        spent = time.process_time() - start
        try:
            parse(text, variables)  # cached: tells accepted from refused
        except ExpressionError:
            refused += 1
        if spent > BUDGET_S:
            failed += 1
            print(f"  OVER BUDGET {spent:.2f} s {text!r}")
        slowest = max(slowest, (spent, text))
    return name, len(texts), refused, len(texts) - refused, failed, slowest


def page_rows(texts: list[str]) -> None:
    """The worst formulas through every formula page (AppTest, fresh caches per formula text)."""
    from tests.app.conftest import figures, open_page
    from tests.app.test_hardening import PAGES

    open_page(PAGES[0][0], **PAGES[0][1])  # warm up imports
    for script, params, key, variables in PAGES:
        worst, failed = (0.0, ""), 0
        for text in texts:
            if variables == ("x",) and "y" in text:
                continue
            start = time.process_time()
            at = open_page(script, **params, **{key: text})
            spent = time.process_time() - start
            failed += bool(at.exception) or not figures(at) or spent > BUDGET_S
            worst = max(worst, (spent, text))
        print(f"{script:28} {params}  failed {failed}  slowest {worst[0]:.2f} CPU-s  {worst[1][:50]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, default=300)
    parser.add_argument("--pages", action="store_true", help="also run the worst formulas through AppTest")
    args = parser.parse_args()
    rng = random.Random(12)
    rows = [
        core_row("issue examples", ISSUE, ("x",)),
        core_row("hostile", HOSTILE, ("x",)),
        core_row("worst accepted (x, y)", WORST, ("x", "y")),
        core_row("generated f(x)", [random_formula(rng, ("x",), rng.randint(1, 12)) for _ in range(args.generated)],
                 ("x",)),
        core_row("generated f(x, y)",
                 [random_formula(rng, ("x", "y"), rng.randint(1, 12)) for _ in range(args.generated)], ("x", "y")),
    ]
    print(f"{'category':24} {'tried':>6} {'refused':>8} {'accepted':>9} {'failed':>7}  slowest")
    for name, tried, refused, accepted, failed, (spent, text) in rows:
        print(f"{name:24} {tried:6} {refused:8} {accepted:9} {failed:7}  {spent:.3f} CPU-s {text[:40]!r}")
    if args.pages:
        page_rows(WORST + ISSUE[:4])


if __name__ == "__main__":
    main()
