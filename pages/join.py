"""Participant phone: join with a code, then follow whatever the facilitator has made active."""

import streamlit as st

from fea_core import participation, workshops
from fea_core.errors import FeaError, UnknownParticipant
from fea_core.markdown_escape import escape_markdown
from ui import answer_forms, identity, style
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
            # The code came with the link: one instruction, one button, no field to type it again.
            st.subheader(escape_markdown(known.name), anchor=False)
            st.markdown(t("phone.join_as"))
            code = code_in_url
        else:
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
# The current step first (one component that follows the room by itself, no script run per
# step), then the group: above it, an open group picker pushed trin 4's card below the fold.
answer_forms.phone_step(participant)
role_picker(participant)
st.divider()
language_switch()
if st.session_state.get("remembered") != participant.token:
    # Once per session (localStorage keeps it; each element costs every page run), and last on
    # the page, so that drawing it or not moves no other element (a moved form loses its choices).
    identity.remember(workshop.code, participant.token)
    st.session_state["remembered"] = participant.token
