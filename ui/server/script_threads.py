"""Script runs take turns on a few kept threads, first come first served: the event loop never waits for them.

Streamlit 1.67 starts a new thread for every script run (``ScriptRunner.start``) and, on the
event loop, waits until that thread runs. When the facilitator changes the step, 200 phones per
process rerun at once, and all 200 threads then share the GIL: each new thread had to win it
from the runs already going (a start took p50 2.5-4 ms, p95 11-17 ms, and the event loop, which
answers every phone's poll, answer and websocket, stood still 0.6-1.3 s in all per step change
at 400 phones on two processes), and the 200 runs finished together at the end of the burst
instead of one after another (step changes p50 1.2 s and p95 1.35 s for the rerun alone, at 200
phones on one process).

Here ``FEA_SCRIPT_TURNS`` threads, kept for the life of the process, take the runs from one
queue in the order they came: handing a run over is one queue put, and the first phones see
the new step first. A run that takes long (an export, a bug) does not hold the others up for
good: when every worker has been on its run for STUCK_SECONDS, one more starts, and such extra
workers end when the queue is empty. An earlier version kept one thread per concurrent run
(up to 256, each waiting for a turn) and grew 30 % in memory over a 30-minute soak.

Streamlit's private internals used here (``ScriptRunner.start``, ``_run_script_thread``,
``_script_thread``, ``_is_in_script_thread``, the run context's thread attribute) are checked
by ``problems()`` before ``enable`` patches anything: when a release renames one, the app logs
one warning and keeps Streamlit's own thread per run; with FEA_SCRIPT_TURNS=0 nothing is patched.

This is the one module that touches Streamlit's private internals: the PagesManager navigation
flag (register_navigation_early, set in every process) is here too, checked the same way.
"""

from __future__ import annotations

import inspect
import logging
import queue
import threading
import time

from streamlit.runtime.scriptrunner import script_runner
from streamlit.runtime.scriptrunner_utils.script_run_context import SCRIPT_RUN_CONTEXT_ATTR_NAME

STUCK_SECONDS = 5.0  # a worker this long on one run counts as stuck (a phone's run takes milliseconds)
EXTRA_IDLE_SECONDS = 10.0  # an extra worker ends after this long without a run

_log = logging.getLogger(__name__)
_jobs: queue.SimpleQueue = queue.SimpleQueue()  # runners waiting for a turn, first come first served
_lock = threading.Lock()
_workers: list[_Worker] = []
_PATCHED = "_fea_script_turns"
# What ``runner._script_thread`` is while the run waits in the queue: "started" for Streamlit's
# checks, and no thread's identity, so nothing counts as running in the script thread yet.
_QUEUED = threading.Thread(name="ScriptRunner.queued")


class _Worker(threading.Thread):
    """A kept script thread: takes the next run from the queue, runs it, and waits for another."""

    def __init__(self, extra: bool) -> None:
        # Daemon, as Streamlit's own: a hung script must not keep the process from exiting.
        super().__init__(name="ScriptRunner.scriptThread", daemon=True)
        self.extra = extra
        self.busy_since: float | None = None

    def run(self) -> None:
        while True:
            try:
                runner = _jobs.get(timeout=EXTRA_IDLE_SECONDS) if self.extra else _jobs.get()
            except queue.Empty:
                runner = None
            if runner is None:  # an extra worker with nothing to do, or told to end
                with _lock:
                    _workers.remove(self)
                return
            self.busy_since = time.monotonic()
            try:
                runner._script_thread = self  # Streamlit checks that it runs on runner._script_thread
                runner._run_script_thread()
            except Exception:  # what a new thread's excepthook would print; the worker lives on
                _log.exception("script thread failed")
            finally:
                # Let go of the ended run: a worker holding its runner would keep a closed
                # session's state (and its context) alive until the worker's next run.
                setattr(self, SCRIPT_RUN_CONTEXT_ATTR_NAME, None)
                runner = None
                self.busy_since = None


