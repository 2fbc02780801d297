"""Tests of fea_core.storage: migrations, SQLite settings, revision bumps, and concurrent writers."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import bcrypt
import pytest
from sqlalchemy import bindparam, func, select, update

from fea_core import competence, participation, schema, storage
from fea_core.accounts import authenticator_credentials, cookie_key
from fea_core.storage import MIGRATIONS, SQLITE_BUSY_TIMEOUT_MS, open_store
from fea_core.errors import DuplicateItem, NotThisActivity, RoundClosed
from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_WELCOME
from fea_core.workshops import (
    create_workshop,
    end_workshop,
    find_by_code,
    get_workshop,
    set_activity,
    set_activity_open,
)

pytestmark = pytest.mark.databases("sqlite", "postgresql")

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCHEMA_001 = FIXTURES / "schema_001.sqlite3"
MIGRATION_NAMES = [name for name, _ in MIGRATIONS]


def counters(store, workshop_id: int) -> tuple[int, int]:
    """Return (revision, stage) of a workshop, read straight from the table."""
    with store.read() as conn:
        row = conn.execute(
            select(schema.workshops.c.revision, schema.workshops.c.stage).where(schema.workshops.c.id == workshop_id)
        ).one()
    return row.revision, row.stage


def count_rows(store, table) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def pragma(store, name: str):
    with store.read() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


# --- migrations --------------------------------------------------------------------------------


def test_a_new_database_records_every_migration_by_name_in_order(fresh_store):
    assert fresh_store.applied_migrations() == MIGRATION_NAMES


def test_migration_names_sort_in_the_order_they_are_applied():
    # applied_migrations() orders by name, so the names themselves must carry the order.
    assert MIGRATION_NAMES == sorted(MIGRATION_NAMES)
    assert len(set(MIGRATION_NAMES)) == len(MIGRATION_NAMES)


def test_migrating_twice_applies_nothing_the_second_time(fresh_store):
    assert fresh_store.migrate() == []
    assert fresh_store.migrate() == []
    assert count_rows(fresh_store, schema.schema_migrations) == len(MIGRATIONS)
    assert fresh_store.applied_migrations() == MIGRATION_NAMES


def test_migrating_again_keeps_the_data(fresh_store, workshop):
    fresh_store.migrate()
    assert get_workshop(fresh_store, workshop.id) == workshop


def test_migration_007_adds_and_fills_the_duplicate_key_on_a_database_that_lacks_it(fresh_store, workshop):
    # A database of migration 006 (the column, its index and the record dropped again).
    from fea_core.items import add_item_as_facilitator, get_item

    first = add_item_as_facilitator(fresh_store, workshop.id, "problem", "Travlhed  om MORGENEN")
    with fresh_store.write() as conn:
        conn.exec_driver_sql("DROP INDEX ix_items_text_key")
        conn.exec_driver_sql("ALTER TABLE items DROP COLUMN text_key")
        conn.execute(schema.schema_migrations.delete().where(schema.schema_migrations.c.name == "007_item_keys"))

    assert fresh_store.migrate() == ["007_item_keys"]

    with fresh_store.read() as conn:
        assert conn.execute(select(schema.items.c.text_key)).scalar_one() == "travlhed om morgenen"
    with pytest.raises(DuplicateItem):
        add_item_as_facilitator(fresh_store, workshop.id, "problem", "travlhed om morgenen")
    assert get_item(fresh_store, first.id).number == 1


def test_opening_the_same_url_twice_returns_the_same_store(store_url, fresh_store):
    assert open_store(store_url) is fresh_store


def _columns(path: Path) -> dict[str, list[str]]:
    """Return the column names of every table in a SQLite file."""
    con = sqlite3.connect(path)
    try:
        tables = [
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        ]
        return {t: [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')] for t in tables}
    finally:
        con.close()


def _dump(path: Path, columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Return every table's rows, sorted; with ``columns``, only those tables and columns.

    Reading only the old columns lets a later migration add columns without failing this check.
    """
    columns = _columns(path) if columns is None else columns
    con = sqlite3.connect(path)
    try:
        dump = {}
        for table, cols in columns.items():
            col_list = ", ".join(f'"{c}"' for c in cols)
            dump[table] = sorted(con.execute(f'SELECT {col_list} FROM "{table}"').fetchall(), key=repr)
        return dump
    finally:
        con.close()


