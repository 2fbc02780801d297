"""Phones saving at the same moment as each other and as the facilitator's steering, on both
databases (with PostgreSQL, the other writer may be another app process).

A round the facilitator closed takes no answer, even one already on its way when it closed; an
item the facilitator hid takes no placement that counts; one phone's double submit from two tabs
counts once; and a phone's answer holds no lock on its workshop until its final revision bump, so
other phones' answers never queue behind it.
"""

from __future__ import annotations

import threading

import pytest

from sqlalchemy import func, select, update

from fea_core import competence, placement, schema
from fea_core.errors import DuplicateItem, NotThisActivity, RoundClosed, StaleItem
from fea_core.items import _lock_workshop, add_item_as_facilitator, submit_item
from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_PROBLEM_MATRIX, ACTIVITY_PROBLEMS
from fea_core.storage import Store
from fea_core.workshops import get_workshop, require_open_activity, set_activity, set_activity_open

pytestmark = pytest.mark.databases("sqlite", "postgresql")

# Seconds a thread may take for something that should not wait at all. A blocked thread waits
# until released, so a long limit loses nothing, and a loaded machine still passes.
WAIT = 30.0
# The name of the thread a test holds at its bump.
SLOW_PHONE = "the slow phone"


def in_thread(work, name: str | None = None) -> tuple[threading.Thread, list]:
    """Start ``work`` in a thread; return it and a list that gets its result or exception.

    A hook that must recognise the thread checks its ``name``: it is set before the thread
    starts, so a fast thread cannot reach the hook before the test knows it.
    """
    outcome: list = []

    def run():
        try:
            outcome.append(work())
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            outcome.append(exc)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread, outcome


def revision(store, workshop_id: int) -> int:
    return get_workshop(store, workshop_id).revision


def count_rows(store, table) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def pause_before_the_bump(monkeypatch, meanwhile) -> None:
    """Run ``meanwhile(conn)`` in every phone's answer just before its revision bump (rows written, not committed)."""
    bump = Store._bump

    def paused(self, conn, workshop_id, stage, wanted, then=None):
        if wanted:  # a phone's answer, not the facilitator's steering
            meanwhile(conn)
        return bump(self, conn, workshop_id, stage, wanted, then)

    monkeypatch.setattr(Store, "_bump", paused)


def steer_from_another_connection(steer) -> None:
    """Run the facilitator's ``steer()`` in another thread and connection; fail if it waits for the phone."""
    steering, outcome = in_thread(steer)
    steering.join(WAIT)
    assert not steering.is_alive(), "the facilitator waited for a phone's save in flight"
    assert not isinstance(outcome[0], BaseException), outcome


def test_closing_the_round_waits_for_a_locking_save_in_flight_and_then_no_answer_gets_in(room):
    late = room.join()
    with room.store.write(room.workshop.id) as conn:
        # A save that locks the workshop (numbering an item), mid-transaction.
        require_open_activity(conn, room.workshop.id, ACTIVITY_COMPETENCE)
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


def _one_problem_to_place(room):
    """Return a phone, the workshop in trin 2, and the one problem it can place."""
    phone = room.join()
    ws = room.workshop
    set_activity(room.store, ws.id, ACTIVITY_PROBLEMS)
    item = add_item_as_facilitator(room.store, ws.id, "problem", "Travlhed om morgenen")
    set_activity(room.store, ws.id, ACTIVITY_PROBLEM_MATRIX)
    return phone, ws, item


def test_a_placement_racing_the_facilitator_hiding_its_item_never_counts_and_a_later_one_is_refused(room):
    phone, ws, item = _one_problem_to_place(room)
    # What hide_item does, held open: the facilitator has hidden the item but not committed yet.
    with room.store.write(ws.id) as conn:
        _lock_workshop(conn, ws.id)
        conn.execute(update(schema.items).where(schema.items.c.id == item.id).values(hidden=True))
        placing, placed = in_thread(lambda: placement.place_item(room.store, phone, item.id, 2, 3))
        placing.join(0.5)
        assert placing.is_alive(), "the phone's placement committed inside the facilitator's write"
    placing.join(WAIT)
    assert not placing.is_alive()
    # SQLite queues the whole write behind the hide (StaleItem); PostgreSQL may save a placement
    # that read the item just before the hide committed. Either way it counts for nothing.
    assert isinstance(placed[0], (StaleItem, placement.Placement)), placed
    assert placement.placement_rows(room.store, ws.id, "problem").empty
    with pytest.raises(StaleItem):
        placement.place_item(room.store, phone, item.id, 4, 4)


