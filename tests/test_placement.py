"""Tests of fea_core.placement: phones placing problems (trin 2) and ideas (trin 4) in the matrices."""

from __future__ import annotations

import pandas as pd
import pytest

from fea_core import placement as placement_module
from fea_core.errors import InvalidPlacement, NotThisActivity, RoundClosed, StaleItem
from fea_core.items import hide_item, merge_items, unmerge_item
from fea_core.model import (
    ACTIVITY_IDEAS,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS,
    ACTIVITY_SOLUTION_MATRIX,
    ACTIVITY_WELCOME,
    Placement,
)
from fea_core.placement import (
    PLACEMENT_MAX,
    PLACEMENT_MIN,
    ROW_COLUMNS,
    my_placements,
    place_item,
    placement_rows,
    remove_placement,
)
from fea_core.workshops import end_workshop, set_activity, set_activity_open

# Services that write: run against both databases (PostgreSQL when several processes share one).
pytestmark = pytest.mark.databases("sqlite", "postgresql")


@pytest.fixture
def problems(solver):
    """Three problems on the list and the room at trin 2, open."""
    made = solver.add("problem", "Støj", "Larm i frokoststuen", "Travlhed")
    solver.step(ACTIVITY_PROBLEM_MATRIX)
    return made


def rows_of(solver, kind="problem") -> list[tuple]:
    """Return placement_rows as sorted (item_id, participant_id, x, y) tuples."""
    frame = placement_rows(solver.store, solver.id, kind)
    return sorted(tuple(r) for r in frame[ROW_COLUMNS].itertuples(index=False))


def test_the_scale_is_one_to_five():
    assert (PLACEMENT_MIN, PLACEMENT_MAX) == (1, 5)


# --- saving a placement --------------------------------------------------------------------------


def test_a_phone_places_a_problem_while_trin_2_is_open(solver, problems):
    phone = solver.phone()
    saved = place_item(solver.store, phone, problems[0].id, 4, 2)
    assert saved == Placement(item_id=problems[0].id, participant_id=phone.id, x=4, y=2, number=1, kind="problem")
    assert my_placements(solver.store, phone, "problem") == {problems[0].id: (4, 2)}
    assert rows_of(solver) == [(problems[0].id, phone.id, 4.0, 2.0)]


def test_placing_the_same_item_again_moves_it_instead_of_adding_one(solver, problems):
    phone = solver.phone()
    place_item(solver.store, phone, problems[0].id, 1, 1)
    place_item(solver.store, phone, problems[0].id, 5, 3)
    assert my_placements(solver.store, phone, "problem") == {problems[0].id: (5, 3)}
    assert solver.placements_saved() == 1


def test_each_phone_has_its_own_placements(solver, problems):
    a, b = solver.phone(), solver.phone()
    place_item(solver.store, a, problems[0].id, 1, 5)
    place_item(solver.store, b, problems[0].id, 5, 1)
    place_item(solver.store, b, problems[1].id, 3, 3)
    assert my_placements(solver.store, a, "problem") == {problems[0].id: (1, 5)}
    assert my_placements(solver.store, b, "problem") == {problems[0].id: (5, 1), problems[1].id: (3, 3)}
    assert my_placements(solver.store, b, "idea") == {}


def test_a_phone_places_ideas_during_trin_4(solver):
    (idea,) = solver.add("idea", "Faste mødefri dage")
    solver.step(ACTIVITY_SOLUTION_MATRIX)
    phone = solver.phone()
    place_item(solver.store, phone, idea.id, 1, 5)
    assert my_placements(solver.store, phone, "idea") == {idea.id: (1, 5)}
    assert rows_of(solver, "idea") == [(idea.id, phone.id, 1.0, 5.0)]
    assert rows_of(solver, "problem") == []


@pytest.mark.parametrize(
    "x, y",
    [(0, 3), (6, 3), (3, 0), (3, 6), (-1, -1), (2.5, 3), (3, 3.0), ("3", 3), (True, 3), (3, False), (None, 3)],
)
def test_a_position_off_the_scale_or_not_a_whole_number_raises_invalid_placement(solver, problems, x, y):
    phone = solver.phone()
    before = solver.counters()
    with pytest.raises(InvalidPlacement) as raised:
        place_item(solver.store, phone, problems[0].id, x, y)
    assert raised.value.code == "invalid_placement"
    assert raised.value.params["low"] == 1 and raised.value.params["high"] == 5
    assert solver.placements_saved() == 0
    assert solver.counters() == before