@pytest.fixture
def upgraded(tmp_path):
    """A copy of the schema 001 fixture, opened (and so migrated) by the current code.

    Yields (store, rows before opening, the columns they were read from, path of the copy).
    """
    path = tmp_path / "old.sqlite3"
    shutil.copy(SCHEMA_001, path)
    before_columns = _columns(path)
    before = _dump(path, before_columns)
    store = open_store(f"sqlite:///{path}")
    yield store, before, before_columns, path
    store.engine.dispose()


def test_the_schema_001_fixture_holds_data_to_upgrade():
    rows = _dump(SCHEMA_001)
    assert [r[0] for r in rows["schema_migrations"]] == ["001_initial"]
    assert len(rows["workshops"]) == 2
    assert len(rows["participants"]) == 5
    assert len(rows["ratings"]) == 18
    assert len(rows["facilitators"]) == 1
    assert len(rows["settings"]) == 1


def test_a_schema_001_database_is_upgraded_in_place_without_losing_a_row(upgraded):
    store, before, before_columns, path = upgraded
    assert store.applied_migrations() == MIGRATION_NAMES
    store.engine.dispose()  # read the file as the next process would
    after = _dump(path, before_columns)
    for table, rows in before.items():
        if table == "schema_migrations":
            assert set(rows) <= set(after[table]), "an old migration record was lost"
        else:
            assert after[table] == rows, f"rows of {table} changed"


def test_an_upgraded_database_records_every_migration_once(upgraded):
    store, *_ = upgraded
    assert store.migrate() == []
    assert count_rows(store, schema.schema_migrations) == len(MIGRATIONS)


def test_an_upgraded_database_switches_to_wal(upgraded):
    store, *_ = upgraded
    assert pragma(store, "journal_mode") == "wal"


def test_the_services_read_an_upgraded_database(upgraded):
    store, *_ = upgraded
    live = find_by_code(store, "kq7-m3p")
    assert live.name == "Temadag om psykisk arbejdsmiljø"
    assert live.held_on.isoformat() == "2025-03-14"
    assert (live.activity, live.activity_open, live.results_visible) == ("competence", True, True)
    assert (live.revision, live.stage) == (17, 4)
    assert not live.is_ended
    assert find_by_code(store, "ZX8R2W").is_ended
    assert participation.resume(store, "tok-leder-aaaaaaaaaaaaaaaaaaaaaaaaaa").role == "leder"
    assert participation.count_participants(store, live.id) == 4
    rows = competence.rating_rows(store, live.id)
    assert len(rows) == 18
    assert rows["value"].isna().sum() == 3
    hashed = authenticator_credentials(store)["usernames"]["anne"]["password"]
    assert bcrypt.checkpw(b"correct horse battery", hashed.encode("ascii"))
    assert cookie_key(store) == "fixture-cookie-key-0123456789abcdef"


def test_an_upgraded_database_takes_new_answers(upgraded):
    store, *_ = upgraded
    participant = participation.resume(store, "tok-amr-dddddddddddddddddddddddddddddd")
    competence.submit_ratings(store, participant, dict.fromkeys(competence.factor_keys(), 4))
    assert counters(store, participant.workshop_id) == (18, 4)
    assert len(competence.rating_rows(store, participant.workshop_id)) == 24


# --- SQLite settings ---------------------------------------------------------------------------


@pytest.mark.databases("sqlite")
def test_sqlite_runs_in_wal_mode(fresh_store):
    assert pragma(fresh_store, "journal_mode") == "wal"


@pytest.mark.databases("sqlite")
def test_sqlite_waits_for_the_writer_instead_of_failing(fresh_store):
    assert pragma(fresh_store, "busy_timeout") == SQLITE_BUSY_TIMEOUT_MS
    assert SQLITE_BUSY_TIMEOUT_MS >= 1000


