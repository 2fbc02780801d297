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
from ui import identity, live, phone_steps, style, talk_view
from ui.context import language_switch, method, prefer_language, store, t
from ui.errors import show_error
from ui.join_guard import join_limits, workshop_in_url

DONT_KNOW = "dk"
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
            participation.set_role(store(), participant, choice)
            st.rerun()


def save_competence(participant, factor_keys) -> None:
    # Runs before the script (on_click), so the page then draws what is saved, in one run.
    answers = {k: st.session_state.get(f"rate_{k}") for k in factor_keys}
    chosen = {k: (None if v == DONT_KNOW else v) for k, v in answers.items() if v is not None}
    try:
        competence.submit_ratings(store(), participant, chosen)
    except FeaError as error:
        st.session_state["rate_error"] = error
    else:
        st.session_state["just_saved"] = True


@st.fragment
def competence_form(workshop, participant) -> None:
    m = method()
    st.subheader(m.competence_model, anchor=False)
    st.caption(t("rate.scale_help", low=RATING_MIN, high=RATING_MAX))
    saved = competence.my_ratings(store(), participant)
    options = list(range(RATING_MIN, RATING_MAX + 1)) + [DONT_KNOW]

    def label(option):
        return t("rate.dont_know") if option == DONT_KNOW else str(option)

    error = st.session_state.pop("rate_error", None)
    just_saved = st.session_state.pop("just_saved", False)
    if not workshop.activity_open:
        if error:
            show_error(error)
        st.info(t("rate.closed"), icon=":material/lock:")
        for f in m.factors:
            if f.key in saved:
                value = saved[f.key]
                st.text(f"{f.label}: {t('rate.dont_know') if value is None else value}")
        return

    with st.form(f"rate_{workshop.stage}", border=False):
        for f in m.factors:
            default = saved.get(f.key, "unset")
            default = DONT_KNOW if default is None else (None if default == "unset" else default)
            st.segmented_control(
                f.label, options=options, format_func=label, default=default, key=f"rate_{f.key}", width="stretch"
            )
        st.form_submit_button(
            t("rate.update" if saved else "rate.submit"),
            type="primary",
            width="stretch",
            on_click=save_competence,
            args=(participant, [f.key for f in m.factors]),
        )
    if error:
        show_error(error)
    elif just_saved:
        st.success(t("rate.thanks"), icon=":material/check_circle:")
    elif saved:
        st.success(t("rate.saved"), icon=":material/check_circle:")


token = st.query_params.get("p")
if not token:
    # The same phone opening the join link again comes back as the same participant.
    token = identity.recall(workshops.normalize_code(st.query_params.get("code", "")))
    if token:
        st.query_params["p"] = token
participant = None
if token:
    try:
        participant = participation.resume(store(), token)
    except UnknownParticipant as error:
        show_error(error)
        del st.query_params["p"]

if participant is None:
    join_form()
    st.divider()
    language_switch()
    st.page_link("pages/login.py", label=t("join.facilitator_link"), icon=":material/login:")
    st.stop()

workshop = workshops.get_workshop(store(), participant.workshop_id)
prefer_language(workshop.language)
live.watch(participant.token, "stage", workshop.stage, key="live_stage")
identity.remember(workshop.code, participant.token)
st.caption(t("join.code_caption", code=workshop.code))
st.subheader(escape_markdown(workshop.name), anchor=False)
role_picker(participant)

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
st.divider()
language_switch()
