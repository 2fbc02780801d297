"""WCAG 2.1 AA, checked by axe-core (the axe-playwright-python package bundles it) on every page
a participant or the room sees, at phone size for the phones, in Danish and in English.

A test fails on any violation of the wcag2a/wcag2aa/wcag21a/wcag21aa rules, except the few rule
ids in STREAMLIT_ONLY that only Streamlit's own frontend can fix; the accessibility statement
(data/ui.toml, a11y.*) lists each of them with its reason.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from axe_playwright_python.sync_playwright import Axe

from fea_core import competence, decisions, handleplan, items, participation, placement
from fea_core.model import (
    ACTIVITY_COMPETENCE, ACTIVITY_CONCRETISE, ACTIVITY_IDEAS, ACTIVITY_IMPLEMENT, ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS, ACTIVITY_SOLUTION_MATRIX, ACTIVITY_TALK,
)
from fea_core.storage import open_store
from fea_core.workshops import create_workshop, set_activity, set_results_visible
from tests.e2e.conftest import PATIENCE_MS, DESKTOP, PHONE, FACILITATOR, log_in_facilitator, settled, warm_up
from tests.interview_fixtures import make_link

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Rules only Streamlit's frontend can fix (each is named in the accessibility statement).
STREAMLIT_ONLY: dict[str, str] = {}
LANGUAGES = ("da", "en")
IDEAS = ("Tavlemøde kl. 7.45", "Buddy-ordning for nye")
PROBLEMS = ("Travlhed om morgenen", "Uklare roller ved vagtskifte")
_axe = Axe()


def violations(page) -> list[str]:
    """Run axe-core over the page; return one line per violated rule with the nodes it found."""
    result = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
    found = []
    for v in result.response["violations"]:
        if v["id"] in STREAMLIT_ONLY:
            continue
        targets = "; ".join(str(n["target"]) + " " + n.get("failureSummary", "").replace("\n", " ")[:160]
                            for n in v["nodes"][:4])
        found.append(f"{v['id']} ({len(v['nodes'])} nodes): {targets}")
    return found


def page_language(page) -> str:
    return page.evaluate("document.documentElement.lang")


SETTLE_TRIES = 3


def assert_accessible(page, lang: str, where: str = "") -> None:
    """The page is in the session's language (WCAG 3.1.1) and axe-core finds no AA violation.

    axe looks at the page as it is drawn at that instant. On a loaded machine a script run may
    still be under way, and Streamlit fades the elements it is about to replace, which then fail
    the contrast rule. So the page is settled first. If axe still finds something, the page is
    settled and checked again, up to SETTLE_TRIES times. A real violation stays on a settled page
    and fails the test.
    """
    page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang, timeout=PATIENCE_MS)
    for _ in range(SETTLE_TRIES):
        settled(page)
        found = violations(page)
        if not found:
            break
    assert found == [], where


@pytest.fixture(scope="module")
def store(app_server, browser):
    warm_up(browser, app_server.base)
    s = open_store(f"sqlite:///{app_server.data_dir / 'fea.sqlite3'}")
    yield s
    s.engine.dispose()


@pytest.fixture
def new_page(browser):
    contexts = []

    def opener(size: dict):
        context = browser.new_context(**size)
        contexts.append(context)
        return context.new_page()

    yield opener
    for context in contexts:
        context.close()


def phone_at(store, app_server, new_page, activity: str | None, lang: str):
    workshop = create_workshop(store, name="Tilgængelighed", department="Lager", held_on=date.today(),
                               theme="Travlhed", language=lang, owner=FACILITATOR[0])
    if activity == ACTIVITY_PROBLEM_MATRIX:
        set_activity(store, workshop.id, ACTIVITY_PROBLEMS)
        _, other = participation.join(store, workshop.code)
        for text in PROBLEMS:
            items.submit_item(store, other, "problem", text)
    if activity in (ACTIVITY_SOLUTION_MATRIX, ACTIVITY_CONCRETISE, ACTIVITY_IMPLEMENT):
        set_activity(store, workshop.id, ACTIVITY_IDEAS)
        _, other = participation.join(store, workshop.code)
        ideas = [items.submit_item(store, other, "idea", text) for text in IDEAS]
        if activity != ACTIVITY_SOLUTION_MATRIX:  # trin 5 and 6 work on the chosen solution
            decisions.choose_idea(store, workshop.id, ideas[0].id)
        if activity == ACTIVITY_IMPLEMENT:
            handleplan.save_actions(store, workshop.id, [{
                "what": "Tavlemøde hver morgen", "owner": "Mette", "deadline": date.today() + timedelta(days=30),
                "follow_up": "På personalemødet", "status": "in_progress",
            }])
    if activity:
        set_activity(store, workshop.id, activity)
    _, participant = participation.join(store, workshop.code)
    page = new_page(PHONE)
    page.goto(f"{app_server.base}/?code={workshop.code}&p={participant.token}&lang={lang}")
    settled(page)
    page.participant = participant  # for the tests that check what was saved
    return page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_join_page_has_no_wcag_aa_violation(app_server, new_page, lang):
    page = new_page(PHONE)
    page.goto(f"{app_server.base}/?lang={lang}")
    settled(page)
    assert_accessible(page, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("activity", [
    None, ACTIVITY_TALK, ACTIVITY_COMPETENCE, ACTIVITY_PROBLEMS, ACTIVITY_PROBLEM_MATRIX, ACTIVITY_IDEAS,
    ACTIVITY_SOLUTION_MATRIX, ACTIVITY_CONCRETISE, ACTIVITY_IMPLEMENT,
])
def test_the_phone_in_each_step_has_no_wcag_aa_violation(store, app_server, new_page, activity, lang):
    page = phone_at(store, app_server, new_page, activity, lang)
    page.get_by_test_id("phone-title").wait_for(timeout=PATIENCE_MS)  # the step component has drawn
    if activity == ACTIVITY_COMPETENCE:
        page.get_by_test_id("rate-send").wait_for(timeout=PATIENCE_MS)
    elif activity == ACTIVITY_PROBLEMS:
        page.get_by_test_id("item-text").wait_for(timeout=PATIENCE_MS)
    elif activity in (ACTIVITY_PROBLEM_MATRIX, ACTIVITY_SOLUTION_MATRIX):
        page.get_by_test_id("deck-card").wait_for(timeout=PATIENCE_MS)
    elif activity == ACTIVITY_IDEAS:
        page.get_by_test_id("item-text").wait_for(timeout=PATIENCE_MS)
    elif activity in (ACTIVITY_CONCRETISE, ACTIVITY_IMPLEMENT):
        page.get_by_text("Tavlemøde", exact=False).first.wait_for(timeout=PATIENCE_MS)  # the chosen idea or the plan
    assert_accessible(page, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_facilitator_login_has_no_wcag_aa_violation(app_server, new_page, lang):
    page = new_page(DESKTOP)
    page.goto(f"{app_server.base}/facilitator?lang={lang}")
    settled(page)
    assert_accessible(page, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_workshop_list_and_the_shared_screen_have_no_wcag_aa_violation(store, app_server, new_page, lang):
    workshop = create_workshop(store, name="Storskærm", department="Lager", held_on=date.today(),
                               theme="Travlhed", language=lang, owner=FACILITATOR[0])
    page = new_page(DESKTOP)
    log_in_facilitator(page, app_server.base)
    page.goto(f"{app_server.base}/workshops?lang={lang}")
    settled(page)
    assert_accessible(page, lang, "workshop list")

    page.goto(f"{app_server.base}/screen?w={workshop.code}&lang={lang}")
    page.locator(".fea-code").wait_for(timeout=PATIENCE_MS)
    settled(page)
    assert_accessible(page, lang, "shared screen, join step")

    page.goto(f"{app_server.base}/control?w={workshop.code}&lang={lang}")
    page.get_by_role("button", name={"da": "Næste trin", "en": "Next step"}[lang]).wait_for(timeout=PATIENCE_MS)
    settled(page)
    assert_accessible(page, lang, "control view")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_accessibility_statement_is_linked_from_the_join_and_login_pages_and_has_no_violation(
    app_server, new_page, lang
):
    title = {"da": "Tilgængelighedserklæring", "en": "Accessibility statement"}[lang]
    page = new_page(PHONE)
    page.goto(f"{app_server.base}/facilitator?lang={lang}")
    settled(page)
    expect(page.get_by_role("link", name=title)).to_be_visible()
    page.goto(f"{app_server.base}/?lang={lang}")
    settled(page)
    page.get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title).wait_for(timeout=PATIENCE_MS)
    settled(page)
    expect(page.get_by_role("heading", name={"da": "Sådan melder du et problem", "en": "How to report a problem"}[lang])).to_be_visible()
    assert_accessible(page, lang, "accessibility statement")


def test_the_page_language_follows_the_language_switch_from_danish_to_english_and_back(app_server, new_page):
    page = new_page(PHONE)
    page.goto(app_server.base + "/")
    settled(page)
    assert page_language(page) == "da"  # Danish by default, not Streamlit's "en"
    page.locator(".st-key-lang_switch").get_by_role("radio", name="English").click()
    page.wait_for_function("() => document.documentElement.lang === 'en'", timeout=PATIENCE_MS)
    page.get_by_text("Join the workshop").wait_for(timeout=PATIENCE_MS)
    page.locator(".st-key-lang_switch").get_by_role("radio", name="Dansk").click()
    page.wait_for_function("() => document.documentElement.lang === 'da'", timeout=PATIENCE_MS)


# --- Keyboard only: the answer forms complete without a pointer, and focus stays where a person is.

FOCUSED = """() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a ? (a.dataset.testid || a.closest('[data-testid]')?.dataset.testid || a.tagName) : null;
}"""
FOCUSED_RADIO = """() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a && a.getAttribute('role') === 'radio'
    ? {group: a.closest('[role=radiogroup]').dataset.testid, text: a.textContent, checked: a.getAttribute('aria-checked')}
    : null;
}"""


def focused(page) -> str | None:
    """Return the data-testid of what has focus, looking inside the forms' shadow roots."""
    return page.evaluate(FOCUSED)


