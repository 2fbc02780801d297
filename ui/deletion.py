"""Deleting a workshop from the facilitator's list: the confirmation step and the notice after it."""

from __future__ import annotations

import streamlit as st

from fea_core import retention, workshops
from fea_core.errors import FeaError
from fea_core.model import Workshop
from fea_core.markdown_escape import escape_markdown
from ui.context import store, t
from ui.errors import show_error

CONFIRMING = "confirm_delete"  # the join code of the workshop whose deletion is being confirmed
DELETED = "deleted_workshop"  # the name of the workshop just deleted, shown once


def delete_panel(workshop: Workshop, username: str) -> None:
    """Offer to delete a workshop the user owns: show what goes, and delete once its code is typed."""
    if st.session_state.get(CONFIRMING) != workshop.code:
        st.button(
            t("workshops.delete.open"), key=f"delete_open_{workshop.code}", icon=":material/delete:",
            type="tertiary", on_click=st.session_state.__setitem__, args=(CONFIRMING, workshop.code),
        )
        return
    rows = retention.footprint(store(), workshop.id)
    st.markdown(f"**{t('workshops.delete.title')}**")
    st.warning(
        t(
            "workshops.delete.what",
            participants=rows.get("participants", 0),
            ratings=rows.get("ratings", 0),
            items=rows.get("items", 0),
            placements=rows.get("placements", 0),
            proposals=rows.get("answer_proposals", 0),
            actions=rows.get("actions", 0),
        ),
        icon=":material/warning:",
    )
    with st.form(f"delete_{workshop.code}", border=False):
        typed = st.text_input(
            t("workshops.delete.confirm", code=workshop.code), max_chars=12, key=f"delete_code_{workshop.code}"
        )
        left, right = st.columns(2)
        confirmed = left.form_submit_button(
            t("workshops.delete.button"), type="primary", icon=":material/delete_forever:", width="stretch"
        )
        cancelled = right.form_submit_button(t("workshops.delete.cancel"), width="stretch")
    if cancelled:
        st.session_state.pop(CONFIRMING, None)
        st.rerun()
    if not confirmed:
        return
    if workshops.normalize_code(typed) != workshop.code:
        st.error(t("workshops.delete.wrong_code"), icon=":material/error:")
        return
    try:
        retention.delete_workshop(store(), workshop.id, owner=username)
    except FeaError as error:
        show_error(error)
        return
    st.session_state.pop(CONFIRMING, None)
    st.session_state[DELETED] = workshop.name
    st.rerun()


def deleted_notice() -> None:
    """Say once that the workshop just deleted is gone."""
    name = st.session_state.pop(DELETED, None)
    if name:
        st.success(t("workshops.delete.done", name=escape_markdown(name)), icon=":material/delete:")
