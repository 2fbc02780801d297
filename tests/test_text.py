"""Tests of fea_core.text_cleaning (cleaning typed text) and fea_core.markdown_escape (showing it inside Markdown)."""

from __future__ import annotations

import re
import string
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fea_core.errors import FeaError, InvalidText
from fea_core.markdown_escape import WORD_JOINER, escape_markdown
from fea_core.text_cleaning import clean_text, same_text_key

# What str.splitlines() treats as a line break.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
C0_C1_CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)])


# --- clean_text ----------------------------------------------------------------------------------


def test_clean_text_keeps_ordinary_danish_text():
    assert clean_text("Æbler, øl og ål – 100 %", max_length=100) == "Æbler, øl og ål – 100 %"


def test_clean_text_strips_outer_whitespace_and_collapses_inner_whitespace():
    assert clean_text("  Temadag \t om \n\n stress\u00a0 i  Nord  ", max_length=100) == "Temadag om stress i Nord"


@pytest.mark.parametrize("control", list(C0_C1_CONTROLS), ids=lambda c: f"U+{ord(c):04X}")
def test_clean_text_strips_every_control_character(control):
    # A carriage return is a line end, so on one line it becomes a space; the rest just go.
    expected = "ab cd" if control == "\r" else "abcd"
    assert clean_text(f"ab{control}cd", max_length=100) == expected


def test_clean_text_joins_the_parts_a_hidden_control_character_split():
    assert clean_text("pass\x00word\x1b[31m", max_length=100) == "password[31m"


@pytest.mark.parametrize("bidi", list(BIDI_CONTROLS), ids=lambda c: f"U+{ord(c):04X}")
def test_clean_text_strips_bidi_overrides_and_isolates(bidi):
    assert clean_text(f"abc{bidi}def", max_length=100) == "abcdef"


def test_a_right_to_left_override_cannot_reverse_a_name_on_the_shared_screen():
    assert clean_text("invoice\u202egpj.exe", max_length=100) == "invoicegpj.exe"


def test_clean_text_normalises_to_composed_characters():
    decomposed = "A\u030angstrøm"  # A + combining ring above
    cleaned = clean_text(decomposed, max_length=100)
    assert cleaned == "Ångstrøm"
    assert unicodedata.is_normalized("NFC", cleaned)


def test_clean_text_is_single_line_by_default():
    assert clean_text("first\nsecond\r\nthird\rfourth", max_length=100) == "first second third fourth"


def test_clean_text_keeps_newlines_when_multiline():
    assert clean_text("first line\nsecond line", max_length=100, multiline=True) == "first line\nsecond line"


def test_multiline_clean_text_turns_windows_and_old_mac_line_ends_into_newlines():
    assert clean_text("a\r\nb\rc", max_length=100, multiline=True) == "a\nb\nc"


def test_multiline_clean_text_still_strips_controls_and_outer_whitespace():
    assert clean_text("\n  a\x00b\u202e\n c \n\n", max_length=100, multiline=True) == "ab\n c"


@pytest.mark.parametrize("value", ["", " ", "   \t  ", "\n\n", "\u00a0", "\x00\x01", "\u202e\u202c", " \x1b "])
@pytest.mark.parametrize("multiline", [False, True])
def test_clean_text_rejects_empty_and_whitespace_only_text(value, multiline):
    with pytest.raises(InvalidText) as raised:
        clean_text(value, max_length=50, multiline=multiline)
    assert raised.value.params["reason"] == "empty"
    assert raised.value.params["limit"] == 50


def test_clean_text_rejects_too_long_text_with_the_limit_in_params():
    with pytest.raises(InvalidText) as raised:
        clean_text("x" * 11, max_length=10)
    assert raised.value.params["reason"] == "too_long"
    assert raised.value.params["limit"] == 10
    assert raised.value.params["length"] == 11


def test_clean_text_accepts_text_exactly_at_the_limit():
    assert clean_text("x" * 10, max_length=10) == "x" * 10


def test_clean_text_measures_the_length_after_cleaning():
    assert clean_text("   " + "x" * 10 + "\x00\x00   ", max_length=10) == "x" * 10
    assert clean_text("a    b", max_length=3) == "a b"


@pytest.mark.parametrize("value", [None, 5, 3.5, b"bytes", ["a"], {"a": 1}], ids=repr)
def test_clean_text_rejects_anything_but_str(value):
    with pytest.raises(InvalidText) as raised:
        clean_text(value, max_length=20)
    assert raised.value.params["reason"] == "not_text"
    assert raised.value.params["limit"] == 20


