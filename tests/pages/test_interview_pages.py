"""Arbejdsmiljøinterviewet in the app: the interviewer's page (pages/interview.py), the facilitator's
overview (pages/interviews.py), the Vidensoplæg, and what the shared screen and the phones show."""

from __future__ import annotations

import json
import re

import pytest

from fea_core import interview_summary, items, talk, workshops
from fea_core import interviews as iv
from fea_core.method import load_method
from fea_core.model import ACTIVITIES, ACTIVITY_COMPETENCE, ACTIVITY_PROBLEMS, ACTIVITY_TALK, ITEM_KEEP, ITEM_PROBLEM
from tests.interview_fixtures import fill_interviews

UNKNOWN_LINK = "Linket virker ikke (længere). Bed facilitator om et nyt link."
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


def everything(at) -> str:
    """Return every element the last run rendered, as its protobuf text (dataframes and charts too)."""
    found = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(found)


@pytest.fixture
def link(store, make_workshop):
    return iv.create_link(store, make_workshop().id, "AMR", by="anna")


def interviewer(app, view, token: str, **query):
    at = app(query={"i": token, **query}).run()
    return view.ok(at.switch_page("pages/interview.py").run())


def open_page(app, view, user, page: str, code: str):
    at = view.ok(app(user=user, query={"w": code}).run())
    return view.ok(at.switch_page(page).run())


# --- the interviewer -------------------------------------------------------------------------------


def test_the_interviewer_link_shows_the_guide_and_the_plate_with_every_question_verbatim(app, view, link):
    at = interviewer(app, view, link.token)

    text = unescape(view.text(at))
    m = load_method("da")
    assert "Guide til arbejdsmiljøinterviewet" in [e.label for e in at.expander]
    assert "Spørgeplade til arbejdsmiljø interviewet" in [e.label for e in at.expander]
    for part in m.guide:
        assert part.title in text
        for line in (*part.points, *part.questions):
            assert line in text, line
    for theme in m.interview_themes:
        assert theme.title in text
        for question in theme.questions:
            assert question in text, question
    assert "tavshedspligt" in text.lower()


@pytest.mark.parametrize("token", ["", "forkert-token", "x" * 200])
def test_a_wrong_link_gets_a_clear_message_and_no_interview(app, view, link, token):
    at = interviewer(app, view, token)
    assert UNKNOWN_LINK in view.text(at)
    assert not at.text_area and not at.button


def test_a_withdrawn_link_opens_nothing(app, view, store, link):
    iv.revoke_link(store, link.workshop_id, link.id, by="anna")
    at = interviewer(app, view, link.token)
    assert UNKNOWN_LINK in view.text(at) and not at.text_area


def test_notes_typed_by_the_interviewer_are_saved_and_come_back_after_a_reload(app, view, store, link):
    at = interviewer(app, view, link.token)
    view.ok(at.button(key="new_interview").click().run())
    assert at.query_params["n"] == "1"

    view.ok(at.text_area(key="note_1_rammer_problem").set_value("Travlhed om morgenen").run())
    view.ok(at.text_area(key="note_1_rammer_how_long").set_value("Siden sommer").run())
    view.ok(at.text_area(key="note_1_trivsel_works_well").set_value("Gode kolleger").run())
    view.ok(at.text_area(key="advice_1").set_value("Tal om det").run())
    view.ok(at.text_input(key="point_1_1").set_value("Morgenerne er pressede").run())
    view.ok(at.selectbox(key="point_theme_1_1").set_value("rammer").run())
    view.ok(at.checkbox(key="confirmed_1").check().run())

    saved = iv.get_interview(store, link, 1)
    assert saved.note("rammer").problem == "Travlhed om morgenen" and saved.note("rammer").how_long == "Siden sommer"
    assert saved.note("trivsel").works_well == "Gode kolleger" and saved.advice == "Tal om det"
    assert [(p.text, p.theme) for p in saved.points] == [("Morgenerne er pressede", "rammer")]
    assert saved.confirmed

    again = interviewer(app, view, link.token, n="1")  # a new session: a reload of the same URL
    assert again.text_area(key="note_1_rammer_problem").value == "Travlhed om morgenen"
    assert again.text_input(key="point_1_1").value == "Morgenerne er pressede"
    assert again.checkbox(key="confirmed_1").value is True


def test_a_note_refused_because_the_link_was_withdrawn_says_why_and_keeps_what_was_typed(app, view, store, link):
    at = interviewer(app, view, link.token)
    view.ok(at.button(key="new_interview").click().run())
    iv.revoke_link(store, link.workshop_id, link.id, by="anna")  # the facilitator withdraws it mid-interview

    view.ok(at.text_area(key="note_1_ledelse_problem").set_value("Skrevet for sent").run())

    assert UNKNOWN_LINK in view.text(at)
    assert iv.all_interviews(store, link.workshop_id, by="anna")[0].note("ledelse").problem == ""


