"""`streamlit run app.py`, as the README says, is the whole product: phones' answers and live polls
go through it; started without app.py's routes the app says so; a stop does not wait for held polls."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import date

import pytest
from playwright.sync_api import expect

from fea_core import accounts, participation, workshops
from fea_core.model import ACTIVITY_COMPETENCE
from fea_core.storage import open_store
from tests.conftest import answers_for
from tests.e2e.conftest import DESKTOP, FACILITATOR, REPO, free_port, start_server, wait_for_app
from ui.server import routes


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def get_json(url: str, timeout: float = 30) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, json.loads(response.read())


@pytest.fixture
def room(tmp_path):
    """A workshop in its competence round and one joined phone, on a fresh SQLite database."""
    store = open_store(f"sqlite:///{tmp_path / 'fea.sqlite3'}")
    accounts.create_facilitator(store, FACILITATOR[0], FACILITATOR[1], FACILITATOR[2])
    workshop = workshops.create_workshop(store, name="Én indgang", department="Lager", held_on=date.today(),
                                         theme="Travlhed", language="da", owner=FACILITATOR[0])
    workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    _, phone = participation.join(store, workshop.code)
    store.engine.dispose()
    return tmp_path, phone


def test_the_readme_starts_the_app_with_streamlit_run_app_py():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_section = readme.split("## Set-up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"streamlit run app\.py", first_section)
    run = (REPO / "run").read_text(encoding="utf-8")
    assert "streamlit run app.py" in run


def test_a_phone_answers_and_polls_through_streamlit_run_app_py_and_a_stop_does_not_wait_for_its_held_poll(room):
    data_dir, phone = room
    process, server = start_server(data_dir, free_port())  # `python3 -m streamlit run app.py`
    try:
        status, reply = post(f"{server.base}/api/answer/{phone.token}/ratings", {"ratings": answers_for(4), "lang": "da"})
        assert (status, reply["ok"]) == (200, True)
        status, live = get_json(f"{server.base}/api/live/{phone.token}")
        assert status == 200 and set(live) == {"stage", "revision"}

        held: dict = {}

        def hold() -> None:  # a phone waiting for the next step
            try:
                held["answer"] = get_json(f"{server.base}/api/live/{phone.token}?field=stage&seen={live['stage']}",
                                          timeout=routes.HOLD_SECONDS * 3)
            except OSError as error:
                held["error"] = error

        poll = threading.Thread(target=hold)
        poll.start()
        poll.join(1.0)
        assert poll.is_alive()  # the server holds it (for up to HOLD_SECONDS)
        stopped_at = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=routes.HOLD_SECONDS * 3)
        took = time.monotonic() - stopped_at
        poll.join(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    print(f"stopped {took:.2f} s after SIGTERM with a poll held")
    # The stop answered the held poll instead of waiting for its hold to end.
    assert took < routes.HOLD_SECONDS / 2
    assert held.get("answer") == (200, live)


def test_started_without_app_py_the_app_says_so_and_serves_no_page(room, browser):
    data_dir, phone = room
    process, server = start_server(data_dir, free_port(), entry="navigation.py")
    try:
        status, _ = post(f"{server.base}/api/answer/{phone.token}/ratings", {"ratings": answers_for(4)})
        assert status == 405  # what the phones would meet: hence the loud refusal below
        page = browser.new_context(**DESKTOP).new_page()
        for path in ("/", "/screen", "/join"):  # the phones' page and a page file of pages/ alike
            page.goto(f"{server.base}{path}")
            wait_for_app(page)
            expect(page.get_by_text("Appen er startet forkert")).to_be_visible(timeout=60_000)
            expect(page.get_by_text("Deltag i workshoppen")).to_have_count(0)
            expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)  # no list of pages/ files
    finally:
        process.terminate()
        process.wait(timeout=30)
