"""The handleplan as a list of plain blocks (headings, fields, tables, images), in document order.

Word, PDF and Markdown render the same outline, so the three documents say the same thing.
Every text in a block is literal: renderers print it as it is and never interpret it. There are
no page breaks: content flows, and each renderer keeps a heading with what follows it, a chart
with its caption and a table row whole (a fixed break left whole pages nearly empty).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from fea_core.aggregate import ALL_GROUP
from fea_core.export.common import (
    EMPTY, count, count_figure, date_figure, label, literal, long_date, number, number_figure, shown_groups, status_label,
)
from fea_core.interview_summary import InterviewSummary
from fea_core.method import load_method
from fea_core.model import Item
from fea_core.report import Report


@dataclass(frozen=True)
class Title:
    """The document's title and the workshop's name under it."""

    title: str
    subtitle: str


@dataclass(frozen=True)
class Heading:
    """A section heading (level 1) or a sub-heading (level 2)."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    """A paragraph; ``muted`` for explanations in a smaller, grey type."""

    text: str
    muted: bool = False


@dataclass(frozen=True)
class Field:
    """A label in bold with its (possibly multi-line) value below it."""

    label: str
    text: str


@dataclass(frozen=True)
class Facts:
    """Label-value pairs shown as a two-column table without a heading row."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table with a heading row; ``widths`` are relative; ``numeric`` columns align right."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    numeric: tuple[bool, ...] = ()
    highlight: frozenset[int] = field(default_factory=frozenset)  # row indices shown in bold


@dataclass(frozen=True)
class Image:
    """A chart from ``common.chart_images`` ("radar", "problems", "ideas"), ``width`` in text widths."""

    chart: str
    width: float
    caption: str = ""


@dataclass(frozen=True)
class Bullets:
    """A bulleted list."""

    items: tuple[str, ...]


Block = Title | Heading | Para | Field | Facts | Table | Image | Bullets


def fit_widths(block: Table, total: float, measure, padding: float) -> tuple[float, ...]:
    """Return column widths summing to ``total``: the block's relative widths, but each column at
    least as wide as its longest word (``measure(word, bold)`` + ``padding``), so words wrap
    between each other instead of being split.

    A word too long for any sensible column (a pasted URL, a row of x's) does not widen its
    column; it is split across lines instead.
    """
    desired = [total * w / sum(block.widths) for w in block.widths]
    minimum = []
    for column, header in enumerate(block.headers):
        widest = max((measure(w, True) for w in header.split()), default=0.0)
        for index, row in enumerate(block.rows):
            bold = index in block.highlight
            widest = max(widest, max((measure(w, bold) for w in row[column].split()), default=0.0))
        needed = widest + padding
        minimum.append(needed if needed <= total * 0.3 else min(desired[column], total * 0.3))
    wanted = [max(d, m) for d, m in zip(desired, minimum)]
    excess = sum(wanted) - total
    slack = [w - m for w, m in zip(wanted, minimum)]
    if excess > 0 and sum(slack) >= excess:  # take the excess from the columns that have room
        wanted = [w - excess * s / sum(slack) for w, s in zip(wanted, slack)]
    elif excess > 0:
        wanted = [w * total / sum(wanted) for w in wanted]
    return tuple(wanted)


def _item(language: str, item: Item | None) -> str:
    if item is None:
        return label(language, "doc.not_chosen")
    return label(language, "doc.item", text=literal(item.text), number=item.number)


def _visible(items) -> list[Item]:
    return sorted((i for i in items if i.is_visible), key=lambda i: i.number)


def _item_table(language: str, items, positions: pd.DataFrame, chosen: Item | None, kind_col: str,
                merged: Mapping[int, Sequence[int]]) -> Block:
    shown = _visible(items)
    if not shown:
        return Para(label(language, "doc.nothing_yet"))
    placed = {}
    if len(positions) and {"item_id", "quadrant_label", "n"} <= set(positions.columns):
        placed = {int(r.item_id): (r.quadrant_label, int(r.n)) for r in positions.itertuples()}
    rows, highlight = [], set()
    for index, item in enumerate(shown):
        text = literal(item.text)
        if merged.get(item.id):
            joined = ", ".join(str(n) for n in sorted(merged[item.id]))
            text = f"{text} ({label(language, 'doc.merged', numbers=joined)})"
        quadrant, n = placed.get(item.id, ("", 0))
        rows.append((count_figure(item.number), text,
                     literal(quadrant) if n else label(language, "steps.not_placed"), count_figure(n)))
        if chosen is not None and item.id == chosen.id:
            highlight.add(index)
    return Table(
        headers=(label(language, "steps.col_number"), label(language, kind_col),
                 label(language, "steps.col_quadrant"), label(language, "steps.col_n")),
        rows=tuple(rows), widths=(0.07, 0.55, 0.23, 0.15), numeric=(True, False, False, True),
        highlight=frozenset(highlight),
    )


