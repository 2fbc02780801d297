"""Showing user text as plain text inside Markdown-rendering widgets."""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all
# of them also defuses Streamlit's own syntax (:color[...], :material/icon:, $math$).
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def escape_markdown(text: str) -> str:
    """Return text that Markdown renders exactly as typed (no links, emphasis, HTML or math)."""
    escaped = _PUNCTUATION.sub(r"\\\1", str(text))
    # A line break inside a heading or label would start a new block: keep it on one line.
    return " ".join(escaped.splitlines())
