"""Arbejdsmiljøinterviewet: interviewer links, interviews and their confidential notes.

An interviewer (an AMR, a TR or a colleague) needs no account: the facilitator creates a link
with its own random token. Whoever holds the token writes interviews through it, in the days or
weeks before the workshop day, and reads back only the interviews written through it. Among the
facilitators only the workshop's owner and the co-facilitators the owner named for them
(``sharing.can_read_notes``) read them all (``all_interviews``) and see the links' tokens
(``list_links``, ``create_link``): every such function takes the reader as ``by`` and checks it
here. Raw notes go nowhere else: the shared screen, the phones, the exports and the steering
group see only ``fea_core.interview_summary``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, func, select, update

from fea_core import schema, sharing
from fea_core.errors import FeaError, InvalidText
from fea_core.items import ITEM_TEXT_MAX
from fea_core.method import load_method
from fea_core.storage import Store, utcnow
from fea_core.text_cleaning import clean_text
from fea_core.workshops import get_workshop

TOKEN_BYTES = 24  # 192 random bits, as a participant's token
LABEL_MAX = 120
NOTE_MAX = 4000  # one field of one theme: room for a long answer, not for a document
ADVICE_MAX = 1000
POINT_MAX = ITEM_TEXT_MAX  # a point may go forward as a Trin 1 item as it is
POINT_POSITIONS = (1, 2, 3)  # "de tre vigtigste pointer"
GROUP_SIZE_MAX = 12  # one interviewee, or a small group
# A theme's note fields: what works well, and for a problem the guide's three follow-up questions.
NOTE_FIELDS = ("works_well", "problem", "how_long", "sustains", "could_solve")
PROBLEM_FIELDS = NOTE_FIELDS[1:]

_LINKS = schema.interviewer_links
_IV = schema.interviews
_N = schema.interview_notes
_PT = schema.interview_points


class UnknownInterviewerLink(FeaError):
    """The interviewer link is unknown or was withdrawn by the facilitator."""

    code = "interview.unknown_link"


class UnknownInterview(FeaError):
    """No interview with this number was written through this link."""

    code = "interview.unknown_interview"


class NotNotesReader(FeaError):
    """Only the workshop's owner and the co-facilitators the owner named may read raw notes or links."""

    code = "roles.not_notes_reader"


def _require_reader(store: Store, workshop_id: int, by: str) -> None:
    if not sharing.can_read_notes(store, get_workshop(store, workshop_id), by):
        raise NotNotesReader()


class InvalidGroupSize(FeaError):
    """The number of interviewees is not a whole number from 1 to GROUP_SIZE_MAX; params: limit."""

    code = "interview.invalid_group_size"


@dataclass(frozen=True)
class InterviewerLink:
    """Access for one interviewer, known by a random token; ``label`` is the facilitator's name for it."""

    id: int
    workshop_id: int
    token: str
    label: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def is_active(self) -> bool:
        """Return whether the link still opens the interviews."""
        return self.revoked_at is None


@dataclass(frozen=True)
class ThemeNote:
    """What an interview noted for one theme of the question plate ("" for a field not noted)."""

    theme: str
    works_well: str = ""
    problem: str = ""
    how_long: str = ""
    sustains: str = ""
    could_solve: str = ""

    @property
    def mentions_problem(self) -> bool:
        """Return whether the interviewee spoke of a problem under this theme."""
        return any(getattr(self, f) for f in PROBLEM_FIELDS)

    @property
    def mentions_works_well(self) -> bool:
        """Return whether the interviewee spoke of something that works well under this theme."""
        return bool(self.works_well)


@dataclass(frozen=True)
class KeyPoint:
    """One of the three most important points of an interview."""

    position: int
    text: str
    theme: str | None  # a theme key, or None: across the themes
    item_id: int | None = None  # the Trin 1 item it was sent forward as