def _competence(report: Report, lang: str) -> list[Block]:
    method = load_method(lang)
    profile = report.competence.profile
    overall = profile[profile["group_key"] == ALL_GROUP] if len(profile) else profile
    by_key = {r.factor: r for r in overall.itertuples()} if len(overall) else {}
    blocks: list[Block] = [Heading(method.competence_model)]
    respondents = report.competence.respondents
    blocks.append(Para(label(lang, "competence.respondents", n=respondents) if respondents
                       else label(lang, "competence.no_answers")))
    rows = []
    for f in report.factors:
        r = by_key.get(f.key)
        rows.append((f.label, number_figure(r.mean, lang), number_figure(r.std, lang), count_figure(r.n),
                     count_figure(r.dont_know))
                    if r is not None else (f.label, EMPTY, EMPTY, "0", "0"))
    blocks.append(Image("radar", 0.55, literal(report.competence_caption, "")))
    blocks.append(Table(
        headers=tuple(label(lang, f"competence.{k}") for k in ("factor", "mean", "spread", "n", "dont_know")),
        rows=tuple(rows), widths=(0.36, 0.16, 0.16, 0.16, 0.16), numeric=(False, True, True, True, True),
    ))
    if len(overall) and overall["withheld"].notna().any():
        blocks.append(Para(label(lang, "disclosure.withheld"), muted=True))
    blocks += _groups(report, lang)
    names = {f.key: f.label for f in report.factors}
    points = [names.get(k, literal(k)) for k in report.competence.talking_points]
    blocks.append(Para(label(lang, "competence.talking_points", factors=", ".join(points)) if points
                       else label(lang, "competence.no_talking_points")))
    return blocks


def _groups(report: Report, lang: str) -> list[Block]:
    body = group_profiles(report.competence.profile, report.factors, lang)
    return [Heading(label(lang, "competence.by_group"), level=2), *body] if body else []


def group_profiles(profile: pd.DataFrame, factors, lang: str) -> list[Block]:
    """The groups' profiles (leaders, employees, ...) when the disclosure rule shows any: a radar
    ("groups", ``common.group_chart``) with one polygon per group and their means side by side;
    nothing at all otherwise. Used by the handleplan and the forløb's status report."""
    groups = shown_groups(profile)
    if not len(groups):
        return []
    names = list(dict.fromkeys(groups["group"]))
    means = {(r.group, r.factor): r.mean for r in groups.itertuples()}
    answers = {(r.group, r.factor): r.n for r in groups.itertuples()}
    return [
        Image("groups", 0.55, label(lang, "competence.by_group_caption")),
        Table(
            headers=(label(lang, "competence.factor"),
                     *(label(lang, "competence.group_mean", group=literal(g)) for g in names)),
            rows=tuple((f.label, *(_mean_with_n(means.get((g, f.key)), answers.get((g, f.key)), lang) for g in names))
                       for f in factors),
            widths=(0.36, *([0.64 / len(names)] * len(names))), numeric=(False, *([True] * len(names))),
        ),
    ]


def _mean_with_n(mean, n, lang: str) -> str:
    shown = number(mean, lang)
    return shown if shown == EMPTY else f"{shown} (n={count(n)})"


def _interviews(report: Report, lang: str) -> list[Block]:
    body = interview_overview(report.interviews, lang)
    return [Heading(label(lang, "interviews.heading")), *body] if body else []


def interview_overview(overview: InterviewSummary | None, lang: str) -> list[Block]:
    """Arbejdsmiljøinterviewet as it goes forward: how many interviews spoke of problems and of what
    works well under each theme, and the key points by theme. Never a raw note or who said what;
    nothing at all when no interview was held. Used by the handleplan and the status report."""
    if overview is None or not overview.interviews:
        return []
    blocks: list[Block] = [
        Para(label(lang, "interviews.held", n=overview.interviews, people=overview.interviewees)),
        Table(
            headers=(label(lang, "interviews.theme"), label(lang, "interviews.problems"),
                     label(lang, "interviews.works_well")),
            rows=tuple((literal(t.title), count_figure(t.problems), count_figure(t.works_well))
                       for t in overview.themes if t.key),  # the general points have no counts
            widths=(0.6, 0.2, 0.2), numeric=(False, True, True),
        ),
    ]
    for theme in overview.themes:
        if theme.points:
            blocks.append(Field(literal(theme.title), "\n".join(f"• {literal(p.text)}" for p in theme.points)))
    return blocks


