"""The phone state (fea_core/phone_state.py) and its route GET /api/phone/<token> (ui/server/phone_routes.py).

The phone's one step component draws only this data, so what a phone may and may not see is
tested here: every step of fea_core.flow, both languages, hostile text kept as data, and no
other phone's answers, no interview notes, no rating figures of the room.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from starlette.applications import Starlette

from fea_core import competence, decisions, flow, handleplan, items, placement, talk
from fea_core.model import (
    ACTIVITY_COMPETENCE,
    ACTIVITY_CONCRETISE,
    ACTIVITY_IDEAS,
    ACTIVITY_IMPLEMENT,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS,
    ACTIVITY_SOLUTION_MATRIX,
)
from fea_core.phone_state import VIEWS, state_for
from fea_core.retention import delete_workshop
from tests.conftest import answers_for
from ui.server import answer_routes, phone_routes

APP = Starlette(routes=phone_routes.ROUTES + answer_routes.ROUTES)
HOSTILE = "<img src=x onerror=alert(1)> **fed** $x$ :red[x] ![](http://evil.example/a.png)\u202e"


def get(path: str) -> tuple[int, dict, dict]:
    """GET from the routes as a browser would; return (status, headers, parsed JSON reply)."""
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": raw_path, "raw_path": raw_path.encode(), "query_string": query.encode(),
        "root_path": "", "headers": [(b"host", b"127.0.0.1:8501")],
        "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8501),
    }
    sent = []

    async def receive():
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(APP(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers, json.loads(body)


@pytest.fixture
def room(solver, store_url, monkeypatch):
    monkeypatch.setenv("FEA_DATABASE_URL", store_url)
    return solver


def strings(value) -> list[str]:
    """Return every string anywhere in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def test_every_activity_of_the_flow_has_a_phone_view():
    assert set(VIEWS) == set(flow.keys())


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("activity", flow.keys())
def test_every_step_gives_a_state_with_a_title_in_the_phones_language_that_survives_json(room, activity, lang):
    room.add("problem", "Travlhed om morgenen")
    room.add("idea", "Fast morgenmøde")
    phone = room.phone()
    room.step(activity)

    state = json.loads(json.dumps(state_for(room.store, phone, lang)))

    assert state["activity"] == activity and state["lang"] == lang
    assert state["stage"] == room.counters()[1]
    assert state["trin"] == flow.activity(activity).trin
    assert state["view"]["title"]
    if flow.activity(activity).trin:
        assert state["view"]["title"].startswith("Trin " if lang == "da" else "Step ")
    assert (state["chosen_problem"] is not None) == flow.activity(activity).shows_chosen_problem
    assert (state["chosen_solution"] is not None) == flow.activity(activity).shows_chosen_solution


def test_an_unknown_language_falls_back_to_danish(room):
    state = state_for(room.store, room.phone(), "xx")
    assert state["lang"] == "da" and state["view"]["title"] == "Velkommen!"


def test_the_english_phone_gets_english_texts_and_english_forms(room):
    phone = room.phone()
    room.step(ACTIVITY_COMPETENCE)
    state = state_for(room.store, phone, "en")
    assert state["view"]["form"]["text"]["dont_know"] == "Don't know"
    assert state["view"]["form"]["lang"] == "en"
    assert "Systematics" in [f["label"] for f in state["view"]["form"]["factors"]]


def test_each_step_sends_the_form_its_flow_declares(room):
    room.add("problem", "Travlhed")
    phone = room.phone()
    kinds = {}
    for activity in flow.keys():
        room.step(activity)
        view = state_for(room.store, phone, "da")["view"]
        kinds[activity] = view["kind"]
        if flow.activity(activity).sends:
            assert [k["key"] for k in view["form"]["kinds"]] == list(flow.activity(activity).sends)
            assert view["form"]["url"] == f"/api/answer/{phone.token}/items"
    assert kinds[ACTIVITY_COMPETENCE] == "rating"
    assert kinds[ACTIVITY_PROBLEM_MATRIX] == "placement"
    assert kinds[ACTIVITY_CONCRETISE] == "proposals"
    assert kinds[ACTIVITY_IMPLEMENT] == "plan"


