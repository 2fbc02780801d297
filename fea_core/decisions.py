"""What the room chose in Problemløseren: the problem (trin 2, with its description) and the idea (trin 4)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from fea_core import schema
from fea_core.errors import StaleItem
from fea_core.items import counted_for
from fea_core.model import ITEM_IDEA, ITEM_PROBLEM
from fea_core.storage import Store, utcnow
from fea_core.text_cleaning import clean_text

PROBLEM_DESCRIPTION_MAX = 2000

_D = schema.decisions
_I = schema.items


@dataclass(frozen=True)
class Decisions:
    """The room's choices so far; None where nothing is chosen or described yet."""

    chosen_problem_id: int | None = None
    problem_description: str | None = None
    chosen_idea_id: int | None = None


def _save(conn, workshop_id: int, **values) -> None:
    values["updated_at"] = utcnow()
    exists = conn.execute(select(_D.c.workshop_id).where(_D.c.workshop_id == workshop_id)).first()
    if exists:
        conn.execute(update(_D).where(_D.c.workshop_id == workshop_id).values(**values))
    else:
        conn.execute(_D.insert().values(workshop_id=workshop_id, **values))


def _choose(store: Store, workshop_id: int, item_id: int | None, kind: str, column: str) -> Decisions:
    # stage: the phones may show what the room chose.
    with store.write(workshop_id, stage=True) as conn:
        if item_id is not None:
            row = None
            if isinstance(item_id, int) and not isinstance(item_id, bool):
                row = conn.execute(select(_I).where(_I.c.id == item_id)).first()
            if row is None or row.workshop_id != workshop_id or row.kind != kind:
                raise StaleItem(item_id=item_id, reason="unknown")
            if row.hidden or row.merged_into is not None:
                raise StaleItem(item_id=item_id, reason="hidden" if row.hidden else "merged")
        _save(conn, workshop_id, **{column: item_id})
    return get_decisions(store, workshop_id)


def choose_problem(store: Store, workshop_id: int, item_id: int | None) -> Decisions:
    """Record the problem the room will do something about (None: undo the choice)."""
    return _choose(store, workshop_id, item_id, ITEM_PROBLEM, "chosen_problem_id")


def choose_idea(store: Store, workshop_id: int, item_id: int | None) -> Decisions:
    """Record the idea the room will take forward (None: undo the choice)."""
    return _choose(store, workshop_id, item_id, ITEM_IDEA, "chosen_idea_id")


def describe_problem(store: Store, workshop_id: int, text: str | None) -> Decisions:
    """Save "Beskriv det problem, I vil gøre noget ved" (several lines; None clears it)."""
    cleaned = None if text is None else clean_text(text, max_length=PROBLEM_DESCRIPTION_MAX, multiline=True)
    # Revision only: the facilitator types this in several saves, and phones need not rerun for each.
    with store.write(workshop_id) as conn:
        _save(conn, workshop_id, problem_description=cleaned)
    return get_decisions(store, workshop_id)


def get_decisions(store: Store, workshop_id: int) -> Decisions:
    """Return the room's choices; a chosen item merged since counts as the item it was merged into.

    A chosen item hidden since (or merged into a hidden one) reads as not chosen.
    """
    with store.read() as conn:
        row = conn.execute(select(_D).where(_D.c.workshop_id == workshop_id)).first()
        if row is None:
            return Decisions()
        items = conn.execute(
            select(_I.c.id, _I.c.hidden, _I.c.merged_into).where(_I.c.workshop_id == workshop_id)
        ).all()
    counts = counted_for(items)

    def current(item_id: int | None) -> int | None:
        return None if item_id is None else counts.get(item_id)

    return Decisions(
        chosen_problem_id=current(row.chosen_problem_id),
        problem_description=row.problem_description,
        chosen_idea_id=current(row.chosen_idea_id),
    )
