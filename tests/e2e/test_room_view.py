"""The room view on a projector and the control view that drives it (pages/screen.py, pages/control.py).

Real browsers against `streamlit run app.py`: the room view fits 1280x720, 1366x768 and 1920x1080 in every
step, follows the control view and the keyboard, shows the step timer, and an idle room costs
the server no script runs.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from fea_core import competence, decisions, flow, handleplan, items, participation, placement, workshops
from fea_core.model import (
    ACTIVITY_COMPETENCE,
    ACTIVITY_IMPLEMENT,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS,
    ACTIVITY_SOLUTION_MATRIX,
    ACTIVITY_TALK,
    ACTIVITY_WELCOME,
)
from fea_core.storage import open_store
from tests.e2e.conftest import ARTIFACTS, FACILITATOR, PATIENCE_SECONDS, log_in_facilitator, wait_for_app, warm_up

WAIT = PATIENCE_SECONDS * 1000
# The README's pictures only when `./run screenshots` asks for them (never a tracked file otherwise).
README_SHOTS = Path(os.environ["FEA_SCREENSHOTS"]) if os.environ.get("FEA_SCREENSHOTS") else None
PROJECTORS = [{"width": 1280, "height": 720}, {"width": 1366, "height": 768}, {"width": 1920, "height": 1080}]

# What shows that the room view has drawn a step (and, where it has one, its chart).
MARKERS = {
    ACTIVITY_WELCOME: "[data-testid='join-code']",
    ACTIVITY_TALK: ".st-key-talk_view [data-testid='stVegaLiteChart'] canvas, .st-key-talk_view [data-testid='stVegaLiteChart'] svg",
    ACTIVITY_COMPETENCE: "[data-testid='radar-key-table']",
    ACTIVITY_PROBLEMS: "[data-testid='item-list-problem']",
    ACTIVITY_PROBLEM_MATRIX: "[data-testid='matrix-key-table-problem']",
    "ideas": "[data-testid='item-list-idea']",
    ACTIVITY_SOLUTION_MATRIX: "[data-testid='matrix-key-table-idea']",
    "concretise": "[data-testid='fea-room-answers']",
    ACTIVITY_IMPLEMENT: "[data-testid='fea-room-actions']",
}
KEY_TABLES = {
    ACTIVITY_COMPETENCE: "radar-key-table",
    ACTIVITY_PROBLEM_MATRIX: "matrix-key-table-problem",
    ACTIVITY_SOLUTION_MATRIX: "matrix-key-table-idea",
}


@pytest.fixture(scope="module")
def store(app_server, browser):
    warm_up(browser, app_server.base)
    ARTIFACTS.mkdir(exist_ok=True)
    s = open_store(f"sqlite:///{app_server.data_dir / 'fea.sqlite3'}")  # the server's database
    yield s
    s.engine.dispose()


def seeded_workshop(store, name: str = "Temadag i Akutmodtagelsen"):
    """A workshop with something in every step: ratings, problems, placements, ideas, answers, agreements."""
    ws = workshops.create_workshop(store, name=name, department="Akutmodtagelsen", held_on=date.today(),
                                   theme="Travlhed og pauser", language="da", owner=FACILITATOR[0])
    phones = [participation.join(store, ws.code)[1] for _ in range(5)]
    workshops.set_activity(store, ws.id, ACTIVITY_COMPETENCE)
    for i, phone in enumerate(phones):
        competence.submit_ratings(store, phone, {k: 1 + (i + j) % 5 for j, k in enumerate(competence.factor_keys())})
    workshops.set_activity(store, ws.id, ACTIVITY_PROBLEMS)
    problems = [items.submit_item(store, phones[i % 5], "problem", text) for i, text in enumerate((
        "Vi når ikke pauserne i aftenvagten", "For mange afbrydelser under medicinrunden",
        "Uklart hvem der tager imod nye patienter", "Støj i vagtstuen", "Overlap mellem vagterne er for kort"))]
    items.submit_item(store, phones[0], "keep", "Den gode tone i teamet")
    items.submit_item(store, phones[1], "keep", "Fælles morgenmøde")
    workshops.set_activity(store, ws.id, ACTIVITY_PROBLEM_MATRIX)
    spots = [(5, 5), (4, 2), (2, 4), (1, 1), (4, 4)]  # where each problem lands, give or take one
    for i, phone in enumerate(phones):
        for (x, y), problem in zip(spots, problems):
            nudge = (-1, 0, 1, 0, 0)[i]
            placement.place_item(store, phone, problem.id, min(5, max(1, x + nudge)), min(5, max(1, y - nudge)))
    decisions.choose_problem(store, ws.id, problems[0].id)
    workshops.set_activity(store, ws.id, "ideas")
    ideas = [items.submit_item(store, phones[i], "idea", text) for i, text in enumerate((
        "Fast pausedækning kl. 19", "Pauseskema på tavlen", "Pauserum uden telefon"))]
    workshops.set_activity(store, ws.id, ACTIVITY_SOLUTION_MATRIX)
    for i, phone in enumerate(phones):
        for j, idea in enumerate(ideas):
            placement.place_item(store, phone, idea.id, 1 + (i + j) % 5, 1 + (i + 2 * j) % 5)
    decisions.choose_idea(store, ws.id, ideas[0].id)
    handleplan.save_answer(store, ws.id, 0, "Sygeplejersker og SSA'er i aftenvagten")
    handleplan.save_answer(store, ws.id, 1, "Fra 1. marts")
    handleplan.save_actions(store, ws.id, [
        {"what": "Lav pauseskema", "owner": "Mette", "deadline": date.today() + timedelta(days=14),
         "follow_up": "Personalemøde", "status": "not_started"},
        {"what": "Aftal dækning med afdeling B", "owner": "Leder", "deadline": date.today() + timedelta(days=30),
         "follow_up": "", "status": "in_progress"},
    ])
    return workshops.set_activity(store, ws.id, ACTIVITY_WELCOME)


def facilitator_page(browser, app_server, viewport: dict):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    log_in_facilitator(page, app_server.base)
    return page


def open_view(page, app_server, view: str, code: str) -> None:
    page.goto(f"{app_server.base}/{view}?w={code}")
    wait_for_app(page)


def fits(page, selector: str) -> dict:
    """Return the element's box and whether it and the page lie inside the viewport."""
    return page.evaluate(
        """(selector) => {
          const el = document.querySelector(selector);
          const r = el.getBoundingClientRect();
          const scrollers = [document.scrollingElement, document.querySelector('[data-testid="stMain"]'),
                             document.querySelector('[data-testid="stAppScrollToBottomContainer"]')].filter(Boolean);
          const scrolls = scrollers.some(s => s.scrollHeight > s.clientHeight + 1 || s.scrollTop > 0);
          return { top: r.top, left: r.left, bottom: r.bottom, right: r.right, w: innerWidth, h: innerHeight,
                   inside: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight + 0.5 && r.right <= innerWidth + 0.5
                           && r.width > 0 && r.height > 0,
                   scrolls };
        }""",
        selector,
    )


