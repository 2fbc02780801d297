"""Tests of fea_core.i18n and data/ui.toml: every string in both languages, every key the UI uses."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest

import fea_core.accounts  # noqa: F401 - defines InvalidAccount, a FeaError subclass outside errors.py
from fea_core import errors
from fea_core.i18n import catalogue, translate
from fea_core.method import DATA_DIR, LANGUAGES
from fea_core.model import ACTIVITIES

REPO = Path(__file__).resolve().parents[1]
FEA_CORE = REPO / "fea_core"
UI_SOURCES = sorted([*(REPO / "pages").glob("*.py"), *(REPO / "ui").rglob("*.py"), REPO / "app.py", REPO / "navigation.py",
                     REPO / "fea_core" / "phone_state.py"])  # the phone's texts, as c.t("key")
UI_SOURCES = [p for p in UI_SOURCES if p.exists()]

# t("key"), t('key'), t("key", ...): a literal key. f-strings are dynamic and checked separately.
LITERAL_KEY = re.compile(r"""(?<![\w.])(?:c\.)?t\(\s*(?P<q>["'])(?P<key>[A-Za-z0-9_.]+)(?P=q)""")
# t("a" if cond else "b"): the second literal too.
CONDITIONAL_KEY = re.compile(
    r"""(?<![\w.])(?:c\.)?t\(\s*(["'])[A-Za-z0-9_.]+\1\s+if\s+[^()]+?\s+else\s+(["'])(?P<key>[A-Za-z0-9_.]+)\2"""
)


def placeholders(text: str) -> set[str]:
    """Return the names of the {name} parameters in a format string."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def used_keys() -> dict[str, list[str]]:
    """Return every literal key passed to t() in pages/ and ui/, with where it is used."""
    found: dict[str, list[str]] = {}
    for path in UI_SOURCES:
        source = path.read_text(encoding="utf-8")
        for pattern in (LITERAL_KEY, CONDITIONAL_KEY):
            for match in pattern.finditer(source):
                line = source.count("\n", 0, match.start()) + 1
                found.setdefault(match.group("key"), []).append(f"{path.relative_to(REPO)}:{line}")
    return found


def all_subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(all_subclasses(sub))
    return out


def test_the_catalogue_loads_and_has_strings():
    assert len(catalogue()) > 20


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_ui_string_has_non_empty_danish_and_english(key):
    entry = catalogue()[key]
    assert set(entry) == set(LANGUAGES)
    for lang in LANGUAGES:
        assert isinstance(entry[lang], str), (key, lang)
        assert entry[lang].strip(), f"{key}.{lang} is empty"
        assert entry[lang] == entry[lang].strip(), f"{key}.{lang} has outer whitespace"


def test_every_leaf_of_ui_toml_is_in_the_catalogue():
    with open(DATA_DIR / "ui.toml", "rb") as f:
        raw = tomllib.load(f)
    leaves = []

    def walk(prefix, node):
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict) and set(value) == set(LANGUAGES):
                leaves.append(path)
            else:
                assert isinstance(value, dict), f"{path} is a bare value, not a {{da, en}} table"
                walk(path, value)

    walk("", raw)
    assert sorted(leaves) == sorted(catalogue())


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_danish_and_english_use_the_same_placeholders(key):
    entry = catalogue()[key]
    assert placeholders(entry["da"]) == placeholders(entry["en"]), key


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_string_formats_with_its_placeholders(key):
    entry = catalogue()[key]
    for lang in LANGUAGES:
        params = {name: "X" for name in placeholders(entry[lang])}
        text = translate(lang, key, **params)
        assert "{" not in text and "}" not in text, (key, lang, text)


def test_translate_fills_parameters():
    assert translate("da", "join.code_caption", code="KQ7M3P") == "Kode KQ7M3P"
    assert translate("en", "join.code_caption", code="KQ7M3P") == "Code KQ7M3P"
    assert translate("en", "competence.answered", n=3, joined=5) == "3 of 5 have answered"


def test_translate_without_parameters_returns_the_text():
    assert translate("da", "rate.dont_know") == "Ved ikke"
    assert translate("en", "rate.dont_know") == "Don't know"


def test_translate_falls_back_to_danish_for_an_unknown_language():
    assert translate("de", "rate.dont_know") == "Ved ikke"
    assert translate("", "rate.dont_know") == "Ved ikke"


def test_translate_raises_for_an_unknown_key():
    with pytest.raises(KeyError):
        translate("da", "no.such.key")


def test_translate_reaches_a_sub_table_by_its_dotted_path():
    assert translate("en", "error.invalid_text.too_long", limit=120) == "The text is too long: at most 120 characters."


def test_the_source_scan_finds_the_ui_keys():
    keys = used_keys()
    # Guards the regex: if it stopped matching, the next test would pass on nothing.
    assert len(keys) >= 30
    assert "join.title" in keys
    assert "rate.update" in keys and "rate.submit" in keys


def test_every_literal_key_used_in_pages_and_ui_exists():
    missing = {key: where for key, where in used_keys().items() if key not in catalogue()}
    assert missing == {}, missing


@pytest.mark.parametrize("activity", ACTIVITIES)
def test_every_activity_has_a_label(activity):
    # pages/screen.py shows activities as t(f"activity.{a}").
    assert f"activity.{activity}" in catalogue()


def test_every_domain_error_has_a_message():
    codes = {cls.code for cls in all_subclasses(errors.FeaError)}
    assert {"unknown_join_code", "round_closed", "invalid_text", "invalid_account"} <= codes
    missing = sorted(
        code for code in codes if code != "invalid_text" and f"error.{code}" not in catalogue()
    )
    assert missing == []


def test_every_invalid_text_reason_raised_in_fea_core_has_a_message():
    reasons = set()
    for path in FEA_CORE.rglob("*.py"):
        reasons |= set(re.findall(r"""InvalidText\(\s*reason=["'](\w+)["']""", path.read_text(encoding="utf-8")))
    assert {"empty", "too_long", "not_text"} <= reasons
    missing = sorted(r for r in reasons if f"error.invalid_text.{r}" not in catalogue())
    assert missing == []


def test_the_invalid_text_messages_only_use_the_parameters_the_ui_always_fills():
    # ui/errors.py always fills limit= and row= (empty when the error has none).
    for key, entry in catalogue().items():
        if key.startswith("error.invalid_text."):
            for lang in LANGUAGES:
                assert placeholders(entry[lang]) <= {"limit", "row"}, (key, lang)
