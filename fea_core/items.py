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

import functools
from collections.abc import Iterable, Mapping

from sqlalchemy import (
    Boolean,
    DateTime,
    Integer,
    String,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)

from fea_core import flow, schema
from fea_core.errors import DuplicateItem, FeaError, StaleItem
from fea_core.model import (
    ITEM_KINDS,
    Item,
    Participant,
)
from fea_core.storage import Store, check_open_activity, utcnow
from fea_core.text_cleaning import clean_text, same_text_key
from fea_core.workshops import get_workshop

ITEM_TEXT_MAX = 200
# What one phone may send in one step (trin 1: problems and things to keep together; trin 3:
# ideas). A room's list is read aloud: 20 is more than anyone says, and one phone can no longer
# flood the list (500 problems in 13 s were all listed). Hidden and merged ones count too.
ITEMS_PER_STEP_MAX = 20

_I = schema.items


class TooManyItems(FeaError):
    """The phone already sent ITEMS_PER_STEP_MAX items in this step; params: limit."""

    code = "items.too_many"
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


def _phones_draw(store: Store, item: Item) -> bool:
    """Return whether phones show this item's kind as cards right now (then a change bumps the stage)."""
    workshop = get_workshop(store, item.workshop_id)
    return workshop is not None and workshop.activity == flow.placed_during(item.kind)


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


def _listed_same(workshop_id, kind: str, text_key):
    """Return a query for the listed items (not hidden, not merged) of the kind whose text key is
    ``text_key`` (same_text_key of a text): the same words."""
    return select(_I.c.id, _I.c.number).where(
        _I.c.workshop_id == workshop_id,
        _I.c.kind == kind,
        _I.c.text_key == text_key,  # an indexed lookup, however long the list
        _I.c.hidden.is_(False),
        _I.c.merged_into.is_(None),
    )


def _next_number(workshop_id, kind: str):
    # Hidden and merged items keep their numbers: the next one follows the highest ever given.
    return (
        select(func.coalesce(func.max(_I.c.number), 0) + 1)
        .where(_I.c.workshop_id == workshop_id, _I.c.kind == kind)
        .scalar_subquery()
    )


def _check_duplicate(conn, workshop_id: int, kind: str, text: str, *, exclude_id: int | None = None) -> None:
    """Raise DuplicateItem if a listed item of the kind says the same (the workshop's row is locked)."""
    same = _listed_same(workshop_id, kind, same_text_key(text))
    if exclude_id is not None:
        same = same.where(_I.c.id != exclude_id)
    same = conn.execute(same.limit(1)).first()
    if same is not None:
        raise DuplicateItem(number=same.number, item_id=same.id)


def step_kinds(kind: str) -> tuple[str, ...]:
    """Return the kinds phones send in the same step as kind (problem and keep together)."""
    return flow.sent_together(kind)


def _sent_in_step(workshop_id, kind: str, author_id):
    """Return a query counting the items a phone sent in kind's step, hidden and merged ones included."""
    # Equalities, not IN: the query is part of a shape compiled once (fea_core.storage's turn).
    of_step = or_(*(_I.c.kind == k for k in step_kinds(kind)))
    return (
        select(func.count())
        .select_from(_I)
        .where(_I.c.workshop_id == workshop_id, _I.c.author_participant_id == author_id, of_step)
        .scalar_subquery()
    )


def _check_step_limit(conn, workshop_id: int, kind: str, author_id: int) -> None:
    if conn.execute(select(_sent_in_step(workshop_id, kind, author_id))).scalar_one() >= ITEMS_PER_STEP_MAX:
        raise TooManyItems(limit=ITEMS_PER_STEP_MAX)


def _insert_unless_listed(workshop_id: int, kind: str, text: str, author_id: int | None) -> tuple:
    """Return (statement, values): an INSERT of the item with the next number that inserts nothing
    if the list has its text, or (for a phone's item) if the phone has sent its limit for the step."""
    values = {"workshop_id": workshop_id, "text": text, "text_key": same_text_key(text),
              "author_participant_id": author_id, "created_at": utcnow()}
    return _insert_shape(kind, author_id is not None), values


