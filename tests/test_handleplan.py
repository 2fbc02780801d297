"""Tests of fea_core.handleplan (Problemløseren trin 5 and 6) and of migration 003 that adds it."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, delete, func, inspect, select, text

from fea_core import competence, decisions, participation, schema, storage
from fea_core.errors import InvalidText, NotThisActivity, RoundClosed, StaleItem
from fea_core.handleplan import (
    ACTION_TEXT_MAX,
    ANSWER_MAX,
    OWNER_MAX,
    Proposal,
    action_warnings,
    add_action,
    adopt_proposal,
    delete_action,
    parse_date,
    update_action,
    answers,
    follow_up,
    list_actions,
    propose_answer,
    proposals,
    save_actions,
    save_answer,
    set_follow_up,
)
from fea_core.items import list_items
from fea_core.model import (
    ACTIVITIES,
    ACTIVITY_COMPETENCE,
    ACTIVITY_CONCRETISE,
    ACTIVITY_IMPLEMENT,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_SOLUTION_MATRIX,
)
from fea_core.report import ACTION_STATUSES, Action
from fea_core.storage import MIGRATIONS, Store, open_store, utcnow
from fea_core.workshops import end_workshop, get_workshop
from tests.old_release import write_001_rows

# Services that write: run against both databases (PostgreSQL when several processes share one).
pytestmark = pytest.mark.databases("sqlite", "postgresql")

TODAY = date(2025, 4, 1)


def row(what="Indkøbe en tavle", owner="Mette", deadline=None, follow_up="", status="not_started", **extra):
    """Return one row as st.data_editor's records give it."""
    return {"what": what, "owner": owner, "deadline": deadline, "follow_up": follow_up, "status": status, **extra}


def action(deadline=None, owner="Mette", status="not_started") -> Action:
    return Action(id=1, position=1, what="Tavlemøde", owner=owner, deadline=deadline, follow_up="", status=status)


# --- the activities --------------------------------------------------------------------------------


def test_trin_5_and_6_come_after_the_solution_matrix_in_the_workshop_order():
    assert ACTIVITIES[-3:] == (ACTIVITY_SOLUTION_MATRIX, ACTIVITY_CONCRETISE, ACTIVITY_IMPLEMENT)
    assert (ACTIVITY_CONCRETISE, ACTIVITY_IMPLEMENT) == ("concretise", "implement")


def test_the_facilitator_can_move_the_room_to_trin_5_and_6(solver):
    assert solver.step(ACTIVITY_CONCRETISE).activity == "concretise"
    assert solver.step(ACTIVITY_IMPLEMENT).activity == "implement"


# --- answers to the support questions --------------------------------------------------------------


def test_a_workshop_starts_with_five_empty_answers(solver):
    assert answers(solver.store, solver.id) == ("", "", "", "", "")


def test_an_answer_is_saved_with_its_lines_and_without_control_characters(solver):
    saved = save_answer(solver.store, solver.id, 2, "  Færre afbrydelser.\r\nMere ro\x07 om morgenen.  ")
    assert saved == ("", "", "Færre afbrydelser.\nMere ro om morgenen.", "", "")
    assert answers(solver.store, solver.id) == saved


def test_saving_an_answer_again_replaces_it(solver):
    save_answer(solver.store, solver.id, 0, "Et tavlemøde")
    save_answer(solver.store, solver.id, 0, "Et dagligt tavlemøde")
    assert answers(solver.store, solver.id)[0] == "Et dagligt tavlemøde"
    assert solver.count(schema.support_answers) == 1


@pytest.mark.parametrize("empty", ["", "  \n ", None, "\x07"])
def test_an_empty_answer_clears_the_saved_one(solver, empty):
    save_answer(solver.store, solver.id, 4, "Hvordan? Sådan.")
    assert save_answer(solver.store, solver.id, 4, empty)[4] == ""
    assert solver.count(schema.support_answers) == 0


def test_an_answer_over_the_limit_is_rejected_with_the_limit_and_the_old_answer_stays(solver):
    save_answer(solver.store, solver.id, 1, "Alle")
    with pytest.raises(InvalidText) as raised:
        save_answer(solver.store, solver.id, 1, "x" * (ANSWER_MAX + 1))
    assert raised.value.params["reason"] == "too_long"
    assert raised.value.params["limit"] == ANSWER_MAX == 2000
    assert answers(solver.store, solver.id)[1] == "Alle"
    assert len(save_answer(solver.store, solver.id, 1, "x" * ANSWER_MAX)[1]) == ANSWER_MAX


