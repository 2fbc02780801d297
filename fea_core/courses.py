"""Forløb: one unit's workshops and follow-up meetings over 10-12 months, with its steering group.

A forløb (course) groups the workshop days of one department. Its owner and the steering
group's facilitators see it; they run its workshops too (each workshop is shared with them),
but never read the workshops' raw interview notes through it: only the anonymous overview
(``fea_core.sharing.can_read_notes``). Taking someone out of the steering group takes them off
the forløb's workshops at once. Every change of who is in is written to the audit log.
Between the workshop days the steering group meets to follow the handleplan up; those meetings
and each action's dated history (``fea_core.action_history``) keep the plan alive.

None of these writes changes what phones show: the course's own rows bump no revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, or_, select, update

from fea_core import audit, schema
from fea_core.errors import FeaError, InvalidText, UnknownFacilitator
from fea_core.handleplan import parse_date
from fea_core.method import LANGUAGES
from fea_core.model import Workshop
from fea_core.sharing import unshare_in
from fea_core.storage import Store, utcnow
from fea_core.text_cleaning import clean_text
from fea_core.workshops import NAME_MAX, get_workshop

STEERING_GROUP_MAX = 1000
NOTES_MAX = 4000

_C = schema.courses
_CW = schema.course_workshops
_CF = schema.course_facilitators
_M = schema.follow_up_meetings
_W = schema.workshops
_WF = schema.workshop_facilitators
_F = schema.facilitators


class NotCourseOwner(FeaError):
    """Only the forløb's owner may do this (change its steering group, add someone's workshop)."""

    code = "course.not_owner"


class WorkshopInOtherCourse(FeaError):
    """The workshop already belongs to another forløb; params: course (its name)."""

    code = "course.in_other_course"


class EndsBeforeStart(FeaError):
    """The planned end of a forløb lies before its start."""

    code = "course.ends_before_start"


@dataclass(frozen=True)
class Course:
    """A forløb: a unit's workshops and follow-up meetings over months."""

    id: int
    name: str
    department: str
    language: str
    owner: str
    steering_group: str
    starts_on: date
    ends_on: date | None
    created_at: datetime


@dataclass(frozen=True)
class Meeting:
    """A follow-up meeting of the steering group; a future date is one that is planned."""

    id: int
    course_id: int
    held_on: date
    notes: str
    recorded_by: str
    created_at: datetime


def _row_to_course(row) -> Course:
    return Course(
        id=row.id,
        name=row.name,
        department=row.department,
        language=row.language,
        owner=row.owner,
        steering_group=row.steering_group,
        starts_on=date.fromisoformat(row.starts_on),
        ends_on=date.fromisoformat(row.ends_on) if row.ends_on else None,
        created_at=row.created_at,
    )


def _row_to_meeting(row) -> Meeting:
    return Meeting(
        id=row.id,
        course_id=row.course_id,
        held_on=date.fromisoformat(row.held_on),
        notes=row.notes,
        recorded_by=row.recorded_by,
        created_at=row.created_at,
    )


def _optional(value: object, max_length: int) -> str:
    if value is None:
        return ""
    try:
        return clean_text(value, max_length=max_length, multiline=True)
    except InvalidText as error:
        if error.params.get("reason") == "empty":
            return ""
        raise


def _required_date(value: object, field: str) -> date:
    day = parse_date(value, field=field)
    if day is None:
        raise InvalidText(reason="not_a_date", limit=10, field=field)
    return day


def create_course(
    store: Store,
    *,
    name: str,
    department: str,
    starts_on: date,
    ends_on: date | None = None,
    language: str,
    owner: str,
    steering_group: str = "",
) -> Course:
    """Create a forløb for a unit; empty or too long text raises InvalidText, an end before the start EndsBeforeStart."""
    values = {
        "name": clean_text(name, max_length=NAME_MAX),
        "department": clean_text(department, max_length=NAME_MAX),
        "steering_group": _optional(steering_group, STEERING_GROUP_MAX),
    }
    start = _required_date(starts_on, "starts_on")
    end = parse_date(ends_on, field="ends_on")
    if end is not None and end < start:
        raise EndsBeforeStart()
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    with store.write() as conn:
        new_id = conn.execute(
            _C.insert().values(
                **values,
                language=language,
                owner=owner,
                starts_on=start.isoformat(),
                ends_on=end.isoformat() if end else None,
                created_at=utcnow(),
            )
        ).inserted_primary_key[0]
    return get_course(store, new_id)