@pytest.mark.databases("sqlite")
def test_sqlite_enforces_foreign_keys(fresh_store):
    assert pragma(fresh_store, "foreign_keys") == 1


@pytest.mark.databases("sqlite")
def test_every_new_connection_gets_the_settings(fresh_store):
    fresh_store.engine.dispose()
    with fresh_store.engine.connect() as a, fresh_store.engine.connect() as b:
        for conn in (a, b):
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


# --- revision and stage ------------------------------------------------------------------------


def test_a_new_workshop_starts_at_revision_and_stage_zero(fresh_store, workshop):
    assert counters(fresh_store, workshop.id) == (0, 0)
    assert (workshop.revision, workshop.stage) == (0, 0)


def test_every_write_bumps_the_revision_by_exactly_one(fresh_store, workshop):
    for expected in (1, 2, 3):
        with fresh_store.write(workshop.id):
            pass
        assert counters(fresh_store, workshop.id) == (expected, 0)


def test_a_write_that_changes_rows_still_bumps_the_revision_once(fresh_store, workshop):
    with fresh_store.write(workshop.id) as conn:
        for n in range(3):
            conn.execute(
                schema.participants.insert().values(
                    workshop_id=workshop.id, token=f"token-number-{n:020d}", joined_at=storage.utcnow()
                )
            )
    assert counters(fresh_store, workshop.id) == (1, 0)


def test_a_staged_write_bumps_stage_and_revision_by_one_each(fresh_store, workshop):
    with fresh_store.write(workshop.id, stage=True):
        pass
    assert counters(fresh_store, workshop.id) == (1, 1)
    with fresh_store.write(workshop.id):
        pass
    assert counters(fresh_store, workshop.id) == (2, 1)


def test_a_write_without_a_workshop_bumps_no_revision(fresh_store, workshop):
    with fresh_store.write() as conn:
        conn.execute(schema.settings.insert().values(key="k", value="v"))
    assert counters(fresh_store, workshop.id) == (0, 0)
    assert count_rows(fresh_store, schema.settings) == 1


def test_a_write_leaves_other_workshops_alone(fresh_store, workshop):
    other = create_workshop(
        fresh_store, name="Anden", department="Køkkenet", held_on=workshop.held_on,
        theme="Tema", language="da", owner="anne",
    )
    with fresh_store.write(workshop.id, stage=True):
        pass
    assert counters(fresh_store, workshop.id) == (1, 1)
    assert counters(fresh_store, other.id) == (0, 0)


def test_a_failing_write_rolls_back_and_bumps_nothing(fresh_store, workshop):
    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with fresh_store.write(workshop.id, stage=True) as conn:
            conn.execute(
                schema.participants.insert().values(
                    workshop_id=workshop.id, token="t" * 32, joined_at=storage.utcnow()
                )
            )
            raise Boom()
    assert counters(fresh_store, workshop.id) == (0, 0)
    assert count_rows(fresh_store, schema.participants) == 0


def test_a_write_that_breaks_a_constraint_rolls_back_and_bumps_nothing(fresh_store, workshop):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with fresh_store.write(workshop.id) as conn:
            conn.execute(schema.settings.insert().values(key="a", value="1"))
            conn.execute(schema.settings.insert().values(key="a", value="2"))
    assert counters(fresh_store, workshop.id) == (0, 0)
    assert count_rows(fresh_store, schema.settings) == 0


def test_a_reader_does_not_see_a_write_before_it_commits(fresh_store, workshop):
    with fresh_store.write(workshop.id) as conn:
        conn.execute(
            schema.participants.insert().values(workshop_id=workshop.id, token="u" * 32, joined_at=storage.utcnow())
        )
        assert count_rows(fresh_store, schema.participants) == 0
        assert counters(fresh_store, workshop.id) == (0, 0)
    assert count_rows(fresh_store, schema.participants) == 1
    assert counters(fresh_store, workshop.id) == (1, 0)


# --- answers guarded by the activity they belong to (open_for) --------------------------------


