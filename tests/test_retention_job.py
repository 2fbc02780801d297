"""The retention job (ui/server/retention_job.py): started with the server, not run by a store accessor."""

from __future__ import annotations

import asyncio
import threading
from datetime import date

import pytest

from fea_core import retention
from fea_core.workshops import create_workshop, find_by_code
from ui.server import entry, retention_job, routes, stopping


def held_long_ago(store) -> str:
    return create_workshop(
        store, name="Temadag 2001", department="Nord", held_on=date(2001, 1, 10), theme="Stress",
        language="da", owner="anne",
    ).code


@pytest.fixture
def configured(monkeypatch, store_url):
    """The app's configuration names this test's database, with a retention period of 12 months."""
    monkeypatch.setenv("FEA_DATABASE_URL", store_url)
    monkeypatch.setenv("FEA_RETENTION_MONTHS", "12")
    monkeypatch.setattr(retention, "_last_run", {})
    monkeypatch.setattr(stopping, "on_stop_signal", lambda release: True)  # no signal handlers here
    monkeypatch.setattr(routes, "_stopping", False)
    return monkeypatch


async def wait_until(condition, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met")


def test_the_server_deletes_what_is_due_when_it_starts(configured, fresh_store):
    old = held_long_ago(fresh_store)
    recent = create_workshop(
        fresh_store, name="I år", department="Nord", held_on=date.today(), theme="Stress", language="da", owner="anne"
    ).code

    async def serve():
        async with entry.lifespan(None):
            await wait_until(lambda: find_by_code(fresh_store, old) is None)

    asyncio.run(serve())
    assert find_by_code(fresh_store, old) is None and find_by_code(fresh_store, recent) is not None


def test_the_job_runs_at_start_then_every_interval_and_a_failed_run_does_not_end_it(monkeypatch, caplog):
    calls = []

    def run_once():
        calls.append(threading.current_thread())
        if len(calls) == 2:
            raise OSError("database away for a moment")

    monkeypatch.setattr(retention_job, "run_once", run_once)

    async def serve():
        task = retention_job.start(interval=0.01)
        await wait_until(lambda: len(calls) >= 4)
        await retention_job.stop(task)
        return task

    task = asyncio.run(serve())
    assert task.done() and task.cancelled()
    assert threading.main_thread() not in calls  # the event loop never runs a deletion itself
    assert "retention job failed" in caplog.text


def test_the_job_stops_with_the_server_and_runs_no_more(configured):
    calls = []
    configured.setattr(retention_job, "run_once", lambda: calls.append(1))
    configured.setattr(retention_job, "INTERVAL_SECONDS", 0.01)

    async def serve():
        async with entry.lifespan(None):
            await wait_until(lambda: len(calls) >= 2)
        after_stop = len(calls)
        await asyncio.sleep(0.1)
        return after_stop, [t for t in asyncio.all_tasks() if t.get_name() == "fea-retention"]

    after_stop, still_running = asyncio.run(serve())
    assert len(calls) == after_stop and still_running == []


def test_reading_the_store_deletes_nothing_however_overdue(configured, fresh_store):
    from ui import context

    old = held_long_ago(fresh_store)

    for _ in range(3):
        assert context.store() is fresh_store

    assert find_by_code(fresh_store, old) is not None
    assert retention._last_run == {}  # retention was not even consulted


def test_without_a_retention_period_the_job_opens_no_database(monkeypatch):
    monkeypatch.delenv("FEA_RETENTION_MONTHS", raising=False)

    def no_database(url):
        raise AssertionError(f"opened {url}")

    monkeypatch.setattr(retention_job, "open_store", no_database)
    assert retention_job.run_once() is None
