"""The phones' answer routes: POST /api/answer/<token>/<ratings|items|placements> (ui/server/answer_routes.py).

The phone's forms are browser components that post here and draw the reply, so everything a
phone can be told after a tap (thanks, a refusal, the quadrant) is tested on the routes.

Starlette's TestClient needs httpx, which the project does not install: ``post`` speaks ASGI to
the app directly, as uvicorn would.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from starlette.applications import Starlette

from fea_core import competence, items, placement
from fea_core.model import (
    ACTIVITY_COMPETENCE,
    ACTIVITY_IDEAS,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS,
    ACTIVITY_SOLUTION_MATRIX,
)
from fea_core.schema import items as items_table
from fea_core.schema import ratings as ratings_table
from tests.conftest import FACTOR_KEYS, answers_for
from ui.server import answer_routes

# Both databases: on PostgreSQL an answer shares one connection between its token and its turn.
pytestmark = pytest.mark.databases("sqlite", "postgresql")

APP = Starlette(routes=answer_routes.ROUTES)
BAD_ANSWER = "Svaret kunne ikke læses. Genindlæs siden og prøv igen."
ROUND_CLOSED = "Runden er lukket, så dit svar blev ikke gemt. Dine tidligere svar er bevaret."
MOVED_ON = "Facilitator er gået videre til noget andet. Dit svar blev ikke gemt."
STALE = (
    "Punktet er blevet samlet med et andet eller skjult imens. "
    "Din placering blev ikke gemt; se den opdaterede liste."
)
SENT = "Tak! Det er sendt til storskærmen."
HOSTILE = "<img src=x onerror=alert(1)> **fed** [x](javascript:alert(1))"


def post(path: str, body=None, *, raw: bytes | None = None, content_type: str = "application/json",
         headers: dict | None = None):
    """POST to the routes as a browser would; return (status, headers, parsed JSON reply)."""
    data = raw if raw is not None else json.dumps(body).encode()
    extra = [(k.lower().encode(), v.encode()) for k, v in {"Host": "127.0.0.1:8501", **(headers or {})}.items()]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"content-type", content_type.encode()), (b"content-length", str(len(data)).encode()), *extra],
        "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8501),
    }
    incoming = [{"type": "http.request", "body": data, "more_body": False}]
    sent = []

    async def receive():
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(APP(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    reply = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers, json.loads(reply)


def answer(participant, what: str, body=None, **kwargs) -> tuple[int, dict]:
    """Send one answer as this phone; return (status, reply)."""
    status, _, reply = post(f"/api/answer/{participant.token}/{what}", body, **kwargs)
    return status, reply


@pytest.fixture
def room(solver, store_url, monkeypatch):
    """The Problemløseren helper (tests/problem_solver_fixtures.py), its database the routes' database."""
    monkeypatch.setenv("FEA_DATABASE_URL", store_url)
    return solver


# --- ratings ----------------------------------------------------------------------------------

SAVED = answers_for(3, innovation=4, aabenhed=2, teknikker_og_viden=None, motivation=5, systematik=1)


@pytest.fixture
def rating(room):
    """Return (room, phone) with the competence round open."""
    room.step(ACTIVITY_COMPETENCE)
    return room, room.phone()


def test_six_ratings_sent_at_once_are_saved_as_six_rows_and_the_phone_is_thanked(rating):
    room, phone = rating

    status, reply = answer(phone, "ratings", {"ratings": SAVED, "lang": "da"})

    assert (status, reply) == (200, {"ok": True, "message": "Tak! Dine svar er gemt."})
    assert competence.my_ratings(room.store, phone) == SAVED
    assert room.count(ratings_table) == 6


def test_a_second_send_replaces_the_first_ratings(rating):
    room, phone = rating
    answer(phone, "ratings", {"ratings": SAVED})

    status, _ = answer(phone, "ratings", {"ratings": {**SAVED, "innovation": 1, "motivation": None}})

    assert status == 200
    assert competence.my_ratings(room.store, phone) == {**SAVED, "innovation": 1, "motivation": None}
    assert room.count(ratings_table) == 6


