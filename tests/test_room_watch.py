"""The room view's watch token (fea_core/room_watch.py) and its route /api/room/<token> (ui/server/routes.py)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from starlette.requests import Request

from fea_core import accounts, logins, participation, room_watch, schema, workshops
from fea_core.model import ACTIVITY_COMPETENCE
from ui.server import routes

SECRET = "server-secret-for-tests"
NOW = 1_800_000_000.0
LOGIN = ("anne", datetime(2026, 12, 3, 9, 0, tzinfo=UTC))  # username, when the login began


@pytest.fixture
def app_store(fresh_store, store_url, monkeypatch):
    monkeypatch.setenv("FEA_DATABASE_URL", store_url)
    monkeypatch.setenv("FEA_COOKIE_KEY", SECRET)
    routes._workshop_of.clear()
    routes._counters_of.clear()
    routes._moved.clear()
    routes._secret.clear()
    monkeypatch.setattr(routes, "_stopping", False)
    yield fresh_store
    routes._secret.clear()


@pytest.fixture
def app_login(app_store):
    """Facilitator anne's account and a login that began now: (username, began_at)."""
    accounts.create_facilitator(app_store, "anne", "Anne Andersen", "et-langt-kodeord-1")
    return "anne", datetime.now(UTC)


def get_room(token: str, query: str = "") -> tuple[int, dict]:
    scope = {"type": "http", "method": "GET", "path": f"/api/room/{token}", "query_string": query.encode(),
             "headers": [], "path_params": {"token": token}}
    response = asyncio.run(routes.room(Request(scope)))
    return response.status_code, json.loads(response.body)


def held_room_poll(token: str, seen: int, meanwhile) -> dict:
    """Hold a room poll at revision ``seen``, run ``meanwhile`` (in a thread) while it is held; return the answer."""

    async def scenario():
        held = asyncio.create_task(routes.room(Request({
            "type": "http", "method": "GET", "path": "/", "headers": [], "path_params": {"token": token},
            "query_string": f"field=revision&seen={seen}".encode()})))
        await asyncio.sleep(0.2)
        assert not held.done()  # nothing moved yet: held
        await asyncio.to_thread(meanwhile)
        return json.loads((await asyncio.wait_for(held, 20)).body)

    return asyncio.run(scenario())


def get_live(token: str) -> tuple[int, dict]:
    scope = {"type": "http", "method": "GET", "path": f"/api/live/{token}", "query_string": b"",
             "headers": [], "path_params": {"token": token}}
    response = asyncio.run(routes.live(Request(scope)))
    return response.status_code, json.loads(response.body)


def test_a_token_names_its_workshop_until_it_expires():
    token = room_watch.make_token(SECRET, 42, NOW, *LOGIN)
    assert room_watch.workshop_of(SECRET, token, NOW) == 42
    assert room_watch.workshop_of(SECRET, token, NOW + room_watch.LIFETIME_SECONDS - 1) == 42
    assert room_watch.workshop_of(SECRET, token, NOW + room_watch.LIFETIME_SECONDS + 1) is None


def test_a_token_signed_with_another_servers_secret_is_refused():
    token = room_watch.make_token("another-server", 42, NOW, *LOGIN)
    assert room_watch.workshop_of(SECRET, token, NOW) is None


def test_a_token_with_its_workshop_or_expiry_changed_is_refused():
    workshop_id, expires, began, user, signature = room_watch.make_token(SECRET, 42, NOW, *LOGIN).split(".")
    assert room_watch.workshop_of(SECRET, f"43.{expires}.{began}.{user}.{signature}", NOW) is None
    assert room_watch.workshop_of(SECRET, f"{workshop_id}.{int(expires) + 3600}.{began}.{user}.{signature}", NOW) is None
    # Nor another login's start or another facilitator: the "Log ud" check would ask about them.
    assert room_watch.workshop_of(SECRET, f"{workshop_id}.{expires}.{int(began) + 1}.{user}.{signature}", NOW) is None
    other = room_watch.make_token(SECRET, 42, NOW, "bo", LOGIN[1]).split(".")[3]
    assert room_watch.workshop_of(SECRET, f"{workshop_id}.{expires}.{began}.{other}.{signature}", NOW) is None


def test_a_token_names_the_login_it_was_made_for_to_the_microsecond():
    began = datetime(2026, 12, 3, 9, 15, 2, 999_999, tzinfo=UTC)
    watch = room_watch.read_token(SECRET, room_watch.make_token(SECRET, 42, NOW, "anne", began), NOW)
    assert watch == room_watch.Watch(42, "anne", began)


@pytest.mark.parametrize("token", [
    "", "42", "42..", "42.1.x", "-1.1800086400.1.YW5uZQ." + "A" * 43, "42.1800086400.1.YW5uZQ." + "A" * 43,
    "42.1800086400.1.YW5uZQ." + "A" * 44, "４２.1800086400.1.YW5uZQ." + "A" * 43,
    "42.1800086400.1.YW5uZQ." + "A" * 42 + "\u200b", "42.1800086400.1.." + "A" * 43,
    "42.1800086400.99999999999999999999.YW5uZQ." + "A" * 43, None, 42, "x" * 10_000,
])
def test_attacker_inputs_are_refused_without_an_error(token):
    assert room_watch.workshop_of(SECRET, token, NOW) is None


