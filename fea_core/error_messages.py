"""Domain errors as messages in a given language (used by pages and by the phones' answer routes)."""

from __future__ import annotations

from fea_core.errors import FeaError
from fea_core.i18n import catalogue, translate
from fea_core.method import load_method


def describe_error(language: str, error: FeaError) -> str:
    """Return the user-facing message for a domain error in the language."""
    params = dict(error.params)
    if "factors" in params:
        labels = []
        for key in params["factors"]:
            try:
                labels.append(load_method(language).factor(key).label)
            except StopIteration:
                labels.append(str(key))
        params["factors"] = ", ".join(labels)
    if error.code == "invalid_text":
        simple = {k: v for k, v in params.items() if isinstance(v, (str, int))}
        reason = params.get("reason", "empty")
        return translate(language, f"error.invalid_text.{reason}", **{"limit": "", "row": "", **simple})
    if error.code == "invalid_account":
        key = f"error.invalid_account_reason.{params.get('reason')}"
        if key in catalogue():
            return translate(language, key, limit=params.get("limit", ""), seconds=params.get("seconds", ""))
    return translate(language, f"error.{error.code}", **{k: v for k, v in params.items() if isinstance(v, (str, int))})
