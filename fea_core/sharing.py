"""Co-facilitators: the owner shares a workshop with other facilitators, who may then run it.

Running a workshop is not reading its raw interview notes: those are for the owner and the
co-facilitators the owner names for them (``grant_interview_notes``), never for someone the
workshop reached through a forløb's steering group alone. Unsharing takes both away at once.
Every change is written to the audit log in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from fea_core import audit, schema
from fea_core.errors import FeaError, NotWorkshopOwner, UnknownFacilitator
from fea_core.model import Workshop
from fea_core.storage import Store, utcnow

_WF = schema.workshop_facilitators
_W = schema.workshops
_F = schema.facilitators
_R = schema.interview_readers


class NotCoFacilitator(FeaError):
    """Interview notes can be opened only to someone the workshop is shared with; params: username."""

    code = "roles.not_co_facilitator"


def _owner(conn, workshop_id: int, by: str | None) -> str:
    owner = conn.execute(select(_W.c.owner).where(_W.c.id == workshop_id)).scalar_one_or_none()
    if owner is None:
        raise ValueError(f"no workshop with id {workshop_id}")
    if by is not None and by != owner:
        raise NotWorkshopOwner()
    return owner


def _code(conn, workshop_id: int) -> str:
    return f"workshop {conn.execute(select(_W.c.code).where(_W.c.id == workshop_id)).scalar_one()}"


def share_workshop(store: Store, workshop_id: int, username: str, *, by: str | None = None) -> None:
    """Let another facilitator run the workshop; sharing twice, or with the owner, changes nothing.

    It does not open the raw interview notes to them (``grant_interview_notes`` does).

    :param by: who asks; when given, only the workshop's owner may share it.
    """
    username = str(username).strip().lower()
    with store.write(workshop_id) as conn:
        owner = _owner(conn, workshop_id, by)
        if conn.execute(select(_F.c.id).where(_F.c.username == username)).first() is None:
            raise UnknownFacilitator(username=username)
        if username == owner:
            return
        already = conn.execute(
            select(_WF.c.username).where(_WF.c.workshop_id == workshop_id, _WF.c.username == username)
        ).first()
        if already is None:
            conn.execute(_WF.insert().values(workshop_id=workshop_id, username=username, added_at=utcnow()))
            audit.record(conn, by, "workshop.share", username, _code(conn, workshop_id))


def unshare_workshop(store: Store, workshop_id: int, username: str, *, by: str | None = None) -> None:
    """Stop sharing the workshop with a facilitator, and their access to its interview notes with it.

    :param by: who asks; when given, only the workshop's owner may stop sharing it.
    """
    username = str(username).strip().lower()
    with store.write(workshop_id) as conn:
        _owner(conn, workshop_id, by)
        unshare_in(conn, workshop_id, username, by)


def unshare_in(conn, workshop_id: int, username: str, by: str | None, why: str = "") -> None:
    """Unshare inside the caller's transaction (also used when someone leaves a forløb's steering group)."""
    gone = conn.execute(delete(_WF).where(_WF.c.workshop_id == workshop_id, _WF.c.username == username)).rowcount
    if conn.execute(delete(_R).where(_R.c.workshop_id == workshop_id, _R.c.username == username)).rowcount:
        audit.record(conn, by, "notes.revoke", username, f"{_code(conn, workshop_id)}{why}")
    if gone:
        audit.record(conn, by, "workshop.unshare", username, f"{_code(conn, workshop_id)}{why}")


def co_facilitators(store: Store, workshop_id: int) -> list[str]:
    """Return the usernames the workshop is shared with, in the order they were added."""
    with store.read() as conn:
        rows = conn.execute(
            select(_WF.c.username).where(_WF.c.workshop_id == workshop_id).order_by(_WF.c.added_at, _WF.c.username)
        )
        return [r.username for r in rows]


def _active(conn, username: str) -> bool:
    row = conn.execute(select(_F.c.active).where(_F.c.username == username)).first()
    return row is not None and bool(row.active)


def can_facilitate(store: Store, workshop: Workshop | None, username: str | None) -> bool:
    """Return whether this facilitator may run the workshop: its owner, or shared with them; active accounts only."""
    if workshop is None or not username:
        return False
    with store.read() as conn:
        if not _active(conn, username):
            return False
        if workshop.owner == username:
            return True
        return (
            conn.execute(
                select(_WF.c.username).where(_WF.c.workshop_id == workshop.id, _WF.c.username == username)
            ).first()
            is not None
        )


# --- the raw interview notes -----------------------------------------------------------------------


def grant_interview_notes(store: Store, workshop_id: int, username: str, *, by: str) -> None:
    """Let a co-facilitator read the workshop's raw interview notes (only the owner may; NotWorkshopOwner)."""
    username = str(username).strip().lower()
    with store.write(workshop_id) as conn:
        owner = _owner(conn, workshop_id, by)
        if username == owner:
            return
        shared = conn.execute(
            select(_WF.c.username).where(_WF.c.workshop_id == workshop_id, _WF.c.username == username)
        ).first()
        if shared is None:
            raise NotCoFacilitator(username=username)
        if conn.execute(select(_R.c.username).where(_R.c.workshop_id == workshop_id, _R.c.username == username)).first():
            return
        conn.execute(_R.insert().values(workshop_id=workshop_id, username=username, granted_at=utcnow()))
        audit.record(conn, by, "notes.grant", username, _code(conn, workshop_id))


def revoke_interview_notes(store: Store, workshop_id: int, username: str, *, by: str) -> None:
    """Stop a co-facilitator reading the raw interview notes; they keep running the workshop."""
    username = str(username).strip().lower()
    with store.write(workshop_id) as conn:
        _owner(conn, workshop_id, by)
        if conn.execute(delete(_R).where(_R.c.workshop_id == workshop_id, _R.c.username == username)).rowcount:
            audit.record(conn, by, "notes.revoke", username, _code(conn, workshop_id))


def interview_readers(store: Store, workshop_id: int) -> list[str]:
    """Return the co-facilitators named to read the workshop's raw interview notes (the owner always may)."""
    with store.read() as conn:
        rows = conn.execute(
            select(_R.c.username).where(_R.c.workshop_id == workshop_id).order_by(_R.c.granted_at, _R.c.username)
        )
        return [r.username for r in rows]


def can_read_notes(store: Store, workshop: Workshop | None, username: str | None) -> bool:
    """Return whether this account may read the workshop's raw interview notes and interviewer links.

    Its owner, and a co-facilitator the owner named for them; active accounts only. Being in a
    forløb's steering group, or a plain co-facilitator, is not enough.
    """
    if workshop is None or not username:
        return False
    with store.read() as conn:
        if not _active(conn, username):
            return False
        owner = conn.execute(select(_W.c.owner).where(_W.c.id == workshop.id)).scalar_one_or_none()
        if owner is None:
            return False
        if owner == username:
            return True
        named = (
            select(_R.c.username)
            .join(_WF, (_WF.c.workshop_id == _R.c.workshop_id) & (_WF.c.username == _R.c.username))
            .where(_R.c.workshop_id == workshop.id, _R.c.username == username)
        )
        return conn.execute(named).first() is not None
