"""Plain records of the domain. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

# What a phone can be asked to show, in workshop order.
ACTIVITY_WELCOME = "welcome"
ACTIVITY_TALK = "talk"  # the Vidensoplæg: phones listen along, the screen presents
ACTIVITY_COMPETENCE = "competence"
ACTIVITY_PROBLEMS = "problems"  # Problemløseren trin 1: phones send problems and things to keep
ACTIVITY_PROBLEM_MATRIX = "problem_matrix"  # trin 2: phones place the problems
ACTIVITY_IDEAS = "ideas"  # trin 3: phones send ideas for solutions
ACTIVITY_SOLUTION_MATRIX = "solution_matrix"  # trin 4: phones place the ideas
ACTIVITY_CONCRETISE = "concretise"  # trin 5: the five support questions; phones may propose answers
ACTIVITY_IMPLEMENT = "implement"  # trin 6: the handleplan's actions and follow-up
ACTIVITIES = (
    ACTIVITY_WELCOME,
    ACTIVITY_TALK,
    ACTIVITY_COMPETENCE,
    ACTIVITY_PROBLEMS,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_IDEAS,
    ACTIVITY_SOLUTION_MATRIX,
    ACTIVITY_CONCRETISE,
    ACTIVITY_IMPLEMENT,
)

# What an item on Problemløseren's lists is.
ITEM_PROBLEM = "problem"
ITEM_IDEA = "idea"
ITEM_KEEP = "keep"  # something that works well, which the group wants to hold on to
ITEM_KINDS = (ITEM_PROBLEM, ITEM_IDEA, ITEM_KEEP)

RATING_MIN = 1
RATING_MAX = 5


# An action's status over the months after the workshop (labels in data/ui.toml: status.<key>).
ACTION_STATUSES = ("not_started", "in_progress", "done", "adjusted", "dropped")


@dataclass(frozen=True)
class Action:
    """One concrete agreement of trin 6: what, who, by when, how it is followed up, status."""

    id: int | None
    position: int
    what: str
    owner: str
    deadline: date | None
    follow_up: str
    status: str = "not_started"


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
    timer_ends_at: datetime | None = None  # the optional step timer (fea_core/step_timer.py)
    timer_seconds: int | None = None

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


@dataclass(frozen=True)
class Item:
    """A problem, an idea or a thing to keep, as the room sees it ("#3 Travlhed om morgenen").

    ``author_participant_id`` is None when the facilitator typed it. ``merged_into`` is the
    item it was merged into (its placements count there), or None.
    """

    id: int
    workshop_id: int
    kind: str
    number: int
    text: str
    author_participant_id: int | None
    hidden: bool
    merged_into: int | None
    created_at: datetime

    @property
    def is_visible(self) -> bool:
        """Return whether the item shows in the room's list (neither hidden nor merged away)."""
        return not self.hidden and self.merged_into is None


@dataclass(frozen=True)
class Placement:
    """One phone's position for one item in a 2x2 matrix, each axis 1 (low) to 5 (high), with the
    item's number and kind as the phone shows them."""

    item_id: int
    participant_id: int
    x: int
    y: int
    number: int
    kind: str
