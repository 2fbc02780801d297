"""FEA_RETENTION_MONTHS applied by a job the server starts: at start-up, then every hour.

It used to run as a side effect of ``ui.context.store()`` (the first page run of the day paid for
the deletion, and reading the store could delete). Now the App's lifespan (ui/server/entry.py) starts
this job and cancels it on shutdown. The work itself (once per process, database and day) is
fea_core.retention.apply_configured_retention; it runs on a worker thread, so the event loop
keeps answering phones while workshops are deleted.
"""

from __future__ import annotations

import asyncio
import logging

from fea_core import retention
from fea_core.config import database_url, retention_months
from fea_core.storage import open_store

INTERVAL_SECONDS = 3600.0  # the deletion itself runs once a day; an hour finds the new day soon
_log = logging.getLogger(__name__)


def run_once() -> list[str] | None:
    """Apply the configured retention to the configured database; return the codes deleted."""
    try:
        if retention_months() is None:
            return None  # nothing to delete: do not open (or create) the database for it
    except ValueError:
        pass  # a broken setting: apply_configured_retention logs it, once a day
    return retention.apply_configured_retention(open_store(database_url()))


async def _every(interval: float) -> None:
    while True:
        try:
            await asyncio.to_thread(run_once)
        except Exception:  # a database down for a moment: try again at the next interval
            _log.exception("retention job failed; it runs again in %.0f s", interval)
        await asyncio.sleep(interval)


def start(interval: float | None = None) -> asyncio.Task:
    """Start the job on the running event loop: a run now, then one every ``interval`` seconds."""
    return asyncio.get_running_loop().create_task(
        _every(INTERVAL_SECONDS if interval is None else interval), name="fea-retention"
    )


async def stop(task: asyncio.Task) -> None:
    """Cancel the job and wait for it to end (a run already on its thread finishes its transaction)."""
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
