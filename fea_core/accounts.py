"""Facilitator accounts: bcrypt-hashed passwords in the database, never a default password.

Create the first account from a shell on the server:
    python -m fea_core.accounts create USERNAME --name "Full Name"
(the password is asked for, or read from FEA_NEW_PASSWORD for scripted set-ups). The first
account ever created is an administrator (``fea_core.roles``); the command line can also
promote, demote, deactivate and reactivate accounts.

Every function that changes an account takes the acting account as ``by`` and refuses anyone
but an active administrator (or the server's command line, ``roles.ServerShell``); a facilitator
changes only their own password, giving the current one (``change_own_password``). The pages
always pass ``by``; ``by=None`` is the server's own code (command line, demo, tests), and
tests/test_roles.py checks that no page or ui module leaves it out. Every change is written to
the audit log (``fea_core.audit``) in the same transaction, never with a password or hash.

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

from fea_core import audit, login_throttle, roles, schema
from fea_core.errors import FeaError, UnknownFacilitator
from fea_core.handover import hand_over
from fea_core.login_throttle import (  # noqa: F401  (the login rules, named here as before)
    FAILURE_MEMORY,
    FIRST_LOCK_SECONDS,
    LOCK_AFTER_FAILURES,
    MAX_LOCK_SECONDS,
    USERNAME_LOCK_AFTER_FAILURES,
    USERNAME_LOCK_SECONDS,
    lock_seconds,
)
from fea_core.logins import end_logins
from fea_core.roles import ADMIN, FACILITATOR, LastAdministrator, NotAdministrator, ServerShell  # noqa: F401
from fea_core.storage import Store, open_store, utcnow
from fea_core.text_cleaning import clean_text

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
    mismatch, exists, unknown, own_password, current_wrong, locked, successor) and limit or
    seconds where there is one."""

    code = "invalid_account"


@dataclass(frozen=True)
class Facilitator:
    username: str
    name: str
    role: str = FACILITATOR
    active: bool = True

    @property
    def is_admin(self) -> bool:
        """Return whether the account is an active administrator."""
        return self.role == ADMIN and self.active


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


def _normalise(username) -> str:
    return str(username).strip().lower()


def _acting(conn, by: str | ServerShell | None) -> str | ServerShell:
    """Check that ``by`` may manage accounts; return who the audit log names (None: the command line)."""
    if by is None:
        return roles.shell()
    roles.require_admin(conn, by)
    return by


def create_facilitator(
    store: Store,
    username: str,
    name: str,
    password: str,
    *,
    password_again: str | None = None,
    by: str | ServerShell | None = None,
) -> None:
    """Create a facilitator account; usernames are lower case, passwords at least 10 characters.

    The first account ever created is an administrator; later ones are facilitators.

    :param password_again: the password typed a second time (a form's check), if any.
    :param by: the acting account: only an active administrator may create accounts (None: the
        server's own command line).
    """
    if not isinstance(username, str):  # str(None) would be the valid username "none"
        raise InvalidAccount(reason="username")
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise InvalidAccount(reason="username")
    _check_new_password(password, password_again)
    name = clean_text(name, max_length=200)
    with store.write() as conn:
        actor = _acting(conn, by)
        if conn.execute(select(_F.c.id).where(_F.c.username == username)).first():
            raise InvalidAccount(reason="exists")
        first = conn.execute(select(_F.c.id).limit(1)).first() is None
        conn.execute(
            _F.insert().values(
                username=username,
                name=name,
                password_hash=hash_password(password),
                created_at=utcnow(),
                role=ADMIN if first else FACILITATOR,
                active=True,
            )
        )
        # Someone may have tried the name before it existed: the new account starts unlocked.
        login_throttle.forget(conn, username)
        audit.record(conn, actor, "account.create", username, "administrator" if first else "")


def set_password(
    store: Store,
    username: str,
    password: str,
    *,
    password_again: str | None = None,
    by: str | ServerShell | None = None,
) -> None:
    """Reset a facilitator's password; this lifts a login lock and ends every login of the account.

    :param by: the acting account: only an active administrator may reset a password, and not
        their own (they change it with ``change_own_password``); None: the server's command line.
    """
    _check_new_password(password, password_again)
    username = _normalise(username)
    hashed = hash_password(password)
    with store.write() as conn:
        actor = _acting(conn, by)
        if not isinstance(actor, ServerShell) and _normalise(actor) == username:
            raise InvalidAccount(reason="own_password")
        done = conn.execute(update(_F).where(_F.c.username == username).values(password_hash=hashed)).rowcount
        if done:
            login_throttle.forget(conn, username)
            end_logins(conn, username)  # a copied cookie or an open tab must not outlive the old password
            audit.record(conn, actor, "account.reset_password", username)
    if not done:
        raise InvalidAccount(reason="unknown")