def get_course(store: Store, course_id: int) -> Course | None:
    """Return the forløb with this id, or None."""
    if isinstance(course_id, bool) or not isinstance(course_id, int):
        return None
    with store.read() as conn:
        row = conn.execute(select(_C).where(_C.c.id == course_id)).first()
    return _row_to_course(row) if row else None


def list_courses(store: Store, username: str) -> list[Course]:
    """Return the forløb this facilitator owns or is in the steering group of, newest start first (none if deactivated)."""
    member = select(_CF.c.course_id).where(_CF.c.username == username)
    active = select(_F.c.id).where(_F.c.username == username, _F.c.active.is_(True))
    with store.read() as conn:
        rows = conn.execute(
            select(_C).where(or_(_C.c.owner == username, _C.c.id.in_(member)), active.exists()).order_by(_C.c.starts_on.desc(), _C.c.id.desc())
        )
        return [_row_to_course(r) for r in rows]


def can_follow(store: Store, course: Course | None, username: str | None) -> bool:
    """Return whether this facilitator may see and follow up the forløb: its owner or a steering-group facilitator."""
    if course is None or not username:
        return False
    with store.read() as conn:
        active = conn.execute(select(_F.c.active).where(_F.c.username == username)).scalar_one_or_none()
    if not active:
        return False
    if course.owner == username:
        return True
    return username in course_facilitators(store, course.id)


def set_steering_group(store: Store, course_id: int, text: str | None) -> Course:
    """Save who is in the steering group (several lines; empty clears)."""
    cleaned = _optional(text, STEERING_GROUP_MAX)
    with store.write() as conn:
        conn.execute(update(_C).where(_C.c.id == course_id).values(steering_group=cleaned))
    return get_course(store, course_id)


def course_facilitators(store: Store, course_id: int) -> list[str]:
    """Return the usernames of the steering group's facilitators, in the order they were added."""
    with store.read() as conn:
        rows = conn.execute(select(_CF.c.username).where(_CF.c.course_id == course_id).order_by(_CF.c.added_at, _CF.c.username))
        return [r.username for r in rows]


def _owner_check(conn, course_id: int, by: str | None) -> str:
    owner = conn.execute(select(_C.c.owner).where(_C.c.id == course_id)).scalar_one_or_none()
    if owner is None:
        raise ValueError(f"no course with id {course_id}")
    if by is not None and by != owner:
        raise NotCourseOwner()
    return owner


def _share(conn, workshop_ids, usernames, owners: dict[int, str], by: str | None, course_id: int) -> None:
    """Share workshops with facilitators inside the caller's transaction (never with their owner, never twice).

    Sharing lets them run a workshop, never read its raw interview notes.
    """
    for workshop_id in workshop_ids:
        have = set(conn.execute(select(_WF.c.username).where(_WF.c.workshop_id == workshop_id)).scalars())
        for username in usernames:
            if username != owners.get(workshop_id) and username not in have:
                conn.execute(_WF.insert().values(workshop_id=workshop_id, username=username, added_at=utcnow()))
                code = conn.execute(select(_W.c.code).where(_W.c.id == workshop_id)).scalar_one()
                audit.record(conn, by, "workshop.share", username, f"workshop {code} via forløb {course_id}")


def add_course_facilitator(store: Store, course_id: int, username: str, *, by: str | None = None) -> list[str]:
    """Add a facilitator to the steering group; the forløb's workshops are shared with them too.

    :param by: who asks; when given, only the forløb's owner may add someone.
    """
    username = str(username).strip().lower()
    with store.write() as conn:
        owner = _owner_check(conn, course_id, by)
        if conn.execute(select(_F.c.id).where(_F.c.username == username)).first() is None:
            raise UnknownFacilitator(username=username)
        if username != owner and conn.execute(
            select(_CF.c.username).where(_CF.c.course_id == course_id, _CF.c.username == username)
        ).first() is None:
            conn.execute(_CF.insert().values(course_id=course_id, username=username, added_at=utcnow()))
            audit.record(conn, by, "course.add_member", username, f"forløb {course_id}")
        rows = conn.execute(
            select(_W.c.id, _W.c.owner).join(_CW, _CW.c.workshop_id == _W.c.id).where(_CW.c.course_id == course_id)
        ).all()
        _share(conn, [r.id for r in rows], [username], {r.id: r.owner for r in rows}, by, course_id)
    return course_facilitators(store, course_id)


