"""Tests of fea_core.retention: deleting a workshop with all its data, and the retention period."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlalchemy import func, inspect, select, text

from fea_core import items, participation, retention, schema
from fea_core.errors import NotWorkshopOwner, UnknownParticipant
from fea_core.model import ITEM_PROBLEM
from fea_core.report import build_report
from tests.report_fixture import make_workshop_for_report
from fea_core.storage import utcnow
from fea_core.workshops import count_workshops, create_workshop, find_by_code, get_workshop
from tests.course_fixtures import fill_course_tables
from tests.interview_fixtures import fill_interview_tables

TODAY = date(2026, 11, 26)


def full_workshop(store, owner: str = "anne"):
    """A workshop with rows in every table that belongs to a workshop, co-facilitator included."""
    workshop = make_workshop_for_report(store, owner, participants=4, problems=3, ideas=2)
    problems = items.list_items(store, workshop.id, ITEM_PROBLEM)
    items.merge_items(store, problems[1].id, [problems[2].id])  # a merged item: merged_into points inside
    items.hide_item(store, problems[1].id)
    with store.write() as conn:
        conn.execute(
            schema.workshop_facilitators.insert().values(workshop_id=workshop.id, username="bent", added_at=utcnow())
        )
        conn.execute(  # bent was named to read the raw interview notes (009)
            schema.interview_readers.insert().values(workshop_id=workshop.id, username="bent", granted_at=utcnow())
        )
    fill_interview_tables(store, workshop.id)  # Arbejdsmiljøinterviewet and the Vidensoplæg (005)
    fill_course_tables(store, workshop.id, owner)  # forløb, follow-up and the actions' history (006)
    return get_workshop(store, workshop.id)


def rows_referring_to(store, workshop_id: int) -> dict[str, int]:
    """Return, per table of the database, the rows whose workshop_id is this workshop (non-zero only)."""
    found = {}
    with store.read() as conn:
        for name in inspect(conn).get_table_names():
            columns = {c["name"] for c in inspect(conn).get_columns(name)}
            key = "id" if name == "workshops" else "workshop_id"
            if key in columns:
                n = conn.execute(text(f'SELECT count(*) FROM "{name}" WHERE "{key}" = :w'), {"w": workshop_id}).scalar()
                if n:
                    found[name] = n
    return found


def ids_of(store, table, workshop_id: int, column: str = "id") -> set[int]:
    with store.read() as conn:
        return set(conn.execute(select(table.c[column]).where(table.c.workshop_id == workshop_id)).scalars())


def dump_all(store) -> dict[str, list]:
    """Return every row of every table, sorted, to compare a database before and after."""
    with store.read() as conn:
        return {
            name: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{name}"')).all()), key=repr)
            for name in inspect(conn).get_table_names()
        }


@pytest.fixture
def two(fresh_store):
    """Two full workshops in one database: the one to delete and one that must stay untouched."""
    return full_workshop(fresh_store), full_workshop(fresh_store)


# --- deleting one workshop --------------------------------------------------------------------------


def test_the_full_workshop_has_rows_in_every_table_that_belongs_to_a_workshop(fresh_store, two):
    # Guards the next test: deleting proves nothing about a table that held no rows.
    gone, _ = two
    per_workshop = {t.name for t in schema.metadata.sorted_tables if "workshop_id" in t.c}
    assert per_workshop <= set(rows_referring_to(fresh_store, gone.id))
    assert {"participants", "ratings", "items", "placements", "decisions", "support_answers",
            "answer_proposals", "actions", "plans", "workshop_facilitators"} <= per_workshop


def test_deleting_a_workshop_leaves_no_row_that_refers_to_it_in_any_table(fresh_store, two):
    gone, _ = two
    participant_ids = ids_of(fresh_store, schema.participants, gone.id)
    item_ids = ids_of(fresh_store, schema.items, gone.id)

    retention.delete_workshop(fresh_store, gone.id)

    assert rows_referring_to(fresh_store, gone.id) == {}
    for table in schema.metadata.sorted_tables:
        if "workshop_id" in table.c:
            with fresh_store.read() as conn:
                left = conn.execute(
                    select(func.count()).select_from(table).where(table.c.workshop_id == gone.id)
                ).scalar_one()
            assert left == 0, table.name
    # Nor anything that points at its participants or items by their own ids.
    with fresh_store.read() as conn:
        for table in schema.metadata.sorted_tables:
            for fk in table.foreign_keys:
                target = fk.column.table.name
                ids = participant_ids if target == "participants" else item_ids if target == "items" else None
                if ids:
                    pointing = conn.execute(select(func.count()).select_from(table).where(fk.parent.in_(ids)))
                    assert pointing.scalar_one() == 0, f"{table.name}.{fk.parent.name}"


def test_deleting_a_workshop_leaves_the_other_workshop_exactly_as_it_was(fresh_store, two):
    gone, kept = two
    before = retention.footprint(fresh_store, kept.id)
    report_before = build_report(fresh_store, kept.id, "da")

    retention.delete_workshop(fresh_store, gone.id)

    assert retention.footprint(fresh_store, kept.id) == before
    after = build_report(fresh_store, kept.id, "da")
    assert after.raw.ratings.equals(report_before.raw.ratings)
    assert after.raw.items.equals(report_before.raw.items)
    assert after.support_answers == report_before.support_answers
    assert get_workshop(fresh_store, kept.id) == kept


def test_delete_returns_the_rows_it_removed_per_table(fresh_store, two):
    gone, _ = two
    expected = {name: n for name, n in retention.footprint(fresh_store, gone.id).items() if n}

    removed = retention.delete_workshop(fresh_store, gone.id)

    assert removed == expected
    assert removed["workshops"] == 1
    assert removed["participants"] == 4
    assert removed["ratings"] == 4 * 6
    assert removed["workshop_facilitators"] == 1


def test_a_deleted_workshops_code_and_tokens_lead_nowhere(fresh_store, two):
    gone, _ = two
    with fresh_store.read() as conn:
        token = conn.execute(
            select(schema.participants.c.token).where(schema.participants.c.workshop_id == gone.id)
        ).scalars().first()

    retention.delete_workshop(fresh_store, gone.id)

    assert find_by_code(fresh_store, gone.code) is None
    assert get_workshop(fresh_store, gone.id) is None
    with pytest.raises(UnknownParticipant):
        participation.resume(fresh_store, token)


def test_deleting_a_workshop_that_is_gone_removes_nothing(fresh_store, two):
    gone, _ = two
    retention.delete_workshop(fresh_store, gone.id)
    before = dump_all(fresh_store)

    assert retention.delete_workshop(fresh_store, gone.id) == {}
    assert retention.delete_workshop(fresh_store, 987_654) == {}
    assert dump_all(fresh_store) == before


def test_only_the_owner_may_delete_a_workshop_when_an_owner_is_named(fresh_store, two):
    gone, _ = two
    before = dump_all(fresh_store)

    with pytest.raises(NotWorkshopOwner):
        retention.delete_workshop(fresh_store, gone.id, owner="bent")  # a co-facilitator of it

    assert dump_all(fresh_store) == before
    assert retention.delete_workshop(fresh_store, gone.id, owner="anne")["workshops"] == 1


@pytest.mark.parametrize("bad", ["1", 1.0, True, None])
def test_a_workshop_id_that_is_not_an_int_is_refused(fresh_store, two, bad):
    before = dump_all(fresh_store)
    with pytest.raises(TypeError):
        retention.delete_workshop(fresh_store, bad)
    assert dump_all(fresh_store) == before


def test_a_failure_half_way_deletes_nothing(fresh_store, two):
    gone, _ = two
    with fresh_store.write() as conn:
        # A trigger that refuses to delete a plan: the tables before it are already emptied
        # when it fires, so only one transaction for the whole delete keeps them.
        conn.execute(text("CREATE TRIGGER keep_plans BEFORE DELETE ON plans BEGIN SELECT RAISE(ABORT, 'no'); END"))
    before = dump_all(fresh_store)

    with pytest.raises(Exception, match="no"):
        retention.delete_workshop(fresh_store, gone.id)

    assert dump_all(fresh_store) == before


def test_a_table_without_on_delete_cascade_is_emptied_too(fresh_store, two):
    # A table some later migration adds without the cascade, and one that names the column otherwise.
    gone, kept = two
    with fresh_store.write() as conn:
        conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, workshop_id INTEGER REFERENCES workshops(id))"))
        conn.execute(text("CREATE TABLE links (ws INTEGER NOT NULL REFERENCES workshops(id), url TEXT)"))
        for w in (gone, kept):
            conn.execute(text("INSERT INTO notes (workshop_id) VALUES (:w)"), {"w": w.id})
            conn.execute(text("INSERT INTO links (ws, url) VALUES (:w, 'x')"), {"w": w.id})

    removed = retention.delete_workshop(fresh_store, gone.id)

    assert removed["notes"] == 1 and removed["links"] == 1
    with fresh_store.read() as conn:
        assert conn.execute(text("SELECT workshop_id FROM notes")).scalars().all() == [kept.id]
        assert conn.execute(text("SELECT ws FROM links")).scalars().all() == [kept.id]


def test_every_table_of_the_schema_that_points_at_a_workshop_deletes_with_it():
    # The cascade is the second line of defence (the delete goes table by table anyway); a
    # direct delete of a workshops row, say by an operator in a SQL shell, relies on it alone.
    pointing = [
        (table.name, fk.ondelete)
        for table in schema.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "workshops"
    ]
    assert len(pointing) >= 10
    assert [p for p in pointing if p[1] != "CASCADE"] == []


def test_a_new_workshop_never_gets_the_id_of_a_deleted_one(fresh_store, workshop):
    newest = create_workshop(
        fresh_store, name="Prøve", department="Test", held_on=date(2025, 1, 1), theme="T", language="da", owner="anne"
    )
    retention.delete_workshop(fresh_store, newest.id)

    after = create_workshop(
        fresh_store, name="Rigtig", department="Test", held_on=date(2025, 1, 2), theme="T", language="da", owner="anne"
    )

    # Aggregates are cached by (workshop id, revision): a reused id could show the deleted answers.
    assert after.id > newest.id
    retention.delete_workshop(fresh_store, workshop.id)  # an older id: the high-water mark stays
    assert create_workshop(
        fresh_store, name="Tredje", department="Test", held_on=date(2025, 1, 3), theme="T", language="da", owner="anne"
    ).id > after.id


def test_footprint_counts_what_deleting_would_remove_and_changes_nothing(fresh_store, two):
    gone, _ = two
    before = dump_all(fresh_store)

    counts = retention.footprint(fresh_store, gone.id)

    assert counts["workshops"] == 1
    assert counts["participants"] == 4
    assert counts["items"] == 3 + 3 + 2 + 1  # problems, things to keep, ideas, a point from the interviews
    assert counts["actions"] == 4
    assert dump_all(fresh_store) == before


# --- the retention period ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 26), 1, date(2026, 10, 26)),
        (date(2026, 11, 26), 12, date(2025, 11, 26)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2028, 3, 31), 1, date(2028, 2, 29)),
        (date(2026, 5, 31), 25, date(2024, 4, 30)),
    ],
)
def test_months_before_counts_calendar_months_and_clamps_to_the_months_last_day(day, months, expected):
    assert retention.months_before(day, months) == expected


def held(store, *days: str) -> dict[str, str]:
    """Create one workshop per day; return {held_on: join code}."""
    return {
        day: create_workshop(
            store, name=f"Temadag {day}", department="Nord", held_on=date.fromisoformat(day),
            theme="Stress", language="da", owner="anne",
        ).code
        for day in days
    }


def test_workshops_held_more_than_the_period_ago_are_deleted_and_the_rest_kept(fresh_store):
    codes = held(fresh_store, "2024-01-10", "2025-11-25", "2025-11-26", "2025-11-27", "2026-11-26")

    deleted = retention.delete_older_than(fresh_store, 12, today=TODAY)

    assert deleted == [codes["2024-01-10"], codes["2025-11-25"]]
    # Exactly twelve months ago is not more than twelve months ago.
    kept = {day for day, code in codes.items() if find_by_code(fresh_store, code)}
    assert kept == {"2025-11-26", "2025-11-27", "2026-11-26"}


def test_retention_deletes_all_the_data_of_an_expired_workshop(fresh_store):
    old = make_workshop_for_report(fresh_store, "anne", participants=3, problems=2, ideas=2)  # held 2025-03-14

    assert retention.delete_older_than(fresh_store, 6, today=TODAY) == [old.code]

    assert rows_referring_to(fresh_store, old.id) == {}


def test_nothing_is_deleted_when_nothing_is_old_enough(fresh_store):
    held(fresh_store, "2026-06-01")
    assert retention.delete_older_than(fresh_store, 6, today=TODAY) == []
    assert count_workshops(fresh_store) == 1


def test_find_older_than_lists_without_deleting(fresh_store):
    codes = held(fresh_store, "2024-01-10", "2026-06-01")

    expiring = retention.find_older_than(fresh_store, 12, today=TODAY)

    assert [(w.code, w.held_on) for w in expiring] == [(codes["2024-01-10"], date(2024, 1, 10))]
    assert count_workshops(fresh_store) == 2


@pytest.mark.parametrize("months", [0, -3, True, 1.5, "12", None])
def test_a_retention_period_that_is_not_a_whole_number_of_months_is_refused(fresh_store, months):
    held(fresh_store, "2020-01-01")
    with pytest.raises(ValueError):
        retention.delete_older_than(fresh_store, months, today=TODAY)
    assert count_workshops(fresh_store) == 1


# --- applying FEA_RETENTION_MONTHS once a day -----------------------------------------------------


@pytest.fixture
def daily(monkeypatch):
    """Forget when retention last ran in this process."""
    monkeypatch.setattr(retention, "_last_run", {})
    monkeypatch.delenv("FEA_RETENTION_MONTHS", raising=False)
    return monkeypatch


def test_without_fea_retention_months_nothing_is_ever_deleted(fresh_store, daily):
    held(fresh_store, "2001-01-01")
    assert retention.apply_configured_retention(fresh_store, today=TODAY) is None
    assert count_workshops(fresh_store) == 1


def test_the_configured_retention_runs_once_per_day(fresh_store, daily):
    daily.setenv("FEA_RETENTION_MONTHS", "12")
    codes = held(fresh_store, "2024-01-10")

    assert retention.apply_configured_retention(fresh_store, today=TODAY) == [codes["2024-01-10"]]
    later = held(fresh_store, "2024-02-10")
    assert retention.apply_configured_retention(fresh_store, today=TODAY) is None  # same day: no work
    assert find_by_code(fresh_store, later["2024-02-10"]) is not None
    next_day = date(2026, 11, 27)
    assert retention.apply_configured_retention(fresh_store, today=next_day) == [later["2024-02-10"]]


def test_a_broken_fea_retention_months_deletes_nothing_and_is_logged(fresh_store, daily, caplog):
    daily.setenv("FEA_RETENTION_MONTHS", "twelve")
    held(fresh_store, "2001-01-01")

    with caplog.at_level(logging.ERROR, logger="fea_core.retention"):
        assert retention.apply_configured_retention(fresh_store, today=TODAY) is None

    assert count_workshops(fresh_store) == 1
    assert "FEA_RETENTION_MONTHS" in caplog.text


# --- the command line ------------------------------------------------------------------------------


@pytest.fixture
def cli(store_url, fresh_store, monkeypatch):
    monkeypatch.setenv("FEA_DATABASE_URL", store_url)
    monkeypatch.delenv("FEA_RETENTION_MONTHS", raising=False)
    return monkeypatch


def test_the_command_line_dry_run_lists_and_deletes_nothing(fresh_store, cli, capsys):
    codes = held(fresh_store, "2001-01-01", date.today().isoformat())

    assert retention.main(["--months", "12", "--dry-run"]) == 0

    out = capsys.readouterr().out
    assert f"would delete {codes['2001-01-01']}" in out
    assert codes[date.today().isoformat()] not in out
    assert count_workshops(fresh_store) == 2


def test_the_command_line_deletes_what_is_older_than_the_period(fresh_store, cli, capsys):
    codes = held(fresh_store, "2001-01-01", date.today().isoformat())

    assert retention.main(["--months", "12"]) == 0

    assert f"deleted {codes['2001-01-01']}" in capsys.readouterr().out
    assert find_by_code(fresh_store, codes["2001-01-01"]) is None
    assert count_workshops(fresh_store) == 1


def test_the_command_line_uses_fea_retention_months_when_no_period_is_given(fresh_store, cli, capsys):
    cli.setenv("FEA_RETENTION_MONTHS", "1")
    held(fresh_store, "2001-01-01")

    assert retention.main([]) == 0

    assert count_workshops(fresh_store) == 0


def test_the_command_line_without_a_period_deletes_nothing(fresh_store, cli, capsys):
    held(fresh_store, "2001-01-01")

    assert retention.main([]) == 0

    assert "nothing deleted" in capsys.readouterr().out
    assert count_workshops(fresh_store) == 1


@pytest.mark.parametrize("argv", [["--months", "0"], ["--months", "-1"]])
def test_the_command_line_refuses_a_bad_period_with_exit_code_two(fresh_store, cli, capsys, argv):
    held(fresh_store, "2001-01-01")

    assert retention.main(argv) == 2

    assert "error" in capsys.readouterr().err
    assert count_workshops(fresh_store) == 1
