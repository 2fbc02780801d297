"""The handleplan: Problemløseren trin 5 (Konkretisér løsningen) and trin 6 (Implementér løsningen).

Trin 5 answers the method's five support questions about the chosen solution. The facilitator
writes the answers; while trin 5 is open, phones may propose answers, and the facilitator takes
a proposal over with one action. Trin 6 is the list of actions (what, who, by when, how it is
followed up, status) and how and when the group follows the plan up.

The answers, the actions and the chosen solution are what a phone shows in trin 5 and 6, so
every write of them bumps the stage (``store.write(wid, stage=True)``): the phones' held poll
answers at once and they show the new content within about 2 s. (These writes bumped only the
revision before, and a phone read a stale plan until it was reloaded.) A phone's proposal and
the follow-up process are not shown on phones: they bump the revision only.

Trin 6 is written live, one agreement at a time (``add_action``, ``update_action``,
``delete_action``), each saved by the form that typed it; ``save_actions`` replaces the whole list
at once (an import, a table).
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import delete, func, select, update

from fea_core import schema
from fea_core.errors import InvalidText, StaleItem
from fea_core.method import load_method
from fea_core.model import ACTION_STATUSES, ACTIVITY_CONCRETISE, Action, Participant
from fea_core.rows import from_row
from fea_core.storage import Store, utcnow
from fea_core.text_cleaning import clean_text
from fea_core.workshops import require_open_activity

ANSWER_MAX = 2000  # an answer to a support question, a phone's proposal, the follow-up process
ACTION_TEXT_MAX = 500  # an action's "what" and "follow_up"
OWNER_MAX = 200
DEFAULT_STATUS = ACTION_STATUSES[0]  # "not_started"
# A finished or abandoned action needs no reminder.
SETTLED_STATUSES = ("done", "dropped")

WARNING_DEADLINE_PAST = "deadline_past"
WARNING_OWNER_MISSING = "owner_missing"

_SA = schema.support_answers
_AP = schema.answer_proposals
_A = schema.actions
_PLAN = schema.plans
_W = schema.workshops


@dataclass(frozen=True)
class Proposal:
    """A phone's proposed answer to one support question; who sent it is never shown."""

    id: int
    question_index: int
    text: str
    created_at: datetime
    adopted: bool


# --- trin 5: the support questions -----------------------------------------------------------------


def question_count() -> int:
    """Return how many support questions the method has (five)."""
    return len(load_method().support_questions)


def _check_index(question_index: object) -> int:
    if (
        isinstance(question_index, bool)
        or not isinstance(question_index, numbers.Integral)
        or not 0 <= question_index < question_count()
    ):
        raise ValueError(f"no support question with index {question_index!r}")
    return int(question_index)


def _optional_text(value: object, max_length: int, *, multiline: bool = True) -> str | None:
    """Return the cleaned text, or None when it is None or empty after cleaning (which clears)."""
    if value is None:
        return None
    try:
        return clean_text(value, max_length=max_length, multiline=multiline)
    except InvalidText as error:
        if error.params.get("reason") == "empty":
            return None
        raise


def _lock_workshop(conn, workshop_id: int) -> None:
    """Lock the workshop's row on PostgreSQL, so two tabs' read-then-write saves take turns.

    SQLite already holds the write lock (``BEGIN IMMEDIATE``).
    """
    conn.execute(select(_W.c.id).where(_W.c.id == workshop_id).with_for_update())


def _write_answer(conn, workshop_id: int, index: int, text: str | None) -> None:
    key = (_SA.c.workshop_id == workshop_id) & (_SA.c.question_index == index)
    if text is None:
        conn.execute(delete(_SA).where(key))
        return
    now = utcnow()
    if not conn.execute(update(_SA).where(key).values(text=text, updated_at=now)).rowcount:
        conn.execute(_SA.insert().values(workshop_id=workshop_id, question_index=index, text=text, updated_at=now))


def save_answer(store: Store, workshop_id: int, question_index: int, text: str | None) -> tuple[str, ...]:
    """Save the facilitator's answer to a support question (several lines); empty text clears it.

    :param question_index: 0-4, the question's place in ``Method.support_questions`` (else ValueError).
    :return: all the answers, as ``answers`` gives them.
    """
    index = _check_index(question_index)
    cleaned = _optional_text(text, ANSWER_MAX)
    with store.write(workshop_id, stage=True) as conn:  # stage: phones show the answers
        _lock_workshop(conn, workshop_id)
        _write_answer(conn, workshop_id, index, cleaned)
    return answers(store, workshop_id)


