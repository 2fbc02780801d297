"""Facilitator: a workshop's interviews: the anonymous overview and points to trin 1 for everyone who runs it;
interviewer links and raw notes only for the owner and the co-facilitators the owner named."""

import streamlit as st

from fea_core import sharing
from fea_core.markdown_escape import escape_markdown
from ui import interview_summary_view as view
from ui import style
from ui.auth import logout_button, require_facilitator
from ui.context import language_switch, store, t
from ui.sharing_view import facilitated_workshop

username = require_facilitator()
style.screen()
workshop = facilitated_workshop(username)

with st.sidebar:
    st.page_link("pages/workshops.py", label=t("screen.back"), icon=":material/arrow_back:")
    st.page_link("pages/screen.py", label=t("workshops.open_screen"), icon=":material/cast:",
                 query_params={"w": workshop.code})
    language_switch(key="interviews_lang")
    logout_button()

st.title(t("interviews.title"), anchor=False)
st.caption(f"{escape_markdown(workshop.name)} · {workshop.held_on:%d.%m.%Y}")
st.warning(t("interviews.not_for_screen"), icon=":material/lock:")
# Links (their tokens read notes) and raw notes: the owner and the co-facilitators the owner
# named only; fea_core.interviews checks it again. Everyone who runs the workshop gets the overview.
reads_notes = sharing.can_read_notes(store(), workshop, username)
left, right = st.columns([3, 2], gap="large")
with left:
    result = view.overview(workshop)
    view.send_panel(workshop, result)
with right:
    if reads_notes:
        view.links_panel(workshop, username)
    else:
        st.info(t("roles.notes_hidden"), icon=":material/lock:")
if reads_notes:
    st.divider()
    view.raw_notes(workshop, username)
