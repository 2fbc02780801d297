"""The phone's one step component (ui/web/phone_step.js) following the room in a real browser.

A step change or new content (the chosen problem, the handleplan) reaches the phone through its
held poll and one GET of its phone state: the page sends no websocket message, so the server runs
no script for it (a rerun is a BackMsg the browser sends; tests/e2e/test_answer_forms.py counts
the same way). Waits are conditions; the time it took is printed, not asserted.
"""

from __future__ import annotations

import re
import time
from datetime import date

from playwright.sync_api import expect

from fea_core import decisions, handleplan, items, participation, placement
from fea_core.model import (
    ACTIVITY_COMPETENCE,
    ACTIVITY_CONCRETISE,
    ACTIVITY_IDEAS,
    ACTIVITY_IMPLEMENT,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS,
    ACTIVITY_SOLUTION_MATRIX,
    ACTIVITY_TALK,
)
from fea_core.retention import delete_workshop
from fea_core.workshops import create_workshop, set_activity, start_timer
from tests.e2e.conftest import FACILITATOR, PATIENCE_SECONDS, PHONE, SCREENSHOTS, wait_for_app
from tests.e2e.test_answer_forms import open_phone, store  # noqa: F401 (fixtures)

WAIT = PATIENCE_SECONDS * 1000
SMALL_PHONE = {**PHONE, "viewport": {"width": 360, "height": 740}}


def workshop(store, *, language: str = "da"):  # noqa: F811
    return create_workshop(store, name="Følg rummet", department="Lager", held_on=date.today(), theme="Travlhed",
                           language=language, owner=FACILITATOR[0])


def title(page):
    return page.get_by_test_id("phone-title")


def test_a_phone_follows_every_step_without_a_script_run(store, open_phone):  # noqa: F811
    ws = workshop(store)
    set_activity(store, ws.id, ACTIVITY_PROBLEMS)
    _, other = participation.join(store, ws.code)
    for text in ("Travlhed om morgenen", "Uklare roller"):
        items.submit_item(store, other, "problem", text)
    set_activity(store, ws.id, ACTIVITY_IDEAS)
    items.submit_item(store, other, "idea", "Fast morgenmøde")
    set_activity(store, ws.id, "welcome")
    _, participant = participation.join(store, ws.code)
    frames: list = []
    phone = open_phone(ws, participant, frames)
    expect(title(phone)).to_have_text("Velkommen!")
    frames.clear()  # the page load's own run is over: from here on, no run is asked for
    state_requests: list[str] = []  # the new step comes in the held poll's answer, not by a second request
    phone.on("request", lambda r: "/api/phone/" in r.url and state_requests.append(r.url))

    expected = {
        ACTIVITY_TALK: "Lyt med",
        ACTIVITY_COMPETENCE: "Arbejdsmiljøkompetencemodellen",
        ACTIVITY_PROBLEMS: "Trin 1:",
        ACTIVITY_PROBLEM_MATRIX: "Trin 2:",
        ACTIVITY_IDEAS: "Trin 3:",
        ACTIVITY_SOLUTION_MATRIX: "Trin 4:",
        ACTIVITY_CONCRETISE: "Trin 5:",
        ACTIVITY_IMPLEMENT: "Trin 6:",
    }
    for activity, heading in expected.items():
        moved = time.monotonic()
        set_activity(store, ws.id, activity)
        expect(title(phone)).to_contain_text(heading, timeout=WAIT)
        print(f"{activity}: shown after {time.monotonic() - moved:.2f} s")  # shown with -s
    expect(phone.get_by_test_id("proposal-send")).to_have_count(0)  # trin 6: the plan, no form
    assert frames == []  # not one rerun asked for in eight step changes
    assert state_requests == []  # and not one request beside the polls
    # The new step is announced to screen readers once.
    expect(phone.get_by_test_id("phone-announce")).to_have_text("Nyt trin: Trin 6: Implementér løsningen")


