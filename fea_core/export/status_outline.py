"""The forløb's status report as plain blocks (the handleplan's ``outline`` building blocks).

Word and PDF render the same blocks, so the two documents say the same thing. Every text in a
block is literal: renderers print it as it is and never interpret it.
"""

from __future__ import annotations

from datetime import date

from fea_core.charts import before_now_colors, radar_spec
from fea_core.export.common import (
    EMPTY, count, group_chart, label, literal, long_date, number, pngs, safe_file_name, short_date, signed_number,
    status_label,
)
from fea_core.export.outline import (
    Block, Bullets, Facts, Field, Heading, Image, Para, Table, Title, group_profiles, interview_overview,
)
from fea_core.status_report import CourseStatus, TrackedAction


def _l(report: CourseStatus, key: str, **params) -> str:
    return label(report.language, f"course_report.{key}", **params)


def _action_table(status: CourseStatus, tracked: tuple[TrackedAction, ...], *, mark_overdue: bool = False) -> Block:
    lang = status.language
    if not tracked:
        return Para(_l(status, "none"))
    rows = []
    for t in tracked:
        last = t.last_update
        rows.append((
            literal(t.workshop.name), f"{t.action.position}. {literal(t.action.what)}", literal(t.action.owner),
            short_date(t.action.deadline, lang), status_label(lang, t.action.status),
            short_date(last.at, lang) if last else EMPTY,
        ))
    return Table(
        headers=tuple(_l(status, f"col_{k}") for k in ("workshop", "what", "owner", "deadline", "status", "last")),
        rows=tuple(rows), widths=(0.17, 0.33, 0.16, 0.11, 0.11, 0.12),
        highlight=frozenset(i for i, t in enumerate(tracked) if mark_overdue and t.due == "overdue"),
    )


def _history(status: CourseStatus) -> list[Block]:
    lang = status.language
    blocks: list[Block] = [Heading(_l(status, "history_heading"))]
    followed = [t for t in status.actions if t.updates]
    if not followed:
        return blocks + [Para(_l(status, "no_history"))]
    for t in followed:
        blocks.append(Heading(_l(status, "history_action", n=t.action.position, workshop=literal(t.workshop.name),
                                 what=literal(t.action.what)), level=2))
        lines = []
        for u in t.updates:
            line = _l(status, "history_entry", date=short_date(u.at, lang), status=status_label(lang, u.status))
            for key, text in (("works", u.works), ("not_working", u.not_working), ("adjustment", u.adjustment)):
                if text:
                    line += f"\n{_l(status, key)}: {literal(text)}"
            if u.deadline:
                line += f"\n{_l(status, 'new_deadline')}: {short_date(u.deadline, lang)}"
            lines.append(line)
        blocks.append(Bullets(tuple(lines)))
    return blocks


def _competence(status: CourseStatus) -> list[Block]:
    change = status.competence
    if change is None:
        return []
    lang = status.language
    rows = tuple(
        (literal(r.label), number(r.mean_before, lang), number(r.mean_now, lang),
         signed_number(r.change, lang), count(r.n_before), count(r.n_now))
        for r in change.table.itertuples()
    )
    blocks: list[Block] = [Heading(_l(status, "competence_heading")), Para(_l(status, "competence_note"), muted=True)]
    if len(change.profile):
        blocks.append(Image("radar", 0.6))
    blocks.append(Table(
        headers=tuple(_l(status, k) for k in ("factor", "mean_before", "mean_now", "change", "n_before", "n_now")),
        rows=rows, widths=(0.32, 0.12, 0.12, 0.14, 0.15, 0.15), numeric=(False, True, True, True, True, True),
    ))
    if change.table[["mean_before", "mean_now"]].isna().any().any():
        blocks.append(Para(label(lang, "disclosure.withheld"), muted=True))
    return blocks


def _groups(status: CourseStatus) -> list[Block]:
    """The latest rated workshop's groups as two (or more) profiles, exactly as its handleplan prints
    them: only when the disclosure rule shows a group, nothing at all otherwise."""
    if status.groups is None:
        return []
    body = group_profiles(status.groups.profile, status.factors, status.language)
    if not body:
        return []
    ws = status.groups_from
    note = label(status.language, "course_report_more.groups_note", workshop=literal(ws.name),
                 date=long_date(ws.held_on, status.language))
    return [Heading(label(status.language, "course_report_more.groups_heading")), Para(note, muted=True), *body]