def test_an_interviewer_sees_only_the_interviews_of_their_own_link(app, view, store, link):
    tr = iv.create_link(store, link.workshop_id, "TR", by="anna")
    theirs = iv.start_interview(store, tr)
    iv.save_note(store, tr, theirs.number, "trivsel", "problem", "TR-NOTE-HEMMELIG")

    at = interviewer(app, view, link.token, n=str(theirs.number))

    assert "TR-NOTE-HEMMELIG" not in everything(at)
    assert not at.selectbox  # no interview of its own yet: nothing to open


def test_the_interviewer_page_works_in_english(app, view, link):
    at = interviewer(app, view, link.token, lang="en")
    text = unescape(view.text(at))
    assert "The work environment interview" in text
    assert load_method("en").interview_themes[0].questions[0] in text


# --- the facilitator --------------------------------------------------------------------------------


def test_the_facilitators_overview_counts_per_theme_and_hides_the_raw_notes_until_asked(
    app, view, store, facilitator, make_workshop
):
    workshop = make_workshop()
    markers = fill_interviews(store, workshop.id)

    at = open_page(app, view, facilitator, "pages/interviews.py", workshop.code)

    rendered = everything(at)
    assert [m.value for m in at.metric][:3] == ["2", "3", "2"]  # interviews, interviewees, confirmed
    table = at.dataframe[0].value
    assert list(table["Problemer"]) == [2] * 6 and list(table["Fungerer godt"]) == [2] * 6
    assert all(p in unescape(view.text(at)) for p in markers["points"])
    assert not [s for s in markers["notes"] + markers["advice"] if s in rendered]

    view.ok(at.toggle(key="show_raw_notes").set_value(True).run())
    assert markers["notes"][0] in view.text(at) and markers["advice"][0] in view.text(at)


def test_chosen_points_go_into_trin_1_in_one_action_and_show_as_sent(app, view, store, facilitator, make_workshop):
    workshop = make_workshop()
    markers = fill_interviews(store, workshop.id)
    refs = {p.text: p.ref for p in interview_summary.summarise(store, workshop.id).points}
    at = open_page(app, view, facilitator, "pages/interviews.py", workshop.code)

    at.radio(key=f"send_{refs[markers['points'][0]]}").set_value(ITEM_PROBLEM)
    at.radio(key=f"send_{refs[markers['points'][1]]}").set_value(ITEM_KEEP)
    view.ok(at.button(key="send_points").click().run())

    assert [i.text for i in items.list_items(store, workshop.id, ITEM_PROBLEM)] == [markers["points"][0]]
    assert [i.text for i in items.list_items(store, workshop.id, ITEM_KEEP)] == [markers["points"][1]]
    assert "Sendt til Trin 1: 2 nye punkter; 0 stod der allerede." in view.text(at)
    assert "I Trin 1 som problem nr. 1" in view.text(at)
    assert not at.get("radio") or f"send_{refs[markers['points'][0]]}" not in [r.key for r in at.radio]


def test_the_interviews_page_is_only_for_the_workshops_facilitators(app, view, store, facilitator, make_workshop):
    from fea_core import accounts

    accounts.create_facilitator(store, "bent", "Bent", view.PASSWORD)
    workshop = make_workshop()
    fill_interviews(store, workshop.id)

    stranger = open_page(app, view, "bent", "pages/interviews.py", workshop.code)
    assert "Workshoppen findes ikke, eller den er ikke din." in view.text(stranger)
    assert "RAWNOTE" not in everything(stranger)

    participant = app(query={"w": workshop.code})  # a phone typing /interviews?w=CODE
    view.ok(participant.switch_page("pages/interviews.py").run())
    assert [e.value for e in participant.error] == ["Denne side er kun for facilitatorer. Log ind først."]
    assert "RAWNOTE" not in everything(participant) and not participant.toggle


# --- tavshedspligt: the shared screen and the phones ------------------------------------------------


def test_the_shared_screen_and_the_phones_never_show_raw_note_text_in_any_activity(
    app, view, store, facilitator, make_workshop, join
):
    workshop = make_workshop()
    markers = fill_interviews(store, workshop.id)
    phone = join(workshop)
    first = interview_summary.summarise(store, workshop.id).points[0]
    interview_summary.send_to_trin_1(store, workshop.id, {first.ref: ITEM_PROBLEM})
    secrets = markers["notes"] + markers["advice"]

    for activity in ACTIVITIES:
        workshops.set_activity(store, workshop.id, activity)
        workshops.set_results_visible(store, workshop.id, True)
        screen = open_page(app, view, facilitator, "pages/screen.py", workshop.code)
        on_phone = view.ok(app(query={"p": phone.token}).run())
        for where, at in (("screen", screen), ("phone", on_phone)):
            rendered = everything(at)
            assert "RAWNOTE" not in rendered, f"raw notes on the {where} in {activity}"
            assert [s for s in secrets if s in rendered] == []
        unsent = [p for p in markers["points"] if p != first.text]
        assert [p for p in unsent if p in everything(screen)] == [], activity
    assert "RAWNOTE" not in everything(on_phone)


