"""Database work from the HTTP routes: on worker threads, but only a few at once per process.

Hundreds of phones post answers and poll at once. Each request handed straight to a worker
thread (Starlette's pool allows 40) made 40 threads fight over one core's GIL and the
database pool's lock: a bench dump found most of them waiting on the pool, and a request
waited 110 ms (p50) before its thread even started. Requests beyond the limit wait here on
the event loop instead, which costs nothing, and the few running ones finish sooner.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from fea_core import config

T = TypeVar("T")

# One limit per event loop (tests start several; the server has one).
_limits: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def at_once() -> int:
    """Return how many route requests may use the database at once in this process."""
    return config.db_threads()


async def run_db(work: Callable[..., T], *args) -> T:
    """Run ``work(*args)`` on a worker thread once one of this process's database turns is free."""
    loop = asyncio.get_running_loop()
    limit = _limits.get(loop)
    if limit is None:
        limit = _limits[loop] = asyncio.Semaphore(at_once())
    async with limit:
        return await run_in_threadpool(work, *args)
