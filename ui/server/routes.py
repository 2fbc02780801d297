"""HTTP routes served next to the Streamlit app (see app.py). No Streamlit script runs here."""

from __future__ import annotations

import asyncio
import logging
import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fea_core import logins, room_watch
from fea_core.accounts import cookie_key
from fea_core.config import database_url
from fea_core.errors import UnknownParticipant
from fea_core.method import LANGUAGES
from fea_core.participation import resume
from fea_core.storage import open_store
from fea_core.workshops import live_counters
from ui.server.db_threads import run_db
from ui.server.state_batches import state_soon

# Hundreds of phones ask at once (a step change answers all their held polls). A token's workshop
# never changes, so it is looked up once; the workshop's counters are read at most once per
# interval, whoever asks. The interval is the most a held poll lags behind a step change
# (one indexed row read per workshop and interval, only while polls are held).
CACHE_SECONDS = 0.1
CACHE_MAX = 10_000  # wrong tokens must not grow memory without bound
_workshop_of: dict[str, int | None] = {}
_counters_of: dict[int, tuple[float, tuple[int, int] | None]] = {}
_log = logging.getLogger(__name__)
_refreshing: set[int] = set()  # workshops whose counters a worker thread is reading right now

# Held polls (see live()): under nginx's proxy_read_timeout of 60 s (deploy/nginx-fea.conf).
HOLD_SECONDS = 20.0
FIELDS = ("stage", "revision")
_held: dict[int, int] = {}  # workshop -> polls held now
_readers: dict[int, asyncio.Task] = {}  # workshop -> the task re-reading its counters while polls are held
# (workshop, counter index) -> set when this process reads a new value of that counter. Apart:
# every answer moves the revision, and phones waiting for the stage need not wake for each.
_moved: dict[tuple[int, int], asyncio.Event] = {}
_stopping = False  # True once the server stops: held polls answer at once, no new one is held


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


def _counters(token: str | tuple) -> tuple[int, int] | None:
    store = open_store(database_url())
    if token not in _workshop_of:
        if len(_workshop_of) > CACHE_MAX:
            _workshop_of.clear()
        if isinstance(token, tuple):  # ("room", id): a checked room watch token (room() below)
            _workshop_of[token] = token[1]
        else:
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


async def _current(token: str) -> tuple[int, int] | None:
    """Return the counters of the token's workshop, from memory while fresh; wake held polls if they moved."""
    # Most polls are answered from memory on the event loop; the hop to a worker thread (for the
    # database) costs more than the answer, and a step change answers 200 held polls at once.
    found, counters = _cached(token)
    if found:
        return counters
    workshop_id = _workshop_of.get(token)  # None while the token is new
    before = _counters_of.get(workshop_id, (0.0, None))[1]
    if workshop_id is not None:
        _refreshing.add(workshop_id)  # on the event loop: the next poll sees it at once
    try:
        counters = await run_db(_counters, token)
    finally:
        _refreshing.discard(workshop_id)
    if counters != before:
        _wake(_workshop_of.get(token), before, counters)
    return counters


def release_held_polls() -> None:
    """Answer every held poll now and hold no new one: the server is stopping (ui/server/stopping.py)."""
    global _stopping
    _stopping = True
    for event in list(_moved.values()):
        event.set()


def _wake(workshop_id: int | None, before: tuple[int, int] | None, after: tuple[int, int] | None) -> None:
    """Wake the polls held on each counter of the workshop that moved (all of them if one side is unknown)."""
    for index in range(len(FIELDS)):
        if before is None or after is None or before[index] != after[index]:
            event = _moved.pop((workshop_id, index), None)
            if event is not None:
                event.set()


async def _keep_reading(workshop_id: int, token: str) -> None:
    # One reader per workshop while polls are held: the database is asked at most once per
    # CACHE_SECONDS, however many phones wait, and a change wakes them all at once.
    try:
        while _held.get(workshop_id):
            await asyncio.sleep(CACHE_SECONDS)
            try:
                await _current(token)
            except Exception:  # the database away for a moment: the held polls wait, and it tries again
                _log.warning("live counters of workshop %s could not be read", workshop_id, exc_info=True)
    finally:
        _readers.pop(workshop_id, None)


