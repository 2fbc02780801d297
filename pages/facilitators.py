"""Facilitator accounts: everyone changes their own password; administrators also manage accounts."""

import streamlit as st

from fea_core import accounts
from ui import accounts_view as view
from ui import style
from ui.auth import logout_button, require_facilitator
from ui.context import language_switch, store, t

username = require_facilitator()
style.screen()
with st.sidebar:
    st.page_link("pages/workshops.py", label=t("facilitators.back"), icon=":material/arrow_back:")
    language_switch(key="fac_lang")
    logout_button()

# The role is read from the database on every run: a demotion or deactivation counts at once.
me = accounts.get_facilitator(store(), username)
if me is None or not me.active:
    st.error(t("auth.required"))
    st.stop()

st.title(t("facilitators.title"))
if not me.is_admin:
    view.own_password_form(username)
    st.caption(t("roles.admin_only"))
    st.stop()

view.done_notice()
people = accounts.list_facilitators(store())
left, right = st.columns(2, gap="large")
with left:
    view.add_form(username)
    view.deactivate_form(username, people)
    view.reactivate_form(username, people)
    view.hand_over_form(username, people)
with right:
    view.reset_form(username, people)
    view.account_list(people)
    view.own_password_form(username)
st.divider()
view.audit_log(username)
