"""Phones' answers over plain HTTP: a rating, an item or a placement costs one POST, no script run.

A Streamlit interaction reruns a script (8-11 ms of the process's one core, plus its queue);
with 200 phones that is more than a core. The phone's answer forms (ui/answer_forms.py) post
here instead and draw the reply themselves. The page reruns only when the step changes.

Every route takes the participant's secret token in the path (as /api/live does) and a small
JSON body, checks it with the same domain services the pages use, and answers
``{"ok": bool, "message": str, ...}`` with the message in the phone's language.
"""

from __future__ import annotations

import json
from email.message import Message
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fea_core import competence, flow, handleplan, items, placement
from fea_core.config import database_url, public_url
from fea_core.error_messages import describe_error
from fea_core.errors import FeaError
from fea_core.i18n import translate
from fea_core.method import DEFAULT_LANGUAGE, LANGUAGES, load_method
from fea_core.model import Participant
from fea_core.participation import resume
from fea_core.phone_state import ANSWER_ROUTE  # the phone state names it for its forms
from fea_core.quadrants import classify
from fea_core.storage import open_store
from ui.server.db_threads import run_db

BODY_MAX = 16_384  # the longest answer is one item text (a few hundred characters)
# Every kind some step lets phones send.
SENDABLE_KINDS = frozenset(k for a in flow.FLOW for k in a.sends)
_NO_STORE = {"Cache-Control": "no-store"}


class BadAnswer(Exception):
    """The body is not what the phone's form sends (hand-made or damaged request)."""


def _store():
    return open_store(database_url())


def _as_int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadAnswer()
    return value


def _save_ratings(participant: Participant, body: dict, language: str) -> dict:
    answers = body.get("ratings")
    if not isinstance(answers, dict):
        raise BadAnswer()
    competence.submit_ratings(_store(), participant, answers)
    return {"message": translate(language, "rate.thanks")}


def _save_item(participant: Participant, body: dict, language: str) -> dict:
    kind, text = body.get("kind"), body.get("text")
    if not isinstance(kind, str) or kind not in SENDABLE_KINDS or not isinstance(text, str):
        raise BadAnswer()
    item = items.submit_item(_store(), participant, kind, text)
    # The phone adds it to the list it shows (ui/web/item_form.js). Reading that list back for
    # every item was a third of an item's database work in trin 1's burst.
    return {"message": translate(language, "steps.sent"), "sent": {"kind": item.kind, "text": item.text}}


def _save_placement(participant: Participant, body: dict, language: str) -> dict:
    item_id, x, y = _as_int(body.get("item_id")), _as_int(body.get("x")), _as_int(body.get("y"))
    placed = placement.place_item(_store(), participant, item_id, x, y)
    matrix = load_method(language).matrix_for(placed.kind)
    quadrant = matrix.quadrants[classify(x, y, matrix)]
    return {
        "message": translate(language, "steps.placed", number=placed.number, quadrant=quadrant),
        "lands_in": translate(language, "steps.lands_in", quadrant=quadrant),
    }


def _save_proposal(participant: Participant, body: dict, language: str) -> dict:
    question, text = _as_int(body.get("question")), body.get("text")
    if not isinstance(text, str) or not 0 <= question < handleplan.question_count():
        raise BadAnswer()
    handleplan.propose_answer(_store(), participant, question, text)
    return {"message": translate(language, "plan.proposal_sent")}


_SAVERS = {"ratings": _save_ratings, "items": _save_item, "placements": _save_placement,
           "proposals": _save_proposal}


def _answer(token: str, what: str, raw: bytes) -> tuple[int, dict]:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested past the limit
        body = None
    language = body.get("lang") if isinstance(body, dict) else None
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    if not isinstance(body, dict):
        return 400, {"ok": False, "message": translate(language, "error.bad_answer")}
    store = _store()
    try:
        with store.one_connection():  # the token's lookup and the answer's turn: one checkout
            participant = resume(store, token)
            reply = _SAVERS[what](participant, body, language)
    except BadAnswer:
        return 400, {"ok": False, "message": translate(language, "error.bad_answer")}
    except FeaError as error:
        # The app's clear "no" (round closed, step moved on, duplicate, stale item, bad text).
        status = 404 if error.code == "unknown_participant" else 409
        return status, {"ok": False, "code": error.code, "message": describe_error(language, error)}
    return 200, {"ok": True, **reply}


def is_json(content_type: str) -> bool:
    """Return whether a Content-Type is exactly application/json, with at most a UTF-8 charset.

    Anything looser lets a cross-site page post without asking first: "text/plain;
    charset=application/json" is a CORS "simple" request that contains the words and was saved.
    """
    header = Message()  # the standard library's MIME header parser: quoting, case, parameters
    header["content-type"] = content_type
    params = dict(header.get_params(failobj=[])[1:])
    if header.get_content_type() != "application/json" or set(params) - {"charset"}:
        return False
    return params.get("charset", "utf-8").lower() in ("utf-8", "utf8")


def is_cross_site(headers, *, own_url: str | None = None) -> bool:
    """Return whether the browser says the request comes from another site than the app's own.

    Only what a browser sends counts: no Sec-Fetch-Site and no Origin (curl, the bench) passes.
    An Origin must name the host the request was sent to (Host, kept by the proxy as Streamlit's
    websocket check needs) or FEA_PUBLIC_URL's.
    """
    site = headers.get("sec-fetch-site")
    if site is not None and site.strip().lower() not in ("same-origin", "none"):
        return True  # cross-site, and same-site too: a sibling subdomain is not the app
    origin = headers.get("origin")
    if origin is None:
        return False
    own = {headers.get("host", "").strip().lower()}
    if own_url:
        own.add(urlsplit(own_url).netloc.lower())
    return urlsplit(origin.strip()).netloc.lower() not in own - {""}


def _refuse(status: int) -> JSONResponse:
    # Nothing the app's own form sends: the language is not known yet, so Danish.
    reply = {"ok": False, "message": translate(DEFAULT_LANGUAGE, "error.bad_answer")}
    return JSONResponse(reply, status_code=status, headers=_NO_STORE)


async def answer(request: Request) -> JSONResponse:
    """Save one answer from a phone's form; reply with what to show."""
    token, what = request.path_params["token"][:64], request.path_params["what"]
    if what not in _SAVERS:
        return _refuse(404)
    if is_cross_site(request.headers, own_url=public_url()):
        return _refuse(403)  # another site's page posting in a participant's browser
    if not is_json(request.headers.get("content-type", "")):
        # Only the app's own script sends JSON; a cross-site form post cannot (no CORS here).
        return _refuse(415)
    raw = b""
    async for chunk in request.stream():  # stop at the limit: never hold a huge body in memory
        raw += chunk
        if len(raw) > BODY_MAX:
            return _refuse(413)
    status, reply = await run_db(_answer, token, what, raw)
    return JSONResponse(reply, status_code=status, headers=_NO_STORE)


ROUTES = [Route(f"{ANSWER_ROUTE}/{{token}}/{{what}}", answer, methods=["POST"])]
