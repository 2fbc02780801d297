"""HTTP routes served next to the Streamlit app (see serve.py). No Streamlit script runs here."""

from __future__ import annotations

import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fea_core.config import database_url
from fea_core.errors import UnknownParticipant
from fea_core.participation import resume
from fea_core.storage import open_store
from fea_core.workshops import live_counters

# Hundreds of phones ask every second. A token's workshop never changes, so it is looked
# up once; the workshop's counters are read at most once per interval, whoever asks.
CACHE_SECONDS = 0.25
CACHE_MAX = 10_000  # wrong tokens must not grow memory without bound
_workshop_of: dict[str, int | None] = {}
_counters_of: dict[int, tuple[float, tuple[int, int] | None]] = {}


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
    counters = await run_in_threadpool(_counters, token)
    headers = {"Cache-Control": "no-store"}
    if counters is None:
        return JSONResponse({"error": "unknown"}, status_code=404, headers=headers)
    stage, revision = counters
    return JSONResponse({"stage": stage, "revision": revision}, headers=headers)


ROUTES = [Route("/api/live/{token}", live, methods=["GET"])]
