"""The HTTP routes' database work runs on worker threads, a few at a time per process (ui/server/db_threads.py)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from fea_core import config
from ui.server import db_threads


def test_the_limit_is_two_unless_fea_db_threads_says_otherwise(monkeypatch):
    monkeypatch.delenv("FEA_DB_THREADS", raising=False)
    assert db_threads.at_once() == 2
    monkeypatch.setenv("FEA_DB_THREADS", "6")
    assert db_threads.at_once() == 6


@pytest.mark.parametrize("bad", ["0", "-1", "many"])
def test_a_limit_below_one_or_not_a_number_is_refused_naming_the_setting(monkeypatch, bad):
    monkeypatch.setenv("FEA_DB_THREADS", bad)
    with pytest.raises(ValueError, match="FEA_DB_THREADS"):
        config.db_threads()


def test_no_more_than_the_limit_run_at_once_and_every_request_is_answered_off_the_event_loop(monkeypatch):
    monkeypatch.setenv("FEA_DB_THREADS", "3")
    running, most, lock = 0, 0, threading.Lock()
    loop_thread = []

    def work(n: int) -> int:
        nonlocal running, most
        assert threading.current_thread() is not loop_thread[0]  # never blocks the event loop
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        return n * n

    async def main():
        loop_thread.append(threading.current_thread())
        return await asyncio.gather(*(db_threads.run_db(work, n) for n in range(12)))

    assert asyncio.run(main()) == [n * n for n in range(12)]
    assert most == 3
