"""ui/script_threads.py: Streamlit's script runs take turns on a few kept workers, in order."""

from __future__ import annotations

import gc
import queue
import threading
import time
import weakref

import pytest
from streamlit.runtime.scriptrunner import script_runner
from streamlit.runtime.scriptrunner_utils.script_run_context import SCRIPT_RUN_CONTEXT_ATTR_NAME

from ui import script_threads


def FakeRunner(work=None) -> script_runner.ScriptRunner:
    """A real ScriptRunner object, without the session its constructor needs, whose run records its thread."""
    runner = script_runner.ScriptRunner.__new__(script_runner.ScriptRunner)
    runner._script_thread = None
    runner.ran_on = None
    runner.in_script_thread = False
    runner.done = threading.Event()

    def run_script_thread() -> None:  # stands in for Streamlit's script loop
        runner.ran_on = threading.current_thread()
        runner.in_script_thread = runner._is_in_script_thread()  # Streamlit's own check
        setattr(runner.ran_on, SCRIPT_RUN_CONTEXT_ATTR_NAME, "a run's context")
        try:
            if work:
                work()
        finally:
            runner.done.set()

    runner._run_script_thread = run_script_thread
    return runner


def run(runner: script_runner.ScriptRunner) -> script_runner.ScriptRunner:
    script_threads.start(runner)
    assert runner.done.wait(5)
    return runner


def wait_for(condition) -> None:
    deadline = time.monotonic() + 5
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)


@pytest.fixture(autouse=True)
def fresh_workers(monkeypatch):
    """Give each test its own queue and workers, and end them afterwards."""
    monkeypatch.setattr(script_threads, "_jobs", queue.SimpleQueue())
    monkeypatch.setattr(script_threads, "_workers", [])
    monkeypatch.setattr(script_runner.ScriptRunner, "start", script_runner.ScriptRunner.start)
    monkeypatch.delattr(script_runner.ScriptRunner, script_threads._PATCHED, raising=False)
    yield
    for _ in list(script_threads._workers):
        script_threads._jobs.put(None)
    wait_for(lambda: not script_threads._workers)


def test_runs_go_to_the_kept_workers_and_count_as_their_script_thread():
    script_threads.enable(1)
    first, second = run(FakeRunner()), run(FakeRunner())
    assert first.ran_on is second.ran_on and first.ran_on is not threading.current_thread()
    assert first.in_script_thread and second.in_script_thread
    assert first.ran_on.daemon  # a hung script must not keep the process alive
    assert script_runner.ScriptRunner.start is script_threads.start


def test_a_waiting_run_is_started_for_streamlit_but_not_in_any_thread():
    script_threads.enable(1)
    release = threading.Event()
    busy = FakeRunner(work=lambda: release.wait(5))
    script_threads.start(busy)
    waiting = FakeRunner()
    script_threads.start(waiting)
    assert waiting._script_thread is not None  # Streamlit's "already started" check holds
    assert not waiting._is_in_script_thread()
    release.set()
    assert waiting.done.wait(5) and waiting.in_script_thread


def test_a_worker_keeps_nothing_of_the_run_that_ended():
    script_threads.enable(1)
    runner = run(FakeRunner())
    worker = runner.ran_on
    wait_for(lambda: worker.busy_since is None)
    assert getattr(worker, SCRIPT_RUN_CONTEXT_ATTR_NAME) is None
    gone = weakref.ref(runner)
    del runner
    gc.collect()
    assert gone() is None  # a closed session's runner (and its state) can be freed