async def _hold(token: str, index: int, seen: int, counters: tuple[int, int]) -> tuple[int, int] | None:
    """Wait until counter ``index`` differs from ``seen`` or HOLD_SECONDS pass; return the counters then."""
    workshop_id = _workshop_of.get(token)
    if workshop_id is None:
        return counters
    deadline = time.monotonic() + HOLD_SECONDS
    _held[workshop_id] = _held.get(workshop_id, 0) + 1
    try:
        if workshop_id not in _readers:
            _readers[workshop_id] = asyncio.create_task(_keep_reading(workshop_id, token))
        while (
            counters is not None
            and counters[index] == seen
            and not _stopping
            and (left := deadline - time.monotonic()) > 0
        ):
            moved = _moved.get((workshop_id, index))
            if moved is None:
                moved = _moved[(workshop_id, index)] = asyncio.Event()
            try:
                # asyncio.timeout, not wait_for: wait_for wraps the wait in a task of its own
                # (Python 3.11), and a step change wakes hundreds of held polls at once.
                async with asyncio.timeout(left):
                    await moved.wait()
            except TimeoutError:
                pass
            if _stopping:
                break  # answer with what the phone has; it asks again (elsewhere) once this process is gone
            counters = await _current(token)
    finally:
        _held[workshop_id] -= 1
        if not _held[workshop_id]:
            del _held[workshop_id]
    return counters


def _held_for(request: Request) -> tuple[int, int] | None:
    """Return (counter index, value the phone has) when the poll asks to be held, else None."""
    field, seen = request.query_params.get("field"), request.query_params.get("seen", "")
    if field not in FIELDS or not seen.isdigit() or len(seen) > 18:
        return None
    return FIELDS.index(field), int(seen)


async def live(request: Request) -> JSONResponse:
    """Return {"stage": n, "revision": m} of the workshop of a participant token, or 404.

    Keyed by the phone's secret token, not the join code: it tells a code guesser nothing.
    With ``?field=stage&seen=N`` the answer waits (up to HOLD_SECONDS) until the stage is no
    longer N, so a phone learns of a step change within about CACHE_SECONDS instead of at its
    next poll, and an idle phone asks once per HOLD_SECONDS instead of every second.

    With ``&lang=da`` (or en) as well, an answer whose stage is no longer N carries the phone's
    new state (what GET /api/phone returns): a step change then costs each phone one request,
    not two, and the room's burst is half as large.
    """
    token = request.path_params["token"][:64]
    counters = await _current(token)
    wanted = _held_for(request)
    if counters is not None and wanted is not None:
        counters = await _hold(token, *wanted, counters)
    headers = {"Cache-Control": "no-store"}
    if counters is None:
        return JSONResponse({"error": "unknown"}, status_code=404, headers=headers)
    stage, revision = counters
    reply = {"stage": stage, "revision": revision}
    language = request.query_params.get("lang")
    if wanted is not None and wanted[0] == 0 and stage != wanted[1] and language in LANGUAGES:
        state = await state_soon(token, language)  # with the other polls woken now: one database turn
        if state is None:  # the workshop went between the two reads
            return JSONResponse({"error": "unknown"}, status_code=404, headers=headers)
        reply["state"] = state
    return JSONResponse(reply, headers=headers)


_secret: list[str] = []  # the signing secret, read once per process


def _watch_secret() -> str:
    if not _secret:
        _secret.append(cookie_key(open_store(database_url())))
    return _secret[0]


def room_token(workshop_id: int, username: str, began_at) -> str:
    """Return a fresh watch token for this login's room or control view of this workshop."""
    return room_watch.make_token(_watch_secret(), workshop_id, time.time(), username, began_at)


def _login_current(watch: room_watch.Watch) -> bool:
    return logins.login_is_current(open_store(database_url()), watch.username, watch.began_at)


# The answer to a watch whose login has ended: counters no page has, so the watcher reruns the
# view, whose login check then shows the login form (nothing of the workshop is told).
_ENDED = {"stage": -1, "revision": -1, "ended": True}


async def room(request: Request) -> JSONResponse:
    """Return {"stage": n, "revision": m} of the workshop a room watch token names, or 404.

    The same held poll as live() (``?field=revision&seen=N``). Only a genuine, unexpired token
    (fea_core/room_watch.py) gets an answer: a participant's token, a forged or altered one, or
    one for a deleted workshop get 404, and no token tells more than these two counters. When
    the token's login has ended, before or during the hold, the answer is ``_ENDED``.
    """
    headers = {"Cache-Control": "no-store"}
    secret = _secret[0] if _secret else await run_db(_watch_secret)
    watch = room_watch.read_token(secret, request.path_params["token"], time.time())
    counters = None
    if watch is not None:
        if not await run_db(_login_current, watch):
            return JSONResponse(_ENDED, headers=headers)
        # A tuple key: no path a browser can send is equal to it, so it never meets a phone's token.
        key = ("room", watch.workshop_id)
        counters = await _current(key)
        wanted = _held_for(request)
        if counters is not None and wanted is not None:
            counters = await _hold(key, *wanted, counters)
            if not await run_db(_login_current, watch):  # "Log ud" elsewhere while it was held
                return JSONResponse(_ENDED, headers=headers)
    if counters is None:
        return JSONResponse({"error": "unknown"}, status_code=404, headers=headers)
    stage, revision = counters
    return JSONResponse({"stage": stage, "revision": revision}, headers=headers)


ROUTES = [Route("/api/live/{token}", live, methods=["GET"]), Route("/api/room/{token}", room, methods=["GET"])]
