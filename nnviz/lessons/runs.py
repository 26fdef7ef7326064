"""Step sliders: one cached longer run answers every shorter request, cut to length.

Iterative runs are their own prefixes (`OptimizerPath.first`, `DescentPath.first`), so a run of
``steps`` is computed to the next multiple of a chunk and cut: moving a steps slider within the
chunks already run costs nothing, and other settings cost at most one chunk more.
"""

from __future__ import annotations


def run_length(steps: int, chunk: int) -> int:
    """The steps to compute for a request of ``steps``: the next multiple of ``chunk`` (at least one chunk)."""
    return max(1, -(-steps // chunk)) * chunk
