"""The phone's answer forms (ui/answer_forms.py, ui/web/*.js) in a real browser at phone size.

Each form draws itself in the browser and posts the answer to /api/answer/<token>/...: what a
person sees after a tap (the reply, a refusal, a lost connection) and that a tap costs the
server no script run (no websocket message). The workshops are set up with the domain services
directly against the server's database; the phone opens its join link with its token.
"""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from playwright.sync_api import expect

from fea_core import competence, items, participation, placement
from fea_core.i18n import translate
from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_PROBLEM_MATRIX, ACTIVITY_PROBLEMS
from fea_core.storage import open_store
from fea_core.workshops import create_workshop, set_activity, set_activity_open
from tests.e2e.conftest import PATIENCE_MS, FACILITATOR, PHONE, SCREENSHOTS, wait_for_app, warm_up

ANSWERS = {"innovation": 4, "aabenhed": 3, "teknikker_og_viden": 5, "motivation": None, "systematik": 2,
           "tid_og_ressourcer": 1}
PROBLEMS = ("Travlhed om morgenen", "Uklare roller ved vagtskifte", "For mange afbrydelser")
HOSTILE = "<img src=x onerror=alert(1)> **fed**"
ANSWER_POST = "**/api/answer/**"
REPLY = 10_000  # ms: a reply to a tap is one small POST


@pytest.fixture(scope="module")
def store(app_server, browser):
    warm_up(browser, app_server.base)
    s = open_store(f"sqlite:///{app_server.data_dir / 'fea.sqlite3'}")  # the server's database
    yield s
    s.engine.dispose()


@pytest.fixture
def open_phone(app_server, browser):
    """Open a participant's join link on a new phone; record the websocket frames it sends if asked."""
    contexts = []

    def opener(workshop, participant, frames: list | None = None, *, deaf: bool = False):
        context = browser.new_context(**PHONE)
        contexts.append(context)
        page = context.new_page()
        if deaf:  # the watcher hears of nothing (from the first poll on: a held poll would answer)
            page.route("**/api/live/**", lambda route: route.abort())
        if frames is not None:
            page.on("websocket", lambda ws: ws.on("framesent", lambda payload: frames.append(payload)))
        page.goto(f"{app_server.base}/?code={workshop.code}&p={participant.token}")
        wait_for_app(page)
        return page

    yield opener
    for context in contexts:
        context.close()


def workshop_at(store, activity: str, *, language: str = "da", problems: tuple[str, ...] = ()):
    """Create a workshop on ``activity`` with one joined phone (and problems sent by another); return both."""
    workshop = create_workshop(store, name="Svarformularer", department="Akutmodtagelsen", held_on=date.today(),
                               theme="Travlhed", language=language, owner=FACILITATOR[0])
    if problems:
        set_activity(store, workshop.id, ACTIVITY_PROBLEMS)
        _, other = participation.join(store, workshop.code)
        for text in problems:
            items.submit_item(store, other, "problem", text)
    set_activity(store, workshop.id, activity)
    _, participant = participation.join(store, workshop.code)
    return workshop, participant


def choose(page, test_id: str, label: str) -> None:
    page.get_by_test_id(test_id).get_by_role("radio", name=label, exact=True).click()


def rate_all(page, answers: dict) -> None:
    for factor, value in answers.items():
        choose(page, f"rate-{factor}", "Ved ikke" if value is None else str(value))


def expect_chosen(page, answers: dict) -> None:
    for factor, value in answers.items():
        checked = page.get_by_test_id(f"rate-{factor}").locator("[role='radio'][aria-checked='true']")
        expect(checked).to_have_text("Ved ikke" if value is None else str(value))