def _summary(report: Report, lang: str, next_date: str) -> list[Block]:
    """The decision on page 1, as a consultant's handover starts: what was chosen, who does what by
    when, when the group meets again; then where the method comes from."""
    blocks: list[Block] = [
        Heading(label(lang, "summary.heading")),
        Field(label(lang, "facts.problem"), _item(lang, report.chosen_problem)),
        Field(label(lang, "facts.solution"), _item(lang, report.chosen_idea)),
    ]
    if report.actions:
        blocks.append(Table(
            headers=tuple(label(lang, f"plan.col_{k}") for k in ("number", "what", "owner", "deadline")),
            rows=tuple((count_figure(a.position), literal(a.what), literal(a.owner), date_figure(a.deadline, lang))
                       for a in sorted(report.actions, key=lambda a: a.position)),
            widths=(0.07, 0.55, 0.23, 0.15), numeric=(True, False, False, False),
        ))
    else:
        blocks.append(Para(label(lang, "plan.no_actions")))
    blocks.append(Field(label(lang, "facts.next_follow_up"), next_date))
    blocks.append(Para(label(lang, "summary.source"), muted=True))
    return blocks


def outline(report: Report) -> list[Block]:
    """Return the handleplan's blocks in document order, in the report's language."""
    lang = report.language
    method = load_method(lang)
    ws = report.workshop
    step = {s.number: label(lang, "doc.step", number=s.number, title=s.title) for s in method.steps}
    next_date = date_figure(report.next_follow_up, lang, label(lang, "doc.not_set"), long=True)
    blocks: list[Block] = [
        Title(label(lang, "doc.title"), literal(ws.name)),
        Facts((
            (label(lang, "facts.department"), literal(ws.department)),
            (label(lang, "facts.date"), date_figure(ws.held_on, lang, long=True)),
            (label(lang, "facts.theme"), literal(ws.theme)),
            (label(lang, "facts.participants"), count_figure(report.participants)),
        )),
        *_summary(report, lang, next_date),
        *_competence(report, lang),
        *_interviews(report, lang),
        Heading(step[1]),
        _item_table(lang, report.problems, report.problem_positions, report.chosen_problem, "steps.col_problem",
                    report.merged_numbers),
        Heading(step[2]),
        Image("problems", 0.82, label(lang, "steps.matrix_note")),
        Field(label(lang, "steps.chosen_problem"), _item(lang, report.chosen_problem)),
        Field(label(lang, "steps.describe"), literal(report.problem_description)),
        Heading(step[3]),
        _item_table(lang, report.ideas, report.idea_positions, report.chosen_idea, "steps.col_idea",
                    report.merged_numbers),
        Heading(step[4]),
        Image("ideas", 0.82, label(lang, "steps.matrix_note")),
        Field(label(lang, "steps.chosen_idea"), _item(lang, report.chosen_idea)),
        Heading(step[5]),
        Field(label(lang, "steps.chosen_idea"), _item(lang, report.chosen_idea)),
    ]
    answers = list(report.support_answers) + [""] * (len(report.support_questions) - len(report.support_answers))
    for index, (question, answer) in enumerate(zip(report.support_questions, answers), start=1):
        blocks.append(Field(f"{index}. {question}", literal(answer)))
    blocks.append(Heading(step[6]))
    if report.actions:
        blocks.append(Table(
            headers=tuple(label(lang, f"plan.col_{k}")
                          for k in ("number", "what", "owner", "deadline", "follow_up", "status")),
            rows=tuple((count_figure(a.position), literal(a.what), literal(a.owner), date_figure(a.deadline, lang),
                        literal(a.follow_up), status_label(lang, a.status))
                       for a in sorted(report.actions, key=lambda a: a.position)),
            widths=(0.06, 0.29, 0.16, 0.13, 0.22, 0.14), numeric=(True, False, False, False, False, False),
        ))
    else:
        blocks.append(Para(label(lang, "plan.no_actions")))
    blocks.append(Field(label(lang, "plan.follow_up_process"), literal(report.follow_up_process)))
    blocks.append(Heading(label(lang, "plan.keep")))
    keep = _visible(report.keep_items)
    blocks.append(Bullets(tuple(literal(i.text) for i in keep)) if keep else Para(label(lang, "doc.nothing_yet")))
    blocks.append(Heading(label(lang, "plan.next_follow_up")))
    blocks.append(Para(next_date))
    return blocks


def footer_text(report: Report) -> str:
    """Return the line at the end of the document: when it was generated, and with what."""
    return label(report.language, "doc.footer", date=long_date(report.generated_at, report.language))