@pytest.mark.parametrize("x, y", [(1, 1), (5, 5), (1, 5), (5, 1), (3, 3)])
def test_the_corners_and_the_centre_are_valid_positions(solver, problems, x, y):
    phone = solver.phone()
    place_item(solver.store, phone, problems[0].id, x, y)
    assert my_placements(solver.store, phone, "problem") == {problems[0].id: (x, y)}


# --- when placements are taken -------------------------------------------------------------------


@pytest.mark.parametrize("activity", [ACTIVITY_WELCOME, ACTIVITY_PROBLEMS, ACTIVITY_IDEAS])
def test_placing_outside_the_matrix_steps_raises_not_this_activity(solver, problems, activity):
    phone = solver.phone()
    solver.step(activity)
    with pytest.raises(NotThisActivity) as raised:
        place_item(solver.store, phone, problems[0].id, 3, 3)
    assert raised.value.params["activity"] == activity
    assert solver.placements_saved() == 0


def test_a_problem_cannot_be_placed_in_the_solution_matrix_nor_an_idea_in_the_problem_matrix(solver, problems):
    (idea,) = solver.add("idea", "Faste mødefri dage")
    phone = solver.phone()
    with pytest.raises(StaleItem) as raised:
        place_item(solver.store, phone, idea.id, 3, 3)
    assert raised.value.params["reason"] == "other_kind"
    solver.step(ACTIVITY_SOLUTION_MATRIX)
    with pytest.raises(StaleItem):
        place_item(solver.store, phone, problems[0].id, 3, 3)
    assert solver.placements_saved() == 0


def test_a_placement_after_the_step_closed_raises_round_closed_and_keeps_the_earlier_one(solver, problems):
    phone = solver.phone()
    place_item(solver.store, phone, problems[0].id, 2, 4)
    solver.close()
    before = solver.counters()
    with pytest.raises(RoundClosed):
        place_item(solver.store, phone, problems[0].id, 5, 5)
    with pytest.raises(RoundClosed):
        place_item(solver.store, phone, problems[1].id, 5, 5)
    with pytest.raises(RoundClosed):
        remove_placement(solver.store, phone, problems[0].id)
    assert my_placements(solver.store, phone, "problem") == {problems[0].id: (2, 4)}
    assert solver.counters() == before


def test_an_ended_workshop_rejects_placements(solver, problems):
    phone = solver.phone()
    end_workshop(solver.store, solver.id)
    with pytest.raises(RoundClosed):
        place_item(solver.store, phone, problems[0].id, 3, 3)


def test_a_step_closed_while_the_phone_was_placing_saves_nothing(solver, problems, monkeypatch):
    phone = solver.phone()
    real = placement_module.validate_position

    def read_then_close(x, y):  # the phone's request is checked; the facilitator acts first
        checked = real(x, y)
        set_activity_open(solver.store, solver.id, False)
        return checked

    monkeypatch.setattr(placement_module, "validate_position", read_then_close)
    with pytest.raises(RoundClosed):
        place_item(solver.store, phone, problems[0].id, 3, 3)
    assert solver.placements_saved() == 0


def test_a_room_that_moved_on_while_the_phone_was_placing_saves_nothing(solver, problems, monkeypatch):
    phone = solver.phone()
    real = placement_module.validate_position

    def read_then_move_on(x, y):  # the phone's request is checked; the facilitator acts first
        checked = real(x, y)
        set_activity(solver.store, solver.id, ACTIVITY_IDEAS)
        return checked

    monkeypatch.setattr(placement_module, "validate_position", read_then_move_on)
    with pytest.raises(NotThisActivity):
        place_item(solver.store, phone, problems[0].id, 3, 3)
    assert solver.placements_saved() == 0


# --- items that changed meanwhile ----------------------------------------------------------------


def test_placing_an_item_hidden_meanwhile_raises_stale_item_and_saves_nothing(solver, problems):
    phone = solver.phone()
    hide_item(solver.store, problems[1].id)
    before = solver.counters()
    with pytest.raises(StaleItem) as raised:
        place_item(solver.store, phone, problems[1].id, 4, 4)
    assert raised.value.code == "stale_item"
    assert raised.value.params == {"item_id": problems[1].id, "reason": "hidden"}
    assert solver.placements_saved() == 0
    assert solver.counters() == before


def test_placing_an_item_merged_meanwhile_raises_stale_item_and_saves_nothing(solver, problems):
    phone = solver.phone()
    merge_items(solver.store, problems[0].id, [problems[1].id])
    with pytest.raises(StaleItem) as raised:
        place_item(solver.store, phone, problems[1].id, 4, 4)
    assert raised.value.params["reason"] == "merged"
    assert solver.placements_saved() == 0