@dataclass(frozen=True)
class Interview:
    """One interview (one interviewee or a small group): notes per theme, advice, three points."""

    id: int
    workshop_id: int
    link_id: int | None
    number: int
    group_size: int
    advice: str
    confirmed: bool
    created_at: datetime
    updated_at: datetime
    notes: dict[str, ThemeNote] = field(default_factory=dict)
    points: tuple[KeyPoint, ...] = ()

    def note(self, theme: str) -> ThemeNote:
        """Return the note of a theme (an empty one when nothing was noted)."""
        return self.notes.get(theme, ThemeNote(theme))

    def point(self, position: int) -> KeyPoint | None:
        """Return the point at position 1, 2 or 3, or None."""
        return next((p for p in self.points if p.position == position), None)


def theme_keys() -> tuple[str, ...]:
    """Return the keys of the question plate's six themes."""
    return tuple(t.key for t in load_method().interview_themes)


def _optional_text(value: object, max_length: int, *, multiline: bool = True) -> str:
    """Return cleaned text, or "" for a field left empty (clearing a note is allowed)."""
    try:
        return clean_text(value, max_length=max_length, multiline=multiline)
    except InvalidText as error:
        if error.params.get("reason") == "empty":
            return ""  # nothing but spaces or invisible characters: nothing to keep
        raise


def _row_to_link(row) -> InterviewerLink:
    return InterviewerLink(
        id=row.id, workshop_id=row.workshop_id, token=row.token, label=row.label,
        created_at=row.created_at, revoked_at=row.revoked_at,
    )


# --- links (the facilitator) ---------------------------------------------------------------------


def create_link(store: Store, workshop_id: int, label: str, *, by: str) -> InterviewerLink:
    """Create an interviewer link for the workshop; the label says whom it is for (no name needed).

    Its token reads what is written through it, so only a notes reader may create one (``by``).
    """
    cleaned = clean_text(label, max_length=LABEL_MAX)
    _require_reader(store, workshop_id, by)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with store.write(workshop_id) as conn:
        new_id = conn.execute(
            _LINKS.insert().values(workshop_id=workshop_id, token=token, label=cleaned, created_at=utcnow())
        ).inserted_primary_key[0]
        row = conn.execute(select(_LINKS).where(_LINKS.c.id == new_id)).one()
    return _row_to_link(row)


def list_links(store: Store, workshop_id: int, *, by: str) -> list[InterviewerLink]:
    """Return the workshop's interviewer links with their tokens, withdrawn ones too, oldest first (notes readers only)."""
    _require_reader(store, workshop_id, by)
    with store.read() as conn:
        rows = conn.execute(select(_LINKS).where(_LINKS.c.workshop_id == workshop_id).order_by(_LINKS.c.id))
        return [_row_to_link(r) for r in rows]


def revoke_link(store: Store, workshop_id: int, link_id: int, revoked: bool = True, *, by: str) -> None:
    """Withdraw a link (its interviews stay, for the notes readers), or give it back (notes readers only)."""
    _require_reader(store, workshop_id, by)
    with store.write(workshop_id) as conn:
        conn.execute(
            update(_LINKS)
            .where(_LINKS.c.id == link_id, _LINKS.c.workshop_id == workshop_id)
            .values(revoked_at=utcnow() if revoked else None)
        )


def resume_link(store: Store, token: object) -> InterviewerLink:
    """Return the active link with exactly this token, or raise UnknownInterviewerLink."""
    if not isinstance(token, str) or not token or len(token) > 64:
        raise UnknownInterviewerLink()
    with store.read() as conn:
        row = conn.execute(select(_LINKS).where(_LINKS.c.token == token)).first()
    if row is None or row.revoked_at is not None:
        raise UnknownInterviewerLink()
    return _row_to_link(row)


def _check_link(conn: Connection, link: InterviewerLink) -> None:
    """Raise unless the link is still active: checked inside every write made through it."""
    revoked = conn.execute(select(_LINKS.c.revoked_at).where(_LINKS.c.id == link.id)).first()
    if revoked is None or revoked.revoked_at is not None:
        raise UnknownInterviewerLink()


# --- interviews (the interviewer) ----------------------------------------------------------------