def test_invalid_text_is_a_domain_error_with_its_code():
    with pytest.raises(FeaError) as raised:
        clean_text("", max_length=5)
    assert raised.value.code == "invalid_text"


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=80), multiline=st.booleans())
def test_cleaned_text_never_holds_controls_or_outer_whitespace(value, multiline):
    try:
        cleaned = clean_text(value, max_length=60, multiline=multiline)
    except InvalidText as error:
        assert error.params["reason"] in ("empty", "too_long")
        return
    assert cleaned
    assert len(cleaned) <= 60
    assert cleaned == cleaned.strip()
    assert not set(cleaned) & set(C0_C1_CONTROLS + BIDI_CONTROLS)
    if not multiline:
        assert "\n" not in cleaned
        assert "\t" not in cleaned
        assert "  " not in cleaned


# --- escape_markdown -----------------------------------------------------------------------------

HOSTILE = [
    "**bold**",
    "__bold__ _it_ *it*",
    "[x](javascript:alert(1))",
    "![img](https://evil.example/x.png)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    ":red[x]",
    ":material/warning: :smile:",
    "$x$",
    "$$\\frac{1}{2}$$",
    "# h",
    "### heading",
    "`code`",
    "```python",
    "> quote",
    "- list",
    "1. list",
    "| a | b |",
    "~~strike~~",
    "&amp; &lt;",
    "a\\b \\* \\\\",
    "<https://evil.example>",
    "https://evil.example",
    "Æbler & ål – 100 %",
]
MARKDOWN_SIGNIFICANT = "[*<:$#`_!>|~&(){}\\"


def unescape(escaped: str) -> str:
    """Undo every backslash escape, and drop the word joiners that break bare addresses (they show nothing)."""
    return re.sub(r"\\(.)", r"\1", escaped).replace(WORD_JOINER, "")


def unescaped_characters(escaped: str) -> str:
    """Return the characters of the text that no backslash escapes."""
    out = []
    i = 0
    while i < len(escaped):
        if escaped[i] == "\\":
            i += 2
            continue
        out.append(escaped[i])
        i += 1
    return "".join(out)


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_markdown_turns_back_into_the_original_when_unescaped(text):
    assert unescape(escape_markdown(text)) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_markdown_has_no_unescaped_markdown_syntax(text):
    bare = unescaped_characters(escape_markdown(text))
    assert not set(bare) & set("[*<:$#"), bare
    assert not set(bare) & set(string.punctuation), bare


def test_escaped_markdown_leaves_letters_digits_and_spaces_alone():
    assert escape_markdown("Temadag 2025 i Hjemmeplejen Nord") == "Temadag 2025 i Hjemmeplejen Nord"
    assert escape_markdown("Åbenhed og øl") == "Åbenhed og øl"


def test_escaped_markdown_examples():
    assert escape_markdown("**bold**") == r"\*\*bold\*\*"
    assert escape_markdown("[x](javascript:alert(1))") == r"\[x\]\(javascript\:alert\(1\)\)"
    assert escape_markdown("<script>") == r"\<script\>"
    assert escape_markdown(":red[x]") == r"\:red\[x\]"
    assert escape_markdown("$x$") == r"\$x\$"
    assert escape_markdown("# h") == r"\# h"
    assert escape_markdown("`x`") == r"\`x\`"


def test_escaped_markdown_stays_on_one_line():
    assert escape_markdown("first\nsecond\r\n# third") == r"first second \# third"


def test_escape_markdown_accepts_non_text():
    assert escape_markdown(42) == "42"


_single_line_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(string.punctuation + " "),
        st.characters(exclude_characters=LINE_BREAKS, exclude_categories=("Cs",)),
    ),
    max_size=60,
)


@settings(max_examples=500, deadline=None)
@given(text=_single_line_text)
def test_escaping_then_unescaping_any_single_line_text_gives_it_back(text):
    escaped = escape_markdown(text)
    assert unescape(escaped) == text.replace(WORD_JOINER, "")
    assert not set(unescaped_characters(escaped)) & set(string.punctuation)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60))
def test_escaping_any_text_gives_one_line_that_unescapes_to_its_lines_joined(text):
    escaped = escape_markdown(text)
    assert len(escaped.splitlines()) <= 1
    assert unescape(escaped) == " ".join(text.splitlines()).replace(WORD_JOINER, "")


@pytest.mark.parametrize("multiline", [False, True])
def test_clean_text_strips_lone_surrogates_which_the_database_cannot_store(multiline):
    # Half of a UTF-16 pair: no browser sends one, and encoding it as UTF-8 fails.
    cleaned = clean_text("a\ud800b\udfffc 👩\u200d💻", max_length=100, multiline=multiline)
    assert cleaned == "abc 👩\u200d💻"
    cleaned.encode("utf-8")


# --- bare addresses -------------------------------------------------------------------------------

# What remark-gfm (Streamlit's Markdown) links in text even after every character was escaped.
AUTOLINK = re.compile(r"(?i)https?://|www\.|[-.\w+]@[-\w]")


