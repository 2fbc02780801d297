"""Around the day (issue 16, point 7): a new follow-up meeting opens empty, days are typed the Danish way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fea_core import action_history, courses, handleplan

BAD_DAY = {"da": "Skriv datoen som dd.mm.åååå, fx 14.03.2026.", "en": "Type the date as dd.mm.yyyy, e.g. 14.03.2026."}


@pytest.fixture
def course(store, facilitator, make_workshop):
    course = courses.create_course(
        store, name="Forløb i Lager Nord", department="Lager Nord", starts_on=date(2025, 1, 6), language="da",
        owner=facilitator, steering_group="Leder Hanne, AMR Ole",
    )
    workshop = make_workshop("Første temadag", held_on=date(2025, 1, 20))
    courses.add_workshop(store, course.id, workshop.id)
    handleplan.save_actions(store, workshop.id, [
        {"what": "Tavlemøde kl. 7.45", "owner": "Alle", "status": "in_progress",
         "deadline": date.today() + timedelta(days=3)},
    ])
    return course, workshop


def open_course(app, view, user, course_id, lang="da"):
    at = app(user=user, query={"c": str(course_id)})
    at.session_state["lang"] = lang
    at = view.ok(at.run())
    return view.ok(at.switch_page("pages/course.py").run())


def create_meeting(view, at):
    [button] = [b for b in at.button if b.proto.is_form_submitter and b.form_id.startswith("new_meeting")]
    return view.ok(button.click().run())


def test_a_new_meeting_form_opens_empty_after_the_last_one_was_created(app, view, store, facilitator, course):
    course, _ = course
    at = open_course(app, view, facilitator, course.id)
    at.text_input(key="new_meeting_day").input("05.05.2026")
    at.text_area(key="new_meeting_notes").input("Vagtskiftet drøftet; tavlemødet flyttes.")
    at = create_meeting(view, at)
    [first] = courses.list_meetings(store, course.id)
    assert (first.held_on, first.notes) == (date(2026, 5, 5), "Vagtskiftet drøftet; tavlemødet flyttes.")
    # The form is empty again: the next meeting does not start from this one's notes.
    assert at.text_area(key="new_meeting_notes").value == ""
    assert at.text_input(key="new_meeting_day").value == date.today().strftime("%d.%m.%Y")
    at = create_meeting(view, at)
    notes = [m.notes for m in courses.list_meetings(store, course.id)]
    assert sorted(notes) == ["", "Vagtskiftet drøftet; tavlemødet flyttes."]  # once, not twice


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("typed", ["31.02.2026", "3", "05.05", "2026/5/5x", "=1+1", ""])
def test_a_meeting_day_that_is_not_a_whole_day_is_refused_and_the_notes_stay(
    app, view, store, facilitator, course, lang, typed
):
    course, _ = course
    at = open_course(app, view, facilitator, course.id, lang)
    at.text_input(key="new_meeting_day").input(typed) if typed else at.text_input(key="new_meeting_day").set_value("")
    at.text_area(key="new_meeting_notes").input("Noter, der ikke må gå tabt")
    at = create_meeting(view, at)
    assert courses.list_meetings(store, course.id) == []
    assert BAD_DAY[lang] in [e.value for e in at.error]
    assert at.text_area(key="new_meeting_notes").value == "Noter, der ikke må gå tabt"


@pytest.mark.parametrize(("lang", "placeholder", "hint"), [
    ("da", "dd.mm.åååå", "Gem med knappen under felterne."),
    ("en", "dd.mm.yyyy", "Save with the button below the fields."),
])
def test_day_fields_show_the_danish_order_and_the_forms_say_how_to_save_in_the_sessions_language(
    app, view, store, facilitator, course, lang, placeholder, hint
):
    course, workshop = course
    courses.add_meeting(store, course.id, date.today(), "", by=facilitator)
    action = handleplan.list_actions(store, workshop.id)[0]
    at = open_course(app, view, facilitator, course.id, lang)
    deadline = at.text_input(key=f"fu_deadline_{action.id}")
    assert deadline.placeholder == placeholder
    assert deadline.value == action.deadline.strftime("%d.%m.%Y")
    assert not at.get("date_input")
    assert hint in [c.value for c in at.caption]


def test_a_new_deadline_typed_as_dd_mm_yyyy_is_recorded(app, view, store, facilitator, course):
    course, workshop = course
    courses.add_meeting(store, course.id, date.today(), "", by=facilitator)
    action = handleplan.list_actions(store, workshop.id)[0]
    later = date.today() + timedelta(days=40)
    at = open_course(app, view, facilitator, course.id)
    at.text_input(key=f"fu_deadline_{action.id}").input(f"{later.day}.{later.month}.{later:%y}")
    at = view.ok(at.button(key=f"fu_save_{action.id}").click().run())
    [update] = action_history.history(store, action.id)
    assert update.deadline == later


def test_a_new_deadline_that_is_not_a_day_is_refused_and_the_notes_stay(app, view, store, facilitator, course):
    course, workshop = course
    courses.add_meeting(store, course.id, date.today(), "", by=facilitator)
    action = handleplan.list_actions(store, workshop.id)[0]
    at = open_course(app, view, facilitator, course.id)
    at.text_input(key=f"fu_deadline_{action.id}").input("30.02.2027")
    at.text_area(key=f"fu_works_{action.id}").input("Alle kommer til tiden")
    at = view.ok(at.button(key=f"fu_save_{action.id}").click().run())
    assert action_history.history(store, action.id) == []
    assert BAD_DAY["da"] in [e.value for e in at.error]
    assert at.text_area(key=f"fu_works_{action.id}").value == "Alle kommer til tiden"
