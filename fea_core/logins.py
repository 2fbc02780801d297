"""Revocable logins: every login of an account carries the moment it began, and the account
keeps a moment before which every login counts as ended.

streamlit-authenticator's re-login cookie is a signed token holding only a username and an
expiry, and the server kept nothing to check it against, so a copied cookie outlived "Log ud"
and a password reset. Ending logins here (``end_logins``) is one column in the database, so
every process sees it at the session's next script run (``login_is_current``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, select, update

from fea_core import schema
from fea_core.storage import Store, utcnow

_F = schema.facilitators


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything stored here is UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def end_logins(conn: Connection, username: str, now: datetime | None = None) -> None:
    """End every login of this account that began before now (inside the caller's transaction)."""
    conn.execute(
        update(_F).where(_F.c.username == str(username).strip().lower()).values(logins_valid_after=now or utcnow())
    )


def login_is_current(store: Store, username: str | None, began_at: datetime | None) -> bool:
    """Return whether a login of this account that began at ``began_at`` may go on.

    False for an unknown or deactivated account, for a login whose start is unknown, and for
    one that began before the account's logins were last ended.
    """
    if not username or began_at is None:
        return False
    with store.read() as conn:
        row = conn.execute(
            select(_F.c.active, _F.c.logins_valid_after).where(_F.c.username == str(username).strip().lower())
        ).first()
    if row is None or not row.active:
        return False
    valid_after = _aware(row.logins_valid_after)
    return valid_after is None or _aware(began_at) > valid_after