def remove_course_facilitator(store: Store, course_id: int, username: str, *, by: str | None = None) -> list[str]:
    """Take a facilitator out of the steering group, and off every workshop of the forløb they do not own.

    The access the forløb gave ends at once (their next script run): the workshops' screens and
    any interview-notes access on them. A workshop that was also shared with them directly is
    unshared too; its owner can share it again.

    :param by: who asks; when given, only the forløb's owner may remove someone.
    """
    username = str(username).strip().lower()
    with store.write() as conn:
        _owner_check(conn, course_id, by)
        if conn.execute(delete(_CF).where(_CF.c.course_id == course_id, _CF.c.username == username)).rowcount:
            audit.record(conn, by, "course.remove_member", username, f"forløb {course_id}")
        rows = conn.execute(
            select(_W.c.id).join(_CW, _CW.c.workshop_id == _W.c.id).where(_CW.c.course_id == course_id, _W.c.owner != username)
        ).all()
        for row in rows:
            unshare_in(conn, row.id, username, by, f" via forløb {course_id}")
            conn.execute(update(_W).where(_W.c.id == row.id).values(revision=_W.c.revision + 1))
    return course_facilitators(store, course_id)


# --- the workshops of a forløb ----------------------------------------------------------------------


def link_in(conn, course_id: int, workshop_id: int, by: str | None = None) -> None:
    current = conn.execute(
        select(_CW.c.course_id, _C.c.name).join(_C, _C.c.id == _CW.c.course_id).where(_CW.c.workshop_id == workshop_id)
    ).first()
    if current is not None:
        if current.course_id == course_id:
            return
        raise WorkshopInOtherCourse(course=current.name)
    conn.execute(_CW.insert().values(workshop_id=workshop_id, course_id=course_id, added_at=utcnow()))
    owner = conn.execute(select(_W.c.owner).where(_W.c.id == workshop_id)).scalar_one()
    members = list(conn.execute(select(_CF.c.username).where(_CF.c.course_id == course_id)).scalars())
    course_owner = conn.execute(select(_C.c.owner).where(_C.c.id == course_id)).scalar_one()
    _share(conn, [workshop_id], [*members, course_owner], {workshop_id: owner}, by, course_id)


def add_workshop(store: Store, course_id: int, workshop_id: int, *, by: str | None = None) -> list[Workshop]:
    """Put a workshop into the forløb (adding it again changes nothing); it is shared with the steering group.

    :param by: who asks; when given, they must own the workshop (a co-facilitator may not move it).
    """
    workshop = get_workshop(store, workshop_id)
    if workshop is None:
        raise ValueError(f"no workshop with id {workshop_id}")
    if by is not None and workshop.owner != by:
        raise NotCourseOwner()
    with store.write() as conn:
        _owner_check(conn, course_id, None)
        link_in(conn, course_id, workshop_id, by)
    return course_workshops(store, course_id)


def remove_workshop(store: Store, course_id: int, workshop_id: int) -> list[Workshop]:
    """Take a workshop out of the forløb; the workshop and its handleplan stay as they are."""
    with store.write() as conn:
        conn.execute(delete(_CW).where(_CW.c.course_id == course_id, _CW.c.workshop_id == workshop_id))
    return course_workshops(store, course_id)


def course_workshops(store: Store, course_id: int) -> list[Workshop]:
    """Return the forløb's workshops in the order they were held (oldest first)."""
    from fea_core.workshops import _row_to_workshop  # one mapping of a row, not two

    with store.read() as conn:
        rows = conn.execute(
            select(_W).join(_CW, _CW.c.workshop_id == _W.c.id).where(_CW.c.course_id == course_id).order_by(_W.c.held_on, _W.c.id)
        )
        return [_row_to_workshop(r) for r in rows]


