"""Trin 6 written live in a real browser: the "Ny aftale" form on the facilitator's control view.

The issue measured the old table (st.data_editor) losing the first agreement typed right after
switching to trin 6 (2 runs of 2) and taking about 14 actions per agreement. Here an agreement
takes 4 actions, Enter saves it in the form's callback, and it survives a step change and a reload.
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from fea_core import decisions, handleplan, items, workshops
from fea_core.model import ACTIVITY_CONCRETISE, ACTIVITY_IDEAS
from fea_core.storage import open_store
from tests.e2e.conftest import DESKTOP, FACILITATOR, PATIENCE_SECONDS, log_in_facilitator, wait_for_app, warm_up

WAIT = PATIENCE_SECONDS * 1000


@pytest.fixture(scope="module")
def store(app_server, browser):
    warm_up(browser, app_server.base)
    s = open_store(f"sqlite:///{app_server.data_dir / 'fea.sqlite3'}")  # the server's database
    yield s
    s.engine.dispose()


def planned_workshop(store, name: str):
    """A workshop at trin 5 with a chosen solution, as the room leaves it after trin 4."""
    workshop = workshops.create_workshop(
        store, name=name, department="Lager Nord", held_on=date(2026, 12, 2), theme="Social kapital",
        language="da", owner=FACILITATOR[0],
    )
    workshops.set_activity(store, workshop.id, ACTIVITY_IDEAS)
    idea = items.add_item_as_facilitator(store, workshop.id, "idea", "Fast tavlemøde kl. 7.45")
    decisions.choose_idea(store, workshop.id, idea.id)
    return workshops.set_activity(store, workshop.id, ACTIVITY_CONCRETISE)


def switch_step(page, label: str) -> None:
    """Pick a step in the control view's list of steps and wait until the view says it is on."""
    page.locator(".st-key-step_list").get_by_role("button", name=label, exact=True).click()
    page.get_by_text(f"Nu: {label}").wait_for(timeout=WAIT)
    wait_for_app(page)


def type_agreement(page, what: str, owner: str, deadline: str) -> int:
    """Type one agreement as a facilitator would, ending with Enter; return the actions it took."""
    actions = 0
    page.locator(".st-key-new_action_what input").click()  # 1: into "Hvad"
    page.keyboard.type(what)
    actions += 1
    page.keyboard.press("Tab")  # 2: on to "Hvem"
    page.keyboard.type(owner)
    actions += 1
    page.keyboard.press("Tab")  # 3: on to "Frist", typed as Danes write dates
    page.keyboard.type(deadline)
    actions += 1
    page.keyboard.press("Enter")  # 4: Enter saves the form
    actions += 1
    return actions


def card(page, text: str):
    return page.get_by_test_id("fea-agreement").filter(has_text=text)


@pytest.mark.parametrize("viewport", [DESKTOP, {"viewport": {"width": 1280, "height": 720}}], ids=["1440x900", "1280x720"])
def test_the_first_agreement_typed_after_switching_to_trin_6_is_kept_through_a_step_change_and_a_reload(
    app_server, browser, store, tmp_path, viewport
):
    size = f"{viewport['viewport']['width']}x{viewport['viewport']['height']}"
    workshop = planned_workshop(store, f"Temadag {size}")
    page = browser.new_context(**viewport).new_page()
    log_in_facilitator(page, app_server.base)
    page.goto(f"{app_server.base}/control?w={workshop.code}")
    wait_for_app(page)
    page.get_by_text("Trin 5: Konkretisér løsningen").first.wait_for(timeout=WAIT)

    # Switch to trin 6 and type the first agreement at once, as the measurement did.
    page.locator(".st-key-step_list").get_by_role("button", name="Trin 6: Handleplan").click()
    page.locator(".st-key-new_action_what input").wait_for(timeout=WAIT)
    stage = workshops.get_workshop(store, workshop.id).stage
    actions = type_agreement(page, "Indfør tavlemøde hver mandag", "Mette", "15.3.2027")
    assert actions <= 4  # the issue counted about 14 in the table
    expect(card(page, "1. Indfør tavlemøde hver mandag")).to_be_visible(timeout=WAIT)
    expect(card(page, "1. Indfør tavlemøde hver mandag")).to_contain_text("15.03.2027")
    [saved] = handleplan.list_actions(store, workshop.id)
    assert (saved.what, saved.owner, saved.deadline) == ("Indfør tavlemøde hver mandag", "Mette", date(2027, 3, 15))
    assert workshops.get_workshop(store, workshop.id).stage > stage  # phones learn of it by the held poll
    expect(page.locator(".st-key-new_action_what input")).to_have_value("")  # ready for the next one

    # A second agreement right after the first: Enter again, nothing lost.
    type_agreement(page, "Evaluér efter 4 uger", "Jonas", "2027-04-12")
    expect(card(page, "2. Evaluér efter 4 uger")).to_be_visible(timeout=WAIT)
    wait_for_app(page)
    page.locator(".st-key-fea_plan_actions").screenshot(path=str(tmp_path / f"trin6-cards-{size}.png"))
    page.screenshot(path=str(tmp_path / f"trin6-{size}.png"))  # what the facilitator sees while typing

    # A refused agreement keeps what was typed and says why in Danish.
    type_agreement(page, "Ny tavle", "Mette", "31.2.2027")
    expect(page.get_by_text("»31.2.2027« er ikke en dato.")).to_be_visible(timeout=WAIT)
    expect(page.locator(".st-key-new_action_what input")).to_have_value("Ny tavle")
    expect(page.locator(".st-key-new_action_deadline input")).to_have_value("31.2.2027")
    # Streamlit's English "Press Enter to submit form" is hidden in the editors.
    expect(page.get_by_text("to submit form").filter(visible=True)).to_have_count(0)
    page.locator(".st-key-fea_plan_actions").screenshot(path=str(tmp_path / f"trin6-refused-{size}.png"))

    # Kept through a step change (to trin 5 and back) and a reload.
    switch_step(page, "Trin 5: Konkretisér løsningen")
    switch_step(page, "Trin 6: Handleplan")
    expect(card(page, "1. Indfør tavlemøde hver mandag")).to_be_visible(timeout=WAIT)
    expect(card(page, "2. Evaluér efter 4 uger")).to_be_visible(timeout=WAIT)
    page.reload()
    wait_for_app(page)
    expect(card(page, "1. Indfør tavlemøde hver mandag")).to_be_visible(timeout=WAIT)
    expect(card(page, "2. Evaluér efter 4 uger")).to_be_visible(timeout=WAIT)
    assert [a.what for a in handleplan.list_actions(store, workshop.id)] == [
        "Indfør tavlemøde hver mandag", "Evaluér efter 4 uger"
    ]
    page.context.close()


