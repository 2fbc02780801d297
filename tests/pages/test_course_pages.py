"""Forløb pages: creating one from the workshops page, the steering group's overview, a follow-up
meeting that updates an action, the next workshop from the previous one, and before/after on the screen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fea_core import action_history, accounts, competence, courses, handleplan, items, participation, workshops
from fea_core.model import ACTIVITY_COMPETENCE, ITEM_PROBLEM


@pytest.fixture
def course(store, facilitator):
    return courses.create_course(
        store, name="Forløb i Lager Nord", department="Lager Nord", starts_on=date(2025, 1, 6), language="da",
        owner=facilitator, steering_group="Leder Hanne, AMR Ole",
    )


@pytest.fixture
def planned_course(store, course, make_workshop):
    """The course with one workshop whose plan has an overdue, a due and a done action, and a meeting."""
    workshop = make_workshop("Første temadag", held_on=date(2025, 1, 20))
    courses.add_workshop(store, course.id, workshop.id)
    today = date.today()
    handleplan.save_actions(store, workshop.id, [
        {"what": "Tavlemøde kl. 7.45", "owner": "Alle", "status": "in_progress", "deadline": today - timedelta(days=3)},
        {"what": "Huskeseddel til vikarer", "owner": "Jonas", "status": "not_started",
         "deadline": today + timedelta(days=7)},
        {"what": "Whiteboard", "owner": "Mette", "status": "done", "deadline": today - timedelta(days=60)},
    ])
    items.add_item_as_facilitator(store, workshop.id, ITEM_PROBLEM, "Uklare roller")
    courses.add_meeting(store, course.id, today, "", by=course.owner)
    courses.add_meeting(store, course.id, today + timedelta(days=14), "", by=course.owner)  # planned
    return course, workshop


def open_course(app, view, user, course_id):
    at = view.ok(app(user=user, query={"c": str(course_id)}).run())
    return view.ok(at.switch_page("pages/course.py").run())


def widget(at, kind: str, label: str, nth: int = 0):
    found = [w for w in getattr(at, kind) if w.label == label]
    return found[nth]


def test_a_course_is_created_from_the_workshops_page_and_its_page_opens(app, view, store, facilitator):
    at = view.ok(app(user=facilitator).run())
    at = view.ok(at.switch_page("pages/workshops.py").run())
    assert "Forløb" in view.text(at)
    widget(at, "text_input", "Navn på forløbet").input("Psykisk arbejdsmiljø 2026")
    widget(at, "text_input", "Afdeling (enhed)").input("Akutmodtagelsen")
    widget(at, "text_area", "Styregruppe (navne og roller)").input("Leder Hanne\nAMR Ole")
    at = view.ok(view.button(at, "Opret forløb").click().run())

    [course] = courses.list_courses(store, facilitator)
    assert (course.name, course.department, course.steering_group) == (
        "Psykisk arbejdsmiljø 2026", "Akutmodtagelsen", "Leder Hanne\nAMR Ole")
    at = view.ok(at.switch_page("pages/course.py").run())
    assert at.title[0].value == "Psykisk arbejdsmiljø 2026"
    assert "Forløbets workshops har endnu ingen aftaler i handleplanen." in view.text(at)


def test_a_course_with_a_bad_period_is_refused_with_a_message(app, view, store, facilitator):
    at = view.ok(app(user=facilitator).run())
    at = view.ok(at.switch_page("pages/workshops.py").run())
    widget(at, "text_input", "Navn på forløbet").input("X")
    widget(at, "text_input", "Afdeling (enhed)").input("Y")
    widget(at, "text_input", "Planlagt afslutning").input((date.today() - timedelta(days=3)).strftime("%d.%m.%Y"))
    at = view.ok(view.button(at, "Opret forløb").click().run())
    assert [e.value for e in at.error] == ["Den planlagte afslutning ligger før starten."]
    assert courses.list_courses(store, facilitator) == []


def test_someone_outside_the_steering_group_cannot_open_the_course(app, view, store, course):
    accounts.create_facilitator(store, "bent", "Bent Hansen", "en-lang-adgangskode")
    at = open_course(app, view, "bent", course.id)
    assert [e.value for e in at.error] == ["Forløbet findes ikke, eller du har ikke adgang til det."]
    assert not at.title


def test_the_overview_counts_overdue_and_due_actions_and_shows_the_next_follow_up(app, view, planned_course, facilitator):
    course, _ = planned_course
    at = open_course(app, view, facilitator, course.id)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Åbne aftaler"] == "2"
    assert metrics["Frist overskredet"] == "1"
    assert metrics["Frist inden for 30 dage"] == "1"
    assert metrics["Næste opfølgning"] == (date.today() + timedelta(days=14)).strftime("%d.%m.%Y")
    table = at.dataframe[0].value
    assert list(table["Hvad"]) == ["1. Tavlemøde kl. 7.45", "2. Huskeseddel til vikarer", "3. Whiteboard"]
    assert list(table["Status"]) == ["I gang", "Ikke startet", "Gennemført"]
    assert [b.label for b in at.get("download_button")] == ["Word", "PDF"]


def test_a_follow_up_meeting_records_an_actions_status_and_notes_with_its_date(app, view, store, planned_course, facilitator):
    course, workshop = planned_course
    action = handleplan.list_actions(store, workshop.id)[0]
    at = open_course(app, view, facilitator, course.id)
    at.selectbox(key=f"fu_status_{action.id}").set_value("adjusted")
    at.text_area(key=f"fu_works_{action.id}").input("Alle kommer til tiden")
    at.text_area(key=f"fu_not_working_{action.id}").input("**Nattevagten** når det ikke")
    at.text_area(key=f"fu_adjustment_{action.id}").input("Flyttes til kl. 8.00")
    at = view.ok(at.button(key=f"fu_save_{action.id}").click().run())

    [update] = action_history.history(store, action.id)
    assert (update.status, update.works, update.not_working, update.adjustment, update.recorded_by) == (
        "adjusted", "Alle kommer til tiden", "**Nattevagten** når det ikke", "Flyttes til kl. 8.00", facilitator)
    assert update.meeting_id == courses.list_meetings(store, course.id)[0].id
    assert "Gemt: aftale 1 er nu »Justeret«." in view.text(at)
    # The history shows the note as typed (plain text), and the form is empty for the next update.
    assert "Det virker ikke: **Nattevagten** når det ikke" in view.text(at)
    assert at.text_area(key=f"fu_works_{action.id}").value == ""


def test_an_update_without_any_change_is_refused_and_keeps_what_was_typed(app, view, store, planned_course, facilitator):
    course, workshop = planned_course
    action = handleplan.list_actions(store, workshop.id)[1]
    at = open_course(app, view, facilitator, course.id)
    at.text_area(key=f"fu_works_{action.id}").input("   ")
    at = view.ok(at.button(key=f"fu_save_{action.id}").click().run())
    assert "Intet at gemme: vælg en ny status, en ny frist eller skriv en note." in [e.value for e in at.error]
    assert action_history.history(store, action.id) == []


def test_the_next_workshop_starts_from_the_previous_ones_open_problems_and_actions(app, view, store, planned_course, facilitator):
    course, workshop = planned_course
    at = open_course(app, view, facilitator, course.id)
    widget(at, "text_input", "Navn på workshoppen").input("Anden temadag")
    assert widget(at, "multiselect", "Åbne aftaler, der videreføres i handleplanen").value  # all open ones chosen
    at = view.ok(view.button(at, "Opret næste workshop").click().run())

    second = courses.course_workshops(store, course.id)[-1]
    assert second.name == "Anden temadag"
    assert [i.text for i in items.list_items(store, second.id, ITEM_PROBLEM)] == ["Uklare roller"]
    assert [a.what for a in handleplan.list_actions(store, second.id)] == ["Tavlemøde kl. 7.45", "Huskeseddel til vikarer"]


def rate_room(store, workshop, values: list[int]):
    workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    for value in values:
        _, phone = participation.join(store, workshop.code)
        competence.submit_ratings(store, phone, {f: value for f in (
            "innovation", "aabenhed", "teknikker_og_viden", "motivation", "systematik", "tid_og_ressourcer")})
    return workshops.set_results_visible(store, workshop.id, True)


def test_the_shared_screen_shows_the_radar_before_and_now_with_the_change(app, view, store, course, make_workshop, facilitator):
    first = make_workshop("Første temadag", held_on=date(2025, 1, 20))
    second = make_workshop("Anden temadag", held_on=date(2025, 9, 1))
    for w in (first, second):
        courses.add_workshop(store, course.id, w.id)
    rate_room(store, first, [2, 2, 3])
    rate_room(store, second, [4, 4, 5, 5])

    at = view.ok(app(user=facilitator, query={"w": second.code}).run())
    at = view.ok(at.switch_page("pages/screen.py").run())
    control = at.get("button_group")[0]
    assert [o.content for o in control.proto.options] == ["Hele gruppen", "Opdelt på grupper", "Før og nu"]
    control.set_value("compare")
    at = view.ok(at.run())
    table = at.dataframe[0].value
    assert list(table["Før"])[0] == "2,3" and list(table["Nu"])[0] == "4,5"
    assert list(table["Ændring"])[0] == "+2,2"
    assert list(table["Svar før"]) == ["3"] * 6 and list(table["Svar nu"]) == ["4"] * 6
    assert "Samme gruppe vurderet igen i forløbet: 3 svar før, 4 svar nu." in view.text(at)


def test_a_round_with_fewer_than_three_answers_is_not_drawn_before_and_now(app, view, store, course, make_workshop, facilitator):
    first = make_workshop("Første temadag", held_on=date(2025, 1, 20))
    second = make_workshop("Anden temadag", held_on=date(2025, 9, 1))
    for w in (first, second):
        courses.add_workshop(store, course.id, w.id)
    rate_room(store, first, [2, 2])
    rate_room(store, second, [4, 4, 4])

    at = view.ok(app(user=facilitator, query={"w": second.code}).run())
    at = view.ok(at.switch_page("pages/screen.py").run())
    at.get("button_group")[0].set_value("compare")
    at = view.ok(at.run())
    assert "Før vises ikke: færre end 3 har svaret (anonymitet)." in view.text(at)
    assert list(at.dataframe[0].value["Før"]) == ["–"] * 6


def test_the_owner_deletes_the_course_and_its_workshops_stay(app, view, store, planned_course, facilitator):
    course, workshop = planned_course
    at = open_course(app, view, facilitator, course.id)
    assert at.button(key="course_delete").disabled
    at.checkbox(key="course_delete_sure").check()
    at = view.ok(at.run())
    view.ok(at.button(key="course_delete").click().run())
    assert courses.get_course(store, course.id) is None
    assert workshops.get_workshop(store, workshop.id) is not None


def test_the_control_view_links_to_its_course(app, view, store, planned_course, facilitator):
    course, workshop = planned_course
    at = view.ok(app(user=facilitator, query={"w": workshop.code}).run())
    at = view.ok(at.switch_page("pages/control.py").run())
    links = [link.label for link in at.sidebar.get("page_link")]
    assert "Forløb: Forløb i Lager Nord" in links


def test_names_and_notes_typed_by_people_are_shown_as_plain_text(app, view, store, facilitator, make_workshop):
    hostile = "**fed** [link](javascript:alert(1)) <b>x</b>"
    course = courses.create_course(store, name=hostile, department=hostile, starts_on=date(2025, 1, 6),
                                   language="da", owner=facilitator)
    workshop = make_workshop(hostile, held_on=date(2025, 1, 20))
    courses.add_workshop(store, course.id, workshop.id)
    [action] = handleplan.save_actions(store, workshop.id, [{"what": hostile, "owner": hostile}])
    courses.add_meeting(store, course.id, date.today(), hostile, by=facilitator)
    action_history.record_update(store, action.id, status="in_progress", works=hostile, by=facilitator)

    at = open_course(app, view, facilitator, course.id)

    text = view.text(at)
    assert r"\*\*fed\*\*" in at.title[0].value
    assert f"Det virker: {hostile}" in text  # st.text: exactly as typed
    assert all("](javascript" not in m.value for m in at.markdown)


def test_the_course_page_speaks_english_when_asked(app, view, planned_course, facilitator):
    course, _ = planned_course
    at = view.ok(app(user=facilitator, query={"c": str(course.id), "lang": "en"}).run())
    at = view.ok(at.switch_page("pages/course.py").run())
    assert {m.label for m in at.metric} == {"Open agreements", "Overdue", "Due within 30 days", "Next follow-up"}
    assert "Agreement 1 · Første temadag" in view.text(at)
    assert list(at.dataframe[0].value["Status"]) == ["In progress", "Not started", "Done"]
