"""What a projector shows, measured in the browser: overlapping chart text, metric sizes, the fold.

Each function runs one piece of JavaScript in the page and returns plain data, so a test can
assert on it and a failure message names the texts that collide.
"""

from __future__ import annotations

# Text boxes of every 2-D Plotly chart: titles, axis titles, tick labels of every subplot (`xtick`,
# `x2tick`, …; a polar chart's angles too),
# legend entries, annotations, the labels of marks on a polar chart; and the plot areas (one per
# cartesian subplot). 3-D scenes draw in WebGL.
CHART_TEXT_JS = """
() => {
  const kinds = [
    ['title', '.g-gtitle text'], ['axis title', '.g-xtitle text, .g-ytitle text, [class^="g-x"][class$="title"] text, [class^="g-y"][class$="title"] text'],
    ['tick', 'g[class$="tick"] > text'], ['legend', '.legend .legendtext'],
    ['point label', '.polarlayer .textpoint text'],
    ['annotation', '.annotation-text'], ['colorbar', '.colorbar text'],
  ];
  const visible = r => r.width > 0.5 && r.height > 0.5;
  return [...document.querySelectorAll("[data-testid='stPlotlyChart']")].map((chart, index) => {
    const svg = chart.querySelector('.main-svg');
    const frame = svg ? svg.getBoundingClientRect() : chart.getBoundingClientRect();
    const texts = [];
    const seen = new Set();
    for (const [kind, selector] of kinds) {
      for (const el of chart.querySelectorAll(selector)) {
        if (seen.has(el) || !el.textContent.trim()) continue;
        seen.add(el);
        const style = getComputedStyle(el);
        if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') continue;
        const r = el.getBoundingClientRect();
        if (!visible(r)) continue;
        // The glyphs' em box: a text's client box also holds its font's line gap (a CJK font adds
        // a third of the size), which would make neighbours that do not touch look overlapping.
        const em = Math.min(parseFloat(style.fontSize) || r.height, r.height), middle = (r.top + r.bottom) / 2;
        texts.push({kind, text: el.textContent.trim().slice(0, 40),
                    box: [r.left, middle - em / 2, r.right, middle + em / 2]});
      }
    }
    const plots = [...chart.querySelectorAll('.nsewdrag')].map(el => {
      const r = el.getBoundingClientRect();
      return {subplot: el.getAttribute('data-subplot') || '', box: [r.left, r.top, r.right, r.bottom]};
    }).filter(p => p.box[2] - p.box[0] > 1);
    return {index, frame: [frame.left, frame.top, frame.right, frame.bottom], texts, plots};
  });
}
"""

FONT_SIZES_JS = """
(pairs) => pairs.map(([outer, inner]) => [...document.querySelectorAll(outer)].map(el => {
  const target = inner ? el.querySelector(inner) : el;
  return target ? parseFloat(getComputedStyle(target).fontSize) : null;
}))
"""

METRICS_JS = """
() => [...document.querySelectorAll("[data-testid='stMetric']")].map(m => {
  const size = sel => {
    const el = m.querySelector(sel);
    if (!el) return null;
    const deepest = el.querySelector('p, div:not(:has(*))') || el;
    return parseFloat(getComputedStyle(deepest).fontSize);
  };
  return {label: size("[data-testid='stMetricLabel']"), value: size("[data-testid='stMetricValue']"),
          text: m.innerText.slice(0, 60)};
})
"""

FIRST_CHART_JS = """
() => {
  const chart = document.querySelector("[data-testid='stMain'] [data-testid='stPlotlyChart']");
  if (!chart) return null;
  const r = chart.getBoundingClientRect();
  return {top: r.top + window.scrollY, height: window.innerHeight};
}
"""

CLIPPED_CONTROLS_JS = """
() => [...document.querySelectorAll("[data-testid='stMain'] button")].filter(b => {
  const r = b.getBoundingClientRect();
  return r.width > 0 && b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1;
}).map(b => b.innerText.slice(0, 40))
"""

# Page names and section headers in the sidebar's navigation that do not show whole: a text ending
# in an ellipsis, or laid out beyond the box of an element (up to the sidebar) that cuts it off; the
# sidebar itself may scroll down.
TRUNCATED_NAV_JS = """
() => {
  const sidebar = document.querySelector("[data-testid='stSidebar']");
  const items = [...document.querySelectorAll("[data-testid='stSidebarNav'] :is([data-testid='stSidebarNavLink'], [data-testid='stNavSectionHeader'])")];
  const cut = item => {
    if (item.innerText.trim().endsWith('\u2026')) return true;
    const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || node.parentElement.closest("[data-testid='stIconMaterial']")) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const text = range.getBoundingClientRect();
      for (let el = node.parentElement; el && el !== sidebar.parentElement; el = el.parentElement) {
        const style = getComputedStyle(el), box = el.getBoundingClientRect();
        if (style.overflowX !== 'visible' && (text.left < box.left - 1 || text.right > box.right + 1)) return true;
        if (['hidden', 'clip'].includes(style.overflowY) && (text.top < box.top - 1 || text.bottom > box.bottom + 1)) return true;
      }
    }
    return false;
  };
  return items.filter(item => item.getBoundingClientRect().width > 0 && cut(item))
    .map(item => item.innerText.trim().replace(/\\s+/g, ' ').slice(0, 60));
}
"""

Box = list[float]
SLACK = 1.0  # px: text boxes touching at an edge do not overlap


def intersects(a: Box, b: Box, slack: float = SLACK) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def inside(inner: Box, outer: Box, slack: float = SLACK) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def chart_problems(charts: list[dict]) -> list[str]:
    """Every pair of chart texts that intersect, every text outside its chart, every title or
    tick label over a plot area (annotations and legends may sit on a plot on purpose)."""
    problems = []
    for chart in charts:
        texts = chart["texts"]
        for i, a in enumerate(texts):
            if not inside(a["box"], chart["frame"]):
                problems.append(f"chart {chart['index']}: {a['kind']} {a['text']!r} clipped by the chart edge")
            for b in texts[i + 1:]:
                if intersects(a["box"], b["box"]):
                    problems.append(f"chart {chart['index']}: {a['kind']} {a['text']!r} overlaps "
                                    f"{b['kind']} {b['text']!r}")
            if a["kind"] in ("axis title", "tick", "title"):
                problems += [f"chart {chart['index']}: {a['kind']} {a['text']!r} over plot {p['subplot']}"
                             for p in chart["plots"] if intersects(a["box"], p["box"], 2.0)]
    return problems


def measure_charts(page) -> list[str]:  # noqa: ANN001
    return chart_problems(page.evaluate(CHART_TEXT_JS))


def metric_sizes(page) -> list[dict]:  # noqa: ANN001
    return page.evaluate(METRICS_JS)


def first_chart_top(page) -> dict | None:  # noqa: ANN001
    return page.evaluate(FIRST_CHART_JS)


def truncated_nav_labels(page) -> list[str]:  # noqa: ANN001
    return page.evaluate(TRUNCATED_NAV_JS)


def clipped_buttons(page) -> list[str]:  # noqa: ANN001
    return page.evaluate(CLIPPED_CONTROLS_JS)
