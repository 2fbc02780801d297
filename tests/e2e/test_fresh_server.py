"""The first visitors of a freshly started server (after a restart mid-workshop) get the real pages.

Streamlit decides per process, at its first session, whether ``pages/`` makes the app an
old-style multipage app; navigation.py uses st.navigation, and app.py (ui/server/entry.py) says so before any session.
Without that, the facilitator reloading the shared screen after a restart got pages/screen.py
run alone ("Denne side er kun for facilitatorer", no login form) and a sidebar listing pages/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
from playwright.sync_api import expect

from fea_core import participation
from fea_core.storage import open_store
from fea_core.workshops import create_workshop
from tests.e2e.conftest import PATIENCE_MS, DESKTOP, FACILITATOR, PHONE, REPO, free_port, start_server, wait_for_app


@pytest.fixture
def fresh(tmp_path):
    """A database with a facilitator, a workshop and a joined phone, and a server started on it just now."""
    env = {**os.environ, "FEA_DATA_DIR": str(tmp_path), "FEA_NEW_PASSWORD": FACILITATOR[2]}
    env.pop("FEA_DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "fea_core.accounts", "create", FACILITATOR[0], "--name", FACILITATOR[1]],
        cwd=REPO, env=env, check=True,
    )
    store = open_store(f"sqlite:///{tmp_path / 'fea.sqlite3'}")
    workshop = create_workshop(store, name="Efter genstart", department="Lager", held_on=date.today(),
                               theme="Travlhed", language="da", owner=FACILITATOR[0])
    _, phone = participation.join(store, workshop.code)
    store.engine.dispose()
    process, server = start_server(tmp_path, free_port())
    yield server, workshop, phone
    process.terminate()
    process.wait(timeout=20)


def test_the_first_visitor_of_the_shared_screen_after_a_restart_gets_the_login_form_and_then_the_screen(
    fresh, browser
):
    server, workshop, _ = fresh
    page = browser.new_context(**DESKTOP).new_page()
    page.goto(f"{server.base}/screen?w={workshop.code}")  # the very first session of this process
    wait_for_app(page)
    expect(page.get_by_text("Denne side er kun for facilitatorer")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)  # no list of pages/ files
    page.get_by_label("Brugernavn").fill(FACILITATOR[0])
    page.get_by_label("Adgangskode").fill(FACILITATOR[2])
    page.get_by_role("button", name="Log ind").click()
    page.get_by_text("Efter genstart").first.wait_for(timeout=PATIENCE_MS)  # the workshop's shared screen
    expect(page.get_by_test_id("join-code")).to_have_text(workshop.code)


def test_the_first_phone_after_a_restart_comes_back_to_its_workshop(fresh, browser):
    server, workshop, phone = fresh
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{server.base}/?code={workshop.code}&p={phone.token}")
    wait_for_app(page)
    page.get_by_text("Velkommen!").wait_for(timeout=PATIENCE_MS)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
