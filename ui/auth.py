"""Facilitator login with streamlit-authenticator; used only on facilitator routes."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from fea_core.accounts import LoginResult, authenticator_credentials, cookie_key, has_facilitators, verify_login
from fea_core.plain import escape_markdown
from ui import style
from ui.context import language_switch, store, t

_APP_FOLDER = Path(__file__).resolve().parents[1]

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
    """Render the logout button (the caller places it, in the sidebar)."""
    # Not key="logout": streamlit-authenticator keeps its own flag under that name.
    if st.button(t("auth.logout"), key="fea_logout"):
        authenticator().authentication_controller.logout()  # sets st.session_state["logout"]
        st.rerun()  # app.py now serves the login gate here, and the gate deletes the cookie


def _forget_cookie(auth: stauth.Authenticate) -> None:
    """Delete the re-login cookie in the browser; the gate does this on every run after a logout.

    The deletion is a component that runs once the browser has loaded it. Drawn in the logout's
    run alone, as streamlit-authenticator does, a rerun that came first removed it unrun, and a
    reload logged straight in again (2 logouts in 20 in a browser test).
    """
    manager = auth.cookie_controller.cookie_model.cookie_manager
    manager.cookies.setdefault(COOKIE_NAME, None)  # it forgets its own copy too, and fails without one
    manager.delete(COOKIE_NAME, key="fea_forget_cookie")


def _login_from_cookie(auth: stauth.Authenticate) -> None:
    """Log in again from streamlit-authenticator's signed cookie (a reload, a new tab)."""
    if st.session_state.get("authentication_status"):
        return
    # What Authenticate.login() does before drawing its form, without its 0.7 s sleep.
    token = auth.cookie_controller.get_cookie()
    if token:
        try:
            auth.authentication_controller.login(token=token)
        except LoginError:
            pass  # the cookie names an account that no longer exists


def _start_session(auth: stauth.Authenticate, result: LoginResult) -> None:
    """Hand a checked login to streamlit-authenticator: its session keys and its cookie."""
    st.session_state["authentication_status"] = True
    st.session_state["username"] = result.username
    st.session_state["name"] = result.name
    st.session_state["email"] = None
    st.session_state["roles"] = None
    st.session_state["logout"] = None  # a logout earlier in this session must not block the cookie
    auth.cookie_controller.set_cookie()  # signs st.session_state["username"]


def login_gate() -> None:
    """Show the login form; once logged in, rerun so app.py offers the facilitator's pages.

    Also served at the facilitator pages' own URLs for sessions that are not logged in, so
    a reloaded shared screen (/screen?w=CODE) logs in again and stays where it was.
    The password is checked by fea_core.accounts.verify_login (throttled per username);
    streamlit-authenticator keeps the session state and the re-login cookie.
    """
    style.phone()
    language_switch(key="login_lang")
    st.title(t("auth.title"), anchor=False)
    if not has_facilitators(store()):
        st.warning(t("auth.no_accounts"), icon=":material/key:")
        st.code(first_account_command(), language="bash", wrap_lines=True)  # whole and copyable
        st.stop()
    auth = authenticator()  # one per run: it draws a cookie component with a fixed key
    _login_from_cookie(auth)
    if facilitator_username() is not None:
        st.rerun()  # app.py now builds the facilitator's pages for this URL
    cookie_slot = st.empty()  # one place in every run, so the browser keeps the component loaded
    form_slot = st.empty()
    with form_slot.form("facilitator_login"):
        st.subheader(t("auth.form"), anchor=False)
        username = st.text_input(t("auth.username"), max_chars=200, autocomplete="username")
        password = st.text_input(t("auth.password"), type="password", max_chars=200, autocomplete="current-password")
        submitted = st.form_submit_button(t("auth.login"))
    if submitted:
        result = verify_login(store(), username, password)
        if result.ok:
            _start_session(auth, result)
            form_slot.empty()
            # No st.rerun() here: it would remove the cookie component before the browser ran
            # it. The component reruns the session itself once the cookie is stored, and
            # app.py then offers the facilitator's pages; the button is for a browser where
            # that does not happen.
            st.success(t("auth.logged_in", name=escape_markdown(result.name)), icon=":material/check_circle:")
            st.button(t("auth.continue"), type="primary")
            st.stop()
        st.session_state["authentication_status"] = False
        if result.locked:
            st.error(t("auth.locked", seconds=result.seconds_left), icon=":material/lock_clock:")
        else:
            st.error(t("auth.wrong"), icon=":material/error:")
    if st.session_state.get("logout"):  # not in a run that logs in: it would race the new cookie
        with cookie_slot:
            _forget_cookie(auth)
    st.page_link("pages/join.py", label=t("auth.participant_link"), icon=":material/smartphone:")


def screen_login() -> None:
    """The login gate at /screen for a session that is not logged in."""
    login_gate()


def workshops_login() -> None:
    """The login gate at /workshops for a session that is not logged in."""
    login_gate()


def facilitators_login() -> None:
    """The login gate at /facilitators for a session that is not logged in."""
    login_gate()


def first_account_command() -> str:
    """The command that creates the first account, with the Python that runs this server.

    `python3` where the server runs on a system Python (Debian has no `python`); in a virtual
    environment its own python3, relative to the app's folder when it lies inside it (.venv).
    """
    python = "python3"
    if sys.prefix != sys.base_prefix:  # a virtual environment: the system python3 lacks the packages
        folder = Path(sys.executable).parent
        python = str(folder / "python3")
        if folder.is_relative_to(_APP_FOLDER):
            python = str(folder.relative_to(_APP_FOLDER) / "python3")
    return f'{python} -m fea_core.accounts create USERNAME --name "Navn Efternavn"'
