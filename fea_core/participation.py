"""Anonymous participants: joining with a code, and coming back with a random token."""

from __future__ import annotations

import secrets

from sqlalchemy import String, bindparam, func, select, update

from fea_core import schema
from fea_core.errors import InvalidRole, UnknownJoinCode, UnknownParticipant, WorkshopEnded
from fea_core.method import load_method
from fea_core.model import Participant, Workshop
from fea_core.storage import Store, utcnow
from fea_core.throttle import Limits
from fea_core.workshops import find_by_code, normalize_code

_P = schema.participants
TOKEN_BYTES = 24  # 192 random bits: unguessable, and short enough for a URL


def _row_to_participant(row) -> Participant:
    return Participant(id=row.id, workshop_id=row.workshop_id, token=row.token, role=row.role)


def find_to_join(store: Store, code: str, *, limits: Limits | None = None) -> Workshop | None:
    """Return the workshop a typed code names, or None; with limits, a wrong code counts against them.

    :param limits: throttles of wrong guesses (per session, per process). While any is at its
        limit this raises TooManyAttempts without looking the code up, so a right code is
        refused too: guessing cannot go faster by mixing in a known code.
    """
    if limits is not None:
        limits.check()
    if not normalize_code(code):
        return None  # nothing typed is no guess
    workshop = find_by_code(store, code)
    if workshop is None and limits is not None:
        limits.record_failure()
    return workshop


def join(store: Store, code: str, *, limits: Limits | None = None) -> tuple[Workshop, Participant]:
    """Join the workshop with this code as a new anonymous participant.

    :param limits: see ``find_to_join``; raises TooManyAttempts while they are reached.
    """
    workshop = find_to_join(store, code, limits=limits)
    if workshop is None:
        raise UnknownJoinCode(code=code)
    if workshop.is_ended:
        raise WorkshopEnded(code=workshop.code)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with store.write(workshop.id) as conn:
        new_id = conn.execute(
            _P.insert().values(workshop_id=workshop.id, token=token, joined_at=utcnow())
        ).inserted_primary_key[0]
    return workshop, Participant(id=new_id, workshop_id=workshop.id, token=token, role=None)


def _is_token_shaped(token) -> bool:
    return isinstance(token, str) and 10 <= len(token) <= 64


def resume(store: Store, token: str) -> Participant:
    """Return the participant with this token, or raise UnknownParticipant."""
    row = None
    if _is_token_shaped(token):
        with store.read() as conn:
            row = conn.execute(_BY_TOKEN, {"token": token}).first()
    if row is None:
        raise UnknownParticipant()
    return _row_to_participant(row)


# Every phone's answer starts here: built once, its value bound per call.
_BY_TOKEN = select(_P).where(_P.c.token == bindparam("token", type_=String))


def resume_many(store: Store, tokens: list[str]) -> dict[str, Participant]:
    """Return the participants of these tokens in one read, by token; unknown tokens are left out."""
    wanted = sorted({t for t in tokens if _is_token_shaped(t)})
    if not wanted:
        return {}
    with store.read() as conn:
        rows = conn.execute(select(_P).where(_P.c.token.in_(wanted)))
        return {row.token: _row_to_participant(row) for row in rows}


def set_role(store: Store, participant: Participant, role: str | None) -> Participant:
    """Record the participant's group (or None), used only for anonymous breakdowns."""
    if role is not None and role not in {r.key for r in load_method().roles}:
        raise InvalidRole(role=role)
    with store.write(participant.workshop_id) as conn:
        conn.execute(update(_P).where(_P.c.id == participant.id).values(role=role))
    return Participant(participant.id, participant.workshop_id, participant.token, role)


def count_participants(store: Store, workshop_id: int) -> int:
    """Return how many phones have joined the workshop."""
    with store.read() as conn:
        return conn.execute(
            select(func.count()).select_from(_P).where(_P.c.workshop_id == workshop_id)
        ).scalar_one()
