"""A throwaway PostgreSQL server for the tests and benchmarks: initdb into a temporary folder,
start it on a free 127.0.0.1 port, hand out databases, remove everything at the end.

Uses Debian's ``postgresql`` package (``.ci/run`` installs it). ``initdb`` refuses to run as
root, so as root the server runs as the ``postgres`` system user in a folder that user owns.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

INSTALL_HINT = "PostgreSQL is not installed: `apt-get install postgresql` (Debian; .ci/run does it)"
SERVER_USER = "postgres"  # the system user Debian's package creates; used only when we are root
TEMPLATE = "fea_template"


def find_bindir() -> Path:
    """Return the folder of initdb/pg_ctl: `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin."""
    candidates = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    # Debian's pg_config may be the client-only one; the server binaries sit in versioned folders.
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)]
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise RuntimeError(INSTALL_HINT)


def _version(path: str) -> int:
    try:
        return int(Path(path).parent.name)
    except ValueError:
        return 0


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayPostgres:
    """One PostgreSQL server in a temporary folder, reachable on 127.0.0.1 with a random password.

    :param durable: keep fsync and synchronous commit on (benchmarks); tests switch them off,
        which is safe for data nobody keeps and makes creating databases fast.
    """

    def __init__(self, *, durable: bool = False, max_connections: int = 200, settings: dict[str, str] | None = None):
        self.bindir = find_bindir()
        self.as_root = os.geteuid() == 0
        self.user = "fea"
        self.password = secrets.token_urlsafe(16)
        self.port = _free_port()
        self.durable = durable
        self.max_connections = max_connections
        self.settings = settings or {}  # more server settings, e.g. {"synchronous_commit": "off"}
        self.folder = Path(tempfile.mkdtemp(prefix="fea-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self._names = itertools.count(1)
        self._admin: psycopg.Connection | None = None
        self._cleaners: dict[str, psycopg.Connection] = {}  # one per database emptied between tests

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> ThrowawayPostgres:
        """initdb, start and wait until the server accepts connections; return self."""
        if self.as_root and not _user_exists(SERVER_USER):
            raise RuntimeError(f"running as root, but there is no {SERVER_USER!r} user to run PostgreSQL as. "
                               + INSTALL_HINT.replace("not installed", "not installed properly"))
        if self.as_root:
            shutil.chown(self.folder, SERVER_USER, SERVER_USER)
        pwfile = self.folder / "pw"
        pwfile.write_text(self.password + "\n")
        if self.as_root:
            shutil.chown(pwfile, SERVER_USER, SERVER_USER)
        pwfile.chmod(0o600)
        self._run(
            "initdb", "-D", str(self.data), f"--username={self.user}", f"--pwfile={pwfile}",
            # The socket (in our folder) trusts local users who can reach it; TCP needs the password.
            "--auth-local=trust", "--auth-host=scram-sha-256",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions",
        )
        pwfile.unlink()
        settings = [
            f"-p {self.port}", f"-k {self.folder}", "-c listen_addresses=127.0.0.1",
            f"-c max_connections={self.max_connections}",
        ]
        if not self.durable:
            settings += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        settings += [f"-c {name}={value}" for name, value in self.settings.items()]
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", " ".join(settings), "start")
        self._admin = psycopg.connect(self.conninfo("postgres"), autocommit=True)
        return self

    def stop(self) -> None:
        """Stop the server (no checkpoint: nothing is kept) and delete its folder."""
        for cleaner in self._cleaners.values():
            cleaner.close()
        self._cleaners.clear()
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> ThrowawayPostgres:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def postmaster_pid(self) -> int | None:
        """Return the server's main process id (its backends are its children), while it runs."""
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    # --- databases -----------------------------------------------------------------------------

    def url(self, database: str) -> str:
        """Return the SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def conninfo(self, database: str) -> str:
        """Return a libpq connection string (for psycopg, pg_dump ...)."""
        return f"host=127.0.0.1 port={self.port} user={self.user} password={self.password} dbname={database}"

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        """Create a database (empty, or a copy of ``template``); return its name."""
        name = name or f"t{next(self._names)}"
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("{} TEMPLATE {} STRATEGY FILE_COPY").format(query, sql.Identifier(template))
        self._admin.execute(query)
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, closing whatever is still connected to it."""
        self._admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def empty_database(self, name: str, keep: tuple[str, ...] = ("schema_migrations",)) -> None:
        """Delete every row of every table but ``keep``, after closing the database's other connections.

        Much cheaper than a new database per test; sequences go on counting, as they would.
        """
        self._admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
            " AND pid <> ALL(%s)", (name, [c.info.backend_pid for c in self._cleaners.values()]),
        )
        cleaner = self._cleaners.get(name)
        if cleaner is None:
            cleaner = self._cleaners[name] = psycopg.connect(self.conninfo(name))
        with cleaner.transaction():
            tables = [r[0] for r in cleaner.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> ALL(%s)", (list(keep),)
            )]
            cleaner.execute("SET LOCAL session_replication_role = replica")  # no foreign-key order needed
            for table in tables:
                cleaner.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))

    def connections(self) -> list[tuple[str, str]]:
        """Return (database, state) of every client connection but our own admin one."""
        rows = self._admin.execute(
            "SELECT datname, coalesce(state, '') FROM pg_stat_activity "
            "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    # --- helpers -------------------------------------------------------------------------------

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        cmd = [str(self.bindir / program), *args]
        if self.as_root:
            cmd = ["runuser", "-u", SERVER_USER, "--", *cmd]
        # cwd: the server user may not enter the caller's working directory (e.g. /root).
        done = subprocess.run(cmd, cwd=self.folder, capture_output=True, text=True)
        if check and done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{program} failed ({done.returncode}):\n{done.stdout}{done.stderr}{log}")