def test_a_send_with_nothing_chosen_names_all_six_factors_in_danish_and_saves_nothing(rating):
    room, phone = rating

    status, reply = answer(phone, "ratings", {"ratings": {}})

    assert (status, reply["ok"], reply["code"]) == (409, False, "missing_answers")
    assert reply["message"] == (
        "Du mangler at svare på: Innovation, Åbenhed, Teknikker og viden, Motivation, Systematik, "
        "Tid og ressourcer. Vælg 'Ved ikke', hvis du ikke kan vurdere det."
    )
    assert room.count(ratings_table) == 0


@pytest.mark.parametrize("lang, message", [
    ("da", "Du mangler at svare på: Systematik. Vælg 'Ved ikke', hvis du ikke kan vurdere det."),
    ("en", "You have not answered: Systematics. Choose 'Don't know' if you cannot judge."),
])
def test_a_send_with_one_factor_left_out_names_only_that_factor_in_the_phones_language(rating, lang, message):
    room, phone = rating
    without = {k: v for k, v in SAVED.items() if k != "systematik"}

    status, reply = answer(phone, "ratings", {"ratings": without, "lang": lang})

    assert status == 409
    assert reply["message"] == message
    assert competence.my_ratings(room.store, phone) == {}


@pytest.mark.parametrize("value", [0, 6, "3", True, 2.5, [3]])
def test_a_rating_outside_1_to_5_or_not_a_whole_number_is_refused_and_nothing_is_saved(rating, value):
    room, phone = rating

    status, reply = answer(phone, "ratings", {"ratings": {**SAVED, "innovation": value}})

    assert (status, reply["code"]) == (409, "invalid_rating")
    assert reply["message"] == "Et svar er uden for skalaen 1-5 (Innovation). Vælg igen."
    assert room.count(ratings_table) == 0


@pytest.mark.parametrize("ratings", [None, [3, 3, 3, 3, 3, 3], "3"])
def test_ratings_that_are_not_an_object_are_refused_as_unreadable(rating, ratings):
    room, phone = rating

    assert answer(phone, "ratings", {"ratings": ratings}) == (400, {"ok": False, "message": BAD_ANSWER})
    assert room.count(ratings_table) == 0


def test_an_unknown_factor_is_refused_and_nothing_is_saved(rating):
    room, phone = rating

    status, reply = answer(phone, "ratings", {"ratings": {**SAVED, "humor": 3}})

    assert (status, reply["code"]) == (409, "invalid_rating")
    assert room.count(ratings_table) == 0


def test_ratings_sent_after_the_round_closed_are_refused_and_the_earlier_ones_kept(rating):
    room, phone = rating
    answer(phone, "ratings", {"ratings": SAVED})
    room.close()

    status, reply = answer(phone, "ratings", {"ratings": answers_for(1)})

    assert (status, reply) == (409, {"ok": False, "code": "round_closed", "message": ROUND_CLOSED})
    assert competence.my_ratings(room.store, phone) == SAVED


def test_ratings_sent_after_the_facilitator_moved_on_are_refused_and_the_earlier_ones_kept(rating):
    room, phone = rating
    answer(phone, "ratings", {"ratings": SAVED})
    room.step(ACTIVITY_PROBLEMS)

    status, reply = answer(phone, "ratings", {"ratings": answers_for(1)})

    assert (status, reply["code"], reply["message"]) == (409, "not_this_activity", MOVED_ON)
    assert competence.my_ratings(room.store, phone) == SAVED


# --- items ------------------------------------------------------------------------------------


@pytest.fixture
def trin_1(room):
    """Return (room, phone) with trin 1 open."""
    room.step(ACTIVITY_PROBLEMS)
    return room, room.phone()


def listed(room, kind: str) -> list[str]:
    return [i.text for i in items.list_items(room.store, room.id, kind)]


def test_a_problem_is_saved_numbered_and_its_saved_text_comes_back_for_the_phones_list(trin_1):
    room, phone = trin_1
    items.submit_item(room.store, room.phone(), "problem", "Et andet telefons problem")

    status, reply = answer(phone, "items", {"kind": "problem", "text": "Vi når ikke at holde pauser", "lang": "da"})

    assert (status, reply) == (200, {"ok": True, "message": SENT,
                                     "sent": {"kind": "problem", "text": "Vi når ikke at holde pauser"}})
    saved = items.list_items(room.store, room.id, "problem")[-1]
    assert (saved.number, saved.text, saved.author_participant_id) == (2, "Vi når ikke at holde pauser", phone.id)


