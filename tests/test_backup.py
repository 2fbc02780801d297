"""Tests of fea_core.backup: SQLite's online backup while the app writes, restore, and pg_dump."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from fea_core import backup, competence, participation, schema
from fea_core.storage import MIGRATIONS, open_store
from fea_core.workshops import count_workshops, create_workshop, find_by_code

FILLER_ROWS = 400  # about 8 MB: the copy takes long enough for the writer to commit meanwhile


def copy_rows(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def fill(store) -> None:
    """Make the database big enough that copying it is not instantaneous."""
    with store.write() as conn:
        conn.execute(
            schema.settings.insert(),
            [{"key": f"filler-{n}", "value": "x" * 20_000} for n in range(FILLER_ROWS)],
        )


class Writer(threading.Thread):
    """Phones joining and rating in a loop; ``committed`` holds (time, token) after each commit."""

    def __init__(self, store, code: str):
        super().__init__(daemon=True)
        self.store, self.code = store, code
        self.committed: list[tuple[float, str]] = []
        self.errors: list[BaseException] = []
        self.stop = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            try:
                _, phone = participation.join(self.store, self.code)
                competence.submit_ratings(
                    self.store, phone, {k: (n + i) % 5 + 1 for i, k in enumerate(competence.factor_keys())}
                )
                self.committed.append((time.perf_counter(), phone.token))
                n += 1
            except BaseException as error:  # noqa: BLE001 - reported by the test
                self.errors.append(error)
                return


def test_a_backup_taken_while_phones_write_is_whole_and_holds_everything_committed_before_it(
    fresh_store, competence_workshop, tmp_path
):
    fill(fresh_store)
    writer = Writer(fresh_store, competence_workshop.code)
    writer.start()
    while len(writer.committed) < 20 and writer.is_alive():
        time.sleep(0.01)
    started = time.perf_counter()
    before = [token for _, token in writer.committed]  # each of these committed before the backup began

    target = backup.backup_sqlite(Path(fresh_store.engine.url.database), tmp_path / "backups" / "fea.sqlite3")

    finished = time.perf_counter()
    while len(writer.committed) < len(before) + 20 and writer.is_alive():
        time.sleep(0.01)
    writer.stop.set()
    writer.join(timeout=30)
    assert writer.errors == []
    during = [t for t, _ in writer.committed if started < t < finished]
    after = [t for t, _ in writer.committed if t >= finished]
    assert during and after, "the phones did not write while the backup ran"

    assert copy_rows(target, "PRAGMA integrity_check") == [("ok",)]
    assert copy_rows(target, "PRAGMA journal_mode") == [("delete",)]  # one file, no -wal to forget
    assert not Path(f"{target}-wal").exists()
    in_copy = {token for (token,) in copy_rows(target, "SELECT token FROM participants")}
    assert set(before) <= in_copy
    rated = dict(copy_rows(target, "SELECT p.token, count(*) FROM ratings r JOIN participants p ON p.id = r.participant_id GROUP BY p.token"))
    assert all(rated.get(token) == 6 for token in before)
    # A consistent moment: nobody in the copy has half their ratings.
    assert set(rated.values()) <= {6}
    assert len(copy_rows(target, "SELECT key FROM settings WHERE key LIKE 'filler-%'")) == FILLER_ROWS


def test_a_backup_opens_as_a_working_database(fresh_store, competence_workshop, tmp_path):
    _, phone = participation.join(fresh_store, competence_workshop.code)
    competence.submit_ratings(fresh_store, phone, dict.fromkeys(competence.factor_keys(), 4))

    target = backup.backup_sqlite(Path(fresh_store.engine.url.database), tmp_path / "copy.sqlite3")

    copy = open_store(f"sqlite:///{target}")
    try:
        assert copy.applied_migrations() == [name for name, _ in MIGRATIONS]
        restored = find_by_code(copy, competence_workshop.code)
        assert len(competence.rating_rows(copy, restored.id)) == 6
    finally:
        copy.engine.dispose()


def test_a_backup_never_overwrites_the_database_itself(fresh_store, workshop):
    path = Path(fresh_store.engine.url.database)
    with pytest.raises(backup.BackupError):
        backup.backup_sqlite(path, path)
    assert count_workshops(fresh_store) == 1


def test_a_copy_that_fails_its_check_replaces_nothing(fresh_store, workshop, tmp_path, monkeypatch):
    target = tmp_path / "fea.sqlite3"
    target.write_bytes(b"yesterday's backup")
    monkeypatch.setattr(backup, "_integrity", lambda path: "*** in database main *** Page 3 is never used")

    with pytest.raises(backup.BackupError, match="integrity"):
        backup.backup_sqlite(Path(fresh_store.engine.url.database), target)

    assert target.read_bytes() == b"yesterday's backup"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_there_is_no_backup_of_a_database_that_does_not_exist(tmp_path):
    with pytest.raises(backup.BackupError):
        backup.backup_sqlite(tmp_path / "none.sqlite3", tmp_path / "copy.sqlite3")


def test_an_in_memory_database_cannot_be_backed_up():
    with pytest.raises(backup.BackupError):
        backup.sqlite_path("sqlite://")


# --- restore ------------------------------------------------------------------------------------


def test_restore_puts_the_backup_back_and_keeps_the_replaced_database(fresh_store, workshop, tmp_path):
    database = Path(fresh_store.engine.url.database)
    saved = backup.backup_sqlite(database, tmp_path / "backup.sqlite3")
    later = create_workshop(
        fresh_store, name="Efter backup", department="Nord", held_on=workshop.held_on, theme="T", language="da",
        owner="anne",
    )
    fresh_store.engine.dispose()  # the app is stopped

    kept = backup.restore_sqlite(saved, database)

    assert kept is not None and kept.exists()
    assert not Path(f"{database}-wal").exists()  # the old WAL went along with the old file
    store = open_store(f"sqlite:///{database}")  # the same store object: its pool was disposed
    assert find_by_code(store, workshop.code) is not None
    assert find_by_code(store, later.code) is None
    assert copy_rows(kept, "SELECT code FROM workshops ORDER BY id") == [(workshop.code,), (later.code,)]


def test_restore_refuses_a_damaged_backup_and_leaves_the_database_alone(fresh_store, workshop, tmp_path):
    database = Path(fresh_store.engine.url.database)
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    fresh_store.engine.dispose()

    with pytest.raises((backup.BackupError, sqlite3.DatabaseError)):
        backup.restore_sqlite(damaged, database)

    assert find_by_code(fresh_store, workshop.code) is not None


# --- PostgreSQL -----------------------------------------------------------------------------------

PG_URL = "postgresql://fea:s3cret-pw@db.internal:5433/fea"


def test_the_pg_dump_command_keeps_the_password_out_of_the_command_line(tmp_path):
    command = backup.pg_dump_command(PG_URL, tmp_path / "fea.dump")

    assert command.argv == ["pg_dump", "--format=custom", "--no-owner", f"--file={tmp_path / 'fea.dump'}"]
    assert "s3cret-pw" not in " ".join(command.argv)
    assert command.env == {
        "PGHOST": "db.internal", "PGPORT": "5433", "PGUSER": "fea", "PGPASSWORD": "s3cret-pw", "PGDATABASE": "fea",
    }
    assert "s3cret-pw" not in command.shown() and "PGPASSWORD=***" in command.shown()


def test_the_pg_restore_command_replaces_the_tables_from_the_dump(tmp_path):
    command = backup.pg_restore_command(PG_URL, tmp_path / "fea.dump")

    assert command.argv[:4] == ["pg_restore", "--clean", "--if-exists", "--no-owner"]
    assert command.argv[-1] == str(tmp_path / "fea.dump")
    assert "s3cret-pw" not in " ".join(command.argv)


# --- the command line -----------------------------------------------------------------------------


def test_the_command_line_backs_up_the_configured_sqlite_database(store_url, fresh_store, workshop, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FEA_DATABASE_URL", store_url)
    target = tmp_path / "out" / "fea.sqlite3"

    assert backup.main(["create", str(target)]) == 0

    assert "integrity_check ok" in capsys.readouterr().out
    assert copy_rows(target, "SELECT code FROM workshops") == [(workshop.code,)]


def test_the_command_line_prints_the_pg_dump_command_for_postgresql(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FEA_DATABASE_URL", PG_URL)

    assert backup.main(["create", str(tmp_path / "fea.dump"), "--print-only"]) == 0

    out = capsys.readouterr().out
    assert "pg_dump --format=custom" in out and "PGHOST=db.internal" in out
    assert "s3cret-pw" not in out


def test_the_command_line_reports_a_failed_backup_with_exit_code_two(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FEA_DATABASE_URL", f"sqlite:///{tmp_path}/missing.sqlite3")

    assert backup.main(["create", str(tmp_path / "copy.sqlite3")]) == 2

    assert "error" in capsys.readouterr().err


@pytest.mark.databases("postgresql")
def test_a_postgresql_backup_restores_every_answer_and_drops_what_came_later(
    store_url, fresh_store, room, tmp_path, monkeypatch, capsys
):
    # A real pg_dump and pg_restore against the test server, through the documented command line.
    monkeypatch.setenv("FEA_DATABASE_URL", store_url)
    for value in (1, 3, 5):
        room.rate(room.join(), value)
    dump = tmp_path / "fea.dump"
    assert backup.main(["create", str(dump)]) == 0, capsys.readouterr().err
    assert dump.stat().st_size > 0

    room.rate(room.join(), 2)  # after the backup: the restore must take it away again
    create_workshop(
        fresh_store, name="Efter backup", department="Køkkenet", held_on=room.workshop.held_on,
        theme="Tema", language="da", owner="anne",
    )
    fresh_store.engine.dispose()  # the app is stopped for a restore
    assert backup.main(["restore", str(dump)]) == 0, capsys.readouterr().err

    assert count_workshops(fresh_store) == 1
    assert participation.count_participants(fresh_store, room.workshop.id) == 3
    rows = competence.rating_rows(fresh_store, room.workshop.id)
    assert sorted(rows.groupby("participant_id")["value"].first()) == [1, 3, 5]
    # The restored database takes new answers (its sequences were restored too).
    room.rate(room.join(), 4)
    assert participation.count_participants(fresh_store, room.workshop.id) == 4