def answers(store: Store, workshop_id: int) -> tuple[str, ...]:
    """Return the answers to the support questions in order, "" for each one not answered."""
    with store.read() as conn:
        rows = conn.execute(
            select(_SA.c.question_index, _SA.c.text).where(_SA.c.workshop_id == workshop_id)
        ).all()
    found = {r.question_index: r.text for r in rows}
    return tuple(found.get(i, "") for i in range(question_count()))


def _row_to_proposal(row) -> Proposal:
    return Proposal(
        id=row.id,
        question_index=row.question_index,
        text=row.text,
        created_at=row.created_at,
        adopted=row.adopted_at is not None,
    )


def propose_answer(store: Store, participant: Participant, question_index: int, text: str) -> Proposal:
    """Send a phone's proposed answer to a support question while trin 5 is open."""
    index = _check_index(question_index)
    cleaned = clean_text(text, max_length=ANSWER_MAX, multiline=True)
    workshop_id = participant.workshop_id
    with store.write(workshop_id) as conn:
        require_open_activity(conn, workshop_id, ACTIVITY_CONCRETISE)
        new_id = conn.execute(
            _AP.insert().values(
                workshop_id=workshop_id,
                question_index=index,
                participant_id=participant.id,
                text=cleaned,
                created_at=utcnow(),
            )
        ).inserted_primary_key[0]
        row = conn.execute(select(_AP).where(_AP.c.id == new_id)).one()
    return _row_to_proposal(row)


def proposals(store: Store, workshop_id: int) -> list[Proposal]:
    """Return the phones' proposals in the order they came, adopted ones included."""
    with store.read() as conn:
        rows = conn.execute(
            select(_AP).where(_AP.c.workshop_id == workshop_id).order_by(_AP.c.created_at, _AP.c.id)
        ).all()
    return [_row_to_proposal(r) for r in rows]


def adopt_proposal(store: Store, workshop_id: int, proposal_id: int) -> tuple[str, ...]:
    """Take a proposal over into its question's answer, as a new line after what is there.

    A proposal already adopted (a second click, another tab) changes nothing. A proposal of
    another workshop, or none at all, raises StaleItem; an answer that would grow past
    ``ANSWER_MAX`` raises InvalidText and nothing is saved.

    :return: all the answers, as ``answers`` gives them.
    """
    if isinstance(proposal_id, bool) or not isinstance(proposal_id, numbers.Integral):
        raise StaleItem(item_id=proposal_id, reason="unknown")
    with store.write(workshop_id, stage=True) as conn:  # stage: phones show the answers
        _lock_workshop(conn, workshop_id)  # a double click in two tabs must not append twice
        row = conn.execute(select(_AP).where(_AP.c.id == int(proposal_id))).first()
        if row is None or row.workshop_id != workshop_id:
            raise StaleItem(item_id=proposal_id, reason="unknown")
        if row.adopted_at is None:
            current = conn.execute(
                select(_SA.c.text).where(
                    (_SA.c.workshop_id == workshop_id) & (_SA.c.question_index == row.question_index)
                )
            ).scalar_one_or_none()
            combined = f"{current}\n{row.text}" if current else row.text
            if len(combined) > ANSWER_MAX:
                raise InvalidText(reason="too_long", limit=ANSWER_MAX, length=len(combined))
            _write_answer(conn, workshop_id, row.question_index, combined)
            conn.execute(update(_AP).where(_AP.c.id == row.id).values(adopted_at=utcnow()))
    return answers(store, workshop_id)


# --- trin 6: the actions ---------------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    """Return whether a cell is empty: None, NaN, NaT or pandas' NA (what a data editor leaves)."""
    if value is None:
        return True
    if not pd.api.types.is_scalar(value) or isinstance(value, str):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# A date as Danes type it: day, month, year (4 digits) with "." "-" or "/" between: 15.3.2027.
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")


