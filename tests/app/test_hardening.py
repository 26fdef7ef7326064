"""Issue 12 through the real frame: the links that crashed pages or injected into charts, and
formulas generated from the grammar run through every formula page in both languages."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from tests.app.conftest import assert_clean, figures, open_page
from tests.core.test_expr_hardening import formulas

ACTIVATIONS, DESCENT, OPTIMIZERS, GRADIENTS = (f"app_pages/{p}.py" for p in
                                               ("activations", "descent", "optimizers", "gradients"))
INJECTION = 'x # <a href="https://evil.example/">CLICK</a>'


def shown_text(at) -> str:
    """Everything the page writes, figures included (as the JSON the browser receives)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.body for e in (*at.warning, *at.error, *at.info, *at.success)]
    return "\n".join(parts) + json.dumps(figures(at))


@pytest.mark.parametrize("script,params", [
    (DESCENT, {"view": "1d", "fn": "custom", "f1": "abs(x)"}),
    (OPTIMIZERS, {"view": "race", "surface": "custom", "fxy": "abs(x)+y**2"}),
    (DESCENT, {"view": "2d", "surf": "custom", "f2": "abs(x)+y**2", "lrs": "110"}),
    (DESCENT, {"view": "2d", "surf": "custom", "f2": "abs(x)+y**2", "lrs": "10"}),
    (DESCENT, {"view": "1d", "fn": "custom", "f1": "max(x, x^2)", "x0": "1"}),
    (GRADIENTS, {"view": "directional", "surface": "custom", "fxy": "abs(x)*y + max(x, y)"}),
    (ACTIVATIONS, {"view": "custom", "custom": "relu(x) + min(x, 1)"}),
])
def test_kinks_no_longer_crash_the_pages(script: str, params: dict) -> None:
    for lang in ("en", "zh"):
        at = open_page(script, lang=lang, **params)
        assert_clean(at)
        assert not at.error, [e.value for e in at.error]
        assert figures(at)


def test_a_diverging_run_on_a_kinked_surface_explains_itself() -> None:
    """lr 10 on |x| + y² diverges: the banner (which reads the local lr bound from the Hessian) shows."""
    at = open_page(DESCENT, view="2d", surf="custom", f2="abs(x)+y**2", lrs="10")
    assert_clean(at)
    assert at.warning or at.error


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_comment_in_a_shared_link_cannot_reach_a_chart(lang: str) -> None:
    at = open_page(ACTIVATIONS, lang=lang, view="custom", custom=INJECTION)
    assert_clean(at)
    assert "#" in at.error[0].value and ("comment" in at.error[0].value or "注释" in at.error[0].value)
    text = shown_text(at)
    assert "evil.example" not in text and "<a" not in text and "CLICK" not in text
    assert figures(at)  # the last good formula is drawn


def test_legends_and_captions_show_the_normalised_formula() -> None:
    at = open_page(ACTIVATIONS, view="custom", custom="x^2   +  1")
    assert_clean(at)
    names = [t.get("name") for t in figures(at)[0]["data"]]
    assert "x ** 2 + 1" in names
    at = open_page(ACTIVATIONS, view="custom", custom="x*2*x +")  # fails: the last good one is shown as code
    assert "`" in at.caption[-1].value or any("`x" in c.value for c in at.caption)


@pytest.mark.parametrize("formula,en,zh", [
    ("1000000**50*1000000**50*x", "larger than 1e300", "大于 1e300"),
    ("(1/10000)^(-100)*x", "larger than 1e300", "大于 1e300"),
    ("1000000^(-60)*x", "closer to 0", "接近 0"),
    ("erf(sqrt(-1)*x)", "complex", "复数"),
    ("(((x**100)**100)**100)**100", "exponent", "指数"),
    ("sigmoid(" * 22 + "x" + ")" * 22, "too complex", "过于复杂"),
])
def test_refused_formulas_say_why_in_the_users_language(formula: str, en: str, zh: str) -> None:
    for lang, words in (("en", en), ("zh", zh)):
        at = open_page(ACTIVATIONS, lang=lang, view="custom", custom=formula)
        assert_clean(at)
        assert words in at.error[0].value
        assert figures(at)


@pytest.mark.parametrize("script,params", [
    (DESCENT, {"view": "1d", "fn": "custom", "f1": "(x+1)**99*(x-1)**99"}),
    (DESCENT, {"view": "2d", "surf": "custom", "f2": "(x+y+1)**100"}),
    (ACTIVATIONS, {"view": "custom", "custom": "sin(1000000**50)"}),
])
def test_formulas_that_were_slow_or_crashed_now_draw(script: str, params: dict) -> None:
    at = open_page(script, **params)
    assert_clean(at)
    assert not at.error and figures(at)


def test_polar_profile_at_the_mountain_summit_says_zero_degrees() -> None:
    at = open_page(GRADIENTS, view="directional", surface="mountain", px="0", py="0")
    assert_clean(at)
    lesson = next(m.value for m in at.markdown if "θ = " in m.value)
    assert "(θ = 0.0°)" in lesson


PAGES = [
    (ACTIVATIONS, {"view": "custom"}, "custom", ("x",)),
    (DESCENT, {"view": "1d", "fn": "custom"}, "f1", ("x",)),
    (DESCENT, {"view": "2d", "surf": "custom"}, "f2", ("x", "y")),
    (OPTIMIZERS, {"view": "race", "surface": "custom"}, "fxy", ("x", "y")),
    (GRADIENTS, {"view": "directional", "surface": "custom"}, "fxy", ("x", "y")),
]


@pytest.mark.parametrize("script,params,key,variables", PAGES, ids=lambda p: str(p))
def test_generated_formulas_run_every_formula_page_in_both_languages(script, params, key, variables) -> None:
    @settings(max_examples=6, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(formulas(variables))
    def run(text: str) -> None:
        for lang in ("en", "zh"):
            at = open_page(script, lang=lang, **params, **{key: text})
            assert_clean(at)
            assert figures(at)

    run()


def test_tuning_that_finds_no_rate_says_so() -> None:
    at = open_page(OPTIMIZERS, view="race", surface="custom", fxy="exp(x^2+y^2)", own_start="true",
                   sx_custom="2.5", sy_custom="2.5", mode="tuned", opts=["sgd", "adam"])
    assert_clean(at)
    assert any("Tuning found no rate for SGD" in w.value for w in at.warning), [w.value for w in at.warning]