def _insert_participant(conn, workshop_id: int, token: str) -> None:
    conn.execute(schema.participants.insert().values(workshop_id=workshop_id, token=token * 32, joined_at=storage.utcnow()))


def test_a_write_open_for_the_current_open_activity_saves_and_bumps_the_revision_once(fresh_store, workshop):
    with fresh_store.write(workshop.id, open_for=(ACTIVITY_COMPETENCE, ACTIVITY_WELCOME)) as conn:
        _insert_participant(conn, workshop.id, "a")
    assert counters(fresh_store, workshop.id) == (1, 0)
    assert count_rows(fresh_store, schema.participants) == 1


def test_a_write_open_for_another_activity_is_refused_before_its_body_runs(fresh_store, workshop):
    ran = []
    with pytest.raises(NotThisActivity):
        with fresh_store.write(workshop.id, open_for=ACTIVITY_COMPETENCE):
            ran.append(True)
    assert ran == []
    assert counters(fresh_store, workshop.id) == (0, 0)


@pytest.mark.parametrize("steer", [lambda s, w: set_activity_open(s, w, False), end_workshop])
def test_a_write_open_for_a_closed_round_or_an_ended_workshop_is_refused(fresh_store, workshop, steer):
    steer(fresh_store, workshop.id)
    revision_before = counters(fresh_store, workshop.id)
    with pytest.raises(RoundClosed):
        with fresh_store.write(workshop.id, open_for=ACTIVITY_WELCOME):
            pass
    assert counters(fresh_store, workshop.id) == revision_before


def test_a_guarded_write_whose_round_closes_before_its_bump_rolls_everything_back(fresh_store, workshop):
    # The facilitator's close, arriving inside the answer's transaction: the final guard catches it.
    with pytest.raises(RoundClosed):
        with fresh_store.write(workshop.id, open_for=ACTIVITY_WELCOME) as conn:
            _insert_participant(conn, workshop.id, "b")
            conn.execute(update(schema.workshops).values(activity_open=False))
    assert counters(fresh_store, workshop.id) == (0, 0)
    assert count_rows(fresh_store, schema.participants) == 0
    assert get_workshop(fresh_store, workshop.id).activity_open is True


def test_a_write_open_for_an_activity_needs_a_workshop(fresh_store):
    with pytest.raises(ValueError):
        with fresh_store.write(open_for=ACTIVITY_WELCOME):
            pass


def test_every_saved_answer_bumps_the_revision_by_one_and_a_refused_one_not_at_all(fresh_store, competence_workshop):
    ws_id = competence_workshop.id
    _, phone = participation.join(fresh_store, competence_workshop.code)
    start, _ = counters(fresh_store, ws_id)
    answers = dict.fromkeys(competence.factor_keys(), 3)
    competence.submit_ratings(fresh_store, phone, answers)
    competence.submit_ratings(fresh_store, phone, answers)
    assert counters(fresh_store, ws_id)[0] == start + 2
    set_activity_open(fresh_store, ws_id, False)  # one more: the facilitator's
    with pytest.raises(RoundClosed):
        competence.submit_ratings(fresh_store, phone, answers)
    assert counters(fresh_store, ws_id)[0] == start + 3


# --- many phones at once -----------------------------------------------------------------------

PHONES = 50


