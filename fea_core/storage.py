"""The store: one SQLAlchemy Core code path for SQLite (embedded default) and PostgreSQL.

Services receive a ``Store``. Reads use ``store.read()``; writes use
``store.write(workshop_id)``, which bumps the workshop's revision in the same
transaction so any process (or replica) can tell that something changed. A phone's answer names
the activities it belongs to (``store.write(workshop_id, open_for=...)``): it is refused unless the
workshop is at one of them and open, both when it starts and atomically with the bump.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import NoReturn

from psycopg import ClientCursor
from psycopg.errors import DivisionByZero
from psycopg.rows import namedtuple_row
from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    Row,
    bindparam,
    cast,
    create_engine,
    event,
    exists,
    inspect,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql import column as sql_column
from sqlalchemy.sql import table as sql_table
from sqlalchemy.pool import StaticPool

from fea_core import config, migration_tables, schema
from fea_core.errors import NotThisActivity, RoundClosed, StoreBusy
from fea_core.text_cleaning import same_text_key

SQLITE_BUSY_TIMEOUT_MS = 10_000
MIGRATION_LOCK_KEY = 0x_FEA_0001  # any fixed bigint: PostgreSQL advisory lock taken while migrating

_W = schema.workshops


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def _initial(conn: Connection) -> None:
    migration_tables.create(conn, "settings", "facilitators", "workshops", "participants", "ratings")


def _problem_solver(conn: Connection) -> None:
    # Problemløseren trin 1-4: problems, ideas and things to keep; placements; the choices.
    migration_tables.create(conn, "items", "placements", "decisions")


def _handleplan(conn: Connection) -> None:
    # Problemløseren trin 5-6: answers to the support questions, phones' proposals, actions, follow-up.
    migration_tables.create(conn, "support_answers", "answer_proposals", "actions", "plans")


def _security(conn: Connection) -> None:
    # Failed logins per username (throttling) and workshops shared with co-facilitators.
    migration_tables.create(conn, "login_failures", "workshop_facilitators")


def _interviews(conn: Connection) -> None:
    # Arbejdsmiljøinterviewet (interviewer links, interviews, their notes and three points) and
    # the Vidensoplæg's dialogue questions.
    migration_tables.create(conn, "interviewer_links", "interviews", "interview_notes", "interview_points", "talks")


def _courses(conn: Connection) -> None:
    # Forløb: a unit's workshops and follow-up meetings, its steering group, and each action's
    # dated history (new tables only: the workshops table is left as it is).
    migration_tables.create(
        conn, "courses", "course_workshops", "course_facilitators", "follow_up_meetings", "action_updates",
        "carried_actions",
    )


def _item_keys(conn: Connection) -> None:
    # Items carry the text they are compared by for duplicates, under an index, so sending one
    # is a lookup instead of reading the whole list (a long temadag collects thousands); and
    # an index on the author, for a phone's own items.
    if "text_key" not in {c["name"] for c in inspect(conn).get_columns("items")}:
        conn.execute(text("ALTER TABLE items ADD COLUMN text_key TEXT"))
    items = sql_table("items", sql_column("id"), sql_column("text"), sql_column("text_key"))
    keys = [
        {"item_id": row.id, "key": same_text_key(row.text)}
        for row in conn.execute(select(items.c.id, items.c.text).where(items.c.text_key.is_(None)))
    ]
    if keys:
        conn.execute(update(items).where(items.c.id == bindparam("item_id")).values(text_key=bindparam("key")), keys)
    # Spelled out, not taken from schema.py (see fea_core/migration_tables.py).
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_items_text_key ON items (workshop_id, kind, text_key)"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_items_author_participant_id ON items (author_participant_id)"))


def _account_state(conn: Connection) -> None:
    # Roles (administrator or facilitator), deactivation and revocable logins. The columns are
    # spelled out here, not taken from schema.py, so this step means the same whatever the
    # schema grows into later. The oldest account becomes the administrator: on a server set
    # up before roles existed, someone must be able to manage the others.
    present = {c["name"] for c in inspect(conn).get_columns("facilitators")}
    true = "1" if conn.dialect.name == "sqlite" else "TRUE"
    for name, ddl in (
        ("role", "VARCHAR(20) NOT NULL DEFAULT 'facilitator'"),
        ("active", f"BOOLEAN NOT NULL DEFAULT {true}"),
        ("logins_valid_after", "TIMESTAMP WITH TIME ZONE" if conn.dialect.name != "sqlite" else "DATETIME"),
    ):
        if name not in present:
            conn.execute(text(f"ALTER TABLE facilitators ADD COLUMN {name} {ddl}"))
    facilitators = sql_table("facilitators", sql_column("id"), sql_column("role"))
    if conn.execute(select(facilitators.c.id).where(facilitators.c.role == "admin").limit(1)).first() is None:
        oldest = conn.execute(select(facilitators.c.id).order_by(facilitators.c.id).limit(1)).first()
        if oldest is not None:
            conn.execute(update(facilitators).where(facilitators.c.id == oldest.id).values(role="admin"))


def _audit_log(conn: Connection) -> None:
    # The audit log of account and sharing changes, and the co-facilitators named to read a
    # workshop's raw interview notes (before this, every co-facilitator could). Both tables are
    # spelled out here, not taken from schema.py, so this step keeps its meaning as the schema grows.
    stamp = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name != "sqlite" else "DATETIME"
    key = "INTEGER PRIMARY KEY AUTOINCREMENT" if conn.dialect.name == "sqlite" else "SERIAL PRIMARY KEY"
    conn.execute(
        text(
            f"CREATE TABLE IF NOT EXISTS audit_log (id {key}, at {stamp} NOT NULL, actor VARCHAR(100) NOT NULL,"
            " action VARCHAR(40) NOT NULL, target VARCHAR(64) NOT NULL, detail VARCHAR(300) NOT NULL)"
        )
    )
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_audit_log_at ON audit_log (at)"))
    conn.execute(
        text(
            f"CREATE TABLE IF NOT EXISTS interview_readers (workshop_id INTEGER NOT NULL"
            f" REFERENCES workshops (id) ON DELETE CASCADE, username VARCHAR(64) NOT NULL,"
            f" granted_at {stamp} NOT NULL, PRIMARY KEY (workshop_id, username))"
        )
    )


def _login_clients(conn: Connection) -> None:
    # Login throttling per username and client (fea_core/login_throttle.py). The table is
    # spelled out here, not taken from schema.py, so this step means the same whatever the
    # schema grows into later.
    if "login_clients" in inspect(conn).get_table_names():
        return
    moment = "DATETIME" if conn.dialect.name == "sqlite" else "TIMESTAMP WITH TIME ZONE"
    conn.execute(
        text(
            "CREATE TABLE login_clients ("
            " username VARCHAR(64) NOT NULL,"
            " client VARCHAR(64) NOT NULL,"
            " failures INTEGER DEFAULT '0' NOT NULL,"
            f" locked_until {moment},"
            f" last_failure_at {moment},"
            f" last_success_at {moment},"
            " PRIMARY KEY (username, client))"
        )
    )
    conn.execute(text("CREATE INDEX ix_login_clients_last_failure_at ON login_clients (last_failure_at)"))


def _step_timer(conn: Connection) -> None:
    # The optional step timer: when it ends and how long it was set for. The columns are spelled
    # out here, not taken from schema.py, so this step means the same whatever the schema grows into.
    present = {c["name"] for c in inspect(conn).get_columns("workshops")}
    moment = "DATETIME" if conn.dialect.name == "sqlite" else "TIMESTAMP WITH TIME ZONE"
    for name, ddl in (("timer_ends_at", moment), ("timer_seconds", "INTEGER")):
        if name not in present:
            conn.execute(text(f"ALTER TABLE workshops ADD COLUMN {name} {ddl}"))


# Named, ordered migrations. Append only; never edit one that has shipped.
MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = [
    ("001_initial", _initial),
    ("002_problem_solver", _problem_solver),
    ("003_handleplan", _handleplan),
    ("004_security", _security),
    ("005_interviews", _interviews),
    ("006_courses", _courses),
    ("007_item_keys", _item_keys),
    ("008_account_state", _account_state),
    ("009_audit_log", _audit_log),
    ("010_login_clients", _login_clients),
    ("011_step_timer", _step_timer),
]


class Store:
    """A database plus the transaction discipline every service relies on."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        # SQLite lets one writer in at a time and makes the others poll with sleeps of up to
        # 100 ms (busy_timeout): queue this process's writers on a lock instead, so a busy
        # room waits its turn in milliseconds. Other processes still meet busy_timeout.
        self._write_turn = threading.RLock() if self.is_sqlite else contextlib.nullcontext()
        # PostgreSQL: reads and a phone's turn send no BEGIN and no ROLLBACK (a round trip each).
        # Under READ COMMITTED a statement sees the same in a transaction as on its own. The
        # engine it gives shares the pool; SQLAlchemy sets autocommit per checkout and resets it.
        self._autocommit = engine if self.is_sqlite else engine.execution_options(isolation_level="AUTOCOMMIT")
        self._shared = threading.local()  # this thread's connection inside one_connection()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """Yield a connection for reads (a consistent snapshot per statement). Never write here."""
        with self._autocommit_connection() as conn:
            yield conn

    @contextmanager
    def one_connection(self) -> Iterator[None]:
        """Let this thread's reads and turns (change_in_turn) inside share one connection.

        For a phone's answer on PostgreSQL: its token lookup and its turn then cost one pool
        checkout and one pre-ping round trip, not two. Both run in autocommit, so sharing
        changes nothing they see. SQLite has no round trips to save: a no-op there.
        """
        if self.is_sqlite or getattr(self._shared, "conn", None) is not None:
            yield
            return
        with self._autocommit.connect() as conn:
            self._shared.conn = conn
            try:
                yield
            finally:
                self._shared.conn = None

    @contextmanager
    def _autocommit_connection(self) -> Iterator[Connection]:
        shared = getattr(self._shared, "conn", None)
        if shared is not None:
            yield shared
            return
        with self._autocommit.connect() as conn:
            yield conn

    @contextmanager
    def write(
        self, workshop_id: int | None = None, *, stage: bool = False, open_for: str | tuple[str, ...] = ()
    ) -> Iterator[Connection]:
        """Yield a connection in one transaction; bump the workshop's revision at the end.

        :param stage: also bump the stage counter: what the phones show has changed.
        :param open_for: the activities this answer belongs to. Unless the workshop is at one of
            them, open and not ended, raise NotThisActivity or RoundClosed: when the transaction
            starts (no lock taken), and again atomically with the bump, rolling back what was written.
        """
        wanted = (open_for,) if isinstance(open_for, str) else tuple(open_for)
        if wanted and workshop_id is None:
            raise ValueError("open_for needs a workshop")
        with self._write_turn:
            yield from self._write(workshop_id, stage, wanted)

    def change_in_turn(self, workshop_id: int, change, values: dict, *, open_for: str | tuple[str, ...],
                       before: Callable[[Connection], None] | None = None) -> Row | None:
        """Run one INSERT, UPDATE or DELETE ... RETURNING in the workshop's turn; return its first
        row (None: it changed nothing).

        ``change`` is built once, by a cached builder, with named bind parameters that ``values``
        gives: the turn is compiled once per shape and each call only binds its values (building
        and compiling a statement per answer was most of an answer's CPU under load).

        For a row that must see every row the workshop's other writers committed before it (the
        next item number, the duplicate check), and for a phone's own rows, which then change in
        one order with the workshop's (its row lock first: no deadlock between a phone's two tabs).
        The revision is bumped only if a row changed. On
        PostgreSQL the lock, the statement and the bump go in one message, which is the whole
        transaction, so the workshop's row is locked for that round trip only. Refused like
        ``write(open_for=...)``, but only atomically with the bump: the turn's guard decides, so no
        check is spent before it. ``before`` is a read that runs first, without the lock (a check
        that may raise: then nothing is written).
        """
        wanted = (open_for,) if isinstance(open_for, str) else tuple(open_for)
        if self.is_sqlite:
            returned: list[Row | None] = []
            with self._write_turn, contextmanager(self._write)(workshop_id, False, wanted, then=(change, values),
                                                               returned=returned) as conn:
                if before is not None:
                    before(conn)
            return returned[0]
        # PostgreSQL, in autocommit: a message of several statements is one implicit transaction,
        # so the answer costs no BEGIN round trip.
        try:
            with self._autocommit_connection() as conn:
                if before is not None:
                    before(conn)
                return self._bump(conn, workshop_id, False, wanted, (change, values))
        except _Refused:
            self._say_why_refused(workshop_id, wanted)

    def _say_why_refused(self, workshop_id: int, wanted: tuple[str, ...]) -> NoReturn:
        # Rolled back: the facilitator moved on or closed the round before the bump. Say which.
        with self.read() as now:
            check_open_activity(now, workshop_id, wanted)
        raise RoundClosed() from None  # closed and reopened meanwhile: still nothing saved

    def _write(
        self, workshop_id: int | None, stage: bool, wanted: tuple[str, ...], then=None, returned: list | None = None
    ) -> Iterator[Connection]:
        conn = self.engine.connect()
        if self.is_sqlite:
            # Take the write lock up front: a deferred transaction that upgrades to a
            # writer fails with "database is locked" instead of waiting on busy_timeout.
            conn = conn.execution_options(sqlite_immediate=True)
        try:
            try:
                with self._busy_as_domain_error(), conn.begin():
                    if wanted and then is None:
                        check_open_activity(conn, workshop_id, wanted)
                    yield conn
                    if workshop_id is not None:
                        row = self._bump(conn, workshop_id, stage, wanted, then)
                        if returned is not None:
                            returned.append(row)
            finally:
                conn.close()
        except _Refused:
            self._say_why_refused(workshop_id, wanted)

    def _bump(self, conn: Connection, workshop_id: int, stage: bool, wanted: tuple[str, ...], then=None) -> Row | None:
        """Bump the revision, refusing per ``wanted``; with ``then`` (a statement and its values),
        run it first and bump only if it returned a row.

        On PostgreSQL, without ``then`` this ends the write's open transaction; with ``then`` the
        connection is in autocommit (change_in_turn) and this one message is the whole transaction."""
        turn = {"turn_workshop": workshop_id}
        if self.is_sqlite:
            # The writer holds the whole database: a guard in the WHERE and a row count suffice.
            row = conn.execute(then[0], then[1]).first() if then is not None else None
            if then is not None and row is None:
                return None
            if conn.execute(_sqlite_bump(stage, wanted), turn).rowcount == 0 and wanted:
                raise _Refused()
            return row
        tail = _tail(conn.dialect, stage, wanted, None if then is None else then[0])
        try:
            return tail.run(conn, turn if then is None else {**then[1], **turn})
        except DivisionByZero:
            raise _Refused() from None

    @contextmanager
    def _busy_as_domain_error(self) -> Iterator[None]:
        # A server starved of CPU can hold SQLite's write lock past busy_timeout: tell the
        # user to try again (the transaction rolled back, so nothing half-saved remains).
        try:
            yield
        except OperationalError as error:
            if self.is_sqlite and "locked" in str(error.orig):
                raise StoreBusy() from error
            raise

    def applied_migrations(self) -> list[str]:
        """Return the names of the migrations applied to this database, in order."""
        with self.read() as conn:
            rows = conn.execute(
                select(schema.schema_migrations.c.name).order_by(schema.schema_migrations.c.name)
            )
            return [r.name for r in rows]

    def migrate(self) -> list[str]:
        """Apply the migrations this database lacks; return their names.

        Several processes may start on one new database at once: each step checks again inside
        its write transaction, and those transactions run one at a time (SQLite's write lock,
        a PostgreSQL advisory lock), so every migration is applied exactly once.
        """
        with self.write() as conn:
            self._one_migrator_at_a_time(conn)
            schema.schema_migrations.create(conn, checkfirst=True)
        done = set(self.applied_migrations())
        applied = []
        for name, step in MIGRATIONS:
            if name in done:
                continue
            with self.write() as conn:
                self._one_migrator_at_a_time(conn)
                already = select(schema.schema_migrations.c.name).where(schema.schema_migrations.c.name == name)
                if conn.execute(already).first() is not None:
                    continue  # another process applied it meanwhile
                step(conn)
                conn.execute(
                    schema.schema_migrations.insert().values(name=name, applied_at=utcnow())
                )
            applied.append(name)
        return applied

    def _one_migrator_at_a_time(self, conn: Connection) -> None:
        # SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL needs a lock that also
        # covers CREATE TABLE (held until this transaction ends).
        if not self.is_sqlite:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


