"""The facilitator's login in a real browser: the re-login cookie, logging out, the lock."""

from __future__ import annotations

import re

from tests.e2e.conftest import PATIENCE_MS, DESKTOP, FACILITATOR, fail_login_until_locked, log_in_facilitator, wait_for_app, warm_up
from ui.auth import COOKIE_NAME


def log_in(page, base: str, password: str = FACILITATOR[2]) -> None:
    log_in_facilitator(page, base, password, then=None)


def test_a_reload_after_logging_in_stays_logged_in_until_logging_out(app_server, browser):
    warm_up(browser, app_server.base)
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    log_in(page, app_server.base)
    page.get_by_text("Ny workshop").wait_for(timeout=PATIENCE_MS)
    assert "fea_facilitator" in [c["name"] for c in context.cookies()]

    page.reload()
    wait_for_app(page)
    page.get_by_text("Ny workshop").wait_for(timeout=PATIENCE_MS)
    assert page.get_by_label("Adgangskode").count() == 0

    page.get_by_role("button", name="Log ud").click()
    page.get_by_label("Adgangskode").wait_for(timeout=PATIENCE_MS)
    wait_for_app(page)
    # The browser drops the cookie when the logout's cookie component runs, a moment after the
    # form shows; reloading before that raced it (1 run in 8 failed, before and after this round).
    page.wait_for_function(f"!document.cookie.split('; ').some(c => c.startsWith('{COOKIE_NAME}='))",
                           timeout=PATIENCE_MS)
    # The cookie components (the gate's reader and the deletion) take no room above the form.
    frames = page.locator("[data-testid='stElementContainer']:has(iframe[title*='cookie_manager'])")
    assert frames.count() == 2
    assert [frames.nth(i).bounding_box() for i in range(2)] == [None, None]
    page.reload()
    wait_for_app(page)
    page.get_by_label("Adgangskode").wait_for(timeout=PATIENCE_MS)
    assert page.get_by_text("Ny workshop").count() == 0
    context.close()


def test_five_wrong_passwords_lock_the_login_in_the_browser(app_server, browser):
    warm_up(browser, app_server.base)
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(app_server.base + "/facilitator")
    wait_for_app(page)
    attempts = fail_login_until_locked(page, "ukendt-bruger")
    assert attempts >= 5  # no lock before the fifth failure (some clicks may be lost while a run is busy)
    page.get_by_text(re.compile(r"For mange forkerte forsøg\. Prøv igen om \d+ sekunder\.")).wait_for(timeout=PATIENCE_MS)
    context.close()