@pytest.mark.parametrize("bad_index", [-1, 5, 99, True, "1", 1.0])
def test_an_answer_to_a_question_that_does_not_exist_is_refused(solver, bad_index):
    with pytest.raises(ValueError):
        save_answer(solver.store, solver.id, bad_index, "Noget")
    assert solver.count(schema.support_answers) == 0


def test_saving_an_answer_moves_the_stage_so_phones_show_it(solver):
    revision, stage = solver.counters()
    save_answer(solver.store, solver.id, 0, "Et tavlemøde")
    assert solver.counters() == (revision + 1, stage + 1)


def test_answers_belong_to_their_workshop(solver):
    other = solver.other_workshop()
    save_answer(solver.store, solver.id, 0, "Vores svar")
    assert answers(other.store, other.id) == ("",) * 5


# --- phones' proposals -----------------------------------------------------------------------------


def test_a_phone_proposes_an_answer_while_trin_5_is_open(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_CONCRETISE)
    proposal = propose_answer(solver.store, phone, 1, "  Også vikarerne  ")
    assert isinstance(proposal, Proposal)
    assert (proposal.question_index, proposal.text, proposal.adopted) == (1, "Også vikarerne", False)
    assert proposals(solver.store, solver.id) == [proposal]


def test_proposals_come_back_in_the_order_they_were_sent(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_CONCRETISE)
    texts = ["Først", "Så", "Til sidst"]
    for index, text in enumerate(texts):
        propose_answer(solver.store, phone, index, text)
    assert [p.text for p in proposals(solver.store, solver.id)] == texts


@pytest.mark.parametrize("activity", [ACTIVITY_COMPETENCE, ACTIVITY_SOLUTION_MATRIX, ACTIVITY_IMPLEMENT])
def test_a_proposal_outside_trin_5_raises_not_this_activity_and_saves_nothing(solver, activity):
    phone = solver.phone()
    solver.step(activity)
    with pytest.raises(NotThisActivity) as raised:
        propose_answer(solver.store, phone, 0, "For sent")
    assert raised.value.params == {"activity": activity}
    assert proposals(solver.store, solver.id) == []


def test_a_proposal_while_trin_5_is_closed_raises_round_closed(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_CONCRETISE, is_open=False)
    with pytest.raises(RoundClosed):
        propose_answer(solver.store, phone, 0, "Lukket")
    assert proposals(solver.store, solver.id) == []


def test_a_proposal_after_the_workshop_ended_raises_round_closed(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_CONCRETISE)
    end_workshop(solver.store, solver.id)
    with pytest.raises(RoundClosed):
        propose_answer(solver.store, phone, 0, "Efter tid")


def test_an_empty_or_too_long_proposal_is_rejected(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_CONCRETISE)
    with pytest.raises(InvalidText) as empty:
        propose_answer(solver.store, phone, 0, "   ")
    with pytest.raises(InvalidText) as long:
        propose_answer(solver.store, phone, 0, "x" * (ANSWER_MAX + 1))
    assert (empty.value.params["reason"], long.value.params["limit"]) == ("empty", ANSWER_MAX)
    assert proposals(solver.store, solver.id) == []


def test_a_proposal_bumps_the_revision_but_not_the_stage(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_CONCRETISE)
    revision, stage = solver.counters()
    propose_answer(solver.store, phone, 0, "Et forslag")
    assert solver.counters() == (revision + 1, stage)


def test_adopting_a_proposal_appends_it_as_a_new_line_and_marks_it_adopted(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_CONCRETISE)
    save_answer(solver.store, solver.id, 1, "Alle på dagvagten")
    proposal = propose_answer(solver.store, phone, 1, "Også vikarerne")
    adopted = adopt_proposal(solver.store, solver.id, proposal.id)
    assert adopted[1] == "Alle på dagvagten\nOgså vikarerne"
    assert answers(solver.store, solver.id) == adopted
    assert [p.adopted for p in proposals(solver.store, solver.id)] == [True]


def test_adopting_a_proposal_for_an_unanswered_question_makes_it_the_answer(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_CONCRETISE)
    proposal = propose_answer(solver.store, phone, 3, "Når det brænder på")
    assert adopt_proposal(solver.store, solver.id, proposal.id)[3] == "Når det brænder på"


def test_adopting_works_after_trin_5_was_closed(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_CONCRETISE)
    proposal = propose_answer(solver.store, phone, 0, "Et tavlemøde")
    solver.step(ACTIVITY_IMPLEMENT)
    assert adopt_proposal(solver.store, solver.id, proposal.id)[0] == "Et tavlemøde"


