"""A facilitator's step change: from the step the view showed, never from a stale one.

Every button and key that moves the room (the control view, the room view's compact controls
and keys, the talk's "go on" button) goes through here, so a click on a view the room has left
since moves nothing (fea_core.workshops.move_step) and the facilitator is told.
"""

from __future__ import annotations

import streamlit as st

from fea_core import flow, workshops
from fea_core.model import Workshop
from ui.context import store, t


def go(workshop_id: int, from_activity: str, to_activity: str | None) -> None:
    """Move the room from the step the facilitator's view showed to ``to_activity`` (None: stay).

    Used as the buttons' on_click, so it runs once per click with the step drawn beside the
    button: a click on a view the room has left since moves nothing and says so.
    """
    if to_activity is None or to_activity == from_activity:
        return
    if workshops.move_step(store(), workshop_id, from_activity, to_activity) is None:
        st.toast(t("control.moved_on"), icon=":material/info:")


def move(workshop: Workshop, offset: int) -> None:
    """Go ``offset`` steps on (back if negative) from the step this run drew; nothing at either end."""
    go(workshop.id, workshop.activity, flow.neighbour(workshop.activity, offset))