def test_an_item_hidden_between_reading_the_room_and_writing_is_not_placed(solver, problems, monkeypatch):
    phone = solver.phone()
    real = placement_module.validate_position

    def read_then_hide(x, y):  # the phone's request is checked; the facilitator acts first
        checked = real(x, y)
        hide_item(solver.store, problems[0].id)
        return checked

    monkeypatch.setattr(placement_module, "validate_position", read_then_hide)
    with pytest.raises(StaleItem):
        place_item(solver.store, phone, problems[0].id, 3, 3)
    assert solver.placements_saved() == 0


@pytest.mark.databases("postgresql")  # SQLite's write turn holds the whole database from the check on
@pytest.mark.parametrize(("change", "reason"), [
    (lambda solver, made: hide_item(solver.store, made[0].id), "hidden"),
    (lambda solver, made: merge_items(solver.store, made[1].id, [made[0].id]), "merged"),
])
def test_an_item_changed_between_the_check_and_the_workshops_turn_is_not_placed(solver, problems, monkeypatch,
                                                                                 change, reason):
    # place_item checks the item in its transaction, then upserts in the workshop's turn (the
    # row lock); the facilitator's change commits in between. The upsert's own guard must see it.
    phone = solver.phone()
    real = placement_module._item_row

    def check_then_change(conn, item_id, workshop_id):
        row = real(conn, item_id, workshop_id)
        if not changed:  # once: the refusal reads the item again to say why
            changed.append(change(solver, problems))
        return row

    changed = []

    monkeypatch.setattr(placement_module, "_item_row", check_then_change)
    before = solver.counters()
    with pytest.raises(StaleItem) as raised:
        place_item(solver.store, phone, problems[0].id, 3, 3)
    assert raised.value.params["reason"] == reason
    assert solver.placements_saved() == 0
    assert solver.counters()[0] == before[0] + 1  # the facilitator's change bumped it; the phone's did not


@pytest.mark.parametrize("bad_id", [987_654, None, "1", True])
def test_placing_an_item_that_does_not_exist_raises_stale_item(solver, problems, bad_id):
    with pytest.raises(StaleItem):
        place_item(solver.store, solver.phone(), bad_id, 3, 3)


def test_placing_another_workshops_item_raises_stale_item(solver, problems):
    other = solver.other_workshop()
    (theirs,) = other.add("problem", "Støj")
    other.step(ACTIVITY_PROBLEM_MATRIX)
    with pytest.raises(StaleItem):
        place_item(solver.store, solver.phone(), theirs.id, 3, 3)
    assert other.placements_saved() == 0


# --- skipping an item ----------------------------------------------------------------------------


def test_removing_a_placement_skips_the_item(solver, problems):
    phone = solver.phone()
    place_item(solver.store, phone, problems[0].id, 2, 2)
    place_item(solver.store, phone, problems[1].id, 4, 4)
    remove_placement(solver.store, phone, problems[0].id)
    assert my_placements(solver.store, phone, "problem") == {problems[1].id: (4, 4)}
    assert [r[0] for r in rows_of(solver)] == [problems[1].id]


def test_removing_a_placement_leaves_other_phones_alone(solver, problems):
    a, b = solver.phone(), solver.phone()
    place_item(solver.store, a, problems[0].id, 2, 2)
    place_item(solver.store, b, problems[0].id, 4, 4)
    remove_placement(solver.store, a, problems[0].id)
    assert my_placements(solver.store, b, "problem") == {problems[0].id: (4, 4)}


def test_removing_outside_the_matrix_steps_raises_not_this_activity(solver, problems):
    phone = solver.phone()
    place_item(solver.store, phone, problems[0].id, 2, 2)
    solver.step(ACTIVITY_IDEAS)
    with pytest.raises(NotThisActivity):
        remove_placement(solver.store, phone, problems[0].id)
    assert my_placements(solver.store, phone, "problem") == {problems[0].id: (2, 2)}


# --- merged and hidden items in the results ------------------------------------------------------


def test_a_merged_problem_keeps_the_placements_of_all_its_sources(solver, problems):
    target, source_a, source_b = problems[0], problems[1], problems[2]
    a, b, c = solver.phone(), solver.phone(), solver.phone()
    place_item(solver.store, a, source_a.id, 2, 4)
    place_item(solver.store, b, target.id, 4, 2)
    place_item(solver.store, c, source_b.id, 5, 5)
    merge_items(solver.store, target.id, [source_a.id, source_b.id])
    assert rows_of(solver) == [
        (target.id, a.id, 2.0, 4.0),
        (target.id, b.id, 4.0, 2.0),
        (target.id, c.id, 5.0, 5.0),
    ]


