"""The /facilitators page's parts: each role sees only what it may do.

A facilitator gets "change my password"; an administrator also creates, deactivates and
reactivates accounts, resets others' passwords and reads the audit log. The page shows or hides
the forms; fea_core.accounts checks the acting account again on every change.
"""

from __future__ import annotations

import streamlit as st

from fea_core import accounts, audit
from fea_core.accounts import Facilitator
from fea_core.errors import FeaError
from ui.context import store, t
from ui.errors import show_error


def _new_password_inputs(prefix: str) -> tuple[str, str]:
    """Draw a new password and its repetition (inside the caller's form); return both as typed."""
    password = st.text_input(t("facilitators.new_password"), type="password", help=_password_help(),
                             autocomplete="new-password", key=f"{prefix}_new")
    again = st.text_input(t("facilitators.new_password_again"), type="password", autocomplete="new-password",
                          key=f"{prefix}_again")
    return password, again


def _label(people: list[Facilitator]):
    names = {f.username: f"{f.name} ({f.username})" for f in people}
    return lambda username: names.get(username, username)


def _password_help() -> str:
    return t("facilitators.password_help", limit=accounts.PASSWORD_MIN)


def own_password_form(username: str) -> None:
    """Change one's own password, with the current one."""
    st.subheader(t("roles.own_title"), anchor=False)
    with st.form("own_password"):
        current = st.text_input(t("roles.current_password"), type="password", autocomplete="current-password",
                                key="own_current")
        password, again = _new_password_inputs("own")
        changed = st.form_submit_button(t("roles.change_button"), width="stretch")
    if changed:
        try:
            accounts.change_own_password(store(), username, current, password, password_again=again)
        except FeaError as error:
            show_error(error)
        else:
            st.success(t("roles.changed"), icon=":material/check_circle:")


def add_form(by: str) -> None:
    """Create an account (administrators)."""
    st.subheader(t("facilitators.add"), anchor=False)
    with st.form("add_facilitator"):
        new_username = st.text_input(t("facilitators.username"), max_chars=64, help=t("facilitators.username_help"))
        new_name = st.text_input(t("facilitators.name"), max_chars=200)
        password = st.text_input(t("facilitators.password"), type="password", help=_password_help(),
                                 autocomplete="new-password")
        again = st.text_input(t("facilitators.password_again"), type="password", autocomplete="new-password")
        added = st.form_submit_button(t("facilitators.add_button"), type="primary", width="stretch")
    if added:
        try:
            accounts.create_facilitator(store(), new_username, new_name, password, password_again=again, by=by)
        except FeaError as error:
            show_error(error)
        else:
            st.session_state["accounts_done"] = t("facilitators.added", username=new_username.strip().lower())
            st.rerun()


def reset_form(by: str, people: list[Facilitator]) -> None:
    """Reset another account's password (administrators); their logins end."""
    st.subheader(t("facilitators.reset"), anchor=False)
    others = [f.username for f in people if f.username != by]
    if not others:
        st.caption(t("roles.no_one_to_reset"))
        return
    with st.form("reset_password"):
        who = st.selectbox(t("facilitators.who"), others, format_func=_label(people), key="reset_who")
        password, again = _new_password_inputs("reset")
        reset = st.form_submit_button(t("facilitators.reset_button"), width="stretch")
    if reset:
        try:
            accounts.set_password(store(), who, password, password_again=again, by=by)
        except FeaError as error:
            show_error(error)
        else:
            st.success(t("facilitators.reset_done", username=who), icon=":material/check_circle:")


def deactivate_form(by: str, people: list[Facilitator]) -> None:
    """Deactivate an account, optionally handing its workshops and forløb to another (administrators)."""
    st.subheader(t("roles.deactivate_title"), anchor=False)
    st.caption(t("roles.deactivate_help"))
    active = [f.username for f in people if f.active]
    with st.form("deactivate"):
        who = st.selectbox(t("facilitators.who"), active, format_func=_label(people), key="deactivate_who")
        successor = st.selectbox(t("roles.hand_over_to"), [None, *active], key="deactivate_successor",
                                 format_func=lambda u: t("roles.no_hand_over") if u is None else _label(people)(u))
        go = st.form_submit_button(t("roles.deactivate_button"), width="stretch")
    if go:
        try:
            moved = accounts.deactivate_facilitator(store(), who, by=by, hand_over_to=successor)
        except FeaError as error:
            show_error(error)
        else:
            st.session_state["accounts_done"] = t("roles.deactivated", username=who, workshops=moved[0],
                                                  courses=moved[1])
            st.rerun()


