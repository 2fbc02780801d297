"""Settings from the environment, read when asked for (never at import time)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_DIR / "var"


def database_url() -> str:
    """Return the database URL: FEA_DATABASE_URL, else an SQLite file in var/."""
    url = os.environ.get("FEA_DATABASE_URL", "").strip()
    if url:
        return url
    data_dir = Path(os.environ.get("FEA_DATA_DIR", DEFAULT_DATA_DIR))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'fea.sqlite3'}"


def public_url() -> str | None:
    """Return the base URL phones use to reach the app (FEA_PUBLIC_URL), if configured."""
    url = os.environ.get("FEA_PUBLIC_URL", "").strip().rstrip("/")
    return url or None


def retention_months() -> int | None:
    """Return FEA_RETENTION_MONTHS: delete workshops held more than this many months ago (None: keep).

    Raises ValueError for a value that is not a whole number of at least 1.
    """
    raw = os.environ.get("FEA_RETENTION_MONTHS", "").strip()
    if not raw:
        return None
    try:
        months = int(raw)
    except ValueError:
        raise ValueError(f"FEA_RETENTION_MONTHS must be a whole number of months, not {raw!r}") from None
    if months < 1:
        raise ValueError(f"FEA_RETENTION_MONTHS must be at least 1, not {months}")
    return months
