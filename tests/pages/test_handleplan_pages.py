"""The handleplan (trin 5 and 6) on the phone (pages/join.py) and the shared screen (pages/screen.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fea_core import decisions, handleplan, items, workshops
from fea_core.report import Action
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


def screen(app, view, user, code):
    at = view.ok(app(user=user, query={"w": code}).run())
    return view.ok(at.switch_page("pages/screen.py").run())


def test_a_phone_in_trin_5_sees_the_chosen_solution_and_its_proposal_reaches_the_screen(
    app, view, store, facilitator, planned, join
):
    workshop = planned(ACTIVITY_CONCRETISE)
    participant = join(workshop)
    at = view.ok(app(query={"p": participant.token}).run())
    assert "Trin 5: Konkretisér løsningen" in view.text(at)
    assert r"Fast tavlemøde kl\. 7\.45" in view.text(at)  # plain text, escaped for Markdown
    at.selectbox(key="proposal_question").set_value(1)
    at.text_area(key="proposal_text").input("Alle på dagvagten")
    at = view.ok(view.button(at, "Send forslag").click().run())
    assert "Tak! Dit forslag er på storskærmen." in view.text(at)
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


def test_a_proposal_sent_after_trin_5_closed_is_refused_with_a_message(app, view, store, planned, join):
    workshop = planned(ACTIVITY_CONCRETISE)
    participant = join(workshop)
    at = view.ok(app(query={"p": participant.token}).run())
    at.text_area(key="proposal_text").input("For sent")
    workshops.set_activity_open(store, workshop.id, False)
    at = view.ok(view.button(at, "Send forslag").click().run())
    assert "Runden er lukket, så dit svar blev ikke gemt." in view.text(at)
    assert handleplan.proposals(store, workshop.id) == []


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
    at = screen(app, view, facilitator, workshop.code)
    text = view.text(at)
    assert "Trin 6: Implementér løsningen" in text and "Aftaler" in text
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
    assert r"\*\*Indfør\*\* \[x\]\(javascript\:alert\(1\)\)" in text
    assert "02.01.2030" in text