def test_adopting_the_same_proposal_twice_adds_it_only_once(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_CONCRETISE)
    proposal = propose_answer(solver.store, phone, 0, "Et tavlemøde")
    adopt_proposal(solver.store, solver.id, proposal.id)
    assert adopt_proposal(solver.store, solver.id, proposal.id)[0] == "Et tavlemøde"


def test_adopting_a_proposal_of_another_workshop_raises_stale_item_and_changes_nothing(solver):
    other = solver.other_workshop()
    their_phone = other.phone()
    other.step(ACTIVITY_CONCRETISE)
    theirs = propose_answer(other.store, their_phone, 0, "Deres forslag")
    with pytest.raises(StaleItem) as raised:
        adopt_proposal(solver.store, solver.id, theirs.id)
    assert raised.value.params == {"item_id": theirs.id, "reason": "unknown"}
    assert answers(solver.store, solver.id) == ("",) * 5
    assert [p.adopted for p in proposals(other.store, other.id)] == [False]


@pytest.mark.parametrize("bad_id", [424_242, "1", True, None])
def test_adopting_a_proposal_that_does_not_exist_raises_stale_item(solver, bad_id):
    with pytest.raises(StaleItem):
        adopt_proposal(solver.store, solver.id, bad_id)


def test_adopting_a_proposal_that_would_make_the_answer_too_long_saves_nothing(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_CONCRETISE)
    save_answer(solver.store, solver.id, 0, "x" * (ANSWER_MAX - 5))
    proposal = propose_answer(solver.store, phone, 0, "Et langt forslag")
    with pytest.raises(InvalidText) as raised:
        adopt_proposal(solver.store, solver.id, proposal.id)
    assert raised.value.params["limit"] == ANSWER_MAX
    assert answers(solver.store, solver.id)[0] == "x" * (ANSWER_MAX - 5)
    assert [p.adopted for p in proposals(solver.store, solver.id)] == [False]


def test_a_phone_that_leaves_keeps_its_proposal_without_its_id(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_CONCRETISE)
    proposal = propose_answer(solver.store, phone, 0, "Et tavlemøde")
    with solver.store.write() as conn:
        conn.execute(delete(schema.participants).where(schema.participants.c.id == phone.id))
    assert proposals(solver.store, solver.id) == [proposal]
    with solver.store.read() as conn:
        assert conn.execute(select(schema.answer_proposals.c.participant_id)).scalar_one() is None


# --- the actions -----------------------------------------------------------------------------------


def test_a_workshop_starts_without_actions(solver):
    assert list_actions(solver.store, solver.id) == ()


def test_saved_actions_come_back_numbered_in_the_given_order(solver):
    saved = save_actions(
        solver.store,
        solver.id,
        [row("Indkøbe en tavle", deadline=date(2025, 4, 1)), row("Holde tavlemøde", owner="Alle", status="in_progress")],
    )
    assert [(a.position, a.what, a.owner, a.deadline, a.status) for a in saved] == [
        (1, "Indkøbe en tavle", "Mette", date(2025, 4, 1), "not_started"),
        (2, "Holde tavlemøde", "Alle", None, "in_progress"),
    ]
    assert all(isinstance(a.id, int) for a in saved)
    assert list_actions(solver.store, solver.id) == saved


def test_rows_without_what_are_dropped_like_the_empty_row_an_editor_adds(solver):
    rows = [
        row("Første"),
        {"what": None, "owner": None, "deadline": None, "follow_up": None, "status": None},
        row("   ", owner="Mette", status="no such status", follow_up="x" * 9999),
        {"what": float("nan"), "owner": float("nan"), "deadline": pd.NaT, "follow_up": float("nan"), "status": None},
        row("Anden"),
    ]
    saved = save_actions(solver.store, solver.id, rows)
    assert [(a.position, a.what) for a in saved] == [(1, "Første"), (2, "Anden")]


def test_empty_cells_become_empty_text_and_a_missing_status_is_not_started(solver):
    (saved,) = save_actions(
        solver.store,
        solver.id,
        [{"what": "Tavlemøde", "owner": None, "deadline": float("nan"), "follow_up": float("nan"), "status": None}],
    )
    assert (saved.owner, saved.deadline, saved.follow_up, saved.status) == ("", None, "", "not_started")


