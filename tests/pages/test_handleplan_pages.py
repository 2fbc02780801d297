"""The handleplan (trin 5 and 6) on the phone (pages/join.py) and the shared screen (pages/screen.py)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from fea_core import decisions, handleplan, items, workshops
from fea_core.markdown_escape import escape_markdown
from fea_core.model import ACTIVITY_CONCRETISE, ACTIVITY_IDEAS, ACTIVITY_IMPLEMENT

QUESTION_2 = "Hvem skal bruge den?"


@pytest.fixture
def planned(store, make_workshop):
    """Return a workshop with a chosen solution, in the given handleplan activity."""

    def make(activity: str):
        workshop = make_workshop("Temadag i Lager Nord")
        workshops.set_activity(store, workshop.id, ACTIVITY_IDEAS)
        idea = items.add_item_as_facilitator(store, workshop.id, "idea", "Fast tavlemøde kl. 7.45")
        decisions.choose_idea(store, workshop.id, idea.id)
        return workshops.set_activity(store, workshop.id, activity)

    return make


def counters(store, workshop_id) -> tuple[int, int]:
    """Return (revision, stage): the stage moves when what the phones show changed."""
    current = workshops.get_workshop(store, workshop_id)
    return current.revision, current.stage


def screen(app, view, user, code, page: str = "pages/control.py"):
    """Open the facilitator's control view (the editors live there; the room view only shows)."""
    at = view.ok(app(user=user, query={"w": code}).run())
    return view.ok(at.switch_page(page).run())


def test_a_phone_in_trin_5_sees_the_chosen_solution_and_its_proposal_reaches_the_screen(
    app, view, store, facilitator, planned, join
):
    workshop = planned(ACTIVITY_CONCRETISE)
    participant = join(workshop)
    at = view.ok(app(query={"p": participant.token}).run())
    assert "Trin 5: Konkretisér løsningen" in view.text(at)
    assert view.phone(at)["chosen_solution"]["text"] == "Fast tavlemøde kl. 7.45"  # data for a text node
    form = view.form(at, "proposals")
    assert form["url"] == f"/api/answer/{participant.token}/proposals"  # a POST, no script run
    assert form["questions"][1] == f"2. {QUESTION_2}"
    assert (form["text"]["which"], form["text"]["yours"], form["text"]["send"]) == (
        "Hvilket spørgsmål?", "Dit forslag", "Send forslag")
    assert not at.text_area and not at.selectbox  # no widgets: typing costs no reruns
    # What the route does with the form's POST (tests/test_answer_routes.py sends it).
    handleplan.propose_answer(store, participant, 1, "Alle på dagvagten")
    [proposal] = handleplan.proposals(store, workshop.id)
    assert (proposal.question_index, proposal.text) == (1, "Alle på dagvagten")

    shown = screen(app, view, facilitator, workshop.code)
    assert "Alle på dagvagten" in [e.value for e in shown.text]  # beside its question, as st.text
    revision, stage = counters(store, workshop.id)
    shown = view.ok(shown.button(key=f"use_{proposal.id}").click().run())
    assert handleplan.answers(store, workshop.id)[1] == "Alle på dagvagten"
    assert shown.text_area(key="ans_1").value == "Alle på dagvagten"
    assert counters(store, workshop.id)[1] > stage  # the phones learn of the new answer
    assert [b.label for b in shown.button if b.label == "Brug"] == []  # taken over: no longer offered


def test_brug_keeps_what_the_facilitator_had_typed_in_the_answer_and_adds_the_proposal_after_it(
    app, view, store, facilitator, planned, join
):
    workshop = planned(ACTIVITY_CONCRETISE)
    proposal = handleplan.propose_answer(store, join(workshop), 1, "Også vikarerne")
    at = screen(app, view, facilitator, workshop.code)
    at.text_area(key="ans_1").input("Alle på dagvagten")  # typed, not yet saved
    at = view.ok(at.button(key=f"use_{proposal.id}").click().run())
    assert handleplan.answers(store, workshop.id)[1] == "Alle på dagvagten\nOgså vikarerne"
    assert at.text_area(key="ans_1").value == "Alle på dagvagten\nOgså vikarerne"