def test_choosing_det_fungerer_godt_saves_a_keep_item_listed_with_the_phones_problems(trin_1):
    room, phone = trin_1
    answer(phone, "items", {"kind": "problem", "text": "Vi når ikke at holde pauser"})

    status, reply = answer(phone, "items", {"kind": "keep", "text": "Vi hjælper hinanden på travle dage"})

    assert (status, reply["sent"]) == (200, {"kind": "keep", "text": "Vi hjælper hinanden på travle dage"})
    assert listed(room, "keep") == ["Vi hjælper hinanden på travle dage"]
    assert listed(room, "problem") == ["Vi når ikke at holde pauser"]


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_text_is_refused_with_feltet_maa_ikke_vaere_tomt(trin_1, text):
    room, phone = trin_1

    status, reply = answer(phone, "items", {"kind": "problem", "text": text})

    assert (status, reply["code"], reply["message"]) == (409, "invalid_text", "Feltet må ikke være tomt.")
    assert room.count(items_table) == 0


def test_a_201_character_text_is_refused_as_too_long_and_nothing_is_saved(trin_1):
    room, phone = trin_1

    status, reply = answer(phone, "items", {"kind": "problem", "text": "a" * 201})

    assert (status, reply["message"]) == (409, "Teksten er for lang: højst 200 tegn.")
    assert room.count(items_table) == 0


def test_a_200_character_text_is_taken(trin_1):
    room, phone = trin_1

    status, reply = answer(phone, "items", {"kind": "problem", "text": "a" * 200})

    assert (status, reply["sent"]["text"]) == (200, "a" * 200)
    assert listed(room, "problem") == ["a" * 200]


def test_an_exact_duplicate_in_other_case_and_spacing_names_the_existing_number_and_saves_nothing(trin_1):
    room, phone = trin_1
    room.add("problem", "Vi når ikke at holde pauser")

    status, reply = answer(phone, "items", {"kind": "problem", "text": "  vi NÅR ikke   at holde PAUSER "})

    assert (status, reply["code"], reply["message"]) == (409, "duplicate_item", "Det står der allerede (nr. 1).")
    assert listed(room, "problem") == ["Vi når ikke at holde pauser"]
    assert items.items_by_author(room.store, phone, ("problem",)) == []


def test_a_hostile_text_is_stored_and_returned_verbatim_as_json(trin_1):
    room, phone = trin_1

    status, headers, reply = post(f"/api/answer/{phone.token}/items", {"kind": "problem", "text": HOSTILE})

    assert status == 200
    assert headers["content-type"] == "application/json"  # data for a text node, never HTML
    assert reply["sent"] == {"kind": "problem", "text": HOSTILE}
    assert listed(room, "problem") == [HOSTILE]


def test_an_idea_sent_during_trin_1_is_refused_as_the_wrong_step(trin_1):
    room, phone = trin_1

    status, reply = answer(phone, "items", {"kind": "idea", "text": "Fast pause kl. 10"})

    assert (status, reply["code"], reply["message"]) == (409, "not_this_activity", MOVED_ON)
    assert room.count(items_table) == 0


def test_a_problem_sent_during_trin_3_is_refused_and_an_idea_is_taken(room):
    room.step(ACTIVITY_IDEAS)
    phone = room.phone()

    assert answer(phone, "items", {"kind": "problem", "text": "Pauser"})[0] == 409
    status, reply = answer(phone, "items", {"kind": "idea", "text": "Fast pause kl. 10"})

    assert (status, reply["sent"]) == (200, {"kind": "idea", "text": "Fast pause kl. 10"})
    assert [(i.kind, i.text) for i in items.items_by_author(room.store, phone, ("idea", "problem"))] == [
        ("idea", "Fast pause kl. 10")
    ]


@pytest.mark.parametrize(
    "body",
    [{"kind": "secret", "text": "x"}, {"text": "x"}, {"kind": "problem"}, {"kind": "problem", "text": 7},
     {"kind": ["problem"], "text": "x"}, {"kind": {"a": 1}, "text": "x"}],
)
def test_an_item_body_the_form_never_sends_is_refused_as_unreadable(trin_1, body):
    room, phone = trin_1

    assert answer(phone, "items", body) == (400, {"ok": False, "message": BAD_ANSWER})
    assert room.count(items_table) == 0


