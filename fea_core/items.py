"""Problemløseren's lists (trin 1 and 3): problems, things to keep, and ideas for solutions.

Phones send items while the matching activity is open; the facilitator can add, edit, hide and
merge items at any time. Each item gets a number per workshop and kind (1, 2, 3, ... in creation
order) that the room uses to talk about it; numbers are never reused.

Merging keeps chains and resolves them when read: an item merged into a target that is later
merged into another target counts for the final one (``merge_roots``). So undoing one merge
(``unmerge_item``) gives back exactly what that merge took away, the item together with anything
that had been merged into it. A merge target must itself be visible and unmerged, so no cycle
can form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import case, func, select, update

from fea_core import schema
from fea_core.errors import DuplicateItem, StaleItem
from fea_core.model import (
    ACTIVITY_IDEAS,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS,
    ACTIVITY_SOLUTION_MATRIX,
    ITEM_IDEA,
    ITEM_KEEP,
    ITEM_KINDS,
    ITEM_PROBLEM,
    Item,
    Participant,
)
from fea_core.storage import Store, utcnow
from fea_core.text import clean_text
from fea_core.workshops import get_workshop, require_open_activity

ITEM_TEXT_MAX = 200
# The activity during which phones may send each kind.
SUBMITTED_DURING = {ITEM_PROBLEM: ACTIVITY_PROBLEMS, ITEM_KEEP: ACTIVITY_PROBLEMS, ITEM_IDEA: ACTIVITY_IDEAS}

_I = schema.items
_W = schema.workshops


def _row_to_item(row) -> Item:
    return Item(
        id=row.id,
        workshop_id=row.workshop_id,
        kind=row.kind,
        number=row.number,
        text=row.text,
        author_participant_id=row.author_participant_id,
        hidden=bool(row.hidden),
        merged_into=row.merged_into,
        created_at=row.created_at,
    )


def _check_kind(kind: str) -> None:
    if kind not in ITEM_KINDS:
        raise ValueError(f"unknown item kind {kind!r}")


def same_text_key(text: str) -> str:
    """Return the form two texts are compared in for duplicates: case and spacing ignored."""
    return " ".join(text.casefold().split())


def merge_roots(parents: Mapping[int, int | None]) -> dict[int, int]:
    """Return, for each item id, the item it finally counts for after following its merges.

    :param parents: every item's ``merged_into`` (None for an unmerged item), by item id.
    """
    roots: dict[int, int] = {}
    for start in parents:
        path, node = [], start
        while node not in roots:
            path.append(node)
            parent = parents.get(node)
            if parent is None or parent in path:  # unmerged (or, defensively, a cycle)
                break
            node = parent
        root = roots.get(node, node)
        for seen in path:
            roots[seen] = root
    return roots


def counted_for(items: Iterable) -> dict[int, int]:
    """Return {item id: the visible item its placements count for}, from rows with id, hidden and merged_into.

    A placement counts for the item its item was (finally) merged into. It does not count at all
    when the placed item, or any item on its way to that target, is hidden.
    """
    items = list(items)
    parents = {r.id: r.merged_into for r in items}
    hidden = {r.id for r in items if r.hidden}
    roots = merge_roots(parents)
    counted = {}
    for item_id in parents:
        node, seen, ok = item_id, set(), True
        while node is not None and node not in seen:
            if node in hidden:
                ok = False
                break
            seen.add(node)
            node = parents.get(node)
        if ok:
            counted[item_id] = roots[item_id]
    return counted


def get_item(store: Store, item_id: int) -> Item | None:
    """Return the item with this id, or None."""
    with store.read() as conn:
        row = conn.execute(select(_I).where(_I.c.id == item_id)).first()
    return _row_to_item(row) if row else None


# Phones draw items as cards only while placing them (trin 2 and 4). Tidying the lists at other
# times must not make a room of phones rerun their pages at once (each stage bump does).
_PLACED_DURING = {ITEM_PROBLEM: ACTIVITY_PROBLEM_MATRIX, ITEM_IDEA: ACTIVITY_SOLUTION_MATRIX}


def _phones_draw(store: Store, item: Item) -> bool:
    """Return whether phones show this item's kind as cards right now (then a change bumps the stage)."""
    workshop = get_workshop(store, item.workshop_id)
    return workshop is not None and workshop.activity == _PLACED_DURING.get(item.kind)


def _existing(store: Store, item_id: int) -> Item:
    is_id = isinstance(item_id, int) and not isinstance(item_id, bool) and 0 < item_id < 2**63  # SQLite's range
    item = get_item(store, item_id) if is_id else None
    if item is None:
        raise StaleItem(item_id=item_id, reason="unknown")
    return item


