"""The whole product: `streamlit run app.py` serves the pages and the phones' HTTP routes.

Streamlit finds ``app`` below and serves it with uvicorn; every session's script run executes
navigation.py (the page list per role), never this file. See ui/server/entry.py.
"""

import streamlit as st

from ui.server import entry

entry.tune_process()
app = st.App(entry.SCRIPT, routes=entry.ROUTES, lifespan=entry.lifespan)