@pytest.mark.parametrize("viewport", PROJECTORS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_the_room_view_fits_the_projector_in_every_step_with_its_chart_and_key_table_in_sight(
    app_server, browser, store, viewport
):
    ws = seeded_workshop(store)
    room = facilitator_page(browser, app_server, viewport)
    open_view(room, app_server, "screen", ws.code)
    size = f"{viewport['width']}x{viewport['height']}"
    for step in flow.FLOW:
        workshops.set_activity(store, ws.id, step.key)  # the room view follows by its watcher
        if step.has_results:
            workshops.set_results_visible(store, ws.id, True)
        room.locator(MARKERS[step.key]).first.wait_for(timeout=WAIT)
        wait_for_app(room)
        charts = room.locator(".st-key-live_view [data-testid='stVegaLiteChart']")
        room.screenshot(path=str(ARTIFACTS / f"room-{step.key}-{size}.png"))  # to look at, untracked
        if step.key == ACTIVITY_TALK or step.has_results:
            room.locator(".st-key-live_view [data-testid='stVegaLiteChart'] :is(canvas, svg.marks)").first.wait_for(timeout=WAIT)
            box = fits(room, ".st-key-live_view [data-testid='stVegaLiteChart'] :is(canvas, svg.marks)")
            assert box["inside"], (step.key, size, box)
        if step.key in KEY_TABLES:
            box = fits(room, f"[data-testid='{KEY_TABLES[step.key]}']")
            assert box["inside"], (step.key, size, box)
        if step.key == ACTIVITY_TALK:  # the circle beside the questions, not under them
            circle = fits(room, ".st-key-talk_view [data-testid='stVegaLiteChart']")
            questions = fits(room, ".st-key-talk_questions")
            assert circle["right"] <= questions["left"], (size, circle, questions)
        page_box = fits(room, "[data-testid='stApp']")
        assert not page_box["scrolls"], (step.key, size, page_box)
        # Nothing to steer with in sight but the folded controls' small button.
        assert room.locator("section[data-testid='stSidebar']").is_hidden()
        assert room.get_by_role("button", name="Næste trin").is_hidden()
        assert charts.count() <= 1


def click(page, button: str, *, then: str) -> None:
    """Click a button once the page is idle; wait until ``then`` shows (the click's run is done)."""
    wait_for_app(page)
    page.get_by_role("button", name=button).click()
    try:
        page.get_by_text(then, exact=False).first.wait_for(timeout=WAIT)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "room-view-click-failed.png"), full_page=True)
        raise
    wait_for_app(page)


