"""Remember a phone's participant token in the browser (localStorage), per join code.

The token also sits in the URL; this covers the phone that opens the plain join link
again (a second tab, a rescanned QR code): it comes back as the same participant
instead of being counted twice.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function(component) {
  const { data, setTriggerValue, parentElement } = component;
  const key = 'fea-participant:' + data.code;
  try {
    if (data.token) { window.localStorage.setItem(key, data.token); return; }
    // Ask once per mounted element: Streamlit calls this again on every rerun.
    if (parentElement.__feaRecalled) return;
    parentElement.__feaRecalled = true;
    const saved = window.localStorage.getItem(key);
    if (saved) setTriggerValue('token', saved);
  } catch (e) { /* private mode without storage: the URL token still works */ }
}
"""

_identity = st.components.v2.component("fea_participant_identity", js=_JS)


def remember(code: str, token: str) -> None:
    """Store this phone's token for the join code."""
    _identity(key="identity_store", data={"code": code, "token": token}, height=0)


def recall(code: str) -> str | None:
    """Return a token this phone saved earlier for the join code, once the browser has answered."""
    if not code:
        return None
    result = _identity(
        key="identity_recall", data={"code": code, "token": None}, on_token_change=lambda: None, height=0
    )
    token = getattr(result, "token", None) if result is not None else None
    return token if isinstance(token, str) else None
