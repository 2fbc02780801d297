"""Reads shared by every phone of a workshop, once per revision (fea_core/shared_reads.py)."""

from __future__ import annotations

from dataclasses import replace

from fea_core import items, shared_reads, workshops
from fea_core.model import ACTIVITY_PROBLEM_MATRIX, ACTIVITY_PROBLEMS
from fea_core.phone_state import state_for
from fea_core.participation import join


class Counting:
    """A read that counts how often it was done."""

    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_a_value_is_read_once_per_revision_and_again_when_the_revision_moves(fresh_store, workshop):
    read = Counting(["a"])
    for _ in range(5):
        assert shared_reads.read_once(fresh_store, workshop, ("items", "problem"), read) == ["a"]
    assert read.calls == 1
    moved = workshops.set_activity(fresh_store, workshop.id, ACTIVITY_PROBLEMS)
    assert moved.revision > workshop.revision
    assert shared_reads.read_once(fresh_store, moved, ("items", "problem"), read) == ["a"]
    assert read.calls == 2
    other = Counting(["b"])  # another name at the same revision is its own read
    assert shared_reads.read_once(fresh_store, moved, ("items", "idea"), other) == ["b"] and other.calls == 1


def test_a_phone_that_read_an_older_revision_does_not_push_out_the_newer_value(fresh_store, workshop):
    newer = replace(workshop, revision=workshop.revision + 1)
    shared_reads.read_once(fresh_store, newer, ("x",), Counting("new"))
    assert shared_reads.read_once(fresh_store, workshop, ("x",), Counting("old")) == "old"  # its own read
    late = Counting("again")
    assert shared_reads.read_once(fresh_store, newer, ("x",), late) == "new" and late.calls == 0


def test_two_databases_with_the_same_workshop_id_and_revision_share_nothing(fresh_store, workshop, tmp_path):
    from fea_core.storage import open_store

    elsewhere = open_store(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    shared_reads.read_once(fresh_store, workshop, ("x",), Counting("here"))
    assert shared_reads.read_once(elsewhere, workshop, ("x",), Counting("there")) == "there"


def test_memory_stays_bounded_however_many_workshops(fresh_store, workshop, monkeypatch):
    monkeypatch.setattr(shared_reads, "WORKSHOPS_MAX", 3)
    for i in range(10):
        shared_reads.read_once(fresh_store, replace(workshop, id=1000 + i), ("x",), Counting(i))
    assert len(shared_reads._kept[fresh_store]) <= 3


def test_a_phone_sees_a_merge_and_a_hidden_item_at_once_although_the_items_are_shared(fresh_store, workshop):
    workshops.set_activity(fresh_store, workshop.id, ACTIVITY_PROBLEMS)
    _, phone = join(fresh_store, workshop.code)
    first = items.submit_item(fresh_store, phone, "problem", "Travlhed")
    second = items.submit_item(fresh_store, phone, "problem", "For travlt")
    third = items.submit_item(fresh_store, phone, "problem", "Uklare roller")
    workshops.set_activity(fresh_store, workshop.id, ACTIVITY_PROBLEM_MATRIX)

    def cards() -> list[str]:
        return [c["text"] for c in state_for(fresh_store, phone, "da")["view"]["deck"]["cards"]]

    assert cards() == ["Travlhed", "For travlt", "Uklare roller"]
    assert cards() == ["Travlhed", "For travlt", "Uklare roller"]  # the shared read, kept
    items.merge_items(fresh_store, first.id, [second.id])
    assert cards() == ["Travlhed", "Uklare roller"]
    items.hide_item(fresh_store, third.id)
    assert cards() == ["Travlhed"]
