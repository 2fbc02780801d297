"""The room view: what the projector shows, large, with no facilitator controls in sight.

The step's content comes from ui/room_views.py; it is redrawn only when the workshop changed
(a held poll, ui/live.py), never on a timer. One facilitator with one screen steers from the
folded compact controls at the bottom corner or the keyboard (ui/room_keys.py); a second screen
has the control view (pages/control.py).
"""

from html import escape

import streamlit as st

from fea_core import participation, workshops
from ui import control_panel, live, room_keys, step_moves, style, timer_view
from ui.auth import current_facilitator, login_began_at, require_facilitator
from ui.context import store, t
from ui.join_panel import join_url, unreachable_warning
from ui.room_views import join_strip, room_view
from ui.server.routes import room_token
from ui.sharing_view import facilitated_workshop

username = require_facilitator()
style.room()
workshop = facilitated_workshop(username)
wid = workshop.id

# A clicker or the keyboard: acted on before anything is drawn, so this run shows the result.
action = room_keys.pressed()
if action == room_keys.NEXT:
    step_moves.move(workshop, 1)
elif action == room_keys.PREVIOUS:
    step_moves.move(workshop, -1)
elif action == room_keys.REVEAL:
    control_panel.toggle_results(workshop)
if action:
    workshop = workshops.get_workshop(store(), wid)

url = join_url(workshop.code)
unreachable_warning()
st.session_state["room_signature"] = control_panel.page_signature(workshop)


@st.fragment
def live_room() -> None:
    # Rerun by the watcher when the workshop changed (phones answering: at most about once a
    # second); nothing runs while nothing changes. Aggregates are cached per revision.
    if current_facilitator() is None:  # logged out elsewhere: the whole page goes, not just this part
        st.rerun()
    current = workshops.get_workshop(store(), wid)
    if control_panel.page_signature(current) != st.session_state.get("room_signature"):
        st.rerun(scope="app")  # another step, results, timer or list: the controls follow too
    live.watch_room(room_token(wid, username, login_began_at()), current.revision, key="room_watch")
    joined = participation.count_participants(store(), wid)
    with st.container(key="live_view"):  # the room's part; tests and CSS know it by this key
        with st.container(key="room_head", horizontal=True, vertical_alignment="center", gap="medium"):
            st.html(f"<div class='fea-room-title'>{escape(current.name)}</div>")
            join_strip(current, joined, url)
            timer_view.countdown(current, key="room_timer", size="3.2rem")
        room_view(current, joined, url)


live_room()

# Folded in a corner: the room sees a small button, the facilitator opens it to steer.
with st.container(key="room_controls"):
    with st.expander(t("room.controls"), icon=":material/tune:", key="room_controls_panel"):
        st.caption(t("room.controls_help"))
        # A link, so it opens in a new tab: the control view on a second screen or a tablet.
        st.link_button(t("room.open_control"), f"control?w={workshop.code}", icon=":material/open_in_new:")
        control_panel.step_controls(workshop)
        control_panel.timer_controls(workshop)
        control_panel.step_tools(workshop)