def test_one_phones_double_placement_from_two_tabs_keeps_one_placement(room):
    phone, ws, item = _one_problem_to_place(room)
    start = threading.Barrier(2)

    def tab(x: int):
        start.wait(WAIT)
        for _ in range(10):
            placement.place_item(room.store, phone, item.id, x, x)
            placement.remove_placement(room.store, phone, item.id)
        placement.place_item(room.store, phone, item.id, x, x)

    threads = [in_thread(lambda x=x: tab(x)) for x in (2, 5)]
    for thread, _ in threads:
        thread.join(60)
    assert [outcome for _, outcome in threads] == [[None], [None]]
    assert count_rows(room.store, schema.placements) == 1


# --- a phone's answer holds no workshop lock until its final bump ------------------------------


def test_a_rating_whose_round_is_closed_between_its_check_and_its_commit_is_refused_and_saves_nothing(
    room, monkeypatch, database_backend
):
    phone = room.join()
    ws_id = room.workshop.id
    before = revision(room.store, ws_id)
    if database_backend == "sqlite":
        # SQLite's writer holds the whole database: the facilitator's write can only come first
        # or after, so close the round inside the phone's own transaction to meet the final guard.
        pause_before_the_bump(
            monkeypatch,
            lambda conn: conn.execute(update(schema.workshops).values(activity_open=False)),
        )
    else:
        pause_before_the_bump(
            monkeypatch, lambda conn: steer_from_another_connection(lambda: set_activity_open(room.store, ws_id, False))
        )
    with pytest.raises(RoundClosed):
        room.rate(phone, 4)
    monkeypatch.undo()
    assert competence.my_ratings(room.store, phone) == {}
    assert count_rows(room.store, schema.ratings) == 0
    closed = database_backend == "postgresql"  # on SQLite the close rolled back with the rating
    assert revision(room.store, ws_id) == before + closed
    assert get_workshop(room.store, ws_id).activity_open is not closed


@pytest.mark.databases("postgresql")
def test_a_rating_whose_facilitator_moves_on_before_it_commits_is_refused_as_not_this_activity(
    room, monkeypatch
):
    phone = room.join()
    ws_id = room.workshop.id
    pause_before_the_bump(
        monkeypatch, lambda conn: steer_from_another_connection(lambda: set_activity(room.store, ws_id, ACTIVITY_PROBLEMS))
    )
    with pytest.raises(NotThisActivity):
        room.rate(phone, 4)
    assert count_rows(room.store, schema.ratings) == 0


@pytest.mark.databases("postgresql")
def test_a_placement_whose_matrix_is_closed_between_its_check_and_its_commit_is_refused_and_saves_nothing(
    room, monkeypatch
):
    phone = room.join()
    ws_id = room.workshop.id
    set_activity(room.store, ws_id, ACTIVITY_PROBLEMS)
    item = add_item_as_facilitator(room.store, ws_id, "problem", "Travlhed om morgenen")
    set_activity(room.store, ws_id, ACTIVITY_PROBLEM_MATRIX)
    placement.place_item(room.store, phone, item.id, 1, 1)
    pause_before_the_bump(
        monkeypatch, lambda conn: steer_from_another_connection(lambda: set_activity_open(room.store, ws_id, False))
    )
    with pytest.raises(RoundClosed):
        placement.place_item(room.store, phone, item.id, 5, 5)
    with pytest.raises(RoundClosed):
        placement.remove_placement(room.store, phone, item.id)
    monkeypatch.undo()
    assert placement.my_placements(room.store, phone, "problem") == {item.id: (1, 1)}


