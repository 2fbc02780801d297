"""Rows written as release 001 wrote them, for the tests that upgrade an old database.

Today's services read and write columns that later migrations add (011's step timer, 007's
item keys), so they cannot stand in for an old release: these rows go in through the tables as
migration 001 created them (fea_core/migration_tables.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from fea_core import competence
from fea_core.migration_tables import table
from fea_core.model import ACTIVITY_COMPETENCE
from fea_core.storage import Store

AT = datetime(2025, 3, 14, 10, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class OldRows:
    workshop_id: int
    code: str
    token: str
    participant_id: int


def write_001_rows(store: Store, *, activity: str = ACTIVITY_COMPETENCE) -> OldRows:
    """Write a workshop, one participant and their six ratings (4 each) as release 001 did."""
    with store.write() as conn:
        workshop_id = conn.execute(table("workshops").insert().values(
            code="OLD001", name="Temadag", department="Kantinen", held_on=date(2025, 3, 14).isoformat(),
            theme="Støj", language="da", owner="anne", created_at=AT, activity=activity,
            activity_open=True, results_visible=False, revision=3, stage=2,
        )).inserted_primary_key[0]
        participant_id = conn.execute(table("participants").insert().values(
            workshop_id=workshop_id, token="old-token-001", role=None, joined_at=AT,
        )).inserted_primary_key[0]
        conn.execute(table("ratings").insert(), [
            {"participant_id": participant_id, "factor": key, "workshop_id": workshop_id, "value": 4, "updated_at": AT}
            for key in competence.factor_keys()
        ])
    return OldRows(workshop_id, "OLD001", "old-token-001", participant_id)
