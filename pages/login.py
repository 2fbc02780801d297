"""Facilitator login (streamlit-authenticator). No account exists until one is created on the server."""

import streamlit as st

from ui.auth import facilitator_username, login_gate
from ui.context import t

if facilitator_username():
    # Back to the shared screen after a reload (?w=CODE), else to the workshop list.
    target = st.query_params.get("w")
    if target:
        st.switch_page("pages/screen.py", query_params={"w": target})
    st.switch_page("pages/workshops.py")

login_gate()
st.page_link("pages/accessibility.py", label=t("a11y.statement_link"))
