"""Workshops: creating them, finding them by join code, and steering what the room does."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

from sqlalchemy import Connection, func, or_, select, update

from fea_core import flow, schema, step_timer
from fea_core.errors import InvalidText
from fea_core.method import LANGUAGES
from fea_core.model import ACTIVITY_WELCOME, Workshop
from fea_core.storage import Store, check_open_activity, utcnow
from fea_core.text_cleaning import clean_text

# No 0/O, 1/I/L: a code read aloud or from a projector must not be ambiguous.
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
NAME_MAX = 120
THEME_MAX = 200

_W = schema.workshops
_SETTINGS = schema.settings

# SQLite hands out max(id) + 1, so deleting the newest workshop would let the next one reuse its
# id, and aggregates cached by (workshop id, revision) could show the deleted workshop's answers
# on the new one's screen. Deleting records the highest id it removed; new ids start above it.
# (PostgreSQL's sequences never hand out an id twice.)
ID_HIGH_WATER_SETTING = "workshop_id_high_water"


def normalize_code(text: str) -> str:
    """Return a typed join code in canonical form (upper case, no spaces or dashes)."""
    return "".join(ch for ch in str(text).upper() if ch.isalnum())[:32]


def new_join_code() -> str:
    """Return a random join code over the unambiguous alphabet."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def _row_to_workshop(row) -> Workshop:
    return Workshop(
        id=row.id,
        code=row.code,
        name=row.name,
        department=row.department,
        held_on=date.fromisoformat(row.held_on),
        theme=row.theme,
        language=row.language,
        owner=row.owner,
        created_at=row.created_at,
        ended_at=row.ended_at,
        activity=row.activity,
        activity_open=bool(row.activity_open),
        results_visible=bool(row.results_visible),
        revision=row.revision,
        stage=row.stage,
        timer_ends_at=_aware(row.timer_ends_at),
        timer_seconds=row.timer_seconds,
    )


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; they were stored in UTC.
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _high_water(conn: Connection) -> int:
    value = conn.execute(select(_SETTINGS.c.value).where(_SETTINGS.c.key == ID_HIGH_WATER_SETTING)).scalar()
    return int(value) if value else 0


def remember_deleted_id(conn: Connection, workshop_id: int) -> None:
    """Record a deleted workshop's id inside the deleting transaction, so no new workshop gets it."""
    if workshop_id <= _high_water(conn):
        return
    if conn.execute(
        update(_SETTINGS).where(_SETTINGS.c.key == ID_HIGH_WATER_SETTING).values(value=str(workshop_id))
    ).rowcount == 0:
        conn.execute(_SETTINGS.insert().values(key=ID_HIGH_WATER_SETTING, value=str(workshop_id)))


def _next_id(conn: Connection, store: Store) -> dict:
    """Return the explicit id a new workshop gets on SQLite ({} elsewhere: the sequence decides)."""
    if not store.is_sqlite:
        return {}
    newest = conn.execute(select(func.coalesce(func.max(_W.c.id), 0))).scalar_one()
    return {"id": max(newest, _high_water(conn)) + 1}


def create_workshop(
    store: Store,
    *,
    name: str,
    department: str,
    held_on: date,
    theme: str,
    language: str,
    owner: str,
) -> Workshop:
    """Create a workshop with a fresh join code; it starts at the welcome screen.

    Text that is empty, too long or not text raises InvalidText; an unknown language, ValueError.
    """
    values = {
        "name": clean_text(name, max_length=NAME_MAX),
        "department": clean_text(department, max_length=NAME_MAX),
        "theme": clean_text(theme, max_length=THEME_MAX),
    }
    if isinstance(held_on, datetime):  # pandas' Timestamp too: the day is what counts
        held_on = held_on.date()
    if not isinstance(held_on, date):
        raise InvalidText(reason="not_a_date", limit=10)
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    for _ in range(20):
        code = new_join_code()
        with store.write() as conn:
            taken = conn.execute(select(_W.c.id).where(_W.c.code == code)).first()
            if taken:
                continue
            new_id = conn.execute(
                _W.insert().values(
                    **_next_id(conn, store),
                    code=code,
                    held_on=held_on.isoformat(),
                    language=language,
                    owner=owner,
                    created_at=utcnow(),
                    activity=ACTIVITY_WELCOME,
                    activity_open=True,
                    results_visible=False,
                    revision=0,
                    stage=0,
                    **values,
                )
            ).inserted_primary_key[0]
        return get_workshop(store, new_id)
    raise RuntimeError("could not find a free join code")


def get_workshop(store: Store, workshop_id: int) -> Workshop | None:
    """Return the workshop with this id, or None."""
    with store.read() as conn:
        row = conn.execute(select(_W).where(_W.c.id == workshop_id)).first()
    return _row_to_workshop(row) if row else None


def find_by_code(store: Store, code: str) -> Workshop | None:
    """Return the workshop with this join code (as typed), or None."""
    with store.read() as conn:
        row = conn.execute(select(_W).where(_W.c.code == normalize_code(code))).first()
    return _row_to_workshop(row) if row else None


