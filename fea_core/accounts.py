"""Facilitator accounts: bcrypt-hashed passwords in the database, never a default password.

Create the first account from a shell on the server:
    python -m fea_core.accounts create USERNAME --name "Full Name"
(the password is asked for, or read from FEA_NEW_PASSWORD for scripted set-ups).
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import secrets
import sys

import bcrypt
from sqlalchemy import select, update

from fea_core import schema
from fea_core.errors import FeaError
from fea_core.storage import Store, open_store, utcnow
from fea_core.text import clean_text

_F = schema.facilitators
PASSWORD_MIN = 10
USERNAME_PATTERN = re.compile(r"^[a-z0-9._-]{3,64}$")
COOKIE_KEY_SETTING = "cookie_key"


class InvalidAccount(FeaError):
    code = "invalid_account"


def hash_password(password: str) -> str:
    """Return the bcrypt hash of a password."""
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def create_facilitator(store: Store, username: str, name: str, password: str) -> None:
    """Create a facilitator account; usernames are lower case, passwords at least 10 characters."""
    username = str(username).strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise InvalidAccount(reason="username")
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise InvalidAccount(reason="password", limit=PASSWORD_MIN)
    name = clean_text(name, max_length=200)
    with store.write() as conn:
        if conn.execute(select(_F.c.id).where(_F.c.username == username)).first():
            raise InvalidAccount(reason="exists")
        conn.execute(
            _F.insert().values(
                username=username, name=name, password_hash=hash_password(password), created_at=utcnow()
            )
        )


def set_password(store: Store, username: str, password: str) -> None:
    """Replace a facilitator's password."""
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise InvalidAccount(reason="password", limit=PASSWORD_MIN)
    with store.write() as conn:
        done = conn.execute(
            update(_F).where(_F.c.username == username.lower()).values(password_hash=hash_password(password))
        ).rowcount
    if not done:
        raise InvalidAccount(reason="unknown")


def authenticator_credentials(store: Store) -> dict:
    """Return the accounts in streamlit-authenticator's credentials shape (hashes only)."""
    with store.read() as conn:
        rows = conn.execute(select(_F.c.username, _F.c.name, _F.c.password_hash)).all()
    return {"usernames": {r.username: {"name": r.name, "password": r.password_hash} for r in rows}}


def has_facilitators(store: Store) -> bool:
    """Return whether any facilitator account exists."""
    with store.read() as conn:
        return conn.execute(select(_F.c.id).limit(1)).first() is not None


def cookie_key(store: Store) -> str:
    """Return the login-cookie signing key: FEA_COOKIE_KEY, else one generated once and kept in the database."""
    configured = os.environ.get("FEA_COOKIE_KEY", "").strip()
    if configured:
        return configured
    with store.write() as conn:
        row = conn.execute(
            select(schema.settings.c.value).where(schema.settings.c.key == COOKIE_KEY_SETTING)
        ).first()
        if row:
            return row.value
        key = secrets.token_urlsafe(32)
        conn.execute(schema.settings.insert().values(key=COOKIE_KEY_SETTING, value=key))
        return key


def main(argv: list[str] | None = None) -> int:
    """Command line: create a facilitator or reset a password."""
    from fea_core.config import database_url

    parser = argparse.ArgumentParser(prog="python -m fea_core.accounts")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="create a facilitator account")
    create.add_argument("username")
    create.add_argument("--name", required=True)
    reset = sub.add_parser("set-password", help="set a facilitator's password")
    reset.add_argument("username")
    args = parser.parse_args(argv)

    password = os.environ.get("FEA_NEW_PASSWORD") or getpass.getpass("Password (min. 10 characters): ")
    store = open_store(database_url())
    try:
        if args.command == "create":
            create_facilitator(store, args.username, args.name, password)
        else:
            set_password(store, args.username, password)
    except (InvalidAccount, FeaError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"ok: {args.command} {args.username.lower()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
