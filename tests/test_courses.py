"""Forløb: workshops and follow-up meetings over months, each action's dated history, carry-over."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fea_core import accounts, action_history, carry_over, courses, decisions, handleplan, items, retention, schema
from fea_core.errors import InvalidText, StaleItem, UnknownFacilitator
from fea_core.model import ITEM_PROBLEM
from tests.report_fixture import make_workshop_for_report
from fea_core.sharing import can_facilitate, co_facilitators
from fea_core.status_report import build_course_status, next_follow_up
from fea_core.storage import utcnow
from fea_core.workshops import create_workshop, get_workshop

# A forløb's data is shared by every process of a deployment: run against both databases.
pytestmark = pytest.mark.databases("sqlite", "postgresql")

@pytest.fixture
def course(fresh_store):
    return courses.create_course(
        fresh_store, name="Psykisk arbejdsmiljø 2025", department="Akutmodtagelsen", starts_on=date(2025, 1, 6),
        ends_on=date(2025, 12, 19), language="da", owner="anne", steering_group="Leder Hanne\nAMR Ole",
    )


def workshop_on(store, day: date, name: str = "Temadag", owner: str = "anne"):
    return create_workshop(store, name=name, department="Akutmodtagelsen", held_on=day, theme="Social kapital",
                           language="da", owner=owner)


def plan(store, workshop_id: int, *rows: tuple[str, str, date | None]):
    return handleplan.save_actions(store, workshop_id, [{"what": w, "status": s, "deadline": d} for w, s, d in rows])


# --- the forløb and its workshops ---------------------------------------------------------------------


def test_a_course_keeps_its_unit_period_and_steering_group(course):
    assert (course.name, course.department, course.language, course.owner) == (
        "Psykisk arbejdsmiljø 2025", "Akutmodtagelsen", "da", "anne")
    assert (course.starts_on, course.ends_on) == (date(2025, 1, 6), date(2025, 12, 19))
    assert course.steering_group == "Leder Hanne\nAMR Ole"


def test_a_course_that_ends_before_it_starts_or_has_no_name_is_refused(fresh_store):
    with pytest.raises(courses.EndsBeforeStart):
        courses.create_course(fresh_store, name="X", department="Y", starts_on=date(2025, 5, 1),
                              ends_on=date(2025, 4, 1), language="da", owner="anne")
    with pytest.raises(InvalidText):
        courses.create_course(fresh_store, name="  ", department="Y", starts_on=date(2025, 5, 1), language="da",
                              owner="anne")
    assert courses.list_courses(fresh_store, "anne") == []


def test_workshops_of_a_course_come_in_the_order_they_were_held(fresh_store, course):
    late = workshop_on(fresh_store, date(2025, 9, 1), "Tredje")
    early = workshop_on(fresh_store, date(2025, 1, 20), "Første")
    middle = workshop_on(fresh_store, date(2025, 5, 5), "Anden")
    for w in (late, early, middle):
        courses.add_workshop(fresh_store, course.id, w.id, by="anne")
    courses.add_workshop(fresh_store, course.id, late.id)  # twice: nothing changes

    assert [w.name for w in courses.course_workshops(fresh_store, course.id)] == ["Første", "Anden", "Tredje"]
    assert [w.name for w in courses.earlier_workshops(fresh_store, late)] == ["Første", "Anden"]
    assert courses.course_of(fresh_store, middle.id) == course


def test_a_workshop_belongs_to_one_course_only(fresh_store, course):
    other = courses.create_course(fresh_store, name="Andet forløb", department="Y", starts_on=date(2025, 1, 1),
                                  language="da", owner="anne")
    w = workshop_on(fresh_store, date(2025, 2, 1))
    courses.add_workshop(fresh_store, course.id, w.id)
    with pytest.raises(courses.WorkshopInOtherCourse) as raised:
        courses.add_workshop(fresh_store, other.id, w.id)
    assert raised.value.params == {"course": "Psykisk arbejdsmiljø 2025"}


def test_only_the_workshops_owner_may_put_it_into_a_course(fresh_store, course):
    w = workshop_on(fresh_store, date(2025, 2, 1), owner="bent")
    with pytest.raises(courses.NotCourseOwner):
        courses.add_workshop(fresh_store, course.id, w.id, by="anne")
    assert courses.course_workshops(fresh_store, course.id) == []


def test_the_steering_groups_facilitators_see_the_course_and_run_its_workshops(fresh_store, course):
    accounts.create_facilitator(fresh_store, "bent", "Bent Hansen", "en-lang-adgangskode")
    w = workshop_on(fresh_store, date(2025, 2, 1))
    courses.add_workshop(fresh_store, course.id, w.id)
    assert not courses.can_follow(fresh_store, course, "bent")

    courses.add_course_facilitator(fresh_store, course.id, "bent", by="anne")

    assert courses.can_follow(fresh_store, course, "bent")
    assert [c.id for c in courses.list_courses(fresh_store, "bent")] == [course.id]
    assert can_facilitate(fresh_store, get_workshop(fresh_store, w.id), "bent")
    later = workshop_on(fresh_store, date(2025, 6, 1))
    courses.add_workshop(fresh_store, course.id, later.id)
    assert co_facilitators(fresh_store, later.id) == ["bent"]  # a later workshop is shared too


def test_only_the_owner_adds_to_the_steering_group_and_only_existing_accounts(fresh_store, course):
    accounts.create_facilitator(fresh_store, "bent", "Bent Hansen", "en-lang-adgangskode")
    with pytest.raises(courses.NotCourseOwner):
        courses.add_course_facilitator(fresh_store, course.id, "bent", by="bent")
    with pytest.raises(UnknownFacilitator):
        courses.add_course_facilitator(fresh_store, course.id, "ingen", by="anne")
    assert courses.course_facilitators(fresh_store, course.id) == []


# --- the action's history -----------------------------------------------------------------------------


def test_an_actions_status_changes_over_time_and_every_change_keeps_its_date(fresh_store, course):
    w = workshop_on(fresh_store, date(2025, 1, 20))
    courses.add_workshop(fresh_store, course.id, w.id)
    [action] = plan(fresh_store, w.id, ("Tavlemøde kl. 7.45", "not_started", date(2025, 3, 1)))
    m1 = courses.add_meeting(fresh_store, course.id, date(2025, 2, 15), "Første møde", by="anne")

    first = action_history.record_update(fresh_store, action.id, status="in_progress", works="Alle kommer",
                                         by="anne", meeting_id=m1.id)
    second = action_history.record_update(
        fresh_store, action.id, status="adjusted", not_working="Nattevagten når det ikke",
        adjustment="Flyttes til kl. 8.00", deadline=date(2025, 6, 1), by="bent",
    )
    third = action_history.record_update(fresh_store, action.id, status="done", by="anne")

    history = action_history.history(fresh_store, action.id)
    assert [u.status for u in history] == ["in_progress", "adjusted", "done"]
    assert history[0].works == "Alle kommer" and history[0].meeting_id == m1.id
    assert history[1].not_working == "Nattevagten når det ikke" and history[1].adjustment == "Flyttes til kl. 8.00"
    assert [u.recorded_by for u in history] == ["anne", "bent", "anne"]
    assert first.at <= second.at <= third.at and all(isinstance(u.at, datetime) for u in history)
    # The action shows its newest state; nothing earlier was overwritten.
    now = action_history.get_action(fresh_store, action.id)
    assert (now.status, now.deadline) == ("done", date(2025, 6, 1))
    assert history[0].deadline == date(2025, 3, 1)


def test_an_update_that_changes_nothing_is_refused_and_saves_nothing(fresh_store):
    w = workshop_on(fresh_store, date(2025, 1, 20))
    [action] = plan(fresh_store, w.id, ("Tavlemøde", "in_progress", None))
    with pytest.raises(action_history.NothingToRecord):
        action_history.record_update(fresh_store, action.id, status="in_progress", works="   ", by="anne")
    with pytest.raises(InvalidText):
        action_history.record_update(fresh_store, action.id, status="done", works="x" * 2001, by="anne")
    with pytest.raises(StaleItem):
        action_history.record_update(fresh_store, 999, status="done", by="anne")
    assert action_history.history(fresh_store, action.id) == []
    assert action_history.get_action(fresh_store, action.id).status == "in_progress"


def test_an_update_bumps_the_workshops_revision_so_the_screen_sees_it(fresh_store):
    w = workshop_on(fresh_store, date(2025, 1, 20))
    [action] = plan(fresh_store, w.id, ("Tavlemøde", "not_started", None))
    before = get_workshop(fresh_store, w.id).revision
    action_history.record_update(fresh_store, action.id, status="in_progress", by="anne")
    assert get_workshop(fresh_store, w.id).revision == before + 1


def test_a_status_changed_in_the_handleplans_table_is_kept_in_the_history_too(fresh_store):
    w = workshop_on(fresh_store, date(2025, 1, 20))
    [action] = plan(fresh_store, w.id, ("Tavlemøde", "not_started", None))
    handleplan.save_actions(fresh_store, w.id, [{"id": action.id, "what": "Tavlemøde", "status": "in_progress"}])
    handleplan.save_actions(fresh_store, w.id, [{"id": action.id, "what": "Tavlemøde kl. 8", "status": "in_progress"}])
    assert [u.status for u in action_history.history(fresh_store, action.id)] == ["in_progress"]


def test_due_and_overdue_depend_on_the_deadline_and_never_apply_to_settled_actions():
    from fea_core.report import Action

    today = date(2025, 6, 1)
    make = lambda status, deadline: Action(1, 1, "x", "", deadline, "", status)  # noqa: E731
    assert action_history.due_state(make("in_progress", date(2025, 5, 31)), today) == "overdue"
    assert action_history.due_state(make("not_started", date(2025, 6, 20)), today) == "due"
    assert action_history.due_state(make("adjusted", date(2025, 9, 1)), today) is None
    assert action_history.due_state(make("done", date(2025, 5, 1)), today) is None
    assert action_history.due_state(make("dropped", date(2025, 5, 1)), today) is None
    assert action_history.due_state(make("in_progress", None), today) is None


# --- a forløb with three workshops ----------------------------------------------------------------------


def test_a_course_with_three_workshops_carries_open_problems_and_actions_forward(fresh_store, course):
    first = make_workshop_for_report(fresh_store, "anne", participants=4, problems=4, ideas=2)
    courses.add_workshop(fresh_store, course.id, first.id)
    hidden = items.list_items(fresh_store, first.id, ITEM_PROBLEM)[3]
    items.hide_item(fresh_store, hidden.id)
    open_problems = carry_over.open_problems(fresh_store, first.id)
    chosen = decisions.get_decisions(fresh_store, first.id).chosen_problem_id
    assert chosen not in {p.id for p in open_problems} and hidden.id not in {p.id for p in open_problems}
    assert len(open_problems) == 2
    open_actions = carry_over.open_actions(fresh_store, first.id)
    assert [a.status for a in open_actions] == ["in_progress", "not_started", "not_started"]  # the done one stays
    action_history.record_update(fresh_store, open_actions[0].id, status="adjusted", adjustment="Kl. 8.00", by="anne")

    second = carry_over.start_next_workshop(
        fresh_store, course.id, previous_id=first.id, name="Anden temadag", held_on=date(2025, 6, 2),
        theme="Psykologisk tryghed", owner="anne", problem_ids=[p.id for p in open_problems],
        action_ids=[a.id for a in open_actions[:2]] + [999_999],
    )
    assert second.department == course.department and second.language == course.language
    assert [p.text for p in items.list_items(fresh_store, second.id, ITEM_PROBLEM)] == [p.text for p in open_problems]
    assert [p.number for p in items.list_items(fresh_store, second.id, ITEM_PROBLEM)] == [1, 2]
    carried = handleplan.list_actions(fresh_store, second.id)
    assert [(a.what, a.status) for a in carried] == [(open_actions[0].what, "adjusted"),
                                                       (open_actions[1].what, "not_started")]
    # The carried action's history goes on from where it was.
    assert [u.adjustment for u in action_history.history(fresh_store, carried[0].id)] == ["Kl. 8.00"]
    action_history.record_update(fresh_store, carried[0].id, status="done", by="anne")

    third = carry_over.start_next_workshop(
        fresh_store, course.id, previous_id=second.id, name="Tredje temadag", held_on=date(2025, 11, 3),
        theme="Kommunikation", owner="anne", problem_ids=[], action_ids=[a.id for a in carry_over.open_actions(fresh_store, second.id)],
    )
    assert [w.id for w in courses.course_workshops(fresh_store, course.id)] == [first.id, second.id, third.id]
    assert [a.what for a in handleplan.list_actions(fresh_store, third.id)] == [open_actions[1].what]

    status = build_course_status(fresh_store, course.id, "da", today=date(2025, 11, 10))
    # Each agreement counts once: in the workshop it was carried into last.
    whats = [(t.workshop.id, t.action.what) for t in status.actions]
    assert len(whats) == len({w for _, w in whats})
    assert (third.id, open_actions[1].what) in whats
    assert (second.id, open_actions[0].what) in whats
    assert [d.workshop.id for d in status.decisions] == [first.id, second.id, third.id]


def test_the_overview_lists_overdue_and_due_actions_and_the_next_follow_up(fresh_store, course):
    w = workshop_on(fresh_store, date(2025, 1, 20))
    courses.add_workshop(fresh_store, course.id, w.id)
    today = date(2025, 4, 1)
    plan(fresh_store, w.id, ("For sent", "in_progress", today - timedelta(days=1)),
         ("Snart", "not_started", today + timedelta(days=10)),
         ("Senere", "not_started", today + timedelta(days=90)),
         ("Færdig", "done", today - timedelta(days=30)))
    handleplan.set_follow_up(fresh_store, w.id, "Styregruppen", today + timedelta(days=40))
    courses.add_meeting(fresh_store, course.id, today - timedelta(days=5), "Holdt", by="anne")
    courses.add_meeting(fresh_store, course.id, today + timedelta(days=21), "", by="anne")

    status = build_course_status(fresh_store, course.id, "da", today=today)

    assert [t.action.what for t in status.overdue] == ["For sent"]
    assert [t.action.what for t in status.due_soon] == ["Snart"]
    assert len(status.open_actions) == 3
    assert status.next_follow_up == today + timedelta(days=21)


def test_the_next_follow_up_is_the_first_date_after_today():
    today = date(2025, 4, 1)
    held = courses.Meeting(1, 1, date(2025, 3, 1), "", "anne", utcnow())
    todays = courses.Meeting(2, 1, today, "", "anne", utcnow())
    assert next_follow_up([held, todays], [date(2025, 5, 1), date(2025, 4, 20)], today) == date(2025, 4, 20)
    assert next_follow_up([held, todays], [today], today) is None


# --- deleting -------------------------------------------------------------------------------------------


def test_deleting_a_workshop_removes_its_actions_history_but_not_the_course(fresh_store, course):
    kept = workshop_on(fresh_store, date(2025, 1, 20), "Bliver")
    gone = workshop_on(fresh_store, date(2025, 5, 20), "Slettes")
    for w in (kept, gone):
        courses.add_workshop(fresh_store, course.id, w.id)
    [old] = plan(fresh_store, kept.id, ("Gammel aftale", "in_progress", None))
    [new] = plan(fresh_store, gone.id, ("Ny aftale", "in_progress", None))
    action_history.record_update(fresh_store, new.id, status="done", works="Hemmelig note", by="anne")
    with fresh_store.write() as conn:
        conn.execute(schema.carried_actions.insert().values(action_id=new.id, from_action_id=old.id))

    retention.delete_workshop(fresh_store, gone.id)

    with fresh_store.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.action_updates)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(schema.carried_actions)).scalar_one() == 0
    assert [w.id for w in courses.course_workshops(fresh_store, course.id)] == [kept.id]
    assert courses.get_course(fresh_store, course.id) == course
    assert [t.action.what for t in build_course_status(fresh_store, course.id, "da").actions] == ["Gammel aftale"]


def test_deleting_a_course_keeps_its_workshops_and_only_the_owner_may(fresh_store, course):
    w = workshop_on(fresh_store, date(2025, 1, 20))
    courses.add_workshop(fresh_store, course.id, w.id)
    courses.add_meeting(fresh_store, course.id, date(2025, 3, 1), "Noter", by="anne")
    with pytest.raises(courses.NotCourseOwner):
        courses.delete_course(fresh_store, course.id, by="bent")

    assert courses.delete_course(fresh_store, course.id, by="anne")

    assert courses.get_course(fresh_store, course.id) is None
    assert courses.course_of(fresh_store, w.id) is None and get_workshop(fresh_store, w.id) is not None
    with fresh_store.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.follow_up_meetings)).scalar_one() == 0
    assert not courses.delete_course(fresh_store, course.id)  # a second click deletes nothing


def test_the_retention_period_deletes_a_course_once_its_workshops_are_gone_and_its_last_day_is_past(fresh_store):
    old = courses.create_course(fresh_store, name="Gammelt", department="A", starts_on=date(2023, 1, 1),
                                ends_on=date(2023, 12, 1), language="da", owner="anne")
    courses.add_workshop(fresh_store, old.id, workshop_on(fresh_store, date(2023, 2, 1)).id)
    recent_meeting = courses.create_course(fresh_store, name="Mødtes for nylig", department="A",
                                           starts_on=date(2023, 1, 1), language="da", owner="anne")
    courses.add_meeting(fresh_store, recent_meeting.id, date(2026, 6, 1), "", by="anne")
    running = courses.create_course(fresh_store, name="Kører", department="A", starts_on=date(2023, 1, 1),
                                    language="da", owner="anne")
    courses.add_workshop(fresh_store, running.id, workshop_on(fresh_store, date(2026, 5, 1)).id)

    retention.delete_older_than(fresh_store, 12, today=date(2026, 11, 26))

    assert courses.get_course(fresh_store, old.id) is None
    assert courses.get_course(fresh_store, recent_meeting.id) is not None
    assert courses.get_course(fresh_store, running.id) is not None


def test_a_carried_action_was_agreed_on_the_day_of_its_first_workshop(fresh_store, course):
    first = workshop_on(fresh_store, date(2025, 1, 20))
    courses.add_workshop(fresh_store, course.id, first.id)
    [action] = plan(fresh_store, first.id, ("Tavlemøde", "in_progress", None))
    second = carry_over.start_next_workshop(fresh_store, course.id, previous_id=first.id, name="Anden",
                                            held_on=date(2025, 6, 1), theme="T", owner="anne", action_ids=[action.id])
    [carried] = handleplan.list_actions(fresh_store, second.id)
    assert action_history.carried_from(fresh_store, carried.id) == action.id
    assert action_history.agreed_on(fresh_store, carried.id) == date(2025, 1, 20)
    assert action_history.agreed_on(fresh_store, action.id) == date(2025, 1, 20)
