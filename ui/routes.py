"""HTTP routes served next to the Streamlit app (see serve.py). No Streamlit script runs here."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fea_core.config import database_url
from fea_core.errors import UnknownParticipant
from fea_core.participation import resume
from fea_core.storage import open_store
from fea_core.workshops import live_counters
from ui.db_threads import run_db

# Hundreds of phones ask every second. A token's workshop never changes, so it is looked
# up once; the workshop's counters are read at most once per interval, whoever asks.
CACHE_SECONDS = 0.25
CACHE_MAX = 10_000  # wrong tokens must not grow memory without bound
_workshop_of: dict[str, int | None] = {}
_counters_of: dict[int, tuple[float, tuple[int, int] | None]] = {}


_refreshing: set[int] = set()  # workshops whose counters a worker thread is reading right now


def _cached(token: str) -> tuple[bool, tuple[int, int] | None]:
    """Return (found, counters) from memory alone: no database, so no worker thread is needed.

    While one poll refreshes a workshop's counters, the others get the last ones read (a
    quarter of a second old) instead of each queueing for the database.
    """
    if token not in _workshop_of:
        return False, None
    workshop_id = _workshop_of[token]
    if workshop_id is None:
        return True, None
    hit = _counters_of.get(workshop_id)
    if hit and (time.monotonic() - hit[0] < CACHE_SECONDS or workshop_id in _refreshing):
        return True, hit[1]
    return False, None


def _counters(token: str) -> tuple[int, int] | None:
    store = open_store(database_url())
    if token not in _workshop_of:
        if len(_workshop_of) > CACHE_MAX:
            _workshop_of.clear()
        try:
            _workshop_of[token] = resume(store, token).workshop_id
        except UnknownParticipant:
            _workshop_of[token] = None
    workshop_id = _workshop_of[token]
    if workshop_id is None:
        return None
    now = time.monotonic()
    hit = _counters_of.get(workshop_id)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    value = live_counters(store, workshop_id)
    if len(_counters_of) > CACHE_MAX:
        _counters_of.clear()
    _counters_of[workshop_id] = (now, value)
    return value


async def live(request: Request) -> JSONResponse:
    """Return {"stage": n, "revision": m} of the workshop of a participant token, or 404.

    Keyed by the phone's secret token, not the join code: it tells a code guesser nothing.
    """
    token = request.path_params["token"][:64]
    # Most polls are answered from memory on the event loop; the hop to a worker thread (for the
    # database) costs more than the answer, and 200 phones ask every second.
    found, counters = _cached(token)
    if not found:
        workshop_id = _workshop_of.get(token)  # None while the token is new
        if workshop_id is not None:
            _refreshing.add(workshop_id)  # on the event loop: the next poll sees it at once
        try:
            counters = await run_db(_counters, token)
        finally:
            _refreshing.discard(workshop_id)
    headers = {"Cache-Control": "no-store"}
    if counters is None:
        return JSONResponse({"error": "unknown"}, status_code=404, headers=headers)
    stage, revision = counters
    return JSONResponse({"stage": stage, "revision": revision}, headers=headers)


ROUTES = [Route("/api/live/{token}", live, methods=["GET"])]
