"""Production entry: the Streamlit app (app.py) plus the cheap live-update route and the phones' answer routes.

Run with `streamlit run serve.py`; Streamlit detects the App and serves both.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from fea_core import config
from ui import allocator, answer_routes, routes, script_threads, tcp_nodelay

tcp_nodelay.enable()
if config.script_turns():  # 0 leaves Streamlit its thread per run: see ui/script_threads.py
    script_threads.enable(config.script_turns())
allocator.tune()
# app.py builds the pages with st.navigation. Streamlit only learns that when a session first
# calls it: until then the mere pages/ folder makes it run URLs as an old-style multipage app,
# so after a restart the first visitor of /screen got pages/screen.py alone (no login form) and
# a sidebar listing pages/ (streamlit/streamlit#9992's "Page not found" has the same cause).
PagesManager.uses_pages_directory = False

app = st.App("app.py", routes=routes.ROUTES + answer_routes.ROUTES)