def test_a_proposal_that_arrives_while_trin_5_is_open_appears_beside_its_question(
    app, view, store, facilitator, planned, join
):
    workshop = planned(ACTIVITY_CONCRETISE)
    at = screen(app, view, facilitator, workshop.code)
    assert "Ingen forslag til dette spørgsmål endnu." in view.text(at)
    proposal = handleplan.propose_answer(store, join(workshop), 3, "Når der er travlt")
    at = view.ok(at.run())  # what the live fragment's rerun leads to
    assert "Når der er travlt" in [e.value for e in at.text]
    assert at.button(key=f"use_{proposal.id}").label == "Brug"


def test_a_closed_trin_5_shows_no_proposal_form_but_says_the_step_is_closed(app, view, store, planned, join):
    workshop = planned(ACTIVITY_CONCRETISE)
    participant = join(workshop)
    workshops.set_activity_open(store, workshop.id, False)
    at = view.ok(app(query={"p": participant.token}).run())
    assert view.form(at, "proposals") is None
    assert "Trinnet er lukket. Det, du har sendt, er gemt." in view.text(at)


def test_the_five_questions_are_nfas_words_and_an_answer_is_saved_by_its_form(app, view, store, facilitator, planned):
    workshop = planned(ACTIVITY_CONCRETISE)
    at = screen(app, view, facilitator, workshop.code)
    assert [ta.label for ta in at.text_area][:5] == [
        "1. Nøjagtig hvad jeres forslag til løsning skal indeholde",
        f"2. {QUESTION_2}",
        "3. Til hvilket formål?",
        "4. I hvilke situationer?",
        "5. Og hvordan?",
    ]
    revision, stage = counters(store, workshop.id)
    at.text_area(key="ans_0").input("Et kort møde før stuegang")
    at = view.ok(at.button(key="save_ans_0").click().run())
    assert handleplan.answers(store, workshop.id)[0] == "Et kort møde før stuegang"
    assert counters(store, workshop.id) == (revision + 1, stage + 1)


def test_typing_an_answer_without_saving_it_saves_nothing_and_costs_no_write(app, view, store, facilitator, planned):
    workshop = planned(ACTIVITY_CONCRETISE)
    at = screen(app, view, facilitator, workshop.code)
    revision, _ = counters(store, workshop.id)
    view.ok(at.text_area(key="ans_2").input("Halvt skrevet").run())  # a form: nothing is sent until submitted
    assert handleplan.answers(store, workshop.id)[2] == ""
    assert counters(store, workshop.id)[0] == revision


def test_trin_6_opens_with_an_empty_plan_and_offers_the_four_exports(app, view, facilitator, planned):
    workshop = planned(ACTIVITY_IMPLEMENT)
    room = screen(app, view, facilitator, workshop.code, "pages/screen.py")
    assert "Trin 6: Implementér løsningen" in view.text(room)  # the room sees NFA's heading
    at = screen(app, view, facilitator, workshop.code)
    assert "Aftaler" in view.text(at)
    labels = [e.proto.label for e in at.get("download_button")]
    assert labels == ["Word", "PDF", "Markdown (.zip med figurer)", "Excel (rådata)"]


def test_trin_6_warns_about_a_past_deadline_and_a_missing_owner_without_refusing(
    app, view, store, facilitator, planned
):
    workshop = planned(ACTIVITY_IMPLEMENT)
    handleplan.save_actions(
        store,
        workshop.id,
        [
            {"what": "Indfør tavlemøde", "owner": "", "deadline": date.today() + timedelta(days=30), "follow_up": "", "status": None},
            {"what": "Evaluér", "owner": "Mette", "deadline": date.today() - timedelta(days=1), "follow_up": "", "status": None},
        ],
    )
    text = view.text(screen(app, view, facilitator, workshop.code))
    assert "Aftale 1 (Indfør tavlemøde): der mangler en ansvarlig." in text
    assert "Aftale 2 (Evaluér): fristen er overskredet." in text


