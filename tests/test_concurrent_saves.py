"""Phones saving at the same moment as each other and as the facilitator's steering, on both
databases (with PostgreSQL, the other writer may be another app process).

A round the facilitator closed takes no answer, an item the facilitator hid takes no placement,
and one phone's double submit from two tabs counts once.
"""

from __future__ import annotations

import threading

import pytest

from sqlalchemy import update

from fea_core import competence, placement, schema
from fea_core.errors import RoundClosed, StaleItem
from fea_core.items import _lock_workshop, add_item_as_facilitator
from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_PROBLEM_MATRIX, ACTIVITY_PROBLEMS
from fea_core.workshops import require_open_activity, set_activity, set_activity_open

pytestmark = pytest.mark.databases("sqlite", "postgresql")

WAIT = 5.0  # seconds a thread may take for something that should not wait at all


def in_thread(work) -> tuple[threading.Thread, list]:
    """Start ``work`` in a thread; return it and a list that gets its result or exception."""
    outcome: list = []

    def run():
        try:
            outcome.append(work())
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_closing_the_round_waits_for_a_save_in_flight_and_then_no_answer_gets_in(room):
    early, late = room.join(), room.join()
    with room.store.write(room.workshop.id) as conn:
        require_open_activity(conn, room.workshop.id, ACTIVITY_COMPETENCE)  # a phone's save, mid-transaction
        closing, closed = in_thread(lambda: set_activity_open(room.store, room.workshop.id, False))
        closing.join(0.5)
        assert closing.is_alive(), "the facilitator closed the round under a phone's save"
    # The phone's save committed first; then the round closed, and it takes nothing more.
    closing.join(WAIT)
    assert not closing.is_alive()
    assert closed[0].activity_open is False
    with pytest.raises(RoundClosed):
        room.rate(late, 3)


def test_one_phones_double_submit_from_two_tabs_keeps_one_set_of_answers(room):
    phone = room.join()
    start = threading.Barrier(2)

    def tab(value: int):
        start.wait(WAIT)
        for _ in range(10):
            room.rate(phone, value)

    threads = [in_thread(lambda v=v: tab(v)) for v in (2, 5)]
    for thread, _ in threads:
        thread.join(60)
    assert [outcome for _, outcome in threads] == [[None], [None]]
    rows = competence.rating_rows(room.store, room.workshop.id)
    assert len(rows) == len(competence.factor_keys())
    assert rows["value"].nunique() == 1  # one tab's set, never a mix


def test_a_placement_waits_for_the_facilitator_hiding_its_item_and_is_then_refused(room):
    phone = room.join()
    ws = room.workshop
    set_activity(room.store, ws.id, ACTIVITY_PROBLEMS)
    item = add_item_as_facilitator(room.store, ws.id, "problem", "Travlhed om morgenen")
    set_activity(room.store, ws.id, ACTIVITY_PROBLEM_MATRIX)
    # What hide_item does, held open: the facilitator has hidden the item but not committed yet.
    with room.store.write(ws.id) as conn:
        _lock_workshop(conn, ws.id)
        conn.execute(update(schema.items).where(schema.items.c.id == item.id).values(hidden=True))
        placing, placed = in_thread(lambda: placement.place_item(room.store, phone, item.id, 2, 3))
        placing.join(0.5)
        assert placing.is_alive(), "the phone placed an item the facilitator is hiding"
    placing.join(WAIT)
    assert not placing.is_alive()
    assert isinstance(placed[0], StaleItem), placed
    assert placement.my_placements(room.store, phone, "problem") == {}
