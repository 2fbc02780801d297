"""Cleaning of free text typed by participants and facilitators."""

from __future__ import annotations

import re
import unicodedata

from fea_core.errors import InvalidText

# Control characters (C0, DEL, C1) except tab and newline, plus bidi overrides that can
# make a text read differently on the shared screen than it was typed, plus lone surrogates
# (half a character: no browser sends one, and the database cannot store it as UTF-8).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean_text(value: object, *, max_length: int, multiline: bool = False) -> str:
    """Return the text stripped of control characters and outer whitespace, or raise InvalidText."""
    if not isinstance(value, str):
        raise InvalidText(reason="not_text", limit=max_length)
    # Strip first, normalise after: a control character between a letter and its
    # combining mark would otherwise block the composition.
    text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = unicodedata.normalize("NFC", text)
    if not multiline:
        text = " ".join(text.split())
    text = text.strip()
    if not text:
        raise InvalidText(reason="empty", limit=max_length)
    if len(text) > max_length:
        raise InvalidText(reason="too_long", limit=max_length, length=len(text))
    return text


def same_text_key(text: str) -> str:
    """Return the form two texts are compared in for duplicates: case and spacing ignored."""
    return " ".join(text.casefold().split())
