"""Streamlit's own English words hidden in Danish forms and tables, and a new follow-up meeting
that opens empty, in a real browser (issue 16, points 5 and 7)."""

from __future__ import annotations

from playwright.sync_api import expect

from fea_core import courses
from fea_core.storage import open_store
from tests.e2e.conftest import PATIENCE_MS, DESKTOP, log_in_facilitator, wait_for_app, warm_up
from tests.e2e.test_course_follow_up import seed


def test_forms_and_tables_show_no_streamlit_english_and_a_new_meeting_opens_empty(app_server, browser, tmp_path):
    seeded = seed(app_server.data_dir)
    warm_up(browser, app_server.base)
    page = browser.new_context(**DESKTOP).new_page()
    log_in_facilitator(page, app_server.base)
    page.goto(f"{app_server.base}/course?c={seeded['course'].id}")
    page.get_by_role("heading", name="Psykisk arbejdsmiljø 2026").wait_for(timeout=PATIENCE_MS)
    wait_for_app(page)

    # A read-only table: hovering it shows no "Download as CSV" / "Search" toolbar.
    table = page.locator("[data-testid='stDataFrame']").first
    table.wait_for(timeout=PATIENCE_MS)
    table.hover()
    page.wait_for_timeout(500)
    for english in ("Download as CSV", "Search", "Show/hide columns"):
        expect(page.get_by_role("button", name=english)).to_have_count(0)
        for button in page.get_by_label(english, exact=True).all():
            expect(button).to_be_hidden()

    # The new meeting form: a Danish day field, no "Press Ctrl+Enter", the counter stays.
    page.get_by_role("tab", name="Opfølgningsmøde").click()
    wait_for_app(page)
    page.get_by_text("Nyt opfølgningsmøde").click()
    day = page.locator(".st-key-new_meeting_day input")
    expect(day).to_have_attribute("placeholder", "dd.mm.åååå")
    notes = page.locator(".st-key-new_meeting_notes textarea")
    notes.fill("Styregruppemøde: status på tavlemødet.")
    notes.focus()
    page.wait_for_timeout(300)
    instructions = page.locator(".st-key-new_meeting_notes [data-testid='InputInstructions']")
    expect(instructions.get_by_text("Press Ctrl+Enter to submit form")).not_to_be_visible()
    expect(instructions.get_by_text("/4000")).to_be_visible()
    expect(page.get_by_text("Gem med knappen under felterne.").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "new-meeting.png"))

    day.fill("31.02.2026")
    page.get_by_role("button", name="Opret mødet").click()
    wait_for_app(page)
    page.get_by_role("tab", name="Opfølgningsmøde").click()
    page.get_by_text("Skriv datoen som dd.mm.åååå, fx 14.03.2026.").wait_for(timeout=PATIENCE_MS)
    expect(notes).to_have_value("Styregruppemøde: status på tavlemødet.")  # nothing typed is lost

    day.fill("02.12.2026")
    page.get_by_role("button", name="Opret mødet").click()
    wait_for_app(page)
    page.get_by_role("tab", name="Opfølgningsmøde").click()
    wait_for_app(page)
    if not notes.is_visible():
        page.get_by_text("Nyt opfølgningsmøde").click()
    expect(notes).to_have_value("")  # the next meeting starts empty
    store = open_store(f"sqlite:///{app_server.data_dir / 'fea.sqlite3'}")
    found = [m.notes for m in courses.list_meetings(store, seeded["course"].id)]
    store.engine.dispose()
    assert found.count("Styregruppemøde: status på tavlemødet.") == 1