def test_a_phone_that_placed_both_a_source_and_its_target_counts_once_at_the_mean(solver, problems):
    target, source = problems[0], problems[1]
    a, b = solver.phone(), solver.phone()
    place_item(solver.store, a, source.id, 1, 2)
    place_item(solver.store, a, target.id, 4, 5)
    place_item(solver.store, b, target.id, 3, 3)
    merge_items(solver.store, target.id, [source.id])
    assert rows_of(solver) == [(target.id, a.id, 2.5, 3.5), (target.id, b.id, 3.0, 3.0)]


def test_a_chain_of_merges_counts_for_the_last_target(solver, problems):
    first, second, third = problems
    phone = solver.phone()
    place_item(solver.store, phone, first.id, 1, 1)
    place_item(solver.store, phone, second.id, 2, 3)
    place_item(solver.store, phone, third.id, 3, 5)
    merge_items(solver.store, second.id, [first.id])
    merge_items(solver.store, third.id, [second.id])
    assert rows_of(solver) == [(third.id, phone.id, 2.0, 3.0)]


def test_undoing_a_merge_brings_the_source_back_with_its_placements(solver, problems):
    target, source = problems[0], problems[1]
    a, b = solver.phone(), solver.phone()
    place_item(solver.store, a, source.id, 1, 2)
    place_item(solver.store, a, target.id, 4, 5)
    place_item(solver.store, b, source.id, 5, 1)
    merge_items(solver.store, target.id, [source.id])
    unmerge_item(solver.store, source.id)
    assert rows_of(solver) == sorted(
        [(target.id, a.id, 4.0, 5.0), (source.id, a.id, 1.0, 2.0), (source.id, b.id, 5.0, 1.0)]
    )
    assert my_placements(solver.store, b, "problem") == {source.id: (5, 1)}


def test_my_placements_keeps_a_merged_items_placement_under_the_item_placed(solver, problems):
    phone = solver.phone()
    place_item(solver.store, phone, problems[1].id, 2, 2)
    merge_items(solver.store, problems[0].id, [problems[1].id])
    assert my_placements(solver.store, phone, "problem") == {problems[1].id: (2, 2)}


def test_a_hidden_items_placements_leave_the_results_and_come_back_when_shown(solver, problems):
    phone = solver.phone()
    place_item(solver.store, phone, problems[0].id, 2, 2)
    place_item(solver.store, phone, problems[1].id, 4, 4)
    hide_item(solver.store, problems[1].id)
    assert rows_of(solver) == [(problems[0].id, phone.id, 2.0, 2.0)]
    hide_item(solver.store, problems[1].id, hidden=False)
    assert len(rows_of(solver)) == 2


def test_a_hidden_source_adds_nothing_to_its_target(solver, problems):
    target, source = problems[0], problems[1]
    a, b = solver.phone(), solver.phone()
    place_item(solver.store, a, target.id, 2, 2)
    place_item(solver.store, b, source.id, 4, 4)
    hide_item(solver.store, source.id)
    merge_items(solver.store, target.id, [source.id])
    assert rows_of(solver) == [(target.id, a.id, 2.0, 2.0)]


def test_placement_rows_has_the_documented_columns_even_when_empty(solver, problems):
    frame = placement_rows(solver.store, solver.id, "problem")
    assert list(frame.columns) == ["item_id", "participant_id", "x", "y"]
    assert len(frame) == 0


def test_placement_rows_has_integer_ids_and_float_positions(solver, problems):
    place_item(solver.store, solver.phone(), problems[0].id, 2, 2)
    frame = placement_rows(solver.store, solver.id, "problem")
    assert pd.api.types.is_integer_dtype(frame["item_id"]) and pd.api.types.is_integer_dtype(frame["participant_id"])
    assert frame["x"].dtype == "float64" and frame["y"].dtype == "float64"


def test_placement_rows_reads_only_this_workshop(solver, problems):
    other = solver.other_workshop()
    (theirs,) = other.add("problem", "Støj")
    other.step(ACTIVITY_PROBLEM_MATRIX)
    place_item(other.store, other.phone(), theirs.id, 5, 5)
    assert rows_of(solver) == []
    assert len(rows_of(other)) == 1


# --- revision and stage --------------------------------------------------------------------------


def test_placing_and_removing_bump_the_revision_but_not_the_stage(solver, problems):
    phone = solver.phone()
    revision, stage = solver.counters()
    place_item(solver.store, phone, problems[0].id, 3, 3)
    assert solver.counters() == (revision + 1, stage)
    place_item(solver.store, phone, problems[0].id, 4, 3)
    assert solver.counters() == (revision + 2, stage)
    remove_placement(solver.store, phone, problems[0].id)
    assert solver.counters() == (revision + 3, stage)
