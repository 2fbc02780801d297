"""The shared screen the room looks at, with the facilitator's controls in the sidebar."""

import streamlit as st

from fea_core import participation, workshops
from fea_core.model import (
    ACTIVITIES,
    ACTIVITY_COMPETENCE,
    ACTIVITY_CONCRETISE,
    ACTIVITY_IDEAS,
    ACTIVITY_IMPLEMENT,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS,
    ACTIVITY_SOLUTION_MATRIX,
    ACTIVITY_TALK,
    ACTIVITY_WELCOME,
)
from fea_core.plain import escape_markdown
from ui import style
from ui.auth import current_facilitator, logout_button, require_facilitator
from ui import handleplan_view as plan
from ui import interview_summary_view as interviews_view
from ui import problem_solver_view as ps
from ui import talk_view
from ui.competence_view import competence_panel
from ui.context import language_switch, store, t
from ui.course_view import course_link
from ui.join_panel import join_url, qr_alt, qr_png, unreachable_warning
from ui.sharing_view import facilitated_workshop, sharing_panel

LIVE_REFRESH_SECONDS = 1.0
RESULT_ACTIVITIES = (ACTIVITY_COMPETENCE, ACTIVITY_PROBLEM_MATRIX, ACTIVITY_SOLUTION_MATRIX)

username = require_facilitator()
style.screen()
workshop = facilitated_workshop(username)
wid = workshop.id

with st.sidebar:
    st.page_link("pages/workshops.py", label=t("screen.back"), icon=":material/arrow_back:")
    st.page_link("pages/interviews.py", label=t("interviews.link"), icon=":material/record_voice_over:",
                 query_params={"w": workshop.code})
    course_link(workshop, username)  # its forløb, when it belongs to one
    st.subheader(t("screen.controls"))
    # The database decides what is active (another tab may have changed it); only a
    # click on this radio changes it.
    st.session_state["activity"] = workshop.activity
    st.radio(
        t("screen.activity"),
        ACTIVITIES,
        format_func=lambda a: t(f"activity.{a}"),
        key="activity",
        on_change=lambda: workshops.set_activity(store(), wid, st.session_state["activity"]),
    )
    workshop = workshops.get_workshop(store(), wid)
    if workshop.activity not in (ACTIVITY_WELCOME, ACTIVITY_TALK):
        if workshop.activity_open:
            if st.button(t("screen.close_round"), icon=":material/lock:", width="stretch"):
                workshop = workshops.set_activity_open(store(), wid, False)
                st.rerun()
        elif st.button(t("screen.reopen_round"), icon=":material/lock_open:", width="stretch"):
            workshop = workshops.set_activity_open(store(), wid, True)
            st.rerun()
    if workshop.activity in RESULT_ACTIVITIES:
        if workshop.results_visible:
            if st.button(t("screen.hide_results"), icon=":material/visibility_off:", width="stretch"):
                workshops.set_results_visible(store(), wid, False)
                st.rerun()
        elif st.button(t("screen.show_results"), icon=":material/visibility:", type="primary", width="stretch"):
            workshops.set_results_visible(store(), wid, True)
            st.rerun()
    st.divider()
    if workshop.is_ended:
        if st.button(t("screen.reopen_workshop"), icon=":material/restart_alt:", width="stretch"):
            workshops.reopen_workshop(store(), wid)
            st.rerun()
    elif st.button(t("screen.end_workshop"), icon=":material/stop_circle:", width="stretch"):
        workshops.end_workshop(store(), wid)
        st.rerun()
    sharing_panel(workshop, username)
    language_switch(key="screen_lang")
    logout_button()

url = join_url(workshop.code)
unreachable_warning()
st.markdown(f"## {escape_markdown(workshop.name)}")
st.caption(f"{escape_markdown(workshop.department)} · {workshop.held_on:%d.%m.%Y} · {escape_markdown(workshop.theme)}")


