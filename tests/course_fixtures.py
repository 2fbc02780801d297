"""Rows in every forløb table (migration 006) for one workshop, for the deletion and privacy tests."""

from __future__ import annotations

from datetime import date

from fea_core import action_history, courses, handleplan, schema


def fill_course_tables(store, workshop_id: int, owner: str = "anne"):
    """Put the workshop into a new forløb with a meeting, a dated action update and a carried action."""
    course = courses.create_course(
        store, name="Forløb 2025", department="Akutmodtagelsen", starts_on=date(2025, 1, 1),
        language="da", owner=owner, steering_group="Leder, AMR, TR",
    )
    courses.add_workshop(store, course.id, workshop_id)
    with store.write() as conn:
        conn.execute(schema.course_facilitators.insert().values(
            course_id=course.id, username="bent", added_at=date(2025, 1, 2)
        ))
    meeting = courses.add_meeting(store, course.id, date(2025, 5, 1), "Første opfølgning", by=owner)
    actions = handleplan.list_actions(store, workshop_id)
    action_history.record_update(
        store, actions[0].id, status="adjusted", works="Tavlen bruges", by=owner, meeting_id=meeting.id
    )
    with store.write() as conn:  # as if the second action had been carried over from the first
        conn.execute(schema.carried_actions.insert().values(action_id=actions[1].id, from_action_id=actions[0].id))
    return course
