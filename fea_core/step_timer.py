"""The optional step timer ("3 min til at vurdere"): pure arithmetic, no I/O.

The database keeps only when the timer ends (workshops.timer_ends_at) and how long it was set
for (workshops.timer_seconds); every screen and phone counts down in the browser from that, so a
running timer costs no script runs.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

PRESET_MINUTES = (1, 2, 3, 5)
MIN_SECONDS = 10
MAX_SECONDS = 60 * 60  # a step, not a day


def check_seconds(seconds: object) -> int:
    """Return a timer length as whole seconds; ValueError unless it is a number within the limits."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds):
        raise ValueError(f"not a timer length: {seconds!r}")
    whole = int(round(seconds))
    if not MIN_SECONDS <= whole <= MAX_SECONDS:
        raise ValueError(f"timer length {whole} s outside {MIN_SECONDS}-{MAX_SECONDS} s")
    return whole


def start(now: datetime, seconds: object) -> datetime:
    """Return when a timer started ``now`` for ``seconds`` ends (timezone-aware UTC)."""
    return _utc(now) + timedelta(seconds=check_seconds(seconds))


def remaining(ends_at: datetime | None, now: datetime) -> int | None:
    """Return the whole seconds left (0 once run out), or None when no timer is set."""
    if ends_at is None:
        return None
    left = (_utc(ends_at) - _utc(now)).total_seconds()
    return max(0, math.ceil(left))


def is_running(ends_at: datetime | None, now: datetime) -> bool:
    """Return whether a timer is set and has time left."""
    return bool(remaining(ends_at, now))


def _utc(moment: datetime) -> datetime:
    # SQLite gives back naive datetimes (stored as UTC): read them as UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
