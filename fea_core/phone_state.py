"""What a phone shows now, as data: the phone's one step component (ui/web/phone_step.js) draws it.

A step change or a change of what the screen decides (the chosen problem, the handleplan as it
is written, the step timer) bumps the workshop's ``stage``; the phone's held poll sees it and
fetches this state again (ui/server/phone_routes.py), so the room moves on without a Streamlit script
run per phone.

Only what this participant may see: the room's visible items (numbered, no authors), this
phone's own answers, the decisions and the handleplan the screen shows. Never another phone's
answers, interview notes or any figure of the room's ratings. Texts are data, in the phone's
language; the component puts them into text nodes, never into HTML.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Callable

from fea_core import competence, decisions, flow, handleplan, items, placement, workshops
from fea_core.shared_reads import read_once
from fea_core.errors import UnknownParticipant
from fea_core.i18n import translate
from fea_core.method import DEFAULT_LANGUAGE, LANGUAGES, Matrix, Method, load_method
from fea_core.model import (
    ACTIVITY_COMPETENCE,
    ACTIVITY_CONCRETISE,
    ACTIVITY_IDEAS,
    ACTIVITY_IMPLEMENT,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS,
    ACTIVITY_SOLUTION_MATRIX,
    ACTIVITY_TALK,
    ACTIVITY_WELCOME,
    RATING_MAX,
    RATING_MIN,
    Participant,
    Workshop,
)
from fea_core.quadrants import classify

ANSWER_ROUTE = "/api/answer"  # ui/server/answer_routes.py serves it (no script run)


class _Ctx:
    """What every part of the state is built from (read once per state).

    ``mine`` is this phone's own answers for the step (see OWN_ANSWERS), read with those of the
    other phones whose states are made together.
    """

    def __init__(self, store, participant: Participant, workshop: Workshop, lang: str, mine=None):
        self.store, self.participant, self.workshop, self.lang = store, participant, workshop, lang
        self.method: Method = load_method(lang)
        self.activity = flow.activity(workshop.activity)
        self.mine = mine

    def shared(self, what: tuple, read: Callable[[], object]):
        """Return what every phone of the workshop reads alike, read once per workshop revision."""
        return read_once(self.store, self.workshop, what, read)

    def t(self, key: str, **params) -> str:
        return translate(self.lang, key, **params)

    def form(self, what: str, texts: dict) -> dict:
        """Return what every answer form needs: where to post, the language and its texts."""
        return {"url": f"{ANSWER_ROUTE}/{self.participant.token}/{what}", "lang": self.lang,
                "text": {"offline": self.t("error.offline"), **texts}}

    def step_title(self) -> str:
        number = self.activity.trin
        return self.t("steps.title", number=number, title=self.method.step(number).title)


def _notice(kind: str, text: str) -> dict:
    return {"kind": kind, "text": text}


def _welcome(c: _Ctx) -> dict:
    return {"kind": "notice", "title": c.t("join.welcome_title"), "notices": [_notice("info", c.t("join.wait"))]}


def _talk(c: _Ctx) -> dict:
    factors = ", ".join(f.label for f in c.method.factors)
    return {"kind": "notice", "title": c.t("talk.phone_title"), "lead": c.workshop.theme,
            "notices": [_notice("info", c.t("talk.phone_text"))],
            "caption": c.t("talk.phone_factors", factors=factors)}


def _rating(c: _Ctx) -> dict:
    saved = c.mine
    view = {"kind": "rating", "title": c.method.competence_model,
            "caption": c.t("rate.scale_help", low=RATING_MIN, high=RATING_MAX)}
    if not c.workshop.activity_open:
        shown = [f"{f.label}: {c.t('rate.dont_know') if saved[f.key] is None else saved[f.key]}"
                 for f in c.method.factors if f.key in saved]
        return view | {"notices": [_notice("info", c.t("rate.closed"))], "lines": shown}
    texts = {"dont_know": c.t("rate.dont_know"), "submit": c.t("rate.submit"), "update": c.t("rate.update"),
             "saved": c.t("rate.saved")}
    return view | {"form": c.form("ratings", texts) | {
        "factors": [{"key": f.key, "label": f.label} for f in c.method.factors],
        "scale": list(range(RATING_MIN, RATING_MAX + 1)),
        "saved": saved,
    }}


def _item_entry(c: _Ctx) -> dict:
    kinds = c.activity.sends
    mine = [item.text for item in c.mine]
    view = {"kind": "items", "title": c.step_title()}
    if not c.workshop.activity_open:
        caption = c.t("steps.yours", n=len(mine)) if mine else None
        return view | {"notices": [_notice("info", c.t("steps.closed"))], "caption": caption,
                       "lines": [f"• {text}" for text in mine]}
    texts = {"send": c.t("steps.send"), "kind_question": c.t("steps.kind"), "yours": c.t("steps.yours", n="{n}")}
    return view | {"form": c.form("items", texts) | {
        "kinds": [{"key": k, "label": c.t(f"steps.kind_{k}"), "field": c.t(f"steps.text_{kinds[0]}"),
                   "placeholder": c.t(f"steps.placeholder_{kinds[0]}")} for k in kinds],
        "max_chars": items.ITEM_TEXT_MAX,
        # By kind: the form adds what it sends to its kind and shows the kinds in this order.
        "mine": {k: [item.text for item in c.mine if item.kind == k] for k in kinds},
    }}


def _axis(a, scale: list[int]) -> dict:
    left, right = (a.high, a.low) if a.reversed else (a.low, a.high)
    # Words at both ends: a reversed scale (Ressourceforbrug: 5 = Høj ... 1 = Lav) is read right.
    return {"label": f"{a.label}: {left} → {right}", "reversed": a.reversed, "left": left, "right": right}


def _placement(c: _Ctx) -> dict:
    kind = c.activity.places
    matrix: Matrix = c.method.matrix_for(kind)
    view = {"kind": "placement", "title": c.step_title()}
    to_place = c.shared(("items", kind), lambda: items.list_items(c.store, c.workshop.id, kind))
    if not to_place:
        return view | {"notices": [_notice("info", c.t("steps.nothing_to_place"))]}
    mine = c.mine

    def placed(item_id: int) -> dict | None:
        if item_id not in mine:
            return None
        x, y = mine[item_id]
        return {"x": x, "y": y, "lands_in": c.t("steps.lands_in", quadrant=matrix.quadrants[classify(x, y, matrix)])}

    is_open = c.workshop.activity_open
    texts = {
        "progress": c.t("steps.place_progress", done="{done}", total="{total}"),
        "number": c.t("phone.item_number", number="{number}"),
        "skip": c.t("phone.skip_hint"),
        "all_placed": c.t("steps.all_placed", total="{total}"),
        "previous": c.t("steps.previous"), "next": c.t("steps.next"), "save": c.t("steps.place_save"),
        "update": c.t("steps.place_update"), "both": c.t("steps.place_both"),
    }
    scale = list(range(placement.PLACEMENT_MIN, placement.PLACEMENT_MAX + 1))
    return view | {
        "notices": [] if is_open else [_notice("info", c.t("steps.closed"))],
        "deck": c.form("placements", texts) | {
            "open": is_open, "scale": scale, "x": _axis(matrix.x, scale), "y": _axis(matrix.y, scale),
            "cards": [{"id": i.id, "number": i.number, "text": i.text, "placed": placed(i.id)} for i in to_place],
        },
    }


def _written_answers(c: _Ctx) -> list[dict]:
    answers = c.shared(("answers",), lambda: handleplan.answers(c.store, c.workshop.id))
    return [{"question": q, "answer": a} for q, a in zip(c.method.support_questions, answers) if a]


def _proposals(c: _Ctx) -> dict:
    view = {"kind": "proposals", "title": c.step_title(), "answers": _written_answers(c),
            "answers_title": c.t("phone.answers_so_far")}
    if not c.workshop.activity_open:
        return view | {"notices": [_notice("info", c.t("steps.closed"))]}
    texts = {"which": c.t("plan.which_question"), "yours": c.t("plan.your_proposal"),
             "send": c.t("plan.send_proposal")}
    questions = c.method.support_questions
    return view | {"form": c.form("proposals", texts) | {
        "questions": [f"{i + 1}. {q}" for i, q in enumerate(questions)],
        "max_chars": handleplan.ANSWER_MAX,
    }}


def _plan(c: _Ctx) -> dict:
    actions = c.shared(("actions",), lambda: handleplan.list_actions(c.store, c.workshop.id))
    owner, deadline = c.t("plan.col_owner"), c.t("plan.col_deadline")
    return {
        "kind": "plan", "title": c.step_title(), "answers": _written_answers(c),
        "notices": [] if actions else [_notice("info", c.t("plan.no_actions_yet"))],
        "actions": [{
            "position": a.position, "what": a.what,
            "meta": f"{owner}: {a.owner or '–'} · {deadline}: {f'{a.deadline:%d.%m.%Y}' if a.deadline else '–'}",
        } for a in actions],
    }


# One view per declared activity (tests/test_phone_state.py checks every flow key has one).
VIEWS: dict[str, Callable[[_Ctx], dict]] = {
    ACTIVITY_WELCOME: _welcome,
    ACTIVITY_TALK: _talk,
    ACTIVITY_COMPETENCE: _rating,
    ACTIVITY_PROBLEMS: _item_entry,
    ACTIVITY_PROBLEM_MATRIX: _placement,
    ACTIVITY_IDEAS: _item_entry,
    ACTIVITY_SOLUTION_MATRIX: _placement,
    ACTIVITY_CONCRETISE: _proposals,
    ACTIVITY_IMPLEMENT: _plan,
}


# A step's own answers of many phones, one read for all of them: {participant id: answers}.
# Steps not named here show no answers of the phone's own (``mine`` is None).
def _own_ratings(store, workshop: Workshop, ids: list[int]) -> dict:
    return competence.ratings_of(store, ids)


def _own_items(store, workshop: Workshop, ids: list[int]) -> dict:
    return items.items_by_authors(store, workshop.id, ids, flow.activity(workshop.activity).sends)


def _own_placements(store, workshop: Workshop, ids: list[int]) -> dict:
    return placement.placements_of(store, ids, flow.activity(workshop.activity).places)


OWN_ANSWERS: dict[str, Callable[..., dict]] = {
    ACTIVITY_COMPETENCE: _own_ratings,
    ACTIVITY_PROBLEMS: _own_items,
    ACTIVITY_IDEAS: _own_items,
    ACTIVITY_PROBLEM_MATRIX: _own_placements,
    ACTIVITY_SOLUTION_MATRIX: _own_placements,
}


def _chosen(c: _Ctx, kind: str, item_id: int | None, label: str, missing: str) -> dict:
    listed = c.shared(("items", kind), lambda: items.list_items(c.store, c.workshop.id, kind))
    item = next((i for i in listed if i.id == item_id), None)
    if item is None:
        return {"missing": c.t(missing)}
    return {"label": c.t(label), "text": item.text}


def _epoch(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # the database keeps UTC without a zone
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def state_for(store, participant: Participant, language: str, *, now: datetime | None = None) -> dict:
    """Return what this participant's phone shows now, in ``language`` (Danish if unknown).

    Raises UnknownParticipant when the participant's workshop is gone.
    """
    state = states_for(store, [(participant, language)], now=now)[0]
    if state is None:
        raise UnknownParticipant()
    return state


def states_for(store, asks: list[tuple[Participant, str]], *, now: datetime | None = None) -> list[dict | None]:
    """Return the state of each (participant, language), None where the workshop is gone.

    Made together (the held polls a step change wakes, ui/server/state_batches.py): each
    workshop is read once, and the step's own answers of all its phones in one read.
    """
    now = now or datetime.now(UTC)
    by_workshop: dict[int, list[Participant]] = {}
    for participant, _ in asks:
        by_workshop.setdefault(participant.workshop_id, []).append(participant)
    found: dict[int, tuple[Workshop | None, dict]] = {}
    for workshop_id, participants in by_workshop.items():
        workshop = workshops.get_workshop(store, workshop_id)
        own = OWN_ANSWERS.get(workshop.activity) if workshop is not None else None
        found[workshop_id] = (workshop, own(store, workshop, [p.id for p in participants]) if own else {})
    states: list[dict | None] = []
    for participant, language in asks:
        workshop, mine = found[participant.workshop_id]
        states.append(None if workshop is None else _state(store, participant, workshop, language, mine, now))
    return states


def _state(store, participant: Participant, workshop: Workshop, language: str, mine: dict, now: datetime) -> dict:
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    c = _Ctx(store, participant, workshop, lang, mine.get(participant.id))
    state = {
        "stage": workshop.stage,
        "activity": c.activity.key,
        "trin": c.activity.trin,
        "open": workshop.activity_open,
        "lang": lang,
        "timer_ends_at": _epoch(getattr(workshop, "timer_ends_at", None)),
        "server_now": _epoch(now),  # the phone's clock may be off: the timer corrects
        "text": {"timer_left": c.t("phone.timer_left", time="{time}"), "timer_up": c.t("phone.timer_up"),
                 "new_step": c.t("phone.new_step", title="{title}"), "offline": c.t("error.offline"),
                 "show_more": c.t("phone.show_more")},
        "view": VIEWS[c.activity.key](c),
        "chosen_problem": None,
        "chosen_solution": None,
    }
    if c.activity.shows_chosen_problem or c.activity.shows_chosen_solution:
        chosen = c.shared(("decisions",), lambda: decisions.get_decisions(store, workshop.id))
        if c.activity.shows_chosen_problem:
            state["chosen_problem"] = _chosen(c, "problem", chosen.chosen_problem_id, "steps.chosen_problem",
                                              "steps.no_problem_chosen")
            if chosen.problem_description and "text" in state["chosen_problem"]:
                state["chosen_problem"]["description"] = chosen.problem_description
        if c.activity.shows_chosen_solution:
            state["chosen_solution"] = _chosen(c, "idea", chosen.chosen_idea_id, "plan.chosen_solution",
                                               "plan.no_solution_chosen")
    return state
