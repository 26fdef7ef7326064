"""Tables the same way on every page: columns of values, every number printed by ``figures.format``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Integral, Real

import pyarrow as pa
import streamlit as st

from nnviz.figures.format import printf
from nnviz.ui.furniture import PRESENTATION_SCALE, presentation

DEFAULT_NUMBER = "%.6g"


def cells(values: Sequence[object], pattern: str | None) -> list[object]:
    """A column as shown: floats (and NaN, ±∞) printed by the one formatter; text and integers as given."""
    if not any(_fractional(v) for v in values):
        return list(values)
    chosen = pattern or DEFAULT_NUMBER
    return [printf(v, chosen) if _fractional(v) else v for v in values]


def _fractional(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, Integral)


def table(columns: Mapping[str, Sequence[object]], formats: Mapping[str, str] | None = None,
          height: int | str = "auto") -> None:
    """Show ``{column title: values}`` full width without the index.

    Numbers read with six significant digits unless ``formats`` gives a printf pattern per column
    ("%.8g", "%.3f"); either way they are printed by ``figures.format``, so no cell shows 17 digits
    and a NaN says NaN. The columns go to Streamlit as an Arrow table (ten times cheaper than pandas).
    In presentation mode the table is HTML, which the presentation CSS enlarges like the text
    around it (a dataframe draws on a canvas at a fixed size).
    """
    formats = formats or {}
    shown = pa.table({name: cells(values, formats.get(name)) for name, values in columns.items()})
    right = {name: st.column_config.TextColumn(alignment="right") for name in columns
             if any(_fractional(v) for v in columns[name])}
    if not presentation():
        st.dataframe(shown, hide_index=True, width="stretch", height=height, column_config=right)
    elif isinstance(height, int):
        with st.container(height=int(height * PRESENTATION_SCALE)):  # as many rows as the dataframe
            st.table(shown, hide_index=True)
    else:
        st.table(shown, hide_index=True)
