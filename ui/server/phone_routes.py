"""The phone's state as JSON (fea_core/phone_state.py): what its step component draws, no script run.

Keyed by the participant's secret token, like /api/live and /api/answer: a wrong token, or one
whose workshop was deleted, gets the same 404 and learns nothing.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fea_core.config import database_url
from fea_core.errors import UnknownParticipant
from fea_core.method import DEFAULT_LANGUAGE, LANGUAGES
from fea_core.participation import resume
from fea_core.phone_state import state_for
from fea_core.storage import open_store
from ui.server.db_threads import run_db

PHONE_ROUTE = "/api/phone"
_NO_STORE = {"Cache-Control": "no-store"}


def state_in(store, token: str, language: str) -> dict | None:
    """Return the phone state of a participant token in a known language, or None for an unknown token."""
    try:
        return state_for(store, resume(store, token), language)
    except UnknownParticipant:
        return None


def _state(token: str, language: str) -> dict | None:
    return state_in(open_store(database_url()), token, language)


async def phone(request: Request) -> JSONResponse:
    """Return the phone state of a participant token in ?lang= (Danish unless a known language), or 404."""
    token = request.path_params["token"][:64]
    language = request.query_params.get("lang", DEFAULT_LANGUAGE)
    state = await run_db(_state, token, language if language in LANGUAGES else DEFAULT_LANGUAGE)
    if state is None:
        return JSONResponse({"error": "unknown"}, status_code=404, headers=_NO_STORE)
    return JSONResponse(state, headers=_NO_STORE)


ROUTES = [Route(f"{PHONE_ROUTE}/{{token}}", phone, methods=["GET"])]
