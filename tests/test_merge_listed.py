"""Merging several listed items in one action (issue 16, "Trin 1 at the speed of talk")."""

from __future__ import annotations

import pytest

from fea_core.errors import StaleItem
from fea_core.items import get_item, hide_item, list_items, merge_items, merge_listed, merged_sources
from fea_core.model import ACTIVITY_PROBLEM_MATRIX, ACTIVITY_PROBLEMS

pytestmark = pytest.mark.databases("sqlite", "postgresql")


def numbers(items) -> list[int]:
    return [i.number for i in items]


def test_three_items_merge_into_the_lowest_number_in_one_write(solver):
    one, two, three, four = solver.add("problem", "Travlhed", "Støj", "Travlhed om morgenen", "travlhed hele dagen")
    revision, _ = solver.counters()
    target = merge_listed(solver.store, [four.id, three.id, one.id])
    assert target.id == one.id and target.number == 1
    assert solver.counters()[0] == revision + 1  # one transaction, one revision
    assert numbers(list_items(solver.store, solver.id, "problem")) == [1, 2]
    assert numbers(merged_sources(solver.store, one.id)) == [3, 4]


def test_every_merged_item_keeps_its_number_and_the_next_new_item_follows_the_highest(solver):
    one, two, three = solver.add("problem", "Travlhed", "Travlhed om morgenen", "Afbrydelser")
    merge_listed(solver.store, [two.id, three.id, one.id])
    assert [get_item(solver.store, i.id).number for i in (one, two, three)] == [1, 2, 3]
    (four,) = solver.add("problem", "Støj")
    assert four.number == 4


def test_a_hidden_item_in_the_choice_merges_nothing(solver):
    one, two, three = solver.add("problem", "Travlhed", "Travlhed om morgenen", "Travlhed hele tiden")
    hide_item(solver.store, three.id)
    before = solver.counters()
    with pytest.raises(StaleItem) as raised:
        merge_listed(solver.store, [one.id, two.id, three.id])
    assert raised.value.params == {"item_id": three.id, "reason": "hidden"}
    assert get_item(solver.store, two.id).merged_into is None
    assert solver.counters() == before


def test_an_item_merged_elsewhere_meanwhile_is_not_moved(solver):
    one, two, three = solver.add("problem", "Travlhed", "Travlhed om morgenen", "Støj")
    merge_items(solver.store, three.id, [two.id])  # another tab was quicker
    with pytest.raises(StaleItem) as raised:
        merge_listed(solver.store, [one.id, two.id])
    assert raised.value.params["reason"] == "merged"
    assert get_item(solver.store, two.id).merged_into == three.id


def test_items_of_another_kind_or_workshop_merge_nothing(solver):
    (problem,) = solver.add("problem", "Travlhed")
    (keep,) = solver.add("keep", "Travlhed er ok")
    with pytest.raises(StaleItem) as raised:
        merge_listed(solver.store, [problem.id, keep.id])
    assert raised.value.params["reason"] == "other_kind"
    (theirs,) = solver.other_workshop().add("problem", "Travlhed om morgenen")
    with pytest.raises(StaleItem):
        merge_listed(solver.store, [problem.id, theirs.id])
    with pytest.raises(StaleItem):
        merge_listed(solver.store, [problem.id, 987_654])
    assert get_item(solver.store, theirs.id).merged_into is None


def test_fewer_than_two_distinct_items_is_a_programming_error(solver):
    (one,) = solver.add("problem", "Travlhed")
    with pytest.raises(ValueError):
        merge_listed(solver.store, [one.id, one.id])


def test_merging_while_phones_place_items_tells_the_phones(solver):
    one, two = solver.add("problem", "Travlhed", "Travlhed om morgenen")
    solver.step(ACTIVITY_PROBLEM_MATRIX)
    _, stage = solver.counters()
    merge_listed(solver.store, [one.id, two.id])
    assert solver.counters()[1] == stage + 1


def test_merging_in_trin_1_does_not_make_the_phones_rerun(solver):
    solver.step(ACTIVITY_PROBLEMS)
    one, two = solver.add("problem", "Travlhed", "Travlhed om morgenen")
    _, stage = solver.counters()
    merge_listed(solver.store, [one.id, two.id])
    assert solver.counters()[1] == stage
