"""Database rows as the domain's frozen dataclasses: one mapping for every table whose columns
carry the dataclass's field names."""

from __future__ import annotations

from dataclasses import fields
from datetime import date


def stored_date(text: str | None) -> date | None:
    """Return a date column (stored as ISO text, "" or NULL when unset) as a date or None."""
    return date.fromisoformat(text) if text else None


def from_row(cls, row, *, dates: tuple[str, ...] = ("deadline",)):
    """Return ``cls`` built from the row's columns of the same names; ``dates`` are ISO text columns."""
    return cls(**{f.name: stored_date(getattr(row, f.name)) if f.name in dates else getattr(row, f.name)
                  for f in fields(cls)})
