"""The room view's watch token: lets a browser ask one workshop's change counters, nothing else.

The room and control views rerun only when their workshop changed. Their browser-side watcher
(ui/live.py) asks /api/room/<token> (ui/server/routes.py), which answers {"stage", "revision"} of the
one workshop the token names. The token is signed with a key derived from the server's secret
(HMAC-SHA256) and expires, so it cannot be forged for another workshop, a participant's token
opens nothing there, and a copied token tells only two counters, for a day at most. It also
names the facilitator's login: once that login has ended ("Log ud" elsewhere, a new password,
deactivation) the route answers "ended" and the view reruns into the login form.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

LIFETIME_SECONDS = 24 * 60 * 60  # one workshop day; a new one is handed out with every script run
_PURPOSE = b"fea room watch token v2"  # a key of its own: never the login cookie's signature
_SHAPE = re.compile(r"^(\d{1,12})\.(\d{1,12})\.(\d{1,20})\.([A-Za-z0-9_-]{1,120})\.([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class Watch:
    """What a genuine token names: the workshop, and the login whose view asked for it."""

    workshop_id: int
    username: str
    began_at: datetime  # when that login began (UTC): "Log ud" elsewhere ends the watch too


def _subkey(secret: str) -> bytes:
    return hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()


def _signature(secret: str, body: str) -> str:
    mac = hmac.new(_subkey(secret), body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def _micros(moment: datetime) -> int:
    # Exact to the microsecond: login_is_current compares the start with the moment logins ended.
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return (aware - datetime(1970, 1, 1, tzinfo=UTC)) // _MICROSECOND


_MICROSECOND = datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)


def make_token(secret: str, workshop_id: int, now: float, username: str, began_at: datetime) -> str:
    """Return a token that lets this login watch this workshop's counters until ``now`` + LIFETIME_SECONDS."""
    if not secret:
        raise ValueError("no signing secret")
    expires = int(now) + LIFETIME_SECONDS
    user = base64.urlsafe_b64encode(username.encode()).decode().rstrip("=")
    body = f"{int(workshop_id)}.{expires}.{_micros(began_at)}.{user}"
    return f"{body}.{_signature(secret, body)}"


def read_token(secret: str, token: object, now: float) -> Watch | None:
    """Return what a genuine, unexpired token names; None for anything else."""
    if not secret or not isinstance(token, str) or len(token) > 300:
        return None
    match = _SHAPE.match(token)
    if match is None:
        return None
    workshop_id, expires = int(match.group(1)), int(match.group(2))
    if expires < now or expires > now + LIFETIME_SECONDS + 60:  # expired, or from a clock far ahead
        return None
    body = token.rsplit(".", 1)[0]
    if not hmac.compare_digest(match.group(5), _signature(secret, body)):
        return None
    try:
        username = base64.urlsafe_b64decode(match.group(4) + "=" * (-len(match.group(4)) % 4)).decode()
        began_at = datetime(1970, 1, 1, tzinfo=UTC) + int(match.group(3)) * _MICROSECOND
    except (ValueError, OverflowError):
        return None
    return Watch(workshop_id, username, began_at)


def workshop_of(secret: str, token: object, now: float) -> int | None:
    """Return the workshop id a genuine, unexpired token names; None for anything else."""
    watch = read_token(secret, token, now)
    return None if watch is None else watch.workshop_id