def tab_to(page, test_id: str, limit: int = 40) -> int:
    """Press Tab until focus is on ``test_id`` (or inside it); return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if focused(page) == test_id:
            return presses
    raise AssertionError(f"{limit} Tab presses did not reach {test_id}; focus is on {focused(page)}")


def test_the_rating_form_completes_by_keyboard_with_one_tab_stop_per_factor_and_focus_stays_on_send(
    store, app_server, new_page
):
    page = phone_at(store, app_server, new_page, ACTIVITY_COMPETENCE, "da")
    send = page.get_by_test_id("rate-send")
    send.wait_for(timeout=PATIENCE_MS)
    factors = [g.get_attribute("data-testid") for g in page.locator("[role='radiogroup'][data-testid^='rate-']").all()]
    assert len(factors) == 6

    tab_to(page, factors[0])
    assert tab_to(page, "rate-send") == 6  # one stop per remaining group, then Send
    page.keyboard.press("Enter")
    page.get_by_role("alert").filter(has_text="Du mangler at svare på").wait_for(timeout=PATIENCE_MS)
    assert focused(page) == "rate-send"  # a refusal leaves focus where the person is

    # Back to the first group (one Shift+Tab per group) and choose in each with the arrow keys.
    for _ in range(6):
        page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED_RADIO)["group"] == factors[0]
    wanted = ["1", "2", "3", "4", "5", "Ved ikke"]
    for at, factor in enumerate(factors):
        if at:
            page.keyboard.press("Tab")
        page.keyboard.press("Home")  # the first choice, chosen
        for _ in range(at):
            page.keyboard.press("ArrowRight")  # each arrow moves and chooses, like native radios
        radio = page.evaluate(FOCUSED_RADIO)
        assert radio == {"group": factor, "text": wanted[at], "checked": "true"}, radio
    page.keyboard.press("Tab")
    assert focused(page) == "rate-send"
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Tak! Dine svar er gemt.").wait_for(timeout=PATIENCE_MS)
    assert focused(page) == "rate-send"  # not lost to the page body
    expect(send).to_have_text("Opdatér mine svar")
    saved = competence.my_ratings(store, page.participant)
    assert sorted(saved.values(), key=lambda v: 6 if v is None else v) == [1, 2, 3, 4, 5, None]


def test_the_card_deck_completes_by_keyboard_and_focus_moves_to_each_new_card_with_its_position(
    store, app_server, new_page
):
    page = phone_at(store, app_server, new_page, ACTIVITY_PROBLEM_MATRIX, "da")
    card = page.get_by_test_id("deck-card")
    expect(page.get_by_role("progressbar", name="0 af 2 placeret")).to_be_visible()

    tab_to(page, "place-y")
    page.keyboard.press("End")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_RADIO)["group"] == "place-x"
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    assert focused(page) == "place-save"
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Nr. 1 er gemt").wait_for(timeout=PATIENCE_MS)
    # The saved card gave way to the next one: focus is on it, and its name is its number and text.
    expect(page.get_by_role("group", name=re.compile(r"^Nr\. 2 "))).to_be_focused()
    expect(page.get_by_role("progressbar", name="1 af 2 placeret")).to_be_visible()

    tab_to(page, "place-y")
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    page.keyboard.press("End")
    tab_to(page, "place-save")
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Nr. 2 er gemt").wait_for(timeout=PATIENCE_MS)
    expect(card).to_be_focused()
    expect(page.get_by_role("progressbar", name="2 af 2 placeret")).to_be_visible()

    tab_to(page, "deck-next")
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name=re.compile(r"^Nr\. 1 "))).to_be_focused()
    tab_to(page, "deck-previous")
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name=re.compile(r"^Nr\. 2 "))).to_be_focused()


def test_the_live_regions_exist_before_the_first_send(store, app_server, new_page):
    page = phone_at(store, app_server, new_page, ACTIVITY_COMPETENCE, "da")
    page.get_by_test_id("rate-send").wait_for(timeout=PATIENCE_MS)
    expect(page.get_by_test_id("live-polite")).to_have_attribute("aria-live", "polite")
    expect(page.get_by_test_id("live-assertive")).to_have_attribute("aria-live", "assertive")


def test_the_rating_choices_fit_at_200_percent_zoom_on_a_390_px_phone(store, app_server, new_page):
    # 200 % zoom on a 390 px wide phone leaves 195 CSS pixels.
    page = phone_at(store, app_server, new_page, ACTIVITY_COMPETENCE, "da")
    page.set_viewport_size({"width": 195, "height": 422})
    page.wait_for_timeout(500)
    clipped = page.locator(".fea-choice, .fea-label").evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"
    )
    assert page.locator(".fea-choice").count() == 36
    assert clipped == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 195  # no sideways scrolling


def _rated_and_placed_workshop(store, lang: str):
    """A workshop where three phones rated the factors and placed two problems; results shown."""
    workshop = create_workshop(store, name="Resultater", department="Lager", held_on=date.today(),
                               theme="Travlhed", language=lang, owner=FACILITATOR[0])
    set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    phones = [participation.join(store, workshop.code)[1] for _ in range(3)]
    factors = competence.factor_keys()
    for at, phone in enumerate(phones):
        competence.submit_ratings(store, phone, {k: 1 + (at + i) % 5 for i, k in enumerate(factors)})
    set_activity(store, workshop.id, ACTIVITY_PROBLEMS)
    for text in PROBLEMS:
        items.submit_item(store, phones[0], "problem", text)
    set_activity(store, workshop.id, ACTIVITY_PROBLEM_MATRIX)
    for item in items.list_items(store, workshop.id, "problem"):
        for at, phone in enumerate(phones):
            placement.place_item(store, phone, item.id, 4 + at % 2, 2 + at)
    set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    set_results_visible(store, workshop.id, True)
    return workshop


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_shared_screens_radar_and_matrix_have_a_text_alternative_and_no_wcag_aa_violation(
    store, app_server, new_page, lang
):
    workshop = _rated_and_placed_workshop(store, lang)
    page = new_page(DESKTOP)
    log_in_facilitator(page, app_server.base)
    page.goto(f"{app_server.base}/screen?w={workshop.code}&lang={lang}")
    page.locator("[data-testid='stVegaLiteChart'] svg").first.wait_for(timeout=PATIENCE_MS)
    chart = page.locator("[data-testid='stVegaLiteChart']").first  # vega-embed names its container
    settled(page)
    highest = {"da": "Højest:", "en": "Highest:"}[lang]
    expect(chart).to_have_attribute("aria-label", re.compile(highest))
    expect(chart).to_have_attribute("role", "graphics-document")
    expect(page.get_by_text({"da": "Tallene bag radardiagrammet", "en": "The numbers behind the radar chart"}[lang])).to_be_visible()
    assert_accessible(page, lang, "shared screen, radar")

    set_activity(store, workshop.id, ACTIVITY_PROBLEM_MATRIX)
    set_results_visible(store, workshop.id, True)
    expect(page.get_by_text({"da": "Tallene bag matrixen", "en": "The numbers behind the matrix"}[lang])).to_be_visible(timeout=PATIENCE_MS)
    settled(page)
    matrix = page.locator("[data-testid='stVegaLiteChart']").first
    expect(matrix).to_have_attribute("aria-label", re.compile({"da": "Matrix med 2 placerede punkter", "en": "Matrix with 2 placed items"}[lang]))
    assert_accessible(page, lang, "shared screen, trin 2 matrix")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_interviewers_page_has_no_wcag_aa_violation(store, app_server, new_page, lang):
    workshop = create_workshop(store, name="Interview", department="Lager", held_on=date.today(),
                               theme="Travlhed", language=lang, owner=FACILITATOR[0])
    link = make_link(store, workshop.id, "AMR")
    page = new_page(PHONE)
    page.goto(f"{app_server.base}/interview?i={link.token}&lang={lang}")
    settled(page)
    page.get_by_role("button", name={"da": "Nyt interview", "en": "New interview"}[lang]).wait_for(timeout=PATIENCE_MS)
    assert_accessible(page, lang, "interviewer's page")


def test_the_problem_form_completes_by_keyboard_and_focus_returns_to_the_text_field_after_a_send(
    store, app_server, new_page
):
    page = phone_at(store, app_server, new_page, ACTIVITY_PROBLEMS, "da")
    page.get_by_test_id("item-text").wait_for(timeout=PATIENCE_MS)
    tab_to(page, "item-kind")
    page.keyboard.press("ArrowRight")  # "Det fungerer godt", chosen by the arrow
    assert page.evaluate(FOCUSED_RADIO) == {"group": "item-kind", "text": "Det fungerer godt", "checked": "true"}
    page.keyboard.press("Tab")
    assert focused(page) == "item-text"
    page.keyboard.type("Godt samarbejde i teamet")
    assert tab_to(page, "item-send") == 1
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Tak!").wait_for(timeout=PATIENCE_MS)
    assert focused(page) == "item-text"  # ready for the next one
    expect(page.get_by_test_id("item-mine").locator("li")).to_have_text(["Godt samarbejde i teamet"])
    assert [i.text for i in items.items_by_author(store, page.participant, ("problem", "keep"))] == ["Godt samarbejde i teamet"]
