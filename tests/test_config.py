"""Tests of fea_core.config, and that every setting the code reads is documented in README.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fea_core.config import retention_months

REPO = Path(__file__).resolve().parents[1]
# os.environ.get("FEA_X"), os.environ["FEA_X"], os.getenv("FEA_X")
READ = re.compile(r"""os\.(?:environ(?:\.get)?[\[(]|getenv\()\s*["'](FEA_[A-Z0-9_]+)["']""")


def settings_read_by_the_code() -> set[str]:
    found = set()
    for folder in ("fea_core", "ui", "pages"):
        for path in (REPO / folder).rglob("*.py"):
            found |= set(READ.findall(path.read_text(encoding="utf-8")))
    for path in (REPO / "app.py", REPO / "serve.py", REPO / "navigation.py"):
        if path.exists():
            found |= set(READ.findall(path.read_text(encoding="utf-8")))
    return found


def documented_settings() -> set[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(FEA_[A-Z0-9_]+)` \|", table, flags=re.MULTILINE))


def test_the_scan_finds_the_settings_the_code_reads():
    # Guards the regex: the next test would otherwise pass on nothing.
    assert {"FEA_DATABASE_URL", "FEA_RETENTION_MONTHS", "FEA_COOKIE_KEY"} <= settings_read_by_the_code()


def test_every_setting_the_code_reads_is_in_the_readmes_configuration_table():
    missing = settings_read_by_the_code() - documented_settings()
    assert missing == set(), f"document these in README.md, ## Configuration: {sorted(missing)}"


def test_the_configuration_table_lists_no_setting_the_code_does_not_read():
    assert documented_settings() - settings_read_by_the_code() == set()


# --- FEA_RETENTION_MONTHS ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   "])
def test_an_unset_or_blank_retention_period_keeps_everything(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("FEA_RETENTION_MONTHS", raising=False)
    else:
        monkeypatch.setenv("FEA_RETENTION_MONTHS", value)
    assert retention_months() is None


@pytest.mark.parametrize(("value", "months"), [("12", 12), (" 6 ", 6), ("1", 1), ("120", 120)])
def test_the_retention_period_is_read_as_whole_months(monkeypatch, value, months):
    monkeypatch.setenv("FEA_RETENTION_MONTHS", value)
    assert retention_months() == months


@pytest.mark.parametrize("value", ["0", "-1", "twelve", "1.5", "12m"])
def test_a_retention_period_that_is_not_a_positive_whole_number_raises(monkeypatch, value):
    monkeypatch.setenv("FEA_RETENTION_MONTHS", value)
    with pytest.raises(ValueError, match="FEA_RETENTION_MONTHS"):
        retention_months()
