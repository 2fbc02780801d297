"""Phone states for the held polls a step change wakes, read in batches: one database turn for many.

A step change answers every held poll of the room at once, each with its phone's new state
(ui/server/routes.py live()). One worker-thread hop per phone queued 200 hops on the process's
few database turns (ui/server/db_threads.py), behind and between the answers being posted.
Here the polls woken together ask together: while one batch is being read, the polls that ask
meanwhile wait for the next, so a room takes a handful of turns, not one per phone.

Hand-written because it is a few lines of asyncio: no library batches per event loop tick.
"""

from __future__ import annotations

import asyncio
import weakref

from fea_core.config import database_url
from fea_core.participation import resume_many
from fea_core.phone_state import states_for
from fea_core.storage import open_store
from ui.server.db_threads import run_db

BATCH_MAX = 500  # asks per database turn: a bounded turn, and a bounded IN (...) list

# Per event loop (the server has one; tests start several): the asks waiting for the next batch.
_waiting: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, list] = weakref.WeakKeyDictionary()
_draining: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task] = weakref.WeakKeyDictionary()


def _states(asks: list[tuple[str, str]]) -> list[dict | None]:
    store = open_store(database_url())
    found = resume_many(store, [token for token, _ in asks])
    made = iter(states_for(store, [(found[token], language) for token, language in asks if token in found]))
    return [next(made) if token in found else None for token, _ in asks]


async def _drain(loop: asyncio.AbstractEventLoop) -> None:
    try:
        while _waiting.get(loop):
            await asyncio.sleep(0)  # the polls woken with the first one ask before the batch goes
            waiting = _waiting.pop(loop)
            batch, rest = waiting[:BATCH_MAX], waiting[BATCH_MAX:]
            if rest:
                _waiting[loop] = rest + _waiting.get(loop, [])
            try:
                states = await run_db(_states, [(token, language) for token, language, _ in batch])
            except Exception as error:  # the database away: each poll answers as a failed read would
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, _, future), state in zip(batch, states):
                if not future.done():  # a phone that went away meanwhile
                    future.set_result(state)
    finally:
        _draining.pop(loop, None)


async def state_soon(token: str, language: str) -> dict | None:
    """Return the phone state of a participant token (None if unknown), read in a batch with others."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    _waiting.setdefault(loop, []).append((token, language, future))
    if loop not in _draining:
        _draining[loop] = loop.create_task(_drain(loop))
    return await future
