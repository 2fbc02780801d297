"""The control view: the facilitator steers the workshop from a laptop, tablet or phone.

Everything the room view (pages/screen.py) must not project: step switching, the round, the
results, the timer, each step's tools, exports, sharing. A change here reaches the room view
through its held poll (ui/live.py) within about a second.
"""

import streamlit as st

from fea_core import flow, participation, workshops
from fea_core.markdown_escape import escape_markdown
from ui import control_panel, live, style
from ui import problem_solver_view as ps
from ui.auth import current_facilitator, login_began_at, require_facilitator
from ui.context import store, t
from ui.server.routes import room_token
from ui.sharing_view import facilitated_workshop

username = require_facilitator()
style.screen()
workshop = facilitated_workshop(username)
wid = workshop.id

with st.sidebar:
    control_panel.workshop_admin(workshop, username)

st.markdown(f"### {t('control.title', name=escape_markdown(workshop.name))}")
# A link, so it opens in a new tab (the projector's browser window).
st.link_button(t("control.open_room"), f"screen?w={workshop.code}", icon=":material/cast:")
st.session_state["control_signature"] = control_panel.page_signature(workshop)


@st.fragment
def live_status() -> None:
    # Rerun by the watcher when the workshop changed; redraws the tools only when what they
    # offer changed (control_panel.page_signature), so an open dropdown stays open.
    if current_facilitator() is None:
        st.rerun()
    current = workshops.get_workshop(store(), wid)
    if control_panel.page_signature(current) != st.session_state.get("control_signature"):
        st.rerun(scope="app")
    live.watch_room(room_token(wid, username, login_began_at()), current.revision, key="control_watch")
    step = flow.activity(current.activity)
    with st.container(key="control_status", horizontal=True, vertical_alignment="center", gap="medium"):
        st.metric(t("screen.joined"), participation.count_participants(store(), wid))
        notes = [t("control.now", step=t(f"activity.{current.activity}"))]
        if step.has_round:
            notes.append(t("control.round_open") if current.activity_open else t("control.round_closed"))
        if step.has_results:
            notes.append(t("control.results_shown") if current.results_visible else t("control.results_hidden"))
        st.markdown("  \n".join([f"**{notes[0]}**", *notes[1:]]))
    if step.sends:  # trin 1 and 3: the phones' lists, to steer the talk by
        cols = st.columns(len(step.sends), gap="medium")
        for col, kind in zip(cols, step.sends):
            with col:
                ps.item_list(current, kind)


live_status()
control_panel.step_controls(workshop)
with st.expander(t("timer.title"), icon=":material/timer:", key="timer_panel",
                 expanded=workshop.timer_ends_at is not None):
    control_panel.timer_controls(workshop)
st.divider()
control_panel.step_tools(workshop)