@pytest.mark.parametrize(
    "deadline",
    [
        date(2025, 5, 2),
        datetime(2025, 5, 2, 13, 30),
        pd.Timestamp("2025-05-02"),
        np.datetime64("2025-05-02"),
        "2025-05-02",
        " 2025-05-02T00:00:00 ",
    ],
    ids=["date", "datetime", "timestamp", "datetime64", "iso", "iso-datetime"],
)
def test_a_deadline_is_read_from_every_form_an_editor_may_give(solver, deadline):
    (saved,) = save_actions(solver.store, solver.id, [row(deadline=deadline)])
    assert saved.deadline == date(2025, 5, 2)


@pytest.mark.parametrize(
    "empty", [None, float("nan"), pd.NaT, np.datetime64("NaT"), pd.NA, ""], ids=["none", "nan", "nat", "np-nat", "na", "blank"]
)
def test_an_empty_deadline_is_none(solver, empty):
    (saved,) = save_actions(solver.store, solver.id, [row(deadline=empty)])
    assert saved.deadline is None


@pytest.mark.parametrize("typed", ["15.3.2027", "15.03.2027", "2027-03-15", " 15-3-2027 ", "15/03/2027"])
def test_a_date_is_read_as_danes_type_it_and_as_iso(typed):
    assert parse_date(typed) == date(2027, 3, 15)


@pytest.mark.parametrize("typed", ["31.2.2027", "15.13.2027", "15.3.27", "3/15", "15. marts", "2027-02-30"])
def test_a_typed_date_that_does_not_exist_or_lacks_a_full_year_is_refused(typed):
    with pytest.raises(InvalidText) as raised:
        parse_date(typed)
    assert raised.value.params["reason"] == "not_a_date"


def test_a_deadline_that_is_not_a_date_is_rejected_naming_the_row(solver):
    with pytest.raises(InvalidText) as raised:
        save_actions(solver.store, solver.id, [row("A"), row("B", deadline="næste fredag")])
    assert raised.value.params == {"reason": "not_a_date", "limit": 10, "field": "deadline", "row": 2}
    assert list_actions(solver.store, solver.id) == ()


@pytest.mark.parametrize(
    ("field", "limit"), [("what", ACTION_TEXT_MAX), ("owner", OWNER_MAX), ("follow_up", ACTION_TEXT_MAX)]
)
def test_too_long_text_is_rejected_with_its_limit_field_and_row_and_saves_nothing(solver, field, limit):
    save_actions(solver.store, solver.id, [row("Den gamle")])
    bad = row("Ny")
    bad[field] = "x" * (limit + 1)
    with pytest.raises(InvalidText) as raised:
        save_actions(solver.store, solver.id, [row("Første"), bad])
    assert raised.value.params == {
        "reason": "too_long", "limit": limit, "length": limit + 1, "field": field, "row": 2
    }
    assert [a.what for a in list_actions(solver.store, solver.id)] == ["Den gamle"]


def test_the_limits_are_the_documented_ones():
    assert (ANSWER_MAX, ACTION_TEXT_MAX, OWNER_MAX) == (2000, 500, 200)


def test_text_of_exactly_the_limit_is_kept(solver):
    (saved,) = save_actions(
        solver.store, solver.id, [row("x" * ACTION_TEXT_MAX, owner="o" * OWNER_MAX, follow_up="f" * ACTION_TEXT_MAX)]
    )
    assert (len(saved.what), len(saved.owner), len(saved.follow_up)) == (ACTION_TEXT_MAX, OWNER_MAX, ACTION_TEXT_MAX)


def test_an_unknown_status_is_rejected_with_reason_status_and_the_value(solver):
    with pytest.raises(InvalidText) as raised:
        save_actions(solver.store, solver.id, [row(status="Ikke startet")])
    assert raised.value.params == {"reason": "status", "status": "Ikke startet", "field": "status", "row": 1}
    assert list_actions(solver.store, solver.id) == ()


@pytest.mark.parametrize("status", ACTION_STATUSES)
def test_every_status_key_is_accepted(solver, status):
    (saved,) = save_actions(solver.store, solver.id, [row(status=status)])
    assert saved.status == status


def test_action_text_is_cleaned_to_one_line(solver):
    (saved,) = save_actions(solver.store, solver.id, [row("  Indkøbe\n en   tavle\x07 ", owner=" Mette\t(AMR) ")])
    assert (saved.what, saved.owner) == ("Indkøbe en tavle", "Mette (AMR)")


