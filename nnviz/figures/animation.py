"""One way to animate a figure in the browser: Plotly frames with Play / Pause and a step slider.

Frames are named by their step and carry only the traces that move. The figure opens on its
last frame (the whole path, ready for a slide); nothing runs on the server while it plays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.figures import theme


@dataclass(frozen=True)
class AnimationLabels:
    """Translated text of the animation controls."""

    play: str
    pause: str
    step: str  # the slider's prefix, e.g. "step k = "


NICE_STRIDES = (1, 2, 5)


def frame_steps(last: int, max_frames: int = 100) -> list[int]:
    """Steps 0 … last (both included) at a round stride (1, 2, 5, 10, 20, …), at most ``max_frames``:
    the slider's ticks read 0, 5, 10, … and the last one is the run's last step."""
    if last <= 0:
        return [0]
    needed = last / max(max_frames - 1, 1)
    stride = next(m * 10**e for e in range(12) for m in NICE_STRIDES if m * 10**e >= needed)
    steps = list(range(0, last + 1, stride))
    return steps if steps[-1] == last else [*steps, last]


def frames_within(budget: int, numbers_per_frame: int, max_frames: int = 100, min_frames: int = 10) -> int:
    """How many frames keep the numbers sent over all frames within ``budget`` (at least ``min_frames``)."""
    return int(max(min_frames, min(max_frames, budget // max(numbers_per_frame, 1))))


FRAME_NUMBERS = 30_000
"""Path coordinates sent over all frames of one animation: about 200 kB of JSON."""


def growing_path_steps(lengths: list[int], max_frames: int = 100) -> list[int]:
    """The steps that become frames when paths of these lengths grow frame by frame: as many as fit
    FRAME_NUMBERS (two numbers per iterate, a path half drawn on average), at least 10, at most max_frames."""
    per_frame = sum(lengths)
    return frame_steps(max(lengths, default=1) - 1, frames_within(FRAME_NUMBERS, per_frame, max_frames))


def add_controls(layout: dict, steps: list[int], labels: AnimationLabels, presentation: bool = False,
                 redraw: bool = False) -> None:
    """Play / Pause buttons and a step slider below the x-axis titles, set to the last frame.

    Grows the figure by the room the controls need. ``redraw`` is needed for heatmaps.
    """
    names = [str(int(k)) for k in steps]
    duration = int(np.clip(4000 / max(len(names), 1), 40, 300))
    size = theme.font_size(presentation)
    below = 84 if presentation else 62  # pixels from the plot area down to the controls (under the x titles)
    bottom = below + (78 if presentation else 62)  # room for the buttons and the slider with its ticks
    layout["height"] = layout.get("height", theme.height(presentation)) + 70
    plot_height = layout["height"] - layout.get("margin", {}).get("t", 60) - bottom
    y = -below / max(plot_height, 200)
    still = {"frame": {"duration": 0, "redraw": redraw}, "mode": "immediate", "transition": {"duration": 0}}
    layout["updatemenus"] = [{
        "type": "buttons", "direction": "left", "showactive": False, "x": 0, "y": y,
        "xanchor": "left", "yanchor": "top", "pad": {"t": 0, "r": 10}, "font": {"size": size},
        "buttons": [
            {"label": f"▶ {labels.play}", "method": "animate",
             "args": [None, {"frame": {"duration": duration, "redraw": redraw}, "fromcurrent": False,
                             "transition": {"duration": 0}, "mode": "immediate"}]},
            {"label": f"‖ {labels.pause}", "method": "animate", "args": [[None], still]},
        ],
    }]
    layout["sliders"] = [{
        "active": len(names) - 1, "x": 0.22, "len": 0.78, "y": y, "yanchor": "top", "pad": {"t": 0, "b": 0},
        "currentvalue": {"prefix": labels.step, "font": {"size": size}, "xanchor": "right"},  # clear of the buttons
        "font": {"size": max(size - 5, 10), "color": "#666"}, "ticklen": 4, "minorticklen": 0,
        "steps": [{"label": name, "method": "animate", "args": [[name], still]} for name in names],
    }]
    layout["margin"] = {**layout.get("margin", {}), "b": bottom}