def test_a_phone_sees_a_trin_6_agreement_and_a_new_chosen_solution_without_a_script_run(store, open_phone):  # noqa: F811
    ws = workshop(store)
    set_activity(store, ws.id, ACTIVITY_IDEAS)
    first, second = (items.add_item_as_facilitator(store, ws.id, "idea", t) for t in ("Fast morgenmøde", "Tavle"))
    decisions.choose_idea(store, ws.id, first.id)
    set_activity(store, ws.id, ACTIVITY_IMPLEMENT)
    _, participant = participation.join(store, ws.code)
    frames: list = []
    phone = open_phone(ws, participant, frames)
    expect(phone.get_by_text("Handleplanen bliver skrevet på storskærmen.")).to_be_visible()
    frames.clear()

    added = time.monotonic()
    # The trin 6 editor's own write: it bumps the stage, which is all the phone needs.
    handleplan.add_action(store, ws.id, "Morgenmøde kl. 7.45 <b>hver</b> dag", owner="Mette")
    action = phone.get_by_test_id("plan-action")
    expect(action).to_contain_text("1. Morgenmøde kl. 7.45 <b>hver</b> dag", timeout=WAIT)  # text, not HTML
    print(f"agreement shown after {time.monotonic() - added:.2f} s")
    expect(phone.get_by_text("Handleplanen bliver skrevet på storskærmen.")).to_have_count(0)
    expect(action).to_contain_text("Ansvarlig: Mette")

    decisions.choose_idea(store, ws.id, second.id)  # decisions bump the stage themselves
    expect(phone.get_by_test_id("chosen-solution")).to_contain_text("Tavle", timeout=WAIT)
    assert frames == []


def test_a_half_typed_proposal_survives_new_content_in_trin_5(store, open_phone):  # noqa: F811
    ws = workshop(store)
    set_activity(store, ws.id, ACTIVITY_CONCRETISE)
    _, participant = participation.join(store, ws.code)
    phone = open_phone(ws, participant)
    text = phone.get_by_test_id("proposal-text")
    text.fill("Alle på dagvagten")
    handleplan.save_answer(store, ws.id, 0, "Et kort møde før stuegang")  # bumps the stage itself
    expect(phone.get_by_test_id("plan-answers")).to_contain_text("Et kort møde før stuegang", timeout=WAIT)
    expect(text).to_have_value("Alle på dagvagten")  # the form was not drawn again

    phone.get_by_test_id("proposal-question").select_option("1")
    phone.get_by_test_id("proposal-send").click()
    phone.get_by_role("status").filter(has_text="Tak! Dit forslag er på storskærmen.").wait_for(timeout=WAIT)
    [proposal] = handleplan.proposals(store, ws.id)
    assert (proposal.question_index, proposal.text) == (1, "Alle på dagvagten")
    expect(text).to_have_value("")


def test_a_late_joiner_and_a_reloaded_phone_land_on_the_current_step_with_their_answers(
    store, open_phone, browser, app_server  # noqa: F811
):
    ws = workshop(store)
    set_activity(store, ws.id, ACTIVITY_PROBLEMS)
    _, other = participation.join(store, ws.code)
    problems = [items.submit_item(store, other, "problem", t) for t in ("Travlhed", "Uklare roller", "Afbrydelser")]
    set_activity(store, ws.id, ACTIVITY_PROBLEM_MATRIX)
    _, participant = participation.join(store, ws.code)
    placement.place_item(store, participant, problems[0].id, 4, 2)

    phone = open_phone(ws, participant)
    expect(phone.get_by_text("1 af 3 placeret")).to_be_visible()
    expect(phone.get_by_test_id("card-number")).to_have_text(f"Nr. {problems[1].number}")  # the first not placed
    phone.reload()
    wait_for_app(phone)
    expect(phone.get_by_text("1 af 3 placeret")).to_be_visible()
    phone.get_by_test_id("deck-previous").click()
    card = phone.get_by_test_id("deck-card")
    expect(card.get_by_test_id("place-y").get_by_role("radio", checked=True)).to_have_text("2")
    expect(card.get_by_test_id("place-x").get_by_role("radio", checked=True)).to_have_text("4")

    # A phone that joins now, by the link with the code, lands on trin 2 too.
    context = browser.new_context(**PHONE)
    late = context.new_page()
    late.goto(f"{app_server.base}/?code={ws.code}")
    wait_for_app(late)
    expect(late.get_by_label("Kode fra storskærmen")).to_have_count(0)  # one instruction, one button
    late.get_by_role("button", name="Deltag").click()
    expect(title(late)).to_contain_text("Trin 2:", timeout=WAIT)
    expect(late.get_by_text("0 af 3 placeret")).to_be_visible()
    context.close()