def status(page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def alert(page, text: str):
    return page.get_by_role("alert").filter(has_text=text)


def top(locator) -> None:
    """Scroll the page so ``locator`` is at the top of the screen (for a screenshot)."""
    locator.evaluate("e => e.scrollIntoView({block: 'start'})")
    locator.page.wait_for_timeout(300)


def is_answer_post(response) -> bool:
    return "/api/answer/" in response.url and response.request.method == "POST"


def test_a_rating_names_a_factor_left_out_saves_all_six_and_shows_them_again_after_a_reload(store, open_phone):
    workshop, participant = workshop_at(store, ACTIVITY_COMPETENCE)
    phone = open_phone(workshop, participant)
    expect(phone.get_by_test_id("rate-send")).to_have_text("Send mine svar")

    rate_all(phone, {k: v for k, v in ANSWERS.items() if k != "systematik"})
    phone.get_by_test_id("rate-send").click()
    alert(phone, "Du mangler at svare på: Systematik.").wait_for(timeout=REPLY)
    assert competence.my_ratings(store, participant) == {}

    choose(phone, "rate-systematik", "2")
    phone.get_by_test_id("rate-send").click()
    status(phone, "Tak! Dine svar er gemt.").wait_for(timeout=REPLY)
    expect(phone.get_by_role("alert")).to_have_count(0)  # the reply replaces the refusal
    expect(phone.get_by_test_id("rate-send")).to_have_text("Opdatér mine svar")
    assert competence.my_ratings(store, participant) == ANSWERS
    top(phone.get_by_text("Arbejdsmiljøkompetencemodellen"))
    phone.screenshot(path=str(SCREENSHOTS / "phone-rating.png"))

    phone.reload()
    wait_for_app(phone)
    status(phone, "Dine svar er gemt. Du kan ændre dem").wait_for(timeout=REPLY)
    expect_chosen(phone, ANSWERS)
    expect(phone.get_by_test_id("rate-send")).to_have_text("Opdatér mine svar")


def test_an_answer_that_does_not_get_through_says_so_keeps_the_choices_and_the_same_tap_saves_it_later(
    store, open_phone
):
    workshop, participant = workshop_at(store, ACTIVITY_COMPETENCE)
    phone = open_phone(workshop, participant)
    phone.route(ANSWER_POST, lambda route: route.abort())
    rate_all(phone, ANSWERS)
    phone.get_by_test_id("rate-send").click()
    alert(phone, "Dit svar kom ikke frem").wait_for(timeout=REPLY)
    expect_chosen(phone, ANSWERS)
    expect(phone.get_by_test_id("rate-send")).to_be_enabled()
    assert competence.my_ratings(store, participant) == {}

    phone.unroute(ANSWER_POST)
    with phone.expect_response(is_answer_post, timeout=REPLY) as reply:
        phone.get_by_test_id("rate-send").click()
    assert reply.value.status == 200
    status(phone, "Tak! Dine svar er gemt.").wait_for(timeout=REPLY)
    expect(phone.get_by_role("alert")).to_have_count(0)
    assert competence.my_ratings(store, participant) == ANSWERS


def _tap_costs_no_websocket_message(phone, frames: list, tap) -> None:
    """Run ``tap`` (choices and a send); assert it made one answer POST and sent no websocket frame."""
    assert frames, "the recorder saw the page's own websocket messages while it loaded"
    phone.wait_for_timeout(500)  # the load's last messages
    frames.clear()
    with phone.expect_response(is_answer_post, timeout=REPLY) as reply:
        tap()
    assert reply.value.status == 200, reply.value.text()
    phone.wait_for_timeout(1_000)  # a rerun would be asked for right after the tap
    assert frames == [], f"{len(frames)} websocket frame(s) sent: the tap ran the script"


def test_choosing_and_sending_a_rating_an_item_and_a_placement_sends_no_websocket_message(store, open_phone):
    workshop, participant = workshop_at(store, ACTIVITY_COMPETENCE)
    frames: list = []
    phone = open_phone(workshop, participant, frames)

    def rating():
        rate_all(phone, ANSWERS)
        phone.get_by_test_id("rate-send").click()

    _tap_costs_no_websocket_message(phone, frames, rating)
    status(phone, "Tak! Dine svar er gemt.").wait_for(timeout=REPLY)

    workshop, participant = workshop_at(store, ACTIVITY_PROBLEMS)
    frames = []
    phone = open_phone(workshop, participant, frames)

    def item():
        choose(phone, "item-kind", "Det fungerer godt")
        choose(phone, "item-kind", "Et problem")
        phone.get_by_test_id("item-text").fill("Travlhed om morgenen")
        phone.get_by_test_id("item-send").click()

    _tap_costs_no_websocket_message(phone, frames, item)
    expect(phone.get_by_test_id("item-mine").locator("li")).to_have_text(["Travlhed om morgenen"])

    workshop, participant = workshop_at(store, ACTIVITY_PROBLEM_MATRIX, problems=PROBLEMS[:2])
    frames = []
    phone = open_phone(workshop, participant, frames)

    def placement_tap():
        phone.get_by_test_id("deck-next").click()
        phone.get_by_test_id("deck-previous").click()
        choose(phone, "place-y", "4")
        choose(phone, "place-x", "2")
        phone.get_by_test_id("place-save").click()

    _tap_costs_no_websocket_message(phone, frames, placement_tap)
    status(phone, "Nr. 1 er gemt").wait_for(timeout=REPLY)


def test_an_item_shows_hostile_text_literally_counts_characters_refuses_a_duplicate_saves_a_keep_and_lists_in_order(
    store, open_phone
):
    workshop, participant = workshop_at(store, ACTIVITY_PROBLEMS)
    phone = open_phone(workshop, participant)
    dialogs = []
    phone.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    text = phone.get_by_test_id("item-text")
    form = phone.locator(".fea-root").filter(has=text)

    expect(form.get_by_text("0/200")).to_be_visible()
    text.fill("x" * 250)
    assert len(text.input_value()) == 200  # the field takes no more than the server would
    expect(form.get_by_text("200/200")).to_be_visible()
    text.fill(HOSTILE)
    expect(form.get_by_text(f"{len(HOSTILE)}/200")).to_be_visible()
    phone.get_by_test_id("item-send").click()
    status(phone, "Tak! Det er sendt til storskærmen.").wait_for(timeout=REPLY)
    expect(text).to_have_value("")
    expect(form.get_by_text("0/200")).to_be_visible()
    mine = phone.get_by_test_id("item-mine")
    expect(mine).to_contain_text("Du har sendt 1:")
    expect(mine.locator("li")).to_have_text([HOSTILE])
    assert mine.locator("li").text_content() == HOSTILE
    assert form.locator("img, b, strong").count() == 0, "the text was drawn as HTML or markdown"
    assert dialogs == []

    # The same text in other case and spacing: refused, naming the number it already has.
    duplicate = "  <IMG src=x   onerror=alert(1)>  **FED** "
    text.fill(duplicate)
    phone.get_by_test_id("item-send").click()
    alert(phone, "Det står der allerede (nr. 1).").wait_for(timeout=REPLY)
    expect(text).to_have_value(duplicate)  # kept, to be edited
    expect(mine.locator("li")).to_have_count(1)

    # Switching to "Det fungerer godt" changes the choice only: the text, its count and the list stay.
    label = form.locator("label.fea-label")
    label_before = label.inner_text()
    choose(phone, "item-kind", "Det fungerer godt")
    expect(phone.get_by_test_id("item-kind").get_by_role("radio", name="Det fungerer godt")).to_have_attribute(
        "aria-checked", "true")
    expect(phone.get_by_test_id("item-kind").get_by_role("radio", name="Et problem")).to_have_attribute(
        "aria-checked", "false")
    expect(text).to_have_value(duplicate)
    expect(form.get_by_text(f"{len(duplicate)}/200")).to_be_visible()
    assert label.inner_text() == label_before
    expect(mine.locator("li")).to_have_text([HOSTILE])

    text.fill("God faglig sparring")
    phone.get_by_test_id("item-send").click()
    status(phone, "Tak! Det er sendt til storskærmen.").wait_for(timeout=REPLY)
    expect(mine.locator("li")).to_have_text([HOSTILE, "God faglig sparring"])
    saved = {(i.kind, i.text) for i in items.items_by_author(store, participant, ("problem", "keep"))}
    assert saved == {("problem", HOSTILE), ("keep", "God faglig sparring")}

    # A problem after the keep joins the problems (the reply names its kind, as cleaned by the
    # server: the invisible characters are gone), in the order a reload shows them.
    choose(phone, "item-kind", "Et problem")
    text.fill("For\u200b mange\u2060 møder")
    phone.get_by_test_id("item-send").click()
    status(phone, "Tak! Det er sendt til storskærmen.").wait_for(timeout=REPLY)
    in_order = [HOSTILE, "For mange møder", "God faglig sparring"]
    expect(mine.locator("li")).to_have_text(in_order)
    expect(mine).to_contain_text("Du har sendt 3:")
    top(phone.get_by_test_id("item-kind"))
    phone.screenshot(path=str(SCREENSHOTS / "phone-items.png"))
    phone.reload()
    wait_for_app(phone)
    expect(phone.get_by_test_id("item-mine").locator("li")).to_have_text(in_order)


def _card_number(phone) -> str:
    return phone.get_by_test_id("card-number").inner_text()


def test_the_deck_asks_for_both_scales_saves_moves_on_and_steps_between_cards(store, open_phone):
    workshop, participant = workshop_at(store, ACTIVITY_PROBLEM_MATRIX, problems=PROBLEMS)
    phone = open_phone(workshop, participant)
    card = phone.get_by_test_id("deck-card")
    expect(phone.get_by_text("0 af 3 placeret")).to_be_visible()
    expect(card).to_contain_text(PROBLEMS[0])
    assert _card_number(phone) == "Nr. 1"  # the item's own number, as on the shared screen

    choose(phone, "place-y", "5")
    phone.get_by_test_id("place-save").click()
    status(phone, "Vælg et tal på begge skalaer.").wait_for(timeout=REPLY)
    assert placement.my_placements(store, participant, "problem") == {}

    choose(phone, "place-x", "5")
    phone.get_by_test_id("place-save").click()
    status(phone, "Nr. 1 er gemt: lander i Her skal vi gøre en indsats.").wait_for(timeout=REPLY)
    expect(phone.get_by_text("1 af 3 placeret")).to_be_visible()
    expect(phone.get_by_test_id("card-number")).to_have_text("Nr. 2")  # on to the next card not placed yet
    expect(card).to_contain_text(PROBLEMS[1])
    expect(card.get_by_role("radio", checked=True)).to_have_count(0)
    top(phone.get_by_text("1 af 3 placeret"))
    phone.screenshot(path=str(SCREENSHOTS / "phone-placing.png"))
    first = items.list_items(store, workshop.id, "problem")[0]
    assert placement.my_placements(store, participant, "problem") == {first.id: (5, 5)}

    # Forrige shows the placed card with its choices; Næste goes round the deck.
    phone.get_by_test_id("deck-previous").click()
    expect(phone.get_by_test_id("card-number")).to_have_text("Nr. 1")
    expect(card.get_by_test_id("place-y").get_by_role("radio", checked=True)).to_have_text("5")
    expect(card.get_by_test_id("place-x").get_by_role("radio", checked=True)).to_have_text("5")
    expect(phone.get_by_test_id("place-save")).to_have_text("Opdatér placering")
    expect(card).to_contain_text("Lander i: Her skal vi gøre en indsats")
    expect(phone.get_by_role("status")).to_have_count(0)  # moving on clears the last reply
    for position in (2, 3, 1):
        phone.get_by_test_id("deck-next").click()
        expect(phone.get_by_test_id("card-number")).to_have_text(f"Nr. {position}")
    expect(phone.get_by_test_id("deck-card")).to_have_count(1)  # one card at a time


def test_saving_a_placement_after_the_facilitator_closed_the_step_is_refused_and_nothing_is_saved(
    store, open_phone
):
    workshop, participant = workshop_at(store, ACTIVITY_PROBLEM_MATRIX, problems=PROBLEMS[:2])
    phone = open_phone(workshop, participant, deaf=True)  # it has not heard of the close yet
    choose(phone, "place-y", "2")
    choose(phone, "place-x", "4")
    set_activity_open(store, workshop.id, False)
    phone.get_by_test_id("place-save").click()
    alert(phone, translate("da", "error.round_closed")).wait_for(timeout=REPLY)
    assert placement.my_placements(store, participant, "problem") == {}
    expect(phone.get_by_text("0 af 2 placeret")).to_be_visible()

    # Once the watcher gets through, the page shows the step closed and no save button.
    phone.unroute("**/api/live/**")
    phone.get_by_text("Trinnet er lukket.").wait_for(timeout=PATIENCE_MS)
    wait_for_app(phone)
    expect(phone.get_by_test_id("place-save")).to_have_count(0)


def test_an_english_workshop_shows_the_forms_and_their_replies_in_english(store, open_phone):
    workshop, participant = workshop_at(store, ACTIVITY_COMPETENCE, language="en")
    phone = open_phone(workshop, participant)
    expect(phone.get_by_test_id("rate-innovation").get_by_role("radio")).to_have_text(
        ["1", "2", "3", "4", "5", "Don't know"])
    expect(phone.get_by_test_id("rate-aabenhed")).to_have_attribute("aria-label", "Openness")
    expect(phone.get_by_test_id("rate-send")).to_have_text("Send my answers")
    phone.get_by_test_id("rate-send").click()
    alert(phone, "You have not answered: Innovation, Openness").wait_for(timeout=REPLY)
    phone.route(ANSWER_POST, lambda route: route.abort())
    phone.get_by_test_id("rate-send").click()
    alert(phone, "Your answer did not get through.").wait_for(timeout=REPLY)
    phone.unroute(ANSWER_POST)

    set_activity(store, workshop.id, ACTIVITY_PROBLEMS)  # the phone follows by itself
    phone.get_by_test_id("item-send").wait_for(timeout=PATIENCE_MS)
    expect(phone.get_by_test_id("item-kind").get_by_role("radio")).to_have_text(["A problem", "Works well"])
    expect(phone.get_by_test_id("item-send")).to_have_text("Send")
    expect(phone.get_by_test_id("item-text")).to_have_attribute("placeholder", re.compile("^E.g.: "))
    phone.get_by_test_id("item-text").fill("Too many interruptions")
    phone.get_by_test_id("item-send").click()
    status(phone, "Thank you! It is on the shared screen.").wait_for(timeout=REPLY)
    expect(phone.get_by_test_id("item-mine")).to_contain_text("You have sent 1:")

    items.submit_item(store, participation.join(store, workshop.code)[1], "problem", "Unclear roles")
    set_activity(store, workshop.id, ACTIVITY_PROBLEM_MATRIX)
    phone.get_by_test_id("place-save").wait_for(timeout=PATIENCE_MS)
    expect(phone.get_by_text("0 of 2 placed")).to_be_visible()
    expect(phone.get_by_test_id("place-save")).to_have_text("Save placement")
    expect(phone.get_by_test_id("deck-previous")).to_have_text("← Previous")
    expect(phone.get_by_test_id("deck-next")).to_have_text("Next →")
    expect(phone.get_by_test_id("card-number")).to_have_text("No. 1")
    choose(phone, "place-y", "1")
    choose(phone, "place-x", "1")
    phone.get_by_test_id("place-save").click()
    status(phone, "No. 1 is saved: lands in Not relevant.").wait_for(timeout=REPLY)


def test_choices_not_sent_yet_stay_when_the_page_reruns_for_a_role_pick(store, open_phone):
    workshop, participant = workshop_at(store, ACTIVITY_COMPETENCE)
    phone = open_phone(workshop, participant)
    some = {"innovation": 2, "aabenhed": None}
    rate_all(phone, some)
    phone.locator(".st-key-role").get_by_role("radio", name="Leder").click()  # a script run of its own
    wait_for_app(phone)
    # The role is saved by the run the click starts: wait for that condition, not a fixed time.
    deadline = time.monotonic() + REPLY / 1000
    while participation.resume(store, participant.token).role != "leder" and time.monotonic() < deadline:
        phone.wait_for_timeout(100)
    assert participation.resume(store, participant.token).role == "leder"
    wait_for_app(phone)  # and the run after set_role's st.rerun() has drawn the form again
    expect_chosen(phone, some)
    rate_all(phone, {k: v for k, v in ANSWERS.items() if k not in some})
    phone.get_by_test_id("rate-send").click()
    status(phone, "Tak! Dine svar er gemt.").wait_for(timeout=REPLY)
    assert competence.my_ratings(store, participant) == {**ANSWERS, **some}


def test_choices_not_sent_yet_stay_when_the_page_draws_the_step_anew(store, open_phone):
    # A page run may mount the step component again, on a new root (seen once in CI, under load:
    # a role pick lost the choices). Do what a new mount does, then let a page run draw it.
    workshop, participant = workshop_at(store, ACTIVITY_COMPETENCE)
    phone = open_phone(workshop, participant)
    some = {"innovation": 5, "tid_og_ressourcer": 2}
    rate_all(phone, some)
    phone.evaluate("""() => {
        const host = [...document.querySelectorAll('.st-key-phone_step *')].find(e => e.shadowRoot);
        const root = (host ? host.shadowRoot : document).querySelector('.fea-root');
        root.__feaPhone.cleanup();
        root.replaceChildren();
    }""")
    expect(phone.get_by_test_id("rate-send")).to_have_count(0)  # the old drawing is gone
    phone.locator(".st-key-lang_switch").get_by_role("radio", name="English").click()  # a page run with new data
    expect(phone.get_by_test_id("rate-send")).to_have_text("Send my answers")
    expect_chosen(phone, some)


def test_a_choice_changed_after_sending_and_text_typed_but_not_sent_survive_a_language_switch(store, open_phone):
    workshop, participant = workshop_at(store, ACTIVITY_COMPETENCE)
    phone = open_phone(workshop, participant)
    rate_all(phone, ANSWERS)
    phone.get_by_test_id("rate-send").click()
    status(phone, "Tak! Dine svar er gemt.").wait_for(timeout=REPLY)
    changed = {"innovation": 1 if ANSWERS["innovation"] != 1 else 2}
    rate_all(phone, changed)  # not sent
    # The switch reruns the page in English: new texts for the form, which is drawn again.
    phone.locator(".st-key-lang_switch").get_by_role("radio", name="English").click()
    expect(phone.get_by_test_id("rate-send")).to_have_text("Update my answers")
    shown = {**ANSWERS, **changed}
    expect_chosen(phone, {k: v for k, v in shown.items() if v is not None})
    dont_know = phone.get_by_test_id("rate-motivation").locator("[role='radio'][aria-checked='true']")
    expect(dont_know).to_have_text("Don't know")  # "Ved ikke", now in English
    assert competence.my_ratings(store, participant) == ANSWERS  # still only what was sent
