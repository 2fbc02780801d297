"""Settings from the environment, read when asked for (never at import time)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_DIR / "var"


def database_url() -> str:
    """Return the database URL: FEA_DATABASE_URL, else an SQLite file in var/."""
    url = os.environ.get("FEA_DATABASE_URL", "").strip()
    if url:
        return url
    return _sqlite_url(os.environ.get("FEA_DATA_DIR", str(DEFAULT_DATA_DIR)))


@lru_cache(maxsize=16)
def _sqlite_url(data_dir: str) -> str:
    # Create the folder once per process, not on every call (a page run asks a dozen times).
    path = Path(data_dir)
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path / 'fea.sqlite3'}"


# Connections one app process keeps open to PostgreSQL, and how many more it may open in a burst.
# See README "Deployment: several processes" for sizing them against max_connections.
DEFAULT_DB_POOL_SIZE = 5
DEFAULT_DB_MAX_OVERFLOW = 10
DEFAULT_SCRIPT_TURNS = 2  # runs at once per process, in order (ui/server/script_threads.py); 0: a thread per run
DEFAULT_DB_THREADS = 2  # bench/cluster.py, 400 phones: p95 587 ms at 2, 682 at 4, 1,092 at 8, 1,086 at 16


def db_pool_size() -> int:
    """Return FEA_DB_POOL_SIZE: connections each process keeps open (PostgreSQL; at least 1)."""
    return _whole_number("FEA_DB_POOL_SIZE", os.environ.get("FEA_DB_POOL_SIZE"), DEFAULT_DB_POOL_SIZE, minimum=1)


def db_max_overflow() -> int:
    """Return FEA_DB_MAX_OVERFLOW: extra connections a process may open while busy (PostgreSQL; 0 or more)."""
    return _whole_number(
        "FEA_DB_MAX_OVERFLOW", os.environ.get("FEA_DB_MAX_OVERFLOW"), DEFAULT_DB_MAX_OVERFLOW, minimum=0
    )


def db_threads() -> int:
    """Return FEA_DB_THREADS: phones' answers and polls a process works on at once (at least 1)."""
    return _whole_number("FEA_DB_THREADS", os.environ.get("FEA_DB_THREADS"), DEFAULT_DB_THREADS, minimum=1)


def script_turns() -> int:
    """Return FEA_SCRIPT_TURNS: script runs a process works on at once on kept threads (0: off, Streamlit's own)."""
    return _whole_number("FEA_SCRIPT_TURNS", os.environ.get("FEA_SCRIPT_TURNS"), DEFAULT_SCRIPT_TURNS, minimum=0)


def _whole_number(name: str, raw: str | None, default: int | None, *, minimum: int) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}")
    return value


def public_url() -> str | None:
    """Return the base URL phones use to reach the app (FEA_PUBLIC_URL), if configured."""
    url = os.environ.get("FEA_PUBLIC_URL", "").strip().rstrip("/")
    return url or None


DEFAULT_TRUSTED_PROXIES = "127.0.0.1, ::1"  # nginx on the same machine


def trusted_proxies() -> tuple:
    """Return FEA_TRUSTED_PROXIES: addresses or networks whose X-Forwarded-For / X-Real-IP name the client.

    Comma-separated, e.g. "127.0.0.1, ::1, 10.0.0.0/8"; "none" trusts no proxy. Raises
    ValueError for an entry that is no address or network.
    """
    import ipaddress

    raw = os.environ.get("FEA_TRUSTED_PROXIES", "").strip() or DEFAULT_TRUSTED_PROXIES
    if raw.lower() == "none":
        return ()
    networks = []
    for entry in (e.strip() for e in raw.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"FEA_TRUSTED_PROXIES: {entry!r} is not an address or network") from None
    return tuple(networks)


def retention_months() -> int | None:
    """Return FEA_RETENTION_MONTHS: delete workshops held more than this many months ago (None: keep).

    Raises ValueError for a value that is not a whole number of at least 1.
    """
    return _whole_number("FEA_RETENTION_MONTHS", os.environ.get("FEA_RETENTION_MONTHS"), None, minimum=1)
