"""Figures of the Weight-initialisation page.

Builders take histogram counts, statistics and already-translated text; they
know nothing of Streamlit and work in either language.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnviz.figures import theme

MAX_COLUMNS = 10  # histogram panels per row: beyond that they get too narrow to read
MAX_FRAMES = 41  # animation frames for the symmetry demo
# Blue (negative) – white (0) – red (positive), ColorBrewer RdBu. Spelled out because the
# unvalidated figure passes names straight to plotly.js, whose "RdBu" runs the other way.
DIVERGING = [[0.0, "#2166ac"], [0.25, "#67a9cf"], [0.5, "#f7f7f7"], [0.75, "#ef8a62"], [1.0, "#b2182b"]]


@dataclass(frozen=True)
class HistPanel:
    """One histogram: counts over shared edges, ``total`` values it is a share of, and its title."""

    counts: np.ndarray
    edges: np.ndarray
    total: int
    title: str = ""


def layer_columns(layers: int, max_columns: int = MAX_COLUMNS) -> list[int]:
    """Indices of the layers to show in one row: all of them, or ``max_columns`` evenly spaced ones
    that always include the first and the last layer."""
    if layers <= max_columns:
        return list(range(layers))
    return sorted({int(round(i)) for i in np.linspace(0, layers - 1, max_columns)})


def wrap_rows(items: list, max_columns: int = MAX_COLUMNS) -> list[list]:
    """Split ``items`` into rows of equal length (as equal as possible), at most ``max_columns`` each."""
    n_rows = max(1, -(-len(items) // max_columns))
    per_row = -(-len(items) // n_rows)
    return [items[i:i + per_row] for i in range(0, len(items), per_row)]


def _ticks(lo: float, hi: float) -> dict:
    """Ends and middle for the fixed ranges (0, 1) and (−1, 1); otherwise three round ticks."""
    if (lo, hi) in ((0.0, 1.0), (-1.0, 1.0)):
        values = [lo, (lo + hi) / 2, hi]
        return {"tickvals": values, "ticktext": [f"{v:g}" for v in values]}
    return {"nticks": 3, "exponentformat": "e"}


def histogram_grid(
    rows: list[list[HistPanel]],
    x_title: str,
    y_title: str,
    row_labels: list[str] | None = None,
    hover_range: str = "range",
    hover_share: str = "share",
    presentation: bool = False,
) -> go.Figure:
    """Rows of histogram panels drawn as touching bars, in % of each panel's ``total``.

    Panels in a row share their y range (so a spike and a spread compare fairly) and are
    coloured by row. ``row_labels`` go in the left margin, one per row.
    """
    n_rows = len(rows)
    n_cols = max(len(r) for r in rows)
    has_titles = any(p.title for r in rows for p in r)
    title_room = 0.09 if has_titles else 0.0
    hgap = 0.012 if n_cols > 6 else 0.02
    vgap = (0.10 if has_titles else 0.05) if n_rows > 1 else 0.0
    col_w = (1 - hgap * (n_cols - 1)) / n_cols
    row_h = (1 - title_room - vgap * (n_rows - 1)) / n_rows
    data: list[dict] = []
    layout: dict = {"annotations": [], "bargap": 0, "showlegend": False}
    title_font = {"size": theme.subplot_title_size(presentation)}
    tick_font = {"size": theme.font_size(presentation) - (3 if n_cols > 6 else 1)}
    k = 0
    for r, row in enumerate(rows):
        color = theme.OKABE_ITO[r % 8] if row_labels else theme.OKABE_ITO[0]
        top = round(1 - title_room - r * (row_h + vgap), 6)
        shares = [100 * p.counts / max(p.total, 1) for p in row]
        y_max = max(float(np.max(s)) for s in shares) if shares else 1.0
        y_max = 1.08 * y_max if y_max > 0 else 1.0
        for c, (panel, share) in enumerate(zip(row, shares)):
            k += 1
            suffix = "" if k == 1 else str(k)
            x0 = c * (col_w + hgap)
            centres = (panel.edges[:-1] + panel.edges[1:]) / 2
            lo, hi = float(panel.edges[0]), float(panel.edges[-1])
            data.append({
                "type": "bar", "x": np.round(centres, 6), "y": np.round(share, 4),
                "width": float(panel.edges[1] - panel.edges[0]), "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
                "marker": {"color": color, "line": {"color": "white", "width": 0.5}},
                "customdata": np.round(np.column_stack([panel.edges[:-1], panel.edges[1:]]), 6),
                "hovertemplate": f"{hover_range}: [%{{customdata[0]:.3g}}, %{{customdata[1]:.3g}})<br>"
                                 f"{hover_share}: %{{y:.2f}} %<extra>{panel.title}</extra>",
            })
            layout[f"xaxis{suffix}"] = {
                "domain": [round(x0, 6), min(1.0, round(x0 + col_w, 6))], "anchor": f"y{suffix}", "range": [lo, hi], "showgrid": False,
                "zeroline": False, "tickfont": tick_font, "tickangle": 0, **_ticks(lo, hi),
                "title": {"text": x_title if r == n_rows - 1 and c == 0 and n_cols < 4 else ""},
            }
            layout[f"yaxis{suffix}"] = {
                "domain": [max(0.0, round(top - row_h, 6)), top], "anchor": f"x{suffix}", "range": [0, y_max],
                "showticklabels": c == 0, "tickfont": tick_font, "zeroline": False,
                "title": {"text": y_title if c == 0 and not row_labels else ""}, "nticks": 4,
            }
            if panel.title:
                layout["annotations"].append({
                    "text": panel.title, "x": x0 + col_w / 2, "y": top, "xref": "paper", "yref": "paper",
                    "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": title_font,
                })
        if row_labels:
            layout["annotations"].append({
                "text": row_labels[r], "x": 0, "y": top - row_h / 2, "xref": "paper", "yref": "paper",
                "xanchor": "right", "yanchor": "middle", "xshift": -50 if presentation else -40,
                "showarrow": False, "align": "right",
                "font": {"size": theme.font_size(presentation) + 1, "color": color},
            })
    if row_labels:  # the y unit once, above the row labels
        layout["annotations"].append({
            "text": y_title, "x": 0, "y": 1, "xref": "paper", "yref": "paper", "xanchor": "right",
            "yanchor": "bottom", "xshift": -10, "showarrow": False,
            "font": {"size": theme.font_size(presentation) - 2, "color": "#555"},
        })
    if n_cols >= 4:  # one shared x title under the grid instead of a crowded one per panel
        layout["annotations"].append({
            "text": x_title, "x": 0.5, "y": -0.02, "xref": "paper", "yref": "paper", "xanchor": "center",
            "yanchor": "top", "yshift": -28 if presentation else -22, "showarrow": False,
            "font": {"size": theme.font_size(presentation) + 1},
        })
    left = (250 if presentation else 190) if row_labels else 70
    per_row = (240 if presentation else 200) if n_rows > 1 else (380 if presentation else 330)
    layout["margin"] = {"l": left, "r": 15, "t": 30 if has_titles else 15, "b": 85 if presentation else 70}
    layout["height"] = per_row * n_rows + layout["margin"]["t"] + layout["margin"]["b"] + 40 * has_titles
    return theme.figure(data, layout, presentation)


def std_by_layer(
    panels: list[tuple[str, str, list[tuple[str, np.ndarray]]]],
    x_title: str,
    presentation: bool = False,
) -> go.Figure:
    """One or two log-scale line charts of a per-layer std against the layer number.

    ``panels`` = [(title, y title, [(series name, values per layer), …]), …]. Zeros and
    non-finite values (a gradient that underflowed) are left as gaps.
    """
    data: list[dict] = []
    depth = 1
    for p, (_, _, series) in enumerate(panels):
        for i, (name, values) in enumerate(series):
            style = theme.series_style(i, presentation)
            v = np.asarray(values, dtype=float)
            y = [float(f"{x:.4g}") if np.isfinite(x) and x > 0 else None for x in v]
            depth = max(depth, len(v))
            data.append({
                "type": "scatter", "x": list(range(1, len(v) + 1)), "y": y, "mode": "lines+markers", "name": name,
                "legendgroup": name, "showlegend": p == 0, "line": style["line"], "marker": style["marker"],
                "xaxis": "x" if p == 0 else "x2", "yaxis": "y" if p == 0 else "y2",
                "hovertemplate": f"{name}<br>%{{x}}: %{{y:.3g}}<extra></extra>",
            })
    if len(panels) == 2:
        layout = theme.side_by_side((panels[0][0], panels[1][0]), presentation, gap=0.1)
    else:
        layout = {"title": {"text": panels[0][0]}}
    for p, (_, y_title, _) in enumerate(panels):
        suffix = "" if p == 0 else "2"
        layout.setdefault(f"xaxis{suffix}", {}).update(
            title={"text": x_title}, dtick=1 if depth <= 10 else 2, range=[0.6, depth + 0.4])
        layout.setdefault(f"yaxis{suffix}", {}).update(
            title={"text": y_title}, type="log", exponentformat="power")
    layout["legend"] = {"orientation": "h", "yanchor": "bottom", "y": 1.1 if len(panels) == 2 else 1.02,
                        "x": 0}
    layout["margin"] = {"t": 120 if presentation else 100}
    return theme.figure(data, layout, presentation)


def symmetry_figure(
    panels: list[tuple[str, np.ndarray, np.ndarray]],
    unit_labels: list[str],
    weight_labels: list[str],
    step_label: str,
    play: str,
    pause: str,
    presentation: bool = False,
) -> go.Figure:
    """Side-by-side heatmaps of each hidden unit's weights, animated over the training steps.

    ``panels`` = [(title, hidden_weights (steps+1, H, 2), output_weights (steps+1, H)), …].
    Row j is hidden unit j: its weights from x₁ and x₂ and its weight to the output. One
    colour scale (centred on 0, fixed over all steps) so colours compare across panels and
    frames; the values are printed in the cells. Play/Pause and a step slider run in the browser.
    """
    steps = panels[0][1].shape[0] - 1
    shown = sorted({int(round(s)) for s in np.linspace(0, steps, min(MAX_FRAMES, steps + 1))})
    matrices = [np.concatenate([hw, ow[:, :, None]], axis=2) for _, hw, ow in panels]
    zmax = max(float(np.max(np.abs(m))) for m in matrices) or 1.0
    gap = 0.12
    width = (1 - gap * (len(panels) - 1)) / len(panels)
    text_size = theme.font_size(presentation) + (2 if presentation else 1)

    def traces(step: int) -> list[dict]:
        return [{
            "type": "heatmap", "z": np.round(m[step], 3), "x": weight_labels, "y": unit_labels,
            "zmin": -zmax, "zmax": zmax, "colorscale": DIVERGING,
            "texttemplate": "%{z:.2f}", "textfont": {"size": text_size}, "xgap": 3, "ygap": 3,
            "showscale": p == len(panels) - 1, "colorbar": {"thickness": 18 if presentation else 14, "len": 0.8},
            "xaxis": "x" if p == 0 else f"x{p + 1}", "yaxis": "y" if p == 0 else f"y{p + 1}",
            "hovertemplate": "%{y} · %{x}: %{z:.4f}<extra></extra>",
        } for p, m in enumerate(matrices)]

    layout: dict = {"annotations": []}
    for p, (title, _, _) in enumerate(panels):
        suffix = "" if p == 0 else str(p + 1)
        x0 = p * (width + gap)
        layout[f"xaxis{suffix}"] = {"domain": [x0, x0 + width], "anchor": f"y{suffix}", "side": "top",
                                    "showgrid": False, "zeroline": False, "showline": False, "ticks": ""}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "autorange": "reversed", "showgrid": False,
                                    "zeroline": False, "showline": False, "ticks": "", "domain": [0, 0.86]}
        layout["annotations"].append({
            "text": f"<b>{title}</b>", "x": x0 + width / 2, "y": 1.0, "xref": "paper", "yref": "paper",
            "xanchor": "center", "yanchor": "bottom", "showarrow": False,
            "font": {"size": theme.subplot_title_size(presentation)},
        })
    # Frames carry only what changes (z).
    frames = [{"name": str(s), "traces": list(range(len(matrices))),
               "data": [{"type": "heatmap", "z": np.round(m[s], 3)} for m in matrices]} for s in shown]
    slider_font = {"size": theme.font_size(presentation)}
    layout["sliders"] = [{
        "active": len(shown) - 1, "x": 0.2, "len": 0.8, "y": -0.04, "yanchor": "top",
        "currentvalue": {"prefix": f"{step_label}: ", "font": slider_font}, "font": slider_font,
        "steps": [{"label": str(s), "method": "animate",
                   "args": [[str(s)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                                       "transition": {"duration": 0}}]} for s in shown],
    }]
    layout["updatemenus"] = [{
        "type": "buttons", "direction": "left", "x": 0.0, "y": -0.04, "xanchor": "left", "yanchor": "top",
        "pad": {"t": 30 if presentation else 24}, "font": slider_font, "showactive": False,
        "buttons": [
            {"label": f"▶ {play}", "method": "animate",
             "args": [None, {"frame": {"duration": 120, "redraw": True}, "fromcurrent": True,
                             "transition": {"duration": 0}}]},
            {"label": f"❚❚ {pause}", "method": "animate",
             "args": [[None], {"mode": "immediate", "frame": {"duration": 0, "redraw": False}}]},
        ],
    }]
    layout["margin"] = {"t": 90 if presentation else 75, "b": 150 if presentation else 120, "l": 110, "r": 20}
    layout["height"] = 600 if presentation else 500
    return theme.figure(traces(shown[-1]), layout, presentation, frames=frames)


def loss_figure(series: list[tuple[str, np.ndarray]], title: str, x_title: str, y_title: str,
                presentation: bool = False) -> go.Figure:
    """Training loss against the step for each initialisation (log y)."""
    data = []
    for i, (name, loss) in enumerate(series):
        style = theme.series_style(i, presentation)
        data.append({"type": "scatter", "x": np.arange(len(loss)), "y": np.round(loss, 8), "mode": "lines",
                     "name": name, "line": style["line"]})
    layout = {
        "title": {"text": title},
        "xaxis": {"title": {"text": x_title}},
        "yaxis": {"title": {"text": y_title}, "type": "log", "exponentformat": "power"},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        "height": 420 if presentation else 360,
    }
    return theme.figure(data, layout, presentation)
