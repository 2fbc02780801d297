"""The handleplan document's content: everything an export needs, gathered in one object.

``build_report`` (further down) reads it from the store; the exporters in
``fea_core.export`` only format a ``Report`` and never touch the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from sqlalchemy import select

from fea_core import handleplan, release, schema
from fea_core.aggregate import ALL_GROUP, MIN_GROUP_SIZE, CompetenceSummary, competence_summary
from fea_core.decisions import get_decisions
from fea_core.frames import rows_frame
from fea_core.i18n import translate
from fea_core.interview_summary import InterviewSummary, summarise
from fea_core.items import all_items, get_item, list_items, merged_sources_by_target
from fea_core.method import Factor, Matrix, load_method
from fea_core.model import ACTION_STATUSES, ITEM_IDEA, ITEM_KEEP, ITEM_KINDS, ITEM_PROBLEM, Action, Item, Workshop  # noqa: F401 (ACTION_STATUSES: still importable from here)
from fea_core.participation import count_participants
from fea_core.placement import placement_rows
from fea_core.quadrants import positions, ranking
from fea_core.storage import Store, utcnow
from fea_core.workshops import get_workshop

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
    # For each shown problem or idea that others were merged into: their numbers (hidden ones
    # left out, their words are off the record). The items lists above hold no merged items.
    merged_numbers: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    # Arbejdsmiljøinterviewet's anonymous overview (counts per theme, key points), never raw notes.
    interviews: InterviewSummary | None = None


RATING_RAW_COLUMNS = ["participant", "role", "factor", "value"]
ITEM_RAW_COLUMNS = ["kind", "number", "text", "hidden", "merged_into_number", "by_facilitator"]
PLACEMENT_RAW_COLUMNS = ["kind", "item_number", "participant", "x", "y"]
ACTION_RAW_COLUMNS = ["position", "what", "owner", "deadline", "follow_up", "status"]


def anonymous_numbers(tokens: Mapping[int, str]) -> dict[int, int]:
    """Return {participant id: 1..n}, numbered in an order that says nothing about who joined when.

    The order is that of a hash of each phone's secret token: stable for one workshop (two
    exports agree) but unrelated to join order, which people in the room could remember.
    """
    order = sorted(tokens, key=lambda pid: (hashlib.sha256(tokens[pid].encode()).hexdigest(), pid))
    return {pid: number for number, pid in enumerate(order, start=1)}


def _participant_tokens(store: Store, workshop_id: int) -> dict[int, str]:
    with store.read() as conn:
        rows = conn.execute(
            select(schema.participants.c.id, schema.participants.c.token).where(
                schema.participants.c.workshop_id == workshop_id
            )
        ).all()
    return {r.id: r.token for r in rows}


def _raw_placements(store: Store, workshop_id: int) -> pd.DataFrame:
    """Return every placement as the phone made it: kind, item_number, participant_id, x, y."""
    pl, it = schema.placements, schema.items
    with store.read() as conn:
        rows = conn.execute(
            select(it.c.kind, it.c.number, pl.c.participant_id, pl.c.x, pl.c.y)
            .join(it, it.c.id == pl.c.item_id)
            .where(pl.c.workshop_id == workshop_id)
        ).all()
    return rows_frame(rows, ["kind", "item_number", "participant_id", "x", "y"])


def _raw_items(every_item: Sequence[Item]) -> pd.DataFrame:
    numbers = {i.id: i.number for i in every_item}
    frame = pd.DataFrame(
        {
            "kind": [i.kind for i in every_item],
            "number": [i.number for i in every_item],
            # A facilitator hides what is off-topic or names a colleague: its words stay out.
            "text": ["" if i.hidden else i.text for i in every_item],
            "hidden": [i.hidden for i in every_item],
            "merged_into_number": pd.array(
                [numbers.get(i.merged_into) if i.merged_into is not None else None for i in every_item], dtype="Int64"
            ),
            "by_facilitator": [i.author_participant_id is None for i in every_item],
        },
        columns=ITEM_RAW_COLUMNS,
    )
    return frame.astype({"kind": "object", "number": "int64", "text": "object", "hidden": "bool", "by_facilitator": "bool"})


def raw_data(
    store: Store,
    workshop_id: int,
    *,
    ratings: pd.DataFrame,
    every_item: Sequence[Item],
    actions: Sequence[Action],
    shown_roles: Collection[str],
    factor_order: Sequence[str],
) -> RawData:
    """Return the anonymous raw data: participants as numbers 1..n, never ids or tokens.

    A participant's role is kept only for the groups the competence profile shows (``shown_roles``):
    a group too small to show, or a breakdown withheld, would otherwise point at people. A round
    with fewer than MIN_GROUP_SIZE raters has no rating rows at all.
    """
    if ratings["participant_id"].nunique() < MIN_GROUP_SIZE:
        # One or two raters: their rows would be their answers, which the screen and the
        # documents withhold (a rater knows their own row, so the other one is someone's).
        ratings = ratings.iloc[0:0]
    placed = _raw_placements(store, workshop_id)
    tokens = _participant_tokens(store, workshop_id)
    taking_part = set(ratings["participant_id"]) | set(placed["participant_id"])
    number = anonymous_numbers({pid: tok for pid, tok in tokens.items() if pid in taking_part})
    kind_order = {kind: i for i, kind in enumerate(ITEM_KINDS)}

    factor_rank = {key: i for i, key in enumerate(factor_order)}
    rated = pd.DataFrame(
        {
            "participant": ratings["participant_id"].map(number).astype("int64"),
            "role": [role if role in shown_roles else None for role in ratings["role"]],
            "factor": ratings["factor"].astype("object"),
            "value": ratings["value"].astype("float64"),
        },
        columns=RATING_RAW_COLUMNS,
    )
    rated = (
        rated.assign(_f=rated["factor"].map(factor_rank))
        .sort_values(["participant", "_f"], kind="stable")
        .drop(columns="_f")
        .reset_index(drop=True)
    )

    placements = pd.DataFrame(
        {
            "kind": placed["kind"].astype("object"),
            "item_number": placed["item_number"].astype("int64"),
            "participant": placed["participant_id"].map(number).astype("int64"),
            "x": placed["x"].astype("int64"),
            "y": placed["y"].astype("int64"),
        },
        columns=PLACEMENT_RAW_COLUMNS,
    )
    placements = (
        placements.assign(_k=placements["kind"].map(kind_order))
        .sort_values(["_k", "item_number", "participant"], kind="stable")
        .drop(columns="_k")
        .reset_index(drop=True)
    )

    items_frame = _raw_items(sorted(every_item, key=lambda i: (kind_order[i.kind], i.number)))
    action_frame = pd.DataFrame(
        {
            "position": pd.Series([a.position for a in actions], dtype="int64"),
            "what": pd.Series([a.what for a in actions], dtype="object"),
            "owner": pd.Series([a.owner for a in actions], dtype="object"),
            "deadline": pd.Series([a.deadline for a in actions], dtype="object"),
            "follow_up": pd.Series([a.follow_up for a in actions], dtype="object"),
            "status": pd.Series([a.status for a in actions], dtype="object"),
        },
        columns=ACTION_RAW_COLUMNS,
    )
    return RawData(ratings=rated, items=items_frame, placements=placements, actions=action_frame)


def fully_shown_roles(competence: CompetenceSummary, factor_keys: Sequence[str]) -> set[str]:
    """Return the groups shown for every factor: only they may be named in the raw data.

    The disclosure rule kept each of them only if the room minus them is empty or 3 or more
    people, so the raw rows without a group point at no fewer than 3 people either.
    """
    profile = competence.profile
    roles = set(profile["group_key"]) - {ALL_GROUP}
    return {
        role for role in roles
        if all(pd.isna(w) for w in profile.loc[profile["group_key"] == role, "withheld"])
        and set(profile.loc[profile["group_key"] == role, "factor"]) >= set(factor_keys)
    }


def released_competence(released: release.Release, language: str) -> CompetenceSummary:
    """Return the competence profile of a workshop's released answers, the whole room and each group
    as the disclosure rule lets them be shown: what the handleplan and the status report print."""
    method = load_method(language)
    return competence_summary(
        released.rows,
        method.factors,
        all_label=translate(language, "competence.all"),
        role_labels={r.key: r.label for r in method.roles},
        decisions=released.decisions,
    )


def printed_interviews(store: Store, workshop_id: int, language: str) -> InterviewSummary:
    """Return the workshop's anonymous interview overview as the documents print it."""
    return summarise(store, workshop_id, language, general_title=translate(language, "interviews.general"))


