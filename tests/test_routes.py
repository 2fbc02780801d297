"""The live route phones poll: /api/live/<participant token> (ui/server/routes.py)."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from starlette.requests import Request

from fea_core import participation, workshops
from fea_core.model import ACTIVITY_COMPETENCE
from ui.server import routes


@pytest.fixture
def app_store(fresh_store, store_url, monkeypatch):
    monkeypatch.setenv("FEA_DATABASE_URL", store_url)
    routes._workshop_of.clear()
    routes._counters_of.clear()
    routes._moved.clear()  # an event belongs to the event loop of the test that made it
    monkeypatch.setattr(routes, "_stopping", False)
    return fresh_store


def get(token: str) -> tuple[int, dict]:
    response = asyncio.run(routes.live(request(token)))
    return response.status_code, json.loads(response.body)


def request(token: str, query: str = "") -> Request:
    return Request({"type": "http", "method": "GET", "path": f"/api/live/{token}", "query_string": query.encode(),
                    "headers": [], "path_params": {"token": token}})


def test_a_phone_token_gets_its_workshops_counters(app_store, workshop):
    _, phone = participation.join(app_store, workshop.code)
    status, body = get(phone.token)
    assert status == 200
    assert body == {"stage": workshop.stage, "revision": workshop.revision + 1}  # the join wrote once


def test_the_route_answers_a_join_code_as_if_it_did_not_exist(app_store, workshop):
    # Keyed by the secret token: a real join code looks exactly like a wrong one.
    assert get(workshop.code) == get("ZZZZZZ") == (404, {"error": "unknown"})


def test_a_stage_change_shows_after_the_cache_interval(app_store, workshop, monkeypatch):
    _, phone = participation.join(app_store, workshop.code)
    before = get(phone.token)[1]["stage"]
    workshops.set_activity(app_store, workshop.id, ACTIVITY_COMPETENCE)
    monkeypatch.setattr(routes, "CACHE_SECONDS", 0.0)
    assert get(phone.token)[1]["stage"] == before + 1


def test_polls_within_the_cache_interval_are_answered_from_memory_without_a_worker_thread(
    app_store, workshop, monkeypatch
):
    _, phone = participation.join(app_store, workshop.code)
    first = get(phone.token)
    hops = []

    async def counting_hop(func, *args):
        hops.append(func)
        return func(*args)

    monkeypatch.setattr(routes, "run_db", counting_hop)
    monkeypatch.setattr(routes, "CACHE_SECONDS", 60.0)
    assert [get(phone.token) for _ in range(5)] == [first] * 5
    assert hops == []
    monkeypatch.setattr(routes, "CACHE_SECONDS", 0.0)  # stale: the database is asked again, off the loop
    assert get(phone.token) == first
    assert hops == [routes._counters]


def test_while_one_poll_reads_the_database_the_others_get_the_last_counters_without_queueing(
    app_store, workshop, monkeypatch
):
    tokens = [participation.join(app_store, workshop.code)[1].token for _ in range(5)]
    first = [get(t) for t in tokens][-1]  # every token known, the counters read once
    monkeypatch.setattr(routes, "CACHE_SECONDS", 0.0)  # everything is stale from now on
    hops, release = [], asyncio.Event()

    async def slow_hop(func, *args):
        hops.append(func)
        await release.wait()  # the database read is still under way
        return func(*args)

    monkeypatch.setattr(routes, "run_db", slow_hop)

    async def room():
        reading = asyncio.create_task(routes.live(request(tokens[0])))
        await asyncio.sleep(0)  # its hop has started
        others = [await routes.live(request(t)) for t in tokens[1:]]
        release.set()
        return [await reading, *others]

    answers = asyncio.run(room())
    assert len(hops) == 1  # one read for the room
    assert [(r.status_code, json.loads(r.body)) for r in answers] == [first] * 5
    assert routes._refreshing == set()


# Waits are conditions: a poll answered within PATIENCE was not held for LONG_HOLD, however slow the machine.
LONG_HOLD = 3600.0
PATIENCE = 60.0


def held(token: str, field: str, seen) -> Request:
    return request(token, f"field={field}&seen={seen}")


def test_a_held_poll_answers_as_soon_as_the_facilitator_moves_the_step(app_store, workshop, monkeypatch):
    monkeypatch.setattr(routes, "CACHE_SECONDS", 0.05)
    monkeypatch.setattr(routes, "HOLD_SECONDS", LONG_HOLD)
    _, phone = participation.join(app_store, workshop.code)
    stage = get(phone.token)[1]["stage"]

    async def room():
        waiting = asyncio.create_task(routes.live(held(phone.token, "stage", stage)))
        await asyncio.sleep(0.3)
        assert not waiting.done()  # nothing moved: the poll is held
        await asyncio.to_thread(workshops.set_activity, app_store, workshop.id, ACTIVITY_COMPETENCE)
        return await asyncio.wait_for(waiting, PATIENCE)  # long before the hold would end

    response = asyncio.run(room())
    assert json.loads(response.body)["stage"] == stage + 1
    assert routes._held == {} and routes._readers == {}  # nothing left behind


def test_a_room_of_held_polls_reads_the_database_once_per_interval_and_wakes_together(
    app_store, workshop, monkeypatch
):
    monkeypatch.setattr(routes, "CACHE_SECONDS", 0.1)
    monkeypatch.setattr(routes, "HOLD_SECONDS", 30.0)
    tokens = [participation.join(app_store, workshop.code)[1].token for _ in range(20)]
    stage = [get(t) for t in tokens][-1][1]["stage"]
    hops = []

    async def counting_hop(func, *args):
        hops.append(time.monotonic())
        return await asyncio.to_thread(func, *args)

    monkeypatch.setattr(routes, "run_db", counting_hop)

    async def room():
        held_at = time.monotonic()
        waiting = [asyncio.create_task(routes.live(held(t, "stage", stage))) for t in tokens]
        await asyncio.sleep(1.0)
        reads_while_held, held_for = len(hops), time.monotonic() - held_at
        await asyncio.to_thread(workshops.set_activity, app_store, workshop.id, ACTIVITY_COMPETENCE)
        answers = await asyncio.wait_for(asyncio.gather(*waiting), PATIENCE)
        return reads_while_held, held_for, answers

    reads_while_held, held_for, answers = asyncio.run(room())
    # At most one read per interval for the whole room, not one per phone (a slow machine reads less).
    assert 1 <= reads_while_held <= held_for / 0.1 + 2
    assert {json.loads(a.body)["stage"] for a in answers} == {stage + 1}


def test_a_held_poll_answers_at_once_when_the_phone_is_behind_and_after_the_hold_when_nothing_moves(
    app_store, workshop, monkeypatch
):
    monkeypatch.setattr(routes, "CACHE_SECONDS", 0.05)
    _, phone = participation.join(app_store, workshop.code)
    now = get(phone.token)[1]

    async def timed(req):
        started = time.monotonic()
        response = await routes.live(req)
        return json.loads(response.body), time.monotonic() - started

    monkeypatch.setattr(routes, "HOLD_SECONDS", LONG_HOLD)
    body, waited = asyncio.run(timed(held(phone.token, "stage", now["stage"] - 1)))
    assert body == now and waited < LONG_HOLD  # not held at all
    monkeypatch.setattr(routes, "HOLD_SECONDS", 0.3)
    body, waited = asyncio.run(timed(held(phone.token, "revision", now["revision"])))
    assert body == now and waited >= 0.3  # held for the whole hold, then answered


@pytest.mark.parametrize("query", ["field=stage", "field=stage&seen=", "field=stage&seen=-1", "field=stage&seen=1x",
                                   "field=name&seen=1", "seen=1", "field=stage&seen=" + "9" * 40])
def test_a_poll_that_does_not_ask_properly_to_be_held_is_answered_at_once(app_store, workshop, monkeypatch, query):
    monkeypatch.setattr(routes, "HOLD_SECONDS", LONG_HOLD)
    _, phone = participation.join(app_store, workshop.code)
    now = get(phone.token)

    async def asked():
        response = await routes.live(request(phone.token, query.replace("seen=1", f"seen={now[1]['stage']}")))
        return response.status_code, json.loads(response.body)

    assert asyncio.run(asyncio.wait_for(asked(), PATIENCE)) == now  # not held: the hold is an hour


def test_an_unknown_token_is_not_held(app_store, workshop, monkeypatch):
    monkeypatch.setattr(routes, "HOLD_SECONDS", 30.0)
    assert asyncio.run(asyncio.wait_for(routes.live(held("ZZZZZZ", "stage", 1)), 2)).status_code == 404


def test_held_polls_survive_the_database_being_away_for_a_moment(app_store, workshop, monkeypatch, caplog):
    monkeypatch.setattr(routes, "CACHE_SECONDS", 0.05)
    monkeypatch.setattr(routes, "HOLD_SECONDS", 30.0)
    _, phone = participation.join(app_store, workshop.code)
    stage = get(phone.token)[1]["stage"]
    failures = [2]

    async def flaky_hop(func, *args):
        if failures[0]:
            failures[0] -= 1
            raise ConnectionError("database restarting")
        return await asyncio.to_thread(func, *args)

    monkeypatch.setattr(routes, "run_db", flaky_hop)

    async def room():
        waiting = asyncio.create_task(routes.live(held(phone.token, "stage", stage)))
        await asyncio.sleep(0.3)  # the reader has failed twice meanwhile
        await asyncio.to_thread(workshops.set_activity, app_store, workshop.id, ACTIVITY_COMPETENCE)
        return await asyncio.wait_for(waiting, 5)

    response = asyncio.run(room())
    assert failures == [0] and "could not be read" in caplog.text
    assert json.loads(response.body)["stage"] == stage + 1


def test_held_polls_are_answered_at_once_when_the_server_stops_and_no_new_poll_is_held(
    app_store, workshop, monkeypatch
):
    monkeypatch.setattr(routes, "CACHE_SECONDS", 0.05)
    monkeypatch.setattr(routes, "HOLD_SECONDS", LONG_HOLD)
    tokens = [participation.join(app_store, workshop.code)[1].token for _ in range(3)]
    now = [get(t) for t in tokens][-1][1]

    async def room():
        waiting = [asyncio.create_task(routes.live(held(t, "stage", now["stage"]))) for t in tokens]
        await asyncio.sleep(0.3)
        assert not any(w.done() for w in waiting)  # held: nothing moved
        routes.release_held_polls()  # what ui/server/stopping.py calls on SIGTERM
        answers = await asyncio.wait_for(asyncio.gather(*waiting), PATIENCE)  # long before the hour
        late = await asyncio.wait_for(routes.live(held(tokens[0], "stage", now["stage"])), PATIENCE)
        return answers, late

    answers, late = asyncio.run(room())
    assert [json.loads(a.body) for a in answers] == [now] * 3  # what the phones have: they ask again
    assert json.loads(late.body) == now
    assert routes._held == {}


# A poll that asks in a language (&lang=) gets the phone's new state with an answer for a moved
# stage: the step component draws it without a second request (ui/web/phone_step.js tick()).


def test_a_held_poll_in_a_language_carries_this_phones_new_state_when_the_step_moves(app_store, workshop, monkeypatch):
    from fea_core import competence
    from fea_core.phone_state import state_for

    monkeypatch.setattr(routes, "CACHE_SECONDS", 0.05)
    monkeypatch.setattr(routes, "HOLD_SECONDS", LONG_HOLD)
    _, phone = participation.join(app_store, workshop.code)
    _, other = participation.join(app_store, workshop.code)
    workshops.set_activity(app_store, workshop.id, ACTIVITY_COMPETENCE)
    factors = competence.load_method().factors
    competence.submit_ratings(app_store, other, {f.key: 2 for f in factors})  # another phone's answers
    competence.submit_ratings(app_store, phone, {f.key: 5 for f in factors})
    stage = get(phone.token)[1]["stage"]

    async def room():
        waiting = asyncio.create_task(routes.live(request(phone.token, f"field=stage&seen={stage}&lang=en")))
        await asyncio.sleep(0.3)
        assert not waiting.done()
        await asyncio.to_thread(workshops.set_activity_open, app_store, workshop.id, False)
        return await asyncio.wait_for(waiting, PATIENCE)

    body = json.loads(asyncio.run(room()).body)
    assert body["stage"] > stage
    expected = state_for(app_store, phone, "en")
    assert body["state"]["stage"] == body["stage"]
    assert {k: v for k, v in body["state"].items() if k != "server_now"} == {
        k: v for k, v in expected.items() if k != "server_now"}
    assert body["state"]["lang"] == "en" and body["state"]["open"] is False
    assert body["state"]["view"]["lines"] and all(line.endswith(": 5") for line in body["state"]["view"]["lines"])


def test_a_poll_carries_no_state_without_a_known_language_or_when_the_stage_has_not_moved(
    app_store, workshop, monkeypatch
):
    monkeypatch.setattr(routes, "CACHE_SECONDS", 0.0)
    monkeypatch.setattr(routes, "HOLD_SECONDS", 0.2)
    _, phone = participation.join(app_store, workshop.code)
    workshops.set_activity(app_store, workshop.id, ACTIVITY_COMPETENCE)  # stage 1: a phone can be behind it
    stage = get(phone.token)[1]["stage"]

    def poll(query: str) -> dict:
        return json.loads(asyncio.run(routes.live(request(phone.token, query))).body)

    assert "state" not in poll(f"field=stage&seen={stage}&lang=da")  # held to its end, nothing moved
    assert "state" not in poll(f"field=stage&seen={stage - 1}")  # behind, but asked in no language
    for odd in ("xx", "<b>da</b>", "da\u200b", ""):
        assert "state" not in poll(f"field=stage&seen={stage - 1}&lang={odd}"), odd
    assert "state" not in poll("field=revision&seen=0&lang=da")  # a revision watcher draws no phone
    assert poll(f"field=stage&seen={stage - 1}&lang=da")["state"]["lang"] == "da"  # behind: at once, with state


def test_a_wrong_token_in_a_language_still_gets_the_same_404(app_store, workshop):
    for token in (workshop.code, "ZZZZZZZZZZZZZZZZ"):
        response = asyncio.run(routes.live(request(token, "field=stage&seen=0&lang=da")))
        assert (response.status_code, json.loads(response.body)) == (404, {"error": "unknown"})


def test_a_poll_whose_workshop_is_deleted_before_the_state_is_read_gets_404(app_store, workshop, monkeypatch):
    from fea_core.retention import delete_workshop

    monkeypatch.setattr(routes, "CACHE_SECONDS", 60.0)  # the counters stay in memory after the delete
    _, phone = participation.join(app_store, workshop.code)
    workshops.set_activity(app_store, workshop.id, ACTIVITY_COMPETENCE)
    stage = get(phone.token)[1]["stage"]
    delete_workshop(app_store, workshop.id)
    response = asyncio.run(routes.live(request(phone.token, f"field=stage&seen={stage - 1}&lang=da")))
    assert (response.status_code, json.loads(response.body)) == (404, {"error": "unknown"})


def test_a_poll_held_on_the_stage_sleeps_through_answers_that_only_move_the_revision(app_store, workshop, monkeypatch):
    # Every answer moves the revision: a room of phones waiting for the stage must not wake for each one.
    monkeypatch.setattr(routes, "CACHE_SECONDS", 0.02)
    monkeypatch.setattr(routes, "HOLD_SECONDS", LONG_HOLD)
    _, phone = participation.join(app_store, workshop.code)
    stage = get(phone.token)[1]["stage"]

    async def until(condition) -> None:
        deadline = time.monotonic() + PATIENCE
        while not condition():
            assert time.monotonic() < deadline, "never happened"
            await asyncio.sleep(0.01)

    async def room():
        waiting = asyncio.create_task(routes.live(held(phone.token, "stage", stage)))
        await until(lambda: (workshop.id, 0) in routes._moved)  # the poll is held, waiting on the stage
        event = routes._moved[(workshop.id, 0)]
        revision = get_counters()[1]
        for _ in range(3):  # three phones join: three revisions, the same stage
            await asyncio.to_thread(participation.join, app_store, workshop.code)
        await until(lambda: get_counters()[1] >= revision + 3)  # the reader has read them
        await asyncio.sleep(0.1)
        asleep = routes._moved.get((workshop.id, 0)) is event and not event.is_set() and not waiting.done()
        await asyncio.to_thread(workshops.set_activity, app_store, workshop.id, ACTIVITY_COMPETENCE)
        return asleep, await asyncio.wait_for(waiting, PATIENCE)

    def get_counters():
        return routes._counters_of[workshop.id][1]

    asleep, response = asyncio.run(room())
    assert asleep
    assert json.loads(response.body)["stage"] == stage + 1