def _lock_workshop(conn, workshop_id: int):
    """Return the workshop's row, locked on PostgreSQL (SQLite already holds the write lock)."""
    # FOR NO KEY UPDATE: queues the workshop's numbering writes, not phones' answers referring to it.
    return conn.execute(
        select(_W.c.activity, _W.c.activity_open, _W.c.ended_at)
        .where(_W.c.id == workshop_id)
        .with_for_update(key_share=True)
    ).one()


def _check_duplicate(conn, workshop_id: int, kind: str, text: str, *, exclude_id: int | None = None) -> int:
    """Raise DuplicateItem if a listed item of the kind says the same; return the next free number."""
    key = same_text_key(text)
    # Every item of the kind in one round trip (the lock is held meanwhile): hidden and merged
    # ones keep their numbers, only listed ones count as duplicates.
    rows = conn.execute(
        select(_I.c.id, _I.c.number, _I.c.text, _I.c.hidden, _I.c.merged_into).where(
            _I.c.workshop_id == workshop_id, _I.c.kind == kind
        )
    ).all()
    for row in rows:
        listed = not row.hidden and row.merged_into is None
        if listed and row.id != exclude_id and same_text_key(row.text) == key:
            raise DuplicateItem(number=row.number, item_id=row.id)
    return max((row.number for row in rows), default=0) + 1


def _insert(conn, workshop_id: int, kind: str, text: str, author_id: int | None) -> int:
    number = _check_duplicate(conn, workshop_id, kind, text)
    return conn.execute(
        _I.insert().values(
            workshop_id=workshop_id,
            kind=kind,
            number=number,
            text=text,
            author_participant_id=author_id,
            created_at=utcnow(),
            hidden=False,
        )
    ).inserted_primary_key[0]


def submit_item(store: Store, participant: Participant, kind: str, text: str) -> Item:
    """Add a phone's problem, thing to keep or idea while the matching activity is open.

    Problems and things to keep are taken during trin 1 (``ACTIVITY_PROBLEMS``), ideas during
    trin 3 (``ACTIVITY_IDEAS``). Raises DuplicateItem (with the existing item's number) when
    the list already has the same text, ignoring case and spacing.
    """
    _check_kind(kind)
    cleaned = clean_text(text, max_length=ITEM_TEXT_MAX)
    with store.write(participant.workshop_id) as conn:
        # Checked inside the write: the facilitator may have moved on a moment ago.
        require_open_activity(conn, participant.workshop_id, SUBMITTED_DURING[kind])
        new_id = _insert(conn, participant.workshop_id, kind, cleaned, participant.id)
    return get_item(store, new_id)


def add_item_as_facilitator(store: Store, workshop_id: int, kind: str, text: str) -> Item:
    """Add an item typed by the facilitator, at any time; the same text rules as for phones."""
    _check_kind(kind)
    cleaned = clean_text(text, max_length=ITEM_TEXT_MAX)
    with store.write(workshop_id) as conn:
        _lock_workshop(conn, workshop_id)
        new_id = _insert(conn, workshop_id, kind, cleaned, None)
    return get_item(store, new_id)


def edit_item(store: Store, item_id: int, text: str) -> Item:
    """Replace an item's text (the facilitator tidies the wording); its number stays."""
    cleaned = clean_text(text, max_length=ITEM_TEXT_MAX)
    item = _existing(store, item_id)
    with store.write(item.workshop_id, stage=_phones_draw(store, item)) as conn:
        _lock_workshop(conn, item.workshop_id)
        _check_duplicate(conn, item.workshop_id, item.kind, cleaned, exclude_id=item.id)
        conn.execute(update(_I).where(_I.c.id == item.id).values(text=cleaned, edited_at=utcnow()))
    return get_item(store, item.id)


def hide_item(store: Store, item_id: int, hidden: bool = True) -> Item:
    """Hide an item from the room's lists and results (or show it again); nothing is deleted."""
    item = _existing(store, item_id)
    # stage: phones placing items must drop (or get back) this one.
    with store.write(item.workshop_id, stage=_phones_draw(store, item)) as conn:
        conn.execute(update(_I).where(_I.c.id == item.id).values(hidden=bool(hidden)))
    return get_item(store, item.id)


