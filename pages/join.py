"""Participant phone: join with a code, then follow whatever the facilitator has made active."""

import streamlit as st

from fea_core import competence, participation, workshops
from fea_core.errors import FeaError, UnknownParticipant
from fea_core.plain import escape_markdown
from fea_core.model import (
    ACTIVITY_COMPETENCE,
    ACTIVITY_CONCRETISE,
    ACTIVITY_IDEAS,
    ACTIVITY_IMPLEMENT,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS,
    ACTIVITY_SOLUTION_MATRIX,
    ACTIVITY_TALK,
    RATING_MAX,
    RATING_MIN,
)
from ui import answer_forms, identity, live, phone_steps, style, talk_view, timer_view
from ui.context import language_switch, method, prefer_language, store, t
from ui.errors import show_error
from ui.join_guard import join_limits, workshop_in_url

style.phone()


def join_form() -> None:
    code_in_url = workshops.normalize_code(st.query_params.get("code", ""))
    known = workshop_in_url(code_in_url)
    if known:
        prefer_language(known.language)
    st.title(t("join.title"), anchor=False)
    with st.form("join", border=False):
        if known:
            st.subheader(escape_markdown(known.name), anchor=False)
        code = st.text_input(t("join.code_label"), value=code_in_url, max_chars=12, placeholder="ABC123")
        st.caption(t("join.anonymous"))
        submitted = st.form_submit_button(t("join.button"), type="primary", width="stretch")
    if submitted:
        try:
            _, participant = participation.join(store(), code, limits=join_limits())
        except FeaError as error:
            show_error(error)
            return
        st.query_params.update({"code": workshops.normalize_code(code), "p": participant.token})
        st.rerun()


def resume(token: str):
    """Return the phone's participant, read from the database once per session."""
    # Its identity never changes and its role changes only here (role_picker keeps it in step):
    # one query less per run, when a step change reruns every phone in the room at once.
    cached = st.session_state.get("participant")
    if cached is not None and cached.token == token:
        return cached
    participant = participation.resume(store(), token)
    st.session_state["participant"] = participant
    return participant


def role_picker(participant) -> None:
    roles = method().roles
    with st.expander(t("join.role_title"), expanded=participant.role is None, icon=":material/group:"):
        st.caption(t("join.role_help"))
        choice = st.pills(
            t("join.role_title"),
            options=[r.key for r in roles],
            format_func=lambda k: method().role(k).label,
            default=participant.role,
            key="role",
            label_visibility="collapsed",
        )
        if choice != participant.role:
            st.session_state["participant"] = participation.set_role(store(), participant, choice)
            st.rerun()


def competence_form(workshop, participant) -> None:
    m = method()
    st.subheader(m.competence_model, anchor=False)
    st.caption(t("rate.scale_help", low=RATING_MIN, high=RATING_MAX))
    if workshop.activity_open:
        answer_forms.rating_form(workshop, participant)
        return
    st.info(t("rate.closed"), icon=":material/lock:")
    saved = competence.my_ratings(store(), participant)
    for f in m.factors:
        if f.key in saved:
            value = saved[f.key]
            st.text(f"{f.label}: {t('rate.dont_know') if value is None else value}")


@st.fragment
def current_step(participant) -> None:
    """Draw what the facilitator has made active, and watch for the next step."""
    # A fragment with its watcher inside: a step change reruns this part only, not the header,
    # group picker and language switch. The whole room switches at once, so this is the
    # server's busiest moment of the day.
    workshop = workshops.get_workshop(store(), participant.workshop_id)
    if workshop is None:
        st.rerun()  # deleted meanwhile: the whole page says so
    live.watch(participant.token, "stage", workshop.stage, key="live_stage")
    timer_view.countdown(workshop, key="phone_timer", size="2.2rem")  # the step timer, if one runs
    m = method()
    if workshop.activity == ACTIVITY_TALK:
        talk_view.phone_view(workshop)
    elif workshop.activity == ACTIVITY_COMPETENCE:
        competence_form(workshop, participant)
    elif workshop.activity == ACTIVITY_PROBLEMS:
        phone_steps.item_entry(workshop, participant, ("problem", "keep"), 1)
    elif workshop.activity == ACTIVITY_PROBLEM_MATRIX:
        phone_steps.item_placement(workshop, participant, "problem", m.problem_matrix, 2)
    elif workshop.activity == ACTIVITY_IDEAS:
        phone_steps.item_entry(workshop, participant, ("idea",), 3)
    elif workshop.activity == ACTIVITY_SOLUTION_MATRIX:
        phone_steps.item_placement(workshop, participant, "idea", m.solution_matrix, 4)
    elif workshop.activity == ACTIVITY_CONCRETISE:
        phone_steps.answer_proposals(workshop, participant)
    elif workshop.activity == ACTIVITY_IMPLEMENT:
        phone_steps.plan_overview(workshop)
    else:
        st.subheader(t("join.welcome_title"), anchor=False)
        st.info(t("join.wait"), icon=":material/hourglass_top:")


token = st.query_params.get("p")
if not token:
    # The same phone opening the join link again comes back as the same participant.
    token = identity.recall(workshops.normalize_code(st.query_params.get("code", "")))
    if token:
        st.query_params["p"] = token
participant = workshop = None
if token:
    try:
        participant = resume(token)
        workshop = workshops.get_workshop(store(), participant.workshop_id)
        if workshop is None:  # deleted meanwhile (retention, or by its facilitator)
            raise UnknownParticipant()
    except UnknownParticipant as error:
        st.session_state.pop("participant", None)
        show_error(error)
        del st.query_params["p"]
        participant = None

if participant is None:
    join_form()
    st.divider()
    language_switch()
    st.page_link("pages/login.py", label=t("join.facilitator_link"), icon=":material/login:")
    st.page_link("pages/accessibility.py", label=t("a11y.statement_link"))
    st.stop()

prefer_language(workshop.language)
st.caption(t("join.code_caption", code=workshop.code))
st.subheader(escape_markdown(workshop.name), anchor=False)
role_picker(participant)
current_step(participant)
st.divider()
language_switch()
if st.session_state.get("remembered") != participant.token:
    # Once per session (localStorage keeps it; each element costs every page run), and last on
    # the page, so that drawing it or not moves no other element (a moved form loses its choices).
    identity.remember(workshop.code, participant.token)
    st.session_state["remembered"] = participant.token