def course_of(store: Store, workshop_id: int) -> Course | None:
    """Return the forløb a workshop belongs to, or None."""
    with store.read() as conn:
        row = conn.execute(select(_C).join(_CW, _CW.c.course_id == _C.c.id).where(_CW.c.workshop_id == workshop_id)).first()
    return _row_to_course(row) if row else None


def earlier_workshops(store: Store, workshop: Workshop) -> list[Workshop]:
    """Return the workshops of the same forløb held before this one (oldest first); [] outside a forløb."""
    course = course_of(store, workshop.id)
    if course is None:
        return []
    ordered = course_workshops(store, course.id)
    position = [w.id for w in ordered].index(workshop.id)
    return ordered[:position]


# --- follow-up meetings -----------------------------------------------------------------------------


def add_meeting(store: Store, course_id: int, held_on: date, notes: str | None, *, by: str) -> Meeting:
    """Record (or plan, with a future date) a follow-up meeting of the steering group."""
    day = _required_date(held_on, "held_on")
    cleaned = _optional(notes, NOTES_MAX)
    with store.write() as conn:
        _owner_check(conn, course_id, None)
        new_id = conn.execute(
            _M.insert().values(course_id=course_id, held_on=day.isoformat(), notes=cleaned, recorded_by=by, created_at=utcnow())
        ).inserted_primary_key[0]
        row = conn.execute(select(_M).where(_M.c.id == new_id)).one()
    return _row_to_meeting(row)


def save_meeting_notes(store: Store, meeting_id: int, notes: str | None) -> Meeting:
    """Save a meeting's notes (its minutes; the actions' own changes are kept as history)."""
    cleaned = _optional(notes, NOTES_MAX)
    with store.write() as conn:
        conn.execute(update(_M).where(_M.c.id == meeting_id).values(notes=cleaned))
        row = conn.execute(select(_M).where(_M.c.id == meeting_id)).one()
    return _row_to_meeting(row)


def list_meetings(store: Store, course_id: int) -> list[Meeting]:
    """Return the forløb's follow-up meetings by date (oldest first)."""
    with store.read() as conn:
        rows = conn.execute(select(_M).where(_M.c.course_id == course_id).order_by(_M.c.held_on, _M.c.id))
        return [_row_to_meeting(r) for r in rows]


def count_course_rows(store: Store, course_id: int) -> int:
    """Return how many workshops the forløb has (cheap, for lists)."""
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(_CW).where(_CW.c.course_id == course_id)).scalar_one()


# --- deleting -------------------------------------------------------------------------------------


def delete_course(store: Store, course_id: int, *, by: str | None = None) -> bool:
    """Delete the forløb, its meetings and steering group; its workshops stay (outside any forløb).

    :param by: when given, only the forløb's owner may delete it.
    :return: whether there was a forløb to delete.
    """
    with store.write() as conn:
        owner = conn.execute(select(_C.c.owner).where(_C.c.id == course_id)).scalar_one_or_none()
        if owner is None:
            return False
        if by is not None and by != owner:
            raise NotCourseOwner()
        # Dependents first, not only by ON DELETE CASCADE (SQLite enforces it only with the pragma).
        for table in (_M, _CF, _CW):
            conn.execute(delete(table).where(table.c.course_id == course_id))
        conn.execute(delete(_C).where(_C.c.id == course_id))
    return True


def delete_courses_ended_before(store: Store, cutoff: date) -> list[int]:
    """Delete the forløb with no workshop left whose last day (planned end, last meeting, start) is before ``cutoff``.

    Used by the retention period: the meetings' notes are about the work environment too.
    """
    last_meeting = select(_M.c.course_id, func.max(_M.c.held_on).label("last")).group_by(_M.c.course_id).subquery()
    with store.read() as conn:
        rows = conn.execute(
            select(_C.c.id, _C.c.starts_on, _C.c.ends_on, last_meeting.c.last)
            .outerjoin(last_meeting, last_meeting.c.course_id == _C.c.id)
            .where(~_C.c.id.in_(select(_CW.c.course_id)))
        ).all()
    expired = [r.id for r in rows if max(d for d in (r.starts_on, r.ends_on, r.last) if d) < cutoff.isoformat()]
    return [course_id for course_id in expired if delete_course(store, course_id)]
