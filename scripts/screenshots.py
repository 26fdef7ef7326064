"""Take the README's screenshots: each page in English and Chinese, and presentation mode at 1280×720.

Run from the repository root after `pip install -r requirements-dev.txt`, with Debian's Chromium:
    python3 scripts/screenshots.py [--out docs/screenshots]
A fresh server is started; every shot waits until the script has finished, every chart is drawn
and the page has stopped changing. Pages come in navigation order; the MNIST page first trains a few
epochs and the regularisation page and the playground train to their last epoch, so their curves show.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Server, wait_for_app  # noqa: E402

# (file stem, link, charts, width, height)
SHOTS = [
    *((f"{page}-{lang}", f"{link}{'&' if '?' in link else '?'}lang={lang}", charts, 1600, 900)
      for page, link, charts in (
          ("perceptron", "perceptron?view=forward", 1),
          ("activations", "activations", 1),
          ("losses", "losses?view=softmax", 2),
          ("gradients", "gradients", 2),
          ("backprop", "backprop", 1),
          ("descent", "descent?view=2d&surf=himmelblau&grid9=true", 1),
          ("optimizers", "optimizers?view=multiples", 1),
          ("init", "init?view=compare", 2),
          ("regularization", "regularization?speed=fast", 1),
          ("mnist", "mnist?speed=fast", 1),
          ("playground", "playground?speed=fast", 3),
      )
      for lang in ("en", "zh")),
    ("present-en", "descent?lang=en&present=true", 1, 1280, 720),
    ("present-zh", "activations?lang=zh&present=true", 1, 1280, 720),
]
MAX_TOTAL_BYTES = 4_000_000
MNIST_EPOCHS = 4
TRAINED_TO_END = ("regularization", "playground")


def settle(page) -> None:  # noqa: ANN001 - a Playwright Page
    """Wait until the DOM has not changed for half a second (fonts, Plotly's last redraw)."""
    page.wait_for_function(
        """() => new Promise(done => {
            let quiet = setTimeout(() => { observer.disconnect(); done(true); }, 500);
            const observer = new MutationObserver(() => { clearTimeout(quiet);
                quiet = setTimeout(() => { observer.disconnect(); done(true); }, 500); });
            observer.observe(document.body, {subtree: true, childList: true, attributes: true});
        })""",
        timeout=60_000,
    )


def train(page, epochs: int) -> None:  # noqa: ANN001
    """Press the Epoch button ``epochs`` times, each time until the progress line shows that epoch."""
    for epoch in range(1, epochs + 1):
        page.get_by_role("button", name="Epoch").or_(page.get_by_role("button", name="一轮")).first.click()
        page.wait_for_function(
            "(e) => [...document.querySelectorAll('[data-testid=\"stProgress\"] p')]"
            ".some(p => new RegExp('^(Epoch|第) ' + e + ' /').test(p.innerText))",
            arg=epoch, timeout=180_000,
        )
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)


def train_to_end(page) -> None:  # noqa: ANN001
    """Press Start and wait until the progress line shows the last epoch ("Epoch 200 / 200")."""
    start = page.get_by_role("button", name="Start", exact=True).or_(page.get_by_role("button", name="开始", exact=True))
    start.first.click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stProgress\"] p')]"
        ".some(p => { const m = p.innerText.match(/(\\d+) \\/ (\\d+)/); return m && m[1] === m[2]; })",
        timeout=300_000,
    )
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    server = Server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for stem, link, charts, width, height in SHOTS:
                page = browser.new_page(viewport={"width": width, "height": height}, locale="en-US")
                page.goto(f"{server.url}/{link}", timeout=90_000)
                wait_for_app(page, charts)
                if stem.startswith("mnist"):
                    train(page, MNIST_EPOCHS)
                elif stem.startswith(TRAINED_TO_END):
                    train_to_end(page)
                page.mouse.move(1, height - 1)  # off the button just pressed: no tooltip in the picture
                settle(page)
                page.screenshot(path=str(args.out / f"{stem}.png"))
                page.close()
                print(f"{stem}.png")
            browser.close()
    finally:
        server.stop()
    total = sum(f.stat().st_size for f in args.out.glob("*.png"))
    print(f"{len(list(args.out.glob('*.png')))} files, {total / 1e6:.1f} MB")
    if total > MAX_TOTAL_BYTES:
        sys.exit(f"the screenshots weigh {total / 1e6:.1f} MB, more than {MAX_TOTAL_BYTES / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
