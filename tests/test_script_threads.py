"""ui/server/script_threads.py: Streamlit's script runs take turns on a few kept workers, in order."""

from __future__ import annotations

import asyncio
import gc
import os
import queue
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
from unittest.mock import MagicMock

import pytest
from streamlit.runtime.scriptrunner import script_runner
from streamlit.runtime.scriptrunner_utils.script_run_context import SCRIPT_RUN_CONTEXT_ATTR_NAME

from ui.server import script_threads

REPO = Path(__file__).resolve().parents[1]


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


# --- Streamlit's real ScriptRunner -----------------------------------------------------------------


@pytest.fixture
def real_runner(tmp_path, monkeypatch):
    """Return a maker of Streamlit's real ScriptRunner for a small script, as AppSession builds one.

    Like AppTest, a stand-in Runtime holds the media and dataframe managers a run clears.
    """
    from streamlit.runtime import Runtime
    from streamlit.runtime.fragment import MemoryFragmentStorage
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import RerunData
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.runtime.state import SessionState

    runtime = MagicMock(spec=Runtime)
    runtime.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    runtime.dataframe_source_mgr = MagicMock()
    monkeypatch.setattr(Runtime, "_instance", runtime)
    loops = []

    def make(source: str = "import streamlit as st\nst.write('hello')\n", runner_class=None):
        script = tmp_path / f"script_{len(loops)}.py"
        script.write_text(source, encoding="utf-8")
        loops.append(asyncio.new_event_loop())
        runner = (runner_class or script_runner.ScriptRunner)(
            session_id=f"session {len(loops)}", main_script_path=str(script), session_state=SessionState(),
            uploaded_file_mgr=MemoryUploadedFileManager("/mock/upload"), script_cache=ScriptCache(),
            initial_rerun_data=RerunData(), user_info={"email": "test@example.com"},
            fragment_storage=MemoryFragmentStorage(), pages_manager=PagesManager(str(script)),
            event_loop=loops[-1],
        )
        runner.events, runner.threads, runner.done = [], set(), threading.Event()

        def record(sender, event, **kwargs):
            runner.events.append(event.name)
            runner.threads.add(threading.current_thread())
            if event.name == "SHUTDOWN":  # by name: a renamed module (below) has its own enum
                runner.done.set()

        runner.on_event.connect(record, weak=False)
        return runner

    yield make
    for loop in loops:
        loop.close()


def test_a_real_scriptrunner_runs_its_script_to_the_end_on_a_kept_worker(real_runner):
    script_threads.enable(1)
    first, second = real_runner(), real_runner()
    for runner in (first, second):
        runner.start()  # Streamlit's own call, patched: a queue put
        assert runner.done.wait(10)
    assert first.events == ["SCRIPT_STARTED", "ENQUEUE_FORWARD_MSG", "SCRIPT_STOPPED_WITH_SUCCESS", "SHUTDOWN"]
    assert second.events == first.events
    (worker,) = first.threads
    assert second.threads == {worker} and isinstance(worker, script_threads._Worker)
    assert script_threads.workers() == 1


def test_a_real_scriptrunners_script_sees_itself_in_the_script_thread_and_an_error_ends_only_its_run(real_runner):
    script_threads.enable(1)
    broken = real_runner("raise ValueError('boom')\n")
    checked = real_runner(
        "import streamlit as st\n"
        "from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx\n"
        "assert get_script_run_ctx() is not None\n"  # the run's context is on this thread
        "st.write('after')\n"
    )
    for runner in (broken, checked):
        runner.start()
        assert runner.done.wait(10)
    assert "SCRIPT_STOPPED_WITH_SUCCESS" in broken.events  # Streamlit shows a script's error in the page
    assert checked.events == ["SCRIPT_STARTED", "ENQUEUE_FORWARD_MSG", "SCRIPT_STOPPED_WITH_SUCCESS", "SHUTDOWN"]
    assert broken.threads == checked.threads


def test_a_real_scriptrunner_cannot_be_started_twice(real_runner):
    script_threads.enable(1)
    runner = real_runner()
    runner.start()
    assert runner.done.wait(10)
    with pytest.raises(RuntimeError, match="already started"):
        runner.start()


# --- the check of Streamlit's private internals, and the fallback ------------------------------------


def test_the_installed_streamlit_has_every_private_touchpoint_the_workers_need():
    assert script_threads.problems() == []


def test_when_a_release_renames_run_script_thread_enable_warns_once_and_streamlit_keeps_its_thread_per_run(
    monkeypatch, caplog, real_runner
):
    from tests import streamlit_renamed

    renamed = streamlit_renamed.load_renamed()  # its own start() calls the new name
    monkeypatch.setattr(script_threads, "script_runner", renamed)
    own_start = renamed.ScriptRunner.start

    with caplog.at_level("WARNING", logger="ui.server.script_threads"):
        assert script_threads.enable(2) is False
    warnings = [r for r in caplog.records if r.name == "ui.server.script_threads"]
    assert len(warnings) == 1 and "ScriptRunner._run_script_thread" in warnings[0].getMessage()
    assert renamed.ScriptRunner.start is own_start and script_threads.workers() == 0

    runner = real_runner(runner_class=renamed.ScriptRunner)
    runner.start()
    assert runner.done.wait(10)
    assert runner.events[-2:] == ["SCRIPT_STOPPED_WITH_SUCCESS", "SHUTDOWN"]
    (thread,) = runner.threads
    assert not isinstance(thread, script_threads._Worker)  # Streamlit's own new thread ran it


@pytest.mark.parametrize(
    "change, named",
    [
        ("start hands the thread another method", "ScriptRunner.start using self._run_script_thread"),
        ("the method takes an argument", "ScriptRunner._run_script_thread(self)"),
        ("the thread is kept under another name", "ScriptRunner._is_in_script_thread using self._script_thread"),
    ],
)
def test_a_touchpoint_of_another_shape_counts_as_missing_and_nothing_is_patched(monkeypatch, caplog, change, named):
    runner_class = script_runner.ScriptRunner
    if change.startswith("start"):
        monkeypatch.setattr(runner_class, "start", lambda self: threading.Thread(target=self._run_loop).start())
    elif change.startswith("the method"):
        monkeypatch.setattr(runner_class, "_run_script_thread", lambda self, rerun_data: None)
    else:
        monkeypatch.setattr(runner_class, "_is_in_script_thread", lambda self: self._thread is threading.current_thread())
    changed_start = runner_class.start

    assert any(p.startswith(named) for p in script_threads.problems())
    with caplog.at_level("WARNING"):
        assert script_threads.enable(1) is False
    assert runner_class.start is changed_start and script_threads.workers() == 0
    assert named in caplog.text


@pytest.mark.parametrize("turns, private", [("0", False), ("2", True)])
def test_with_fea_script_turns_0_starting_the_app_loads_none_of_the_thread_pools_private_touchpoints(
    tmp_path, turns, private
):
    probe = (
        "import sys, threading\n"
        "import app\n"  # what `streamlit run app.py` imports: the App and the process's tuning
        "from streamlit.runtime.scriptrunner import script_runner\n"
        # The module is loaded either way (it also sets the navigation flag); with 0 turns nothing is patched.
        "print(script_runner.ScriptRunner.start.__module__ != 'streamlit.runtime.scriptrunner.script_runner',\n"
        "      any(t.name == 'ScriptRunner.scriptThread' for t in threading.enumerate()))\n"
    )
    env = {**os.environ, "FEA_SCRIPT_TURNS": turns, "FEA_DATA_DIR": str(tmp_path)}
    env.pop("FEA_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [str(private)] * 2
