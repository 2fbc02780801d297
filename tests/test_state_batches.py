"""Phone states made together (fea_core/phone_state.py states_for, ui/server/state_batches.py).

A step change wakes every held poll of the room at once; their states are read in a few
database turns, and each phone still gets exactly its own state: its own answers, in its own
language, never another phone's.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from fea_core import competence, items, placement
from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_PROBLEM_MATRIX, ACTIVITY_PROBLEMS
from fea_core.phone_state import state_for, states_for
from tests.conftest import answers_for
from tests.problem_solver_fixtures import Solver, _workshop
from ui.server import state_batches

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def room(solver, store_url, monkeypatch):
    monkeypatch.setenv("FEA_DATABASE_URL", store_url)
    return solver


@pytest.fixture
def turns(monkeypatch) -> list[int]:
    """The database turns the batches take: one entry per turn, the number of states it read."""
    taken: list[int] = []
    real_run_db = state_batches.run_db

    async def counted(work, *args):
        taken.append(len(args[0]))
        return await real_run_db(work, *args)

    monkeypatch.setattr(state_batches, "run_db", counted)
    return taken


def test_states_made_together_equal_the_states_made_one_by_one_in_every_step(room):
    phones = [room.phone() for _ in range(4)]
    room.step(ACTIVITY_COMPETENCE)
    for value, phone in enumerate(phones[:3], start=1):
        competence.submit_ratings(room.store, phone, answers_for(value))  # the fourth has not rated
    asks = [(p, lang) for p in phones for lang in ("da", "en")]
    assert states_for(room.store, asks, now=NOW) == [state_for(room.store, p, lang, now=NOW) for p, lang in asks]
    saved = [s["view"]["form"]["saved"] for s in states_for(room.store, [(p, "da") for p in phones], now=NOW)]
    assert saved == [answers_for(1), answers_for(2), answers_for(3), {}]  # each its own, none another's

    room.step(ACTIVITY_PROBLEMS)
    items.submit_item(room.store, phones[0], "problem", "Travlhed")
    items.submit_item(room.store, phones[1], "problem", "Uklare roller")
    made = states_for(room.store, [(p, "da") for p in phones], now=NOW)
    assert [s["view"]["form"]["mine"]["problem"] for s in made] == [["Travlhed"], ["Uklare roller"], [], []]
    assert made == [state_for(room.store, p, "da", now=NOW) for p in phones]

    room.step(ACTIVITY_PROBLEM_MATRIX)
    first = items.list_items(room.store, room.workshop.id, "problem")[0]
    placement.place_item(room.store, phones[2], first.id, 4, 1)
    made = states_for(room.store, [(p, "da") for p in phones], now=NOW)
    assert [s["view"]["deck"]["cards"][0]["placed"] is not None for s in made] == [False, False, True, False]
    assert made == [state_for(room.store, p, "da", now=NOW) for p in phones]


def test_phones_of_two_workshops_made_together_each_get_their_own_workshop(room):
    other_room = Solver(room.store, _workshop(room.store, "Anden workshop"))
    here, there = room.phone(), other_room.phone()
    room.step(ACTIVITY_COMPETENCE)
    other_room.step(ACTIVITY_PROBLEMS)
    made = states_for(room.store, [(here, "da"), (there, "en"), (here, "en")], now=NOW)
    assert [s["activity"] for s in made] == ["competence", "problems", "competence"]
    assert [s["lang"] for s in made] == ["da", "en", "en"]


def test_the_held_polls_woken_together_take_a_few_database_turns_and_each_its_own_state(room, turns):
    phones = [room.phone() for _ in range(30)]
    room.step(ACTIVITY_COMPETENCE)
    for value, phone in zip((1, 2, 3, 4, 5) * 6, phones):
        competence.submit_ratings(room.store, phone, answers_for(value))

    async def woken_together():
        asks = [state_batches.state_soon(p.token, "da") for p in phones]
        asks.append(state_batches.state_soon("ukendt-token-ukendt", "da"))
        return await asyncio.gather(*asks)

    states = asyncio.run(woken_together())
    assert states[-1] is None  # a wrong token: nothing, as the 404 it becomes
    assert [s["view"]["form"]["saved"] for s in states[:-1]] == [answers_for(v) for v in (1, 2, 3, 4, 5) * 6]
    assert sum(turns) == 31 and len(turns) <= 2  # not one turn per phone


def test_a_room_larger_than_one_batch_is_read_in_bounded_turns(room, turns, monkeypatch):
    monkeypatch.setattr(state_batches, "BATCH_MAX", 4)
    phones = [room.phone() for _ in range(10)]

    async def woken_together():
        return await asyncio.gather(*(state_batches.state_soon(p.token, "en") for p in phones))

    states = asyncio.run(woken_together())
    assert all(s["lang"] == "en" for s in states) and len(states) == 10
    assert max(turns) <= 4 and sum(turns) == 10


def test_a_failed_read_fails_every_poll_of_its_batch_and_the_next_batch_reads_again(room, monkeypatch):
    phone = room.phone()
    failing = [True]
    real_run_db = state_batches.run_db

    async def flaky(work, *args):
        if failing.pop(0) if failing else False:
            raise ConnectionError("database away")
        return await real_run_db(work, *args)

    monkeypatch.setattr(state_batches, "run_db", flaky)

    async def twice():
        with pytest.raises(ConnectionError):
            await state_batches.state_soon(phone.token, "da")
        return await state_batches.state_soon(phone.token, "da")

    assert asyncio.run(twice())["lang"] == "da"
