"""Who may manage accounts: administrators (active ones), and the server's own command line.

An administrator creates, deactivates and reactivates accounts and resets others' passwords; a
facilitator changes only their own password. Every function that changes an account takes the
acting account (``by``) and checks it here, in the domain, not only in the page.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from fea_core import schema
from fea_core.errors import FeaError

ADMIN = "admin"
FACILITATOR = "facilitator"
ROLES = (ADMIN, FACILITATOR)

_F = schema.facilitators


class NotAdministrator(FeaError):
    """Only an administrator may do this (create, deactivate or reactivate accounts, reset passwords)."""

    code = "roles.not_administrator"


class LastAdministrator(FeaError):
    """The server would be left without an active administrator; params: username."""

    code = "roles.last_administrator"


@dataclass(frozen=True)
class ServerShell:
    """The command line on the server: whoever runs it already controls the server and its database.

    An object, not a string, so no account name a page hands over can ever pass for it.
    """

    os_user: str

    def __str__(self) -> str:
        return f"cli:{self.os_user}"


def shell() -> ServerShell:
    """Return the command line's identity, named by the operating-system user who runs it."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container) and no LOGNAME
        user = "unknown"
    return ServerShell(user[:60])


def actor_name(by: str | ServerShell) -> str:
    """Return how the audit log names whoever acted."""
    return str(by) if isinstance(by, ServerShell) else str(by).strip().lower()


def is_active_admin(conn: Connection, username: object) -> bool:
    """Return whether this username is an active administrator's."""
    if not isinstance(username, str) or not username:
        return False
    row = conn.execute(select(_F.c.role, _F.c.active).where(_F.c.username == username.strip().lower())).first()
    return row is not None and row.role == ADMIN and bool(row.active)


def require_admin(conn: Connection, by: str | ServerShell) -> None:
    """Raise NotAdministrator unless ``by`` is the server's command line or an active administrator."""
    if isinstance(by, ServerShell):
        return
    if not is_active_admin(conn, by):
        raise NotAdministrator()


def is_active(conn: Connection, username: object) -> bool:
    """Return whether an account with this username exists and is active."""
    if not isinstance(username, str) or not username:
        return False
    row = conn.execute(select(_F.c.active).where(_F.c.username == username.strip().lower())).first()
    return row is not None and bool(row.active)


def active_admins(conn: Connection) -> int:
    """Return how many active administrators there are."""
    return conn.execute(
        select(func.count()).select_from(_F).where(_F.c.role == ADMIN, _F.c.active.is_(True))
    ).scalar_one()