def test_an_agreement_is_edited_on_its_card_and_deleted_after_a_confirmation(app_server, browser, store, tmp_path):
    workshop = planned_workshop(store, "Temadag ret og slet")
    first = handleplan.add_action(store, workshop.id, "Tavlemøde", "Mette", "15.3.2027")
    handleplan.add_action(store, workshop.id, "Evaluér", "")
    workshops.set_activity(store, workshop.id, "implement")
    page = browser.new_context(**DESKTOP).new_page()
    log_in_facilitator(page, app_server.base)
    page.goto(f"{app_server.base}/control?w={workshop.code}")
    wait_for_app(page)
    expect(page.get_by_text("Aftale 2 (Evaluér): der mangler en ansvarlig.")).to_be_visible(timeout=WAIT)

    # Edit: "Ret" (1), change the field (2), Enter (3).
    page.locator(f".st-key-edit_action_{first.id}").get_by_text("Ret").click()
    what = page.locator(f".st-key-edit_{first.id}_what input")
    expect(what).to_have_value("Tavlemøde", timeout=WAIT)
    page.locator(f".st-key-fea_plan_card_{first.id}").screenshot(path=str(tmp_path / "trin6-edit-open.png"))
    what.fill("Tavlemøde kl. 7.45")
    what.press("Enter")
    expect(card(page, "1. Tavlemøde kl. 7.45")).to_be_visible(timeout=WAIT)
    expect(what).to_have_count(0)  # the card closed
    assert handleplan.list_actions(store, workshop.id)[0].what == "Tavlemøde kl. 7.45"

    # Delete: "Slet" (1), "Ja, slet aftalen" (2).
    page.locator(f".st-key-fea_plan_card_{first.id}").get_by_role("button", name="Slet").click()
    page.get_by_role("button", name="Ja, slet aftalen").click()
    expect(card(page, "1. Evaluér")).to_be_visible(timeout=WAIT)
    expect(card(page, "Tavlemøde")).to_have_count(0)
    assert [a.what for a in handleplan.list_actions(store, workshop.id)] == ["Evaluér"]
    page.locator(".st-key-fea_plan_actions").screenshot(path=str(tmp_path / "trin6-after-delete.png"))
    page.context.close()