def change_own_password(
    store: Store, username: str, current: str, password: str, *, password_again: str | None = None
) -> None:
    """Change one's own password, giving the current one; every login of the account ends.

    A wrong current password counts as a failed login (the same throttle), so this form cannot
    be used to guess the password of an unlocked laptop's account.
    """
    _check_new_password(password, password_again)
    username = _normalise(username)
    checked = verify_login(store, username, current)
    if checked.locked:
        raise InvalidAccount(reason="locked", seconds=checked.seconds_left)
    if not checked.ok:
        raise InvalidAccount(reason="current_wrong")
    hashed = hash_password(password)
    with store.write() as conn:
        conn.execute(update(_F).where(_F.c.username == username).values(password_hash=hashed))
        end_logins(conn, username)
        audit.record(conn, username, "account.change_password", username)


def _account_row(conn, username: str):
    row = conn.execute(select(_F.c.username, _F.c.role, _F.c.active).where(_F.c.username == username)).first()
    if row is None:
        raise UnknownFacilitator(username=username)
    return row


def _keep_an_administrator(conn, row) -> None:
    """Refuse a change that would leave the server with no active administrator."""
    if row.role == ADMIN and row.active and roles.active_admins(conn) <= 1:
        raise LastAdministrator(username=row.username)


def set_role(store: Store, username: str, role: str, *, by: str | ServerShell | None) -> None:
    """Make an account an administrator or a facilitator; the last active administrator stays one."""
    if role not in roles.ROLES:
        raise ValueError(f"unknown role {role!r}")
    username = _normalise(username)
    with store.write() as conn:
        actor = _acting(conn, by)
        row = _account_row(conn, username)
        if row.role == role:
            return
        if role != ADMIN:
            _keep_an_administrator(conn, row)
        conn.execute(update(_F).where(_F.c.username == username).values(role=role))
        audit.record(conn, actor, "account.promote" if role == ADMIN else "account.demote", username)


def deactivate_facilitator(
    store: Store, username: str, *, by: str | ServerShell | None, hand_over_to: str | None = None
) -> tuple[int, int]:
    """Deactivate an account: it cannot log in and every login of it ends at once.

    Its workshops and forløb stay with their co-facilitators and steering group, or, with
    ``hand_over_to``, move to that active account (``fea_core.handover``). Deactivating the
    last active administrator is refused (LastAdministrator).

    :return: (workshops moved, forløb moved).
    """
    username = _normalise(username)
    successor = _normalise(hand_over_to) if hand_over_to else None
    with store.write() as conn:
        actor = _acting(conn, by)
        row = _account_row(conn, username)
        if successor is not None and (successor == username or not roles.is_active(conn, successor)):
            raise InvalidAccount(reason="successor")
        if row.active:
            _keep_an_administrator(conn, row)
            conn.execute(update(_F).where(_F.c.username == username).values(active=False))
            end_logins(conn, username)
            audit.record(conn, actor, "account.deactivate", username, f"hand over to {successor}" if successor else "")
        return hand_over(conn, username, successor, actor) if successor else (0, 0)


def hand_over_work(store: Store, username: str, to: str, *, by: str | ServerShell | None) -> tuple[int, int]:
    """Move a deactivated account's workshops and forløb to an active account (administrators only)."""
    username, to = _normalise(username), _normalise(to)
    with store.write() as conn:
        actor = _acting(conn, by)
        row = _account_row(conn, username)
        if row.active or to == username or not roles.is_active(conn, to):
            raise InvalidAccount(reason="successor")
        return hand_over(conn, username, to, actor)


def reactivate_facilitator(store: Store, username: str, *, by: str | ServerShell | None) -> None:
    """Let a deactivated account log in again (its old logins stay ended)."""
    username = _normalise(username)
    with store.write() as conn:
        actor = _acting(conn, by)
        row = _account_row(conn, username)
        if row.active:
            return
        conn.execute(update(_F).where(_F.c.username == username).values(active=True))
        audit.record(conn, actor, "account.reactivate", username)


