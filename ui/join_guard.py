"""Slowing down join-code guessing: wrong codes are counted per browser session and per process.

The counts live in this process's memory (st.cache_resource), not in the database: they
only need to make guessing slow, and a restart forgetting them does no harm.
"""

from __future__ import annotations

import secrets

import streamlit as st

from fea_core import participation
from fea_core.errors import TooManyAttempts
from fea_core.model import Workshop
from fea_core.throttle import Limits, Throttle
from ui.context import store

# (wrong codes, per seconds). A room of phones mistyping now and then stays far below both;
# 120 a minute per process keeps the ~887 million codes out of reach of guessing.
PER_SESSION = (10, 60)
PER_PROCESS = (120, 60)


@st.cache_resource(show_spinner=False)
def _throttles() -> tuple[Throttle, Throttle]:
    return Throttle(*PER_SESSION), Throttle(*PER_PROCESS)


def join_limits() -> Limits:
    """Return the limits this session's join attempts count against."""
    per_session, per_process = _throttles()
    key = st.session_state.setdefault("join_guess_key", secrets.token_urlsafe(12))
    return Limits([(per_session, key), (per_process, "process")])


def workshop_in_url(code: str) -> Workshop | None:
    """Return the workshop a ?code= in the URL names, looked up once per session and code.

    The URL is a guess like a typed code: a wrong one counts, and while the session is
    throttled nothing is looked up (the join button then says why).
    """
    if not code:
        return None
    seen = st.session_state.get("url_code")
    if seen is not None and seen[0] == code:
        return seen[1]
    try:
        workshop = participation.find_to_join(store(), code, limits=join_limits())
    except TooManyAttempts:
        return None
    st.session_state["url_code"] = (code, workshop)
    return workshop
