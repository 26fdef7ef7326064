"""Property tests draw the same examples on every run, so a CI run is reproducible.

Set ``HYPOTHESIS_PROFILE=explore`` to draw fresh random examples while hunting for bugs.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