@functools.cache
def _insert_shape(kind: str, by_phone: bool):
    """The INSERT of _insert_unless_listed, built once per kind (values bound per call)."""
    workshop_id, text_key = bindparam("workshop_id", type_=Integer), bindparam("text_key", type_=String)
    author_id = bindparam("author_participant_id", type_=Integer)
    row = select(
        workshop_id,
        literal(kind),
        _next_number(workshop_id, kind),
        bindparam("text", type_=String),
        text_key,
        author_id,
        bindparam("created_at", type_=DateTime(timezone=True)),
        literal(False, Boolean),
    ).where(~exists(_listed_same(workshop_id, kind, text_key)))
    if by_phone:
        row = row.where(_sent_in_step(workshop_id, kind, author_id) < ITEMS_PER_STEP_MAX)
    columns = ["workshop_id", "kind", "number", "text", "text_key", "author_participant_id", "created_at", "hidden"]
    return _I.insert().from_select(columns, row).returning(*_I.c)


def _insert(conn, workshop_id: int, kind: str, text: str, author_id: int | None) -> int:
    _check_duplicate(conn, workshop_id, kind, text)
    return conn.execute(*_insert_unless_listed(workshop_id, kind, text, author_id)).one().id


def submit_item(store: Store, participant: Participant, kind: str, text: str) -> Item:
    """Add a phone's problem, thing to keep or idea while the matching activity is open.

    Problems and things to keep are taken during trin 1 (``ACTIVITY_PROBLEMS``), ideas during
    trin 3 (``ACTIVITY_IDEAS``). Raises DuplicateItem (with the existing item's number) when
    the list already has the same text, ignoring case, spacing and invisible characters, and
    TooManyItems when the phone already sent ITEMS_PER_STEP_MAX items in this step.
    """
    _check_kind(kind)
    cleaned = clean_text(text, max_length=ITEM_TEXT_MAX)
    wid, during = participant.workshop_id, flow.sent_during(kind)
    # Numbered and checked for duplicates in the workshop's turn: 200 phones sending at once
    # queue for one round trip each, not for the whole save.
    row = store.change_in_turn(wid, *_insert_unless_listed(wid, kind, cleaned, participant.id), open_for=during)
    if row is not None:
        return _row_to_item(row)
    with store.read() as conn:
        check_open_activity(conn, wid, (during,))  # a step that moved on is the first thing to say
        _check_step_limit(conn, wid, kind, participant.id)
        _check_duplicate(conn, wid, kind, cleaned)
    # The same text was listed a moment ago and hidden or merged since: save it the slow way.
    with store.write(wid, open_for=during) as conn:
        _lock_workshop(conn, wid)
        _check_step_limit(conn, wid, kind, participant.id)
        new_id = _insert(conn, wid, kind, cleaned, participant.id)
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
        conn.execute(
            update(_I)
            .where(_I.c.id == item.id)
            .values(text=cleaned, text_key=same_text_key(cleaned), edited_at=utcnow())
        )
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
        _rows_of(conn, sources, target.workshop_id, target.kind)
        conn.execute(update(_I).where(_I.c.id.in_(sources)).values(merged_into=target.id))
    return get_item(store, target.id)


def _rows_of(conn, item_ids: list[int], workshop_id: int, kind: str) -> dict:
    """Return the rows of these items by id, in the caller's transaction; StaleItem for one that
    is gone, of another workshop or of another kind."""
    found = {r.id: r for r in conn.execute(select(_I).where(_I.c.id.in_(item_ids)))}
    for item_id in item_ids:
        row = found.get(item_id)
        if row is None or row.workshop_id != workshop_id:
            raise StaleItem(item_id=item_id, reason="unknown")
        if row.kind != kind:
            raise StaleItem(item_id=item_id, reason="other_kind")
    return found


