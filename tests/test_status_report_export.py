"""The forløb's status report for the steering group, as Word and PDF."""

from __future__ import annotations

import io
import json
from datetime import date

import docx
import pytest
from pypdf import PdfReader

from fea_core import action_history, carry_over, competence, courses, handleplan, participation
from fea_core.export.common import shown_groups
from fea_core.export.status_docx import status_to_docx
from fea_core.export.status_outline import status_charts, status_file_name
from fea_core.export.status_pdf import status_to_pdf
from tests.report_fixture import make_workshop_for_report
from fea_core.method import load_method
from fea_core.model import ACTIVITY_COMPETENCE
from fea_core.status_report import build_course_status
from fea_core.workshops import create_workshop, set_activity, set_activity_open
from tests.interview_fixtures import fill_interviews

HOSTILE = "=HYPERLINK(\"x\") <b>fed</b> **ikke fed**"


@pytest.fixture
def status(fresh_store):
    course = courses.create_course(
        fresh_store, name="Forløb „Akut“ 2025", department="Akutmodtagelsen", starts_on=date(2025, 1, 6),
        ends_on=date(2025, 12, 19), language="da", owner="anne", steering_group="Leder Hanne, AMR Ole",
    )
    first = make_workshop_for_report(fresh_store, "anne", participants=4, problems=3, ideas=2)
    courses.add_workshop(fresh_store, course.id, first.id)
    actions = carry_over.open_actions(fresh_store, first.id)
    action_history.record_update(fresh_store, actions[0].id, status="adjusted", works="Tavlen bruges",
                                 not_working=HOSTILE, adjustment="Flyttes til kl. 8.00", by="anne")
    courses.add_meeting(fresh_store, course.id, date(2025, 4, 10), "Status på tavlemødet", by="anne")
    second = carry_over.start_next_workshop(
        fresh_store, course.id, previous_id=first.id, name="Anden temadag", held_on=date(2025, 6, 2),
        theme="Social kapital", owner="anne", action_ids=[actions[0].id],
    )
    handleplan.set_follow_up(fresh_store, second.id, "", date(2025, 7, 1))
    return build_course_status(fresh_store, course.id, "da", today=date(2025, 6, 20))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize("render,read", [(status_to_pdf, pdf_text), (status_to_docx, docx_text)])
def test_the_status_report_tells_due_actions_decisions_history_and_the_next_follow_up(status, render, read):
    text = read(render(status, ("anne", "bent")))
    for expected in ("Statusrapport", "Forløb „Akut“ 2025", "Frist overskredet", "Hvad blev besluttet hvornår",
                     "Anden temadag", "Tavlen bruges", "Flyttes til kl. 8.00", "Justeret", "Status på tavlemødet",
                     "1. juli 2025", "Leder Hanne, AMR Ole", "Opfølgning på aftalerne",
                     "Veje til et bedre psykisk arbejdsmiljø"):
        assert expected in " ".join(text.split()), expected


def test_user_text_is_printed_as_typed(status):
    assert HOSTILE in docx_text(status_to_docx(status))
    assert "<b>fed</b>" in pdf_text(status_to_pdf(status))


def test_the_report_is_in_the_courses_language(fresh_store, status):
    english = build_course_status(fresh_store, status.course.id, "en", today=status.today)
    text = docx_text(status_to_docx(english))
    assert "Status report" in text and "What was decided when" in text and "Adjusted" in text


def test_the_status_reports_file_name_is_safe_and_dated():
    assert status_file_name('Akut/„2025“: *x*', "da", date(2025, 6, 20), "pdf") == "Statusrapport - Akut „2025“ x - 2025-06-20.pdf"
    assert status_file_name("Akut", "en", date(2025, 6, 20), "docx") == "Status report - Akut - 2025-06-20.docx"


def test_the_status_report_pdf_has_bookmarks_for_its_headings_and_says_its_language(status):
    reader = PdfReader(io.BytesIO(status_to_pdf(status, ("anne",))))
    titles = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert "Opfølgning på aftalerne" in titles
    assert reader.trailer["/Root"]["/Lang"] == "da"


# The groups' profiles and the interview overview, as the handleplan prints them ----------------------
def rated_workshop(store, name: str, held_on: date, groups: dict[str, tuple[int, int]]):
    """Return a workshop whose competence round was answered by ``groups``: role -> (people, rating)."""
    workshop = create_workshop(store, name=name, department="Akutmodtagelsen", held_on=held_on, theme="Tryghed",
                               language="da", owner="anne")
    set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    for role, (people, value) in groups.items():
        for _ in range(people):
            _, phone = participation.join(store, workshop.code)
            phone = participation.set_role(store, phone, role)
            competence.submit_ratings(store, phone, {f.key: value for f in load_method("da").factors})
    set_activity_open(store, workshop.id, False)
    return workshop


