"""Slowing down password guessing without letting a stranger lock the owner out (OWASP-style).

Failed logins are counted in the database (every process sees the same counts), twice:

- per username and client (``login_clients``): LOCK_AFTER_FAILURES failures in a row lock that
  pair, for FIRST_LOCK_SECONDS doubling up to MAX_LOCK_SECONDS. A stranger's guesses slow down
  only the stranger: the owner on another client is not affected.
- per username over all clients (``login_failures``): a looser cap against guessing spread over
  many clients. From USERNAME_LOCK_AFTER_FAILURES failures in a row on, every failure locks the
  username for USERNAME_LOCK_SECONDS (short, and not growing), except for clients that logged in
  to this account before (within KNOWN_CLIENT_MEMORY): the owner's own laptop never waits for
  it, and the owner on a new client waits at most a minute.

Unknown usernames are counted the same way, so a lock does not tell which accounts exist.
The client is what ``client_key`` makes of the address the web server saw; IPv6 addresses
count per /64, the block one household or office usually gets, or every guess could come from
a new address.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from fea_core import schema
from fea_core.storage import Store

_U = schema.login_failures  # per username
_C = schema.login_clients  # per username and client

LOCK_AFTER_FAILURES = 5
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60
USERNAME_LOCK_AFTER_FAILURES = 20
USERNAME_LOCK_SECONDS = 60
# Failures further back than this are forgotten (and their rows deleted).
FAILURE_MEMORY = timedelta(days=1)
# A client that logged in to an account this recently is the owner's: the per-username cap
# does not hold it back.
KNOWN_CLIENT_MEMORY = timedelta(days=30)
LOCAL_CLIENT = "local"
UNKNOWN_CLIENT = "unknown"
CLIENT_MAX = 64


@dataclass(frozen=True)
class Attempt:
    """A counted attempt: seconds still locked (0: go on and check the password)."""

    locked_for: int = 0


def lock_seconds(failures: int) -> int:
    """Return how long a (username, client) pair is locked after this many failures in a row (0: not)."""
    if failures < LOCK_AFTER_FAILURES:
        return 0
    return min(FIRST_LOCK_SECONDS * 2 ** min(failures - LOCK_AFTER_FAILURES, 32), MAX_LOCK_SECONDS)


def username_lock_seconds(failures: int) -> int:
    """Return how long a username is locked for unknown clients after this many failures in a row."""
    return USERNAME_LOCK_SECONDS if failures >= USERNAME_LOCK_AFTER_FAILURES else 0


def username_key(username) -> str:
    return str(username or "").strip().lower()[:64]


def client_key(address: str | None) -> str:
    """Return the throttling key of a client address: the IPv4 address, the IPv6 /64, or a marker.

    None or empty (Streamlit's answer for a browser on the server itself) is LOCAL_CLIENT.
    """
    if not address:
        return LOCAL_CLIENT
    ip = _ip(address)
    if ip is None:
        return UNKNOWN_CLIENT
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _ip(text: str | None):
    try:
        ip = ipaddress.ip_address(str(text).strip().split("%", 1)[0])
    except ValueError:
        return None
    return ip.ipv4_mapped if ip.version == 6 and ip.ipv4_mapped is not None else ip


def _trusted(text: str | None, trusted) -> bool:
    ip = _ip(text)
    return ip is not None and any(ip in network for network in trusted if ip.version == network.version)


def client_address(peer: str | None, forwarded_for: str | None, real_ip: str | None, trusted) -> str | None:
    """Return the address a login came from.

    The connection's peer, unless the peer is a trusted proxy (``trusted``: networks, from
    FEA_TRUSTED_PROXIES): then the right-most X-Forwarded-For entry that is not a trusted
    proxy itself (entries further left are whatever the client chose to send), else X-Real-IP.
    ``peer`` None means the server itself (Streamlit hides 127.0.0.1 and ::1 so).
    """
    if not _trusted(peer if peer else "127.0.0.1", trusted):
        return peer
    for entry in reversed([e.strip() for e in (forwarded_for or "").split(",") if e.strip()]):
        if not _trusted(entry, trusted):
            return entry
    if real_ip and real_ip.strip() and not _trusted(real_ip, trusted):
        return real_ip.strip()
    return peer


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything stored here is UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _left(locked_until: datetime | None, now: datetime) -> int:
    locked_until = _aware(locked_until)
    if locked_until is None or locked_until <= now:
        return 0
    return max(1, math.ceil((locked_until - now).total_seconds()))


def _recent_failures(row, now: datetime) -> int:
    if row is None or row.last_failure_at is None or _aware(row.last_failure_at) <= now - FAILURE_MEMORY:
        return 0
    return row.failures


def count_attempt(store: Store, username: str, client: str, now: datetime) -> Attempt:
    """Count an attempt as failed before its password is checked, unless it is locked out.

    Counting first means parallel guesses cannot slip past the limit while bcrypt runs. A
    locked attempt adds nothing. ``username`` and ``client`` are keys (``username_key``,
    ``client_key``).
    """
    for _ in range(3):  # PostgreSQL: two first attempts may both insert; the loser tries again
        try:
            with store.write() as conn:
                return _count(conn, username, client, now)
        except IntegrityError:
            continue
    raise RuntimeError("could not record a login attempt")


def _count(conn: Connection, username: str, client: str, now: datetime) -> Attempt:
    pair = conn.execute(
        select(_C).where(_C.c.username == username, _C.c.client == client).with_for_update()
    ).first()
    user = conn.execute(select(_U).where(_U.c.username == username).with_for_update()).first()
    known = (
        pair is not None
        and pair.last_success_at is not None
        and _aware(pair.last_success_at) > now - KNOWN_CLIENT_MEMORY
    )
    pair_left = _left(pair.locked_until if pair else None, now)
    user_left = 0 if known else _left(user.locked_until if user else None, now)
    locked_for = max(pair_left, user_left)
    if locked_for:
        return Attempt(locked_for)

    pair_values = _one_more_failure(pair, lock_seconds, now)
    user_values = _one_more_failure(user, username_lock_seconds, now)
    if pair is None or user is None:
        _forget_stale(conn, now)
    if pair is None:
        conn.execute(_C.insert().values(username=username, client=client, **pair_values))
    else:
        conn.execute(update(_C).where(_C.c.username == username, _C.c.client == client).values(**pair_values))
    if user is None:
        conn.execute(_U.insert().values(username=username, **user_values))
    else:
        conn.execute(update(_U).where(_U.c.username == username).values(**user_values))
    return Attempt()


def _one_more_failure(row, lock_for, now: datetime) -> dict:
    """Return a throttle row's new values after one more failure, locked as ``lock_for`` says."""
    failures = _recent_failures(row, now) + 1
    delay = lock_for(failures)
    return {
        "failures": failures,
        "locked_until": now + timedelta(seconds=delay) if delay else None,
        "last_failure_at": now,
    }