@st.fragment(run_every=LIVE_REFRESH_SECONDS)
def live_view() -> None:
    # Only this fragment reruns each second; it reads one row and cached aggregates.
    if current_facilitator() is None:  # logged out elsewhere: the whole page goes, not just this part
        st.rerun()
    current = workshops.get_workshop(store(), wid)
    joined = participation.count_participants(store(), wid)
    with st.container(key="live_view"):
        if current.activity not in (ACTIVITY_WELCOME, ACTIVITY_TALK):  # the talk is presented clean
            strip = st.columns([1, 5, 2], vertical_alignment="center")
            strip[0].image(qr_png(url), width=110, alt=qr_alt(url, current.code))
            strip[1].markdown(t("screen.join_strip", url=url, code=current.code))
            strip[2].metric(t("screen.joined"), joined)
        if current.activity == ACTIVITY_TALK:
            talk_view.talk_panel(current)
        elif current.activity == ACTIVITY_COMPETENCE:
            competence_panel(current, joined)
        elif current.activity == ACTIVITY_PROBLEMS:
            ps.refresh_tools_on_change(wid, TOOL_KINDS[current.activity])
            ps.step_heading(1)
            interviews_view.screen_strip(current)  # counts only: raw notes never reach this screen
            cols = st.columns(2, gap="large")
            with cols[0]:
                ps.item_list(current, "problem")
            with cols[1]:
                ps.item_list(current, "keep")
        elif current.activity in (ACTIVITY_PROBLEM_MATRIX, ACTIVITY_SOLUTION_MATRIX):
            kind = "problem" if current.activity == ACTIVITY_PROBLEM_MATRIX else "idea"
            ps.step_heading(2 if kind == "problem" else 4)
            if current.results_visible:
                ps.matrix_view(current, kind, ps.matrix_for(kind))
            else:
                st.info(t("steps.matrix_hidden"), icon=":material/visibility_off:")
        elif current.activity == ACTIVITY_IDEAS:
            ps.refresh_tools_on_change(wid, TOOL_KINDS[current.activity])
            ps.step_heading(3)
            ps.chosen_problem_box(current)
            ps.item_list(current, "idea")
        elif current.activity == ACTIVITY_CONCRETISE:
            ps.step_heading(5)
            plan.chosen_solution_box(current)
            plan.proposals_panel(current)
        elif current.activity == ACTIVITY_IMPLEMENT:
            ps.step_heading(6)
            plan.chosen_solution_box(current)
        else:
            cols = st.columns([2, 3], vertical_alignment="center", gap="large")
            cols[0].image(qr_png(url), width="stretch", alt=qr_alt(url, current.code))
            with cols[1]:
                st.markdown(f"<div class='fea-big'>{t('screen.go_to')}</div>", unsafe_allow_html=True)
                st.markdown(f"### {url}")
                st.markdown(f"<div class='fea-big'>{t('screen.enter_code')}</div>", unsafe_allow_html=True)
                st.markdown(f"<div class='fea-code' data-testid='join-code'>{current.code}</div>", unsafe_allow_html=True)
                st.metric(t("screen.joined"), joined)
            if current.is_ended:
                st.warning(t("screen.ended"), icon=":material/stop_circle:")


# What the tools below will offer; the live fragment reruns the page when it changes.
TOOL_KINDS = {ACTIVITY_PROBLEMS: ("problem", "keep"), ACTIVITY_IDEAS: ("idea",)}
if workshop.activity in TOOL_KINDS:
    st.session_state["tools_signature"] = ps.tools_signature(wid, TOOL_KINDS[workshop.activity])
live_view()

# Tools sit outside the live fragment: what the facilitator types is not rerun away.
if workshop.activity == ACTIVITY_TALK:
    talk_view.talk_tools(workshop)
elif workshop.activity == ACTIVITY_PROBLEMS:
    ps.item_tools(workshop, "problem")
    ps.item_tools(workshop, "keep")
elif workshop.activity == ACTIVITY_IDEAS:
    ps.item_tools(workshop, "idea")
elif workshop.activity == ACTIVITY_PROBLEM_MATRIX:
    ps.choose_tools(workshop, "problem")
elif workshop.activity == ACTIVITY_SOLUTION_MATRIX:
    ps.choose_tools(workshop, "idea")
elif workshop.activity == ACTIVITY_CONCRETISE:
    plan.answers_editor(workshop)
elif workshop.activity == ACTIVITY_IMPLEMENT:
    st.markdown(f"#### {t('plan.actions')}")
    st.caption(t("plan.actions_help"))
    plan.actions_editor(workshop)
    plan.follow_up_editor(workshop)
if workshop.activity in (ACTIVITY_CONCRETISE, ACTIVITY_IMPLEMENT):
    st.divider()
    plan.export_buttons(workshop)