def parse_date(value: object, *, field: str = "deadline", row: int | None = None) -> date | None:
    """Return a cell's date: from a date, datetime, pandas Timestamp, numpy datetime64 or text.

    Text may be ISO ("2027-03-15") or day.month.year as typed in Denmark ("15.3.2027",
    "15.03.2027", also with "-" or "/"). None, NaN, NaT and "" give None; anything else,
    31.2.2027 included, raises InvalidText(reason="not_a_date").
    """
    if _is_missing(value):
        return None
    if isinstance(value, datetime):  # pandas' Timestamp is a datetime too
        return value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "dtype") and str(getattr(value, "dtype", "")).startswith("datetime64"):
        return pd.Timestamp(value).date()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if match := _DAY_MONTH_YEAR.fullmatch(text):
            day, month, year = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                pass  # 31.2.2027: not a date, refused below
        for parse in (date.fromisoformat, lambda s: datetime.fromisoformat(s).date()):
            try:
                return parse(text)
            except ValueError:
                continue
    params = {"reason": "not_a_date", "limit": 10, "field": field}
    if row is not None:
        params["row"] = row
    raise InvalidText(**params)


def _cell_text(value: object, max_length: int, field: str, row: int) -> str:
    """Return a cell's cleaned one-line text ("" when empty), or raise InvalidText naming the cell."""
    if _is_missing(value):
        return ""
    try:
        return clean_text(value, max_length=max_length)
    except InvalidText as error:
        if error.params.get("reason") == "empty":
            return ""
        raise InvalidText(**error.params, field=field, row=row) from None


def _cell_id(value: object) -> int | None:
    if _is_missing(value) or isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return int(value)  # an id column with an empty new row comes as floats: 3.0
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _cell_status(value: object, row: int) -> str:
    if _is_missing(value) or (isinstance(value, str) and not value.strip()):
        return DEFAULT_STATUS
    if isinstance(value, str) and value.strip() in ACTION_STATUSES:
        return value.strip()
    raise InvalidText(reason="status", status=str(value), field="status", row=row)


def _row_to_action(row) -> Action:
    return from_row(Action, row)


def list_actions(store: Store, workshop_id: int) -> tuple[Action, ...]:
    """Return the workshop's actions in the plan's order."""
    with store.read() as conn:
        rows = conn.execute(
            select(_A).where(_A.c.workshop_id == workshop_id).order_by(_A.c.position, _A.c.id)
        ).all()
    return tuple(_row_to_action(r) for r in rows)


def clean_action_rows(rows: Sequence[Mapping]) -> list[dict]:
    """Return an editor's rows checked and cleaned, numbered from 1; rows without a "what" are dropped.

    A dropped row is not checked further: it is not an action.

    Each row has what, owner, deadline, follow_up, status and optionally id. Text that is too
    long or not text raises InvalidText with ``field`` and ``row`` (1-based, as given); an
    unknown status raises InvalidText(reason="status"). Rows that are not a list of mappings
    raise TypeError: that is a programming error, not something a user typed.
    """
    if isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, Iterable):
        raise TypeError(f"rows must be a sequence of mappings, not {type(rows).__name__}")
    rows = list(rows)
    if not all(isinstance(raw, Mapping) for raw in rows):
        raise TypeError("every row must be a mapping (column -> value)")
    cleaned = []
    for number, raw in enumerate(rows, start=1):
        what = _cell_text(raw.get("what"), ACTION_TEXT_MAX, "what", number)
        if not what:
            continue  # the empty row a data editor adds, or one the facilitator emptied: no action
        owner = _cell_text(raw.get("owner"), OWNER_MAX, "owner", number)
        follow_up = _cell_text(raw.get("follow_up"), ACTION_TEXT_MAX, "follow_up", number)
        deadline = parse_date(raw.get("deadline"), row=number)
        status = _cell_status(raw.get("status"), number)
        cleaned.append(
            {
                "id": _cell_id(raw.get("id")),
                "position": len(cleaned) + 1,
                "what": what,
                "owner": owner,
                "deadline": deadline.isoformat() if deadline else None,
                "follow_up": follow_up,
                "status": status,
            }
        )
    return cleaned


_CONTENT = ("position", "what", "owner", "deadline", "follow_up", "status")