class _Refused(Exception):
    """The guarded bump found the workshop no longer open for the answer: nothing was saved."""


def upsert_into(table, *, sqlite: bool):
    """Return an INSERT into ``table`` in SQLite's or PostgreSQL's dialect, which has on_conflict_do_update."""
    return (sqlite_insert if sqlite else postgresql_insert)(table)


def _open_for(wanted: tuple[str, ...]):
    """Return the SQL condition: the workshop is at one of these activities, open and not ended (true if none)."""
    if not wanted:
        return true()
    # Equalities, not IN: an IN list is a parameter SQLAlchemy expands per execution, so the
    # turn's SQL (compiled once, values bound per call) could not be rendered ahead.
    at = or_(*(_W.c.activity == activity for activity in wanted))
    return at & _W.c.activity_open.is_(True) & _W.c.ended_at.is_(None)


def check_open_activity(conn: Connection, workshop_id: int, activities: tuple[str, ...], *, lock: bool = False) -> str:
    """Return the workshop's activity; raise NotThisActivity or RoundClosed unless it is one of these and open."""
    query = select(_W.c.activity, _W.c.activity_open, _W.c.ended_at).where(_W.c.id == workshop_id)
    if lock:  # FOR NO KEY UPDATE: queues writers of this row, not inserts referencing it
        query = query.with_for_update(key_share=True)
    row = conn.execute(query).one()
    if row.activity not in activities:
        raise NotThisActivity(activity=row.activity)
    if not row.activity_open or row.ended_at is not None:
        raise RoundClosed()
    return row.activity


