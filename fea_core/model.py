"""Plain records of the domain. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

# What a phone can be asked to show, in workshop order.
ACTIVITY_WELCOME = "welcome"
ACTIVITY_COMPETENCE = "competence"
ACTIVITIES = (ACTIVITY_WELCOME, ACTIVITY_COMPETENCE)

RATING_MIN = 1
RATING_MAX = 5


@dataclass(frozen=True)
class Workshop:
    """A workshop day (temadag) with its join code and what the room is doing now."""

    id: int
    code: str
    name: str
    department: str
    held_on: date
    theme: str
    language: str
    owner: str
    created_at: datetime
    ended_at: datetime | None
    activity: str
    activity_open: bool
    results_visible: bool
    revision: int
    stage: int

    @property
    def is_ended(self) -> bool:
        """Return whether the facilitator has ended the workshop."""
        return self.ended_at is not None


@dataclass(frozen=True)
class Participant:
    """An anonymous phone in one workshop, known only by its random token."""

    id: int
    workshop_id: int
    token: str
    role: str | None