def save_actions(store: Store, workshop_id: int, rows: Sequence[Mapping]) -> tuple[Action, ...]:
    """Replace the workshop's action list with these rows (an ``st.data_editor``'s records), at once.

    A row that carries the id of one of this workshop's actions updates that action, so its id
    stays; other rows become new actions; actions no row carries are deleted. Nothing is saved
    when any row is invalid (see ``clean_action_rows``).
    """
    cleaned = clean_action_rows(rows)
    now = utcnow()
    with store.write(workshop_id, stage=True) as conn:  # stage: phones show the actions
        _lock_workshop(conn, workshop_id)
        existing = {
            r.id: r for r in conn.execute(select(_A).where(_A.c.workshop_id == workshop_id)).all()
        }
        kept: set[int] = set()
        updates, inserts = [], []
        for row in cleaned:
            action_id = row.pop("id")
            if action_id in existing and action_id not in kept:
                kept.add(action_id)
                old = existing[action_id]
                if any(getattr(old, key) != row[key] for key in _CONTENT):
                    updates.append((action_id, row))
            else:
                # An id of another workshop, of an action deleted meanwhile, or a copied row: new.
                inserts.append(row)
        gone = set(existing) - kept
        if gone:
            conn.execute(delete(_A).where(_A.c.id.in_(gone)))
        for action_id, row in updates:
            conn.execute(update(_A).where(_A.c.id == action_id).values(**row, updated_at=now))
            _record_change(conn, action_id, existing[action_id], row, now)
        if inserts:
            conn.execute(
                _A.insert(),
                [{**row, "workshop_id": workshop_id, "created_at": now, "updated_at": now} for row in inserts],
            )
    return list_actions(store, workshop_id)


def _clean_one(what, owner, deadline, follow_up, status) -> dict:
    """Return one agreement's fields cleaned, as ``clean_action_rows`` cleans a row.

    An empty "what" raises InvalidText(reason="empty", field="what"): a form that typed no
    "what" is refused, not silently dropped as an empty table row is.
    """
    fields = {"what": what, "owner": owner, "deadline": deadline, "follow_up": follow_up, "status": status}
    [cleaned] = clean_action_rows([fields]) or [None]
    if cleaned is None:
        raise InvalidText(reason="empty", field="what", row=1)
    del cleaned["id"], cleaned["position"]
    return cleaned


def _record_change(conn, action_id: int, old, new: Mapping, now: datetime) -> None:
    if (old.status, old.deadline) != (new["status"], new["deadline"]):
        # The forløb's history (fea_core.action_history) keeps every dated status change.
        conn.execute(schema.action_updates.insert().values(
            action_id=action_id, at=now, status=new["status"], deadline=new["deadline"],
            works="", not_working="", adjustment="", recorded_by="",
        ))


def _owned_action(conn, workshop_id: int, action_id: object):
    """Return this workshop's action row, or raise StaleItem (deleted meanwhile, another workshop's)."""
    if isinstance(action_id, bool) or not isinstance(action_id, numbers.Integral):
        raise StaleItem(item_id=action_id, reason="action_gone")
    row = conn.execute(select(_A).where(_A.c.id == int(action_id))).first()
    if row is None or row.workshop_id != workshop_id:
        raise StaleItem(item_id=action_id, reason="action_gone")
    return row


def _exists_elsewhere(conn, action_id: object) -> bool:
    if isinstance(action_id, bool) or not isinstance(action_id, numbers.Integral):
        return False
    return conn.execute(select(_A.c.id).where(_A.c.id == int(action_id))).first() is not None


def add_action(
    store: Store, workshop_id: int, what: object, owner: object = "", deadline: object = None,
    follow_up: object = "", status: object = None,
) -> Action:
    """Add one agreement at the end of the plan and return it (trin 6's "Ny aftale" form).

    ``deadline`` may be a date or text as ``parse_date`` reads it; ``status`` None means
    "not_started". Nothing is saved when a field is invalid (InvalidText names the field).
    """
    values = _clean_one(what, owner, deadline, follow_up, status)
    now = utcnow()
    with store.write(workshop_id, stage=True) as conn:  # stage: phones show the actions
        _lock_workshop(conn, workshop_id)  # two tabs adding at once must not share a position
        last = conn.execute(
            select(func.max(_A.c.position)).where(_A.c.workshop_id == workshop_id)
        ).scalar_one_or_none()
        new_id = conn.execute(
            _A.insert().values(
                **values, position=(last or 0) + 1, workshop_id=workshop_id, created_at=now, updated_at=now
            )
        ).inserted_primary_key[0]
        row = conn.execute(select(_A).where(_A.c.id == new_id)).one()
    return _row_to_action(row)