def course_with(store, groups: dict[str, tuple[int, int]]):
    """Return a forløb of two workshops: the first with interviews, the second (latest) rated by ``groups``."""
    course = courses.create_course(store, name="Forløb 2026", department="Akutmodtagelsen",
                                   starts_on=date(2026, 1, 5), language="da", owner="anne", steering_group="Styregruppen")
    first = make_workshop_for_report(store, "anne", participants=4, problems=3, ideas=2)
    markers = fill_interviews(store, first.id)
    courses.add_workshop(store, course.id, first.id)
    courses.add_workshop(store, course.id, rated_workshop(store, "Anden temadag", date(2026, 5, 4), groups).id)
    return course, markers


@pytest.fixture
def profiled(fresh_store):
    course, markers = course_with(fresh_store, {"leder": (4, 4), "medarbejder": (5, 2)})
    return fresh_store, course, markers


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("render,read", [(status_to_pdf, pdf_text), (status_to_docx, docx_text)])
def test_the_status_report_shows_leaders_and_employees_as_two_profiles_and_the_interview_overview(
        profiled, language, render, read):
    store, course, markers = profiled
    status = build_course_status(store, course.id, language, today=date(2026, 6, 1))
    text = " ".join(read(render(status)).split())
    roles = {r.key: r.label for r in load_method(language).roles}
    expected = {
        "da": ("Gruppernes profiler", "Fra Anden temadag den 4. maj 2026", f"{roles['leder']}: gennemsnit",
               "4,0 (n=4)", f"{roles['medarbejder']}: gennemsnit", "2,0 (n=5)", "Arbejdsmiljøinterviewet",
               "2 interviews med 3 personer", "Nævner problemer"),
        "en": ("The groups' profiles", "From Anden temadag on 4 May 2026", f"{roles['leder']}: mean", "4.0 (n=4)",
               f"{roles['medarbejder']}: mean", "2.0 (n=5)", "The work environment interview",
               "2 interviews with 3 people", "Mention problems"),
    }[language]
    for phrase in expected:
        assert phrase in text, phrase
    for point in markers["points"]:
        assert point in text, point
    for raw in markers["notes"] + markers["advice"]:  # the notes and advice never leave the interview
        assert raw not in text
    assert "RAWNOTE-" not in text
    assert set(status_charts(status)) == {"radar", "groups"}


@pytest.mark.parametrize("groups,withheld", [
    ({"leder": (2, 5), "medarbejder": (4, 2)}, "Leder"),  # fewer than 3 leaders
    # 3 leaders and 3 employees are enough each, but the room minus both is the 2 AMRs' answers.
    ({"leder": (3, 5), "medarbejder": (3, 2), "amr": (2, 1)}, "AMR"),
])
def test_a_withheld_group_is_absent_from_the_status_reports_text_and_chart_data(fresh_store, groups, withheld):
    course, _ = course_with(fresh_store, groups)
    status = build_course_status(fresh_store, course.id, "da", today=date(2026, 6, 1))
    shown = set(shown_groups(status.groups.profile)["group"])
    assert withheld not in shown
    hidden = {r.label for r in load_method("da").roles} - shown  # the withheld one, and any it drags along
    assert withheld in hidden
    charts = json.dumps(status_charts(status), ensure_ascii=False)
    for text in (docx_text(status_to_docx(status)), pdf_text(status_to_pdf(status))):
        flat = " ".join(text.split())
        for group in hidden:
            assert f"{group}: gennemsnit" not in flat
        for group in shown:  # what the rule does show is there
            assert f"{group}: gennemsnit" in flat
        assert ("Gruppernes profiler" in flat) == bool(shown)
    for group in hidden:
        assert f'"{group}"' not in charts
    for group in shown:  # the chart data names its groups this way, so the check above can see one
        assert f'"{group}"' in charts
    assert ("groups" in status_charts(status)) == bool(shown)


def test_no_status_report_pdf_page_but_the_last_is_left_mostly_empty(status):
    # The same measure as the handleplan's PDF (tests/test_export.py): content flows, no fixed breaks.
    from tests.test_export import _page_fill

    pages = PdfReader(io.BytesIO(status_to_pdf(status))).pages
    fills = [_page_fill(page) for page in pages]
    assert len(fills) >= 2, fills

