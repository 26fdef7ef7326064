"""The one animation builder: which steps become frames, and the controls it adds."""

from __future__ import annotations

import pytest

from nnviz.figures.animation import (
    AnimationLabels,
    add_controls,
    frame_steps,
    frames_within,
)


@pytest.mark.parametrize(("last", "most", "expected"), [(0, 100, [0]), (5, 100, [0, 1, 2, 3, 4, 5]),
                                                       (100, 11, list(range(0, 101, 10)))])
def test_frame_steps_are_evenly_spaced_and_keep_both_ends(last: int, most: int, expected: list[int]) -> None:
    assert frame_steps(last, most) == expected


def test_frame_steps_never_exceed_the_budget() -> None:
    steps = frame_steps(97, 40)
    assert len(steps) <= 40 and steps[0] == 0 and steps[-1] == 97
    assert steps[:-1] == list(range(0, 97, 5)), "a round stride, so the ticks read 0, 5, 10, …"
    assert frame_steps(100, 34) == list(range(0, 101, 5)), "ends at the last step, 100 of 100"
    for last in range(1, 400, 7):
        for most in (2, 10, 34, 100):
            s = frame_steps(last, most)
            assert len(s) <= most and s[0] == 0 and s[-1] == last and len(set(s)) == len(s)
    assert frames_within(60_000, 100) == 100 and frames_within(60_000, 6_000) == 10
    assert frames_within(60_000, 1_000, max_frames=50) == 50


def test_controls_open_on_the_last_frame_and_make_room() -> None:
    layout = {"height": 500, "margin": {"t": 50}}
    add_controls(layout, [0, 5, 10], AnimationLabels("Play", "Pause", "k = "))
    slider, (menu,) = layout["sliders"][0], layout["updatemenus"]
    assert slider["active"] == 2 and [s["label"] for s in slider["steps"]] == ["0", "5", "10"]
    assert [b["label"] for b in menu["buttons"]] == ["▶ Play", "‖ Pause"]
    assert layout["height"] == 570 and layout["margin"]["b"] > 100 and layout["margin"]["t"] == 50