def update_action(
    store: Store, workshop_id: int, action_id: int, what: object, owner: object = "", deadline: object = None,
    follow_up: object = "", status: object = None,
) -> Action:
    """Replace one agreement's fields (its place in the plan stays) and return it.

    A change of status or deadline is kept in the action's history. An action of another
    workshop, or one deleted meanwhile, raises StaleItem(reason="action_gone"); invalid fields
    raise InvalidText and nothing is saved.
    """
    values = _clean_one(what, owner, deadline, follow_up, status)
    now = utcnow()
    with store.write(workshop_id, stage=True) as conn:  # stage: phones show the actions
        _lock_workshop(conn, workshop_id)
        old = _owned_action(conn, workshop_id, action_id)
        if any(getattr(old, key) != values[key] for key in values):
            conn.execute(update(_A).where(_A.c.id == old.id).values(**values, updated_at=now))
            _record_change(conn, old.id, old, values, now)
        row = conn.execute(select(_A).where(_A.c.id == old.id)).one()
    return _row_to_action(row)


def delete_action(store: Store, workshop_id: int, action_id: int) -> tuple[Action, ...]:
    """Delete one agreement, number the rest 1, 2, 3... again, and return the plan.

    An action already deleted (a second click, another tab) changes nothing; another workshop's
    action raises StaleItem.
    """
    with store.write(workshop_id, stage=True) as conn:  # stage: phones show the actions
        _lock_workshop(conn, workshop_id)
        try:
            old = _owned_action(conn, workshop_id, action_id)
        except StaleItem:
            if _exists_elsewhere(conn, action_id):
                raise  # another workshop's action: not this plan's to delete
            old = None  # deleted already
        if old is not None:
            conn.execute(delete(_A).where(_A.c.id == old.id))
            rest = conn.execute(
                select(_A.c.id, _A.c.position).where(_A.c.workshop_id == workshop_id).order_by(_A.c.position, _A.c.id)
            ).all()
            for number, kept in enumerate(rest, start=1):
                if kept.position != number:
                    conn.execute(update(_A).where(_A.c.id == kept.id).values(position=number))
    return list_actions(store, workshop_id)


def action_warnings(action: Action, today: date) -> tuple[str, ...]:
    """Return what the facilitator should look at in an action: "deadline_past", "owner_missing".

    These are warnings, never errors: a plan may be saved with them. A done or dropped action
    has none.
    """
    if action.status in SETTLED_STATUSES:
        return ()
    warnings = []
    if action.deadline is not None and action.deadline < today:
        warnings.append(WARNING_DEADLINE_PAST)
    if not action.owner.strip():
        warnings.append(WARNING_OWNER_MISSING)
    return tuple(warnings)


# --- trin 6: following the plan up -----------------------------------------------------------------


def set_follow_up(
    store: Store, workshop_id: int, process_text: str | None, next_follow_up: date | None
) -> tuple[str, date | None]:
    """Save how the group follows up on the plan (several lines; empty clears) and the next date."""
    process = _optional_text(process_text, ANSWER_MAX)
    when = parse_date(next_follow_up, field="next_follow_up")
    values = {
        "follow_up_process": process,
        "next_follow_up": when.isoformat() if when else None,
        "updated_at": utcnow(),
    }
    with store.write(workshop_id) as conn:
        _lock_workshop(conn, workshop_id)
        if not conn.execute(update(_PLAN).where(_PLAN.c.workshop_id == workshop_id).values(**values)).rowcount:
            conn.execute(_PLAN.insert().values(workshop_id=workshop_id, **values))
    return follow_up(store, workshop_id)


def follow_up(store: Store, workshop_id: int) -> tuple[str, date | None]:
    """Return (how the plan is followed up, "" when not written; the next follow-up date or None)."""
    with store.read() as conn:
        row = conn.execute(
            select(_PLAN.c.follow_up_process, _PLAN.c.next_follow_up).where(_PLAN.c.workshop_id == workshop_id)
        ).first()
    if row is None:
        return "", None
    return row.follow_up_process or "", date.fromisoformat(row.next_follow_up) if row.next_follow_up else None
