"""The phone's current step as ONE browser component, drawn from its phone state.

fea_core/phone_state.py says what the phone shows (the step, its forms with the phone's own
answers, the chosen problem, the handleplan, the timer); ui/web/phone_step.js draws it with
the answer forms inside (rating_form.js, item_form.js, placement_deck.js, proposal_form.js),
which post to ui/server/answer_routes.py. The component keeps a held poll of /api/live and fetches
the new state from /api/phone when the stage moves: a step change or new content costs the
server no script run. The page runs only for what the component cannot draw (a reload, the
language, the group).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from fea_core.model import Participant
from fea_core.phone_state import state_for
from ui.context import language, store
from ui.live import LIVE_ROUTE, RETRY_INTERVAL_MS
from ui.server.phone_routes import PHONE_ROUTE

_WEB = Path(__file__).parent / "web"
_JS_FILES = ("answer_common.js", "rating_form.js", "item_form.js", "placement_deck.js", "proposal_form.js",
             "phone_step.js")
_JS = "\n".join((_WEB / name).read_text(encoding="utf-8") for name in _JS_FILES)
_CSS = (_WEB / "answer_forms.css").read_text(encoding="utf-8")

COMPONENT = "fea_phone_step"
_phone_step = st.components.v2.component(COMPONENT, html='<div class="fea-root" data-testid="phone-step"></div>',
                                         css=_CSS, js=_JS)


def phone_step(participant: Participant) -> None:
    """Draw the phone's current step; it follows the room by itself from here on."""
    data = {
        "state": state_for(store(), participant, language()),
        "live_url": f"{LIVE_ROUTE}/{participant.token}",
        "phone_url": f"{PHONE_ROUTE}/{participant.token}",
        "interval": RETRY_INTERVAL_MS,
    }
    # "gone": the workshop was deleted or the token forgotten; the page run says so.
    _phone_step(key="phone_step", data=data, on_gone_change=lambda: None)
