"""Domain errors shown as messages in the user's language."""

from __future__ import annotations

import streamlit as st

from fea_core.errors import FeaError
from fea_core.error_messages import describe_error
from ui.context import language


def error_message(error: FeaError) -> str:
    """Return the user-facing message for a domain error in the session's language."""
    return describe_error(language(), error)


def show_error(error: FeaError) -> None:
    """Show a domain error as an error box (plain text)."""
    st.error(error_message(error), icon=":material/error:")
