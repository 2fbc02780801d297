"""Rows read from the database as a pandas DataFrame, fast."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd


def rows_frame(rows: Iterable[Sequence], columns: list[str]) -> pd.DataFrame:
    """Return the rows (SQLAlchemy's, or any sequences) as a DataFrame with these columns.

    Plain tuples first: given SQLAlchemy's Row objects, pandas probes each one for namedtuple
    fields through Row's slow missing-attribute path (27 ms for 4,800 placements, against 2 ms).
    """
    return pd.DataFrame([tuple(row) for row in rows], columns=columns)
