"""The shared screen's "Del med facilitator" control: the owner shares the workshop with co-facilitators,
names which of them read the raw interview notes, and takes either away."""

from __future__ import annotations

import streamlit as st

from fea_core import accounts, sharing, workshops
from fea_core.errors import FeaError
from fea_core.model import Workshop
from fea_core.markdown_escape import escape_markdown
from ui.context import store, t
from ui.errors import show_error


def facilitated_workshop(username: str) -> Workshop:
    """Return the workshop named by ?w= if this facilitator may run it; else say so and stop the page."""
    workshop = workshops.find_by_code(store(), st.query_params.get("w", ""))
    if not sharing.can_facilitate(store(), workshop, username):
        st.error(t("screen.not_found"), icon=":material/error:")
        st.page_link("pages/workshops.py", label=t("screen.back"), icon=":material/arrow_back:")
        st.stop()
    return workshop


def sharing_panel(workshop: Workshop, username: str) -> None:
    """Render who runs the workshop with its owner; only the owner gets the controls."""
    people = accounts.list_facilitators(store())
    names = {f.username: f.name for f in people}
    co = sharing.co_facilitators(store(), workshop.id)
    readers = set(sharing.interview_readers(store(), workshop.id))
    is_owner = workshop.owner == username

    def label(user: str) -> str:
        return f"{names[user]} ({user})" if user in names else user

    with st.expander(t("sharing.title"), icon=":material/group_add:", key="sharing"):
        st.caption(t("sharing.owner", owner=escape_markdown(label(workshop.owner))))
        if co:
            st.caption(t("sharing.shared_with"))
        else:
            st.caption(t("sharing.none"))
        for user in co:
            reads = user in readers
            st.text(label(user) + (f" · {t('roles.notes_reader_mark')}" if reads else ""))
            if not is_owner:
                continue
            cols = st.columns(2, vertical_alignment="center")
            if cols[0].button(t("sharing.remove"), key=f"unshare_{user}", width="stretch"):
                _apply(sharing.unshare_workshop, workshop, user, username)
            if reads and cols[1].button(t("roles.revoke_notes"), key=f"notes_off_{user}", width="stretch"):
                _apply(sharing.revoke_interview_notes, workshop, user, username)
            if not reads and cols[1].button(t("roles.grant_notes"), key=f"notes_on_{user}", width="stretch"):
                _apply(sharing.grant_interview_notes, workshop, user, username)
        if not is_owner:
            st.caption(t("sharing.only_owner"))
            return
        active = {f.username for f in people if f.active}
        candidates = [u for u in names if u in active and u != workshop.owner and u not in co]
        if not candidates:
            st.caption(t("sharing.no_one_else"))
            return
        choice = st.selectbox(
            t("sharing.with"), candidates, format_func=label, index=None, placeholder=t("sharing.choose"), key="share_with"
        )
        if st.button(t("sharing.share"), key="share_button", disabled=choice is None, width="stretch"):
            _apply(sharing.share_workshop, workshop, choice, username)


def _apply(action, workshop: Workshop, user: str, by: str) -> None:
    try:
        action(store(), workshop.id, user, by=by)
    except FeaError as error:
        show_error(error)
    else:
        st.rerun()
