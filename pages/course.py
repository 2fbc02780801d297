"""Facilitator: one forløb — the steering group's overview, a follow-up meeting, its workshops."""

import streamlit as st

from fea_core import courses
from ui import style
from ui.auth import logout_button, require_facilitator
from ui.context import language_switch, store, t
from ui.course_view import group_tab, header, overview, workshops_tab
from ui.follow_up_view import follow_up

username = require_facilitator()
style.screen()
raw = st.query_params.get("c", "")
course = courses.get_course(store(), int(raw)) if raw.isdigit() else None
with st.sidebar:
    st.page_link("pages/workshops.py", label=t("course.back"), icon=":material/arrow_back:")
    language_switch(key="course_lang")
    logout_button()
if not courses.can_follow(store(), course, username):
    st.error(t("course.not_found"), icon=":material/error:")
    st.stop()

header(course)
tabs = st.tabs([t("course.tab_overview"), t("course.tab_follow_up"), t("course.tab_workshops"), t("course.tab_group")])
with tabs[0]:
    overview(course)
with tabs[1]:
    follow_up(course, username)
with tabs[2]:
    workshops_tab(course, username)
with tabs[3]:
    group_tab(course, username)