def test_saving_the_list_again_keeps_the_ids_of_rows_that_carry_them(solver):
    first = save_actions(solver.store, solver.id, [row("A"), row("B"), row("C")])
    a, b, c = first
    # As the editor gives it back: C edited and moved first, B deleted, a new row without id.
    rows = [
        row("C ændret", id=float(c.id)),
        row("A", id=a.id),
        row("Ny", id=float("nan")),
    ]
    saved = save_actions(solver.store, solver.id, rows)
    assert [(x.position, x.what) for x in saved] == [(1, "C ændret"), (2, "A"), (3, "Ny")]
    assert saved[0].id == c.id and saved[1].id == a.id
    assert saved[2].id not in {a.id, b.id, c.id}
    assert solver.count(schema.actions) == 3


def test_a_deleted_actions_id_is_never_given_to_a_new_one(solver):
    (only,) = save_actions(solver.store, solver.id, [row("A")])
    save_actions(solver.store, solver.id, [])
    (new,) = save_actions(solver.store, solver.id, [row("B")])
    assert new.id != only.id


def test_an_id_of_another_workshops_action_makes_a_new_action_and_leaves_theirs(solver):
    other = solver.other_workshop()
    (theirs,) = save_actions(other.store, other.id, [row("Deres")])
    (ours,) = save_actions(solver.store, solver.id, [row("Vores", id=theirs.id)])
    assert ours.id != theirs.id
    assert list_actions(other.store, other.id) == (theirs,)


def test_a_copied_row_with_the_same_id_becomes_a_second_action(solver):
    (a,) = save_actions(solver.store, solver.id, [row("A")])
    saved = save_actions(solver.store, solver.id, [row("A", id=a.id), row("A kopi", id=a.id)])
    assert saved[0].id == a.id and saved[1].id != a.id


def test_an_unchanged_action_keeps_its_updated_at_and_a_changed_one_gets_a_new_one(solver):
    a, b = save_actions(solver.store, solver.id, [row("A"), row("B")])

    def stamps():
        with solver.store.read() as conn:
            rows = conn.execute(select(schema.actions.c.id, schema.actions.c.updated_at)).all()
        return dict(rows)

    before = stamps()
    save_actions(solver.store, solver.id, [row("A", id=a.id), row("B", id=b.id, status="done")])
    after = stamps()
    assert after[a.id] == before[a.id]
    assert after[b.id] > before[b.id]


def test_an_empty_list_deletes_every_action(solver):
    save_actions(solver.store, solver.id, [row("A"), row("B")])
    assert save_actions(solver.store, solver.id, []) == ()
    assert solver.count(schema.actions) == 0


def test_saving_actions_moves_the_stage_so_phones_show_them(solver):
    revision, stage = solver.counters()
    save_actions(solver.store, solver.id, [row("A")])
    assert solver.counters() == (revision + 1, stage + 1)


def test_a_records_frame_from_the_editor_saves_as_it_is(solver):
    saved = save_actions(solver.store, solver.id, [row("A", deadline=date(2025, 5, 2)), row("B")])
    frame = pd.DataFrame(
        {
            "id": [a.id for a in saved] + [None],
            "what": [a.what for a in saved] + ["Ny"],
            "owner": [a.owner for a in saved] + [None],
            "deadline": [a.deadline for a in saved] + [None],
            "follow_up": [a.follow_up for a in saved] + [None],
            "status": [a.status for a in saved] + [None],
        }
    )
    again = save_actions(solver.store, solver.id, frame.to_dict("records"))
    assert again[:2] == saved
    assert (again[2].what, again[2].owner, again[2].status) == ("Ny", "", "not_started")


# --- warnings --------------------------------------------------------------------------------------


def test_an_open_action_past_its_deadline_warns():
    assert action_warnings(action(deadline=date(2025, 3, 31)), TODAY) == ("deadline_past",)


def test_an_action_due_today_or_later_does_not_warn():
    assert action_warnings(action(deadline=TODAY), TODAY) == ()
    assert action_warnings(action(deadline=date(2025, 6, 1)), TODAY) == ()
    assert action_warnings(action(deadline=None), TODAY) == ()


@pytest.mark.parametrize("owner", ["", "   "])
def test_an_action_without_an_owner_warns(owner):
    assert action_warnings(action(owner=owner), TODAY) == ("owner_missing",)


def test_an_action_can_carry_both_warnings():
    assert action_warnings(action(deadline=date(2025, 1, 1), owner=""), TODAY) == ("deadline_past", "owner_missing")


@pytest.mark.parametrize("status", ["done", "dropped"])
def test_a_done_or_dropped_action_never_warns(status):
    assert action_warnings(action(deadline=date(2025, 1, 1), owner="", status=status), TODAY) == ()