def test_a_trin_5_answer_is_saved_with_ctrl_enter_and_a_proposal_is_used_with_one_click(app_server, browser, store, tmp_path):
    from fea_core import participation

    workshop = planned_workshop(store, "Temadag trin 5")
    phone = participation.join(store, workshop.code)[1]
    page = browser.new_context(**DESKTOP).new_page()
    log_in_facilitator(page, app_server.base)
    page.goto(f"{app_server.base}/control?w={workshop.code}")
    wait_for_app(page)
    answer = page.locator(".st-key-ans_0 textarea")
    answer.fill("Et kort fælles møde kl. 7.45")
    answer.press("Control+Enter")  # the form's own shortcut, named in the hint above the questions
    page.get_by_text("Svaret på spørgsmål 1 er gemt.").wait_for(timeout=WAIT)
    assert handleplan.answers(store, workshop.id)[0] == "Et kort fælles møde kl. 7.45"
    expect(page.get_by_text("to submit form").filter(visible=True)).to_have_count(0)  # Streamlit's English hint is hidden

    expect(answer).to_have_value("Et kort fælles møde kl. 7.45")

    # A proposal sent while the facilitator types appears beside its question (the live view
    # reruns the page for it), and what was typed but not saved stays in the field.
    page.locator(".st-key-ans_1 textarea").fill("Lederen")
    handleplan.propose_answer(store, phone, 1, "Alle på morgenvagten")
    use = page.get_by_role("button", name="Brug", exact=True)
    use.wait_for(timeout=WAIT)
    wait_for_app(page)
    expect(page.locator(".st-key-ans_1 textarea")).to_have_value("Lederen")
    page.screenshot(path=str(tmp_path / "trin5-answers.png"))
    use.click()
    expect(page.locator(".st-key-ans_1 textarea")).to_have_value("Lederen\nAlle på morgenvagten", timeout=WAIT)
    assert handleplan.answers(store, workshop.id)[1] == "Lederen\nAlle på morgenvagten"
    page.context.close()


def test_an_idle_trin_6_screen_starts_no_full_script_run_of_its_own(app_server, browser, store):
    """Nothing in the trin 6 editors reruns by itself: over 10 idle seconds the browser asks for
    no full script run. (pages/screen.py's live view is a fragment with run_every; its fragment
    reruns are counted apart, so this test holds with or without it.)"""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    workshop = planned_workshop(store, "Temadag i ro")
    handleplan.add_action(store, workshop.id, "Tavlemøde", "Mette", "15.3.2027")
    workshops.set_activity(store, workshop.id, "implement")
    page = browser.new_context(**DESKTOP).new_page()
    log_in_facilitator(page, app_server.base)
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: frames.append(payload)))
    page.goto(f"{app_server.base}/control?w={workshop.code}")
    wait_for_app(page)
    card(page, "1. Tavlemøde").wait_for(timeout=WAIT)
    page.locator(".st-key-new_action_what input").fill("Halvt skrevet")  # typing in a form sends nothing
    frames.clear()
    page.wait_for_timeout(10_000)
    full_runs, fragment_runs, fragments = 0, 0, set()
    for payload in frames:
        if isinstance(payload, str):
            continue
        message = BackMsg()
        message.ParseFromString(payload)
        if message.WhichOneof("type") == "rerun_script":
            if message.rerun_script.fragment_id:
                fragment_runs += 1
                fragments.add(message.rerun_script.fragment_id)
            else:
                full_runs += 1
    print(f"idle trin 6 for 10 s: {full_runs} full runs, {fragment_runs} fragment runs (the live view's)")
    assert full_runs == 0
    assert len(fragments) <= 1  # the page's live view only: the editors add no timed fragment
    expect(page.locator(".st-key-new_action_what input")).to_have_value("Halvt skrevet")
    assert [a.what for a in handleplan.list_actions(store, workshop.id)] == ["Tavlemøde"]
    page.context.close()


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_trin_5_and_6_editors_have_no_wcag_aa_violation(app_server, browser, store, lang):
    from fea_core import participation
    from tests.e2e.test_accessibility import assert_accessible

    workshop = planned_workshop(store, f"Temadag axe {lang}")
    handleplan.propose_answer(store, participation.join(store, workshop.code)[1], 1, "Alle på morgenvagten")
    first = handleplan.add_action(store, workshop.id, "Tavlemøde", "Mette", "15.3.2027")
    handleplan.add_action(store, workshop.id, "Evaluér", "", "1.1.2020")  # both warnings
    page = browser.new_context(**DESKTOP).new_page()
    log_in_facilitator(page, app_server.base)
    page.goto(f"{app_server.base}/control?w={workshop.code}&lang={lang}")
    wait_for_app(page)
    page.locator(".st-key-fea_plan_answers").wait_for(timeout=WAIT)
    assert_accessible(page, lang, "trin 5: the answers and the proposals")

    workshops.set_activity(store, workshop.id, "implement")
    page.reload()
    wait_for_app(page)
    card(page, "2. Evaluér").wait_for(timeout=WAIT)
    page.locator(f".st-key-edit_action_{first.id}").get_by_text({"da": "Ret", "en": "Edit"}[lang]).click()
    page.locator(f".st-key-edit_{first.id}_what input").wait_for(timeout=WAIT)
    page.locator(".st-key-new_action_deadline input").fill("31.2.2027")
    page.locator(".st-key-new_action_deadline input").press("Enter")  # refused: no "what"
    page.get_by_test_id("stAlert").filter(has_text={"da": "Hvad", "en": "What"}[lang]).first.wait_for(timeout=WAIT)
    wait_for_app(page)
    assert_accessible(page, lang, "trin 6: the form, a refusal, the cards, one open for editing")
    page.context.close()
