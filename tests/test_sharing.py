"""Tests of fea_core.sharing: the owner shares a workshop with co-facilitators who may then run it, and
names which of them read its raw interview notes; a forløb's steering group never does."""

from __future__ import annotations

from datetime import date

import bcrypt
import pytest
from sqlalchemy import func, select

from fea_core import accounts, audit, courses, schema
from fea_core import interviews as iv
from fea_core.errors import FeaError, NotWorkshopOwner, UnknownFacilitator
from fea_core.sharing import (
    NotCoFacilitator,
    can_facilitate,
    can_read_notes,
    co_facilitators,
    grant_interview_notes,
    interview_readers,
    revoke_interview_notes,
    share_workshop,
    unshare_workshop,
)
from fea_core.workshops import create_workshop, get_workshop, list_workshops

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def accounts_in_store(fresh_store, monkeypatch):
    """The workshop fixture's owner "anne", and "bent" and "carla"."""
    real_gensalt = bcrypt.gensalt
    monkeypatch.setattr(accounts.bcrypt, "gensalt", lambda *a, **k: real_gensalt(rounds=4))
    for username in ("anne", "bent", "carla"):
        accounts.create_facilitator(fresh_store, username, username.title(), PASSWORD)


def make(store, name: str, owner: str, held_on: date = date(2025, 3, 14)):
    return create_workshop(
        store, name=name, department="Lager", held_on=held_on, theme="Tema", language="da", owner=owner
    )


def test_a_new_workshop_is_shared_with_no_one(fresh_store, workshop):
    assert co_facilitators(fresh_store, workshop.id) == []


def test_the_owner_can_facilitate_and_others_cannot(fresh_store, workshop):
    assert can_facilitate(fresh_store, workshop, "anne")
    assert not can_facilitate(fresh_store, workshop, "bent")


def test_a_shared_workshop_can_be_facilitated_by_the_co_facilitator_only(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, "bent")
    assert co_facilitators(fresh_store, workshop.id) == ["bent"]
    assert can_facilitate(fresh_store, workshop, "bent")
    assert not can_facilitate(fresh_store, workshop, "carla")


def test_nobody_can_facilitate_a_missing_workshop_or_without_a_username(fresh_store, workshop):
    assert not can_facilitate(fresh_store, None, "anne")
    assert not can_facilitate(fresh_store, workshop, None)
    assert not can_facilitate(fresh_store, workshop, "")


def test_the_username_is_matched_in_lower_case(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, " Bent ")
    assert co_facilitators(fresh_store, workshop.id) == ["bent"]


def test_sharing_with_an_unknown_user_is_refused_and_saves_nothing(fresh_store, workshop):
    with pytest.raises(UnknownFacilitator) as raised:
        share_workshop(fresh_store, workshop.id, "nobody")
    assert raised.value.params == {"username": "nobody"}
    assert isinstance(raised.value, FeaError)
    assert co_facilitators(fresh_store, workshop.id) == []


def test_sharing_twice_keeps_one_row(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, "bent")
    share_workshop(fresh_store, workshop.id, "bent")
    assert co_facilitators(fresh_store, workshop.id) == ["bent"]


def test_sharing_with_the_owner_changes_nothing(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, "anne")
    assert co_facilitators(fresh_store, workshop.id) == []


def test_co_facilitators_are_listed_in_the_order_they_were_added(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, "carla")
    share_workshop(fresh_store, workshop.id, "bent")
    assert co_facilitators(fresh_store, workshop.id) == ["carla", "bent"]


def test_unsharing_takes_the_right_away(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, "bent")
    share_workshop(fresh_store, workshop.id, "carla")
    unshare_workshop(fresh_store, workshop.id, "bent")
    assert co_facilitators(fresh_store, workshop.id) == ["carla"]
    assert not can_facilitate(fresh_store, workshop, "bent")


def test_unsharing_someone_it_was_not_shared_with_does_nothing(fresh_store, workshop):
    unshare_workshop(fresh_store, workshop.id, "bent")
    assert co_facilitators(fresh_store, workshop.id) == []


def test_only_the_owner_may_share_when_the_caller_is_named(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, "bent", by="anne")
    with pytest.raises(NotWorkshopOwner):
        share_workshop(fresh_store, workshop.id, "carla", by="bent")
    with pytest.raises(NotWorkshopOwner):
        unshare_workshop(fresh_store, workshop.id, "bent", by="bent")
    assert co_facilitators(fresh_store, workshop.id) == ["bent"]


