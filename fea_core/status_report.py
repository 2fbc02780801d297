"""The steering group's overview of a forløb: what is due and overdue, what was decided when, and
the next follow-up. The status report exports (``fea_core.export.status_docx``/``status_pdf``)
format a ``CourseStatus`` and never touch the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from fea_core import schema
from fea_core.action_history import ActionUpdate, due_state, history, is_open
from fea_core.aggregate import CompetenceSummary
from fea_core.carry_over import carried_ids
from fea_core.release import released
from fea_core.competence_change import CompetenceChange, competence_change
from fea_core.courses import Course, Meeting, course_workshops, get_course, list_meetings
from fea_core.decisions import get_decisions
from fea_core.handleplan import list_actions
from fea_core.interview_summary import InterviewSummary
from fea_core.items import get_item
from fea_core.method import Factor, load_method
from fea_core.model import Workshop
from fea_core.model import Action
from fea_core.report import printed_interviews, released_competence
from fea_core.storage import Store, utcnow


@dataclass(frozen=True)
class TrackedAction:
    """An action of one of the forløb's workshops, as it stands, with its history."""

    action: Action
    workshop: Workshop
    due: str | None  # "overdue", "due" or None (action_history.due_state)
    updates: tuple[ActionUpdate, ...]  # oldest first, from before a carry-over too

    @property
    def last_update(self) -> ActionUpdate | None:
        """Return the newest update, or None when the status has not changed since the workshop."""
        return self.updates[-1] if self.updates else None


@dataclass(frozen=True)
class WorkshopDecision:
    """What one workshop day decided: its chosen problem and solution (None where not chosen)."""

    workshop: Workshop
    problem: str | None
    solution: str | None


@dataclass(frozen=True)
class CourseStatus:
    """A forløb at one moment, for the steering group, in one language."""

    language: str
    generated_at: datetime
    today: date
    course: Course
    workshops: tuple[Workshop, ...]
    decisions: tuple[WorkshopDecision, ...]
    actions: tuple[TrackedAction, ...]  # current actions only: a carried-over one counts in its later workshop
    meetings: tuple[Meeting, ...]
    next_follow_up: date | None
    factors: tuple[Factor, ...]
    competence: CompetenceChange | None  # the first rated workshop against the latest, when there are two
    competence_between: tuple[Workshop, Workshop] | None
    # The latest rated workshop's profile, each group as the disclosure rule shows it (the handleplan's).
    groups: CompetenceSummary | None = None
    groups_from: Workshop | None = None
    # Arbejdsmiljøinterviewet's anonymous overview of each workshop that held interviews, never raw notes.
    interviews: tuple[tuple[Workshop, InterviewSummary], ...] = ()

    @property
    def overdue(self) -> tuple[TrackedAction, ...]:
        """Return the open actions whose deadline has passed."""
        return tuple(a for a in self.actions if a.due == "overdue")

    @property
    def due_soon(self) -> tuple[TrackedAction, ...]:
        """Return the open actions due within the next weeks."""
        return tuple(a for a in self.actions if a.due == "due")

    @property
    def open_actions(self) -> tuple[TrackedAction, ...]:
        """Return the actions that still need following up."""
        return tuple(a for a in self.actions if is_open(a.action))


def _decision(store: Store, workshop: Workshop) -> WorkshopDecision:
    chosen = get_decisions(store, workshop.id)
    problem = get_item(store, chosen.chosen_problem_id) if chosen.chosen_problem_id is not None else None
    idea = get_item(store, chosen.chosen_idea_id) if chosen.chosen_idea_id is not None else None
    return WorkshopDecision(workshop, problem.text if problem else None, idea.text if idea else None)


def _planned_follow_ups(store: Store, workshop_ids) -> list[date]:
    with store.read() as conn:
        rows = conn.execute(
            select(schema.plans.c.next_follow_up).where(
                schema.plans.c.workshop_id.in_(list(workshop_ids)), schema.plans.c.next_follow_up.is_not(None)
            )
        ).scalars()
        return [date.fromisoformat(r) for r in rows]


def next_follow_up(meetings, planned: list[date], today: date) -> date | None:
    """Return the first follow-up after today: a planned meeting or a handleplan's next follow-up date.

    Today's meeting is the one being held, not the next one.
    """
    upcoming = [m.held_on for m in meetings if m.held_on > today] + [d for d in planned if d > today]
    return min(upcoming, default=None)


def _competence(rated, factors, language: str) -> tuple[CompetenceChange | None, tuple | None]:
    from fea_core.export.common import short_date  # only the labels' date format
    from fea_core.i18n import translate

    if len(rated) < 2:
        return None, None
    (first, before), (last, now) = rated[0], rated[-1]
    change = competence_change(
        before.rows, now.rows, factors, before_decisions=before.decisions, now_decisions=now.decisions,
        before_label=translate(language, "course.before", date=short_date(first.held_on, language)),
        now_label=translate(language, "course.now_at", date=short_date(last.held_on, language)),
    )
    return change, (first, last)


def build_course_status(store: Store, course_id: int, language: str, today: date | None = None) -> CourseStatus:
    """Gather the forløb's overview from the store: actions with their due state and history, meetings, decisions."""
    course = get_course(store, course_id)
    if course is None:
        raise LookupError(f"no course with id {course_id}")
    today = today or date.today()
    workshops = course_workshops(store, course_id)
    per_workshop = [(w, list_actions(store, w.id)) for w in workshops]
    every_id = [a.id for _, actions in per_workshop for a in actions]
    superseded = carried_ids(store, every_id)
    tracked = tuple(
        # A carried-over action's history includes what was noted before it was carried over.
        TrackedAction(action=a, workshop=w, due=due_state(a, today), updates=tuple(history(store, a.id)))
        for w, actions in per_workshop
        for a in actions
        if a.id not in superseded
    )
    meetings = tuple(list_meetings(store, course_id))
    factors = load_method(language).factors
    rated = [(w, r) for w in workshops if len((r := released(store, w, advance=True)).rows)]
    change, between = _competence(rated, factors, language)
    overviews = ((w, printed_interviews(store, w.id, language)) for w in workshops)
    return CourseStatus(
        language=language,
        generated_at=utcnow(),
        today=today,
        course=course,
        workshops=tuple(workshops),
        decisions=tuple(_decision(store, w) for w in workshops),
        actions=tracked,
        meetings=meetings,
        next_follow_up=next_follow_up(meetings, _planned_follow_ups(store, [w.id for w in workshops]), today),
        factors=factors,
        competence=change,
        competence_between=between,
        groups=released_competence(rated[-1][1], language) if rated else None,
        groups_from=rated[-1][0] if rated else None,
        interviews=tuple((w, o) for w, o in overviews if o.interviews),
    )
