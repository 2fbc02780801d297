"""A helper for Problemløseren tests: one workshop in a fresh database, phones, and the steps.

Each test file builds its own fixture from ``new_solver`` so these tests do not depend on the
shared conftest.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from fea_core import participation, schema
from fea_core.items import add_item_as_facilitator
from fea_core.model import Item, Participant, Workshop
from fea_core.storage import Store, open_store
from fea_core.workshops import create_workshop, get_workshop, set_activity, set_activity_open


class Solver:
    """One workshop going through Problemløseren: join phones, steer the steps, add items."""

    def __init__(self, store: Store, workshop: Workshop):
        self.store = store
        self.workshop = workshop

    @property
    def id(self) -> int:
        return self.workshop.id

    def phone(self) -> Participant:
        """Join the workshop as a new phone."""
        _, participant = participation.join(self.store, self.workshop.code)
        return participant

    def step(self, activity: str, *, is_open: bool = True) -> Workshop:
        """Move the room to an activity (open, or closed at once)."""
        self.workshop = set_activity(self.store, self.id, activity)
        if not is_open:
            self.workshop = set_activity_open(self.store, self.id, False)
        return self.workshop

    def close(self) -> Workshop:
        """Close the current activity for answers."""
        self.workshop = set_activity_open(self.store, self.id, False)
        return self.workshop

    def add(self, kind: str, *texts: str) -> list[Item]:
        """Add items as the facilitator; return them in order."""
        return [add_item_as_facilitator(self.store, self.id, kind, t) for t in texts]

    def counters(self) -> tuple[int, int]:
        """Return (revision, stage) of the workshop, read fresh."""
        ws = get_workshop(self.store, self.id)
        return ws.revision, ws.stage

    def count(self, table) -> int:
        """Return how many rows of a table belong to this workshop."""
        with self.store.read() as conn:
            return len(conn.execute(select(table).where(table.c.workshop_id == self.id)).all())

    def placements_saved(self) -> int:
        """Return how many placements this workshop holds."""
        return self.count(schema.placements)

    def other_workshop(self) -> Solver:
        """Return a second workshop in the same database."""
        return Solver(self.store, _workshop(self.store, "Anden temadag"))


def _workshop(store: Store, name: str) -> Workshop:
    return create_workshop(
        store,
        name=name,
        department="Hjemmeplejen Nord",
        held_on=date(2025, 3, 14),
        theme="Stress og arbejdspres",
        language="da",
        owner="anne",
    )


def new_solver(where: Path | str) -> Solver:
    """Return a Solver on a database that exists only for this test: a URL (the ``store_url``
    fixture), or a folder for a migrated SQLite file."""
    store = open_store(where if isinstance(where, str) else f"sqlite:///{where}/t.sqlite3")
    return Solver(store, _workshop(store, "Temadag om psykisk arbejdsmiljø"))
