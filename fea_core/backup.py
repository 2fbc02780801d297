"""Backups of the database: SQLite's online backup, or the pg_dump command for PostgreSQL.

    python -m fea_core.backup create /safe/place/fea-2026-11-26.sqlite3
    python -m fea_core.backup restore /safe/place/fea-2026-11-26.sqlite3   # with the app stopped

A SQLite backup may be taken while the app runs and phones answer: it is a consistent copy of
the database as it was when the backup started (WAL mode lets writers go on meanwhile). The
copy is checked with ``PRAGMA integrity_check`` before it replaces anything at PATH.

The backup holds everything the workshops hold: keep it as carefully as the database itself
(encrypted disk, restricted access), and delete old backups by the same retention period.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from fea_core.storage import SQLITE_BUSY_TIMEOUT_MS

SIDE_FILES = ("-wal", "-shm", "-journal")


class BackupError(Exception):
    """The backup or restore could not be made; nothing at the destination was replaced."""


@dataclass(frozen=True)
class PgCommand:
    """A PostgreSQL client command, with the connection in the environment (not in ``ps``)."""

    argv: list[str]
    env: dict[str, str]

    def shown(self) -> str:
        """Return the command as a shell line, the password masked."""
        variables = [f"{k}={'***' if k == 'PGPASSWORD' else v}" for k, v in sorted(self.env.items())]
        return " ".join([*variables, *self.argv])


def sqlite_path(url: str) -> Path | None:
    """Return the database file of a SQLite URL, or None for another database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(parsed.database)


def _integrity(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return "; ".join(row[0] for row in con.execute("PRAGMA integrity_check"))
    finally:
        con.close()


def backup_sqlite(source: Path, target: Path) -> Path:
    """Copy a live SQLite database to ``target`` with SQLite's online backup API; return ``target``.

    The copy is a single file (no -wal), checked with ``PRAGMA integrity_check``; it is written
    next to ``target`` first and only then moved into place.
    """
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    if target.exists() and target.resolve() == source.resolve():
        raise BackupError("the backup must not overwrite the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    for suffix in ("", *SIDE_FILES):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    dst = sqlite3.connect(partial)
    try:
        # All pages in one step: one read transaction, so the copy is one consistent moment.
        # (Stepwise copying restarts whenever the app writes, which during a workshop is always.)
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()
    result = _integrity(partial)
    if result != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {result}")
    os.replace(partial, target)
    return target


def pg_command(url: str, program: str, *args: str) -> PgCommand:
    """Return a PostgreSQL client command for the database at ``url``, its password in PGPASSWORD."""
    parsed = make_url(url)
    env = {
        "PGHOST": parsed.host or "",
        "PGPORT": str(parsed.port or ""),
        "PGUSER": parsed.username or "",
        "PGPASSWORD": parsed.password or "",
        "PGDATABASE": parsed.database or "",
    }
    return PgCommand([program, *args], {k: v for k, v in env.items() if v})


def pg_dump_command(url: str, target: Path) -> PgCommand:
    """Return the documented pg_dump command: custom format, no owners, into ``target``."""
    return pg_command(url, "pg_dump", "--format=custom", "--no-owner", f"--file={target}")


def pg_restore_command(url: str, source: Path) -> PgCommand:
    """Return the documented pg_restore command: replace the tables with the backup's."""
    return pg_command(url, "pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={make_url(url).database}",
                      str(source))


def restore_sqlite(backup: Path, database: Path) -> Path | None:
    """Put a backup in place of the database; return where the replaced database was kept.

    Run it only while the app is stopped. The backup is checked first; the current database
    (with its -wal and -shm files) is moved aside to ``<name>.before-restore-<time>``, never
    deleted: a stale -wal next to the restored file would be applied to it and corrupt it.
    """
    backup, database = Path(backup), Path(database)
    if not backup.is_file():
        raise BackupError(f"no backup at {backup}")
    result = _integrity(backup)
    if result != "ok":
        raise BackupError(f"the backup failed its integrity check: {result}")
    kept = None
    if database.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = database.with_name(f"{database.name}.before-restore-{stamp}")
        for suffix in ("", *SIDE_FILES):
            part = Path(f"{database}{suffix}")
            if part.exists():
                os.replace(part, f"{kept}{suffix}")
    database.parent.mkdir(parents=True, exist_ok=True)
    partial = database.with_name(f".{database.name}.restoring")
    shutil.copyfile(backup, partial)
    os.replace(partial, database)
    return kept


def main(argv: list[str] | None = None) -> int:
    """Command line: create a backup, or restore one (with the app stopped)."""
    from fea_core.config import database_url

    parser = argparse.ArgumentParser(prog="python -m fea_core.backup", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="back the database up to PATH (safe while the app runs)")
    create.add_argument("path", type=Path)
    create.add_argument("--print-only", action="store_true", help="PostgreSQL: print the pg_dump command, do not run it")
    restore = sub.add_parser("restore", help="replace the database with a backup (stop the app first)")
    restore.add_argument("path", type=Path)
    restore.add_argument("--print-only", action="store_true", help="PostgreSQL: print the pg_restore command")
    args = parser.parse_args(argv)

    url = database_url()
    try:
        database = sqlite_path(url)
        if database is not None:
            if args.command == "create":
                backup_sqlite(database, args.path)
                print(f"ok: backup of {database} written to {args.path} (integrity_check ok)")
            else:
                kept = restore_sqlite(args.path, database)
                print(f"ok: {database} restored from {args.path}" + (f"; the replaced database is kept as {kept}" if kept else ""))
            return 0
        command = pg_dump_command(url, args.path) if args.command == "create" else pg_restore_command(url, args.path)
        print(command.shown())
        if args.print_only:
            return 0
        if shutil.which(command.argv[0]) is None:
            print(f"error: {command.argv[0]} is not installed here; run the command above where it is", file=sys.stderr)
            return 2
        done = subprocess.run(command.argv, env={**os.environ, **command.env}, check=False)
        if done.returncode != 0:
            print(f"error: {command.argv[0]} exited with {done.returncode}", file=sys.stderr)
            return 2
        print(f"ok: {args.command} {args.path}")
        return 0
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