def test_a_phone_in_trin_6_reads_the_plan_as_plain_text(app, view, store, planned, join):
    workshop = planned(ACTIVITY_IMPLEMENT)
    handleplan.save_answer(store, workshop.id, 1, "Alle på dagvagten")
    handleplan.save_actions(
        store, workshop.id, [{"what": "**Indfør** [x](javascript:alert(1))", "owner": "Mette", "deadline": date(2030, 1, 2)}]
    )
    at = view.ok(app(query={"p": join(workshop).token}).run())
    text = view.text(at)
    assert "Alle på dagvagten" in text
    assert "1. **Indfør** [x](javascript:alert(1))" in text  # data for a text node, never Markdown
    assert "02.01.2030" in text


# --- trin 6 written live: the "Ny aftale" form and the cards -----------------------------------------


def fill_new(at, **fields):
    """Type into the "Ny aftale" form (nothing is sent until it is submitted)."""
    for field, value in fields.items():
        if field == "status":
            at.selectbox(key="new_action_status").set_value(value)
        else:
            at.text_input(key=f"new_action_{field}").input(value)
    return at


def cards(at) -> list[str]:
    """Return the agreement cards' text as the browser shows it (one st.html element each)."""
    return [view_text for view_text in (h.value for h in at.get("html")) if "fea-agreement" in view_text]


def test_an_agreement_typed_in_the_form_is_saved_shown_as_a_card_and_the_form_is_emptied(
    app, view, store, facilitator, planned
):
    workshop = planned(ACTIVITY_IMPLEMENT)
    at = screen(app, view, facilitator, workshop.code)
    assert "Endnu ingen aftaler. Skriv den første herover." in view.text(at)
    revision, stage = counters(store, workshop.id)
    fill_new(at, what="Tavlemøde hver mandag", owner="Mette", deadline="15.3.2027", follow_up="Efter en måned",
             status="in_progress")
    at = view.ok(view.button(at, "Tilføj aftale").click().run())
    [saved] = handleplan.list_actions(store, workshop.id)
    assert (saved.what, saved.owner, saved.deadline, saved.follow_up, saved.status) == (
        "Tavlemøde hver mandag", "Mette", date(2027, 3, 15), "Efter en måned", "in_progress"
    )
    assert counters(store, workshop.id) == (revision + 1, stage + 1)  # phones learn of it
    [card] = cards(at)
    assert "1. Tavlemøde hver mandag" in card and "15.03.2027" in card and "I gang" in card
    assert [at.text_input(key=f"new_action_{f}").value for f in ("what", "owner", "deadline", "follow_up")] == [""] * 4
    assert at.selectbox(key="new_action_status").value == "not_started"
    assert "Aftale 1 er gemt." in [toast.value for toast in at.toast]


def test_a_form_without_a_what_is_refused_with_a_reason_and_keeps_everything_typed(
    app, view, store, facilitator, planned
):
    workshop = planned(ACTIVITY_IMPLEMENT)
    at = screen(app, view, facilitator, workshop.code)
    revision, _ = counters(store, workshop.id)
    fill_new(at, owner="Mette", deadline="15.3.2027", follow_up="Efter en måned")
    at = view.ok(view.button(at, "Tilføj aftale").click().run())
    assert "Skriv, hvad I aftaler, i feltet »Hvad«." in view.text(at)
    assert [at.text_input(key=f"new_action_{f}").value for f in ("owner", "deadline", "follow_up")] == [
        "Mette", "15.3.2027", "Efter en måned"
    ]
    assert handleplan.list_actions(store, workshop.id) == ()
    assert counters(store, workshop.id)[0] == revision
    # The reason is fixed where it was typed, and the second try saves.
    at.text_input(key="new_action_what").input("Tavlemøde")
    at = view.ok(view.button(at, "Tilføj aftale").click().run())
    assert [a.owner for a in handleplan.list_actions(store, workshop.id)] == ["Mette"]
    assert "Skriv, hvad I aftaler" not in view.text(at)