def test_a_problem_sent_just_after_the_step_closed_is_refused_as_not_saved(trin_1):
    room, phone = trin_1
    room.close()

    status, reply = answer(phone, "items", {"kind": "problem", "text": "Vi når ikke at holde pauser"})

    assert (status, reply["code"], reply["message"]) == (409, "round_closed", ROUND_CLOSED)
    assert room.count(items_table) == 0


# --- placements -------------------------------------------------------------------------------


@pytest.fixture
def trin_2(room):
    """Return (room, [three problems], phone) with the problem matrix open."""
    room.step(ACTIVITY_PROBLEMS)
    problems = room.add("problem", "Vi når ikke at holde pauser", "For mange afbrydelser", "Uklare roller")
    room.step(ACTIVITY_PROBLEM_MATRIX)
    return room, problems, room.phone()


@pytest.mark.parametrize(
    ("x", "y", "quadrant"),
    [(5, 5, "Her skal vi gøre en indsats"), (1, 1, "Ikke relevant"), (5, 1, "Måske relevant"),
     (3, 3, "Ikke relevant")],
)
def test_a_placed_problem_is_saved_and_the_quadrant_named_verbatim(trin_2, x, y, quadrant):
    room, (p1, *_), phone = trin_2

    status, reply = answer(phone, "placements", {"item_id": p1.id, "x": x, "y": y, "lang": "da"})

    assert (status, reply) == (200, {
        "ok": True, "message": f"Nr. 1 er gemt: lander i {quadrant}.", "lands_in": f"Lander i: {quadrant}",
    })
    assert placement.my_placements(room.store, phone, "problem") == {p1.id: (x, y)}


def test_an_english_phone_is_told_the_quadrant_in_english(trin_2):
    room, (p1, *_), phone = trin_2

    status, reply = answer(phone, "placements", {"item_id": p1.id, "x": 5, "y": 5, "lang": "en"})

    assert reply["message"] == "No. 1 is saved: lands in This is where we must make an effort."
    assert reply["lands_in"] == "Lands in: This is where we must make an effort"


def test_moving_a_placement_replaces_the_saved_one(trin_2):
    room, (p1, *_), phone = trin_2
    answer(phone, "placements", {"item_id": p1.id, "x": 5, "y": 5})

    status, reply = answer(phone, "placements", {"item_id": p1.id, "x": 1, "y": 1})

    assert (status, reply["message"]) == (200, "Nr. 1 er gemt: lander i Ikke relevant.")
    assert placement.my_placements(room.store, phone, "problem") == {p1.id: (1, 1)}
    assert room.placements_saved() == 1


@pytest.mark.parametrize(
    "body",
    [{"y": 4}, {"x": 4}, {}, {"x": "4", "y": 4}, {"x": 4, "y": True}, {"x": 4.0, "y": 4}, {"x": None, "y": 4}],
)
def test_a_placement_without_both_whole_values_is_refused_as_unreadable(trin_2, body):
    room, (p1, *_), phone = trin_2

    assert answer(phone, "placements", {"item_id": p1.id, **body}) == (400, {"ok": False, "message": BAD_ANSWER})
    assert room.placements_saved() == 0


@pytest.mark.parametrize(("x", "y"), [(0, 3), (3, 6), (6, 0)])
def test_a_placement_off_the_1_to_5_scales_is_refused_and_nothing_is_saved(trin_2, x, y):
    room, (p1, *_), phone = trin_2

    status, reply = answer(phone, "placements", {"item_id": p1.id, "x": x, "y": y})

    assert (status, reply["code"]) == (409, "invalid_placement")
    assert reply["message"] == "Vælg et tal fra 1 til 5 på begge skalaer."
    assert room.placements_saved() == 0


@pytest.mark.parametrize("change", ["merge", "hide"])
def test_a_problem_merged_or_hidden_after_the_phone_drew_it_is_refused_with_the_stale_message(trin_2, change):
    room, (p1, p2, _), phone = trin_2
    if change == "merge":
        items.merge_items(room.store, p1.id, [p2.id])
    else:
        items.hide_item(room.store, p2.id)

    status, reply = answer(phone, "placements", {"item_id": p2.id, "x": 5, "y": 5})

    assert (status, reply) == (409, {"ok": False, "code": "stale_item", "message": STALE})
    assert room.placements_saved() == 0


