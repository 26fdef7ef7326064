"""Cached lesson results are shared by every session: read_only makes sure nobody changes them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from nnviz.lessons.frozen import read_only


@dataclass(frozen=True)
class Result:
    values: np.ndarray
    parts: tuple
    table: dict


def test_every_array_inside_is_read_only() -> None:
    r = Result(np.zeros(3), (np.ones(2), [np.arange(4)]), {"a": np.eye(2)})
    assert read_only(r) is r
    for a in (r.values, r.parts[0], r.parts[1][0], r.table["a"]):
        with pytest.raises(ValueError):
            a[0] = 5
    loose = np.zeros(2)
    read_only(None, loose)
    assert not loose.flags.writeable
