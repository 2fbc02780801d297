"""Placing items in Problemløseren's 2x2 matrices (trin 2 and 4) from the phones.

Each phone places each item once per matrix, on two axes from 1 (low) to 5 (high), in the raw
axis values of the method (Ressourceforbrug 5 = Høj, even though the matrix draws Høj on the
left); a new placement of the same item replaces the earlier one.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import delete, select, update

from fea_core import flow, schema
from fea_core.errors import InvalidPlacement, NotThisActivity, StaleItem
from fea_core.items import counted_for
from fea_core.model import (
    ITEM_KINDS,
    Participant,
    Placement,
)
from fea_core.storage import Store, lock_participant, utcnow

PLACEMENT_MIN, PLACEMENT_MAX = 1, 5
# Which kind of item each matrix activity places.
PLACED_DURING = {a.key: a.places for a in flow.FLOW if a.places}
MATRICES = tuple(PLACED_DURING)
ROW_COLUMNS = ["item_id", "participant_id", "x", "y"]

_PL = schema.placements
_I = schema.items
_W = schema.workshops


def validate_position(x: object, y: object) -> tuple[int, int]:
    """Return (x, y) checked: whole numbers from 1 to 5, else raise InvalidPlacement."""
    for value in (x, y):
        if isinstance(value, bool) or not isinstance(value, int) or not PLACEMENT_MIN <= value <= PLACEMENT_MAX:
            raise InvalidPlacement(x=x, y=y, low=PLACEMENT_MIN, high=PLACEMENT_MAX)
    return x, y


def _item_row(conn, item_id: object, workshop_id: int):
    """Return the item's row if it is one of this workshop's items of the kind placed now, else raise StaleItem."""
    if isinstance(item_id, bool) or not isinstance(item_id, int) or not 0 < item_id < 2**63:  # SQLite's range
        raise StaleItem(item_id=item_id, reason="unknown")
    # The activity comes along in the same round trip (store.write has checked it is a matrix).
    activity = select(_W.c.activity).where(_W.c.id == workshop_id).scalar_subquery().label("activity_now")
    row = conn.execute(select(_I, activity).where(_I.c.id == item_id)).first()
    if row is None or row.workshop_id != workshop_id:
        raise StaleItem(item_id=item_id, reason="unknown")
    if row.activity_now not in PLACED_DURING:  # the facilitator moved on a moment ago
        raise NotThisActivity(activity=row.activity_now)
    if row.kind != PLACED_DURING[row.activity_now]:
        raise StaleItem(item_id=item_id, reason="other_kind")
    return row


def place_item(store: Store, participant: Participant, item_id: int, x: int, y: int) -> Placement:
    """Save (or move) the phone's placement of an item while its matrix is open.

    The item must still be on the list (not hidden or merged meanwhile), else StaleItem.
    """
    x, y = validate_position(x, y)
    workshop_id = participant.workshop_id
    with store.write(workshop_id, open_for=MATRICES) as conn:
        # Re-check inside the write: the facilitator may have closed the step, or hidden or
        # merged the item, since the phone drew its list.
        item = _item_row(conn, item_id, workshop_id)
        if item.hidden or item.merged_into is not None:
            raise StaleItem(item_id=item_id, reason="hidden" if item.hidden else "merged")
        lock_participant(conn, participant.id)  # two tabs: one updates what the other inserted
        key = (_PL.c.item_id == item_id) & (_PL.c.participant_id == participant.id)
        now = utcnow()
        moved = conn.execute(update(_PL).where(key).values(x=x, y=y, updated_at=now)).rowcount
        if not moved:
            conn.execute(
                _PL.insert().values(
                    item_id=item_id, participant_id=participant.id, workshop_id=workshop_id, x=x, y=y, updated_at=now
                )
            )
    return Placement(item_id=item_id, participant_id=participant.id, x=x, y=y)


def remove_placement(store: Store, participant: Participant, item_id: int) -> None:
    """Take back the phone's placement of an item (skip it) while its matrix is open."""
    with store.write(participant.workshop_id, open_for=MATRICES) as conn:
        _item_row(conn, item_id, participant.workshop_id)
        conn.execute(delete(_PL).where((_PL.c.item_id == item_id) & (_PL.c.participant_id == participant.id)))


def my_placements(store: Store, participant: Participant, kind: str) -> dict[int, tuple[int, int]]:
    """Return the phone's own placements of a kind, {item_id: (x, y)}, by the item it placed.

    Placements of items since hidden or merged are included; a page shows those of ``list_items``.
    """
    return placements_of(store, [participant.id], kind)[participant.id]


def placements_of(store: Store, participant_ids: list[int], kind: str) -> dict[int, dict[int, tuple[int, int]]]:
    """Return each phone's own placements of a kind in one read, as ``my_placements`` does."""
    found: dict[int, dict[int, tuple[int, int]]] = {pid: {} for pid in participant_ids}
    query = (
        select(_PL.c.participant_id, _PL.c.item_id, _PL.c.x, _PL.c.y)
        .join(_I, _I.c.id == _PL.c.item_id)
        .where(_PL.c.participant_id.in_(list(found)), _I.c.kind == kind)
    )
    with store.read() as conn:
        for r in conn.execute(query):
            found[r.participant_id][r.item_id] = (r.x, r.y)
    return found


def placement_rows(store: Store, workshop_id: int, kind: str) -> pd.DataFrame:
    """Return the room's placements of a kind: item_id, participant_id, x, y (floats).

    ``item_id`` is the item each placement counts for, so a merged item carries the placements of
    all its sources. A phone that placed both a source and its target (or two sources) counts once
    for the target, at the mean of its placements. Placements of hidden items are left out.
    """
    if kind not in ITEM_KINDS:
        raise ValueError(f"unknown item kind {kind!r}")
    with store.read() as conn:
        items = conn.execute(
            select(_I.c.id, _I.c.hidden, _I.c.merged_into).where(_I.c.workshop_id == workshop_id, _I.c.kind == kind)
        ).all()
        rows = conn.execute(
            select(_PL.c.item_id, _PL.c.participant_id, _PL.c.x, _PL.c.y)
            .join(_I, _I.c.id == _PL.c.item_id)
            .where(_PL.c.workshop_id == workshop_id, _I.c.kind == kind)
        ).all()
    frame = pd.DataFrame(rows, columns=ROW_COLUMNS)
    target = counted_for(items)
    frame["item_id"] = frame["item_id"].map(target)
    frame = frame.dropna(subset=["item_id"])
    frame = frame.astype({"item_id": "int64", "participant_id": "int64", "x": "float64", "y": "float64"})
    # One phone, one voice per item: a source and its target placed by the same phone are averaged.
    frame = frame.groupby(["item_id", "participant_id"], as_index=False, sort=True)[["x", "y"]].mean()
    return frame[ROW_COLUMNS].reset_index(drop=True)