def test_a_date_that_is_not_a_date_is_refused_naming_what_was_typed_and_keeps_the_form(
    app, view, store, facilitator, planned
):
    workshop = planned(ACTIVITY_IMPLEMENT)
    at = screen(app, view, facilitator, workshop.code)
    fill_new(at, what="Tavlemøde", owner="Mette", deadline="31.2.2027")
    at = view.ok(view.button(at, "Tilføj aftale").click().run())
    assert "»31\\.2\\.2027« er ikke en dato. Skriv datoen som dag.måned.år, fx 15.3.2027." in view.text(at)
    assert at.text_input(key="new_action_what").value == "Tavlemøde"
    assert at.text_input(key="new_action_deadline").value == "31.2.2027"
    assert handleplan.list_actions(store, workshop.id) == ()


def test_an_agreement_is_edited_in_place_on_its_card(app, view, store, facilitator, planned):
    workshop = planned(ACTIVITY_IMPLEMENT)
    first = handleplan.add_action(store, workshop.id, "Tavlemøde", "Mette", "15.3.2027")
    handleplan.add_action(store, workshop.id, "Evaluér", "Jonas")
    at = screen(app, view, facilitator, workshop.code)
    at = view.ok(at.toggle(key=f"edit_action_{first.id}").set_value(True).run())
    assert at.text_input(key=f"edit_{first.id}_what").value == "Tavlemøde"
    assert at.text_input(key=f"edit_{first.id}_deadline").value == "15.03.2027"
    revision, stage = counters(store, workshop.id)
    at.text_input(key=f"edit_{first.id}_what").input("Tavlemøde kl. 7.45")
    at.text_input(key=f"edit_{first.id}_deadline").input("2027-04-01")
    at.selectbox(key=f"edit_{first.id}_status").set_value("done")
    at = view.ok(at.button(key=f"edit_{first.id}_save").click().run())
    edited, other = handleplan.list_actions(store, workshop.id)
    assert (edited.id, edited.position, edited.what, edited.deadline, edited.status) == (
        first.id, 1, "Tavlemøde kl. 7.45", date(2027, 4, 1), "done"
    )
    assert other.what == "Evaluér"
    assert counters(store, workshop.id) == (revision + 1, stage + 1)
    assert at.toggle(key=f"edit_action_{first.id}").value is False  # the card closed
    assert "1. Tavlemøde kl. 7.45" in cards(at)[0] and "Gennemført" in cards(at)[0]


def test_a_refused_edit_keeps_what_was_typed_and_changes_nothing(app, view, store, facilitator, planned):
    workshop = planned(ACTIVITY_IMPLEMENT)
    first = handleplan.add_action(store, workshop.id, "Tavlemøde", "Mette")
    at = screen(app, view, facilitator, workshop.code)
    at = view.ok(at.toggle(key=f"edit_action_{first.id}").set_value(True).run())
    at.text_input(key=f"edit_{first.id}_what").input("")
    at.text_input(key=f"edit_{first.id}_owner").input("Jonas")
    at = view.ok(at.button(key=f"edit_{first.id}_save").click().run())
    assert "Skriv, hvad I aftaler, i feltet »Hvad«." in view.text(at)
    assert at.text_input(key=f"edit_{first.id}_owner").value == "Jonas"
    assert at.toggle(key=f"edit_action_{first.id}").value is True
    assert handleplan.list_actions(store, workshop.id) == (first,)


