"""Tavshedspligt: raw interview notes never reach an export. Only the points the facilitator sent
into trin 1 go forward, as ordinary items typed by no one.

(The shared screen and the phones are checked in tests/pages/test_interview_pages.py.)
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from fea_core import interview_summary
from fea_core.export import to_docx, to_markdown, to_pdf, to_xlsx
from fea_core.report import build_report
from fea_core.report_fixture import make_workshop_for_report
from tests.interview_fixtures import fill_interviews
from tests.test_export import docx_text


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return "\n".join(
        str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None
    )


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A finished workshop with two interviews; one point sent as a problem, one as a thing to keep."""
    from fea_core.storage import open_store

    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('conf')}/t.sqlite3")
    workshop = make_workshop_for_report(store, "anne", participants=6, problems=3, ideas=2)
    markers = fill_interviews(store, workshop.id)
    points = {p.text: p.ref for p in interview_summary.summarise(store, workshop.id).points}
    sent = {points[markers["points"][0]]: "problem", points[markers["points"][1]]: "keep"}
    interview_summary.send_to_trin_1(store, workshop.id, sent)
    files = {}
    for language in ("da", "en"):
        report = build_report(store, workshop.id, language)
        files[f"docx-{language}"] = docx_text(to_docx(report))
        files[f"pdf-{language}"] = pdf_text(to_pdf(report))
        files[f"markdown-{language}"] = to_markdown(report)
        files[f"xlsx-{language}"] = xlsx_text(to_xlsx(report))
    yield markers, files
    store.engine.dispose()


def test_no_export_in_any_format_or_language_contains_a_raw_note_or_the_advice(exported):
    markers, files = exported
    secrets = markers["notes"] + markers["advice"]
    for name, text in files.items():
        assert len(text) > 200, name  # the export has content: the check below is not vacuous
        flat = squash(text)
        leaked = [s for s in secrets if s in text or squash(s) in flat]
        assert leaked == [], f"{name} contains raw interview notes: {leaked[:3]}"
        assert "RAWNOTE" not in flat, name  # the notes' common prefix, in any split of a marker


def test_points_not_sent_forward_appear_only_in_the_interview_overview_never_as_trin_1_items(exported):
    # The consultant's handover carries the anonymous overview (counts per theme and the key points,
    # as the steering group sees it in the app); only points sent on become trin 1 items.
    markers, files = exported
    unsent = markers["points"][2:]
    for name in ("docx-da", "pdf-da", "markdown-da"):
        flat = squash(files[name])
        overview = flat[flat.index(squash("Arbejdsmiljøinterviewet")):flat.index(squash("Trin 1:"))]
        trin_1_on = flat[flat.index(squash("Trin 1:")):]
        assert all(squash(p) in overview for p in unsent), name
        assert [p for p in unsent if squash(p) in trin_1_on] == [], name


def test_the_documents_count_per_theme_the_interviews_that_spoke_of_problems_and_of_what_works(exported):
    markers, files = exported
    for name in ("docx-da", "pdf-da", "markdown-da"):
        flat = squash(files[name])
        assert squash("2 interviews med") in flat, name
        assert squash("Nævner problemer") in flat and squash("Hvordan fungerer samarbejdet?") in flat, name


def test_the_points_sent_into_trin_1_appear_in_the_exports_as_ordinary_items(exported):
    markers, files = exported
    for name in ("docx-da", "pdf-da", "markdown-da", "xlsx-da"):
        flat = squash(files[name])
        assert squash(markers["points"][0]) in flat, name
        assert squash(markers["points"][1]) in flat, name
