"""The forløb's status report for the steering group, as Word and PDF."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
from pypdf import PdfReader

from fea_core import action_history, carry_over, courses, handleplan
from fea_core.export.status_docx import status_to_docx
from fea_core.export.status_outline import status_file_name
from fea_core.export.status_pdf import status_to_pdf
from tests.report_fixture import make_workshop_for_report
from fea_core.status_report import build_course_status

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