def list_facilitators(store: Store, *, active_only: bool = False) -> list[Facilitator]:
    """Return the facilitator accounts (username, name, role, active), by username."""
    query = select(_F.c.username, _F.c.name, _F.c.role, _F.c.active).order_by(_F.c.username)
    if active_only:
        query = query.where(_F.c.active.is_(True))
    with store.read() as conn:
        rows = conn.execute(query).all()
    return [Facilitator(r.username, r.name, r.role, bool(r.active)) for r in rows]


def get_facilitator(store: Store, username: str | None) -> Facilitator | None:
    """Return the account with this username (as read now, role and active state included), or None."""
    if not username:
        return None
    with store.read() as conn:
        row = conn.execute(
            select(_F.c.username, _F.c.name, _F.c.role, _F.c.active).where(_F.c.username == _normalise(username))
        ).first()
    return Facilitator(row.username, row.name, row.role, bool(row.active)) if row else None


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

    A deactivated account gets the same answer as a wrong password, after the same bcrypt
    check, so a login attempt does not tell which accounts exist or are deactivated.

    :param client: the address the login came from (None: the server itself).
    """
    now = now or utcnow()
    key, client_key = login_throttle.username_key(username), login_throttle.client_key(client)
    attempt = login_throttle.count_attempt(store, key, client_key, now)
    if attempt.locked_for:
        return LoginResult(LOGIN_LOCKED, seconds_left=attempt.locked_for)
    with store.read() as conn:
        account = conn.execute(
            select(_F.c.username, _F.c.name, _F.c.password_hash, _F.c.active).where(_F.c.username == key)
        ).first()
    hashed = account.password_hash.encode("ascii") if account is not None else _dummy_hash()
    if _password_matches(password, hashed) and account is not None and account.active:
        login_throttle.record_success(store, key, client_key, now)
        return LoginResult(LOGIN_OK, username=account.username, name=account.name)
    return LoginResult(LOGIN_WRONG)


def login_failures(store: Store, username: str, client: str | None = None) -> tuple[int, datetime | None]:
    """Return (failures in a row, locked until) of a username from a client address; (0, None) if none."""
    return login_throttle.failures(store, username, client)


def authenticator_credentials(store: Store) -> dict:
    """Return the active accounts in streamlit-authenticator's credentials shape (hashes only).

    A deactivated account is left out, so its re-login cookie names no account any more.
    """
    with store.read() as conn:
        rows = conn.execute(select(_F.c.username, _F.c.name, _F.c.password_hash).where(_F.c.active.is_(True))).all()
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
    """Command line: create accounts, reset passwords, promote, demote, deactivate, reactivate."""
    from fea_core.config import database_url

    parser = argparse.ArgumentParser(prog="python -m fea_core.accounts")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="create an account (the first one ever is an administrator)")
    create.add_argument("username")
    create.add_argument("--name", required=True)
    reset = sub.add_parser("set-password", help="set a facilitator's password (ends their logins)")
    reset.add_argument("username")
    for command, text in (
        ("promote", "make an account an administrator"),
        ("demote", "make an administrator a facilitator (never the last one)"),
        ("reactivate", "let a deactivated account log in again"),
    ):
        sub.add_parser(command, help=text).add_argument("username")
    deactivate = sub.add_parser("deactivate", help="stop an account logging in and end its logins")
    deactivate.add_argument("username")
    deactivate.add_argument("--hand-over-to", metavar="USERNAME", help="move its workshops and forløb to this account")
    args = parser.parse_args(argv)

    by = roles.shell()  # the audit log names the operating-system user
    store = open_store(database_url())
    try:
        if args.command in ("create", "set-password"):
            password = os.environ.get("FEA_NEW_PASSWORD") or getpass.getpass("Password (min. 10 characters): ")
            if args.command == "create":
                create_facilitator(store, args.username, args.name, password, by=by)
            else:
                set_password(store, args.username, password, by=by)
        elif args.command in ("promote", "demote"):
            set_role(store, args.username, ADMIN if args.command == "promote" else FACILITATOR, by=by)
        elif args.command == "deactivate":
            moved = deactivate_facilitator(store, args.username, by=by, hand_over_to=args.hand_over_to)
            if args.hand_over_to:
                print(f"moved {moved[0]} workshops and {moved[1]} forløb to {args.hand_over_to.lower()}")
        else:
            reactivate_facilitator(store, args.username, by=by)
    except LastAdministrator:
        print(
            f"error: {args.username.lower()} is the last active administrator; promote another account first",
            file=sys.stderr,
        )
        return 2
    except FeaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"ok: {args.command} {args.username.lower()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
