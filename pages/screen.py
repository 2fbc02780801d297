"""The shared screen the room looks at, with the facilitator's controls in the sidebar."""

import streamlit as st

from fea_core import participation, workshops
from fea_core.model import ACTIVITIES, ACTIVITY_COMPETENCE
from fea_core.plain import escape_markdown
from ui import style
from ui.auth import logout_button, require_facilitator
from ui.competence_view import competence_panel
from ui.context import language_switch, store, t
from ui.join_panel import join_url, qr_png

LIVE_REFRESH_SECONDS = 1.0

username = require_facilitator()
style.screen()
workshop = workshops.find_by_code(store(), st.query_params.get("w", ""))
if workshop is None or workshop.owner != username:
    st.error(t("screen.not_found"), icon=":material/error:")
    st.page_link("pages/workshops.py", label=t("screen.back"), icon=":material/arrow_back:")
    st.stop()
wid = workshop.id

with st.sidebar:
    st.page_link("pages/workshops.py", label=t("screen.back"), icon=":material/arrow_back:")
    st.subheader(t("screen.controls"))
    activity = st.radio(
        t("screen.activity"),
        ACTIVITIES,
        index=ACTIVITIES.index(workshop.activity),
        format_func=lambda a: t(f"activity.{a}"),
        key="activity",
    )
    if activity != workshop.activity:
        workshop = workshops.set_activity(store(), wid, activity)
    if workshop.activity == ACTIVITY_COMPETENCE:
        if workshop.activity_open:
            if st.button(t("screen.close_round"), icon=":material/lock:", use_container_width=True):
                workshop = workshops.set_activity_open(store(), wid, False)
                st.rerun()
        elif st.button(t("screen.reopen_round"), icon=":material/lock_open:", use_container_width=True):
            workshop = workshops.set_activity_open(store(), wid, True)
            st.rerun()
        if workshop.results_visible:
            if st.button(t("screen.hide_results"), icon=":material/visibility_off:", use_container_width=True):
                workshops.set_results_visible(store(), wid, False)
                st.rerun()
        elif st.button(t("screen.show_results"), icon=":material/visibility:", type="primary", use_container_width=True):
            workshops.set_results_visible(store(), wid, True)
            st.rerun()
    st.divider()
    if workshop.is_ended:
        if st.button(t("screen.reopen_workshop"), icon=":material/restart_alt:", use_container_width=True):
            workshops.reopen_workshop(store(), wid)
            st.rerun()
    elif st.button(t("screen.end_workshop"), icon=":material/stop_circle:", use_container_width=True):
        workshops.end_workshop(store(), wid)
        st.rerun()
    language_switch(key="screen_lang")
    logout_button()

url = join_url(workshop.code)
st.markdown(f"## {escape_markdown(workshop.name)}")
st.caption(f"{escape_markdown(workshop.department)} · {workshop.held_on:%d.%m.%Y} · {escape_markdown(workshop.theme)}")


@st.fragment(run_every=LIVE_REFRESH_SECONDS)
def live_view() -> None:
    # Only this fragment reruns each second; it reads one row and cached aggregates.
    current = workshops.get_workshop(store(), wid)
    joined = participation.count_participants(store(), wid)
    with st.container(key="live_view"):
        if current.activity == ACTIVITY_COMPETENCE:
            strip = st.columns([1, 5, 2], vertical_alignment="center")
            strip[0].image(qr_png(url), width=110)
            strip[1].markdown(t("screen.join_strip", url=url, code=current.code))
            strip[2].metric(t("screen.joined"), joined)
            competence_panel(current, joined)
        else:
            cols = st.columns([2, 3], vertical_alignment="center", gap="large")
            cols[0].image(qr_png(url), use_container_width=True)
            with cols[1]:
                st.markdown(f"<div class='fea-big'>{t('screen.go_to')}</div>", unsafe_allow_html=True)
                st.markdown(f"### {url}")
                st.markdown(f"<div class='fea-big'>{t('screen.enter_code')}</div>", unsafe_allow_html=True)
                st.markdown(f"<div class='fea-code' data-testid='join-code'>{current.code}</div>", unsafe_allow_html=True)
                st.metric(t("screen.joined"), joined)
            if current.is_ended:
                st.warning(t("screen.ended"), icon=":material/stop_circle:")


live_view()
