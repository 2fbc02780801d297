"""Facilitator: add another facilitator, or reset a facilitator's password."""

import streamlit as st

from fea_core import accounts
from fea_core.errors import FeaError
from ui import style
from ui.auth import logout_button, require_facilitator
from ui.context import language_switch, store, t
from ui.errors import show_error

username = require_facilitator()
style.screen()
with st.sidebar:
    st.page_link("pages/workshops.py", label=t("facilitators.back"), icon=":material/arrow_back:")
    language_switch(key="fac_lang")
    logout_button()

st.title(t("facilitators.title"))
left, right = st.columns(2, gap="large")

with left:
    st.subheader(t("facilitators.add"))
    with st.form("add_facilitator"):
        new_username = st.text_input(t("facilitators.username"), max_chars=64, help=t("facilitators.username_help"))
        new_name = st.text_input(t("facilitators.name"), max_chars=200)
        password_help = t("facilitators.password_help", limit=accounts.PASSWORD_MIN)
        password = st.text_input(t("facilitators.password"), type="password", help=password_help, autocomplete="new-password")
        password_again = st.text_input(t("facilitators.password_again"), type="password", autocomplete="new-password")
        added = st.form_submit_button(t("facilitators.add_button"), type="primary", width="stretch")
    if added:
        try:
            accounts.create_facilitator(store(), new_username, new_name, password, password_again=password_again)
        except FeaError as error:
            show_error(error)
        else:
            st.success(t("facilitators.added", username=new_username.strip().lower()), icon=":material/check_circle:")

people = accounts.list_facilitators(store())
with right:
    st.subheader(t("facilitators.reset"))
    with st.form("reset_password"):
        who = st.selectbox(
            t("facilitators.who"),
            [f.username for f in people],
            format_func={f.username: f"{f.name} ({f.username})" for f in people}.get,
        )
        password = st.text_input(t("facilitators.new_password"), type="password", help=password_help, autocomplete="new-password")
        password_again = st.text_input(t("facilitators.new_password_again"), type="password", autocomplete="new-password")
        reset = st.form_submit_button(t("facilitators.reset_button"), width="stretch")
    if reset:
        try:
            accounts.set_password(store(), who, password, password_again=password_again)
        except FeaError as error:
            show_error(error)
        else:
            st.success(t("facilitators.reset_done", username=who), icon=":material/check_circle:")

    st.subheader(t("facilitators.list"))
    st.dataframe(
        {t("facilitators.username"): [f.username for f in people], t("facilitators.name"): [f.name for f in people]},
        hide_index=True,
        width="stretch",
    )