def test_fifty_phones_joining_and_rating_at_once_lose_nothing(fresh_store, competence_workshop):
    start = threading.Barrier(PHONES)
    errors: list[BaseException] = []
    factors = competence.factor_keys()

    def phone(n: int) -> None:
        try:
            start.wait(timeout=30)
            _, participant = participation.join(fresh_store, competence_workshop.code)
            answers = {key: (n + i) % 5 + 1 for i, key in enumerate(factors)}
            competence.submit_ratings(fresh_store, participant, answers)
        except BaseException as exc:  # noqa: BLE001 - every failure is reported below
            errors.append(exc)

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(PHONES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a phone hung"
    assert errors == [], [repr(e) for e in errors[:5]]
    assert not any("database is locked" in repr(e) for e in errors)

    rows = competence.rating_rows(fresh_store, competence_workshop.id)
    assert len(rows) == PHONES * len(factors)
    assert rows["participant_id"].nunique() == PHONES
    assert rows.groupby("participant_id").size().eq(len(factors)).all()
    assert participation.count_participants(fresh_store, competence_workshop.id) == PHONES
    # No bump was lost either: one per join and one per submit, on top of opening the round.
    revision, stage = counters(fresh_store, competence_workshop.id)
    assert revision == competence_workshop.revision + 2 * PHONES
    assert stage == competence_workshop.stage


def test_a_write_that_waits_past_the_busy_timeout_raises_store_busy_and_saves_nothing(tmp_path, monkeypatch):
    from fea_core.errors import StoreBusy

    monkeypatch.setattr(storage, "SQLITE_BUSY_TIMEOUT_MS", 50)  # read when a connection opens
    path = tmp_path / "busy.sqlite3"
    store = open_store(f"sqlite:///{path}")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        with pytest.raises(StoreBusy):
            with store.write() as conn:
                conn.execute(schema.settings.insert().values(key="k", value="v"))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    with store.read() as conn:
        assert conn.execute(select(schema.settings.c.key).where(schema.settings.c.key == "k")).first() is None


@pytest.mark.databases("sqlite")
def test_writers_in_one_process_take_turns_instead_of_waiting_on_sqlites_busy_timeout(tmp_path, monkeypatch):
    # SQLite makes a blocked writer poll with sleeps of up to 100 ms; the store queues this
    # process's writers on a lock, so even a busy timeout far shorter than the queue fails no one.
    import time

    monkeypatch.setattr(storage, "SQLITE_BUSY_TIMEOUT_MS", 1)  # read when a connection opens
    store = open_store(f"sqlite:///{tmp_path}/turns.sqlite3")
    failures, barrier = [], threading.Barrier(8)

    def writer(n: int) -> None:
        barrier.wait()
        for k in range(20):
            try:
                with store.write() as conn:
                    conn.execute(schema.settings.insert().values(key=f"{n}-{k}", value="v"))
                    time.sleep(0.001)  # hold the write lock a moment, as a real transaction does
            except Exception as error:  # noqa: BLE001 - every failure is the finding
                failures.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.settings).where(
            schema.settings.c.value == "v")).scalar_one() == 160
    store.engine.dispose()


# --- several processes on one database -----------------------------------------------------------


def test_the_database_refuses_a_row_whose_workshop_does_not_exist(fresh_store):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with fresh_store.write() as conn:
            conn.execute(
                schema.participants.insert().values(workshop_id=999_999, token="v" * 32, joined_at=storage.utcnow())
            )
    assert count_rows(fresh_store, schema.participants) == 0


@pytest.fixture
def empty_database_url(database_backend, request, tmp_path) -> str:
    """A database with no tables at all, as a new deployment starts."""
    if database_backend == "sqlite":
        return f"sqlite:///{tmp_path}/empty.sqlite3"
    server = request.getfixturevalue("postgres_server")
    name = server.create_database()
    request.addfinalizer(lambda: server.drop_database(name))
    return server.url(name)


def test_processes_starting_at_once_on_a_new_database_apply_each_migration_once(empty_database_url):
    # Each "process" has its own engine, as separate app processes do (open_store would share one).
    processes = 4
    stores = [storage.Store(storage.create_app_engine(empty_database_url)) for _ in range(processes)]
    start = threading.Barrier(processes)
    applied: list[list[str]] = []
    errors: list[BaseException] = []

    def start_process(store) -> None:
        try:
            start.wait(timeout=30)
            applied.append(store.migrate())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start_process, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == [], [repr(e) for e in errors]
        assert sorted(name for names in applied for name in names) == sorted(MIGRATION_NAMES)
        assert stores[0].applied_migrations() == MIGRATION_NAMES
        assert count_rows(stores[0], schema.schema_migrations) == len(MIGRATIONS)
    finally:
        for store in stores:
            store.engine.dispose()