def _load(conn: Connection, rows) -> list[Interview]:
    rows = list(rows)
    ids = [r.id for r in rows]
    notes: dict[int, dict[str, ThemeNote]] = {i: {} for i in ids}
    points: dict[int, list[KeyPoint]] = {i: [] for i in ids}
    if ids:
        for n in conn.execute(select(_N).where(_N.c.interview_id.in_(ids))):
            notes[n.interview_id][n.theme] = ThemeNote(n.theme, *(getattr(n, f) for f in NOTE_FIELDS))
        for p in conn.execute(select(_PT).where(_PT.c.interview_id.in_(ids)).order_by(_PT.c.position)):
            points[p.interview_id].append(KeyPoint(p.position, p.text, p.theme, p.item_id))
    return [
        Interview(
            id=r.id, workshop_id=r.workshop_id, link_id=r.link_id, number=r.number, group_size=r.group_size,
            advice=r.advice, confirmed=bool(r.confirmed), created_at=r.created_at, updated_at=r.updated_at,
            notes=notes[r.id], points=tuple(points[r.id]),
        )
        for r in rows
    ]


def start_interview(store: Store, link: InterviewerLink, group_size: int = 1) -> Interview:
    """Start a new interview through the link; it gets the workshop's next number."""
    _check_group_size(group_size)
    with store.write(link.workshop_id) as conn:
        _check_link(conn, link)
        # Two interviewers starting at once must not get the same number (PostgreSQL; SQLite's
        # writer already holds the whole database).
        conn.execute(select(schema.workshops.c.id).where(schema.workshops.c.id == link.workshop_id).with_for_update())
        number = conn.execute(
            select(func.coalesce(func.max(_IV.c.number), 0) + 1).where(_IV.c.workshop_id == link.workshop_id)
        ).scalar_one()
        now = utcnow()
        conn.execute(
            _IV.insert().values(
                workshop_id=link.workshop_id, link_id=link.id, number=number, group_size=group_size,
                advice="", confirmed=False, created_at=now, updated_at=now,
            )
        )
    return get_interview(store, link, number)


def interviews_of(store: Store, link: InterviewerLink) -> list[Interview]:
    """Return the interviews written through this link, by number."""
    with store.read() as conn:
        rows = conn.execute(select(_IV).where(_IV.c.link_id == link.id).order_by(_IV.c.number))
        return _load(conn, rows)


def get_interview(store: Store, link: InterviewerLink, number: int) -> Interview:
    """Return the interview with this number if it was written through the link, else raise UnknownInterview."""
    with store.read() as conn:
        rows = conn.execute(
            select(_IV).where(_IV.c.link_id == link.id, _IV.c.workshop_id == link.workshop_id, _IV.c.number == number)
        ).all()
        found = _load(conn, rows)
    if not found:
        raise UnknownInterview(number=number)
    return found[0]


def all_interviews(store: Store, workshop_id: int, *, by: str) -> list[Interview]:
    """Return every interview of the workshop with its raw notes, for a notes reader only (NotNotesReader)."""
    _require_reader(store, workshop_id, by)
    return workshop_interviews_for_summary(store, workshop_id)


def workshop_interviews_for_summary(store: Store, workshop_id: int) -> list[Interview]:
    """Return every interview unchecked: only for fea_core.interview_summary, whose overview holds no raw note."""
    with store.read() as conn:
        return _load(conn, conn.execute(select(_IV).where(_IV.c.workshop_id == workshop_id).order_by(_IV.c.number)))


def _own(conn: Connection, link: InterviewerLink, number: int) -> int:
    """Return the id of the link's interview with this number inside a write, or raise."""
    _check_link(conn, link)
    found = conn.execute(
        select(_IV.c.id).where(_IV.c.link_id == link.id, _IV.c.workshop_id == link.workshop_id, _IV.c.number == number)
    ).first()
    if found is None:
        raise UnknownInterview(number=number)
    conn.execute(update(_IV).where(_IV.c.id == found.id).values(updated_at=utcnow()))
    return found.id


def save_note(store: Store, link: InterviewerLink, number: int, theme: str, field_name: str, text: object) -> Interview:
    """Save one field of a theme's note ("" clears it); the other fields stay as they were."""
    if theme not in theme_keys():
        raise ValueError(f"unknown interview theme {theme!r}")
    if field_name not in NOTE_FIELDS:
        raise ValueError(f"unknown note field {field_name!r}")
    cleaned = _optional_text(text, NOTE_MAX)
    with store.write(link.workshop_id) as conn:
        interview_id = _own(conn, link, number)
        values = {field_name: cleaned, "updated_at": utcnow()}
        changed = conn.execute(
            update(_N).where(_N.c.interview_id == interview_id, _N.c.theme == theme).values(**values)
        ).rowcount
        if not changed:
            empty = dict.fromkeys(NOTE_FIELDS, "")
            conn.execute(
                _N.insert().values(
                    interview_id=interview_id, theme=theme, workshop_id=link.workshop_id, **{**empty, **values}
                )
            )
    return get_interview(store, link, number)