def _interviews(status: CourseStatus) -> list[Block]:
    """Each workshop's interview overview (counts per theme, key points; never a raw note)."""
    if not status.interviews:
        return []
    lang = status.language
    blocks: list[Block] = [Heading(label(lang, "interviews.heading"))]
    for workshop, overview in status.interviews:
        when = long_date(workshop.held_on, lang)
        blocks.append(Heading(label(lang, "course_report_more.interviews_of", workshop=literal(workshop.name),
                                    date=when), level=2))
        blocks += interview_overview(overview, lang)
    return blocks


def status_outline(status: CourseStatus, facilitators: tuple[str, ...] = ()) -> list[Block]:
    """Return the status report's blocks in document order, in the status's language."""
    lang = status.language
    course = status.course
    end = long_date(course.ends_on, lang) if course.ends_on else _l(status, "open_end")
    counts = {s: sum(1 for t in status.actions if t.action.status == s) for s in ("done", "dropped")}
    blocks: list[Block] = [
        Title(_l(status, "title"), literal(course.name)),
        Facts((
            (_l(status, "status_on"), long_date(status.today, lang)),
            (_l(status, "department"), literal(course.department)),
            (_l(status, "period"), f"{long_date(course.starts_on, lang)} – {end}"),
            (_l(status, "steering_group"), literal(course.steering_group)),
            (_l(status, "facilitators"), literal(", ".join(facilitators))),
            (_l(status, "workshops"), str(len(status.workshops))),
            (_l(status, "next_follow_up"), long_date(status.next_follow_up, lang, label(lang, "doc.not_set"))),
        )),
        Heading(_l(status, "summary_heading")),
        Para(_l(status, "summary", open=len(status.open_actions), overdue=len(status.overdue), due=len(status.due_soon),
                **counts)),
        Para(label(lang, "summary.source"), muted=True),
        Heading(_l(status, "overdue_heading"), level=2),
        _action_table(status, status.overdue),
        Heading(_l(status, "due_heading"), level=2),
        _action_table(status, status.due_soon),
        Heading(_l(status, "all_heading"), level=2),
        _action_table(status, status.actions, mark_overdue=True) if status.actions else Para(_l(status, "no_actions")),
        Heading(_l(status, "decisions_heading")),
    ]
    not_chosen = label(lang, "doc.not_chosen")
    blocks.append(Table(
        headers=tuple(_l(status, f"col_{k}") for k in ("date", "workshop", "problem", "solution")),
        rows=tuple((short_date(d.workshop.held_on, lang), literal(d.workshop.name), literal(d.problem, not_chosen),
                    literal(d.solution, not_chosen)) for d in status.decisions),
        widths=(0.14, 0.24, 0.31, 0.31),
    ) if status.decisions else Para(_l(status, "none")))
    blocks += _history(status)
    blocks.append(Heading(_l(status, "meetings_heading")))
    if status.meetings:
        for m in status.meetings:
            when = long_date(m.held_on, lang) + (f" ({_l(status, 'planned')})" if m.held_on > status.today else "")
            blocks.append(Field(when, literal(m.notes)))
    else:
        blocks.append(Para(_l(status, "no_meetings")))
    blocks += _competence(status)
    blocks += _groups(status)
    blocks += _interviews(status)
    return blocks


def status_charts(status: CourseStatus) -> dict[str, dict]:
    """Return the specs of the report's charts: the before/after radar ("radar") when it has one, and
    the groups' radar ("groups") when the disclosure rule shows a group."""
    charts = {}
    if status.competence is not None and len(status.competence.profile):
        profile = status.competence.profile
        # The same colours and legend as the screen's before/now view (fea_core.charts.before_now_colors).
        charts["radar"] = radar_spec(
            profile, status.factors, legend=True, group_colors=before_now_colors(profile["group_key"]))
    if status.groups is not None:
        charts.update(group_chart(status.groups.profile, status.factors))
    return charts


def status_images(status: CourseStatus) -> dict[str, bytes]:
    """Return the PNGs of ``status_charts``."""
    return pngs(status_charts(status))


def status_file_name(course_name: str, language: str, today: date, extension: str) -> str:
    """Return "Statusrapport - <forløb> - <date>.<ext>": filesystem-safe, Danish letters kept."""
    return safe_file_name(course_name, today, extension, language, title_key="course_report.title")


def footer_line(status: CourseStatus) -> str:
    """Return the line at the end of the document: when it was generated, and with what."""
    return label(status.language, "doc.footer", date=long_date(status.generated_at, status.language))