def test_no_more_runs_work_at_once_than_there_are_turns_and_the_others_go_in_order():
    script_threads.enable(2)
    release, order, running, most = threading.Event(), [], [0], [0]
    lock = threading.Lock()

    def work(n):
        def run_it():
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
                order.append(n)
            release.wait(5)
            with lock:
                running[0] -= 1
        return run_it

    runners = [FakeRunner(work=work(n)) for n in range(6)]
    for runner in runners:
        script_threads.start(runner)
        time.sleep(0.01)  # they arrive one after the other, as phones' reruns do
    time.sleep(0.1)
    assert sorted(order) == [0, 1]  # two at work, four waiting
    release.set()
    assert all(r.done.wait(5) for r in runners)
    assert most[0] == 2 and order[2:] == [2, 3, 4, 5]
    assert script_threads.workers() == 2 and len({r.ran_on for r in runners}) == 2


def test_a_run_that_raises_leaves_its_worker_ready_for_the_next(caplog):
    script_threads.enable(1)

    def fail():
        raise ValueError("boom")

    broken = run(FakeRunner(work=fail))
    after = run(FakeRunner())
    assert after.ran_on is broken.ran_on
    assert "script thread failed" in caplog.text


def test_when_every_worker_is_stuck_one_more_starts_and_ends_when_the_queue_is_empty(monkeypatch):
    monkeypatch.setattr(script_threads, "STUCK_SECONDS", 0.1)
    monkeypatch.setattr(script_threads, "EXTRA_IDLE_SECONDS", 0.2)
    script_threads.enable(1)
    release = threading.Event()
    stuck = FakeRunner(work=lambda: release.wait(10))  # an export, or a bug
    script_threads.start(stuck)
    time.sleep(0.05)
    early = FakeRunner()
    script_threads.start(early)  # not stuck yet: it waits its turn
    assert not early.done.wait(0.1)
    time.sleep(0.1)
    late = FakeRunner()
    script_threads.start(late)  # now the one worker is stuck: an extra one takes the queue
    assert early.done.wait(5) and late.done.wait(5)
    assert script_threads.workers() == 2 and not stuck.done.is_set()
    wait_for(lambda: script_threads.workers() == 1)
    assert script_threads.workers() == 1  # the extra one ended
    release.set()
    assert stuck.done.wait(5)


def test_a_runner_cannot_be_started_twice():
    script_threads.enable(1)
    runner = run(FakeRunner())
    with pytest.raises(RuntimeError):
        script_threads.start(runner)


def test_apptests_runner_keeps_streamlits_own_thread_per_run(monkeypatch):
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    started = []
    monkeypatch.setattr(script_threads, "_streamlit_start", lambda r: started.append(r))

    class Local(LocalScriptRunner):
        def __init__(self):  # noqa: D107
            self._script_thread = None

    local = Local()
    script_threads.start(local)
    assert started == [local] and script_threads.workers() == 0


def test_enabling_twice_starts_no_more_workers():
    script_threads.enable(3)
    script_threads.enable(3)
    assert script_threads.workers() == 3


def test_the_number_of_turns_is_read_from_the_environment(monkeypatch):
    from fea_core import config

    monkeypatch.delenv("FEA_SCRIPT_TURNS", raising=False)
    assert config.script_turns() == config.DEFAULT_SCRIPT_TURNS == 2
    monkeypatch.setenv("FEA_SCRIPT_TURNS", "3")
    assert config.script_turns() == 3
    for bad in ("two", "-1", "1.5"):
        monkeypatch.setenv("FEA_SCRIPT_TURNS", bad)
        with pytest.raises(ValueError, match="FEA_SCRIPT_TURNS"):
            config.script_turns()


def test_navigation_is_registered_early_and_a_renamed_flag_only_warns(monkeypatch, caplog):
    from streamlit.runtime import pages_manager

    from ui import script_threads

    monkeypatch.setattr(pages_manager.PagesManager, "uses_pages_directory", None, raising=False)
    assert script_threads.register_navigation_early() is True
    assert pages_manager.PagesManager.uses_pages_directory is False
    monkeypatch.delattr(pages_manager.PagesManager, "uses_pages_directory")
    with caplog.at_level("WARNING"):
        assert script_threads.register_navigation_early() is False
    assert "uses_pages_directory" in caplog.text
