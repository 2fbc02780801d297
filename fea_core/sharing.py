"""Co-facilitators: the owner shares a workshop with other facilitators, who may then run it."""

from __future__ import annotations

from sqlalchemy import delete, select

from fea_core import schema
from fea_core.errors import NotWorkshopOwner, UnknownFacilitator
from fea_core.model import Workshop
from fea_core.storage import Store, utcnow

_WF = schema.workshop_facilitators
_W = schema.workshops
_F = schema.facilitators


def _owner(conn, workshop_id: int, by: str | None) -> str:
    owner = conn.execute(select(_W.c.owner).where(_W.c.id == workshop_id)).scalar_one_or_none()
    if owner is None:
        raise ValueError(f"no workshop with id {workshop_id}")
    if by is not None and by != owner:
        raise NotWorkshopOwner()
    return owner


def share_workshop(store: Store, workshop_id: int, username: str, *, by: str | None = None) -> None:
    """Let another facilitator run the workshop; sharing twice, or with the owner, changes nothing.

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


def unshare_workshop(store: Store, workshop_id: int, username: str, *, by: str | None = None) -> None:
    """Stop sharing the workshop with a facilitator (nothing happens if it was not shared).

    :param by: who asks; when given, only the workshop's owner may stop sharing it.
    """
    username = str(username).strip().lower()
    with store.write(workshop_id) as conn:
        _owner(conn, workshop_id, by)
        conn.execute(delete(_WF).where(_WF.c.workshop_id == workshop_id, _WF.c.username == username))


def co_facilitators(store: Store, workshop_id: int) -> list[str]:
    """Return the usernames the workshop is shared with, in the order they were added."""
    with store.read() as conn:
        rows = conn.execute(
            select(_WF.c.username).where(_WF.c.workshop_id == workshop_id).order_by(_WF.c.added_at, _WF.c.username)
        )
        return [r.username for r in rows]


def can_facilitate(store: Store, workshop: Workshop | None, username: str | None) -> bool:
    """Return whether this facilitator may run the workshop: its owner, or shared with them."""
    if workshop is None or not username:
        return False
    if workshop.owner == username:
        return True
    with store.read() as conn:
        return (
            conn.execute(
                select(_WF.c.username).where(_WF.c.workshop_id == workshop.id, _WF.c.username == username)
            ).first()
            is not None
        )