def test_an_agreement_is_deleted_after_a_confirmation_and_the_rest_renumbered(app, view, store, facilitator, planned):
    workshop = planned(ACTIVITY_IMPLEMENT)
    first = handleplan.add_action(store, workshop.id, "Tavlemøde", "Mette")
    handleplan.add_action(store, workshop.id, "Evaluér", "Jonas")
    at = screen(app, view, facilitator, workshop.code)
    assert "Slette aftale 1? Det kan ikke fortrydes." in view.text(at)  # inside the card's "Slet" popover
    revision, stage = counters(store, workshop.id)
    at = view.ok(at.button(key=f"delete_action_{first.id}").click().run())
    [left] = handleplan.list_actions(store, workshop.id)
    assert (left.what, left.position) == ("Evaluér", 1)
    assert counters(store, workshop.id) == (revision + 1, stage + 1)
    assert len(cards(at)) == 1 and "1. Evaluér" in cards(at)[0]


def test_editing_an_agreement_deleted_in_another_tab_says_so_and_saves_nothing(app, view, store, facilitator, planned):
    workshop = planned(ACTIVITY_IMPLEMENT)
    first = handleplan.add_action(store, workshop.id, "Tavlemøde", "Mette")
    at = screen(app, view, facilitator, workshop.code)
    at = view.ok(at.toggle(key=f"edit_action_{first.id}").set_value(True).run())
    handleplan.delete_action(store, workshop.id, first.id)  # the other tab
    at.text_input(key=f"edit_{first.id}_what").input("Tavlemøde kl. 8")
    at = view.ok(at.button(key=f"edit_{first.id}_save").click().run())
    assert "Aftalen er slettet imens (måske i en anden fane). Intet er ændret." in view.text(at)
    assert handleplan.list_actions(store, workshop.id) == ()


HOSTILE = ("# x", "$x$", ":red[x]", "<b>x</b>", "=1+1", "[x](javascript:alert(1))")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_in_an_agreement_is_kept_and_shown_as_typed(app, view, store, facilitator, planned, hostile):
    workshop = planned(ACTIVITY_IMPLEMENT)
    at = screen(app, view, facilitator, workshop.code)
    fill_new(at, what=hostile, follow_up=hostile)  # nobody responsible: the card's warning names the words
    at = view.ok(view.button(at, "Tilføj aftale").click().run())
    [saved] = handleplan.list_actions(store, workshop.id)
    assert (saved.what, saved.follow_up) == (hostile,) * 2
    [card] = [h for h in at.get("html") if "fea-agreement" in h.value]
    assert "<b>x</b>" not in card.value  # escaped: the browser shows the tags as typed
    shown = view.text(at)
    assert f"1. {hostile}" in shown and f"Opfølgning: {hostile}" in shown
    # The warning is Markdown: it carries the words escaped, so they read as typed.
    assert [w.value for w in at.warning] == [f"Aftale 1 ({escape_markdown(hostile)}): der mangler en ansvarlig."]


def test_trin_6_in_english_shows_the_form_cards_and_messages_in_english(
    app, view, store, facilitator, planned, monkeypatch
):
    # AppTest formats the sidebar radio's options outside the session when a button is clicked,
    # where the session's language is unknown: that formatting is told the session's language.
    monkeypatch.setattr("ui.context.language", lambda: "en")
    workshop = planned(ACTIVITY_IMPLEMENT)
    handleplan.add_action(store, workshop.id, "Whiteboard meeting", "", "1.1.2020")
    at = view.ok(app(user=facilitator, query={"w": workshop.code, "lang": "en"}).run())
    at = view.ok(at.switch_page("pages/screen.py").run())
    labels = [i.label for i in at.text_input]
    assert labels[:4] == ["What", "Who", "Deadline", "Follow-up"]
    assert view.button(at, "Add agreement")
    text = view.text(at)
    assert "Agreement 1 (Whiteboard meeting): the deadline has passed." in text
    assert "Agreement 1 (Whiteboard meeting): nobody is responsible yet." in text
    assert "Who: nobody yet" in text and "Status: Not started" in text
    fill_new(at, what="Evaluate", deadline="tomorrow")
    at = view.ok(view.button(at, "Add agreement").click().run())
    assert "“tomorrow” is not a date. Type the date as day.month.year, e.g. 15.3.2027." in view.text(at)


