"""Tavshedspligt: raw interview notes never reach an export. Only the points the facilitator sent
into trin 1 go forward, as ordinary items typed by no one. Inside the app only the workshop's
owner and the co-facilitators the owner named read them; fea_core refuses everyone else.

(The shared screen and the phones are checked in tests/pages/test_interview_pages.py.)
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from fea_core import interview_summary
from fea_core import interviews as iv
from fea_core.export import to_docx, to_markdown, to_pdf, to_xlsx
from fea_core.report import build_report
from tests.report_fixture import make_workshop_for_report
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


# --- who may read the raw notes at all (fea_core enforces it, not only the page) --------------------


@pytest.fixture
def readers_room(fresh_store, monkeypatch):
    """A workshop owned by anne, run by bent (plain co-facilitator), carla (named for the notes) and
    dora (the forløb's steering group); erik is a stranger, frida was named and then unshared."""
    import bcrypt

    from fea_core import accounts, courses, sharing

    real_gensalt = bcrypt.gensalt
    monkeypatch.setattr(accounts.bcrypt, "gensalt", lambda *a, **k: real_gensalt(rounds=4))
    for username in ("anne", "bent", "carla", "dora", "erik", "frida"):
        accounts.create_facilitator(fresh_store, username, username.title(), "correct horse battery")
    workshop = make_workshop_for_report(fresh_store, "anne", participants=3, problems=2, ideas=2)
    markers = fill_interviews(fresh_store, workshop.id)
    for username in ("bent", "carla", "frida"):
        sharing.share_workshop(fresh_store, workshop.id, username, by="anne")
    for username in ("carla", "frida"):
        sharing.grant_interview_notes(fresh_store, workshop.id, username, by="anne")
    sharing.unshare_workshop(fresh_store, workshop.id, "frida", by="anne")
    course = courses.create_course(fresh_store, name="Forløb", department="Lager", starts_on=workshop.held_on,
                                   language="da", owner="anne")
    courses.add_workshop(fresh_store, course.id, workshop.id, by="anne")
    courses.add_course_facilitator(fresh_store, course.id, "dora", by="anne")
    return fresh_store, workshop, course, markers


RAW_READS = {
    "all_interviews": lambda s, w, by: iv.all_interviews(s, w.id, by=by),
    "list_links": lambda s, w, by: iv.list_links(s, w.id, by=by),
    "create_link": lambda s, w, by: iv.create_link(s, w.id, "Ny", by=by),
    "revoke_link": lambda s, w, by: iv.revoke_link(s, w.id, 1, by=by),
}


@pytest.mark.databases("sqlite", "postgresql")
@pytest.mark.parametrize(
    ("who", "may"),
    [("anne", True), ("carla", True), ("bent", False), ("dora", False), ("erik", False), ("frida", False)],
    ids=["owner", "named co-facilitator", "plain co-facilitator", "steering group", "stranger", "unshared"],
)
def test_raw_notes_and_interviewer_links_open_only_to_the_owner_and_the_named_co_facilitators(readers_room, who, may):
    store, workshop, _, markers = readers_room
    for name, read in sorted(RAW_READS.items()):
        if may:
            read(store, workshop, who)
        else:
            with pytest.raises(iv.NotNotesReader):
                read(store, workshop, who)
    if may:
        texts = {n.problem for i in iv.all_interviews(store, workshop.id, by=who) for n in i.notes.values()}
        assert texts <= set(markers["notes"]) and len(texts) == 12  # both interviews, every theme


def test_a_deactivated_named_co_facilitator_reads_no_raw_notes(readers_room):
    from fea_core import accounts

    store, workshop, _, _ = readers_room
    accounts.deactivate_facilitator(store, "carla", by="anne")
    with pytest.raises(iv.NotNotesReader):
        iv.all_interviews(store, workshop.id, by="carla")


def test_the_steering_groups_status_report_holds_no_raw_note(readers_room):
    from fea_core.export.status_docx import status_to_docx
    from fea_core.export.status_pdf import status_to_pdf
    from fea_core.status_report import build_course_status

    store, workshop, course, markers = readers_room
    status = build_course_status(store, course.id, "da")
    files = {"docx": docx_text(status_to_docx(status, ("Anne", "Dora"))),
             "pdf": pdf_text(status_to_pdf(status, ("Anne", "Dora")))}
    for name, text in files.items():
        assert len(text) > 100, name
        flat = squash(text)
        assert [s for s in markers["notes"] + markers["advice"] if squash(s) in flat] == [], name
        assert "RAWNOTE" not in flat, name
