"""Server-side speed of every page: median AppTest rerun and the JSON size of each chart.

Run: python3 bench/pages.py [--repeats N]. Budget: median rerun ≤ 150 ms, each chart ≤ 1 MB.
Not part of the test suite; speed goals live here, never as timed asserts in tests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

BUDGET_MS = 150.0
BUDGET_BYTES = 1_000_000


@dataclass(frozen=True)
class Scenario:
    """A page view (URL parameters) and one typical interaction on it."""

    script: str
    name: str
    params: dict[str, str | list[str]]
    interact: Callable[[AppTest, int], None]


def _slider(key: str, values: tuple[float, float]) -> Callable[[AppTest, int], None]:
    return lambda at, i: at.slider(key=key).set_value(values[i % 2])


def _text(key: str, values: tuple[str, str]) -> Callable[[AppTest, int], None]:
    return lambda at, i: at.text_input(key=key).set_value(values[i % 2])


SCENARIOS = [
    Scenario("app_pages/home.py", "home", {}, lambda at, i: at.segmented_control(key="lang").set_value(("zh", "en")[i % 2])),
    Scenario("app_pages/activations.py", "activations: curves (move x₀)", {}, _slider("x0", (2.0, -1.5))),
    Scenario("app_pages/activations.py", "activations: depth (change L)", {"view": "depth"}, _slider("depth", (20.0, 5.0))),
    Scenario("app_pages/activations.py", "activations: softmax (temperature)", {"view": "softmax"}, _slider("temp", (3.0, 0.5))),
    Scenario("app_pages/activations.py", "activations: custom (type formula)", {"view": "custom"},
             _text("custom", ("x**3 - x", "sin(x)*exp(-x**2)"))),
    Scenario("app_pages/gradients.py", "gradients: surface & slices (move x₀)", {}, _slider("px", (0.5, -2.0))),
    Scenario("app_pages/gradients.py", "gradients: Rastrigin surface (move y₀)", {"surface": "rastrigin"}, _slider("py", (1.0, -2.0))),
    Scenario("app_pages/gradients.py", "gradients: directional (turn θ)", {"view": "directional"}, _slider("theta", (200.0, 45.0))),
    Scenario("app_pages/gradients.py", "gradients: field Himmelblau (density 31↔17)", {"view": "field", "surface": "himmelblau"},
             _slider("density", (31.0, 17.0))),
    Scenario("app_pages/gradients.py", "gradients: book figure (toggle)", {"view": "field", "book": "true"},
             lambda at, i: at.toggle(key="book").set_value(i % 2 == 1)),
    Scenario("app_pages/gradients.py", "gradients: numerical lab (step h)", {"view": "lab"}, _slider("logh", (-12.0, -2.0))),
    Scenario("app_pages/gradients.py", "gradients: custom f(x, y) (type formula)", {"surface": "custom"},
             _text("fxy", ("x*y*exp(-x^2 - y^2)", "sin(x)*cos(y)"))),
    Scenario("app_pages/gradients.py", "gradients: worked examples (rerun)", {"view": "examples"}, lambda at, i: None),
    Scenario("app_pages/descent.py", "descent: 1-D (change η)", {}, lambda at, i: at.select_slider(key="lr").set_value(("0.8", "0.02")[i % 2])),
    Scenario("app_pages/descent.py", "descent: 2-D book, 3 rates (steps)", {"view": "2d", "lrs": ["10", "0.1", "1e-10"]},
             _slider("steps2", (60.0, 100.0))),
    Scenario("app_pages/descent.py", "descent: 2-D Himmelblau 9 starts + 3-D", {"view": "2d", "surf": "himmelblau", "grid9": "true", "d3": "true"},
             _slider("steps2", (60.0, 100.0))),
    Scenario("app_pages/descent.py", "descent: 2-D custom surface (type)", {"view": "2d", "surf": "custom"},
             _text("f2", ("x**2 + 3*y**2", "(x**2 - 1)**2 + y**2"))),
    Scenario("app_pages/descent.py", "descent: regression w, b standardised (η)", {"view": "reg", "fit": "wb", "stdz": "true"},
             lambda at, i: at.select_slider(key="lr_r").set_value(("0.01", "0.001")[i % 2])),
    Scenario("app_pages/init.py", "init: activations, book default (std)", {},
             lambda at, i: at.select_slider(key="std").set_value(("0.01", "1")[i % 2])),
    Scenario("app_pages/init.py", "init: activations 20×500 ReLU He (zeros)", {"act": "relu", "scheme": "book_he", "layers": "20", "width": "500"},
             lambda at, i: at.toggle(key="nozero").set_value(bool(i % 2))),
    Scenario("app_pages/init.py", "init: gradients (∂L/∂A ↔ ∂L/∂Z)", {"view": "backward"},
             lambda at, i: at.segmented_control(key="grad").set_value(("z", "a")[i % 2])),
    Scenario("app_pages/init.py", "init: compare, book ReLU (layers)", {"view": "compare", "preset": "relu"}, _slider("layers", (10.0, 5.0))),
    Scenario("app_pages/init.py", "init: equal weights (starting value)", {"view": "symmetry"}, _slider("value", (-0.3, 0.5))),
    Scenario("app_pages/optimizers.py", "optimizers: race, book setup (SGD η)", {},
             lambda at, i: at.select_slider(key="sgd_lr").set_value(("0.5", "0.95")[i % 2])),
    Scenario("app_pages/optimizers.py", "optimizers: race, 6 optimizers × 200 steps, noisy (new seed)",
             {"opts": ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"], "steps": "200", "noise": "0.5"},
             lambda at, i: at.slider(key="seed").set_value(i + 1)),
    Scenario("app_pages/optimizers.py", "optimizers: one panel each (Adam β₁)", {"view": "multiples"},
             _slider("adam_beta1", (0.5, 0.9))),
    Scenario("app_pages/optimizers.py", "optimizers: internals (steps)", {"view": "internals"}, _slider("steps", (60.0, 30.0))),
    Scenario("app_pages/optimizers.py", "optimizers: schedules (γ)", {"view": "schedules"}, _slider("gamma", (0.3, 0.5))),
    Scenario("app_pages/optimizers.py", "optimizers: moving averages (days)", {"view": "averaging"}, _slider("days", (90.0, 30.0))),
    Scenario("app_pages/mnist.py", "mnist: book default (one Step)", {}, lambda at, i: at.button(key="step").click()),
    Scenario("app_pages/mnist.py", "mnist: training tick, 10 steps (rerun while running)", {"epochs": "100"},
             lambda at, i: at.button(key="start").click() if i == 0 else None),
    Scenario("app_pages/mnist.py", "mnist: init comparison tick, 3 nets × 10 steps", {"exp": "init", "i_epochs": "100"},
             lambda at, i: at.button(key="start").click() if i == 0 else None),
]


def open_app(scenario: Scenario) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in scenario.params.items():
        at.query_params[key] = value
    at.switch_page(scenario.script)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def median_ms(action: Callable[[int], None], repeats: int) -> float:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        action(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(scenario: Scenario, repeats: int) -> tuple[float, float, list[int]]:
    at = open_app(scenario)
    default = median_ms(lambda i: at.run(), repeats)

    def interact(i: int) -> None:
        scenario.interact(at, i)
        at.run()

    interaction = median_ms(interact, repeats)
    sizes = [len(el.proto.spec) for el in at.get("plotly_chart")]
    return default, interaction, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    rows, ok = [], True
    for scenario in SCENARIOS:
        default, interaction, sizes = measure(scenario, args.repeats)
        within = max(default, interaction) <= BUDGET_MS and all(s <= BUDGET_BYTES for s in sizes)
        ok &= within
        charts = ", ".join(f"{s / 1000:.0f} kB" for s in sizes) or "—"
        rows.append((scenario.name, f"{default:.0f}", f"{interaction:.0f}", charts, "yes" if within else "NO"))
    header = ("view", "rerun ms (median)", "interaction ms (median)", "chart JSON", "within budget")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths)))
    print(f"\nbudget: median rerun ≤ {BUDGET_MS:.0f} ms, each chart ≤ {BUDGET_BYTES / 1e6:.0f} MB -> {'OK' if ok else 'OVER BUDGET'}")


if __name__ == "__main__":
    main()