@pytest.mark.parametrize("status", ["not_started", "in_progress", "adjusted"])
def test_an_action_still_under_way_warns_when_late(status):
    assert action_warnings(action(deadline=date(2025, 1, 1), status=status), TODAY) == ("deadline_past",)


def test_an_action_with_warnings_is_still_saved(solver):
    (saved,) = save_actions(solver.store, solver.id, [row(owner="", deadline=date(2000, 1, 1))])
    assert action_warnings(saved, TODAY) == ("deadline_past", "owner_missing")


# --- follow-up -------------------------------------------------------------------------------------


def test_a_workshop_starts_without_a_follow_up(solver):
    assert follow_up(solver.store, solver.id) == ("", None)


def test_the_follow_up_process_and_next_date_are_saved_and_replaced(solver):
    saved = set_follow_up(solver.store, solver.id, "Styregruppen ser på planen.\r\nHver måned.", date(2025, 5, 13))
    assert saved == ("Styregruppen ser på planen.\nHver måned.", date(2025, 5, 13))
    assert set_follow_up(solver.store, solver.id, "Hver uge", None) == ("Hver uge", None)
    assert follow_up(solver.store, solver.id) == ("Hver uge", None)
    assert solver.count(schema.plans) == 1


def test_an_empty_follow_up_process_clears_it(solver):
    set_follow_up(solver.store, solver.id, "Hver måned", date(2025, 5, 13))
    assert set_follow_up(solver.store, solver.id, "  ", date(2025, 5, 13)) == ("", date(2025, 5, 13))
    assert set_follow_up(solver.store, solver.id, None, None) == ("", None)


def test_a_follow_up_process_over_the_limit_is_rejected(solver):
    with pytest.raises(InvalidText) as raised:
        set_follow_up(solver.store, solver.id, "x" * (ANSWER_MAX + 1), None)
    assert raised.value.params["limit"] == ANSWER_MAX
    assert follow_up(solver.store, solver.id) == ("", None)


def test_a_next_follow_up_that_is_not_a_date_is_rejected(solver):
    with pytest.raises(InvalidText) as raised:
        set_follow_up(solver.store, solver.id, "Hver måned", "snart")
    assert raised.value.params["reason"] == "not_a_date"


def test_setting_the_follow_up_bumps_the_revision_but_not_the_stage(solver):
    revision, stage = solver.counters()
    set_follow_up(solver.store, solver.id, "Hver måned", None)
    assert solver.counters() == (revision + 1, stage)


def test_deleting_a_workshop_takes_its_handleplan_with_it(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_CONCRETISE)
    save_answer(solver.store, solver.id, 0, "Svar")
    propose_answer(solver.store, phone, 0, "Forslag")
    save_actions(solver.store, solver.id, [row("A")])
    set_follow_up(solver.store, solver.id, "Hver måned", None)
    with solver.store.write() as conn:
        conn.execute(delete(schema.workshops).where(schema.workshops.c.id == solver.id))
    with solver.store.read() as conn:
        for table in (schema.support_answers, schema.answer_proposals, schema.actions, schema.plans):
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0, table.name


# --- migration 003 ---------------------------------------------------------------------------------

HANDLEPLAN_TABLES = {"support_answers", "answer_proposals", "actions", "plans"}


def test_the_handleplan_migration_comes_third():
    # Later migrations (004_security, ...) are appended after it; never reordered.
    assert [name for name, _ in MIGRATIONS][:3] == ["001_initial", "002_problem_solver", "003_handleplan"]


def _store_at(url: str, last: str) -> Store:
    """Return a store on a new database with the migrations up to ``last`` applied, as an older release left it."""
    names = [name for name, _ in MIGRATIONS]
    engine = create_engine(url)
    storage._configure_sqlite(engine)
    store = Store(engine)
    with store.write() as conn:
        schema.schema_migrations.create(conn)
        for name, step in MIGRATIONS[: names.index(last) + 1]:
            step(conn)
            conn.execute(schema.schema_migrations.insert().values(name=name, applied_at=utcnow()))
    return store