@pytest.mark.databases("postgresql")
def test_the_postgresql_pool_is_sized_by_the_environment(postgres_url, monkeypatch):
    monkeypatch.setenv("FEA_DB_POOL_SIZE", "3")
    monkeypatch.setenv("FEA_DB_MAX_OVERFLOW", "2")
    store = open_store(postgres_url)
    try:
        assert (store.engine.pool.size(), store.engine.pool._max_overflow) == (3, 2)
        # The sixth connection at once waits for a free one instead of opening more.
        held = [store.engine.connect() for _ in range(5)]
        store.engine.pool._timeout = 0.2
        from sqlalchemy.exc import TimeoutError as PoolTimeout

        with pytest.raises(PoolTimeout):
            store.engine.connect()
        for conn in held:
            conn.close()
    finally:
        store.engine.dispose()


@pytest.mark.databases("postgresql")
@pytest.mark.parametrize(("name", "value"), [("FEA_DB_POOL_SIZE", "0"), ("FEA_DB_POOL_SIZE", "many"),
                                             ("FEA_DB_MAX_OVERFLOW", "-1")])
def test_a_wrong_pool_setting_stops_the_app_with_its_name(postgres_url, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        open_store(postgres_url)


def test_the_one_message_tail_compiles_each_shape_once_and_binds_each_calls_values():
    from sqlalchemy.dialects import postgresql

    dialect = postgresql.psycopg.dialect()
    storage._tail.cache_clear()
    plain = storage._tail(dialect, False, ("problems", "keep"), None)
    assert storage._tail(dialect, False, ("problems", "keep"), None) is plain  # one shape, compiled once
    assert storage._tail.cache_info().misses == 1
    assert "problems" not in plain.script and "%(s0_turn_workshop)s" in plain.script  # values are bound
    assert plain.script.endswith("; COMMIT")
    params = plain.params({"turn_workshop": 7})
    assert params["s0_turn_workshop"] == 7
    assert sorted(v for k, v in params.items() if k.startswith("s0_activity")) == ["keep", "problems"]
    assert plain.params({"turn_workshop": 3})["s0_turn_workshop"] == 3  # the next call's own value
    # A change with a lock: two statements, each with its own prefix, the workshop in both.
    change = update(schema.items).where(schema.items.c.id == bindparam("item_id")).values(hidden=True).returning(
        schema.items.c.id)
    turn = storage._tail(dialect, False, ("problems",), change)
    params = turn.params({"turn_workshop": 5, "item_id": 11})
    assert params["s0_turn_workshop"] == params["s1_turn_workshop"] == 5 and params["s1_item_id"] == 11
    assert turn.script.index("FOR NO KEY UPDATE") < turn.script.index("UPDATE items")
    assert "COMMIT" not in turn.script  # sent in autocommit: the message is the transaction


def test_a_shape_without_a_value_is_refused_before_anything_is_sent():
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.exc import InvalidRequestError

    change = update(schema.items).where(schema.items.c.id == bindparam("item_id")).values(hidden=True).returning(
        schema.items.c.id)
    turn = storage._tail(postgresql.psycopg.dialect(), False, (), change)
    with pytest.raises(InvalidRequestError, match="item_id"):
        turn.params({"turn_workshop": 5})


@pytest.mark.databases("postgresql", "sqlite")
def test_every_answer_reuses_its_shape_so_the_turn_is_compiled_once(fresh_store, workshop):
    # The answers' statements are built once (cached builders): were one built per call, every
    # answer would compile its turn anew (the cost this cache removes) and evict the others.
    from fea_core import items, placement, workshops

    store, w = fresh_store, workshop
    phones = [participation.join(store, w.code)[1] for _ in range(3)]
    storage._tail.cache_clear()
    workshops.set_activity(store, w.id, "competence")
    for phone in phones:
        competence.submit_ratings(store, phone, {k: 3 for k in competence.factor_keys()})
    workshops.set_activity(store, w.id, "problems")
    sent = [items.submit_item(store, phone, "problem", f"Problem {n}") for n, phone in enumerate(phones)]
    workshops.set_activity(store, w.id, "problem_matrix")
    for phone in phones:
        for item in sent:
            placement.place_item(store, phone, item.id, 2, 4)
        placement.remove_placement(store, phone, sent[0].id)
    if store.is_sqlite:
        assert storage._tail.cache_info().misses == 0  # SQLite has no one-message tail
        assert competence.count_respondents(store, w.id) == 3
        return
    # Five shapes (set_activity's bump with a stage; ratings, item, placement, skip), each compiled
    # once; 3 + 3 + 3 + 9 + 3 turns.
    assert storage._tail.cache_info().misses == 5
    assert storage._tail.cache_info().hits == 21 - 5
    assert competence.count_respondents(store, w.id) == 3
    assert len(placement.placement_rows(store, w.id, "problem")) == 3 * 2


@pytest.mark.databases("postgresql")
def test_a_phones_answer_costs_two_round_trips_for_its_token_and_two_for_its_turn(fresh_store, workshop, tmp_path):
    # Reads and a phone's turn run in autocommit: no BEGIN, ROLLBACK or COMMIT of their own
    # (each a round trip under a busy room's lock queue). What remains is the pool's pre-ping
    # per checkout, the token's SELECT, and the turn's one message.
    from sqlalchemy import event

    store, w = fresh_store, workshop
    store.engine.dispose()
    connections, measuring = [], []

    def connected(dbapi_conn, _record):
        connections.append(dbapi_conn)
        if measuring:
            dbapi_conn.pgconn.trace(measuring[0].fileno())

    event.listen(store.engine, "connect", connected)
    try:
        # Set-up first, untraced, so the pool's connections are not new (a new one skips the ping).
        phones = [participation.join(store, w.code)[1] for _ in range(2)]
        set_activity(store, w.id, ACTIVITY_COMPETENCE)
        sent = tmp_path / "answers.trace"
        measuring.append(sent.open("w"))
        for conn in connections:
            conn.pgconn.trace(measuring[0].fileno())  # psycopg's public libpq trace: every message
        for phone in phones:
            me = participation.resume(store, phone.token)
            competence.submit_ratings(store, me, {k: 4 for k in competence.factor_keys()})
        for conn in connections:
            conn.pgconn.untrace()  # libpq buffers its trace: untracing flushes it
    finally:
        event.remove(store.engine, "connect", connected)
        for file in measuring:
            file.close()
    messages = [line.split("\t") for line in sent.read_text().splitlines() if "\tF\t" in line]
    queries = [m[4].strip().strip('"') for m in messages if m[3] == "Query"]
    round_trips = [m for m in messages if m[3] in ("Query", "Sync")]
    assert not [q for q in queries if q.split(" ")[0].upper() in ("BEGIN", "ROLLBACK", "COMMIT")], queries
    assert not [q for q in queries if q.rstrip().endswith("COMMIT")], "a turn in autocommit sends no COMMIT"
    assert len(round_trips) == 2 * 4, queries
    assert competence.count_respondents(store, w.id) == 2


@pytest.mark.databases("postgresql")
def test_an_answer_in_one_connection_checks_out_once_and_a_write_inside_still_commits(fresh_store, workshop):
    from sqlalchemy import event

    store, w = fresh_store, workshop
    set_activity(store, w.id, ACTIVITY_COMPETENCE)
    phone = participation.join(store, w.code)[1]
    checkouts = []

    def counted(*_):
        checkouts.append(1)

    event.listen(store.engine, "checkout", counted)
    try:
        with store.one_connection():
            me = participation.resume(store, phone.token)
            competence.submit_ratings(store, me, {k: 2 for k in competence.factor_keys()})
            assert len(checkouts) == 1  # the token's read and the turn share it
            with store.one_connection():  # nested: still the same one
                assert participation.count_participants(store, w.id) == 1
            assert len(checkouts) == 1
            participation.set_role(store, me, "leder")  # a write (a transaction) takes its own
            assert len(checkouts) == 2
        participation.resume(store, phone.token)  # outside: a checkout of its own again
        assert len(checkouts) == 3
    finally:
        event.remove(store.engine, "checkout", counted)
    assert competence.my_ratings(store, phone) == dict.fromkeys(competence.factor_keys(), 2)
    assert participation.resume(store, phone.token).role == "leder"
