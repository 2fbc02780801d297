"""Script runs go to threads kept from earlier runs and take turns: the event loop never waits for them.

Streamlit 1.67 starts a new thread for every script run (``ScriptRunner.start``) and, on the
event loop, waits until that thread runs. When the facilitator changes the step, 200 phones per
process rerun at once: each new thread had to win the GIL from the runs already going, so a
start took p50 2.5-4 ms and p95 11-17 ms, and the event loop, which answers every phone's poll,
answer and websocket, stood still for 0.6-1.3 s in all per step change (bench/cluster.py, 400
phones on two processes). Here a run is handed to an idle kept thread, which is one queue put; a
new thread starts, as before, only when none is idle.

Kept threads alone made step changes slower (all 200 runs then shared the core at once and
finished together, p95 3.3-3.5 s), so runs also take turns, first come first served, at most
``FEA_SCRIPT_TURNS`` at a time. With 2 turns, step changes at 400 phones on two processes went to
p50 1.9-2.0 s and p95 2.9 s, against 2.5-2.7 s and 3.4-3.7 s with Streamlit's own threads
(alternating runs of bench/cluster.py). But the 30-minute soak at 200 phones on one process then
grew 29.7-30.1 % in memory (18.8 % without) and its step changes reached p95 2.2-2.3 s (1.9 s
without), so it is off unless FEA_SCRIPT_TURNS is set (README "Performance").
"""

from __future__ import annotations

import logging
import queue
import threading

from streamlit.runtime.scriptrunner import script_runner
from streamlit.runtime.scriptrunner_utils.script_run_context import SCRIPT_RUN_CONTEXT_ATTR_NAME


# Idle threads kept for the next burst: a process serves about 200 phones, which rerun together.
MAX_IDLE = 256

_log = logging.getLogger(__name__)
_turns = threading.BoundedSemaphore(1)  # replaced by enable()
_lock = threading.Lock()
_idle: list[_ScriptThread] = []
_PATCHED = "_fea_kept_threads"


class _ScriptThread(threading.Thread):
    """A script thread that, after its run, waits for the next one instead of ending."""

    def __init__(self) -> None:
        # Daemon, as Streamlit's own: a hung script must not keep the process from exiting.
        super().__init__(name="ScriptRunner.scriptThread", daemon=True)
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()

    def run(self) -> None:
        while True:
            runner = self.jobs.get()
            try:
                with _turns:  # first come, first served: a few runs at once, each done sooner
                    runner._run_script_thread()
            except Exception:  # what a new thread's excepthook would print; the thread lives on
                _log.exception("script thread failed")
            finally:
                # Let go of the ended run: an idle thread holding its runner would keep a closed
                # session's state (and its context) alive until the thread's next run.
                setattr(self, SCRIPT_RUN_CONTEXT_ATTR_NAME, None)
                runner = None
            with _lock:
                if len(_idle) >= MAX_IDLE:
                    return
                _idle.append(self)


_streamlit_start = script_runner.ScriptRunner.start


def start(runner) -> None:
    """Start the runner's script thread: an idle kept one if there is one (replaces ScriptRunner.start)."""
    if type(runner) is not script_runner.ScriptRunner:
        # AppTest's runner joins its thread after each run: a kept thread never ends.
        return _streamlit_start(runner)
    if runner._script_thread is not None:
        raise RuntimeError("ScriptRunner was already started")
    with _lock:
        thread = _idle.pop() if _idle else None
    fresh = thread is None
    if fresh:
        thread = _ScriptThread()
    # Set before the run begins: Streamlit checks that it runs on ``runner._script_thread``.
    runner._script_thread = thread
    thread.jobs.put(runner)
    if fresh:
        thread.start()


def idle_threads() -> int:
    """Return how many kept threads wait for a run (for tests and the curious)."""
    with _lock:
        return len(_idle)


def enable(turns: int) -> None:
    """Make Streamlit hand script runs to kept threads, ``turns`` at a time (idempotent)."""
    global _turns
    runner_class = script_runner.ScriptRunner
    _turns = threading.BoundedSemaphore(turns)
    if getattr(runner_class, _PATCHED, False):
        return
    runner_class.start = start
    setattr(runner_class, _PATCHED, True)