def _bump_values(stage: bool) -> dict:
    values = {"revision": _W.c.revision + 1}
    if stage:
        values["stage"] = _W.c.stage + 1
    return values


@functools.cache
def _sqlite_bump(stage: bool, wanted: tuple[str, ...]):
    """The bump for SQLite, built once per shape: guarded in its WHERE (the writer holds the database)."""
    workshop = bindparam("turn_workshop", type_=Integer)
    return update(_W).where(_W.c.id == workshop, _open_for(wanted)).values(**_bump_values(stage))


class _Tail:
    """The end of a PostgreSQL write as one message, compiled once per shape: the bump and COMMIT,
    or (the whole transaction, in autocommit) the lock and a change with a guarded bump.

    The bump locks the workshop's row until COMMIT, and every writer of that workshop, in every
    process, queues on it. As one message the lock is never held while this thread waits for the
    GIL between statements. (A psycopg pipeline sends each statement as it is queued: a busy
    process left the row locked in "ClientRead" for seconds.) One message of several statements
    needs client-side binding: psycopg's ClientCursor quotes the values. The change runs after
    the lock in a snapshot of its own; its first row is returned (with attribute names, as
    SQLAlchemy's rows have). SQLAlchemy's own COMMIT or ROLLBACK afterwards finds no transaction and
    sends nothing.
    """

    def __init__(self, dialect, statements: list, *, commit: bool):
        self.compiled = [statement.compile(dialect=dialect) for statement in statements]
        script = []
        for n, compiled in enumerate(self.compiled):
            if "%%" in compiled.string:  # a literal percent sign would confuse the renaming below
                raise ValueError("statements sent with the commit must not contain '%'")
            # Each statement's parameters get a prefix of their own: two statements may share a name.
            script.append(_PLACEHOLDER.sub(lambda m, n=n: f"%(s{n}_{m.group(1)})s", compiled.string))
        # No COMMIT in autocommit: the message is a transaction of its own (a COMMIT there
        # would only make the server log "there is no transaction in progress").
        self.script = "; ".join(script + ["COMMIT"] * commit)

    def params(self, values: dict) -> dict:
        """Return the script's parameters for these values of the shape's bind parameters."""
        params = {}
        for n, compiled in enumerate(self.compiled):
            params.update({f"s{n}_{name}": value for name, value in compiled.construct_params(values).items()})
        return params

    def run(self, conn: Connection, values: dict) -> tuple | None:
        with ClientCursor(conn.connection.driver_connection, row_factory=namedtuple_row) as cursor:
            cursor.execute(self.script, self.params(values))
            if len(self.compiled) == 1:
                return None
            cursor.nextset()  # the change's result
            return cursor.fetchone()


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@functools.lru_cache(maxsize=256)  # bounded: a caller that builds its change per call only loses speed
def _tail(dialect, stage: bool, wanted: tuple[str, ...], change) -> _Tail:
    """Return the PostgreSQL tail for this shape; the workshop is the bind parameter ``turn_workshop``."""
    workshop = bindparam("turn_workshop", type_=Integer)
    values = _bump_values(stage)
    if wanted:
        # 1 / 0 unless the guard holds on the newest row version (READ COMMITTED re-reads it
        # after any lock wait): the error aborts the transaction, so nothing of it is committed.
        values["revision"] = _W.c.revision + 1 // cast(_open_for(wanted), Integer)
    bump = update(_W).where(_W.c.id == workshop)
    if change is None:  # the end of a write's open transaction
        return _Tail(dialect, [bump.values(**values)], commit=True)
    # Lock first; the change then gets a snapshot taken after the lock was granted.
    lock = select(_W.c.id).where(_W.c.id == workshop).with_for_update(key_share=True)
    new = change.cte("new")
    bump_if_new = bump.where(exists(select(1).select_from(new))).values(**values).cte("bump")
    # The whole transaction, sent on a connection in autocommit (change_in_turn).
    return _Tail(dialect, [lock, select(new).add_cte(bump_if_new)], commit=False)