def test_sharing_a_missing_workshop_is_a_programming_error(fresh_store):
    with pytest.raises(ValueError):
        share_workshop(fresh_store, 999, "bent")


def test_sharing_bumps_the_revision_but_not_what_phones_show(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, "bent")
    after = get_workshop(fresh_store, workshop.id)
    assert (after.revision, after.stage) == (workshop.revision + 1, workshop.stage)


def test_the_list_holds_own_and_shared_workshops_newest_first(fresh_store, workshop):
    bents = make(fresh_store, "Bents egen", "bent", date(2025, 1, 1))
    carlas = make(fresh_store, "Carlas delte", "carla", date(2025, 6, 1))
    make(fresh_store, "Carlas private", "carla")
    share_workshop(fresh_store, carlas.id, "bent")
    share_workshop(fresh_store, workshop.id, "bent")
    assert [w.name for w in list_workshops(fresh_store, "bent")] == [
        "Carlas delte",
        workshop.name,
        "Bents egen",
    ]
    assert [w.name for w in list_workshops(fresh_store, "anne")] == [workshop.name]
    assert bents.owner == "bent"


def test_a_workshop_shared_with_two_is_listed_once_for_each(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, "bent")
    share_workshop(fresh_store, workshop.id, "carla")
    assert [w.id for w in list_workshops(fresh_store, "bent")] == [workshop.id]
    assert [w.id for w in list_workshops(fresh_store, "carla")] == [workshop.id]
    assert [w.id for w in list_workshops(fresh_store, "anne")] == [workshop.id]


def test_deleting_a_workshop_removes_its_sharing(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, "bent")
    with fresh_store.write() as conn:  # straight in the table: the foreign key's cascade does it
        conn.execute(schema.workshops.delete().where(schema.workshops.c.id == workshop.id))
    with fresh_store.read() as conn:
        left = conn.execute(select(func.count()).select_from(schema.workshop_facilitators)).scalar_one()
    assert left == 0
    assert list_workshops(fresh_store, "bent") == []


# --- raw interview notes: the owner and the co-facilitators the owner names ------------------------


def test_a_plain_co_facilitator_runs_the_workshop_but_does_not_read_its_raw_notes(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, "bent", by="anne")
    assert can_facilitate(fresh_store, workshop, "bent")
    assert not can_read_notes(fresh_store, workshop, "bent")
    assert can_read_notes(fresh_store, workshop, "anne")
    assert not can_read_notes(fresh_store, workshop, "carla")


def test_the_owner_names_a_co_facilitator_for_the_notes_and_can_take_it_back(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, "bent", by="anne")
    grant_interview_notes(fresh_store, workshop.id, "bent", by="anne")
    assert can_read_notes(fresh_store, workshop, "bent")
    assert interview_readers(fresh_store, workshop.id) == ["bent"]
    revoke_interview_notes(fresh_store, workshop.id, "bent", by="anne")
    assert not can_read_notes(fresh_store, workshop, "bent")
    assert can_facilitate(fresh_store, workshop, "bent")  # still runs it


def test_only_the_owner_may_open_the_notes_and_only_to_a_co_facilitator(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, "bent", by="anne")
    share_workshop(fresh_store, workshop.id, "carla", by="anne")
    with pytest.raises(NotWorkshopOwner):
        grant_interview_notes(fresh_store, workshop.id, "carla", by="bent")
    with pytest.raises(NotWorkshopOwner):
        grant_interview_notes(fresh_store, workshop.id, "bent", by="bent")  # not even to oneself
    unshare_workshop(fresh_store, workshop.id, "carla", by="anne")
    with pytest.raises(NotCoFacilitator) as raised:
        grant_interview_notes(fresh_store, workshop.id, "carla", by="anne")
    assert raised.value.params == {"username": "carla"}
    assert interview_readers(fresh_store, workshop.id) == []


def test_unsharing_ends_the_notes_access_too_and_sharing_again_does_not_bring_it_back(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, "bent", by="anne")
    grant_interview_notes(fresh_store, workshop.id, "bent", by="anne")
    unshare_workshop(fresh_store, workshop.id, "bent", by="anne")
    assert not can_read_notes(fresh_store, workshop, "bent")
    share_workshop(fresh_store, workshop.id, "bent", by="anne")
    assert not can_read_notes(fresh_store, workshop, "bent")
    assert interview_readers(fresh_store, workshop.id) == []


