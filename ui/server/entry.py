"""What app.py serves: the page script, the HTTP routes next to it, and the process's tuning.

``streamlit run app.py`` finds the ``app = st.App(...)`` in app.py (Streamlit parses the file for
it: streamlit/web/server/app_discovery.py) and serves it with uvicorn. Each session's script run
then executes SCRIPT (navigation.py), never app.py, so no App is built inside a run. Started any
other way (``streamlit run navigation.py``), the phones' answer and live routes would be missing
and answers would get HTTP 405: navigation.py refuses to show the product unless ``serving()``.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path


from fea_core import config
from ui.server import (
    allocator, answer_routes, memory_trace, phone_routes, retention_job, routes, script_threads, stopping, tcp_nodelay,
)

SCRIPT = str(Path(__file__).resolve().parents[2] / "navigation.py")
ROUTES = routes.ROUTES + answer_routes.ROUTES + phone_routes.ROUTES
_log = logging.getLogger(__name__)
_serving = False


def tune_process() -> None:
    """Apply the process-wide settings the App needs before uvicorn starts (each runs once)."""
    tcp_nodelay.enable()
    if config.script_turns():  # with FEA_SCRIPT_TURNS=0 no ScriptRunner internals are patched
        script_threads.enable(config.script_turns())
    allocator.tune()
    script_threads.register_navigation_early()  # navigation.py builds the pages with st.navigation


@asynccontextmanager
async def lifespan(_app):
    """The App's lifespan: mark the routes as served; answer held polls at once on SIGTERM/SIGINT;
    run the retention job (ui/server/retention_job.py), and the memory trace if asked, while the server runs."""
    global _serving
    stopping.on_stop_signal(routes.release_held_polls)
    retention = retention_job.start()
    tracing = memory_trace.start()  # a bench mode, off unless FEA_MEMORY_TRACE is set
    _serving = True
    try:
        yield
    finally:
        _serving = False
        routes.release_held_polls()
        await retention_job.stop(retention)
        await memory_trace.stop(tracing)


def serving() -> bool:
    """Whether this process serves the App of app.py (its routes included)."""
    return _serving


def mark_serving(value: bool) -> None:
    """For AppTest, which runs navigation.py in-process without a server: say whether routes are served."""
    global _serving
    _serving = value