@pytest.mark.databases("postgresql")
def test_another_phones_rating_goes_through_while_a_rating_is_written_but_not_yet_committed(room, monkeypatch):
    slow, quick = room.join(), room.join()
    ws_id = room.workshop.id
    before = revision(room.store, ws_id)
    written, release = threading.Event(), threading.Event()

    def hold_the_slow_one(conn):
        if threading.current_thread().name == SLOW_PHONE:
            written.set()
            assert release.wait(WAIT)

    pause_before_the_bump(monkeypatch, hold_the_slow_one)
    thread, outcome = in_thread(lambda: room.rate(slow, 2), name=SLOW_PHONE)
    assert written.wait(WAIT), "the slow phone's rating never reached its bump"
    try:
        rating, rated = in_thread(lambda: room.rate(quick, 5))
        rating.join(WAIT)
        assert not rating.is_alive(), "a phone's rating waited for another phone's open transaction"
        assert rated == [None]
    finally:
        release.set()
    thread.join(WAIT)
    assert outcome == [None]
    assert competence.my_ratings(room.store, slow) == dict.fromkeys(competence.factor_keys(), 2)
    assert revision(room.store, ws_id) == before + 2


def test_an_item_whose_step_is_closed_between_its_check_and_its_commit_is_refused_and_saves_nothing(
    room, monkeypatch, database_backend
):
    phone = room.join()
    ws_id = room.workshop.id
    set_activity(room.store, ws_id, ACTIVITY_PROBLEMS)
    before = revision(room.store, ws_id)
    if database_backend == "sqlite":  # as for ratings: SQLite's writer holds the whole database
        pause_before_the_bump(
            monkeypatch, lambda conn: conn.execute(update(schema.workshops).values(activity_open=False))
        )
    else:
        pause_before_the_bump(
            monkeypatch, lambda conn: steer_from_another_connection(lambda: set_activity_open(room.store, ws_id, False))
        )
    with pytest.raises(RoundClosed):
        submit_item(room.store, phone, "problem", "Travlhed om morgenen")
    monkeypatch.undo()
    assert count_rows(room.store, schema.items) == 0
    closed = database_backend == "postgresql"
    assert revision(room.store, ws_id) == before + closed


@pytest.mark.databases("postgresql")
def test_another_phones_item_goes_through_while_an_item_is_on_its_way_to_its_turn(room, monkeypatch):
    # Numbering and the duplicate check need the workshop's lock, but only in the final round
    # trip: a phone stuck before it (a busy process, a slow network) holds nobody up.
    slow, quick = room.join(), room.join()
    ws_id = room.workshop.id
    set_activity(room.store, ws_id, ACTIVITY_PROBLEMS)
    reached, release = threading.Event(), threading.Event()

    def hold_the_slow_one(conn):
        if threading.current_thread().name == SLOW_PHONE:
            reached.set()
            assert release.wait(WAIT)

    pause_before_the_bump(monkeypatch, hold_the_slow_one)
    thread, outcome = in_thread(
        lambda: submit_item(room.store, slow, "problem", "Travlhed om morgenen"), name=SLOW_PHONE
    )
    assert reached.wait(WAIT), "the slow phone's item never reached its turn"
    try:
        sending, sent = in_thread(lambda: submit_item(room.store, quick, "problem", "For mange møder"))
        sending.join(WAIT)
        assert not sending.is_alive(), "a phone's item waited for another phone's open transaction"
        assert sent[0].number == 1
    finally:
        release.set()
    thread.join(WAIT)
    assert outcome[0].number == 2  # numbered in the order the items got their turn


def test_many_phones_sending_at_once_get_the_numbers_one_to_n_and_each_text_listed_once(room):
    set_activity(room.store, room.workshop.id, ACTIVITY_PROBLEMS)
    phones = [room.join() for _ in range(24)]
    start = threading.Barrier(len(phones))

    def send(n: int):
        start.wait(WAIT)
        # Phones 2k and 2k+1 send the same text (in another case now and then): one of each pair is refused.
        text = f"Problem {n // 2}" if n % 3 else f"PROBLEM {n // 2}"
        try:
            return submit_item(room.store, phones[n], "problem", text).number
        except DuplicateItem as error:
            return error

    threads = [in_thread(lambda n=n: send(n)) for n in range(len(phones))]
    for thread, _ in threads:
        thread.join(60)
    outcomes = [outcome[0] for _, outcome in threads]
    numbers = sorted(o for o in outcomes if isinstance(o, int))
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) == 12  # texts 0..11, one each
    refused = [o for o in outcomes if isinstance(o, DuplicateItem)]
    assert len(refused) == 12 and all(o.params["number"] in numbers for o in refused)