def test_a_closed_step_shows_the_closed_notice_and_the_phones_own_items_but_no_form(room):
    phone, other = room.phone(), room.phone()
    room.step(ACTIVITY_PROBLEMS)
    items.submit_item(room.store, phone, "problem", "Mit eget problem")
    items.submit_item(room.store, other, "problem", "Naboens problem")
    room.close()

    view = state_for(room.store, phone, "da")["view"]

    assert "form" not in view
    assert view["notices"][0]["text"] == "Trinnet er lukket. Det, du har sendt, er gemt."
    assert view["lines"] == ["• Mit eget problem"]
    assert "Naboens problem" not in strings(view)


def test_the_rating_step_holds_only_the_phones_own_ratings_and_no_figure_of_the_room(room):
    phone, others = room.phone(), [room.phone() for _ in range(4)]
    room.step(ACTIVITY_COMPETENCE)
    for other in others:
        competence.submit_ratings(room.store, other, answers_for(1, innovation=5))
    competence.submit_ratings(room.store, phone, answers_for(3))

    state = state_for(room.store, phone, "da")

    assert state["view"]["form"]["saved"] == answers_for(3)
    # No mean, no count, no group: the room's figures are on the shared screen only.
    assert set(state["view"]["form"]) == {"url", "lang", "text", "factors", "scale", "saved"}
    room.close()
    closed = state_for(room.store, phone, "da")["view"]
    assert closed["lines"] == [f"{label}: 3" for label in
                               ("Innovation", "Åbenhed", "Teknikker og viden", "Motivation", "Systematik",
                                "Tid og ressourcer")]


def test_the_deck_holds_the_visible_items_without_authors_and_only_this_phones_placements(room):
    phone, other = room.phone(), room.phone()
    room.step(ACTIVITY_PROBLEMS)
    mine = items.submit_item(room.store, phone, "problem", "Travlhed")
    hidden, kept = room.add("problem", "Skjult punkt", "Synligt punkt")
    items.hide_item(room.store, hidden.id)
    room.step(ACTIVITY_PROBLEM_MATRIX)
    placement.place_item(room.store, other, kept.id, 5, 5)
    placement.place_item(room.store, phone, mine.id, 2, 4)

    deck = state_for(room.store, phone, "da")["view"]["deck"]

    assert [(c["number"], c["text"]) for c in deck["cards"]] == [(mine.number, "Travlhed"), (kept.number, "Synligt punkt")]
    assert deck["cards"][0]["placed"]["x"] == 2 and deck["cards"][1]["placed"] is None
    assert "Skjult punkt" not in strings(deck)
    assert all(set(c) == {"id", "number", "text", "placed"} for c in deck["cards"])


def test_the_reversed_resource_scale_names_both_ends_in_words(room):
    room.add("idea", "Fast morgenmøde")
    phone = room.phone()
    room.step(ACTIVITY_SOLUTION_MATRIX)
    deck = state_for(room.store, phone, "da")["view"]["deck"]
    reversed_axis = next(a for a in (deck["x"], deck["y"]) if a["reversed"])
    assert (reversed_axis["left"], reversed_axis["right"]) == ("Høj", "Lav")
    assert deck["text"]["number"] == "Nr. {number}"
    assert deck["text"]["progress"] == "{done} af {total} placeret"


def test_hostile_text_is_returned_as_the_same_data_not_markup(room):
    phone = room.phone()
    room.step(ACTIVITY_PROBLEMS)
    problem = items.submit_item(room.store, phone, "problem", HOSTILE)
    decisions.choose_problem(room.store, room.id, problem.id)
    decisions.describe_problem(room.store, room.id, HOSTILE)
    room.step(ACTIVITY_IDEAS)

    state = state_for(room.store, phone, "da")

    cleaned = problem.text  # as the domain cleaned it on the way in (no formatting added)
    assert state["chosen_problem"]["text"] == cleaned
    assert state["view"]["form"]["mine"] == {"idea": []}  # trin 3 lists the phone's ideas, not its problems
    assert "<img" in state["chosen_problem"]["text"]  # kept as text: the component draws text nodes


