"""A day field for the follow-up and forløb forms: typed as dd.mm.åååå (fea_core/day_text.py says why)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from fea_core.day_text import format_day
from ui.context import t


def day_field(label: str, *, key: str, value: date | None, container=None) -> str:
    """Draw a text field holding a day as dd.mm.åååå; return what it holds (read it with day_text.parse_day)."""
    if key not in st.session_state:  # the first draw shows the default; after that, what was typed stays
        st.session_state[key] = format_day(value)
    return (container or st).text_input(
        label, key=key, max_chars=10, placeholder=t("day_field.placeholder"), help=t("day_field.help"),
    )
