"""A forløb in a real browser: the steering group's overview, a follow-up meeting that updates an
action twice (each change dated, the history kept), the status report, and the competence rated
again shown before and now on the shared screen."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from fea_core import action_history, carry_over, competence, courses, handleplan, participation, schema, workshops
from fea_core.model import ACTIVITY_COMPETENCE
from tests.report_fixture import make_workshop_for_report
from fea_core.storage import open_store
from tests.e2e.conftest import PATIENCE_MS, ARTIFACTS, DESKTOP, FACILITATOR, SCREENSHOTS, log_in_facilitator, wait_for_app, warm_up
from tests.e2e.test_problem_solver import choose_in_selectbox, document_text

TODAY = date.today()
FACTORS = ("innovation", "aabenhed", "teknikker_og_viden", "motivation", "systematik", "tid_og_ressourcer")


def rate(store, workshop, rooms: list[dict]) -> None:
    workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    for answers in rooms:
        _, phone = participation.join(store, workshop.code)
        competence.submit_ratings(store, phone, answers)


def seed(data_dir) -> dict:
    """A forløb half-way: a first workshop with its plan followed up once, the next one rated again."""
    store = open_store(f"sqlite:///{data_dir / 'fea.sqlite3'}")
    start = TODAY - timedelta(days=260)
    course = courses.create_course(
        store, name="Psykisk arbejdsmiljø 2026", department="Akutmodtagelsen, Sygehus Sønderjylland",
        starts_on=start, ends_on=start + timedelta(days=330), language="da", owner=FACILITATOR[0],
        steering_group="Afdelingsleder Hanne Berg, AMR Jonas Lund, TR Fatima Ali, HR-konsulent Ole Friis",
    )
    first = make_workshop_for_report(store, FACILITATOR[0], participants=9, problems=5, ideas=3)
    with store.write() as conn:  # the report fixture's day, moved into this forløb
        conn.execute(update(schema.workshops).where(schema.workshops.c.id == first.id)
                     .values(held_on=(start + timedelta(days=10)).isoformat()))
    courses.add_workshop(store, course.id, first.id)
    actions = handleplan.save_actions(store, first.id, [
        {"what": "Indkøbe og ophænge en whiteboardtavle i vagtstuen", "owner": "Mette (afdelingssygeplejerske)",
         "deadline": start + timedelta(days=30), "status": "done", "follow_up": "Næste styregruppemøde"},
        {"what": "Holde tavlemøde kl. 7.45 hver hverdag", "owner": "Alle på dagvagten",
         "deadline": TODAY - timedelta(days=12), "status": "in_progress", "follow_up": "Evaluering efter fire uger"},
        {"what": "Skrive en „huskeseddel“ til vikarer om tavlemødet", "owner": "Jonas (AMR) og Fatima (TR)",
         "deadline": TODAY + timedelta(days=9), "status": "not_started", "follow_up": "Vikarerne spørges"},
        {"what": "Evaluere tavlemødet og justere formen", "owner": "Styregruppen",
         "deadline": TODAY + timedelta(days=75), "status": "not_started", "follow_up": "Styregruppemøde"},
    ])
    held = datetime.combine(start + timedelta(days=70), datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
    meeting = courses.add_meeting(store, course.id, held.date(), "Tavlemødet er godt i gang. Vikarerne kender det ikke.",
                                  by=FACILITATOR[0])
    action_history.record_update(store, actions[1].id, status="in_progress", works="De fleste møder op kl. 7.45",
                                 not_working="Nattevagten når det ikke før overlevering", by=FACILITATOR[0],
                                 meeting_id=meeting.id, at=held)
    second = carry_over.start_next_workshop(
        store, course.id, previous_id=first.id, name="Anden temadag: psykologisk tryghed",
        held_on=TODAY - timedelta(days=20), theme="Psykologisk tryghed", owner=FACILITATOR[0],
        problem_ids=[p.id for p in carry_over.open_problems(store, first.id)],
        action_ids=[a.id for a in carry_over.open_actions(store, first.id)],
    )
    handleplan.set_follow_up(store, second.id, "Styregruppen tager status hver anden måned.", TODAY + timedelta(days=14))
    courses.add_meeting(store, course.id, TODAY + timedelta(days=14), "", by=FACILITATOR[0])
    # The competence rated again: more open, more motivated, as the evaluation found.
    later = [{**{f: 3 for f in FACTORS}, "aabenhed": 4, "motivation": 4 + (i % 2), "innovation": 3 + (i % 3 == 0)}
             for i in range(7)]
    rate(store, second, later)
    workshops.set_results_visible(store, second.id, True)
    carried = handleplan.list_actions(store, second.id)
    store.engine.dispose()
    return {"course": course, "second": second, "huskeseddel": carried[1]}


@pytest.fixture(scope="module")
def seeded(app_server):
    return seed(app_server.data_dir)


def login(page, base: str) -> None:
    log_in_facilitator(page, base)


def test_a_follow_up_meeting_updates_an_action_and_the_steering_group_gets_its_status(app_server, browser, seeded):
    warm_up(browser, app_server.base)
    page = browser.new_context(**DESKTOP, accept_downloads=True).new_page()
    login(page, app_server.base)

    # From the workshops page to the forløb.
    course_card = page.locator(f".st-key-course_{seeded['course'].id}")
    course_card.get_by_text("Psykisk arbejdsmiljø 2026").wait_for(timeout=PATIENCE_MS)
    course_card.get_by_role("link", name="Åbn forløbet").click()
    page.get_by_role("heading", name="Psykisk arbejdsmiljø 2026").wait_for(timeout=PATIENCE_MS)
    wait_for_app(page)

    # The steering group's overview: one overdue, one due soon, the next follow-up in two weeks.
    metrics = page.locator("[data-testid='stMetric']")
    assert re.sub(r"\s+", " ", metrics.nth(1).inner_text()).strip() == "Frist overskredet 1"
    assert re.sub(r"\s+", " ", metrics.nth(2).inner_text()).strip() == "Frist inden for 30 dage 1"
    assert (TODAY + timedelta(days=14)).strftime("%d.%m.%Y") in metrics.nth(3).inner_text()
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=PATIENCE_MS)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "course-overview.png"), full_page=True)

    # The follow-up meeting: held today, with notes.
    page.get_by_role("tab", name="Opfølgningsmøde").click()
    wait_for_app(page)
    page.get_by_text("Nyt opfølgningsmøde").click()
    page.get_by_label("Noter fra mødet").first.fill("Styregruppemøde: status på tavlemødet og huskesedlen.")
    page.get_by_role("button", name="Opret mødet").click()
    wait_for_app(page)
    page.get_by_role("tab", name="Opfølgningsmøde").click()
    wait_for_app(page)

    # The huskeseddel goes from Ikke startet to I gang, then is adjusted: two dated entries.
    action_id = seeded["huskeseddel"].id
    card = page.locator(f".st-key-fu_{action_id}")
    for status, works, not_working, adjustment, saved in (
        ("I gang", "Udkastet er skrevet", "", "", "Gemt: aftale 2 er nu »I gang«."),
        ("Justeret", "", "Vikarerne læser den ikke", "Den hænges op ved tavlen i stedet", "Gemt: aftale 2 er nu »Justeret«."),
    ):
        choose_in_selectbox(page, f".st-key-fu_status_{action_id}", status)
        for key, text in (("works", works), ("not_working", not_working), ("adjustment", adjustment)):
            if text:
                page.locator(f".st-key-fu_{key}_{action_id} textarea").fill(text)
        card.get_by_role("button", name="Gem opdatering").click()
        page.get_by_text(saved).wait_for(timeout=PATIENCE_MS)
        wait_for_app(page)
        page.get_by_role("tab", name="Opfølgningsmøde").click()
        wait_for_app(page)
    history = action_history.history(open_store(f"sqlite:///{app_server.data_dir / 'fea.sqlite3'}"), action_id)
    assert [u.status for u in history] == ["in_progress", "adjusted"]
    assert history[1].adjustment == "Den hænges op ved tavlen i stedet"
    card.get_by_text("Historik (2)").click()
    card.get_by_text("Den hænges op ved tavlen i stedet").wait_for(timeout=PATIENCE_MS)
    card.scroll_into_view_if_needed()
    page.wait_for_timeout(400)
    page.screenshot(path=str(SCREENSHOTS / "follow-up-meeting.png"))

    # The status report for the steering group, as Word and PDF.
    page.get_by_role("tab", name="Overblik for styregruppen").click()
    wait_for_app(page)
    for label, suffix in (("Word", ".docx"), ("PDF", ".pdf")):
        with page.expect_download(timeout=30_000) as download_info:
            page.get_by_role("button", name=label, exact=True).click()
        download = download_info.value
        assert download.suggested_filename.startswith("Statusrapport - Psykisk arbejdsmiljø 2026")
        assert download.suggested_filename.endswith(suffix)
        path = ARTIFACTS / download.suggested_filename
        download.save_as(path)
        text = " ".join(document_text(path).split())
        for expected in ("Statusrapport", "Frist overskredet", "Hvad blev besluttet hvornår", "Vikarerne læser den ikke",
                         "Den hænges op ved tavlen i stedet", "Justeret", "Styregruppemøde: status på tavlemødet"):
            assert expected in text, (suffix, expected)


def test_the_shared_screen_shows_the_competence_before_and_now(app_server, browser, seeded):
    page = browser.new_context(**DESKTOP).new_page()
    login(page, app_server.base)
    page.goto(f"{app_server.base}/screen?w={seeded['second'].code}")
    wait_for_app(page)
    page.locator(".st-key-radar_view").get_by_text("Før og nu").click()
    wait_for_app(page)
    live = page.locator(".st-key-live_view")
    live.get_by_text("7 svar nu").wait_for(timeout=PATIENCE_MS)
    live.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=PATIENCE_MS)
    page.wait_for_timeout(800)
    live.screenshot(path=str(SCREENSHOTS / "shared-screen-before-after.png"))