def build_report(store: Store, workshop_id: int, language: str) -> Report:
    """Gather a workshop's handleplan and its background from the store, in a language ("da"/"en")."""
    workshop = get_workshop(store, workshop_id)
    if workshop is None:
        raise LookupError(f"no workshop with id {workshop_id}")
    method = load_method(language)

    # Only the released answers, as the screen shows them: an export taken during the round
    # must not be readable against the screen or another export (fea_core.release).
    released = release.released(store, workshop, advance=True)
    ratings = released.rows
    competence = released_competence(released, language)
    shown_roles = fully_shown_roles(competence, [f.key for f in method.factors])

    problems = tuple(list_items(store, workshop_id, ITEM_PROBLEM))
    keep_items = tuple(list_items(store, workshop_id, ITEM_KEEP))
    ideas = tuple(list_items(store, workshop_id, ITEM_IDEA))
    problem_positions = ranking(
        positions(problems, placement_rows(store, workshop_id, ITEM_PROBLEM), method.problem_matrix)
    )
    idea_positions = ranking(positions(ideas, placement_rows(store, workshop_id, ITEM_IDEA), method.solution_matrix))

    chosen = get_decisions(store, workshop_id)
    chosen_problem = get_item(store, chosen.chosen_problem_id) if chosen.chosen_problem_id is not None else None
    chosen_idea = get_item(store, chosen.chosen_idea_id) if chosen.chosen_idea_id is not None else None

    actions = handleplan.list_actions(store, workshop_id)
    process, next_date = handleplan.follow_up(store, workshop_id)
    every_item = [item for kind in ITEM_KINDS for item in all_items(store, workshop_id, kind)]
    merged_numbers = {
        target: tuple(i.number for i in sources if not i.hidden)
        for kind in ITEM_KINDS
        for target, sources in merged_sources_by_target(store, workshop_id, kind).items()
        if any(not i.hidden for i in sources)
    }

    return Report(
        language=language,
        generated_at=utcnow(),
        workshop=workshop,
        participants=count_participants(store, workshop_id),
        factors=method.factors,
        competence=competence,
        competence_caption=method.competence_caption,
        problems=problems,
        keep_items=keep_items,
        problem_matrix=method.problem_matrix,
        problem_positions=problem_positions,
        chosen_problem=chosen_problem,
        problem_description=chosen.problem_description,
        ideas=ideas,
        solution_matrix=method.solution_matrix,
        idea_positions=idea_positions,
        chosen_idea=chosen_idea,
        support_questions=method.support_questions,
        support_answers=handleplan.answers(store, workshop_id),
        actions=actions,
        follow_up_process=process,
        next_follow_up=next_date,
        raw=raw_data(
            store,
            workshop_id,
            ratings=ratings,
            every_item=every_item,
            actions=actions,
            shown_roles=shown_roles,
            factor_order=[f.key for f in method.factors],
        ),
        merged_numbers=merged_numbers,
        interviews=printed_interviews(store, workshop_id, language),
    )