@pytest.mark.parametrize("text", [
    "https://evil.example", "se http://127.0.0.2:9/a nu", "HTTP://X.DK", "www.evil.dk", "WWW.evil.dk",
    "skriv til leder@kommune.dk", '=HYPERLINK("http://127.0.0.2:9/b")', "ftp://x.dk", "xmpp:a@b.dk",
])
def test_a_bare_address_is_broken_with_an_invisible_word_joiner_and_reads_as_typed(text):
    escaped = escape_markdown(text)
    shown = re.sub(r"\\(.)", r"\1", escaped)  # the text Markdown makes of it, word joiners and all
    assert AUTOLINK.search(shown) is None, shown
    assert re.search(r"\w://", shown) is None
    assert shown.replace(WORD_JOINER, "") == text


def test_words_without_an_address_get_no_word_joiner():
    assert WORD_JOINER not in escape_markdown("Travlhed: www-siden, kl. 7:30 og 50 % af tiden")
    assert escape_markdown("Kl. 7: møde med AMR") == r"Kl\. 7\: møde med AMR"


# --- invisible characters -------------------------------------------------------------------------

FORMAT_CHARACTERS = "\u200b\ufeff\u2060\u00ad\u200e\u200f\u061c\u180e\u2061\u2062\u2063\u2064\ufff9\U000e0001"
BLANK_LETTERS = "\u3164\u115f\u1160\uffa0\u034f\u17b4\u17b5\u180b"


@pytest.mark.parametrize("invisible", list(FORMAT_CHARACTERS + BLANK_LETTERS + "\u200d\u200c\ufe0f"),
                         ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("multiline", [False, True])
def test_clean_text_removes_a_character_that_shows_nothing(invisible, multiline):
    assert clean_text(f"Tra{invisible}vlhed", max_length=50, multiline=multiline) == "Travlhed"
    with pytest.raises(InvalidText) as raised:
        clean_text(f" {invisible}{invisible} ", max_length=50, multiline=multiline)
    assert raised.value.params["reason"] == "empty"


@pytest.mark.parametrize("multiline", [False, True])
def test_a_text_of_only_invisible_and_blank_characters_is_empty(multiline):
    with pytest.raises(InvalidText) as raised:
        clean_text("\u200b\ufeff\u2060\u3164\u2800 \u115f\u1160\uffa0", max_length=50, multiline=multiline)
    assert raised.value.params["reason"] == "empty"


def test_a_braille_blank_reads_as_the_space_it_shows():
    assert clean_text("For\u2800mange\u2800\u2800møder", max_length=50) == "For mange møder"


@pytest.mark.parametrize("emoji", [
    "👩\u200d💻", "🏳\ufe0f\u200d🌈", "👨\u200d👩\u200d👧", "❤\ufe0f\u200d🔥", "👍🏽", "❤\ufe0f",
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
])
def test_emoji_sequences_stay_whole(emoji):
    assert clean_text(f"Godt samarbejde {emoji}", max_length=50) == f"Godt samarbejde {emoji}"


def test_danish_letters_and_composed_accents_stay():
    assert clean_text("Æbler, øl og A\u030angstrøm", max_length=50) == "Æbler, øl og Ångstrøm"


def test_a_zero_width_non_joiner_stays_between_persian_letters_and_goes_between_latin_ones():
    persian = "می\u200cخواهم"  # "I want": the ZWNJ changes how the letters join
    assert clean_text(persian, max_length=50) == persian
    assert clean_text("a\u200cb", max_length=50) == "ab"


def test_duplicates_are_compared_without_invisible_characters_joiners_included():
    assert same_text_key("Vi n\u200bår ikke\u2060 pauser\ufeff") == same_text_key("vi når ikke pauser")
    assert same_text_key("👩\u200d💻 hjemme") == same_text_key("👩💻 hjemme")
    assert same_text_key("Travlhed!") != same_text_key("Travlhed")


_ALLOWED_JOINERS = {"\u200d", "\u200c"}


@settings(max_examples=300, deadline=None)
@given(value=st.text(st.characters(categories=["Cf", "Lo", "So", "Sk", "Mn", "Zs", "Ll"]), max_size=40),
       multiline=st.booleans())
def test_cleaned_text_shows_something_and_keeps_no_stray_format_character(value, multiline):
    try:
        cleaned = clean_text(value, max_length=60, multiline=multiline)
    except InvalidText:
        return
    for i, ch in enumerate(cleaned):
        if unicodedata.category(ch) == "Cf" and not 0xE0020 <= ord(ch) <= 0xE007F:
            assert ch in _ALLOWED_JOINERS, f"U+{ord(ch):04X} kept"
            assert 0 < i < len(cleaned) - 1, "a joiner joins two characters"
    assert not set(cleaned) & set(BLANK_LETTERS + "\u2800")
    assert same_text_key(cleaned).strip()
