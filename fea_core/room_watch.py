"""The room view's watch token: lets a browser ask one workshop's change counters, nothing else.

The room and control views rerun only when their workshop changed. Their browser-side watcher
(ui/live.py) asks /api/room/<token> (ui/routes.py), which answers {"stage", "revision"} of the
one workshop the token names. The token is signed with a key derived from the server's secret
(HMAC-SHA256) and expires, so it cannot be forged for another workshop, a participant's token
opens nothing there, and a copied token tells only two counters, for a day at most.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

LIFETIME_SECONDS = 24 * 60 * 60  # one workshop day; a new one is handed out with every script run
_PURPOSE = b"fea room watch token v1"  # a key of its own: never the login cookie's signature
_SHAPE = re.compile(r"^(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$")


def _subkey(secret: str) -> bytes:
    return hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()


def _signature(secret: str, workshop_id: int, expires: int) -> str:
    mac = hmac.new(_subkey(secret), f"{workshop_id}.{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def make_token(secret: str, workshop_id: int, now: float) -> str:
    """Return a token that lets its holder watch this workshop's counters until ``now`` + LIFETIME_SECONDS."""
    if not secret:
        raise ValueError("no signing secret")
    expires = int(now) + LIFETIME_SECONDS
    return f"{int(workshop_id)}.{expires}.{_signature(secret, int(workshop_id), expires)}"


def workshop_of(secret: str, token: object, now: float) -> int | None:
    """Return the workshop id a genuine, unexpired token names; None for anything else."""
    if not secret or not isinstance(token, str) or len(token) > 100:
        return None
    match = _SHAPE.match(token)
    if match is None:
        return None
    workshop_id, expires = int(match.group(1)), int(match.group(2))
    if expires < now or expires > now + LIFETIME_SECONDS + 60:  # expired, or from a clock far ahead
        return None
    if not hmac.compare_digest(match.group(3), _signature(secret, workshop_id, expires)):
        return None
    return workshop_id