def list_workshops(store: Store, owner: str) -> list[Workshop]:
    """Return the workshops this facilitator owns or co-facilitates, newest first (none for a deactivated account)."""
    shared = select(schema.workshop_facilitators.c.workshop_id).where(
        schema.workshop_facilitators.c.username == owner
    )
    active = select(schema.facilitators.c.id).where(
        schema.facilitators.c.username == owner, schema.facilitators.c.active.is_(True)
    )
    with store.read() as conn:
        rows = conn.execute(
            select(_W)
            .where(or_(_W.c.owner == owner, _W.c.id.in_(shared)), active.exists())
            .order_by(_W.c.held_on.desc(), _W.c.id.desc())
        )
        return [_row_to_workshop(r) for r in rows]


def live_counters(store: Store, workshop_id: int) -> tuple[int, int] | None:
    """Return (stage, revision) of a workshop: the cheap question every phone polls."""
    with store.read() as conn:
        row = conn.execute(select(_W.c.stage, _W.c.revision).where(_W.c.id == workshop_id)).first()
    return (row.stage, row.revision) if row else None


def require_open_activity(conn: Connection, workshop_id: int, activities: str | tuple[str, ...]) -> str:
    """Return the workshop's current activity, its row locked till commit; raise unless it is one of these and open."""
    # Only for writes that must run one at a time per workshop (numbering items). An answer that
    # need not uses store.write(workshop_id, open_for=...), which holds no lock until its final
    # bump. (SQLite's writer already holds the whole database.)
    wanted = (activities,) if isinstance(activities, str) else tuple(activities)
    return check_open_activity(conn, workshop_id, wanted, lock=True)


def _steer(store: Store, workshop_id: int, *, stage: bool = True, **values) -> Workshop:
    with store.write(workshop_id, stage=stage) as conn:
        conn.execute(update(_W).where(_W.c.id == workshop_id).values(**values))
    return get_workshop(store, workshop_id)


# A new step opens for answers, hides its results and starts without the last step's timer.
_NEW_STEP = {"activity_open": True, "results_visible": False, "timer_ends_at": None, "timer_seconds": None}


class _MovedOn(Exception):
    """The workshop had left the step a move came from: roll the move back (move_step)."""


def set_activity(store: Store, workshop_id: int, activity: str) -> Workshop:
    """Make an activity the one every phone shows; it opens for answers, results hidden."""
    if activity not in flow.keys():
        raise ValueError(f"unknown activity {activity!r}")
    return _steer(store, workshop_id, activity=activity, **_NEW_STEP)


def move_step(store: Store, workshop_id: int, from_activity: str, to_activity: str) -> Workshop | None:
    """Go from ``from_activity`` to ``to_activity``; None, and nothing changed, if the workshop was elsewhere.

    A facilitator's click comes from a view drawn at one step. If the room has moved on since
    (another tab, a clicker, a double click, or a browser that sends an old choice again after
    a rerun: measured, a step list moved the room back under load), the click must move nothing.
    """
    if to_activity not in flow.keys():
        raise ValueError(f"unknown activity {to_activity!r}")
    if from_activity == to_activity:
        return None
    try:
        with store.write(workshop_id, stage=True) as conn:
            moved = conn.execute(
                update(_W).where(_W.c.id == workshop_id, _W.c.activity == from_activity)
                .values(activity=to_activity, **_NEW_STEP)
            ).rowcount
            if not moved:
                raise _MovedOn()  # rolls back: no revision or stage bump for a move that did nothing
    except _MovedOn:
        return None
    return get_workshop(store, workshop_id)


def start_timer(store: Store, workshop_id: int, seconds: object, now: datetime | None = None) -> Workshop:
    """Start the step timer (ValueError for a length outside step_timer's limits); phones learn of it."""
    seconds = step_timer.check_seconds(seconds)
    ends_at = step_timer.start(now or utcnow(), seconds)
    return _steer(store, workshop_id, timer_ends_at=ends_at, timer_seconds=seconds)


def stop_timer(store: Store, workshop_id: int) -> Workshop:
    """Stop and clear the step timer; phones learn of it."""
    return _steer(store, workshop_id, timer_ends_at=None, timer_seconds=None)


def set_activity_open(store: Store, workshop_id: int, is_open: bool) -> Workshop:
    """Open or close the current activity for answers; closing keeps every saved answer."""
    return _steer(store, workshop_id, activity_open=bool(is_open))


def set_results_visible(store: Store, workshop_id: int, visible: bool) -> Workshop:
    """Reveal or hide the aggregated results on the shared screen."""
    # Phones do not show results, so they need not rerun for this.
    return _steer(store, workshop_id, stage=False, results_visible=bool(visible))


def end_workshop(store: Store, workshop_id: int) -> Workshop:
    """End the workshop: its join code takes no one new."""
    return _steer(store, workshop_id, ended_at=utcnow(), activity_open=False)


def reopen_workshop(store: Store, workshop_id: int) -> Workshop:
    """Undo ending a workshop."""
    return _steer(store, workshop_id, ended_at=None)


def count_workshops(store: Store) -> int:
    """Return how many workshops the database holds."""
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(_W)).scalar_one()