def test_an_item_of_another_workshop_or_none_at_all_is_refused_as_stale(trin_2):
    room, _, phone = trin_2
    other = room.other_workshop()
    [foreign] = other.add("problem", "Et andet værksteds problem")

    for item_id in (foreign.id, 999_999, 0, -1, 2**70):
        status, reply = answer(phone, "placements", {"item_id": item_id, "x": 5, "y": 5})
        assert (status, reply["code"]) == (409, "stale_item"), item_id
    assert room.placements_saved() == other.placements_saved() == 0


def test_a_placement_sent_just_after_the_step_closed_is_refused_and_the_earlier_one_kept(trin_2):
    room, (p1, *_), phone = trin_2
    answer(phone, "placements", {"item_id": p1.id, "x": 5, "y": 5})
    room.close()

    status, reply = answer(phone, "placements", {"item_id": p1.id, "x": 1, "y": 1})

    assert (status, reply["code"], reply["message"]) == (409, "round_closed", ROUND_CLOSED)
    assert placement.my_placements(room.store, phone, "problem") == {p1.id: (5, 5)}


@pytest.fixture
def trin_4(room):
    """Return (room, idea, phone) with the solution matrix open."""
    room.step(ACTIVITY_IDEAS)
    [idea] = room.add("idea", "15 minutters fælles opsamling hver fredag")
    room.step(ACTIVITY_SOLUTION_MATRIX)
    return room, idea, room.phone()


@pytest.mark.parametrize(
    ("resources", "effect", "quadrant"),
    [(1, 5, "Det her skal prioriteres"), (5, 5, "Måske relevant"), (5, 1, "Ikke relevant")],
)
def test_an_idea_lands_in_the_solution_matrixs_quadrant_with_ressourceforbrug_reversed(
    trin_4, resources, effect, quadrant
):
    room, idea, phone = trin_4

    status, reply = answer(phone, "placements", {"item_id": idea.id, "x": resources, "y": effect})

    assert (status, reply["lands_in"]) == (200, f"Lander i: {quadrant}")
    assert placement.my_placements(room.store, phone, "idea") == {idea.id: (resources, effect)}


def test_a_problem_placed_during_trin_4_is_refused_as_stale(trin_4):
    room, _, phone = trin_4
    [problem] = room.add("problem", "Vi når ikke at holde pauser")

    status, reply = answer(phone, "placements", {"item_id": problem.id, "x": 5, "y": 5})

    assert (status, reply["code"]) == (409, "stale_item")
    assert room.placements_saved() == 0


# --- every route ------------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["ratings", "items", "placements"])
@pytest.mark.parametrize(("lang", "message"), [
    ("da", "Vi kunne ikke genkende din deltagelse. Deltag igen med koden fra storskærmen."),
    ("en", "We could not recognise your participation. Join again with the code from the shared screen."),
])
def test_an_unknown_token_is_answered_404_with_the_unknown_participant_message(room, what, lang, message):
    status, _, reply = post(f"/api/answer/never-issued/{what}", {"lang": lang, "ratings": {}, "kind": "problem",
                                                                  "text": "x", "item_id": 1, "x": 1, "y": 1})

    assert (status, reply) == (404, {"ok": False, "code": "unknown_participant", "message": message})


def test_a_join_code_is_not_a_token(room):
    status, _, reply = post(f"/api/answer/{room.workshop.code}/ratings", {"ratings": answers_for(3)})

    assert (status, reply["code"]) == (404, "unknown_participant")


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b'{"kind": "problem", "text": "Pauser"', "application/json", 400),  # cut off
        (b"", "application/json", 400),
        (b"\xff\xfe not utf-8", "application/json", 400),
        (b'[{"kind": "problem", "text": "Pauser"}]', "application/json", 400),  # a list, not an object
        (b'"Pauser"', "application/json", 400),
        (b"[" * 16_000 + b"]" * 16_000, "application/json", 413),
        (b"[" * 8_000 + b"]" * 8_000, "application/json", 400),  # nested past Python's recursion limit
        (b'{"kind": "problem", "text": "Pauser"}', "text/plain", 415),
        (b"kind=problem&text=Pauser", "application/x-www-form-urlencoded", 415),
        (b'{"kind": "problem", "text": "' + b"a" * answer_routes.BODY_MAX + b'"}', "application/json", 413),
    ],
    ids=["cut-off", "empty", "not-utf8", "list", "string", "deep-and-long", "deep", "text-plain", "form", "long"],
)
def test_a_body_the_form_never_sends_is_refused_in_danish_and_nothing_is_saved(trin_1, raw, content_type, status):
    room, phone = trin_1

    got = post(f"/api/answer/{phone.token}/items", raw=raw, content_type=content_type)

    assert (got[0], got[2]) == (status, {"ok": False, "message": BAD_ANSWER})
    assert room.count(items_table) == 0