def test_a_deactivated_account_can_neither_run_a_workshop_nor_read_its_notes(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, "bent", by="anne")
    grant_interview_notes(fresh_store, workshop.id, "bent", by="anne")
    accounts.deactivate_facilitator(fresh_store, "bent", by="anne")
    assert not can_facilitate(fresh_store, workshop, "bent")
    assert not can_read_notes(fresh_store, workshop, "bent")
    accounts.reactivate_facilitator(fresh_store, "bent", by="anne")
    assert can_read_notes(fresh_store, workshop, "bent")


def test_every_sharing_change_is_in_the_audit_log(fresh_store, workshop):
    share_workshop(fresh_store, workshop.id, "bent", by="anne")
    grant_interview_notes(fresh_store, workshop.id, "bent", by="anne")
    revoke_interview_notes(fresh_store, workshop.id, "bent", by="anne")
    grant_interview_notes(fresh_store, workshop.id, "bent", by="anne")
    unshare_workshop(fresh_store, workshop.id, "bent", by="anne")
    entries = audit.entries(fresh_store, by="anne", limit=500)
    where = f"workshop {workshop.code}"
    assert [(e.actor, e.action, e.target, e.detail) for e in reversed(entries) if e.action != "account.create"] == [
        ("anne", "workshop.share", "bent", where),
        ("anne", "notes.grant", "bent", where),
        ("anne", "notes.revoke", "bent", where),
        ("anne", "notes.grant", "bent", where),
        ("anne", "notes.revoke", "bent", where),
        ("anne", "workshop.unshare", "bent", where),
    ]


# --- a forløb's steering group runs its workshops, never reads their notes --------------------------


@pytest.fixture
def course(fresh_store, workshop):
    course = courses.create_course(fresh_store, name="Forløb", department="Lager", starts_on=date(2025, 1, 1),
                                   language="da", owner="anne")
    courses.add_workshop(fresh_store, course.id, workshop.id, by="anne")
    return course


def test_a_steering_group_member_runs_the_forlobs_workshops_but_never_reads_their_raw_notes(
    fresh_store, workshop, course
):
    courses.add_course_facilitator(fresh_store, course.id, "bent", by="anne")
    later = make(fresh_store, "Næste", "anne")
    courses.add_workshop(fresh_store, course.id, later.id, by="anne")
    for w in (workshop, later):
        assert can_facilitate(fresh_store, w, "bent")
        assert not can_read_notes(fresh_store, w, "bent")
    with pytest.raises(iv.NotNotesReader):
        iv.all_interviews(fresh_store, workshop.id, by="bent")
    with pytest.raises(iv.NotNotesReader):
        iv.list_links(fresh_store, workshop.id, by="bent")


def test_removing_a_steering_group_member_takes_them_off_the_forlobs_workshops_at_once(
    fresh_store, workshop, course
):
    courses.add_course_facilitator(fresh_store, course.id, "bent", by="anne")
    grant_interview_notes(fresh_store, workshop.id, "bent", by="anne")
    bents_own = make(fresh_store, "Bents egen", "bent")
    courses.add_workshop(fresh_store, course.id, bents_own.id, by="bent")

    courses.remove_course_facilitator(fresh_store, course.id, "bent", by="anne")

    assert courses.course_facilitators(fresh_store, course.id) == []
    assert not courses.can_follow(fresh_store, courses.get_course(fresh_store, course.id), "bent")
    assert not can_facilitate(fresh_store, workshop, "bent")
    assert not can_read_notes(fresh_store, workshop, "bent")
    assert can_facilitate(fresh_store, get_workshop(fresh_store, bents_own.id), "bent")  # still his own
    actions = [(e.action, e.target) for e in audit.entries(fresh_store, by="anne", limit=500)]
    assert ("course.remove_member", "bent") in actions and ("workshop.unshare", "bent") in actions


def test_only_the_forlobs_owner_may_remove_a_steering_group_member(fresh_store, workshop, course):
    courses.add_course_facilitator(fresh_store, course.id, "bent", by="anne")
    courses.add_course_facilitator(fresh_store, course.id, "carla", by="anne")
    with pytest.raises(courses.NotCourseOwner):
        courses.remove_course_facilitator(fresh_store, course.id, "carla", by="bent")
    assert courses.course_facilitators(fresh_store, course.id) == ["bent", "carla"]
    assert can_facilitate(fresh_store, workshop, "carla")
