"""Cleaning of free text typed by participants and facilitators."""

from __future__ import annotations

import re
import unicodedata

from fea_core.errors import InvalidText

# Control characters (C0, DEL, C1) except tab and newline, plus bidi overrides that can
# make a text read differently on the shared screen than it was typed, plus lone surrogates
# (half a character: no browser sends one, and the database cannot store it as UTF-8).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

# Characters that show nothing: a text of only these became a blank card, and one inside a word
# slipped a duplicate past the duplicate check. Unicode calls them Default_Ignorable_Code_Point;
# the standard library has no such property, so: every format character (category Cf: U+200B,
# U+FEFF, U+2060, U+00AD, ...) plus the rest of that list, which includes the "blank letters"
# (Hangul fillers U+115F, U+1160, U+3164, U+FFA0) and the variation selectors.
_IGNORABLE_NOT_CF = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2065\u3164\ufe00-\ufe0f\uffa0\ufff0-\ufff8"
    "\U000e0000-\U000e0fff]"
)
# Looks like a space but counts as a letter; read as the space it shows.
_BLANK_AS_SPACE = {"\u2800": " "}  # BRAILLE PATTERN BLANK
ZWJ, ZWNJ = "\u200d", "\u200c"
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_TAGS = re.compile("[\U000e0020-\U000e007f]")
_BLACK_FLAG = "\U0001f3f4"


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf" or _IGNORABLE_NOT_CF.match(ch) is not None


def _is_emoji(ch: str) -> bool:
    # Emoji are symbols (So); a skin tone (Sk) or an emoji variation selector may end the one before a ZWJ.
    return ch != "" and (unicodedata.category(ch) in ("So", "Sk") or ch == "\ufe0f")


def _keeps_meaning(text: str, i: int, kept: list[str]) -> bool:
    """Return whether the invisible character at i is part of something visible and must stay."""
    ch, before = text[i], (kept[-1] if kept else "")
    after = text[i + 1] if i + 1 < len(text) else ""
    if ch == ZWJ:  # 👩‍💻, 🏳️‍🌈: one picture, not two
        return _is_emoji(before) and _is_emoji(after)
    if ch == ZWNJ:  # Persian, Indic scripts: changes how two letters join
        return before.isalpha() and after.isalpha() and not (before.isascii() or after.isascii())
    if _VARIATION_SELECTORS.match(ch):  # ❤️ (emoji style), 1️⃣, a Han variant: right after what it styles
        return before != "" and (unicodedata.category(before) in ("So", "Sm", "Sc", "Nd", "Lo") or before in "#*")
    if _TAGS.match(ch):  # subdivision flags: 🏴 + tag letters + cancel tag
        return before == _BLACK_FLAG or (before != "" and _TAGS.match(before) is not None)
    return False


def drop_invisible(text: str) -> str:
    """Return text without characters that show nothing, keeping those that join emoji or letters."""
    if text.isascii():
        return text  # the common case, checked in C
    kept: list[str] = []
    for i, ch in enumerate(text):
        if ch in _BLANK_AS_SPACE:
            kept.append(_BLANK_AS_SPACE[ch])
        elif not _invisible(ch) or _keeps_meaning(text, i, kept):
            kept.append(ch)
    return "".join(kept)


def clean_text(value: object, *, max_length: int, multiline: bool = False) -> str:
    """Return the text stripped of control characters and outer whitespace, or raise InvalidText."""
    if not isinstance(value, str):
        raise InvalidText(reason="not_text", limit=max_length)
    # Strip first, normalise after: a control character between a letter and its
    # combining mark would otherwise block the composition.
    text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = drop_invisible(unicodedata.normalize("NFC", text))
    if not multiline:
        text = " ".join(text.split())
    text = text.strip()
    if not text:
        raise InvalidText(reason="empty", limit=max_length)
    if len(text) > max_length:
        raise InvalidText(reason="too_long", limit=max_length, length=len(text))
    return text


def same_text_key(text: str) -> str:
    """Return the form two texts are compared in for duplicates: case, spacing and invisible characters ignored."""
    # Even the joiners clean_text keeps: "👩‍💻" and "👩💻" read as the same idea.
    visible = "".join(ch for ch in drop_invisible(text) if not _invisible(ch))
    return " ".join(visible.casefold().split())