def test_a_long_body_is_refused_without_reading_it_all(trin_1):
    # A hand-made request may stream megabytes: the route stops at the limit, holding 16 KB at most.
    room, phone = trin_1
    path = f"/api/answer/{phone.token}/items"
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"content-type", b"application/json")], "client": ("127.0.0.1", 5000), "server": None,
    }
    read, sent = [], []

    async def receive():
        read.append(1)
        return {"type": "http.request", "body": b"a" * 4096, "more_body": len(read) < 10_000}

    async def send(message):
        sent.append(message)

    asyncio.run(APP(scope, receive, send))

    assert sent[0]["status"] == 413
    assert len(read) == answer_routes.BODY_MAX // 4096 + 1
    assert room.count(items_table) == 0


def test_an_unknown_route_is_answered_404_in_danish(trin_1):
    room, phone = trin_1

    status, _, reply = post(f"/api/answer/{phone.token}/votes", {"kind": "problem", "text": "Pauser"})

    assert (status, reply) == (404, {"ok": False, "message": BAD_ANSWER})


def test_a_refusal_speaks_the_phones_language_and_an_unknown_language_falls_back_to_danish(trin_1):
    room, phone = trin_1

    english = answer(phone, "items", {"kind": "problem", "text": "", "lang": "en"})[1]["message"]
    other = answer(phone, "items", {"kind": "problem", "text": "", "lang": "fr"})[1]["message"]
    listed_lang = answer(phone, "items", {"kind": "problem", "text": "", "lang": ["en"]})[1]["message"]

    assert english == "The field must not be empty."
    assert other == listed_lang == "Feltet må ikke være tomt."


def test_every_reply_is_kept_out_of_caches(trin_1):
    room, phone = trin_1
    path = f"/api/answer/{phone.token}/items"

    for body, content_type in [({"kind": "problem", "text": "Pauser"}, "application/json"),
                               ({"kind": "problem", "text": ""}, "application/json"),
                               ({"kind": "problem"}, "application/json"),
                               ({"kind": "problem", "text": "x"}, "text/plain")]:
        assert post(path, body, content_type=content_type)[1]["cache-control"] == "no-store"


@pytest.mark.parametrize("what", ["ratings", "items", "placements"])
def test_a_saved_answer_raises_the_workshops_revision_and_a_refused_one_does_not(room, what):
    # Phones and the shared screen notice new answers by the revision (/api/live).
    if what == "ratings":
        room.step(ACTIVITY_COMPETENCE)
        good, bad = {"ratings": answers_for(3)}, {"ratings": answers_for(0)}
    elif what == "items":
        room.step(ACTIVITY_PROBLEMS)
        good, bad = {"kind": "problem", "text": "Pauser"}, {"kind": "problem", "text": "pauser"}
    else:
        room.step(ACTIVITY_PROBLEMS)
        [problem] = room.add("problem", "Pauser")
        room.step(ACTIVITY_PROBLEM_MATRIX)
        good, bad = {"item_id": problem.id, "x": 4, "y": 5}, {"item_id": problem.id, "x": 0, "y": 5}
    phone = room.phone()
    revision, stage = room.counters()

    assert answer(phone, what, good)[0] == 200
    assert room.counters() == (revision + 1, stage)  # a new answer, not a new step: phones do not rerun

    assert answer(phone, what, bad)[0] == 409
    assert room.counters() == (revision + 1, stage)


def test_the_factor_keys_the_tests_send_are_the_methods():
    assert competence.factor_keys() == FACTOR_KEYS


# --- hygiene: invisible characters, a phone's limit per step, and who may post ----------------

INVISIBLE = "\u200b\ufeff\u2060\u3164\u2800\u115f\u1160\uffa0\u00ad"


