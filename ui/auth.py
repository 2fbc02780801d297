"""Facilitator login with streamlit-authenticator; used only on facilitator routes."""

from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth

from fea_core.accounts import authenticator_credentials, cookie_key
from ui.context import store, t

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
    authenticator().logout(button_name=t("auth.logout"), location="sidebar", key="logout")
