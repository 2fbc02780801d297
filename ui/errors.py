"""Domain errors shown as messages in the user's language."""

from __future__ import annotations

import streamlit as st

from fea_core.errors import FeaError
from fea_core.i18n import catalogue
from ui.context import method, t


def error_message(error: FeaError) -> str:
    """Return the user-facing message for a domain error."""
    params = dict(error.params)
    if "factors" in params:
        labels = []
        for key in params["factors"]:
            try:
                labels.append(method().factor(key).label)
            except StopIteration:
                labels.append(str(key))
        params["factors"] = ", ".join(labels)
    if error.code == "invalid_text":
        simple = {k: v for k, v in params.items() if isinstance(v, (str, int))}
        return t(f"error.invalid_text.{params.get('reason', 'empty')}", **{"limit": "", "row": "", **simple})
    if error.code == "invalid_account":
        key = f"error.invalid_account_reason.{params.get('reason')}"
        if key in catalogue():
            return t(key, limit=params.get("limit", ""))
    return t(f"error.{error.code}", **{k: v for k, v in params.items() if isinstance(v, (str, int))})


def show_error(error: FeaError) -> None:
    """Show a domain error as an error box (plain text)."""
    st.error(error_message(error), icon=":material/error:")
