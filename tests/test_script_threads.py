"""ui/script_threads.py: Streamlit's script runs are handed to kept threads, not new ones."""

from __future__ import annotations

import threading
import time

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


def wait_until_idle(count: int) -> None:
    deadline = time.monotonic() + 5
    while script_threads.idle_threads() < count and time.monotonic() < deadline:
        time.sleep(0.005)


@pytest.fixture(autouse=True)
def no_kept_threads(monkeypatch):
    monkeypatch.setattr(script_threads, "_turns", threading.BoundedSemaphore(2))
    script_threads._idle.clear()
    yield
    script_threads._idle.clear()


def test_a_second_run_goes_to_the_thread_the_first_run_left_waiting():
    first = run(FakeRunner())
    wait_until_idle(1)
    second = run(FakeRunner())
    assert first.ran_on is second.ran_on and first.ran_on is not threading.current_thread()
    assert first.in_script_thread and second.in_script_thread
    assert first.ran_on.daemon  # a hung script must not keep the process alive


def test_a_kept_thread_carries_no_context_of_the_run_that_ended():
    first = run(FakeRunner())
    wait_until_idle(1)
    assert getattr(first.ran_on, SCRIPT_RUN_CONTEXT_ATTR_NAME) is None


def test_runs_at_the_same_time_get_threads_of_their_own():
    release = threading.Event()
    runners = [FakeRunner(work=lambda: release.wait(5)) for _ in range(3)]
    for runner in runners:
        script_threads.start(runner)
    time.sleep(0.05)
    release.set()
    assert all(r.done.wait(5) for r in runners)
    assert len({r.ran_on for r in runners}) == 3
    wait_until_idle(3)
    assert script_threads.idle_threads() == 3


def test_a_run_that_raises_leaves_its_thread_ready_for_the_next(caplog):
    def fail():
        raise ValueError("boom")

    broken = run(FakeRunner(work=fail))
    wait_until_idle(1)
    after = run(FakeRunner())
    assert after.ran_on is broken.ran_on
    assert "script thread failed" in caplog.text


def test_no_more_than_max_idle_threads_are_kept(monkeypatch):
    monkeypatch.setattr(script_threads, "MAX_IDLE", 1)
    release = threading.Event()
    runners = [FakeRunner(work=lambda: release.wait(5)) for _ in range(3)]
    for runner in runners:
        script_threads.start(runner)
    release.set()
    assert all(r.done.wait(5) for r in runners)
    deadline = time.monotonic() + 5
    while any(r.ran_on.is_alive() for r in runners if r.ran_on not in script_threads._idle) \
            and time.monotonic() < deadline:
        time.sleep(0.005)
    assert script_threads.idle_threads() == 1
    assert sum(r.ran_on.is_alive() for r in runners) == 1  # the others ended


def test_a_runner_cannot_be_started_twice():
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
    assert started == [local] and script_threads.idle_threads() == 0


def test_enable_replaces_streamlits_start_once(monkeypatch):
    monkeypatch.setattr(script_runner.ScriptRunner, "start", script_runner.ScriptRunner.start)
    monkeypatch.delattr(script_runner.ScriptRunner, script_threads._PATCHED, raising=False)
    monkeypatch.setattr(script_threads, "_turns", script_threads._turns)
    script_threads.enable(3)
    script_threads.enable(3)
    assert script_runner.ScriptRunner.start is script_threads.start


def test_only_the_configured_number_of_runs_work_at_once_and_the_others_go_in_order(monkeypatch):
    monkeypatch.setattr(script_threads, "_turns", threading.BoundedSemaphore(1))
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

    runners = [FakeRunner(work=work(n)) for n in range(4)]
    for runner in runners:
        script_threads.start(runner)
        time.sleep(0.02)  # they arrive one after the other, as phones' reruns do
    release.set()
    assert all(r.done.wait(5) for r in runners)
    assert most[0] == 1 and order == [0, 1, 2, 3]


def test_the_number_of_turns_is_read_from_the_environment(monkeypatch):
    from fea_core import config

    monkeypatch.delenv("FEA_SCRIPT_TURNS", raising=False)
    assert config.script_turns() == config.DEFAULT_SCRIPT_TURNS == 0  # off unless set
    monkeypatch.setenv("FEA_SCRIPT_TURNS", "3")
    assert config.script_turns() == 3
    for bad in ("two", "-1", "1.5"):
        monkeypatch.setenv("FEA_SCRIPT_TURNS", bad)
        with pytest.raises(ValueError, match="FEA_SCRIPT_TURNS"):
            config.script_turns()


def test_an_idle_kept_thread_holds_no_reference_to_the_run_that_ended():
    import gc
    import weakref

    runner = run(FakeRunner())
    wait_until_idle(1)
    gone = weakref.ref(runner)
    del runner
    gc.collect()
    assert gone() is None  # a closed session's runner (and its state) can be freed
