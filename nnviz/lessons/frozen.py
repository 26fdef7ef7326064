"""Lesson results are shared by every session (they are cached): their arrays must not change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def _freeze(value: object, seen: set[int]) -> None:
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, (tuple, list)):
        for item in value:
            _freeze(item, seen)
    elif isinstance(value, Mapping):
        for item in value.values():
            _freeze(item, seen)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            _freeze(getattr(value, f.name), seen)


def read_only(first: T, *more: object) -> T:
    """Make every NumPy array in the values read-only, looking inside tuples, lists, mappings and
    dataclasses; returns the first value, so a cached function can ``return read_only(result)``."""
    seen: set[int] = set()
    for value in (first, *more):
        _freeze(value, seen)
    return first
