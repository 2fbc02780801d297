"""The handleplan (trin 5 and 6) on the phone (pages/join.py) and the shared screen (pages/screen.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fea_core import decisions, handleplan, items, workshops
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
    assert "Alle på dagvagten" in view.text(shown)
    shown = view.ok(view.button(shown, "Overtag").click().run())
    assert handleplan.answers(store, workshop.id)[1] == "Alle på dagvagten"
    assert shown.text_area(key="ans_1").value == "Alle på dagvagten"


def test_a_closed_trin_5_shows_no_proposal_form_but_says_the_step_is_closed(app, view, store, planned, join):
    workshop = planned(ACTIVITY_CONCRETISE)
    participant = join(workshop)
    workshops.set_activity_open(store, workshop.id, False)
    at = view.ok(app(query={"p": participant.token}).run())
    assert view.form(at, "proposals") is None
    assert "Trinnet er lukket. Det, du har sendt, er gemt." in view.text(at)


def test_the_facilitators_answer_is_saved_when_typed(app, view, store, facilitator, planned):
    workshop = planned(ACTIVITY_CONCRETISE)
    at = screen(app, view, facilitator, workshop.code)
    assert [ta.label for ta in at.text_area][:5] == [
        "1. Nøjagtig hvad jeres forslag til løsning skal indeholde",
        f"2. {QUESTION_2}",
        "3. Til hvilket formål?",
        "4. I hvilke situationer?",
        "5. Og hvordan?",
    ]
    view.ok(at.text_area(key="ans_0").input("Et kort møde før stuegang").run())
    assert handleplan.answers(store, workshop.id)[0] == "Et kort møde før stuegang"


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
    assert "1. **Indfør** [x](javascript:alert(1))" in text  # data for a text node, never Markdown
    assert "02.01.2030" in text
