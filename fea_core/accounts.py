"""Facilitator accounts: bcrypt-hashed passwords in the database, never a default password.

Create the first account from a shell on the server:
    python -m fea_core.accounts create USERNAME --name "Full Name"
(the password is asked for, or read from FEA_NEW_PASSWORD for scripted set-ups).

Logins go through ``verify_login``, which throttles failed attempts per username and client
in the database (fea_core/login_throttle.py), for unknown usernames too.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import secrets
import sys
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import bcrypt
from sqlalchemy import select, update

from fea_core import login_throttle, logins, schema
from fea_core.errors import FeaError
from fea_core.login_throttle import (  # noqa: F401  (the login rules, named here as before)
    FAILURE_MEMORY,
    FIRST_LOCK_SECONDS,
    LOCK_AFTER_FAILURES,
    MAX_LOCK_SECONDS,
    USERNAME_LOCK_AFTER_FAILURES,
    USERNAME_LOCK_SECONDS,
    lock_seconds,
)
from fea_core.storage import Store, open_store, utcnow
from fea_core.text import clean_text

_F = schema.facilitators
PASSWORD_MIN = 10
PASSWORD_MAX_BYTES = 72  # bcrypt reads no further (bcrypt 5 refuses longer passwords)
USERNAME_PATTERN = re.compile(r"^[a-z0-9._-]{3,64}$")
COOKIE_KEY_SETTING = "cookie_key"

LOGIN_OK = "ok"
LOGIN_WRONG = "wrong"
LOGIN_LOCKED = "locked"


class InvalidAccount(FeaError):
    """An account that cannot be saved; params: reason (username, password, password_too_long,
    mismatch, exists, unknown) and limit where there is one."""

    code = "invalid_account"


@dataclass(frozen=True)
class Facilitator:
    username: str
    name: str


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt came to: ok (with the account), wrong, or locked (with seconds left)."""

    status: str
    username: str | None = None
    name: str | None = None
    seconds_left: int = 0

    @property
    def ok(self) -> bool:
        return self.status == LOGIN_OK

    @property
    def locked(self) -> bool:
        return self.status == LOGIN_LOCKED


def hash_password(password: str) -> str:
    """Return the bcrypt hash of a password."""
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def _check_new_password(password, password_again) -> None:
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise InvalidAccount(reason="password", limit=PASSWORD_MIN)
    try:
        size = len(password.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: no browser sends one, and bcrypt cannot hash it
        raise InvalidAccount(reason="password", limit=PASSWORD_MIN) from None
    if size > PASSWORD_MAX_BYTES:
        raise InvalidAccount(reason="password_too_long", limit=PASSWORD_MAX_BYTES)
    if password_again is not None and password_again != password:
        raise InvalidAccount(reason="mismatch")


def create_facilitator(
    store: Store, username: str, name: str, password: str, *, password_again: str | None = None
) -> None:
    """Create a facilitator account; usernames are lower case, passwords at least 10 characters.

    :param password_again: the password typed a second time (a form's check), if any.
    """
    if not isinstance(username, str):  # str(None) would be the valid username "none"
        raise InvalidAccount(reason="username")
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise InvalidAccount(reason="username")
    _check_new_password(password, password_again)
    name = clean_text(name, max_length=200)
    with store.write() as conn:
        if conn.execute(select(_F.c.id).where(_F.c.username == username)).first():
            raise InvalidAccount(reason="exists")
        conn.execute(
            _F.insert().values(
                username=username, name=name, password_hash=hash_password(password), created_at=utcnow()
            )
        )
        # Someone may have tried the name before it existed: the new account starts unlocked.
        login_throttle.forget(conn, username)


def set_password(store: Store, username: str, password: str, *, password_again: str | None = None) -> None:
    """Replace a facilitator's password; this also lifts a login lock and ends every login of the account."""
    _check_new_password(password, password_again)
    username = str(username).strip().lower()
    with store.write() as conn:
        done = conn.execute(
            update(_F).where(_F.c.username == username).values(password_hash=hash_password(password))
        ).rowcount
        if done:
            login_throttle.forget(conn, username)
            logins.end_logins(conn, username)  # a copied cookie or an open tab must not outlive the old password
    if not done:
        raise InvalidAccount(reason="unknown")


def list_facilitators(store: Store) -> list[Facilitator]:
    """Return every facilitator account (username and name), by username."""
    with store.read() as conn:
        rows = conn.execute(select(_F.c.username, _F.c.name).order_by(_F.c.username)).all()
    return [Facilitator(r.username, r.name) for r in rows]


# --- login ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _dummy_hash() -> bytes:
    # Checked against when the username is unknown, so that answer takes as long as a real one.
    return hash_password(secrets.token_urlsafe(16)).encode("ascii")


def _password_matches(password, hashed: bytes) -> bool:
    raw = password.encode("utf-8") if isinstance(password, str) else b""
    # Always run bcrypt once, also for a password too long to ever have been set.
    matches = bcrypt.checkpw(raw[:PASSWORD_MAX_BYTES], hashed)
    return matches and len(raw) <= PASSWORD_MAX_BYTES


def verify_login(
    store: Store, username: str, password: str, now: datetime | None = None, *, client: str | None = None
) -> LoginResult:
    """Check a login; throttle failures per username and client (fea_core/login_throttle.py).

    :param client: the address the login came from (None: the server itself).
    """
    now = now or utcnow()
    key, client_key = login_throttle.username_key(username), login_throttle.client_key(client)
    attempt = login_throttle.count_attempt(store, key, client_key, now)
    if attempt.locked_for:
        return LoginResult(LOGIN_LOCKED, seconds_left=attempt.locked_for)
    with store.read() as conn:
        account = conn.execute(
            select(_F.c.username, _F.c.name, _F.c.password_hash).where(_F.c.username == key)
        ).first()
    hashed = account.password_hash.encode("ascii") if account is not None else _dummy_hash()
    if _password_matches(password, hashed) and account is not None:
        login_throttle.record_success(store, key, client_key, now)
        return LoginResult(LOGIN_OK, username=account.username, name=account.name)
    return LoginResult(LOGIN_WRONG)


def login_failures(store: Store, username: str, client: str | None = None) -> tuple[int, datetime | None]:
    """Return (failures in a row, locked until) of a username from a client address; (0, None) if none."""
    return login_throttle.failures(store, username, client)


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
