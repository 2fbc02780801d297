"""Streamlit's private PagesManager flag, checked before use: the app navigates with st.navigation.

Kept apart from ui/server/script_threads.py, which is imported only when FEA_SCRIPT_TURNS is above 0:
this flag is set in every process.
"""

from __future__ import annotations

import logging

_log = logging.getLogger(__name__)


def register_navigation_early() -> bool:
    """Tell Streamlit before any session that the app navigates with st.navigation; return whether it took.

    Streamlit only learns that when a session first calls st.navigation: until then the mere
    pages/ folder makes it run URLs as an old-style multipage app, so after a restart the first
    visitor of /screen got pages/screen.py alone (no login form) and a sidebar listing pages/
    (streamlit/streamlit#9992's "Page not found" has the same cause). Without the private flag the
    app still works once one session has run; that first visitor is the only loss.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:
        PagesManager = None
    if PagesManager is None or not hasattr(PagesManager, "uses_pages_directory"):
        _log.warning("Streamlit has no PagesManager.uses_pages_directory any more: the first visitor after a "
                     "restart may see pages/ as a multipage app (ui/server/streamlit_pages.py)")
        return False
    PagesManager.uses_pages_directory = False
    return True
