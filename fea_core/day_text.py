"""A day typed as Danes write it (14.03.2026), for the forms where Streamlit's calendar misleads.

Streamlit's date picker takes its calendar's language and first weekday from the browser (an
English browser gets an English calendar starting on Sunday), whatever the session's language,
and the app cannot set them. The follow-up and forløb forms therefore take the day as text in
one fixed Danish form, dd.mm.åååå, and this module reads it. Written by hand because the
general parsers guess: dateutil reads a lone "3" as the 3rd of this month and "03.04" as this
year; a deadline typed half-way must be refused, not guessed.
"""

from __future__ import annotations

import re
from datetime import date

from fea_core.errors import FeaError

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[.\-/]\s*(\d{1,2})\s*[.\-/]\s*(\d{4}|\d{2})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class NotADay(FeaError):
    """The text is not a whole day written as dd.mm.åååå (or ISO 2026-03-14)."""

    code = "day_text.not_a_day"


def format_day(value: date | None) -> str:
    """Return the day as dd.mm.åååå ("" for none)."""
    return f"{value:%d.%m.%Y}" if value else ""


def parse_day(text: object, *, required: bool = True) -> date | None:
    """Return the day written in text (14.03.2026, 14.3.26, 14/3/2026, 14-03-2026 or 2026-03-14).

    An empty text gives None when not required; anything else that is not a real day raises NotADay.
    """
    if not isinstance(text, str):
        raise NotADay()
    cleaned = text.strip()
    if not cleaned:
        if required:
            raise NotADay()
        return None
    if found := _DAY_MONTH_YEAR.fullmatch(cleaned):
        day, month, year = (int(g) for g in found.groups())
        year += 2000 if len(found.group(3)) == 2 else 0
    elif found := _ISO.fullmatch(cleaned):
        year, month, day = (int(g) for g in found.groups())
    else:
        raise NotADay()
    try:
        return date(year, month, day)
    except ValueError:  # 31.02.2026
        raise NotADay() from None