def save_advice(store: Store, link: InterviewerLink, number: int, text: object) -> Interview:
    """Save the interviewee's good advice to the workplace ("" clears it)."""
    cleaned = _optional_text(text, ADVICE_MAX)
    with store.write(link.workshop_id) as conn:
        interview_id = _own(conn, link, number)
        conn.execute(update(_IV).where(_IV.c.id == interview_id).values(advice=cleaned))
    return get_interview(store, link, number)


def save_point(
    store: Store, link: InterviewerLink, number: int, position: int, text: object, theme: str | None = None
) -> Interview:
    """Save one of the three most important points ("" removes it), with the theme it is about.

    A point the facilitator already sent on to Trin 1 keeps its link to that item.
    """
    if position not in POINT_POSITIONS:
        raise ValueError(f"a point's position is 1, 2 or 3, not {position!r}")
    if theme is not None and theme not in theme_keys():
        raise ValueError(f"unknown interview theme {theme!r}")
    cleaned = _optional_text(text, POINT_MAX, multiline=False)  # one line: it may become a Trin 1 item
    with store.write(link.workshop_id) as conn:
        interview_id = _own(conn, link, number)
        where = (_PT.c.interview_id == interview_id) & (_PT.c.position == position)
        if not cleaned:
            conn.execute(_PT.delete().where(where))
        elif conn.execute(update(_PT).where(where).values(text=cleaned, theme=theme, updated_at=utcnow())).rowcount == 0:
            conn.execute(
                _PT.insert().values(
                    interview_id=interview_id, position=position, workshop_id=link.workshop_id,
                    theme=theme, text=cleaned, updated_at=utcnow(),
                )
            )
    return get_interview(store, link, number)


def _check_group_size(group_size: object) -> None:
    if isinstance(group_size, bool) or not isinstance(group_size, int) or not 1 <= group_size <= GROUP_SIZE_MAX:
        raise InvalidGroupSize(limit=GROUP_SIZE_MAX)


def set_group_size(store: Store, link: InterviewerLink, number: int, group_size: int) -> Interview:
    """Record how many people the interview was with (1 = one interviewee)."""
    _check_group_size(group_size)
    with store.write(link.workshop_id) as conn:
        interview_id = _own(conn, link, number)
        conn.execute(update(_IV).where(_IV.c.id == interview_id).values(group_size=group_size))
    return get_interview(store, link, number)


def set_confirmed(store: Store, link: InterviewerLink, number: int, confirmed: bool) -> Interview:
    """Record that the three points were summarised to the interviewee and they agreed."""
    with store.write(link.workshop_id) as conn:
        interview_id = _own(conn, link, number)
        conn.execute(update(_IV).where(_IV.c.id == interview_id).values(confirmed=bool(confirmed)))
    return get_interview(store, link, number)


def notes_version(store: Store, workshop_id: int) -> tuple[int, str]:
    """Return what changes whenever an interview of the workshop is started or written in.

    Every write through a link stamps its interview's ``updated_at``: one cheap read tells a
    cache whether the overview must be computed again, where the workshop's revision would
    change with every answer from the room.
    """
    with store.read() as conn:
        count, latest = conn.execute(
            select(func.count(), func.max(_IV.c.updated_at)).where(_IV.c.workshop_id == workshop_id)
        ).one()
    return count, str(latest)


def interview_counts(store: Store, workshop_id: int) -> dict[int, int]:
    """Return how many interviews each link of the workshop has written, by link id."""
    with store.read() as conn:
        rows = conn.execute(
            select(_IV.c.link_id, func.count()).where(_IV.c.workshop_id == workshop_id).group_by(_IV.c.link_id)
        )
        return {r[0]: r[1] for r in rows if r[0] is not None}