@pytest.mark.parametrize("text", [INVISIBLE, f" {INVISIBLE} \u200b "])
def test_a_text_of_only_invisible_characters_is_refused_as_empty_and_nothing_is_saved(trin_1, text):
    room, phone = trin_1

    status, reply = answer(phone, "items", {"kind": "problem", "text": text})

    assert (status, reply["code"], reply["message"]) == (409, "invalid_text", "Feltet må ikke være tomt.")
    assert room.count(items_table) == 0


def test_a_zero_width_character_does_not_slip_a_duplicate_past_the_check(trin_1):
    room, phone = trin_1
    room.add("problem", "Vi når ikke at holde pauser")

    status, reply = answer(phone, "items", {"kind": "problem", "text": "Vi n\u200bår ikke at\u2060 holde pau\ufeffser"})

    assert (status, reply["code"], reply["message"]) == (409, "duplicate_item", "Det står der allerede (nr. 1).")
    assert listed(room, "problem") == ["Vi når ikke at holde pauser"]


def test_the_invisible_characters_are_gone_from_the_saved_text_and_the_phones_list(trin_1):
    room, phone = trin_1

    status, reply = answer(phone, "items", {"kind": "problem", "text": "For\u200bmange\u2060 møder"})

    assert (status, reply["sent"]["text"]) == (200, "Formange møder")
    assert listed(room, "problem") == ["Formange møder"]


@pytest.mark.parametrize(("lang", "message"), [
    ("da", f"Du har sendt {items.ITEMS_PER_STEP_MAX} punkter i dette trin, som er det højeste antal pr. telefon. "
           "Sig resten højt, så skriver facilitator dem på."),
    ("en", f"You have sent {items.ITEMS_PER_STEP_MAX} items in this step, the most one phone may send. "
           "Say the rest aloud and the facilitator will add them."),
])
def test_a_phone_past_its_items_for_the_step_is_refused_in_its_language_and_nothing_is_saved(trin_1, lang, message):
    room, phone = trin_1
    limit = items.ITEMS_PER_STEP_MAX
    for n in range(limit):  # problems and things to keep count together: one step
        status, _ = answer(phone, "items", {"kind": "problem" if n % 2 else "keep", "text": f"Punkt {n}"})
        assert status == 200

    status, reply = answer(phone, "items", {"kind": "problem", "text": "Et punkt for meget", "lang": lang})

    assert (status, reply["code"], reply["message"]) == (409, "items.too_many", message)
    assert room.count(items_table) == limit


def test_the_limit_counts_only_the_phones_own_items(trin_1):
    room, phone = trin_1
    other = room.phone()
    for n in range(items.ITEMS_PER_STEP_MAX):
        items.submit_item(room.store, other, "problem", f"En andens punkt {n}")
    room.add("problem", "Facilitator skrev det her")

    status, reply = answer(phone, "items", {"kind": "problem", "text": "Mit første punkt"})

    assert (status, reply["sent"]["text"]) == (200, "Mit første punkt")


@pytest.mark.parametrize("content_type", [
    "application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8",
    'application/json; charset="utf-8"',
])
def test_application_json_with_or_without_a_utf8_charset_is_taken(trin_1, content_type):
    room, phone = trin_1

    status, _, reply = post(f"/api/answer/{phone.token}/items", {"kind": "problem", "text": "Pauser"},
                            content_type=content_type)

    assert (status, reply["ok"]) == (200, True)


