"""The phone's answer forms as small browser components that post to ui/answer_routes.py.

Choosing, typing and sending cost the server no script run: the browser draws the form and
the reply, and the page reruns only when the facilitator changes the step (ui/live.py).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from fea_core import competence, items, placement
from fea_core.i18n import translate
from fea_core.method import Matrix
from fea_core.model import RATING_MAX, RATING_MIN, Participant, Workshop
from fea_core.quadrants import classify
from ui.answer_routes import ANSWER_ROUTE
from ui.context import language, method, store, t

_WEB = Path(__file__).parent / "web"
_COMMON_JS = (_WEB / "answer_common.js").read_text(encoding="utf-8")
_CSS = (_WEB / "answer_forms.css").read_text(encoding="utf-8")


def _component(name: str, js_file: str):
    js = _COMMON_JS + (_WEB / js_file).read_text(encoding="utf-8")
    return st.components.v2.component(name, html='<div class="fea-root"></div>', css=_CSS, js=js)


_rating_form = _component("fea_rating_form", "rating_form.js")
_item_form = _component("fea_item_form", "item_form.js")
_placement_deck = _component("fea_placement_deck", "placement_deck.js")


def _form_data(participant: Participant, what: str, texts: dict) -> dict:
    """Return what every form needs: where to post its answer, the phone's language and its texts."""
    lang = language()
    return {"url": f"{ANSWER_ROUTE}/{participant.token}/{what}", "lang": lang,
            "text": {"offline": translate(lang, "error.offline"), **texts}}


def rating_form(workshop: Workshop, participant: Participant) -> None:
    """Draw the six factors with 1-5 and "Ved ikke", and the send button."""
    saved = competence.my_ratings(store(), participant)
    texts = {"dont_know": t("rate.dont_know"), "submit": t("rate.submit"), "update": t("rate.update"),
             "saved": t("rate.saved")}
    data = _form_data(participant, "ratings", texts)
    data |= {
        "factors": [{"key": f.key, "label": f.label} for f in method().factors],
        "scale": list(range(RATING_MIN, RATING_MAX + 1)),
        "saved": saved,
    }
    _rating_form(key=f"rating_form_{workshop.stage}", data=data)


def item_form(workshop: Workshop, participant: Participant, kinds: tuple[str, ...]) -> None:
    """Draw the text field for the step's kinds (problem/keep in trin 1, idea in trin 3) and the phone's own list."""
    mine = items.items_by_author(store(), participant, kinds)
    texts = {"send": t("steps.send"), "kind_question": t("steps.kind"), "yours": t("steps.yours", n="{n}")}
    data = _form_data(participant, "items", texts)
    data |= {
        "kinds": [
            {"key": k, "label": t(f"steps.kind_{k}"), "field": t(f"steps.text_{kinds[0]}"),
             "placeholder": t(f"steps.placeholder_{kinds[0]}")}
            for k in kinds
        ],
        "max_chars": items.ITEM_TEXT_MAX,
        "mine": [item.text for item in mine],
    }
    _item_form(key=f"item_form_{workshop.stage}", data=data)


def placement_deck(workshop: Workshop, participant: Participant, kind: str, to_place, matrix: Matrix,
                   is_open: bool) -> None:
    """Draw the items as cards, one at a time, each with the matrix's two 1-5 scales."""
    mine = placement.my_placements(store(), participant, kind)

    def placed(item_id: int) -> dict | None:
        if item_id not in mine:
            return None
        x, y = mine[item_id]
        return {"x": x, "y": y, "lands_in": t("steps.lands_in", quadrant=matrix.quadrants[classify(x, y, matrix)])}

    def axis(a) -> dict:
        left, right = (a.high, a.low) if a.reversed else (a.low, a.high)
        return {"label": f"{a.label}: {left} → {right}", "reversed": a.reversed}

    texts = {
        "progress": t("steps.place_progress", done="{done}", total="{total}"),
        "card_of": t("steps.card_of", position="{position}", total="{total}"),
        "all_placed": t("steps.all_placed", total="{total}"),
        "previous": t("steps.previous"), "next": t("steps.next"), "save": t("steps.place_save"),
        "update": t("steps.place_update"), "both": t("steps.place_both"),
    }
    data = _form_data(participant, "placements", texts)
    data |= {
        "open": is_open,
        "scale": list(range(placement.PLACEMENT_MIN, placement.PLACEMENT_MAX + 1)),
        "x": axis(matrix.x), "y": axis(matrix.y),
        "cards": [{"id": i.id, "number": i.number, "text": i.text, "placed": placed(i.id)} for i in to_place],
    }
    _placement_deck(key=f"placement_deck_{kind}_{workshop.stage}", data=data)