def test_trin_1_on_the_shared_screen_shows_the_interview_counts_and_the_sent_point(
    app, view, store, facilitator, make_workshop
):
    workshop = make_workshop()
    markers = fill_interviews(store, workshop.id)
    first = interview_summary.summarise(store, workshop.id).points[0]
    interview_summary.send_to_trin_1(store, workshop.id, {first.ref: ITEM_PROBLEM})
    workshops.set_activity(store, workshop.id, ACTIVITY_PROBLEMS)

    at = open_page(app, view, facilitator, "pages/screen.py", workshop.code)

    text = unescape(view.text(at))
    assert "Fra Arbejdsmiljøinterviewet (interviews: 2)" in [e.label for e in at.expander]
    counts = at.dataframe[0].value
    assert list(counts["Problemer"]) == [2] * 6 and list(counts["Fungerer godt"]) == [2] * 6
    assert first.text in text
    assert first.text in markers["points"]


# --- the Vidensoplæg --------------------------------------------------------------------------------


def test_the_talk_on_the_shared_screen_shows_the_theme_the_model_and_the_dialogue_questions(
    app, view, store, facilitator, make_workshop
):
    workshop = make_workshop(theme="Psykologisk tryghed")
    workshops.set_activity(store, workshop.id, ACTIVITY_TALK)

    at = open_page(app, view, facilitator, "pages/screen.py", workshop.code)

    text = unescape(view.text(at))
    assert "Vidensoplæg: Psykologisk tryghed" in [unescape(t.value) for t in at.title]
    assert "Arbejdsmiljøkompetencemodellen" in text and "Spørgsmål til dialog" in text
    assert "Hvor er vi stærke i vores arbejdsmiljøarbejde?" in text  # the product's suggestion
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(charts) == 1
    # The circle itself (labels, low/high) is tested in tests/test_talk.py; here: it is the one shown.
    assert {"factor_dots", "low_high"} <= {layer.get("name") for layer in charts[0]["layer"]}
    assert "Deltag på" not in text  # presented clean: no join strip


def test_the_facilitator_edits_the_questions_and_goes_straight_on_to_the_rating(
    app, view, store, facilitator, make_workshop
):
    workshop = make_workshop()
    workshops.set_activity(store, workshop.id, ACTIVITY_TALK)
    at = open_page(app, view, facilitator, "pages/screen.py", workshop.code)

    at.text_area(key=f"talk_questions_text_{workshop.id}").set_value("Hvad gør vi godt?\n\n**Hvad** mangler?")
    view.ok(at.button(key="FormSubmitter:talk_questions_form-Gem spørgsmål").click().run())
    assert talk.get_questions(store, workshop.id) == ("Hvad gør vi godt?", "**Hvad** mangler?")
    at = open_page(app, view, facilitator, "pages/screen.py", workshop.code)
    assert "1. Hvad gør vi godt\\?\n2. \\*\\*Hvad\\*\\* mangler\\?" in view.text(at)  # plain text

    view.ok(at.button(key="talk_to_rating").click().run())
    assert workshops.get_workshop(store, workshop.id).activity == ACTIVITY_COMPETENCE


def test_too_many_questions_are_refused_with_a_message_and_the_text_stays(app, view, store, facilitator, make_workshop):
    workshop = make_workshop()
    workshops.set_activity(store, workshop.id, ACTIVITY_TALK)
    at = open_page(app, view, facilitator, "pages/screen.py", workshop.code)
    typed = "\n".join(f"Spørgsmål {i}" for i in range(talk.QUESTIONS_MAX + 1))

    at.text_area(key=f"talk_questions_text_{workshop.id}").set_value(typed)
    view.ok(at.button(key="FormSubmitter:talk_questions_form-Gem spørgsmål").click().run())

    assert f"Højst {talk.QUESTIONS_MAX} spørgsmål" in view.text(at)
    assert at.text_area(key=f"talk_questions_text_{workshop.id}").value == typed
    assert talk.get_questions(store, workshop.id) is None


def test_a_phone_during_the_talk_listens_along(app, view, store, make_workshop, join):
    workshop = make_workshop(theme="Social kapital")
    phone = join(workshop)
    workshops.set_activity(store, workshop.id, ACTIVITY_TALK)

    at = view.ok(app(query={"p": phone.token}).run())

    text = unescape(view.text(at))
    assert "Lyt med" in text and "Social kapital" in text
    assert not [c for c in at.get("button_group") if str(c.key).startswith("rate_")]
    assert "Send mine svar" not in [b.label for b in at.button]


def test_the_interviewer_switches_between_their_interviews_and_each_shows_its_own_notes(app, view, store, link):
    for text in ("Første interview", "Andet interview"):
        number = iv.start_interview(store, link).number
        iv.save_note(store, link, number, "trivsel", "problem", text)
    at = interviewer(app, view, link.token)
    assert at.selectbox(key="open_interview").value == 2  # the newest opens first
    assert at.text_area(key="note_2_trivsel_problem").value == "Andet interview"

    view.ok(at.selectbox(key="open_interview").set_value(1).run())

    assert at.query_params["n"] == "1"
    assert at.text_area(key="note_1_trivsel_problem").value == "Første interview"
    view.ok(at.run())  # a further run (a saved field elsewhere) stays on the chosen interview
    assert at.selectbox(key="open_interview").value == 1
