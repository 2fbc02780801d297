"""One entry: `streamlit run app.py` serves the pages and the phones' routes (app.py, ui/server/entry.py, ui/server/stopping.py)."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest
from streamlit.web.server.app_discovery import discover_asgi_app

from ui.server import entry, retention_job, routes, stopping

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("entry_file", ["app.py", "serve.py"])
def test_streamlit_run_finds_the_app_with_its_routes_in_the_entry_file(entry_file):
    # The same parse `streamlit run` makes to choose between a plain script and an App.
    found = discover_asgi_app(REPO / entry_file)
    assert (found.is_asgi_app, found.import_string) == (True, f"{Path(entry_file).stem}:app")
    source = (REPO / entry_file).read_text(encoding="utf-8")
    assert "st.App(entry.SCRIPT, routes=entry.ROUTES, lifespan=entry.lifespan)" in source


def test_the_page_script_is_no_app_so_a_script_run_never_builds_one():
    assert not discover_asgi_app(REPO / "navigation.py").is_asgi_app
    assert Path(entry.SCRIPT) == REPO / "navigation.py"


def test_the_apps_routes_are_the_live_answer_phone_state_and_room_routes():
    paths = {route.path for route in entry.ROUTES}
    assert paths == {"/api/live/{token}", "/api/answer/{token}/{what}", "/api/phone/{token}", "/api/room/{token}"}


def test_the_lifespan_marks_the_routes_served_and_answers_held_polls_when_it_ends(monkeypatch):
    monkeypatch.setattr(routes, "_stopping", False)
    monkeypatch.setattr(stopping, "on_stop_signal", lambda release: True)  # no signal handlers here
    monkeypatch.setattr(retention_job, "run_once", lambda: None)  # tests/test_retention_job.py
    seen = []

    async def serve():
        async with entry.lifespan(None):
            seen.append((entry.serving(), routes._stopping))
        seen.append((entry.serving(), routes._stopping))

    asyncio.run(serve())
    assert seen == [(True, False), (False, True)]


def test_a_stop_signal_releases_the_held_polls_first_and_still_reaches_the_servers_own_handler():
    calls = []
    before = {number: signal.getsignal(number) for number in stopping.SIGNALS}
    signal.signal(signal.SIGTERM, lambda signum, frame: calls.append(("server", signum)))  # as uvicorn's
    try:
        async def serve():
            assert stopping.on_stop_signal(lambda: calls.append(("release", None)))
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(200):  # the release is scheduled on this loop; give it its turns
                if len(calls) == 2:
                    break
                await asyncio.sleep(0.01)

        asyncio.run(serve())
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
    assert sorted(calls) == [("release", None), ("server", signal.SIGTERM)]


def test_off_the_main_thread_no_signal_handler_is_touched():
    import threading

    before = signal.getsignal(signal.SIGTERM)
    result = []

    def elsewhere():
        result.append(asyncio.run(_install()))

    async def _install():
        return stopping.on_stop_signal(lambda: None)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert result == [False] and signal.getsignal(signal.SIGTERM) is before
