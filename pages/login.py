"""Facilitator login (streamlit-authenticator). No account exists until one is created on the server."""

import streamlit as st

from fea_core.accounts import has_facilitators
from ui import style
from ui.auth import authenticator, facilitator_username
from ui.context import language_switch, store, t

style.phone()
language_switch(key="login_lang")


def go_on() -> None:
    # Back to the shared screen after a reload (?w=CODE), else to the workshop list.
    target = st.query_params.get("w")
    if target:
        st.switch_page("pages/screen.py", query_params={"w": target})
    st.switch_page("pages/workshops.py")


if facilitator_username():
    go_on()

st.title(t("auth.title"))
if not has_facilitators(store()):
    st.warning(t("auth.no_accounts"), icon=":material/key:")
    st.code('python -m fea_core.accounts create USERNAME --name "Navn Efternavn"', language="bash")
    st.stop()

authenticator().login(
    location="main",
    key="facilitator_login",
    fields={
        "Form name": t("auth.form"),
        "Username": t("auth.username"),
        "Password": t("auth.password"),
        "Login": t("auth.login"),
    },
)
status = st.session_state.get("authentication_status")
if status is True:
    st.rerun()  # app.py now builds the facilitator's pages
elif status is False:
    st.error(t("auth.wrong"), icon=":material/error:")
st.page_link("pages/join.py", label=t("auth.participant_link"), icon=":material/smartphone:")
