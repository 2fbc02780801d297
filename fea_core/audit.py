"""The audit log: every change to an account or to who may see a workshop, forløb or raw notes.

Written inside the same transaction as the change it records, so the log and the data never
disagree. It holds who acted, what, to whom, when, and which workshop or forløb: never a
password or a hash. Administrators read it in the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from fea_core import schema
from fea_core.roles import ServerShell, actor_name, require_admin
from fea_core.storage import Store, utcnow

_A = schema.audit_log
PAGE_SIZE = 50
DETAIL_MAX = 300

ACTIONS = (
    "account.create",
    "account.deactivate",
    "account.reactivate",
    "account.promote",
    "account.demote",
    "account.reset_password",  # an administrator (or the command line) set someone's password
    "account.change_password",  # a facilitator changed their own, giving the current one
    "workshop.hand_over",
    "course.hand_over",
    "workshop.share",
    "workshop.unshare",
    "course.add_member",
    "course.remove_member",
    "notes.grant",
    "notes.revoke",
)


@dataclass(frozen=True)
class Entry:
    """One line of the audit log."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: str


def record(conn: Connection, by: str | ServerShell | None, action: str, target: str, detail: str = "") -> None:
    """Write one entry inside the caller's transaction (``by`` None: the app itself, e.g. a forløb's sharing)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn.execute(
        _A.insert().values(
            at=utcnow(),
            actor="system" if by is None else actor_name(by)[:100],
            action=action,
            target=str(target)[:64],
            detail=str(detail)[:DETAIL_MAX],
        )
    )


def entries(store: Store, *, by: str | ServerShell, limit: int = PAGE_SIZE, offset: int = 0) -> list[Entry]:
    """Return entries newest first, for an administrator only (NotAdministrator otherwise)."""
    limit = max(1, min(int(limit), 500))
    offset = max(0, int(offset))
    with store.read() as conn:
        require_admin(conn, by)
        rows = conn.execute(select(_A).order_by(_A.c.at.desc(), _A.c.id.desc()).limit(limit).offset(offset)).all()
    return [Entry(r.id, r.at, r.actor, r.action, r.target, r.detail) for r in rows]


def count(store: Store, *, by: str | ServerShell) -> int:
    """Return how many entries the log holds (administrators only)."""
    with store.read() as conn:
        require_admin(conn, by)
        return conn.execute(select(func.count()).select_from(_A)).scalar_one()
