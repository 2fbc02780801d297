"""Handing a deactivated account's work to another account.

The rule: deactivating an account never deletes or moves anything by itself. Its workshops and
forløb keep their co-facilitators and steering group, who go on running them as before, and no
one gains access they did not have (the raw interview notes stay as closed as they were).
When the administrator names a successor, every workshop and forløb the account owns moves to
that active account in the same transaction: the successor becomes the owner (and, as every
owner, reads those workshops' interview notes), and stops being listed as a co-facilitator or
steering-group member of what is now theirs. Each move is written to the audit log.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, select, update

from fea_core import audit, schema
from fea_core.roles import ServerShell

_W = schema.workshops
_WF = schema.workshop_facilitators
_C = schema.courses
_CF = schema.course_facilitators
_R = schema.interview_readers


def hand_over(conn: Connection, from_user: str, to_user: str, by: str | ServerShell) -> tuple[int, int]:
    """Move every workshop and forløb ``from_user`` owns to ``to_user`` inside the caller's transaction.

    :return: (workshops moved, forløb moved).
    """
    workshops = conn.execute(select(_W.c.id, _W.c.code).where(_W.c.owner == from_user).order_by(_W.c.id)).all()
    courses = conn.execute(select(_C.c.id, _C.c.name).where(_C.c.owner == from_user).order_by(_C.c.id)).all()
    ids = [w.id for w in workshops]
    if ids:
        conn.execute(update(_W).where(_W.c.id.in_(ids)).values(owner=to_user, revision=_W.c.revision + 1))
        # An owner is never also listed as a co-facilitator or named reader of their own workshop.
        conn.execute(delete(_WF).where(_WF.c.workshop_id.in_(ids), _WF.c.username == to_user))
        conn.execute(delete(_R).where(_R.c.workshop_id.in_(ids), _R.c.username == to_user))
    course_ids = [c.id for c in courses]
    if course_ids:
        conn.execute(update(_C).where(_C.c.id.in_(course_ids)).values(owner=to_user))
        conn.execute(delete(_CF).where(_CF.c.course_id.in_(course_ids), _CF.c.username == to_user))
    for w in workshops:
        audit.record(conn, by, "workshop.hand_over", to_user, f"workshop {w.code} from {from_user}")
    for c in courses:
        audit.record(conn, by, "course.hand_over", to_user, f"forløb {c.id} ({c.name}) from {from_user}")
    return len(workshops), len(courses)
