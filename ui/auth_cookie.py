"""Every touchpoint on streamlit-authenticator (0.4.2) beyond ``Authenticate(...)`` itself.

ui/auth.py calls only these functions: the cookie (below), and ``read_cookie``, ``log_in_with``
and ``log_out``, which reach into its controllers the way ``Authenticate.login``/``logout`` do
(without login's 0.7 s sleep); each checks the attribute first and says clearly when it is gone.

Its own ``set_cookie`` signs only a username and an expiry and cannot set Secure. Here the
cookie is written with the same signed token (HS256 over ``username`` and ``exp_date`` with
the cookie key, which its ``get_cookie`` reads back whole), plus ``began_at``, the moment
the login began, and Secure when FEA_PUBLIC_URL is https. Reading it back goes through its
public ``cookie_controller.get_cookie``.

The private part is the cookie component it draws (``cookie_model.cookie_manager``). When a
new version no longer has it, we fall back to its public ``set_cookie``/``delete_cookie`` and
log one warning: logins then still work and stay revocable (``began_at_of`` then derives the
start from ``exp_date``, as the token's only other moment), only Secure is lost.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import jwt
import streamlit_authenticator as stauth

from fea_core.config import public_url

COOKIE_NAME = "fea_facilitator"
COOKIE_EXPIRY_DAYS = 1.0  # a workshop day; a shared laptop must not stay logged in for weeks
BEGAN_CLAIM = "began_at"

_log = logging.getLogger(__name__)
_warned = False


def _manager(auth: stauth.Authenticate):
    """Return streamlit-authenticator's cookie component (extra_streamlit_components CookieManager), or None."""
    global _warned
    manager = getattr(getattr(getattr(auth, "cookie_controller", None), "cookie_model", None), "cookie_manager", None)
    usable = callable(getattr(manager, "set", None)) and isinstance(getattr(manager, "cookies", None), dict)
    if not usable:
        if not _warned:
            _warned = True
            _log.warning(
                "streamlit-authenticator has no cookie_controller.cookie_model.cookie_manager any more: "
                "the login cookie is set without Secure (ui/auth_cookie.py)"
            )
        return None
    return manager


def secure() -> bool:
    """Return whether the cookie gets the Secure flag: when the public URL is https."""
    url = public_url()
    return bool(url) and url.lower().startswith("https://")


def set_cookie(auth: stauth.Authenticate, username: str, began_at: datetime) -> None:
    """Ask the browser to store the re-login cookie for this login (with when it began)."""
    manager = _manager(auth)
    if manager is None:
        auth.cookie_controller.set_cookie()  # public: signs st.session_state["username"]
        return
    expires = datetime.now(UTC) + timedelta(days=COOKIE_EXPIRY_DAYS)
    token = jwt.encode(
        {"username": username, "exp_date": expires.timestamp(), BEGAN_CLAIM: began_at.timestamp()},
        auth.cookie_controller.cookie_model.cookie_key,
        algorithm="HS256",
    )
    # expires_at is turned into text without a zone by the component: hand it local time, as
    # streamlit-authenticator does.
    local_expiry = datetime.now() + timedelta(days=COOKIE_EXPIRY_DAYS)
    manager.set(COOKIE_NAME, token, expires_at=local_expiry, secure=secure() or None)


def forget_cookie(auth: stauth.Authenticate) -> None:
    """Ask the browser to delete the re-login cookie.

    The deletion is a component that runs once the browser has loaded it. Drawn in the logout's
    run alone, as streamlit-authenticator does, a rerun that came first removed it unrun, and a
    reload logged straight in again (2 logouts in 20 in a browser test): the gate draws it on
    every run after a logout, under its own key.
    """
    manager = _manager(auth)
    if manager is None:
        auth.cookie_controller.delete_cookie()
        return
    manager.cookies.setdefault(COOKIE_NAME, None)  # it forgets its own copy too, and fails without one
    manager.delete(COOKIE_NAME, key="fea_forget_cookie")


def began_at_of(token: dict) -> datetime | None:
    """Return the moment the login a decoded cookie token belongs to began (None: unknown).

    Our tokens say so (``began_at``). One set by streamlit-authenticator itself (the fallback,
    or before this version) holds only its expiry, set COOKIE_EXPIRY_DAYS after the login.
    A moment in the future is refused: no login began after now.
    """
    try:
        if BEGAN_CLAIM in token:
            began = datetime.fromtimestamp(float(token[BEGAN_CLAIM]), UTC)
        else:
            began = datetime.fromtimestamp(float(token["exp_date"]), UTC) - timedelta(days=COOKIE_EXPIRY_DAYS)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None
    return began if began <= datetime.now(UTC) else None


def _controller(auth: stauth.Authenticate, name: str, method: str):
    """Return ``auth.<name>.<method>``, or raise a RuntimeError naming what a new version removed."""
    found = getattr(getattr(auth, name, None), method, None)
    if not callable(found):
        raise RuntimeError(f"streamlit-authenticator has no {name}.{method} any more: see ui/auth_cookie.py")
    return found


def read_cookie(auth: stauth.Authenticate) -> dict | None:
    """Return the re-login cookie's checked token, or None (no cookie, expired, or signed otherwise)."""
    return _controller(auth, "cookie_controller", "get_cookie")()


def log_in_with(auth: stauth.Authenticate, token: dict) -> None:
    """Log the session in from a checked token (LoginError: its account no longer exists)."""
    _controller(auth, "authentication_controller", "login")(token=token)


def log_out(auth: stauth.Authenticate) -> None:
    """Clear the library's session keys and set its logout flag (the gate then deletes the cookie)."""
    _controller(auth, "authentication_controller", "logout")()
