"""Revocable logins: an account's logins end in the database, so every process sees it."""

import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

import pytest

from fea_core import schema
from fea_core.accounts import create_facilitator
from fea_core.logins import end_logins, login_is_current
from fea_core.storage import open_store, utcnow


def _account(store, username="anna"):
    create_facilitator(store, username, "Anna", "correct horse battery")
    return username


@pytest.mark.databases("sqlite", "postgresql")
def test_a_login_of_an_active_account_is_current_until_its_logins_are_ended(fresh_store):
    began = utcnow()
    _account(fresh_store)
    assert login_is_current(fresh_store, "anna", began)
    with fresh_store.write() as conn:
        end_logins(conn, "anna", began + timedelta(seconds=1))
    assert not login_is_current(fresh_store, "anna", began)
    assert login_is_current(fresh_store, "anna", began + timedelta(seconds=2))


@pytest.mark.databases("sqlite", "postgresql")
def test_a_deactivated_or_unknown_account_or_unknown_start_is_never_current(fresh_store):
    _account(fresh_store)
    assert not login_is_current(fresh_store, "nobody", utcnow())
    assert not login_is_current(fresh_store, "anna", None)
    with fresh_store.write() as conn:
        conn.execute(update(schema.facilitators).values(active=False))
    assert not login_is_current(fresh_store, "anna", utcnow())


def test_migration_008_makes_the_oldest_account_of_an_older_database_its_administrator(tmp_path):
    copy = tmp_path / "old.sqlite3"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema_007.sqlite3", copy)
    store = open_store(f"sqlite:///{copy}")
    with store.read() as conn:
        rows = conn.execute(
            select(schema.facilitators.c.username, schema.facilitators.c.role, schema.facilitators.c.active)
            .order_by(schema.facilitators.c.id)
        ).all()
    assert [tuple(r) for r in rows] == [("anne", "admin", True), ("bent", "facilitator", True)]