def merge_items(store: Store, target_id: int, source_ids: Iterable[int]) -> Item:
    """Merge items that say the same into a target; their placements then count for the target.

    The target must be visible and unmerged; the sources must be of the same workshop and kind
    (else StaleItem). A source that is itself a merge target brings its own sources along.
    """
    target = _existing(store, target_id)
    sources = [s for s in dict.fromkeys(source_ids) if s != target.id]
    if not sources:
        if not target.is_visible:
            raise StaleItem(item_id=target.id, reason="hidden" if target.hidden else "merged")
        return target  # nothing to merge: nothing to write
    with store.write(target.workshop_id, stage=_phones_draw(store, target)) as conn:
        _lock_workshop(conn, target.workshop_id)
        row = conn.execute(select(_I).where(_I.c.id == target.id)).one()
        if row.hidden or row.merged_into is not None:
            raise StaleItem(item_id=target.id, reason="hidden" if row.hidden else "merged")
        found = {r.id: r for r in conn.execute(select(_I).where(_I.c.id.in_(sources)))}
        for source_id in sources:
            source = found.get(source_id)
            if source is None or source.workshop_id != target.workshop_id:
                raise StaleItem(item_id=source_id, reason="unknown")
            if source.kind != target.kind:
                raise StaleItem(item_id=source_id, reason="other_kind")
        conn.execute(update(_I).where(_I.c.id.in_(sources)).values(merged_into=target.id))
    return get_item(store, target.id)


def unmerge_item(store: Store, source_id: int) -> Item:
    """Undo a merge: the item is on the list again, with the placements it had before."""
    item = _existing(store, source_id)
    if item.merged_into is None:
        return item  # already undone (a second click, another tab): nothing to write
    with store.write(item.workshop_id, stage=_phones_draw(store, item)) as conn:
        conn.execute(update(_I).where(_I.c.id == item.id).values(merged_into=None))
    return get_item(store, item.id)


def list_items(store: Store, workshop_id: int, kind: str, *, include_hidden: bool = False) -> list[Item]:
    """Return the workshop's unmerged items of a kind by number; hidden ones only when asked."""
    _check_kind(kind)
    query = select(_I).where(_I.c.workshop_id == workshop_id, _I.c.kind == kind, _I.c.merged_into.is_(None))
    if not include_hidden:
        query = query.where(_I.c.hidden.is_(False))
    with store.read() as conn:
        return [_row_to_item(r) for r in conn.execute(query.order_by(_I.c.number))]


def list_signature(store: Store, workshop_id: int, kinds: Iterable[str]) -> tuple:
    """Return a cheap fingerprint of the workshop's lists of these kinds (one aggregate query).

    It changes when an item is added, hidden, shown, merged, unmerged or edited to another
    length; an edit of the same length shows with the next change (the editing screen reruns anyway).
    """
    kinds = list(kinds)
    for kind in kinds:
        _check_kind(kind)
    query = select(
        func.count(), func.max(_I.c.id), func.sum(func.length(_I.c.text) * _I.c.id),
        func.sum(case((_I.c.hidden, _I.c.id), else_=0)), func.sum(func.coalesce(_I.c.merged_into, 0) * _I.c.id),
    ).where(_I.c.workshop_id == workshop_id, _I.c.kind.in_(kinds))
    with store.read() as conn:
        return tuple(conn.execute(query).one())


def items_by_author(store: Store, participant: Participant, kinds: Iterable[str]) -> list[Item]:
    """Return a phone's own listed items of these kinds (not hidden, not merged), kind by kind, by number."""
    kinds = list(kinds)
    for kind in kinds:
        _check_kind(kind)
    query = select(_I).where(
        _I.c.workshop_id == participant.workshop_id,
        _I.c.author_participant_id == participant.id,
        _I.c.kind.in_(kinds),
        _I.c.merged_into.is_(None),
        _I.c.hidden.is_(False),
    )
    with store.read() as conn:
        found = [_row_to_item(r) for r in conn.execute(query)]
    return sorted(found, key=lambda i: (kinds.index(i.kind), i.number))


def all_items(store: Store, workshop_id: int, kind: str) -> list[Item]:
    """Return every item of a kind by number: hidden and merged ones too."""
    _check_kind(kind)
    with store.read() as conn:
        rows = conn.execute(
            select(_I).where(_I.c.workshop_id == workshop_id, _I.c.kind == kind).order_by(_I.c.number)
        )
        return [_row_to_item(r) for r in rows]


def merged_sources(store: Store, target_id: int) -> list[Item]:
    """Return the items that count for this one through merges (directly or via another), by number."""
    target = get_item(store, target_id)
    if target is None:
        return []
    return merged_sources_by_target(store, target.workshop_id, target.kind).get(target.id, [])


def merged_sources_by_target(store: Store, workshop_id: int, kind: str) -> dict[int, list[Item]]:
    """Return, for every item that has any, the items merged into it (directly or via another).

    One read for the whole list: the shared screen asks every second.
    """
    siblings = all_items(store, workshop_id, kind)
    parents = {i.id: i.merged_into for i in siblings}
    return {
        target.id: sources
        for target in siblings
        if (sources := [i for i in siblings if _passes_through(i.id, target.id, parents)])
    }


def _passes_through(item_id: int, target_id: int, parents: Mapping[int, int | None]) -> bool:
    seen, node = {item_id}, parents.get(item_id)
    while node is not None and node not in seen:
        if node == target_id:
            return True
        seen.add(node)
        node = parents.get(node)
    return False
