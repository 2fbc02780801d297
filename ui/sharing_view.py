"""The shared screen's "Del med facilitator" control: the owner shares the workshop with co-facilitators."""

from __future__ import annotations

import streamlit as st

from fea_core import accounts, sharing, workshops
from fea_core.errors import FeaError
from fea_core.model import Workshop
from fea_core.plain import escape_markdown
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
    names = {f.username: f.name for f in accounts.list_facilitators(store())}
    co = sharing.co_facilitators(store(), workshop.id)
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
            cols = st.columns([3, 2], vertical_alignment="center")
            cols[0].text(label(user))
            if is_owner and cols[1].button(t("sharing.remove"), key=f"unshare_{user}", width="stretch"):
                _apply(sharing.unshare_workshop, workshop, user, username)
        if not is_owner:
            st.caption(t("sharing.only_owner"))
            return
        candidates = [u for u in names if u != workshop.owner and u not in co]
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