def merge_listed(store: Store, item_ids: Iterable[int]) -> Item:
    """Merge several listed items into one in one action: the lowest number stays, the others count for it.

    Every item keeps its number; the merged ones are then listed under the one that stays. All of
    them must still be listed (not hidden, not merged), of one workshop and one kind, checked in
    the same transaction as the merge: a suggestion or a choice made a moment ago that another tab
    has changed since raises StaleItem and merges nothing.
    """
    ids = list(dict.fromkeys(item_ids))
    if len(ids) < 2:
        raise ValueError("merging needs at least two items")
    first = _existing(store, ids[0])
    with store.write(first.workshop_id, stage=_phones_draw(store, first)) as conn:
        _lock_workshop(conn, first.workshop_id)
        found = _rows_of(conn, ids, first.workshop_id, first.kind)
        for item_id, row in found.items():
            if row.hidden or row.merged_into is not None:
                raise StaleItem(item_id=item_id, reason="hidden" if row.hidden else "merged")
        target = min(found.values(), key=lambda r: r.number)
        sources = [i for i in ids if i != target.id]
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


def hidden_items(store: Store, workshop_id: int, kind: str, *, newest: int | None = None) -> list[Item]:
    """Return the workshop's hidden (unmerged) items of a kind, by number: what can be shown again.

    :param newest: only the last this many by number (a long temadag can hide thousands).
    """
    _check_kind(kind)
    query = select(_I).where(
        _I.c.workshop_id == workshop_id, _I.c.kind == kind, _I.c.merged_into.is_(None), _I.c.hidden.is_(True)
    )
    if newest is not None:
        query = query.order_by(_I.c.number.desc()).limit(newest)
    with store.read() as conn:
        found = [_row_to_item(r) for r in conn.execute(query)]
    return sorted(found, key=lambda i: i.number)


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
    return items_by_authors(store, participant.workshop_id, [participant.id], kinds)[participant.id]


def items_by_authors(
    store: Store, workshop_id: int, participant_ids: list[int], kinds: Iterable[str]
) -> dict[int, list[Item]]:
    """Return each phone's own listed items of these kinds in one read, as ``items_by_author`` does."""
    found: dict[int, list[Item]] = {pid: [] for pid in participant_ids}
    with store.read() as conn:  # every phone state of trin 1 and 3 reads it: a shape built once
        for r in conn.execute(_by_authors(tuple(kinds)), {"workshop_id": workshop_id, "authors": list(found)}):
            found[r.author_participant_id].append(_row_to_item(r))
    return found


@functools.cache
def _by_authors(kinds: tuple[str, ...]):
    for kind in kinds:
        _check_kind(kind)
    in_order = case({kind: n for n, kind in enumerate(kinds)}, value=_I.c.kind)
    return select(_I).where(
        _I.c.workshop_id == bindparam("workshop_id", type_=Integer),
        _I.c.author_participant_id.in_(bindparam("authors", expanding=True)),
        _I.c.kind.in_(kinds),
        _I.c.merged_into.is_(None),
        _I.c.hidden.is_(False),
    ).order_by(in_order, _I.c.number)


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
    """Return, for every item that has any, the items merged into it (directly or via another), by number.

    One read of the merged items only, and one walk up each one's chain: the shared screen asks
    every second, and a long temadag has thousands of items.
    """
    _check_kind(kind)
    with store.read() as conn:
        rows = conn.execute(
            select(_I)
            .where(_I.c.workshop_id == workshop_id, _I.c.kind == kind, _I.c.merged_into.is_not(None))
            .order_by(_I.c.number)
        )
        merged = [_row_to_item(r) for r in rows]
    parents = {i.id: i.merged_into for i in merged}  # a chain's last target is not merged: not a key
    sources: dict[int, list[Item]] = {}
    for item in merged:
        seen, node = {item.id}, item.merged_into
        while node is not None and node not in seen:
            sources.setdefault(node, []).append(item)
            seen.add(node)
            node = parents.get(node)
    return sources
