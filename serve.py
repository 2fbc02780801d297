"""Old name of the entry, kept so that `streamlit run serve.py` in existing deployments still
starts the whole product: the same App as app.py (use `streamlit run app.py`)."""

import streamlit as st

from ui.server import entry

entry.tune_process()
app = st.App(entry.SCRIPT, routes=entry.ROUTES, lifespan=entry.lifespan)
