"""The workshop's flow, declared once: each activity's trin, what phones send or place there,
whether it has a round to open and close and results to reveal.

Pages, answer routes, the live watcher and the exports ask this module instead of keeping their
own lists; a view module keeps one table of view functions keyed by ``Activity.key``, and
tests/test_flow.py checks that every declared activity has its views. Adding a step is one
``Activity`` here plus its phone view and its room view.
"""

from __future__ import annotations

from dataclasses import dataclass

from fea_core.model import (
    ACTIVITY_COMPETENCE,
    ACTIVITY_CONCRETISE,
    ACTIVITY_IDEAS,
    ACTIVITY_IMPLEMENT,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS,
    ACTIVITY_SOLUTION_MATRIX,
    ACTIVITY_TALK,
    ACTIVITY_WELCOME,
    ITEM_IDEA,
    ITEM_KEEP,
    ITEM_PROBLEM,
)


@dataclass(frozen=True)
class Activity:
    """One step of the workshop day as the phones and the room see it."""

    key: str
    trin: int | None = None  # Problemløserens trin 1-6; None outside Problemløseren
    sends: tuple[str, ...] = ()  # item kinds phones send now (trin 1: problems and things to keep)
    places: str | None = None  # the item kind phones place on its matrix now (trin 2, 4)
    has_round: bool = True  # phones answer, so the facilitator can close and reopen the round
    has_results: bool = False  # the room's results can be hidden until the facilitator reveals them
    shows_chosen_problem: bool = False  # phones and room see the problem the room chose
    shows_chosen_solution: bool = False  # ... and the solution the room chose
    join_strip: bool = True  # the room view shows the compact join strip (QR, address, code)


FLOW: tuple[Activity, ...] = (
    Activity(ACTIVITY_WELCOME, has_round=False, join_strip=False),
    Activity(ACTIVITY_TALK, has_round=False, join_strip=False),
    Activity(ACTIVITY_COMPETENCE, has_results=True),
    Activity(ACTIVITY_PROBLEMS, trin=1, sends=(ITEM_PROBLEM, ITEM_KEEP)),
    Activity(ACTIVITY_PROBLEM_MATRIX, trin=2, places=ITEM_PROBLEM, has_results=True),
    Activity(ACTIVITY_IDEAS, trin=3, sends=(ITEM_IDEA,), shows_chosen_problem=True),
    Activity(ACTIVITY_SOLUTION_MATRIX, trin=4, places=ITEM_IDEA, has_results=True, shows_chosen_problem=True),
    Activity(ACTIVITY_CONCRETISE, trin=5, shows_chosen_solution=True),
    Activity(ACTIVITY_IMPLEMENT, trin=6, shows_chosen_solution=True),
)



def activity(key: str) -> Activity:
    """Return the declared activity with this key (KeyError for an unknown one)."""
    # Looked up in FLOW each time (nine entries): a step added to FLOW is known everywhere at once.
    for declared in FLOW:
        if declared.key == key:
            return declared
    raise KeyError(key)


def keys() -> tuple[str, ...]:
    """Return every activity's key in workshop order."""
    return tuple(a.key for a in FLOW)


def sent_during(kind: str) -> str:
    """Return the activity during which phones send items of this kind."""
    return next(a.key for a in FLOW if kind in a.sends)


def placed_during(kind: str) -> str | None:
    """Return the activity during which phones place items of this kind, or None."""
    return next((a.key for a in FLOW if a.places == kind), None)


def sent_together(kind: str) -> tuple[str, ...]:
    """Return the kinds a phone sends on the same step as this kind (and so lists as its own)."""
    return activity(sent_during(kind)).sends


def neighbour(key: str, offset: int) -> str | None:
    """Return the activity ``offset`` steps after (or before, if negative) this one, or None at an end."""
    position = keys().index(key) + offset
    return keys()[position] if 0 <= position < len(FLOW) else None