@pytest.mark.parametrize("content_type", [
    "text/plain; charset=application/json",  # a CORS "simple" request: no preflight, and it was saved
    "application/json, text/plain",
    "application/jsonp",
    "application/json; charset=latin-1",
    "application/json; boundary=x",
    "multipart/form-data; boundary=application/json",
    "",
])
def test_any_other_content_type_is_refused_and_nothing_is_saved(trin_1, content_type):
    room, phone = trin_1

    status, _, reply = post(f"/api/answer/{phone.token}/items", {"kind": "problem", "text": "Pauser"},
                            content_type=content_type)

    assert (status, reply) == (415, {"ok": False, "message": BAD_ANSWER})
    assert room.count(items_table) == 0


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is another site to the app
    {"Origin": "https://evil.example"},
    {"Origin": "http://127.0.0.1:8502"},  # same host, another port: another origin
    {"Origin": "null"},  # a sandboxed frame or a file
    {"Sec-Fetch-Site": "same-origin", "Origin": "https://evil.example"},
], ids=["cross-site", "same-site", "evil-origin", "other-port", "null-origin", "lying-fetch-site"])
def test_a_post_another_site_makes_from_a_participants_browser_is_refused_and_nothing_is_saved(trin_1, headers):
    room, phone = trin_1

    status, _, reply = post(f"/api/answer/{phone.token}/items", {"kind": "problem", "text": "Pauser"},
                            headers=headers)

    assert (status, reply) == (403, {"ok": False, "message": BAD_ANSWER})
    assert room.count(items_table) == 0


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1:8501"},  # the app's own form
    {"Origin": "http://127.0.0.1:8501"},
    {"Sec-Fetch-Site": "same-origin"},
    {},  # no browser: curl, the bench's clients
], ids=["form", "origin-only", "fetch-site-only", "no-browser"])
def test_the_apps_own_page_and_a_client_that_is_not_a_browser_may_post(trin_1, headers):
    room, phone = trin_1

    status, _, reply = post(f"/api/answer/{phone.token}/items", {"kind": "problem", "text": "Pauser"},
                            headers=headers)

    assert (status, reply["ok"]) == (200, True)


def test_behind_a_proxy_the_public_url_is_the_apps_own_origin(trin_1, monkeypatch):
    room, phone = trin_1
    monkeypatch.setenv("FEA_PUBLIC_URL", "https://fea.kommune.dk/")
    body = {"kind": "problem", "text": "Pauser"}
    path = f"/api/answer/{phone.token}/items"

    own = post(path, body, headers={"Host": "127.0.0.1:8501", "Origin": "https://fea.kommune.dk"})
    other = post(path, {**body, "text": "Andet"}, headers={"Host": "127.0.0.1:8501", "Origin": "https://fea.evil.dk"})

    assert (own[0], other[0]) == (200, 403)
    assert listed(room, "problem") == ["Pauser"]


def test_the_benchs_phones_post_exactly_what_the_route_takes():
    # bench/ws_client.py writes its POST by hand: its Content-Type must stay one the route accepts.
    from pathlib import Path

    source = (Path(__file__).resolve().parents[1] / "bench" / "ws_client.py").read_text()
    assert "Content-Type: application/json\\r\\n" in source
    assert "Origin" not in source and "Sec-Fetch" not in source
    assert answer_routes.is_json("application/json")


# --- proposals (trin 5) -----------------------------------------------------------------------

from fea_core import handleplan  # noqa: E402
from fea_core.model import ACTIVITY_CONCRETISE  # noqa: E402


def test_a_proposal_sent_in_trin_5_is_saved_and_the_phone_is_thanked_in_its_language(room):
    room.step(ACTIVITY_CONCRETISE)
    phone = room.phone()

    status, reply = answer(phone, "proposals", {"question": 2, "text": HOSTILE, "lang": "en"})

    assert (status, reply) == (200, {"ok": True, "message": "Thank you! Your proposal is on the shared screen."})
    [saved] = handleplan.proposals(room.store, room.id)
    assert (saved.question_index, saved.text) == (2, HOSTILE)


@pytest.mark.parametrize("body", [{"question": 5, "text": "x"}, {"question": -1, "text": "x"},
                                  {"question": "1", "text": "x"}, {"question": True, "text": "x"},
                                  {"question": 0, "text": ["x"]}, {"text": "x"}])
def test_a_proposal_to_no_question_or_without_text_is_refused_and_nothing_is_saved(room, body):
    room.step(ACTIVITY_CONCRETISE)

    status, reply = answer(room.phone(), "proposals", body)

    assert (status, reply["message"]) == (400, BAD_ANSWER)
    assert handleplan.proposals(room.store, room.id) == []


def test_a_proposal_after_trin_5_closed_or_moved_on_is_refused_in_words(room):
    phone = room.phone()
    room.step(ACTIVITY_CONCRETISE, is_open=False)
    status, reply = answer(phone, "proposals", {"question": 0, "text": "For sent"})
    assert (status, reply["ok"]) == (409, False) and reply["message"]
    room.step(ACTIVITY_PROBLEMS)
    status, reply = answer(phone, "proposals", {"question": 0, "text": "For sent"})
    assert (status, reply["message"]) == (409, MOVED_ON)
    assert handleplan.proposals(room.store, room.id) == []
