"""Showing user text as plain text inside Markdown-rendering widgets."""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all
# of them also defuses Streamlit's own syntax (:color[...], :material/icon:, $math$), links,
# images and HTML tags.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Bare addresses are the exception: Streamlit's Markdown (remark-gfm) finds "http://…", "www.…"
# and "name@host" in the text it has already unescaped and links them (seen in the browser). An
# invisible WORD JOINER inside each breaks the match and changes nothing on the screen; typed
# text never holds one (fea_core.text_cleaning.clean_text removes it), so it cannot be smuggled in.
WORD_JOINER = "\u2060"
_BARE_ADDRESS = re.compile(r"(?=://)|(?<=[wW]{3})(?=\.)|(?=@)")


def break_autolinks(text: str) -> str:
    """Return text with a word joiner where a Markdown renderer would start an automatic link."""
    return _BARE_ADDRESS.sub(WORD_JOINER, text)


def escape_markdown(text: str) -> str:
    """Return text that Markdown renders exactly as typed (no links, emphasis, HTML or math)."""
    escaped = _PUNCTUATION.sub(r"\\\1", break_autolinks(str(text)))
    # A line break inside a heading or label would start a new block: keep it on one line.
    return " ".join(escaped.splitlines())
