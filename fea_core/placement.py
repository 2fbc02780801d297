"""Placing items in Problemløseren's 2x2 matrices (trin 2 and 4) from the phones.

Each phone places each item once per matrix, on two axes from 1 (low) to 5 (high), in the raw
axis values of the method (Ressourceforbrug 5 = Høj, even though the matrix draws Høj on the
left); a new placement of the same item replaces the earlier one.
"""

from __future__ import annotations

import functools

import pandas as pd
from sqlalchemy import DateTime, Integer, SmallInteger, bindparam, case, delete, select

from fea_core import flow, schema
from fea_core.errors import InvalidPlacement, NotThisActivity, StaleItem
from fea_core.frames import rows_frame
from fea_core.items import counted_for
from fea_core.model import (
    ITEM_KINDS,
    Participant,
    Placement,
)
from fea_core.storage import Store, upsert_into, utcnow

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


def _check_item_id(item_id: object) -> None:
    """Raise StaleItem unless the id could be an item's (a whole number in SQLite's range)."""
    if isinstance(item_id, bool) or not isinstance(item_id, int) or not 0 < item_id < 2**63:
        raise StaleItem(item_id=item_id, reason="unknown")


def _item_row(conn, item_id: object, workshop_id: int):
    """Return the item's row if it is one of this workshop's items of the kind placed now, else raise StaleItem."""
    _check_item_id(item_id)
    row = conn.execute(_ITEM_NOW, {"item_id": item_id, "workshop_id": workshop_id}).first()
    if row is None or row.workshop_id != workshop_id:
        raise StaleItem(item_id=item_id, reason="unknown")
    if row.activity_now not in PLACED_DURING:  # the facilitator moved on a moment ago
        raise NotThisActivity(activity=row.activity_now)
    if row.kind != PLACED_DURING[row.activity_now]:
        raise StaleItem(item_id=item_id, reason="other_kind")
    return row


# The item with the workshop's activity in the same round trip. Built once (values bound per call).
_ITEM_NOW = select(
    _I, select(_W.c.activity).where(_W.c.id == bindparam("workshop_id", type_=Integer))
    .scalar_subquery().label("activity_now"),
).where(_I.c.id == bindparam("item_id", type_=Integer))


def place_item(store: Store, participant: Participant, item_id: int, x: int, y: int) -> Placement:
    """Save (or move) the phone's placement of an item while its matrix is open.

    The item must still be on the list (not hidden or merged meanwhile), else StaleItem.
    """
    x, y = validate_position(x, y)
    _check_item_id(item_id)
    workshop_id = participant.workshop_id
    checked = []

    def check_item(conn) -> None:
        # The phone may have drawn its list before the facilitator hid or merged the item.
        item = _item_row(conn, item_id, workshop_id)
        if item.hidden or item.merged_into is not None:
            raise StaleItem(item_id=item_id, reason="hidden" if item.hidden else "merged")
        checked.append(item)

    # Saved in the workshop's turn as one upsert: the workshop's row lock queues a phone's two
    # tabs too, and the primary key (item, phone) makes the second an update, never a second row.
    # (No participant lock: every change of a placement takes the workshop's row first.)
    values = {"item_id": item_id, "participant_id": participant.id, "workshop_id": workshop_id,
              "x": x, "y": y, "updated_at": utcnow()}
    if store.change_in_turn(workshop_id, _upsert(store.is_sqlite), values, open_for=MATRICES,
                            before=check_item) is None:
        # Hidden or merged between the check and the turn (the guarded bump refuses a step
        # that moved on): say which.
        with store.read() as conn:
            item = _item_row(conn, item_id, workshop_id)
        raise StaleItem(item_id=item_id, reason="merged" if item.merged_into is not None else "hidden")
    item = checked[0]
    return Placement(item_id=item_id, participant_id=participant.id, x=x, y=y, number=item.number, kind=item.kind)


@functools.cache
def _upsert(sqlite: bool):
    """Return INSERT ... SELECT ... ON CONFLICT DO UPDATE ... RETURNING of a placement, built once
    (values bound per call). It inserts nothing unless the item is still listed and of the kind
    the room places now."""
    workshop_id, item_id = bindparam("workshop_id", type_=Integer), bindparam("item_id", type_=Integer)
    placed_now = select(case(PLACED_DURING, value=_W.c.activity)).where(_W.c.id == workshop_id).scalar_subquery()
    row = select(
        item_id, bindparam("participant_id", type_=Integer), workshop_id,
        bindparam("x", type_=SmallInteger), bindparam("y", type_=SmallInteger),
        bindparam("updated_at", type_=DateTime(timezone=True)),
    ).where(
        _I.c.id == item_id, _I.c.workshop_id == workshop_id, _I.c.hidden.is_(False), _I.c.merged_into.is_(None),
        _I.c.kind == placed_now,
    )
    insert = upsert_into(_PL, sqlite=sqlite)
    insert = insert.from_select(["item_id", "participant_id", "workshop_id", "x", "y", "updated_at"], row)
    moved = {"x": insert.excluded.x, "y": insert.excluded.y, "updated_at": insert.excluded.updated_at}
    return insert.on_conflict_do_update(index_elements=[_PL.c.item_id, _PL.c.participant_id], set_=moved).returning(
        _PL.c.item_id)


# A phone's placement of an item, taken back. Built once (values bound per call).
_REMOVE = delete(_PL).where(
    _PL.c.item_id == bindparam("item_id", type_=Integer),
    _PL.c.participant_id == bindparam("participant_id", type_=Integer),
).returning(_PL.c.item_id)


def remove_placement(store: Store, participant: Participant, item_id: int) -> None:
    """Take back the phone's placement of an item (skip it) while its matrix is open."""
    _check_item_id(item_id)
    workshop_id = participant.workshop_id
    # In the workshop's turn, as place_item: a phone's two tabs never lock in opposite orders.
    store.change_in_turn(workshop_id, _REMOVE, {"item_id": item_id, "participant_id": participant.id},
                         open_for=MATRICES, before=lambda conn: _item_row(conn, item_id, workshop_id))


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
    frame = rows_frame(rows, ROW_COLUMNS)
    frame["item_id"] = frame["item_id"].map(counted_for(items))
    frame = frame.dropna(subset=["item_id"])
    frame = frame.astype({"item_id": "int64", "participant_id": "int64", "x": "float64", "y": "float64"})
    # One phone, one voice per item: a source and its target placed by the same phone are averaged.
    frame = frame.groupby(["item_id", "participant_id"], as_index=False, sort=True)[["x", "y"]].mean()
    return frame[ROW_COLUMNS].reset_index(drop=True)