def test_the_control_view_drives_the_room_view(app_server, browser, store):
    ws = seeded_workshop(store, "Styret temadag")
    control = facilitator_page(browser, app_server, {"width": 1280, "height": 800})
    room = control.context.new_page()  # the same login, another tab (the projector's window)
    room.set_viewport_size({"width": 1280, "height": 720})
    open_view(room, app_server, "screen", ws.code)
    open_view(control, app_server, "control", ws.code)
    room.locator(MARKERS[ACTIVITY_WELCOME]).wait_for(timeout=WAIT)

    click(control, "Næste trin", then="Nu: Vidensoplæg")
    room.locator(".st-key-talk_view").wait_for(timeout=WAIT)
    click(control, "Næste trin", then="Nu: Arbejdsmiljøkompetencemodellen")
    room.get_by_text("Resultaterne er skjult", exact=False).wait_for(timeout=WAIT)
    click(control, "Vis resultater", then="Resultaterne vises")
    room.locator(MARKERS[ACTIVITY_COMPETENCE]).wait_for(timeout=WAIT)
    assert workshops.get_workshop(store, ws.id).results_visible

    control.get_by_text("Trin 1: Problematikker", exact=True).click()  # the list of steps
    room.locator(MARKERS[ACTIVITY_PROBLEMS]).wait_for(timeout=WAIT)
    control.get_by_text("Redigér problemerne", exact=True).first.click()
    field = control.get_by_label("Tilføj et problem, der bliver sagt højt")
    field.fill("Telefonen ringer under overlap")
    field.press("Enter")
    room.locator(MARKERS[ACTIVITY_PROBLEMS]).get_by_text("Telefonen ringer under overlap").wait_for(timeout=WAIT)
    # No tools in the room's content: no button, field or picker of Streamlit's.
    tools = ".st-key-live_view :is([data-testid='stButton'], [data-testid='stFormSubmitButton'], [data-testid='stTextInput'],"
    tools += " [data-testid='stTextArea'], [data-testid='stSelectbox'], [data-testid='stMultiSelect'], [data-testid='stRadio'])"
    assert room.locator(tools).count() == 0
    if README_SHOTS:  # the README's pair: trin 2 with its matrix revealed
        wait_for_app(control)
        control.get_by_text("Trin 2: Vælg et problem", exact=True).click()
        room.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="detached", timeout=WAIT)
        click(control, "Vis resultater", then="Resultaterne vises")
        room.locator(MARKERS[ACTIVITY_PROBLEM_MATRIX]).wait_for(timeout=WAIT)
        room.locator("[data-testid='stVegaLiteChart'] :is(canvas, svg.marks)").first.wait_for(timeout=WAIT)
        wait_for_app(room)
        room.wait_for_timeout(1_000)  # the chart's last marks (a picture, not a check)
        room.screenshot(path=str(README_SHOTS / "room-view.png"))
        control.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")
        control.screenshot(path=str(README_SHOTS / "control-view.png"))


