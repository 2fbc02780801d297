"""Upgrading databases that older versions of the app left behind (tests/fixtures/schema_*.sqlite3).

Every fixture is opened (and so migrated) by the current code: every row must survive and every
migration must be recorded. The newest fixture has a row in every table and must be of the newest
migration: adding a migration without a fixture for it fails here, as a reminder to run
``python tests/fixtures/make_schema_fixtures.py``.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from fea_core import competence, handleplan, participation, schema
from fea_core.decisions import get_decisions
from fea_core.errors import DuplicateItem
from fea_core.items import add_item_as_facilitator, all_items
from fea_core.model import ITEM_PROBLEM
from fea_core.report import build_report
from fea_core.storage import MIGRATIONS, open_store
from fea_core.text_cleaning import same_text_key
from fea_core.workshops import create_workshop, find_by_code

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MIGRATION_NAMES = [name for name, _ in MIGRATIONS]
REGENERATE = "run `python tests/fixtures/make_schema_fixtures.py` and commit the new fixture"


def fixtures() -> list[Path]:
    """Return the schema fixtures, oldest schema first."""
    found = [p for p in FIXTURES.glob("schema_*.sqlite3") if re.fullmatch(r"schema_\d{3}\.sqlite3", p.name)]
    return sorted(found, key=lambda p: int(p.stem.split("_")[1]))


NEWEST = fixtures()[-1]


def read(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def columns(path: Path) -> dict[str, list[str]]:
    tables = [r[0] for r in read(path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: [r[1] for r in read(path, f'PRAGMA table_info("{t}")')] for t in tables}


def dump(path: Path, only: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Return the rows of these tables, only these columns, sorted."""
    return {
        table: sorted(read(path, f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{table}"'), key=repr)
        for table, cols in only.items()
    }


@pytest.fixture
def upgraded_newest(tmp_path):
    path = tmp_path / NEWEST.name
    shutil.copy(NEWEST, path)
    store = open_store(f"sqlite:///{path}")
    yield store
    store.engine.dispose()


# --- the reminder -------------------------------------------------------------------------------


def test_there_are_fixtures_of_the_first_and_of_a_later_schema():
    names = [p.name for p in fixtures()]
    assert names[0] == "schema_001.sqlite3"
    assert len(names) >= 2


def test_the_newest_fixture_is_of_the_newest_migration():
    recorded = [name for (name,) in read(NEWEST, "SELECT name FROM schema_migrations ORDER BY name")]
    assert recorded[-1] == MIGRATIONS[-1][0], (
        f"{NEWEST.name} stops at {recorded[-1]}, but the newest migration is {MIGRATIONS[-1][0]}: {REGENERATE}"
    )
    assert NEWEST.name == f"schema_{MIGRATIONS[-1][0].split('_')[0]}.sqlite3"


@pytest.mark.parametrize("path", fixtures(), ids=lambda p: p.name)
def test_every_fixture_records_a_prefix_of_the_migrations_as_they_are_named_now(path):
    # A migration renamed after it shipped would run a second time on an old database.
    recorded = [name for (name,) in read(path, "SELECT name FROM schema_migrations ORDER BY name")]
    assert recorded == MIGRATION_NAMES[: len(recorded)]


def test_the_newest_fixture_has_rows_in_every_table_of_the_schema():
    tables = columns(NEWEST)
    assert set(schema.metadata.tables) <= set(tables), REGENERATE
    empty = [t for t in schema.metadata.tables if not read(NEWEST, f'SELECT count(*) FROM "{t}"')[0][0]]
    assert empty == [], f"tables without rows in {NEWEST.name}: {empty}; add rows to CURRENT_ROWS and {REGENERATE}"


def test_the_newest_fixture_is_one_self_contained_file():
    assert read(NEWEST, "PRAGMA journal_mode") == [("delete",)]
    assert read(NEWEST, "PRAGMA integrity_check") == [("ok",)]


# --- upgrading every fixture -----------------------------------------------------------------------


@pytest.mark.parametrize("fixture", fixtures(), ids=lambda p: p.name)
def test_opening_a_fixture_keeps_every_row_and_records_every_migration(fixture, tmp_path):
    path = tmp_path / fixture.name
    shutil.copy(fixture, path)
    before_columns = columns(path)
    before = dump(path, before_columns)

    store = open_store(f"sqlite:///{path}")
    try:
        assert store.applied_migrations() == MIGRATION_NAMES
        assert store.migrate() == []
    finally:
        store.engine.dispose()

    after = dump(path, before_columns)
    for table, rows in before.items():
        if table == "schema_migrations":
            assert set(rows) <= set(after[table]), "an old migration record was lost"
        else:
            assert after[table] == rows, f"rows of {table} changed"
    assert read(path, "PRAGMA foreign_key_check") == []
    assert read(path, "PRAGMA integrity_check") == [("ok",)]


def shape(path: Path) -> dict[str, tuple]:
    """Return each table's columns (by name: order is no meaning), foreign keys and indexes."""
    result = {}
    for table in columns(path):
        cols = sorted(tuple(r[1:]) for r in read(path, f'PRAGMA table_info("{table}")'))
        keys = sorted(tuple(r[2:]) for r in read(path, f'PRAGMA foreign_key_list("{table}")'))
        indexes = sorted(
            (r[1], r[2], tuple(c[2] for c in read(path, f'PRAGMA index_info("{r[1]}")')))
            for r in read(path, f'PRAGMA index_list("{table}")')
        )
        result[table] = (cols, keys, indexes)
    return result


@pytest.mark.parametrize("fixture", fixtures(), ids=lambda p: p.name)
def test_an_upgraded_fixture_has_exactly_the_schema_of_a_fresh_database(fixture, tmp_path):
    fresh, old = tmp_path / "fresh.sqlite3", tmp_path / fixture.name
    shutil.copy(fixture, old)
    for path in (fresh, old):
        open_store(f"sqlite:///{path}").engine.dispose()

    assert shape(old) == shape(fresh)


def test_the_migrations_create_the_tables_schema_py_declares_and_nothing_else(tmp_path):
    path = tmp_path / "fresh.sqlite3"
    open_store(f"sqlite:///{path}").engine.dispose()
    made = shape(path)

    assert set(made) == set(schema.metadata.tables)
    for table in schema.metadata.sorted_tables:
        assert sorted(c[0] for c in made[table.name][0]) == sorted(table.columns.keys()), table.name
        assert {i[0] for i in made[table.name][2] if not i[0].startswith("sqlite_")} == {
            i.name for i in table.indexes
        }, table.name


def test_no_migration_step_creates_a_table_from_schema_py():
    import ast
    import inspect
    import textwrap

    for name, step in MIGRATIONS:
        tree = ast.parse(textwrap.dedent(inspect.getsource(step)))
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert "schema" not in used, f"{name} builds on today's schema.py"


# --- the services read the newest fixture ---------------------------------------------------------


def test_the_services_read_every_step_of_the_newest_fixture(upgraded_newest):
    store = upgraded_newest
    workshop = find_by_code(store, "KQ7M3P")
    assert (workshop.activity, workshop.revision, workshop.is_ended) == ("implement", 96, True)

    assert len(competence.rating_rows(store, workshop.id)) == 18
    problems = all_items(store, workshop.id, ITEM_PROBLEM)
    assert [(i.number, i.hidden, i.merged_into) for i in problems] == [(1, False, None), (2, False, 1), (3, True, None), (4, False, None)]
    chosen = get_decisions(store, workshop.id)
    assert (chosen.chosen_problem_id, chosen.chosen_idea_id) == (1, 6)
    assert handleplan.answers(store, workshop.id)[4] == "Afdelingssygeplejersken\nderefter på skift"
    assert [p.adopted for p in handleplan.proposals(store, workshop.id)] == [True, False]
    assert [a.deadline for a in handleplan.list_actions(store, workshop.id)] == [date(2025, 3, 28), None]
    assert handleplan.follow_up(store, workshop.id) == ("Styregruppen følger op hver måned.", date(2025, 5, 13))

    report = build_report(store, workshop.id, "da")
    assert report.participants == 3
    assert report.chosen_problem.text == "Travlhed om morgenen"
    # The hidden item's words stay out of the raw data, as for a workshop made today.
    assert "Navngiven kollega (skjult)" not in set(report.raw.items["text"])


def test_the_newest_fixture_takes_new_answers_and_new_workshops(upgraded_newest):
    store = upgraded_newest
    other = find_by_code(store, "ZX8R2W")
    _, phone = participation.join(store, other.code)
    assert participation.count_participants(store, other.id) == 2
    assert participation.resume(store, "tok-leder-aaaaaaaaaaaaaaaaaaaaaaaaaa").role == "leder"

    new = create_workshop(
        store, name="Ny", department="Nord", held_on=date(2026, 1, 1), theme="T", language="da", owner="anne"
    )
    # The fixture records that a workshop 3 was deleted: its id is never handed out again.
    assert new.id == 4


@pytest.mark.parametrize("fixture", [p for p in fixtures() if "items" in columns(p)], ids=lambda p: p.name)
def test_upgrading_gives_every_old_item_its_duplicate_key_so_old_items_still_count_as_duplicates(fixture, tmp_path):
    path = tmp_path / fixture.name
    shutil.copy(fixture, path)
    store = open_store(f"sqlite:///{path}")
    try:
        keyed = read(path, "SELECT text, text_key FROM items")
        assert keyed and all(key == same_text_key(text) for text, key in keyed)
        text, workshop_id = read(path, "SELECT text, workshop_id FROM items WHERE kind = 'problem' AND NOT hidden "
                                       "AND merged_into IS NULL ORDER BY number LIMIT 1")[0]
        with pytest.raises(DuplicateItem):
            add_item_as_facilitator(store, workshop_id, ITEM_PROBLEM, f"  {text.upper()} ")
    finally:
        store.engine.dispose()
