"""Participant phone: join with a code, then follow whatever the facilitator has made active."""

import streamlit as st

from fea_core import competence, participation, workshops
from fea_core.errors import FeaError, UnknownParticipant
from fea_core.plain import escape_markdown
from fea_core.model import ACTIVITY_COMPETENCE, RATING_MAX, RATING_MIN
from ui import identity, live, style
from ui.context import language_switch, method, prefer_language, store, t
from ui.errors import show_error

DONT_KNOW = "dk"
style.phone()


def join_form() -> None:
    st.title(t("join.title"), anchor=False)
    code_in_url = workshops.normalize_code(st.query_params.get("code", ""))
    known = workshops.find_by_code(store(), code_in_url) if code_in_url else None
    if known:
        prefer_language(known.language)
    with st.form("join", border=False):
        if known:
            st.subheader(escape_markdown(known.name), anchor=False)
        code = st.text_input(t("join.code_label"), value=code_in_url, max_chars=12, placeholder="ABC123")
        st.caption(t("join.anonymous"))
        submitted = st.form_submit_button(t("join.button"), type="primary", use_container_width=True)
    if submitted:
        try:
            _, participant = participation.join(store(), code)
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


def competence_form(workshop, participant) -> None:
    m = method()
    st.subheader(m.competence_model, anchor=False)
    st.caption(t("rate.scale_help", low=RATING_MIN, high=RATING_MAX))
    saved = competence.my_ratings(store(), participant)
    options = list(range(RATING_MIN, RATING_MAX + 1)) + [DONT_KNOW]

    def label(option):
        return t("rate.dont_know") if option == DONT_KNOW else str(option)

    if not workshop.activity_open:
        st.info(t("rate.closed"), icon=":material/lock:")
        if saved:
            for f in m.factors:
                value = saved.get(f.key)
                st.text(f"{f.label}: {t('rate.dont_know') if value is None else value}")
        return

    with st.form(f"rate_{workshop.stage}", border=False):
        answers = {}
        for f in m.factors:
            default = saved.get(f.key, "unset")
            default = DONT_KNOW if default is None else (None if default == "unset" else default)
            answers[f.key] = st.segmented_control(
                f.label, options=options, format_func=label, default=default, key=f"rate_{f.key}", width="stretch"
            )
        submitted = st.form_submit_button(
            t("rate.update" if saved else "rate.submit"), type="primary", use_container_width=True
        )
    if submitted:
        chosen = {k: (None if v == DONT_KNOW else v) for k, v in answers.items() if v is not None}
        try:
            competence.submit_ratings(store(), participant, chosen)
        except FeaError as error:
            show_error(error)
            return
        # Rerun so the form shows what is now saved; the thanks survives the rerun.
        st.session_state["just_saved"] = True
        st.rerun()
    if st.session_state.pop("just_saved", False):
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
live.watch(workshop.code, "stage", workshop.stage, key="live_stage")
identity.remember(workshop.code, participant.token)
st.caption(t("join.code_caption", code=workshop.code))
st.subheader(escape_markdown(workshop.name), anchor=False)
role_picker(participant)

if workshop.activity == ACTIVITY_COMPETENCE:
    competence_form(workshop, participant)
else:
    st.subheader(t("join.welcome_title"), anchor=False)
    st.info(t("join.wait"), icon=":material/hourglass_top:")
st.divider()
language_switch()