def test_the_control_view_works_on_a_phone(app_server, browser, store):
    ws = seeded_workshop(store, "Styring fra telefonen")
    control = facilitator_page(browser, app_server, {"width": 390, "height": 844})
    open_view(control, app_server, "control", ws.code)
    next_step = control.get_by_role("button", name="Næste trin")
    next_step.scroll_into_view_if_needed()
    box = next_step.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    click(control, "Næste trin", then="Nu: Vidensoplæg")
    assert workshops.get_workshop(store, ws.id).activity == ACTIVITY_TALK
    width = control.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollWidth")
    assert width <= 390 + 1  # nothing wider than the phone
    control.screenshot(path=str(ARTIFACTS / "control-view-phone.png"), full_page=True)  # to look at, untracked


def keys_ready(page) -> None:
    """Wait until the room view's key listener (ui/room_keys.py) is in the page."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.st-key-room_keys *')].some(e => e.shadowRoot && e.shadowRoot.__feaKeys)",
        timeout=WAIT,
    )


def press(page, key: str) -> None:
    wait_for_app(page)
    keys_ready(page)
    page.keyboard.press(key)


def test_keys_on_the_room_view_change_the_step_and_reveal_the_results(app_server, browser, store):
    ws = seeded_workshop(store, "Temadag med klikker")
    room = facilitator_page(browser, app_server, {"width": 1280, "height": 720})
    open_view(room, app_server, "screen", ws.code)

    press(room, "ArrowRight")
    room.locator(".st-key-talk_view").wait_for(timeout=WAIT)
    press(room, "PageDown")  # what a presentation clicker sends
    room.get_by_text("Resultaterne er skjult", exact=False).wait_for(timeout=WAIT)
    assert workshops.get_workshop(store, ws.id).activity == ACTIVITY_COMPETENCE
    press(room, "r")
    room.locator(MARKERS[ACTIVITY_COMPETENCE]).wait_for(timeout=WAIT)
    assert workshops.get_workshop(store, ws.id).results_visible
    press(room, "PageUp")
    room.locator(".st-key-talk_view").wait_for(timeout=WAIT)
    press(room, "ArrowLeft")
    room.locator(MARKERS[ACTIVITY_WELCOME]).wait_for(timeout=WAIT)
    assert workshops.get_workshop(store, ws.id).activity == ACTIVITY_WELCOME

    # Typing into a field of the compact controls steers nothing.
    workshops.set_activity(store, ws.id, ACTIVITY_PROBLEMS)
    room.locator(MARKERS[ACTIVITY_PROBLEMS]).wait_for(timeout=WAIT)
    wait_for_app(room)
    room.locator(".st-key-room_controls summary").first.click()
    room.get_by_text("Redigér problemerne", exact=True).first.click()
    field = room.get_by_label("Tilføj et problem, der bliver sagt højt")
    field.click()
    field.press_sequentially("r b")
    field.press("ArrowRight")
    field.press("ArrowLeft")
    assert field.input_value() == "r b"
    assert workshops.get_workshop(store, ws.id).activity == ACTIVITY_PROBLEMS


def test_a_double_click_on_next_moves_the_room_one_step(app_server, browser, store):
    # A nervous double click: both clicks are made on the view drawn at the welcome step, so
    # the second must not take the room on past the talk (ui/step_moves.py).
    ws = seeded_workshop(store, "Dobbeltklik")
    control = facilitator_page(browser, app_server, {"width": 1280, "height": 800})
    open_view(control, app_server, "control", ws.code)
    control.get_by_text("Nu: Velkommen og deltagelse").first.wait_for(timeout=WAIT)
    wait_for_app(control)

    control.get_by_role("button", name="Næste trin").dblclick()

    control.get_by_text("Nu: Vidensoplæg").first.wait_for(timeout=WAIT)
    wait_for_app(control)
    now = workshops.get_workshop(store, ws.id)
    assert (now.activity, now.stage) == (ACTIVITY_TALK, ws.stage + 1)


def test_a_timer_started_on_the_control_view_counts_down_on_the_room_view(app_server, browser, store):
    ws = seeded_workshop(store, "Temadag med nedtælling")
    workshops.set_activity(store, ws.id, ACTIVITY_COMPETENCE)
    control = facilitator_page(browser, app_server, {"width": 1280, "height": 800})
    room = control.context.new_page()
    room.set_viewport_size({"width": 1280, "height": 720})
    open_view(room, app_server, "screen", ws.code)
    open_view(control, app_server, "control", ws.code)

    control.get_by_text("Nedtælling", exact=True).first.click()  # the timer's panel
    control.locator(".st-key-timer_choice button", has_text="2 min").click()
    click(control, "Start nedtælling", then="Stop nedtælling")
    clock = room.get_by_test_id("step-timer")
    clock.wait_for(timeout=WAIT)
    first = clock.inner_text()
    assert re.search(r"[12]:\d\d", first), first
    # Drawn in the browser: it moves on without the server.
    expect(clock).not_to_have_text(first, timeout=WAIT)
    assert workshops.get_workshop(store, ws.id).timer_seconds == 120

    click(control, "Stop nedtælling", then="Start nedtælling")
    clock.wait_for(state="detached", timeout=WAIT)
    assert workshops.get_workshop(store, ws.id).timer_ends_at is None


def test_an_idle_trin_6_room_and_control_view_run_no_script_for_20_seconds(app_server, browser, store):
    ws = seeded_workshop(store, "Stille handleplan")
    workshops.set_activity(store, ws.id, ACTIVITY_IMPLEMENT)
    control = facilitator_page(browser, app_server, {"width": 1280, "height": 800})
    room = control.context.new_page()
    room.set_viewport_size({"width": 1280, "height": 720})
    frames = {"room": [], "control": []}
    for name, page in (("room", room), ("control", control)):
        page.on("websocket", lambda ws_, name=name: ws_.on("framereceived", lambda f, name=name: frames[name].append(f)))
    open_view(room, app_server, "screen", ws.code)
    open_view(control, app_server, "control", ws.code)
    room.locator(MARKERS[ACTIVITY_IMPLEMENT]).wait_for(timeout=WAIT)
    room.wait_for_timeout(3_000)  # the last run's messages, the components' first values
    for page in (room, control):
        wait_for_app(page)
    before = {name: len(got) for name, got in frames.items()}

    room.wait_for_timeout(20_000)

    # A script run sends its elements and a "finished" message over the websocket: none came.
    after = {name: len(got) for name, got in frames.items()}
    assert after == before, (before, after)

    # And a change still arrives: the watcher is alive, not stopped.
    handleplan.save_actions(store, ws.id, [*[
        {"id": a.id, "what": a.what, "owner": a.owner, "deadline": a.deadline, "follow_up": a.follow_up, "status": a.status}
        for a in handleplan.list_actions(store, ws.id)], {"what": "Evaluér efter en måned", "owner": "AMR",
                                                          "deadline": None, "follow_up": "", "status": "not_started"}])
    room.locator(MARKERS[ACTIVITY_IMPLEMENT]).get_by_text("Evaluér efter en måned").wait_for(timeout=WAIT)
