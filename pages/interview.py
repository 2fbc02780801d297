"""Interviewer (AMR, TR or a colleague), no account: Arbejdsmiljøinterviewet through a secret link."""

import streamlit as st

from fea_core import interviews, workshops
from fea_core.errors import FeaError
from ui import interview_view as iv
from ui import style
from ui.context import language_switch, prefer_language, store
from ui.errors import show_error

style.phone()
try:
    link = interviews.resume_link(store(), st.query_params.get("i", ""))
except FeaError as error:
    show_error(error)
    language_switch(key="interview_lang")
    st.stop()

workshop = workshops.get_workshop(store(), link.workshop_id)
prefer_language(workshop.language)
iv.header(workshop, link)
iv.guide()
iv.plate()
current = iv.picker(link)
if current is not None:
    iv.theme_notes(link, current)
    iv.wrap_up(link, current)
    iv.saved_note()
st.divider()
language_switch(key="interview_lang")
