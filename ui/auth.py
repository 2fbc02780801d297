"""Facilitator login with streamlit-authenticator; used only on facilitator routes."""

from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth

from fea_core.accounts import authenticator_credentials, cookie_key, has_facilitators
from ui import style
from ui.context import language_switch, store, t

COOKIE_NAME = "fea_facilitator"
COOKIE_EXPIRY_DAYS = 1.0  # a workshop day; a shared laptop must not stay logged in for weeks


def authenticator() -> stauth.Authenticate:
    """Return a fresh Authenticate for this run (never cached across sessions)."""
    s = store()
    return stauth.Authenticate(
        authenticator_credentials(s),
        cookie_name=COOKIE_NAME,
        cookie_key=cookie_key(s),
        cookie_expiry_days=COOKIE_EXPIRY_DAYS,
        auto_hash=False,
    )


def facilitator_username() -> str | None:
    """Return the logged-in facilitator's username, or None."""
    if st.session_state.get("authentication_status") is True:
        return st.session_state.get("username")
    return None


def require_facilitator() -> str:
    """Stop the page unless a facilitator is logged in (defence in depth behind navigation)."""
    username = facilitator_username()
    if username is None:
        st.error(t("auth.required"))
        st.page_link("pages/login.py", label=t("auth.go_to_login"), icon=":material/login:")
        st.stop()
    return username


def logout_button() -> None:
    """Render the logout button in the sidebar."""
    # Not key="logout": streamlit-authenticator keeps its own flag under that name.
    authenticator().logout(button_name=t("auth.logout"), location="sidebar", key="fea_logout")
    if facilitator_username() is None:
        st.stop()  # logged out in this run: draw nothing more of the facilitator's page


def login_gate() -> None:
    """Show the login form; once logged in, rerun so app.py offers the facilitator's pages.

    Also served at the facilitator pages' own URLs for sessions that are not logged in, so
    a reloaded shared screen (/screen?w=CODE) logs in again and stays where it was.
    """
    style.phone()
    language_switch(key="login_lang")
    st.title(t("auth.title"), anchor=False)
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
        st.rerun()  # app.py now builds the facilitator's pages for this URL
    elif status is False:
        st.error(t("auth.wrong"), icon=":material/error:")
    st.page_link("pages/join.py", label=t("auth.participant_link"), icon=":material/smartphone:")


def screen_login() -> None:
    """The login gate at /screen for a session that is not logged in."""
    login_gate()


def workshops_login() -> None:
    """The login gate at /workshops for a session that is not logged in."""
    login_gate()
