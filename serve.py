"""Production entry: the Streamlit app (app.py) plus the cheap live-update route.

Run with `streamlit run serve.py`; Streamlit detects the App and serves both.
"""

import streamlit as st

from ui.routes import ROUTES

app = st.App("app.py", routes=ROUTES)
