"""The live route phones poll: /api/live/<participant token> (ui/routes.py)."""

from __future__ import annotations

import asyncio
import json

import pytest
from starlette.requests import Request

from fea_core import participation, workshops
from fea_core.model import ACTIVITY_COMPETENCE
from ui import routes


@pytest.fixture
def app_store(fresh_store, store_url, monkeypatch):
    monkeypatch.setenv("FEA_DATABASE_URL", store_url)
    routes._workshop_of.clear()
    routes._counters_of.clear()
    return fresh_store


def get(token: str) -> tuple[int, dict]:
    scope = {"type": "http", "method": "GET", "path": f"/api/live/{token}", "headers": [], "path_params": {"token": token}}
    response = asyncio.run(routes.live(Request(scope)))
    return response.status_code, json.loads(response.body)


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

    def request(token):
        scope = {"type": "http", "method": "GET", "path": "", "headers": [], "path_params": {"token": token}}
        return routes.live(Request(scope))

    async def room():
        reading = asyncio.create_task(request(tokens[0]))
        await asyncio.sleep(0)  # its hop has started
        others = [await request(t) for t in tokens[1:]]
        release.set()
        return [await reading, *others]

    answers = asyncio.run(room())
    assert len(hops) == 1  # one read for the room
    assert [(r.status_code, json.loads(r.body)) for r in answers] == [first] * 5
    assert routes._refreshing == set()
