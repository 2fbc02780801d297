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

    monkeypatch.setattr(routes, "run_in_threadpool", counting_hop)
    monkeypatch.setattr(routes, "CACHE_SECONDS", 60.0)
    assert [get(phone.token) for _ in range(5)] == [first] * 5
    assert hops == []
    monkeypatch.setattr(routes, "CACHE_SECONDS", 0.0)  # stale: the database is asked again, off the loop
    assert get(phone.token) == first
    assert hops == [routes._counters]
