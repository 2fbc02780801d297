"""Interviews with notes in every field, each field's text carrying a unique marker string.

The confidentiality tests look for the markers where raw notes must never appear (the shared
screen, the phones, every export). ``fill_interviews`` returns the markers by where they sit.
"""

from __future__ import annotations

from sqlalchemy import select

from fea_core import interviews as iv
from fea_core import schema
from fea_core.storage import Store, utcnow


def owner_account(store: Store, workshop_id: int) -> str:
    """Make sure the workshop's owner has an active account (links and raw notes are for it); return its name.

    Written straight into the table with a hash nobody can log in with: these tests are about
    interviews, and a real bcrypt hash per test would cost a quarter of a second.
    """
    with store.write() as conn:
        owner = conn.execute(select(schema.workshops.c.owner).where(schema.workshops.c.id == workshop_id)).scalar_one()
        exists = conn.execute(select(schema.facilitators.c.id).where(schema.facilitators.c.username == owner)).first()
        if exists is None:
            conn.execute(
                schema.facilitators.insert().values(
                    username=owner, name=owner.title(), password_hash="!", created_at=utcnow()
                )
            )
    return owner


def make_link(store: Store, workshop_id: int, label: str = "AMR") -> iv.InterviewerLink:
    """Create an interviewer link as the workshop's owner."""
    return iv.create_link(store, workshop_id, label, by=owner_account(store, workshop_id))


def fill_interviews(store: Store, workshop_id: int, *, prefix: str = "RAWNOTE") -> dict[str, list[str]]:
    """Write two interviews through a link: every note field, advice and three points filled.

    Returns {"notes": [...], "advice": [...], "points": [...]} of the marker texts written. The
    points are what may go forward (they are the summary); notes and advice never may.
    """
    link = make_link(store, workshop_id)
    found: dict[str, list[str]] = {"notes": [], "advice": [], "points": []}
    for n in (1, 2):
        interview = iv.start_interview(store, link, group_size=n)
        for theme in iv.theme_keys():
            for field_name in iv.NOTE_FIELDS:
                text = f"{prefix}-{n}-{theme}-{field_name}-xq"
                iv.save_note(store, link, interview.number, theme, field_name, text)
                found["notes"].append(text)
        advice = f"{prefix}-{n}-advice-xq"
        iv.save_advice(store, link, interview.number, advice)
        found["advice"].append(advice)
        for position, theme in zip(iv.POINT_POSITIONS, ("samarbejde", "rammer", None)):
            point = f"Pointe {n}.{position} {prefix.lower()}"
            iv.save_point(store, link, interview.number, position, point, theme)
            found["points"].append(point)
        iv.set_confirmed(store, link, interview.number, True)
    return found


def fill_interview_tables(store: Store, workshop_id: int) -> None:
    """Put rows in every table migration 005 added: interviews, a point sent to trin 1, talk questions."""
    from fea_core import interview_summary, talk

    fill_interviews(store, workshop_id)
    first = interview_summary.summarise(store, workshop_id).points[0]
    interview_summary.send_to_trin_1(store, workshop_id, {first.ref: "problem"})
    talk.save_questions(store, workshop_id, ["Hvor er vi stærke?"])