def test_the_handleplan_is_in_trin_5_and_6_as_it_is_written(room):
    phone = room.phone()
    idea = room.add("idea", "Fast morgenmøde")[0]
    decisions.choose_idea(room.store, room.id, idea.id)
    room.step(ACTIVITY_CONCRETISE)
    handleplan.save_answer(room.store, room.id, 0, "Hele holdet")
    handleplan.propose_answer(room.store, room.phone(), 1, "Et andet telefonforslag")
    trin5 = state_for(room.store, phone, "da")
    assert trin5["chosen_solution"] == {"label": "Den valgte løsning", "text": "Fast morgenmøde"}
    assert trin5["view"]["answers"][0]["answer"] == "Hele holdet"
    assert "Et andet telefonforslag" not in strings(trin5)  # phones see the answers, not each other's proposals

    room.step(ACTIVITY_IMPLEMENT)
    assert state_for(room.store, phone, "da")["view"]["actions"] == []
    handleplan.save_actions(room.store, room.id, [{"what": "Morgenmøde kl. 7.45", "owner": "Leder"}])
    actions = state_for(room.store, phone, "en")["view"]["actions"]
    assert [a["what"] for a in actions] == ["Morgenmøde kl. 7.45"]
    assert actions[0]["meta"].startswith("Responsible: Leder")


def test_the_timer_is_given_in_epoch_seconds_when_the_workshop_has_one(room, monkeypatch):
    phone = room.phone()
    assert state_for(room.store, phone, "da")["timer_ends_at"] is None
    ends = datetime(2026, 12, 2, 12, 3, tzinfo=UTC)
    from fea_core import workshops

    real = workshops.get_workshop

    def with_timer(store, workshop_id):
        ws = real(store, workshop_id)
        object.__setattr__(ws, "timer_ends_at", ends.replace(tzinfo=None)) if ws else None
        return ws

    monkeypatch.setattr(workshops, "get_workshop", with_timer)
    state = state_for(room.store, phone, "da", now=ends - timedelta(minutes=3))
    assert state["timer_ends_at"] == ends.timestamp()
    assert state["timer_ends_at"] - state["server_now"] == 180


def test_interview_notes_never_reach_a_phone(room):
    phone = room.phone()
    talk.save_questions(room.store, room.id, ["Hvad fylder mest i hverdagen?"])
    for activity in flow.keys():
        room.step(activity)
        assert "Hvad fylder mest i hverdagen?" not in strings(state_for(room.store, phone, "da"))


# --- the route ---------------------------------------------------------------------------------

def test_the_route_returns_the_phones_state_uncached(room):
    phone = room.phone()
    room.step(ACTIVITY_COMPETENCE)
    status, headers, state = get(f"/api/phone/{phone.token}?lang=en")
    assert status == 200 and headers["cache-control"] == "no-store"
    assert state["activity"] == ACTIVITY_COMPETENCE and state["lang"] == "en"


@pytest.mark.parametrize("token", ["x", "' OR 1=1 --", "a" * 500, "%00", "..%2f..%2fetc"])
def test_a_wrong_token_gets_404_and_nothing_else(room, token):
    room.phone()
    status, _, reply = get(f"/api/phone/{token}")
    assert (status, reply) == (404, {"error": "unknown"})


def test_a_phone_of_another_workshop_gets_its_own_workshop_only(room):
    room.add("problem", "Kun i første workshop")
    room.step(ACTIVITY_PROBLEM_MATRIX)
    other = room.other_workshop()
    stranger = other.phone()
    status, _, state = get(f"/api/phone/{stranger.token}")
    assert status == 200 and state["activity"] != ACTIVITY_PROBLEM_MATRIX
    assert "Kun i første workshop" not in strings(state)


def test_a_deleted_workshops_phone_gets_404(room):
    phone = room.phone()
    delete_workshop(room.store, room.id)
    status, _, reply = get(f"/api/phone/{phone.token}")
    assert (status, reply) == (404, {"error": "unknown"})


def test_a_strange_language_is_answered_in_danish(room):
    status, _, state = get(f"/api/phone/{room.phone().token}?lang=<script>")
    assert status == 200 and state["lang"] == "da"


def test_the_phone_scripts_put_text_into_text_nodes_never_into_html():
    from pathlib import Path

    web = Path(__file__).resolve().parent.parent / "ui" / "web"
    for script in sorted(web.glob("*.js")):
        source = script.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert sink not in source, f"{script.name} uses {sink}"
    # el() is the one place that makes elements: strings become text nodes there.
    assert "document.createTextNode(String(child))" in (web / "answer_common.js").read_text(encoding="utf-8")