def test_the_trin_4_card_and_its_save_button_fit_a_360_by_740_phone_with_the_chosen_problem(
    store, browser, app_server  # noqa: F811
):
    ws = workshop(store)
    set_activity(store, ws.id, ACTIVITY_PROBLEMS)
    [problem] = [items.add_item_as_facilitator(store, ws.id, "problem", "Travlhed om morgenen, når alle skal nå "
                                               "det samme på én gang og ingen ved, hvem der gør hvad")]
    decisions.choose_problem(store, ws.id, problem.id)
    decisions.describe_problem(store, ws.id, "Mellem 7 og 9 står alle i kø, og telefonen ringer hele tiden.")
    set_activity(store, ws.id, ACTIVITY_IDEAS)
    items.add_item_as_facilitator(store, ws.id, "idea", "Fast morgenmøde kl. 7.45 med hele holdet")
    set_activity(store, ws.id, ACTIVITY_SOLUTION_MATRIX)
    _, participant = participation.join(store, ws.code)
    context = browser.new_context(**SMALL_PHONE)
    try:
        phone = context.new_page()
        phone.goto(f"{app_server.base}/?code={ws.code}&p={participant.token}")
        wait_for_app(phone)
        save = phone.get_by_test_id("place-save")
        save.wait_for(timeout=WAIT)
        assert phone.evaluate("window.scrollY") == 0
        box = save.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 740, box  # on screen without scrolling
        # The reversed scale names its ends in words: Høj under 5, Lav under 1.
        ends = phone.get_by_test_id("place-x").locator("xpath=..").locator(".fea-ends span")
        expect(ends).to_have_text(["Høj", "Lav"])
        first = phone.get_by_test_id("place-x").get_by_role("radio").first
        expect(first).to_have_text("5")
        # The chosen problem's description opens on demand.
        chosen = phone.get_by_test_id("chosen-problem")
        expect(chosen.get_by_text("Mellem 7 og 9")).to_be_hidden()
        chosen.locator("summary").click()
        expect(chosen.get_by_text("Mellem 7 og 9")).to_be_visible()
        phone.screenshot(path=str(SCREENSHOTS / "phone-trin4-360.png"))
    finally:
        context.close()


def test_a_chosen_rating_is_a_solid_fill_with_at_least_3_to_1_against_its_neighbours(store, open_phone):  # noqa: F811
    ws = workshop(store)
    set_activity(store, ws.id, ACTIVITY_COMPETENCE)
    _, participant = participation.join(store, ws.code)
    phone = open_phone(ws, participant)
    row = phone.get_by_test_id("rate-innovation")
    row.get_by_role("radio", name="3", exact=True).click()
    colours = row.get_by_role("radio").evaluate_all(
        "els => els.map(e => getComputedStyle(e).backgroundColor)")
    chosen, other = colours[2], colours[1]

    def luminance(css: str) -> float:
        r, g, b = (int(v) / 255 for v in css[css.index("(") + 1:css.index(")")].split(",")[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(chosen), luminance(other)), reverse=True)
    assert (high + 0.05) / (low + 0.05) >= 3, (chosen, other)
    expect(row.get_by_role("radio", checked=True)).to_have_text("3")
    assert "✓" in row.get_by_role("radio", checked=True).evaluate("e => getComputedStyle(e, '::before').content")


def test_an_english_phone_follows_in_english(store, open_phone):  # noqa: F811
    ws = workshop(store, language="en")
    set_activity(store, ws.id, ACTIVITY_COMPETENCE)
    _, participant = participation.join(store, ws.code)
    frames: list = []
    phone = open_phone(ws, participant, frames)
    expect(title(phone)).to_have_text("The work environment competence model")
    frames.clear()
    set_activity(store, ws.id, ACTIVITY_PROBLEMS)
    expect(title(phone)).to_contain_text("Step 1:", timeout=WAIT)
    expect(phone.get_by_test_id("item-send")).to_have_text("Send")
    expect(phone.get_by_role("radio", name="A problem")).to_be_visible()
    assert frames == []


def test_a_timer_set_by_the_room_counts_down_on_the_phone(store, open_phone):  # noqa: F811
    ws = workshop(store)
    _, participant = participation.join(store, ws.code)
    phone = open_phone(ws, participant)

    expect(title(phone)).to_have_text("Velkommen!")
    start_timer(store, ws.id, 125)  # the control view's "Start" (bumps the stage: the poll brings it)
    # Two minutes and a few seconds, however long the machine took to show it.
    expect(phone.get_by_role("timer")).to_have_text(re.compile(r"^Tid tilbage: [12]:\d\d$"), timeout=WAIT)


def test_a_deleted_workshop_sends_its_phones_back_to_the_join_form(store, open_phone):  # noqa: F811
    ws = workshop(store)
    _, participant = participation.join(store, ws.code)
    phone = open_phone(ws, participant)
    expect(title(phone)).to_have_text("Velkommen!")
    delete_workshop(store, ws.id)
    expect(phone.get_by_label("Kode fra storskærmen")).to_be_visible(timeout=WAIT)
    expect(phone.get_by_test_id("phone-step")).to_have_count(0)
