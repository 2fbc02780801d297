"""The handleplan after the workshop: each action's status over time, with dated notes.

At a follow-up meeting the facilitator records, per action, its status (Ikke startet, I gang,
Gennemført, Justeret, Opgivet), what works, what does not, and how it is adjusted. Every update
is a new row with its time: history, never overwritten. ``actions.status`` (and its deadline)
follow the newest update in the same transaction, so the handleplan and its exports show the
current state without reading the history.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update

from fea_core import schema
from fea_core.errors import FeaError, InvalidText, StaleItem
from fea_core.handleplan import SETTLED_STATUSES, _row_to_action, parse_date
from fea_core.model import ACTION_STATUSES, Action
from fea_core.rows import from_row
from fea_core.storage import Store, utcnow
from fea_core.text_cleaning import clean_text

NOTE_MAX = 2000  # what works, what does not, the adjustment
# An open action whose deadline is this close counts as due: the steering group should look.
DUE_SOON_DAYS = 30
UNCHANGED = object()  # record_update(deadline=UNCHANGED): keep the action's deadline

DUE_OVERDUE = "overdue"
DUE_SOON = "due"

_A = schema.actions
_U = schema.action_updates
_CA = schema.carried_actions


class NothingToRecord(FeaError):
    """An update that changes no status, no deadline and notes nothing."""

    code = "course.nothing_to_record"


@dataclass(frozen=True)
class ActionUpdate:
    """One dated change of an action: its status then, and what the group noted."""

    id: int
    action_id: int
    at: datetime
    status: str
    works: str
    not_working: str
    adjustment: str
    deadline: date | None
    recorded_by: str
    meeting_id: int | None


def _row_to_update(row) -> ActionUpdate:
    return from_row(ActionUpdate, row)


def _note(value: object, field: str) -> str:
    if value is None:
        return ""
    try:
        return clean_text(value, max_length=NOTE_MAX, multiline=True)
    except InvalidText as error:
        if error.params.get("reason") == "empty":
            return ""
        raise InvalidText(**error.params, field=field) from None


def record_update(
    store: Store,
    action_id: int,
    *,
    status: str,
    by: str,
    works: str | None = "",
    not_working: str | None = "",
    adjustment: str | None = "",
    deadline: object = UNCHANGED,
    meeting_id: int | None = None,
    at: datetime | None = None,
) -> ActionUpdate:
    """Record an action's status and notes now, as a new history row; the action shows it from then on.

    An unknown action raises StaleItem; an unknown status ValueError; an
    update that changes nothing and notes nothing NothingToRecord. Nothing is saved on error.

    :param deadline: a new deadline (a date, ISO text, or None to clear it); by default unchanged.
    :param at: when it happened, if not now (a status noted on paper at an earlier meeting).
    """
    if status not in ACTION_STATUSES:
        raise ValueError(f"unknown status {status!r}")  # a selectbox offers only ACTION_STATUSES
    notes = {
        "works": _note(works, "works"),
        "not_working": _note(not_working, "not_working"),
        "adjustment": _note(adjustment, "adjustment"),
    }
    if isinstance(action_id, bool) or not isinstance(action_id, numbers.Integral):
        raise StaleItem(item_id=action_id, reason="unknown")
    with store.read() as conn:
        row = conn.execute(select(_A).where(_A.c.id == int(action_id))).first()
    if row is None:
        raise StaleItem(item_id=action_id, reason="unknown")
    new_deadline = row.deadline
    if deadline is not UNCHANGED:
        day = parse_date(deadline, field="deadline")
        new_deadline = day.isoformat() if day else None
    if status == row.status and new_deadline == row.deadline and not any(notes.values()):
        raise NothingToRecord()
    now = at or utcnow()
    with store.write(row.workshop_id) as conn:
        # Locked with the workshop (PostgreSQL); SQLite's writer already holds the database.
        conn.execute(select(schema.workshops.c.id).where(schema.workshops.c.id == row.workshop_id).with_for_update())
        if conn.execute(select(_A.c.id).where(_A.c.id == row.id)).first() is None:
            raise StaleItem(item_id=action_id, reason="unknown")  # deleted from the plan meanwhile
        new_id = conn.execute(
            _U.insert().values(
                action_id=row.id, meeting_id=meeting_id, at=now, status=status, deadline=new_deadline,
                recorded_by=by, **notes,
            )
        ).inserted_primary_key[0]
        conn.execute(update(_A).where(_A.c.id == row.id).values(status=status, deadline=new_deadline, updated_at=utcnow()))
        saved = conn.execute(select(_U).where(_U.c.id == new_id)).one()
    return _row_to_update(saved)


def carried_from(store: Store, action_id: int) -> int | None:
    """Return the action this one was carried over from (a previous workshop's), or None."""
    with store.read() as conn:
        return conn.execute(select(_CA.c.from_action_id).where(_CA.c.action_id == action_id)).scalar_one_or_none()


def agreed_on(store: Store, action_id: int) -> date | None:
    """Return the day of the workshop where the action was first agreed (before any carry-over)."""
    chain, node = [], action_id
    while node is not None and node not in chain:
        chain.append(node)
        node = carried_from(store, node)
    w = schema.workshops
    with store.read() as conn:
        held = conn.execute(select(w.c.held_on).join(_A, _A.c.workshop_id == w.c.id).where(_A.c.id == chain[-1])).scalar()
    return date.fromisoformat(held) if held else None


def history(store: Store, action_id: int) -> list[ActionUpdate]:
    """Return the action's updates oldest first, those of the action it was carried over from included."""
    chain, node = [], action_id
    while node is not None and node not in chain:  # a loop cannot happen, but must not hang
        chain.append(node)
        node = carried_from(store, node)
    with store.read() as conn:
        rows = conn.execute(select(_U).where(_U.c.action_id.in_(chain)).order_by(_U.c.at, _U.c.id)).all()
    return [_row_to_update(r) for r in rows]


def get_action(store: Store, action_id: int) -> Action | None:
    """Return one action as it stands now, or None."""
    with store.read() as conn:
        row = conn.execute(select(_A).where(_A.c.id == action_id)).first()
    return _row_to_action(row) if row else None


def is_open(action: Action) -> bool:
    """Return whether the action still needs following up (not Gennemført, not Opgivet)."""
    return action.status not in SETTLED_STATUSES


def due_state(action: Action, today: date, *, soon_days: int = DUE_SOON_DAYS) -> str | None:
    """Return "overdue" (deadline passed), "due" (within ``soon_days``) or None; settled actions are never due."""
    if not is_open(action) or action.deadline is None:
        return None
    if action.deadline < today:
        return DUE_OVERDUE
    if (action.deadline - today).days <= soon_days:
        return DUE_SOON
    return None
