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
