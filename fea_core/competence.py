"""The competence round: each phone rates the six factors from 1 (low) to 5 (high) or "Ved ikke"."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import pandas as pd
from sqlalchemy import DateTime, Integer, SmallInteger, String, bindparam, func, literal, select, true, union_all

from fea_core import schema
from fea_core.errors import InvalidRating, MissingAnswers
from fea_core.frames import rows_frame
from fea_core.method import load_method
from fea_core.model import ACTIVITY_COMPETENCE, RATING_MAX, RATING_MIN, Participant
from fea_core.storage import Store, upsert_into, utcnow

_R = schema.ratings
_P = schema.participants
DONT_KNOW = None  # stored as NULL: answered, but kept out of the mean


def factor_keys() -> tuple[str, ...]:
    """Return the six factor keys in the model's order."""
    return tuple(f.key for f in load_method().factors)


def validate_answers(answers: dict[str, int | None]) -> dict[str, int | None]:
    """Return the answers checked: every factor answered, each 1-5 or None for "Ved ikke"."""
    keys = factor_keys()
    if not isinstance(answers, Mapping):
        raise InvalidRating(factors=[])
    unknown = set(answers) - set(keys)
    if unknown:
        raise InvalidRating(factors=sorted(map(str, unknown)))
    missing = [k for k in keys if k not in answers]
    if missing:
        raise MissingAnswers(factors=missing)
    for key, value in answers.items():
        if value is DONT_KNOW:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not RATING_MIN <= value <= RATING_MAX:
            raise InvalidRating(factors=[key])
    return {k: answers[k] for k in keys}


def submit_ratings(store: Store, participant: Participant, answers: dict[str, int | None]) -> None:
    """Save (or replace) the participant's six ratings while the round is open."""
    checked = validate_answers(answers)
    values = {"participant_id": participant.id, "workshop_id": participant.workshop_id, "updated_at": utcnow()}
    values.update({f"value_{n}": checked[key] for n, key in enumerate(factor_keys())})
    # Replace, never add: a double submit or a second tab cannot count twice. One upsert in the
    # workshop's turn: its row lock queues the phone's tabs too (other phones' saves queue there anyway).
    store.change_in_turn(participant.workshop_id, _ratings_upsert(store.is_sqlite), values,
                         open_for=ACTIVITY_COMPETENCE)


@functools.cache
def _ratings_upsert(sqlite: bool):
    """Return the upsert of a phone's six ratings, built once: values come as bind parameters.

    Six SELECTs of bound values, not a multi-row VALUES: SQLAlchemy compiles the latter anew on
    every call. WHERE true: SQLite's upsert after a SELECT needs one to parse.
    """
    rows = union_all(*(
        select(bindparam("participant_id", type_=Integer), bindparam("workshop_id", type_=Integer),
               literal(key, String), bindparam(f"value_{n}", type_=SmallInteger),
               bindparam("updated_at", type_=DateTime(timezone=True))).where(true())
        for n, key in enumerate(factor_keys())
    ))
    insert = upsert_into(_R, sqlite=sqlite)
    insert = insert.from_select(["participant_id", "workshop_id", "factor", "value", "updated_at"], rows)
    replaced = {"value": insert.excluded.value, "updated_at": insert.excluded.updated_at}
    upsert = insert.on_conflict_do_update(index_elements=[_R.c.participant_id, _R.c.factor], set_=replaced)
    return upsert.returning(_R.c.participant_id)


def my_ratings(store: Store, participant: Participant) -> dict[str, int | None]:
    """Return the participant's saved ratings by factor key (empty when none)."""
    return ratings_of(store, [participant.id])[participant.id]


def ratings_of(store: Store, participant_ids: list[int]) -> dict[int, dict[str, int | None]]:
    """Return each participant's own saved ratings by factor key, in one read (empty when none)."""
    found: dict[int, dict[str, int | None]] = {pid: {} for pid in participant_ids}
    with store.read() as conn:
        rows = conn.execute(
            select(_R.c.participant_id, _R.c.factor, _R.c.value).where(_R.c.participant_id.in_(list(found)))
        )
        for r in rows:
            found[r.participant_id][r.factor] = r.value
    return found


def _version(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def count_respondents(store: Store, workshop_id: int) -> int:
    """Return how many phones have sent their ratings (people only, no figures)."""
    with store.read() as conn:
        return conn.execute(
            select(func.count(func.distinct(_R.c.participant_id))).where(_R.c.workshop_id == workshop_id)
        ).scalar_one()


def rating_rows(store: Store, workshop_id: int) -> pd.DataFrame:
    """Return the workshop's ratings as rows: participant_id, role, factor, value (NaN = Ved ikke), version.

    ``version`` tells one submission of a phone from the next (its time, as text): a replaced
    answer is another answer to the disclosure rule (fea_core.disclosure).
    """
    query = (
        select(_R.c.participant_id, _P.c.role, _R.c.factor, _R.c.value, _R.c.updated_at)
        .join(_P, _P.c.id == _R.c.participant_id)
        .where(_R.c.workshop_id == workshop_id)
    )
    with store.read() as conn:
        rows = conn.execute(query).all()
    frame = rows_frame(rows, ["participant_id", "role", "factor", "value", "version"])
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame["version"] = frame["version"].map(_version).astype("object")
    return frame
