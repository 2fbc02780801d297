"""A new step is one declaration in fea_core/flow.py plus its phone view and its room view.

Issue 18 asked for it shown: here a throwaway step, a "Pause" between the Vidensoplæg and the
competence round, is added for this test only: one ``flow.Activity``, one phone view
(fea_core/phone_state.VIEWS), one room view (ui/room_views.ROOM_VIEWS) and its label. Nothing
else is touched, yet the control view lists it, next/previous walk through it, the room and the
phones show it, and the answer routes refuse items there.
"""

from __future__ import annotations

import pytest
import streamlit as st

from fea_core import flow, items, participation, phone_state, workshops
from fea_core.errors import FeaError
from fea_core.i18n import catalogue
from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_TALK
from ui import room_views

PAUSE = "pause"


@pytest.fixture
def pause_step(monkeypatch):
    # 1. The declaration: where it sits in the day and what phones may do there (nothing).
    talk = flow.keys().index(ACTIVITY_TALK)
    monkeypatch.setattr(flow, "FLOW", (*flow.FLOW[: talk + 1], flow.Activity(PAUSE, has_round=False), *flow.FLOW[talk + 1:]))
    # 2. Its phone view, 3. its room view, 4. its label (data/ui.toml for a real step).
    monkeypatch.setitem(phone_state.VIEWS, PAUSE, lambda c: {"kind": "notice", "title": "Pause i 10 minutter",
                                                             "notices": []})
    monkeypatch.setitem(room_views.ROOM_VIEWS, PAUSE, lambda workshop, joined, url: st.markdown("### Kaffepause"))
    monkeypatch.setitem(catalogue(), f"activity.{PAUSE}", {"da": "Pause", "en": "Break"})


def open_page(app, view, user, code, page):
    at = view.ok(app(user=user, query={"w": code}).run())
    return view.ok(at.switch_page(page).run())


def test_a_throwaway_step_is_steered_shown_on_the_room_view_and_the_phones_and_takes_no_items(
    app, view, store, facilitator, make_workshop, join, pause_step
):
    workshop = make_workshop()
    workshops.set_activity(store, workshop.id, ACTIVITY_TALK)
    phone = join(workshop)

    # The control view lists it and "Næste trin" goes from the Vidensoplæg to the pause.
    control = open_page(app, view, facilitator, workshop.code, "pages/control.py")
    steps = view.steps(control)
    assert steps.options[1:4] == ["Vidensoplæg", "Pause", "Arbejdsmiljøkompetencemodellen"]
    view.ok(view.button(control, "Næste trin").click().run())
    assert workshops.get_workshop(store, workshop.id).activity == PAUSE

    # The room view draws its room view; the control view says where the room is.
    room = open_page(app, view, facilitator, workshop.code, "pages/screen.py")
    assert "Kaffepause" in view.text(room)
    assert "Nu: Pause" in view.text(open_page(app, view, facilitator, workshop.code, "pages/control.py"))

    # The phone draws its phone view from the phone state.
    state = phone_state.state_for(store, participation.resume(store, phone.token), "da")
    assert (state["activity"], state["view"]["title"]) == (PAUSE, "Pause i 10 minutter")
    phone_page = view.phone(view.ok(app(query={"p": phone.token}).run()))
    assert phone_page["view"]["title"] == "Pause i 10 minutter"

    # Nothing is sent in a pause: the item routes refuse, as in any step that takes no items.
    with pytest.raises(FeaError):
        items.submit_item(store, phone, "problem", "Et problem i pausen")

    # And on to the competence round, the next declared step.
    control = open_page(app, view, facilitator, workshop.code, "pages/control.py")
    view.ok(view.button(control, "Næste trin").click().run())
    assert workshops.get_workshop(store, workshop.id).activity == ACTIVITY_COMPETENCE