def test_a_database_at_002_upgrades_to_003_and_keeps_its_rows(tmp_path):
    url = f"sqlite:///{tmp_path}/old.sqlite3"
    old = _store_at(url, "002_problem_solver")
    assert old.applied_migrations() == ["001_initial", "002_problem_solver"]
    assert not HANDLEPLAN_TABLES & set(inspect(old.engine).get_table_names())
    rows = write_001_rows(old, activity=ACTIVITY_PROBLEM_MATRIX)
    # Items, placements and the choice as release 002 wrote them: today's services read columns
    # that later migrations add (items.text_key, 007), so the rows go in as that release's SQL did.
    at = "2025-03-14 10:00:00.000000"
    with old.write() as conn:
        problem_id = conn.execute(
            text("INSERT INTO items (workshop_id, kind, number, text, author_participant_id, created_at, hidden)"
                 " VALUES (:w, 'problem', 1, 'Støj', NULL, :at, 0) RETURNING id"), {"w": rows.workshop_id, "at": at},
        ).scalar_one()
        conn.execute(text("INSERT INTO placements (item_id, participant_id, workshop_id, x, y, updated_at)"
                          " VALUES (:i, :p, :w, 4, 5, :at)"),
                     {"i": problem_id, "p": rows.participant_id, "w": rows.workshop_id, "at": at})
        conn.execute(text("INSERT INTO decisions (workshop_id, chosen_problem_id, updated_at) VALUES (:w, :i, :at)"),
                     {"w": rows.workshop_id, "i": problem_id, "at": at})
    old.engine.dispose()

    upgraded = open_store(url)  # what the next release does on start
    try:
        assert upgraded.applied_migrations() == [name for name, _ in MIGRATIONS]
        assert "003_handleplan" in upgraded.applied_migrations()
        assert upgraded.migrate() == []
        assert HANDLEPLAN_TABLES <= set(inspect(upgraded.engine).get_table_names())
        workshop = get_workshop(upgraded, rows.workshop_id)
        assert (workshop.code, workshop.name, workshop.activity, workshop.stage) == (
            rows.code, "Temadag", ACTIVITY_PROBLEM_MATRIX, 2)
        assert participation.resume(upgraded, rows.token).id == rows.participant_id
        assert len(competence.rating_rows(upgraded, workshop.id)) == 6
        assert [(i.id, i.text) for i in list_items(upgraded, workshop.id, "problem")] == [(problem_id, "Støj")]
        assert decisions.get_decisions(upgraded, workshop.id).chosen_problem_id == problem_id
        assert [(r.x, r.y) for r in upgraded_placements(upgraded, problem_id)] == [(4, 5)]
        save_answer(upgraded, workshop.id, 0, "Svar")
        assert [a.what for a in save_actions(upgraded, workshop.id, [row("A")])] == ["A"]
    finally:
        upgraded.engine.dispose()


def upgraded_placements(store: Store, item_id: int) -> list:
    with store.read() as conn:
        return conn.execute(select(schema.placements).where(schema.placements.c.item_id == item_id)).all()


def test_migration_003_applied_by_hand_on_002_creates_only_the_handleplan_tables(tmp_path):
    store = _store_at(f"sqlite:///{tmp_path}/hand.sqlite3", "002_problem_solver")
    try:
        before = set(inspect(store.engine).get_table_names())
        with store.write() as conn:  # only 003: the migrations after it add tables of their own
            dict(MIGRATIONS)["003_handleplan"](conn)
        store.engine.dispose()  # the inspector caches; look again on a fresh connection
        assert set(inspect(store.engine).get_table_names()) - before == HANDLEPLAN_TABLES
    finally:
        store.engine.dispose()


# --- trin 6 written live: one agreement at a time --------------------------------------------------


def test_an_agreement_is_added_at_the_end_with_its_typed_date_and_the_default_status(solver):
    add_action(solver.store, solver.id, "Indkøbe en tavle", "Mette")
    added = add_action(solver.store, solver.id, "  Første tavlemøde  ", "Jonas", "15.3.2027", "Efter en måned")
    assert (added.position, added.what, added.owner, added.deadline, added.follow_up, added.status) == (
        2, "Første tavlemøde", "Jonas", date(2027, 3, 15), "Efter en måned", "not_started"
    )
    assert [a.what for a in list_actions(solver.store, solver.id)] == ["Indkøbe en tavle", "Første tavlemøde"]


@pytest.mark.parametrize("what", ["", "   ", None, "\u200b"])
def test_an_agreement_without_a_what_is_refused_naming_the_field(solver, what):
    with pytest.raises(InvalidText) as raised:
        add_action(solver.store, solver.id, what, "Mette", "15.3.2027")
    assert (raised.value.params["reason"], raised.value.params["field"]) == ("empty", "what")
    assert list_actions(solver.store, solver.id) == ()


