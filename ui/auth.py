"""Facilitator login with streamlit-authenticator; used only on facilitator routes.

Every login carries the moment it began (``BEGAN_KEY`` in the session, ``began_at`` in the
re-login cookie), and every script run of a facilitator asks the database whether the login
still counts (``current_facilitator``, fea_core.logins): "Log ud", a new password and
deactivation end every login of the account, in every tab and process, and copied cookies.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from fea_core import config, login_throttle, logins
from fea_core.accounts import LoginResult, authenticator_credentials, cookie_key, has_facilitators, verify_login
from fea_core.markdown_escape import escape_markdown
from fea_core.storage import utcnow
from ui import auth_cookie, style
from ui.auth_cookie import COOKIE_EXPIRY_DAYS, COOKIE_NAME  # noqa: F401  (named here as before)
from ui.context import language_switch, store, t

_APP_FOLDER = Path(__file__).resolve().parents[1]

BEGAN_KEY = "fea_login_began_at"  # session_state: when this session's login began (UTC)
ENDED_KEY = "fea_login_ended"  # session_state: this session's login was ended elsewhere (the form says so)
_AUTH_KEYS = ("name", "username", "authentication_status", "email", "roles")


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
    """Return the logged-in facilitator's username, or None (as this run's check left it)."""
    if st.session_state.get("authentication_status") is True:
        return st.session_state.get("username")
    return None


def current_facilitator() -> str | None:
    """Return the logged-in facilitator, after asking the database whether the login still counts.

    Called at the start of every script run (app.py, and every facilitator page, which
    Streamlit may run without app.py). A login ended by "Log ud" elsewhere, a new password or
    deactivation ends this session here: its keys are cleared, and the gate then shows the
    login form and deletes the cookie. One indexed read per run.
    """
    username = facilitator_username()
    if username is None:
        return None
    if logins.login_is_current(store(), username, st.session_state.get(BEGAN_KEY)):
        return username
    _end_session()
    st.session_state[ENDED_KEY] = True
    return None


def login_began_at():
    """Return when this session's login began (UTC), or None when it has none."""
    return st.session_state.get(BEGAN_KEY)


def _end_session() -> None:
    # What streamlit-authenticator's logout() leaves, without its callbacks: "logout" makes its
    # get_cookie() refuse the cookie and makes the gate delete it in the browser.
    for key in _AUTH_KEYS:
        st.session_state[key] = None
    st.session_state.pop(BEGAN_KEY, None)
    st.session_state["logout"] = True


def require_facilitator() -> str:
    """Stop the page unless a facilitator is logged in (defence in depth behind navigation)."""
    username = current_facilitator()
    if username is None:
        st.error(t("auth.required"))
        st.page_link("pages/login.py", label=t("auth.go_to_login"), icon=":material/login:")
        st.stop()
    return username


def logout_button() -> None:
    """Render the logout button (the caller places it, in the sidebar)."""
    # Not key="logout": streamlit-authenticator keeps its own flag under that name.
    if st.button(t("auth.logout"), key="fea_logout"):
        username = facilitator_username()
        if username:
            # Every login of the account ends, not only this tab's: other tabs and processes,
            # and a copy of the cookie, are logged out at their next run.
            with store().write() as conn:
                logins.end_logins(conn, username)
        auth_cookie.log_out(authenticator())  # sets st.session_state["logout"]
        st.session_state.pop(BEGAN_KEY, None)
        st.rerun()  # app.py now serves the login gate here, and the gate deletes the cookie


def _login_from_cookie(auth: stauth.Authenticate) -> None:
    """Log in again from the signed re-login cookie (a reload, a new tab), if its login still counts."""
    if st.session_state.get("authentication_status"):
        return
    # What Authenticate.login() does before drawing its form, without its 0.7 s sleep.
    token = auth_cookie.read_cookie(auth)
    if not token:
        return
    began_at = auth_cookie.began_at_of(token)
    if not logins.login_is_current(store(), token.get("username"), began_at):
        # Logged out, new password or deactivated since: the gate deletes the cookie.
        st.session_state["logout"] = True
        return
    try:
        auth_cookie.log_in_with(auth, token)
    except LoginError:
        return  # the cookie names an account that no longer exists
    # The login began when the cookie's login began, not now: ending it must end this too.
    st.session_state[BEGAN_KEY] = began_at


def _start_session(auth: stauth.Authenticate, result: LoginResult) -> None:
    """Hand a checked login to streamlit-authenticator: its session keys and its cookie."""
    st.session_state["authentication_status"] = True
    st.session_state["username"] = result.username
    st.session_state["name"] = result.name
    st.session_state["email"] = None
    st.session_state["roles"] = None
    st.session_state["logout"] = None  # a logout earlier in this session must not block the cookie
    st.session_state[BEGAN_KEY] = began_at = utcnow()
    st.session_state.pop(ENDED_KEY, None)
    auth_cookie.set_cookie(auth, result.username, began_at)


def login_gate() -> None:
    """Show the login form; once logged in, rerun so app.py offers the facilitator's pages.

    Also served at the facilitator pages' own URLs for sessions that are not logged in, so
    a reloaded shared screen (/screen?w=CODE) logs in again and stays where it was.
    The password is checked by fea_core.accounts.verify_login (throttled per username and client);
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
    if st.session_state.get(ENDED_KEY):
        st.info(t("logins.ended"), icon=":material/logout:")
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
        result = verify_login(store(), username, password, client=client_address())
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
            auth_cookie.forget_cookie(auth)
    st.page_link("pages/join.py", label=t("auth.participant_link"), icon=":material/smartphone:")


def client_address() -> str | None:
    """Return the address this session's browser connects from (None: the server itself).

    Behind a proxy listed in FEA_TRUSTED_PROXIES (default: 127.0.0.1 and ::1, nginx on the same
    machine) the address the proxy names in X-Forwarded-For or X-Real-IP; a header from anyone
    else is ignored (README "Login and join-code guessing").
    """
    headers = st.context.headers
    return login_throttle.client_address(
        st.context.ip_address,
        ", ".join(headers.get_all("X-Forwarded-For")),
        headers.get("X-Real-IP"),
        config.trusted_proxies(),
    )


def screen_login() -> None:
    """The login gate at /screen for a session that is not logged in."""
    login_gate()


def control_login() -> None:
    """The login gate at /control for a session that is not logged in."""
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
