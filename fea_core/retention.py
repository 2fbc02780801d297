"""Deleting workshops for good: one on request (GDPR), and all older than the retention period.

A workshop's data is what employees said about bullying, stress and their leaders; once the
workplace has its handleplan, keeping the raw answers only adds risk. Deleting removes the
workshop and every row that belongs to it, in one transaction: nothing is left half-deleted.

    python -m fea_core.retention --months 12 --dry-run   # list what would go
    python -m fea_core.retention --months 12             # delete it
    python -m fea_core.retention                         # use FEA_RETENTION_MONTHS
"""

from __future__ import annotations

import argparse
import calendar
import logging
import sys
import threading
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, MetaData, Table, delete, func, or_, select

from fea_core import release, schema
from fea_core.errors import NotWorkshopOwner
from fea_core.storage import Store
from fea_core.workshops import remember_deleted_id

log = logging.getLogger(__name__)

_W = schema.workshops


@dataclass(frozen=True)
class Expiring:
    """A workshop the retention period has run out for."""

    id: int
    code: str
    name: str
    held_on: date


def _workshop_tables(conn: Connection) -> list[tuple[Table, list[str]]]:
    """Return [(table, its columns that point at workshops.id)] as the database has them, dependents first.

    Read from the database itself rather than from ``schema``: a table that a later migration
    adds (or that a module defines outside ``schema``) is covered without anyone remembering it.
    """
    reflected = MetaData()
    reflected.reflect(bind=conn)
    found = []
    for table in reversed(reflected.sorted_tables):
        if table.name == _W.name:
            continue
        columns = {
            fk.parent.name
            for fk in table.foreign_keys
            if fk.column.table.name == _W.name and fk.column.name == "id"
        }
        if "workshop_id" in table.c:
            columns.add("workshop_id")
        if columns:
            found.append((table, sorted(columns)))
    return found


def _belongs(table: Table, columns: list[str], workshop_id: int):
    return or_(*(table.c[name] == workshop_id for name in columns))


def footprint(store: Store, workshop_id: int) -> dict[str, int]:
    """Return how many rows of each table belong to the workshop: what deleting it removes."""
    with store.read() as conn:
        counts = {
            table.name: conn.execute(
                select(func.count()).select_from(table).where(_belongs(table, columns, workshop_id))
            ).scalar_one()
            for table, columns in _workshop_tables(conn)
        }
        counts[_W.name] = conn.execute(select(func.count()).select_from(_W).where(_W.c.id == workshop_id)).scalar_one()
    return counts


def delete_workshop(store: Store, workshop_id: int, *, owner: str | None = None) -> dict[str, int]:
    """Delete the workshop and all its data in one transaction; return the rows removed per table.

    A workshop that is already gone (a second click, another tab) removes nothing: ``{}``.

    :param owner: when given, refuse (NotWorkshopOwner, nothing deleted) unless this user owns it;
        a co-facilitator may run a workshop but not delete it.
    """
    if isinstance(workshop_id, bool) or not isinstance(workshop_id, int):
        raise TypeError(f"workshop_id must be an int, not {type(workshop_id).__name__}")
    # No revision bump: the row that carries the revision is what goes.
    with store.write() as conn:
        row = conn.execute(select(_W.c.owner).where(_W.c.id == workshop_id).with_for_update()).first()
        if row is None:
            return {}
        if owner is not None and row.owner != owner:
            raise NotWorkshopOwner(workshop_id=workshop_id)
        counts = {}
        # Table by table, dependents first, not only by ON DELETE CASCADE: a table without the
        # cascade would otherwise keep its rows (or, with foreign keys enforced, block the delete).
        for table, columns in _workshop_tables(conn):
            removed = conn.execute(delete(table).where(_belongs(table, columns, workshop_id))).rowcount
            if removed:
                counts[table.name] = removed
        # The competence round's release is a copy of its answers, kept by key, not by a foreign key.
        if release.forget(conn, workshop_id):
            counts["competence_release"] = 1
        counts[_W.name] = conn.execute(delete(_W).where(_W.c.id == workshop_id)).rowcount
        remember_deleted_id(conn, workshop_id)
    log.info("deleted workshop %s: %s", workshop_id, counts)
    return counts


