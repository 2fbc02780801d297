"""Production entry: the Streamlit app (app.py) plus the cheap live-update route and the phones' answer routes.

Run with `streamlit run serve.py`; Streamlit detects the App and serves both.
"""

import streamlit as st

from ui import allocator, answer_routes, routes, tcp_nodelay

tcp_nodelay.enable()
allocator.tune()

app = st.App("app.py", routes=routes.ROUTES + answer_routes.ROUTES)