def test_a_token_from_a_clock_far_ahead_is_refused():
    token = room_watch.make_token(SECRET, 42, NOW + 7 * 24 * 3600, *LOGIN)
    assert room_watch.workshop_of(SECRET, token, NOW) is None


def test_no_token_is_made_or_accepted_without_a_secret():
    with pytest.raises(ValueError):
        room_watch.make_token("", 42, NOW, *LOGIN)
    assert room_watch.workshop_of("", room_watch.make_token(SECRET, 42, NOW, *LOGIN), NOW) is None


def test_the_room_route_answers_only_the_two_counters_of_the_tokens_workshop(app_store, app_login, workshop):
    status, body = get_room(routes.room_token(workshop.id, *app_login))
    assert status == 200
    assert body == {"stage": workshop.stage, "revision": workshop.revision}


def test_a_participant_token_gets_nothing_from_the_room_route(app_store, app_login, workshop):
    _, phone = participation.join(app_store, workshop.code)
    assert get_live(phone.token)[0] == 200  # a real phone token...
    assert get_room(phone.token) == (404, {"error": "unknown"})  # ... opens nothing here


def test_a_room_token_gets_nothing_from_the_phones_route(app_store, app_login, workshop):
    # Nor the other way round: a room token is no participant, and the room's cache key is a
    # tuple that no path can spell.
    token = routes.room_token(workshop.id, *app_login)
    assert get_room(token)[0] == 200
    assert get_live(token) == (404, {"error": "unknown"})
    assert get_live(f"room:{workshop.id}") == (404, {"error": "unknown"})
    assert get_live(str(("room", workshop.id))) == (404, {"error": "unknown"})


def test_a_token_for_a_workshop_that_is_gone_gets_404(app_store, app_login, workshop):
    assert get_room(routes.room_token(workshop.id + 1000, *app_login)) == (404, {"error": "unknown"})


def test_the_room_route_follows_the_workshops_changes(app_store, app_login, workshop, monkeypatch):
    token = routes.room_token(workshop.id, *app_login)
    before = get_room(token)[1]
    workshops.set_activity(app_store, workshop.id, ACTIVITY_COMPETENCE)
    monkeypatch.setattr(routes, "CACHE_SECONDS", 0.0)
    after = get_room(token)[1]
    assert after["stage"] == before["stage"] + 1 and after["revision"] > before["revision"]


def test_a_held_room_poll_answers_once_the_revision_moves(app_store, app_login, workshop, monkeypatch):
    monkeypatch.setattr(routes, "CACHE_SECONDS", 0.01)
    monkeypatch.setattr(routes, "HOLD_SECONDS", 30.0)
    token = routes.room_token(workshop.id, *app_login)
    seen = get_room(token)[1]["revision"]
    answer = held_room_poll(token, seen, lambda: workshops.set_results_visible(app_store, workshop.id, True))
    assert answer["revision"] > seen


def test_a_watch_whose_login_ended_is_told_ended_and_nothing_of_the_workshop(app_store, app_login, workshop):
    token = routes.room_token(workshop.id, *app_login)
    assert get_room(token)[0] == 200
    with app_store.write() as conn:
        logins.end_logins(conn, "anne")  # "Log ud" on another device
    assert get_room(token) == (200, {"stage": -1, "revision": -1, "ended": True})
    # A new login on this device watches again.
    assert get_room(routes.room_token(workshop.id, "anne", datetime.now(UTC)))[1] == {
        "stage": workshop.stage, "revision": workshop.revision}


def test_a_watch_of_a_deactivated_or_unknown_account_is_ended(app_store, app_login, workshop):
    assert get_room(routes.room_token(workshop.id, "nobody", datetime.now(UTC)))[1]["ended"] is True
    with app_store.write() as conn:
        conn.execute(schema.facilitators.update().values(active=False))
    assert get_room(routes.room_token(workshop.id, *app_login))[1]["ended"] is True


def test_a_held_room_poll_ends_with_ended_when_the_login_ends_meanwhile(app_store, app_login, workshop, monkeypatch):
    monkeypatch.setattr(routes, "CACHE_SECONDS", 0.01)
    monkeypatch.setattr(routes, "HOLD_SECONDS", 3.0)  # held past the helper's check, then ends
    token = routes.room_token(workshop.id, *app_login)
    seen = get_room(token)[1]["revision"]

    def log_out():  # "Log ud" on another device while the room view's poll is held
        with app_store.write() as conn:
            logins.end_logins(conn, "anne")

    assert held_room_poll(token, seen, log_out) == {"stage": -1, "revision": -1, "ended": True}