def test_an_agreement_with_a_date_that_does_not_exist_is_refused_and_nothing_is_saved(solver):
    with pytest.raises(InvalidText) as raised:
        add_action(solver.store, solver.id, "Tavlemøde", "Mette", "31.2.2027")
    assert (raised.value.params["reason"], raised.value.params["field"]) == ("not_a_date", "deadline")
    assert list_actions(solver.store, solver.id) == ()


def test_an_agreement_with_an_unknown_status_is_refused(solver):
    with pytest.raises(InvalidText) as raised:
        add_action(solver.store, solver.id, "Tavlemøde", status="finished!")
    assert raised.value.params["reason"] == "status"


def test_adding_updating_and_deleting_an_agreement_each_move_the_stage(solver):
    revision, stage = solver.counters()
    added = add_action(solver.store, solver.id, "Tavlemøde")
    assert solver.counters() == (revision + 1, stage + 1)
    update_action(solver.store, solver.id, added.id, "Tavlemøde kl. 7.45")
    assert solver.counters() == (revision + 2, stage + 2)
    delete_action(solver.store, solver.id, added.id)
    assert solver.counters() == (revision + 3, stage + 3)


def test_an_agreement_is_edited_in_place_and_keeps_its_number_and_id(solver):
    first = add_action(solver.store, solver.id, "Tavlemøde", "Mette")
    add_action(solver.store, solver.id, "Evaluér")
    edited = update_action(solver.store, solver.id, first.id, "Tavlemøde kl. 7.45", "Jonas", "2027-03-15", "", "in_progress")
    assert (edited.id, edited.position, edited.what, edited.owner, edited.deadline, edited.status) == (
        first.id, 1, "Tavlemøde kl. 7.45", "Jonas", date(2027, 3, 15), "in_progress"
    )
    assert [a.what for a in list_actions(solver.store, solver.id)] == ["Tavlemøde kl. 7.45", "Evaluér"]


def test_a_changed_status_of_an_edited_agreement_is_kept_in_its_history(solver):
    from fea_core.action_history import history

    added = add_action(solver.store, solver.id, "Tavlemøde", "Mette")
    update_action(solver.store, solver.id, added.id, "Tavlemøde", "Mette", None, "", "in_progress")
    update_action(solver.store, solver.id, added.id, "Tavlemøde, nu med kaffe", "Mette", None, "", "in_progress")
    assert [u.status for u in history(solver.store, added.id)] == ["in_progress"]


def test_an_invalid_edit_changes_nothing(solver):
    added = add_action(solver.store, solver.id, "Tavlemøde", "Mette", "1.4.2027")
    with pytest.raises(InvalidText):
        update_action(solver.store, solver.id, added.id, "Tavlemøde", "Mette", "næste fredag")
    assert list_actions(solver.store, solver.id) == (added,)


def test_editing_another_workshops_agreement_or_a_deleted_one_raises_stale_item(solver):
    other = solver.other_workshop()
    theirs = add_action(other.store, other.id, "Deres aftale")
    mine = add_action(solver.store, solver.id, "Vores aftale")
    delete_action(solver.store, solver.id, mine.id)
    for action_id in (theirs.id, mine.id, True, "1"):
        with pytest.raises(StaleItem):
            update_action(solver.store, solver.id, action_id, "Overtaget")
    assert [a.what for a in list_actions(other.store, other.id)] == ["Deres aftale"]


def test_deleting_an_agreement_numbers_the_rest_again_and_a_second_delete_changes_nothing(solver):
    first, second, third = (add_action(solver.store, solver.id, what) for what in ("A", "B", "C"))
    remaining = delete_action(solver.store, solver.id, second.id)
    assert [(a.what, a.position) for a in remaining] == [("A", 1), ("C", 2)]
    assert delete_action(solver.store, solver.id, second.id) == remaining
    assert add_action(solver.store, solver.id, "D").position == 3


def test_another_workshops_agreement_cannot_be_deleted(solver):
    other = solver.other_workshop()
    theirs = add_action(other.store, other.id, "Deres aftale")
    with pytest.raises(StaleItem):
        delete_action(solver.store, solver.id, theirs.id)
    assert [a.what for a in list_actions(other.store, other.id)] == ["Deres aftale"]


def test_adopting_a_proposal_moves_the_stage_so_phones_show_the_answer(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_CONCRETISE)
    proposal = propose_answer(solver.store, phone, 1, "Også vikarerne")
    revision, stage = solver.counters()
    adopt_proposal(solver.store, solver.id, proposal.id)
    assert solver.counters() == (revision + 1, stage + 1)