# --- retention ------------------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """Return the same day ``months`` calendar months earlier (the month's last day if it is shorter)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _check_months(months: object) -> int:
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ValueError(f"the retention period must be a whole number of months, at least 1, not {months!r}")
    return months


def find_older_than(store: Store, months: int, today: date | None = None) -> list[Expiring]:
    """Return the workshops held more than ``months`` months before today, oldest first."""
    cutoff = months_before(today or date.today(), _check_months(months))
    with store.read() as conn:
        rows = conn.execute(
            select(_W.c.id, _W.c.code, _W.c.name, _W.c.held_on)
            .where(_W.c.held_on < cutoff.isoformat())  # ISO dates sort as text
            .order_by(_W.c.held_on, _W.c.id)
        ).all()
    return [Expiring(r.id, r.code, r.name, date.fromisoformat(r.held_on)) for r in rows]


def delete_older_than(store: Store, months: int, today: date | None = None) -> list[str]:
    """Delete every workshop held more than ``months`` months ago; return their join codes.

    A workshop held exactly ``months`` months ago is kept until the next day.
    """
    deleted = []
    for workshop in find_older_than(store, months, today):
        if delete_workshop(store, workshop.id):
            deleted.append(workshop.code)
    # A forløb goes once none of its workshops is left and its last day is past the period too.
    from fea_core.courses import delete_courses_ended_before

    delete_courses_ended_before(store, months_before(today or date.today(), _check_months(months)))
    return deleted


_last_run: dict[str, date] = {}
_last_run_lock = threading.Lock()


def apply_configured_retention(store: Store, today: date | None = None) -> list[str] | None:
    """Apply FEA_RETENTION_MONTHS at most once per process, database and day; return the codes deleted.

    Returns None when it did not run (already ran today, or no retention period is configured).
    The server runs it at start-up and hourly: after the first call of the day it compares a date.
    """
    from fea_core.config import retention_months

    today = today or date.today()
    key = str(store.engine.url)
    if _last_run.get(key) == today:
        return None
    with _last_run_lock:
        if _last_run.get(key) == today:
            return None
        _last_run[key] = today  # also on failure: a broken setting must not cost every page run
        try:
            months = retention_months()
        except ValueError as error:
            log.error("retention not applied: %s", error)
            return None
        if months is None:
            return None
        deleted = delete_older_than(store, months, today)
    if deleted:
        log.warning("retention (%s months): deleted %d workshop(s): %s", months, len(deleted), ", ".join(deleted))
    return deleted


def main(argv: list[str] | None = None) -> int:
    """Command line: delete the workshops older than the retention period (or list them)."""
    from fea_core.config import database_url, retention_months
    from fea_core.storage import open_store

    parser = argparse.ArgumentParser(prog="python -m fea_core.retention", description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, help="delete workshops held more than N months ago "
                        "(default: FEA_RETENTION_MONTHS)")
    parser.add_argument("--dry-run", action="store_true", help="only list what would be deleted")
    args = parser.parse_args(argv)
    try:
        months = args.months if args.months is not None else retention_months()
        if months is None:
            print("no retention period: pass --months N or set FEA_RETENTION_MONTHS; nothing deleted")
            return 0
        _check_months(months)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    store = open_store(database_url())
    if args.dry_run:
        expiring = find_older_than(store, months)
        for w in expiring:
            print(f"would delete {w.code}  {w.held_on.isoformat()}  {w.name}")
        print(f"dry run: {len(expiring)} workshop(s) held more than {months} months ago; nothing deleted")
        return 0
    deleted = delete_older_than(store, months)
    for code in deleted:
        print(f"deleted {code}")
    print(f"ok: {len(deleted)} workshop(s) held more than {months} months ago deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