def reactivate_form(by: str, people: list[Facilitator]) -> None:
    """Let a deactivated account log in again (administrators)."""
    st.subheader(t("roles.reactivate_title"), anchor=False)
    inactive = [f.username for f in people if not f.active]
    if not inactive:
        st.caption(t("roles.no_inactive"))
        return
    with st.form("reactivate"):
        who = st.selectbox(t("facilitators.who"), inactive, format_func=_label(people), key="reactivate_who")
        go = st.form_submit_button(t("roles.reactivate_button"), width="stretch")
    if go:
        try:
            accounts.reactivate_facilitator(store(), who, by=by)
        except FeaError as error:
            show_error(error)
        else:
            st.session_state["accounts_done"] = t("roles.reactivated", username=who)
            st.rerun()


def hand_over_form(by: str, people: list[Facilitator]) -> None:
    """Move an already deactivated account's workshops and forløb to an active account (administrators)."""
    inactive = [f.username for f in people if not f.active]
    active = [f.username for f in people if f.active]
    if not inactive:
        return
    st.subheader(t("roles.hand_over_title"), anchor=False)
    with st.form("hand_over"):
        who = st.selectbox(t("facilitators.who"), inactive, format_func=_label(people), key="hand_over_from")
        to = st.selectbox(t("roles.hand_over_to"), active, format_func=_label(people), key="hand_over_to")
        go = st.form_submit_button(t("roles.hand_over_button"), width="stretch")
    if go:
        try:
            moved = accounts.hand_over_work(store(), who, to, by=by)
        except FeaError as error:
            show_error(error)
        else:
            st.session_state["accounts_done"] = t("roles.handed_over", username=who, to=to, workshops=moved[0],
                                                  courses=moved[1])
            st.rerun()


def done_notice() -> None:
    """Show what the last account change did (it survives the rerun that refreshed the lists)."""
    done = st.session_state.pop("accounts_done", None)
    if done:
        st.success(done, icon=":material/check_circle:")


def account_list(people: list[Facilitator]) -> None:
    """Every account with its role and whether it is active (plain text in a table)."""
    st.subheader(t("facilitators.list"), anchor=False)
    st.dataframe(
        {
            t("facilitators.username"): [f.username for f in people],
            t("facilitators.name"): [f.name for f in people],
            t("roles.role"): [t("roles.admin") if f.role == accounts.ADMIN else t("roles.facilitator") for f in people],
            t("roles.status"): [t("roles.active") if f.active else t("roles.inactive") for f in people],
        },
        hide_index=True,
        width="stretch",
    )


def audit_log(by: str) -> None:
    """The audit log, newest first, a page of entries at a time (administrators)."""
    st.subheader(t("roles.audit_title"), anchor=False)
    st.caption(t("roles.audit_help"))
    total = audit.count(store(), by=by)
    if not total:
        st.caption(t("roles.audit_empty"))
        return
    pages = max(1, -(-total // audit.PAGE_SIZE))
    page = st.number_input(t("roles.audit_page"), min_value=1, max_value=pages, value=1, step=1, key="audit_page")
    rows = audit.entries(store(), by=by, limit=audit.PAGE_SIZE, offset=(int(page) - 1) * audit.PAGE_SIZE)
    action_key = "roles.action.{}"
    st.dataframe(
        {
            t("roles.audit_when"): [r.at.strftime("%Y-%m-%d %H:%M:%S") for r in rows],
            t("roles.audit_who"): [r.actor for r in rows],
            t("roles.audit_what"): [t(action_key.format(r.action)) for r in rows],
            t("roles.audit_whom"): [r.target for r in rows],
            t("roles.audit_detail"): [r.detail for r in rows],
        },
        hide_index=True,
        width="stretch",
        key="audit_table",
    )
    st.caption(t("roles.audit_count", n=total))
