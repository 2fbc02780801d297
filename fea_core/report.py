"""The handleplan document's content: everything an export needs, gathered in one object.

``build_report`` (further down) reads it from the store; the exporters in
``fea_core.export`` only format a ``Report`` and never touch the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from fea_core.aggregate import CompetenceSummary
from fea_core.method import Factor, Matrix
from fea_core.model import Item, Workshop

# An action's status over the months after the workshop (labels in data/ui.toml: status.<key>).
ACTION_STATUSES = ("not_started", "in_progress", "done", "adjusted", "dropped")


@dataclass(frozen=True)
class Action:
    """One concrete agreement of trin 6: what, who, by when, how it is followed up, status."""

    id: int | None
    position: int
    what: str
    owner: str
    deadline: date | None
    follow_up: str
    status: str = "not_started"


@dataclass(frozen=True)
class RawData:
    """The anonymous raw data for the workplace's own analysis (no tokens, no names)."""

    ratings: pd.DataFrame  # participant (anonymous number), role, factor, value (NaN = Ved ikke)
    items: pd.DataFrame  # kind, number, text, hidden, merged_into_number, by_facilitator
    placements: pd.DataFrame  # kind, item_number, participant, x, y
    actions: pd.DataFrame  # position, what, owner, deadline, follow_up, status


@dataclass(frozen=True)
class Report:
    """A workshop's handleplan with its background, in one language."""

    language: str
    generated_at: datetime
    workshop: Workshop
    participants: int
    factors: tuple[Factor, ...]
    competence: CompetenceSummary
    competence_caption: str
    problems: tuple[Item, ...]
    keep_items: tuple[Item, ...]
    problem_matrix: Matrix
    problem_positions: pd.DataFrame  # quadrants.ranking(): number, text, means, spreads, n, quadrant_label
    chosen_problem: Item | None
    problem_description: str | None
    ideas: tuple[Item, ...]
    solution_matrix: Matrix
    idea_positions: pd.DataFrame
    chosen_idea: Item | None
    support_questions: tuple[str, ...]
    support_answers: tuple[str, ...]  # same length as the questions; "" when unanswered
    actions: tuple[Action, ...]
    follow_up_process: str  # how the group follows up on what works and adjusts
    next_follow_up: date | None
    raw: RawData