def test_the_follow_up_is_saved_by_its_form_with_a_typed_date_and_a_bad_date_keeps_the_text(
    app, view, store, facilitator, planned
):
    workshop = planned(ACTIVITY_IMPLEMENT)
    at = screen(app, view, facilitator, workshop.code)
    at.text_area(key="follow_up_process").input("Styregruppen tager status hver måned")
    at.text_input(key="next_follow_up").input("1.13.2027")
    at = view.ok(view.button(at, "Gem opfølgning").click().run())
    assert "»1\\.13\\.2027« er ikke en dato." in view.text(at)
    assert at.text_area(key="follow_up_process").value == "Styregruppen tager status hver måned"
    assert handleplan.follow_up(store, workshop.id) == ("", None)
    at.text_input(key="next_follow_up").input("1.12.2027")
    view.ok(view.button(at, "Gem opfølgning").click().run())
    assert handleplan.follow_up(store, workshop.id) == ("Styregruppen tager status hver måned", date(2027, 12, 1))


def test_the_trin_6_editors_are_forms_so_typing_sends_nothing_until_enter_or_the_button(
    app, view, store, facilitator, planned
):
    workshop = planned(ACTIVITY_IMPLEMENT)
    at = screen(app, view, facilitator, workshop.code)
    assert at.get("arrow_data_frame") == [] and not any(e.type == "data_editor" for e in at.main)
    revision, _ = counters(store, workshop.id)
    at = view.ok(fill_new(at, what="Halvt skrevet", owner="Mette").run())
    assert handleplan.list_actions(store, workshop.id) == ()
    assert counters(store, workshop.id)[0] == revision


# --- the room view: read-only, large ------------------------------------------------------------------


def _room_script(workshop_id: int, lang: str) -> None:
    import streamlit as st

    from fea_core import workshops
    from ui import handleplan_view
    from ui.context import store

    st.session_state["lang"] = lang
    shown = workshops.get_workshop(store(), workshop_id)
    handleplan_view.answers_for_room(shown)
    handleplan_view.actions_for_room(shown)


def room(view, workshop_id: int, lang: str = "da"):
    from streamlit.testing.v1 import AppTest

    return view.ok(AppTest.from_function(_room_script, args=(workshop_id, lang), default_timeout=30).run())


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_room_view_shows_answers_and_agreements_large_plain_and_without_controls(
    view, store, planned, hostile
):
    workshop = planned(ACTIVITY_IMPLEMENT)
    handleplan.save_answer(store, workshop.id, 1, f"Alle {hostile}")
    handleplan.add_action(store, workshop.id, hostile, hostile, "15.3.2027", hostile, "in_progress")
    at = room(view, workshop.id)
    assert {e.type for e in at.main} == {"main", "html"}  # one block of HTML: no controls on the projector
    assert not (at.button or at.text_input or at.text_area or at.toggle or at.selectbox)
    text = view.text(at)
    assert "2. Hvem skal bruge den?" in text and f"Alle {hostile}" in text
    assert f"1. {hostile}" in text and f"Hvem: {hostile}" in text and "Frist: 15.03.2027" in text
    assert "Status: I gang" in text
    markup = "".join(h.value for h in at.get("html"))
    assert "<b>x</b>" not in markup
    # Projector type: the body text of the cards and answers is 24-32 px (1rem = 16 px).
    sizes = {rule: float(size) * 16 for rule, size in re.findall(r"\.fea-room (\S+) \{ font-size: ([\d.]+)rem", markup)}
    sizes.update({rule: float(size) * 16 for rule, size in re.findall(r"\.(fea-room-\w+) \{ font-size: ([\d.]+)rem", markup)})
    assert sizes and all(24 <= px <= 32 for px in sizes.values()), sizes


def test_the_room_view_in_english_says_so_when_there_are_no_agreements_yet(view, store, planned):
    workshop = planned(ACTIVITY_IMPLEMENT)
    at = room(view, workshop.id, "en")
    text = view.text(at)
    assert "No agreements yet." in text and "1. Exactly what your proposed solution should contain" in text