def _use_wal(cur) -> None:
    """Switch the database file to WAL unless it already is (the mode is kept in the file).

    Only the first connection to a new database switches it, and the switch needs the write lock.
    When several processes start at once on a new file, SQLite may refuse the switch at once with
    "database is locked" instead of waiting on busy_timeout (it does not wait where waiting could
    deadlock two connections that each hold a read lock), so the switch is retried here for up to
    busy_timeout; usually another process has made the switch by then, and it is read back.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cur.execute("PRAGMA journal_mode = WAL")  # readers never wait for the writer
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        # Also given to sqlite3.connect (create_app_engine), so it holds from the very first statement.
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        _use_wal(cur)
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


_stores: dict[str, Store] = {}
_stores_lock = threading.Lock()


def open_store(url: str) -> Store:
    """Return the migrated store for a database URL, one per URL and process."""
    with _stores_lock:
        store = _stores.get(url)
        if store is None:
            store = _stores[url] = _create_store(url)
        return store


def _create_store(url: str) -> Store:
    store = Store(create_app_engine(url))
    store.migrate()
    return store


def create_app_engine(url: str) -> Engine:
    """Return a new engine configured as the app uses it (the app itself shares one: open_store)."""
    if url.startswith("sqlite"):
        kwargs = {"connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
    else:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        # Script runs and live polls are threads: each holds a connection only inside
        # store.read()/write(). pre_ping replaces connections a database restart has closed.
        engine = create_engine(
            url, pool_size=config.db_pool_size(), max_overflow=config.db_max_overflow(), pool_pre_ping=True
        )
    return engine
