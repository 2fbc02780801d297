"""The Vidensoplæg (knowledge talk): the dialogue questions the facilitator puts to the room.

The talk itself is the facilitator's; the app shows the competence model (figure 1), the theme
the workplace chose and these questions on the shared screen, then leads into the rating.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import select

from fea_core import schema
from fea_core.errors import FeaError
from fea_core.storage import Store, utcnow
from fea_core.text_cleaning import clean_text

QUESTION_MAX = 200
QUESTIONS_MAX = 8  # what a room can see at once, in type read from the back

_T = schema.talks


class TooManyQuestions(FeaError):
    """More dialogue questions than fit on the shared screen; params: limit."""

    code = "talk.too_many_questions"


def get_questions(store: Store, workshop_id: int) -> tuple[str, ...] | None:
    """Return the workshop's dialogue questions, or None if the facilitator never saved any."""
    with store.read() as conn:
        raw = conn.execute(select(_T.c.questions).where(_T.c.workshop_id == workshop_id)).scalar()
    return None if raw is None else tuple(json.loads(raw))


def save_questions(store: Store, workshop_id: int, questions: Iterable[object]) -> tuple[str, ...]:
    """Save the dialogue questions in order; blank rows are dropped, an empty list is kept as empty.

    Raises InvalidText for a question that is too long or not text, TooManyQuestions past the limit;
    nothing is saved then.
    """
    cleaned = []
    for question in questions:
        if question is None or (isinstance(question, str) and not question.strip()):
            continue
        cleaned.append(clean_text(question, max_length=QUESTION_MAX))
    if len(cleaned) > QUESTIONS_MAX:
        raise TooManyQuestions(limit=QUESTIONS_MAX)
    values = {"questions": json.dumps(cleaned, ensure_ascii=False), "updated_at": utcnow()}
    with store.write(workshop_id) as conn:
        if conn.execute(_T.update().where(_T.c.workshop_id == workshop_id).values(**values)).rowcount == 0:
            conn.execute(_T.insert().values(workshop_id=workshop_id, **values))
    return tuple(cleaned)
