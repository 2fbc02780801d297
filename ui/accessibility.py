"""What every page needs for WCAG 2.1 AA that Streamlit does not give: the page's language and
contrast fixes for Streamlit's own parts (captions, focus ring).

app.py calls every_page() once per full run, before the page is drawn.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import style
from ui.context import language

# The element draws nothing; its container is hidden (the script still runs when hidden).
_page_language = st.components.v2.component(
    "fea_page_language", html="", js=(Path(__file__).parent / "web" / "page_language.js").read_text(encoding="utf-8")
)


def every_page() -> None:
    """Set <html lang> to the session's language and draw the contrast fixes."""
    style.accessible()
    _page_language(key="fea_page_language", data={"lang": language()})
