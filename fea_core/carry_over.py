"""The next workshop of a forløb starts where the previous one left off.

Its trin 1 starts with the previous workshop's open problems (typed in by the facilitator, as
it were), and its handleplan with the previous plan's open actions. A carried action is a new
action of the new workshop that remembers where it came from (``carried_actions``), so its
history goes on and the steering group's overview counts it once, not twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from fea_core import schema
from fea_core.action_history import is_open
from fea_core.courses import get_course, link_in
from fea_core.decisions import get_decisions
from fea_core.handleplan import list_actions
from fea_core.items import list_items
from fea_core.model import ITEM_PROBLEM, Item, Workshop
from fea_core.model import Action
from fea_core.storage import Store, utcnow
from fea_core.workshops import create_workshop, get_workshop

_I = schema.items
_A = schema.actions
_CA = schema.carried_actions


def open_problems(store: Store, workshop_id: int) -> list[Item]:
    """Return the problems a workshop left open: on its list (not hidden or merged away), not the one it chose.

    The chosen problem is worked on through the handleplan's actions, which carry over themselves.
    """
    chosen = get_decisions(store, workshop_id).chosen_problem_id
    return [i for i in list_items(store, workshop_id, ITEM_PROBLEM) if i.id != chosen]


def open_actions(store: Store, workshop_id: int) -> list[Action]:
    """Return the handleplan's actions that are neither Gennemført nor Opgivet."""
    return [a for a in list_actions(store, workshop_id) if is_open(a)]


def start_next_workshop(
    store: Store,
    course_id: int,
    *,
    previous_id: int | None,
    name: str,
    held_on: date,
    theme: str,
    owner: str,
    problem_ids: Iterable[int] = (),
    action_ids: Iterable[int] = (),
) -> Workshop:
    """Create the forløb's next workshop, starting from chosen open problems and actions of the previous one.

    Ids that are not the previous workshop's (or not open) are ignored. The new workshop belongs
    to the forløb and is shared with its steering group.
    """
    course = get_course(store, course_id)
    if course is None:
        raise ValueError(f"no course with id {course_id}")
    workshop = create_workshop(
        store, name=name, department=course.department, held_on=held_on, theme=theme,
        language=course.language, owner=owner,
    )
    problems, actions = [], []
    if previous_id is not None:
        wanted_p, wanted_a = set(problem_ids), set(action_ids)
        problems = [p for p in open_problems(store, previous_id) if p.id in wanted_p]
        actions = [a for a in open_actions(store, previous_id) if a.id in wanted_a]
    now = utcnow()
    with store.write(workshop.id) as conn:
        link_in(conn, course_id, workshop.id)
        for number, problem in enumerate(problems, start=1):
            conn.execute(_I.insert().values(
                workshop_id=workshop.id, kind=ITEM_PROBLEM, number=number, text=problem.text,
                author_participant_id=None, created_at=now, hidden=False,
            ))
        for position, action in enumerate(actions, start=1):
            new_id = conn.execute(_A.insert().values(
                workshop_id=workshop.id, position=position, what=action.what, owner=action.owner,
                deadline=action.deadline.isoformat() if action.deadline else None,
                follow_up=action.follow_up, status=action.status, created_at=now, updated_at=now,
            )).inserted_primary_key[0]
            conn.execute(_CA.insert().values(action_id=new_id, from_action_id=action.id))
    return get_workshop(store, workshop.id)


def carried_ids(store: Store, action_ids: Iterable[int]) -> set[int]:
    """Return which of these actions were carried over into a later workshop (the later copy counts)."""
    ids = list(action_ids)
    if not ids:
        return set()
    with store.read() as conn:
        return set(conn.execute(select(_CA.c.from_action_id).where(_CA.c.from_action_id.in_(ids))).scalars())