def _add_worker(extra: bool) -> None:
    worker = _Worker(extra)
    _workers.append(worker)
    worker.start()


_streamlit_start = script_runner.ScriptRunner.start


def start(runner) -> None:
    """Queue the runner's script run for the next free worker (replaces ScriptRunner.start)."""
    if type(runner) is not script_runner.ScriptRunner:
        # AppTest's runner joins its thread after each run: a kept thread never ends.
        return _streamlit_start(runner)
    if runner._script_thread is not None:
        raise RuntimeError("ScriptRunner was already started")
    runner._script_thread = _QUEUED
    with _lock:
        now = time.monotonic()
        if all(w.busy_since is not None and now - w.busy_since > STUCK_SECONDS for w in _workers):
            _add_worker(extra=True)
    _jobs.put(runner)


def workers() -> int:
    """Return how many workers there are now (for tests and the curious)."""
    with _lock:
        return len(_workers)


def problems() -> list[str]:
    """Return what this module needs of Streamlit's ScriptRunner and does not find (empty: all there).

    Checked by name and shape: the methods exist and take only ``self``; ``start`` hands the
    thread ``_run_script_thread`` and stores it in ``_script_thread``, which
    ``_is_in_script_thread`` compares with the current thread (what a worker pretends to be).
    """
    runner_class = getattr(script_runner, "ScriptRunner", None)
    if runner_class is None:
        return ["streamlit.runtime.scriptrunner.script_runner.ScriptRunner"]
    found = []
    for name in ("start", "_run_script_thread", "_is_in_script_thread"):
        method = getattr(runner_class, name, None)
        if not callable(method):
            found.append(f"ScriptRunner.{name}")
        elif list(inspect.signature(method).parameters) != ["self"]:
            found.append(f"ScriptRunner.{name}(self) (it takes {inspect.signature(method)})")
    if found:
        return found
    uses = {
        "start": ("_script_thread", "_run_script_thread"),
        "_is_in_script_thread": ("_script_thread",),
        "__init__": ("_script_thread",),
    }
    for name, wanted in uses.items():
        names = getattr(getattr(runner_class, name), "__code__", None)
        for attribute in wanted:
            if names is None or attribute not in names.co_names:
                found.append(f"ScriptRunner.{name} using self.{attribute}")
    return found


def enable(turns: int) -> bool:
    """Make Streamlit hand script runs to ``turns`` kept workers, first come first served.

    Returns False, after one warning, when Streamlit lacks what the workers need: every run
    then gets Streamlit's own thread, as with FEA_SCRIPT_TURNS=0.
    """
    runner_class = script_runner.ScriptRunner
    patched = getattr(runner_class, _PATCHED, False)
    missing = [] if patched else problems()
    if missing:
        _log.warning(
            "FEA_SCRIPT_TURNS ignored: this Streamlit has no %s; each script run gets Streamlit's own "
            "thread (ui/server/script_threads.py, see README \"Upgrade Streamlit\")",
            ", ".join(missing),
        )
        return False
    with _lock:
        while sum(not w.extra for w in _workers) < turns:
            _add_worker(extra=False)
    if not patched:
        runner_class.start = start
        setattr(runner_class, _PATCHED, True)
    return True


def register_navigation_early() -> bool:
    """Tell Streamlit before any session that the app navigates with st.navigation; return whether it took.

    Streamlit only learns that when a session first calls st.navigation: until then the mere
    pages/ folder makes it run URLs as an old-style multipage app, so after a restart the first
    visitor of /screen got pages/screen.py alone (no login form) and a sidebar listing pages/
    (streamlit/streamlit#9992's "Page not found" has the same cause). Without the private flag the
    app still works once one session has run; that first visitor is the only loss.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:
        PagesManager = None
    if PagesManager is None or not hasattr(PagesManager, "uses_pages_directory"):
        _log.warning("Streamlit has no PagesManager.uses_pages_directory any more: the first visitor after a "
                     "restart may see pages/ as a multipage app (ui/server/script_threads.py)")
        return False
    PagesManager.uses_pages_directory = False
    return True
