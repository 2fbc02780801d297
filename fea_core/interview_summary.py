"""What goes forward from Arbejdsmiljøinterviewet: an overview attributed to no one.

Per theme of the question plate: how many interviews spoke of problems and how many of things
that work well, and the three most important points of every interview under the theme they
are about. No raw note, no interview number, no interviewer is part of it. The facilitator
sends chosen points into Problemløseren's trin 1, as problems or as things to hold on to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select, update

from fea_core import schema
from fea_core.errors import DuplicateItem
from fea_core.interviews import workshop_interviews_for_summary
from fea_core.items import add_item_as_facilitator, get_item
from fea_core.method import load_method
from fea_core.model import ITEM_KEEP, ITEM_PROBLEM
from fea_core.storage import Store
from fea_core.text_cleaning import same_text_key

SEND_KINDS = (ITEM_PROBLEM, ITEM_KEEP)
GENERAL = ""  # the summary's "theme" for points about the interview as a whole

_PT = schema.interview_points


@dataclass(frozen=True)
class SummaryPoint:
    """A key point as the summary shows it: its words, and the Trin 1 item it became, if any.

    ``ref`` identifies the point for sending it on; it is never shown.
    """

    ref: str
    text: str
    item_number: int | None = None
    item_kind: str | None = None

    @property
    def is_sent(self) -> bool:
        """Return whether the point has gone forward into trin 1."""
        return self.item_number is not None


@dataclass(frozen=True)
class ThemeSummary:
    """One theme across all interviews."""

    key: str  # a theme key, or GENERAL
    title: str
    problems: int  # interviews that spoke of a problem under this theme
    works_well: int  # interviews that spoke of something that works well
    points: tuple[SummaryPoint, ...]


@dataclass(frozen=True)
class InterviewSummary:
    """The overview across all interviews of a workshop."""

    interviews: int
    interviewees: int  # people: a group interview counts everyone in it
    confirmed: int
    themes: tuple[ThemeSummary, ...]  # the six themes, then GENERAL when it has points

    @property
    def points(self) -> tuple[SummaryPoint, ...]:
        """Return every key point, theme by theme."""
        return tuple(p for t in self.themes for p in t.points)


def summarise(store: Store, workshop_id: int, language: str = "da", *, general_title: str = "") -> InterviewSummary:
    """Return the anonymous overview of the workshop's interviews.

    Points are sorted by their words within a theme, so their order does not tell which
    interview (or in which order the interviews were held) they came from.
    """
    method = load_method(language)
    # An interview started but never written in (a slip of the thumb) is not an interview held.
    found = [i for i in workshop_interviews_for_summary(store, workshop_id) if i.notes or i.points or i.advice or i.confirmed]
    sent_ids = {p.item_id for i in found for p in i.points if p.item_id is not None}
    items = {item_id: get_item(store, item_id) for item_id in sent_ids}

    def summary_point(interview, point) -> SummaryPoint:
        item = items.get(point.item_id)
        return SummaryPoint(
            ref=f"{interview.id}:{point.position}",
            text=point.text,
            item_number=item.number if item else None,
            item_kind=item.kind if item else None,
        )

    def points_about(theme: str | None) -> tuple[SummaryPoint, ...]:
        chosen = [summary_point(i, p) for i in found for p in i.points if p.theme == theme]
        return tuple(sorted(chosen, key=lambda p: (p.text.casefold(), p.text)))

    themes = [
        ThemeSummary(
            key=t.key,
            title=t.title,
            problems=sum(i.note(t.key).mentions_problem for i in found),
            works_well=sum(i.note(t.key).mentions_works_well for i in found),
            points=points_about(t.key),
        )
        for t in method.interview_themes
    ]
    general = points_about(None)
    if general:
        themes.append(ThemeSummary(GENERAL, general_title, 0, 0, general))
    return InterviewSummary(
        interviews=len(found),
        interviewees=sum(i.group_size for i in found),
        confirmed=sum(i.confirmed for i in found),
        themes=tuple(themes),
    )


def same_points(points: Sequence[SummaryPoint]) -> list[tuple[SummaryPoint, ...]]:
    """Return the points grouped by what they say (case, spacing and invisible characters ignored), in order.

    Two interviews that wrote the same key point show as one card with a count, and go forward
    together: a group counts as sent once any of its points is.
    """
    groups: dict[str, list[SummaryPoint]] = {}
    for point in points:
        groups.setdefault(same_text_key(point.text), []).append(point)
    # The sent one first: its number is what the card shows.
    return [tuple(sorted(g, key=lambda p: not p.is_sent)) for g in groups.values()]


@dataclass(frozen=True)
class SendResult:
    """What sending points on did: new Trin 1 items, and points that matched an existing item."""

    created: tuple[int, ...]  # item numbers, in the order sent
    existing: tuple[int, ...]  # numbers of items that already said the same


def send_to_trin_1(store: Store, workshop_id: int, choices: Mapping[str, str]) -> SendResult:
    """Send chosen key points into trin 1 as problems or things to keep (typed by no one).

    :param choices: ``{point ref: "problem" or "keep"}``. A point already sent is skipped; a point
        whose words are already on that list is linked to the existing item instead of doubled.
    """
    for kind in choices.values():
        if kind not in SEND_KINDS:
            raise ValueError(f"a point goes forward as {SEND_KINDS}, not {kind!r}")
    created, existing = [], []
    for ref, kind in choices.items():
        interview_id, position = _parse_ref(ref)
        with store.read() as conn:
            row = conn.execute(
                select(_PT.c.text, _PT.c.item_id).where(
                    _PT.c.interview_id == interview_id, _PT.c.position == position, _PT.c.workshop_id == workshop_id
                )
            ).first()
        if row is None or (row.item_id is not None and get_item(store, row.item_id) is not None):
            continue  # gone meanwhile, or sent already (another tab, a second click)
        try:
            item = add_item_as_facilitator(store, workshop_id, kind, row.text)
            created.append(item.number)
        except DuplicateItem as duplicate:
            item = get_item(store, duplicate.params["item_id"])
            existing.append(item.number)
        with store.write(workshop_id) as conn:
            conn.execute(
                update(_PT)
                .where(_PT.c.interview_id == interview_id, _PT.c.position == position)
                .values(item_id=item.id)
            )
    return SendResult(tuple(created), tuple(existing))


def _parse_ref(ref: str) -> tuple[int, int]:
    try:
        interview_id, position = (int(part) for part in str(ref).split(":"))
    except ValueError:
        raise ValueError(f"not a point reference: {ref!r}") from None
    return interview_id, position
