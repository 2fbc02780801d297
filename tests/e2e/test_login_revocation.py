"""Revocable logins and per-client throttling in a real browser against `streamlit run serve.py`.

A copied ``fea_facilitator`` cookie is an attacker's way back in: after "Log ud" or a password
reset it must no longer log in, and the account's other open tabs are logged out at their next
run. Clients are told apart by X-Forwarded-For, which the app's web server (uvicorn) trusts from
127.0.0.1 only, as from nginx on the same machine.
"""

from __future__ import annotations

import re
import subprocess
import sys

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from fea_core import accounts
from fea_core.storage import open_store
from tests.e2e.conftest import (
    PATIENCE_MS, DESKTOP,
    FACILITATOR,
    LOCKED_DA,
    REPO,
    fail_login_until_locked,
    log_in_facilitator,
    wait_for_app,
    warm_up,
)
from ui.auth import COOKIE_NAME

OWNER_IP = "203.0.113.7"
STRANGER_IP = "198.51.100.23"


def context_from(browser, ip: str):
    return browser.new_context(**DESKTOP, extra_http_headers={"X-Forwarded-For": ip})


def login_cookie(context) -> dict:
    [cookie] = [c for c in context.cookies() if c["name"] == COOKIE_NAME]
    return cookie


def cookie_is_gone(page) -> None:
    page.wait_for_function(
        f"!document.cookie.split('; ').some(c => c.startsWith('{COOKIE_NAME}='))", timeout=PATIENCE_MS
    )


def logged_in_with(browser, base: str, cookie: dict, path: str = "/workshops"):
    """Open a page in a fresh browser holding only a copy of the cookie; return (context, page)."""
    context = context_from(browser, STRANGER_IP)
    context.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path", "expires", "sameSite")}])
    page = context.new_page()
    page.goto(base + path)
    wait_for_app(page)
    return context, page


def log_in(page, base: str) -> None:
    """Log in at /facilitator and wait for the workshop list, patiently: the machine may be busy."""
    log_in_facilitator(page, base, then=None)
    workshops = page.get_by_text("Ny workshop").first
    go_on = page.get_by_role("button", name="Fortsæt")
    for _ in range(60):
        if workshops.is_visible():
            break
        if go_on.is_visible():  # the cookie component has not rerun the session (yet): the button does
            try:
                go_on.click(timeout=PATIENCE_MS)
            except PlaywrightTimeout:
                pass  # it went away: the component was quicker
        page.wait_for_timeout(1_000)
    workshops.wait_for(timeout=PATIENCE_MS)
    wait_for_app(page)


def open_two_tabs(browser, base: str):
    """Log in in one tab and open the workshop list in a second tab of the same browser."""
    context = context_from(browser, OWNER_IP)
    first = context.new_page()
    log_in(first, base)
    cookie = login_cookie(context)
    second = context.new_page()
    second.goto(base + "/workshops")
    wait_for_app(second)
    second.get_by_text("Ny workshop").wait_for(timeout=40_000)
    return context, first, second, cookie


def assert_next_run_logs_out(page) -> None:
    """Make the tab run its script once (the language switch) and expect the login form."""
    page.locator(".st-key-ws_lang").get_by_role("radio", name="English").click()
    page.get_by_label("Password").wait_for(timeout=40_000)
    wait_for_app(page)
    assert page.get_by_text("New workshop").count() == 0
    assert page.get_by_text("Ny workshop").count() == 0


def test_a_copied_cookie_logs_in_until_log_ud_and_then_neither_it_nor_the_other_tab_does(app_server, browser):
    warm_up(browser, app_server.base)
    context, first, second, cookie = open_two_tabs(browser, app_server.base)
    thief, stolen = logged_in_with(browser, app_server.base, cookie)
    stolen.get_by_text("Ny workshop").wait_for(timeout=40_000)  # the copy works while the login lasts
    thief.close()

    first.get_by_role("button", name="Log ud").click()
    first.get_by_label("Adgangskode").wait_for(timeout=40_000)
    cookie_is_gone(first)

    thief, stolen = logged_in_with(browser, app_server.base, cookie)
    stolen.get_by_label("Adgangskode").wait_for(timeout=40_000)
    assert stolen.get_by_text("Ny workshop").count() == 0
    stolen.reload()
    wait_for_app(stolen)
    stolen.get_by_label("Adgangskode").wait_for(timeout=40_000)
    assert stolen.get_by_text("Ny workshop").count() == 0
    assert_next_run_logs_out(second)
    thief.close()
    context.close()