def _forget_stale(conn: Connection, now: datetime) -> None:
    # Rows of invented usernames and of clients long gone: memory stays bounded.
    conn.execute(delete(_U).where(_U.c.last_failure_at <= now - FAILURE_MEMORY))
    stale_failures = or_(_C.c.last_failure_at.is_(None), _C.c.last_failure_at <= now - FAILURE_MEMORY)
    stale_success = or_(_C.c.last_success_at.is_(None), _C.c.last_success_at <= now - KNOWN_CLIENT_MEMORY)
    conn.execute(delete(_C).where(and_(stale_failures, stale_success)))


def record_success(store: Store, username: str, client: str, now: datetime) -> None:
    """Clear the username's count and this client's, and remember the client as the owner's.

    Other clients' locks stay: the owner logging in must not set a stranger free to guess again.
    """
    with store.write() as conn:
        conn.execute(delete(_U).where(_U.c.username == username))
        done = conn.execute(
            update(_C)
            .where(_C.c.username == username, _C.c.client == client)
            .values(failures=0, locked_until=None, last_failure_at=None, last_success_at=now)
        ).rowcount
        if not done:  # counted attempts always leave a row; kept in case a cleanup raced it
            conn.execute(_C.insert().values(username=username, client=client, failures=0, last_success_at=now))


def forget(conn: Connection, username: str) -> None:
    """Lift every lock and forget every client of a username (new account, new password)."""
    key = username_key(username)
    conn.execute(delete(_U).where(_U.c.username == key))
    conn.execute(delete(_C).where(_C.c.username == key))


def failures(store: Store, username: str, client: str | None = None) -> tuple[int, datetime | None]:
    """Return (failures in a row, locked until) of a username from a client address; (0, None) if none."""
    with store.read() as conn:
        row = conn.execute(
            select(_C).where(_C.c.username == username_key(username), _C.c.client == client_key(client))
        ).first()
    return (row.failures, _aware(row.locked_until)) if row and row.failures else (0, None)


def username_failures(store: Store, username: str) -> tuple[int, datetime | None]:
    """Return (failures in a row over all clients, locked until) of a username; (0, None) if none."""
    with store.read() as conn:
        row = conn.execute(select(_U).where(_U.c.username == username_key(username))).first()
    return (row.failures, _aware(row.locked_until)) if row else (0, None)
