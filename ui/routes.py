"""HTTP routes served next to the Streamlit app (see serve.py). No Streamlit script runs here."""

from __future__ import annotations

import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fea_core.config import database_url
from fea_core.storage import open_store
from fea_core.workshops import live_counters, normalize_code

# Hundreds of phones ask every second; one database read per code per interval is plenty.
CACHE_SECONDS = 0.25
_cache: dict[str, tuple[float, tuple[int, int] | None]] = {}


def _counters(code: str) -> tuple[int, int] | None:
    now = time.monotonic()
    hit = _cache.get(code)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    value = live_counters(open_store(database_url()), code)
    if len(_cache) > 10_000:  # wrong codes must not grow memory without bound
        _cache.clear()
    _cache[code] = (now, value)
    return value


async def live(request: Request) -> JSONResponse:
    """Return {"stage": n, "revision": m} for a join code, or 404."""
    code = normalize_code(request.path_params["code"])
    counters = await run_in_threadpool(_counters, code)
    headers = {"Cache-Control": "no-store"}
    if counters is None:
        return JSONResponse({"error": "unknown"}, status_code=404, headers=headers)
    stage, revision = counters
    return JSONResponse({"stage": stage, "revision": revision}, headers=headers)


ROUTES = [Route("/api/live/{code}", live, methods=["GET"])]