def test_after_a_password_reset_a_copied_cookie_no_longer_logs_in_and_the_other_tab_is_logged_out(
    app_server, browser
):
    warm_up(browser, app_server.base)
    context, first, second, cookie = open_two_tabs(browser, app_server.base)

    # The reset an administrator makes on the server (to the same password, so the module's
    # other tests still log in: the reset itself is what ends the logins).
    subprocess.run(
        [sys.executable, "-m", "fea_core.accounts", "set-password", FACILITATOR[0]],
        cwd=REPO,
        env={**app_server.env, "FEA_NEW_PASSWORD": FACILITATOR[2]},
        check=True,
        capture_output=True,
    )

    thief, stolen = logged_in_with(browser, app_server.base, cookie)
    stolen.get_by_label("Adgangskode").wait_for(timeout=40_000)
    assert stolen.get_by_text("Ny workshop").count() == 0
    assert_next_run_logs_out(second)
    # A reload of the first tab, with the old cookie still in it, does not log in either.
    first.reload()
    wait_for_app(first)
    first.get_by_label("Adgangskode").wait_for(timeout=40_000)
    assert first.get_by_text("Ny workshop").count() == 0
    thief.close()
    context.close()


def test_a_strangers_ten_wrong_passwords_do_not_keep_the_owner_out_on_another_client(app_server, browser):
    warm_up(browser, app_server.base)
    stranger_context = context_from(browser, STRANGER_IP)
    stranger = stranger_context.new_page()
    stranger.goto(app_server.base + "/facilitator")
    wait_for_app(stranger)
    attempts = fail_login_until_locked(stranger, FACILITATOR[0])
    while attempts < 10:  # ten in all: the ones after the lock are refused unchecked
        attempts += 1
        stranger.get_by_role("button", name="Log ind").click()
        stranger.wait_for_timeout(1_500)
        wait_for_app(stranger)
    # Even the right password waits on the stranger's client.
    stranger.get_by_label("Adgangskode").fill(FACILITATOR[2])
    stranger.get_by_role("button", name="Log ind").click()
    stranger.wait_for_timeout(3_000)
    wait_for_app(stranger)
    stranger.get_by_text(re.compile(LOCKED_DA)).wait_for(timeout=PATIENCE_MS)
    assert stranger.get_by_text("Ny workshop").count() == 0

    owner_context = context_from(browser, OWNER_IP)
    owner = owner_context.new_page()
    log_in(owner, app_server.base)

    assert owner.get_by_text("Ny workshop").count() >= 1
    # The server saw two clients, through X-Forwarded-For: the stranger's is still locked.
    store = open_store(f"sqlite:///{app_server.data_dir / 'fea.sqlite3'}")
    failures, locked_until = accounts.login_failures(store, FACILITATOR[0], STRANGER_IP)
    assert failures >= accounts.LOCK_AFTER_FAILURES and locked_until is not None
    store.engine.dispose()
    stranger_context.close()
    owner_context.close()


def test_a_shared_screen_left_open_is_logged_out_by_log_ud_elsewhere_without_a_click(app_server, browser):
    from datetime import date

    from fea_core.workshops import create_workshop

    store = open_store(f"sqlite:///{app_server.data_dir / 'fea.sqlite3'}")
    workshop = create_workshop(
        store, name="Temadag på Lager Nord", department="Lager Nord", held_on=date.today(),
        theme="Social kapital", language="da", owner=FACILITATOR[0],
    )
    store.engine.dispose()
    warm_up(browser, app_server.base)
    context = context_from(browser, OWNER_IP)
    laptop = context.new_page()
    log_in(laptop, app_server.base)
    projector = context.new_page()
    projector.goto(f"{app_server.base}/screen?w={workshop.code}")
    wait_for_app(projector)
    projector.get_by_test_id("join-code").wait_for(timeout=40_000)

    laptop.get_by_role("button", name="Log ud").click()
    laptop.get_by_label("Adgangskode").wait_for(timeout=40_000)

    # The room view's watcher is told the login ended (ui/server/routes.py room()) and reruns into the login form.
    projector.get_by_label("Adgangskode").wait_for(timeout=40_000)
    assert projector.get_by_test_id("join-code").count() == 0
    assert projector.get_by_text("Temadag på Lager Nord").count() == 0
    context.close()
