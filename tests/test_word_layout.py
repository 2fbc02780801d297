"""The Word documents laid out as an office suite lays them out: LibreOffice Writer (headless)
turns the .docx into PDF pages, and the pages are read back like the PDF export's own.

python-docx only writes the keep-together properties; whether a heading really stays with its
content, and no page is cut short, shows only when a word processor lays out the pages.
Three documents are converted in one soffice call, with a profile directory of their own, so
parallel runs do not share LibreOffice's user profile (it locks it).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from fea_core import courses
from fea_core.export import to_docx
from fea_core.export.status_docx import status_to_docx
from fea_core.report import build_report
from tests.report_fixture import make_workshop_for_report
from fea_core.status_report import build_course_status
from fea_core.storage import open_store
from tests.interview_fixtures import fill_interviews
from tests.test_status_report_export import rated_workshop

PT_PER_CM = 72 / 2.54
PAGE_H = 29.7 * PT_PER_CM
TOP, BOTTOM = PAGE_H - 1.8 * PT_PER_CM, 1.8 * PT_PER_CM  # docx.house_style's margins
FOOTER = 1.6 * PT_PER_CM  # the footer's line sits in the bottom margin, below this
MIN_FILL = 0.6  # the PDF export's own bar: no page but the last less than 60 % full


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:  # fail, never skip: the Word layout is part of what the exports promise
        pytest.fail("LibreOffice Writer is not installed: apt-get install libreoffice-writer-nogui "
                    "(.ci/run installs it)", pytrace=False)
    return found


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory) -> dict[str, tuple[bytes, PdfReader]]:
    """Return {name: (the .docx, its pages as LibreOffice lays them out)} for a fully played workshop
    in Danish and English (100 phones, 30 problems and 30 ideas, interviews) and a forløb's status report."""
    soffice = _soffice()
    folder = tmp_path_factory.mktemp("word-layout")
    store = open_store(f"sqlite:///{folder}/full.sqlite3")
    try:
        workshop = make_workshop_for_report(store, "anne")
        fill_interviews(store, workshop.id)
        course = courses.create_course(store, name="Forløb 2025", department="Akutmodtagelsen",
                                       starts_on=date(2025, 1, 6), language="da", owner="anne",
                                       steering_group="Styregruppen")
        courses.add_workshop(store, course.id, workshop.id)
        later = rated_workshop(store, "Anden temadag", date(2025, 5, 5), {"leder": (4, 4), "medarbejder": (5, 2)})
        courses.add_workshop(store, course.id, later.id)
        documents = {
            "handleplan-da": to_docx(build_report(store, workshop.id, "da")),
            "handleplan-en": to_docx(build_report(store, workshop.id, "en")),
            "status-da": status_to_docx(build_course_status(store, course.id, "da", today=date(2025, 6, 2))),
        }
    finally:
        store.engine.dispose()
    for name, data in documents.items():
        (folder / f"{name}.docx").write_bytes(data)
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
         *(str(folder / f"{name}.docx") for name in documents)],
        check=True, capture_output=True, timeout=600,
    )
    return {name: (data, PdfReader(folder / f"{name}.pdf")) for name, data in documents.items()}


def _content(page) -> list[tuple[float, float, str]]:
    """Return what a page shows above its footer: (bottom, top, text) in points from the page's foot;
    a picture is "<image>"."""
    found = []

    def text(value, cm, tm, font, size):
        if value.strip():
            baseline = tm[5] * cm[3] + cm[5]
            if baseline > FOOTER:
                found.append((baseline, baseline + 0.7 * size * tm[3] * cm[3], value))

    def operator(op, args, cm, tm):
        if op == b"Do":  # a picture: drawn into the unit square the current matrix maps
            found.append((cm[5], cm[5] + cm[3], "<image>"))

    page.extract_text(visitor_text=text, visitor_operand_before=operator)
    return found


def _fill(page) -> float:
    """How far down the text area the page's lowest text or picture reaches (0 top, 1 bottom margin)."""
    content = _content(page)
    return (TOP - min(bottom for bottom, _, _ in content)) / (TOP - BOTTOM) if content else 0.0


def _bookmarks(reader: PdfReader):
    def walk(entries):
        for entry in entries:
            yield from walk(entry) if isinstance(entry, list) else [entry]
    return [(e.title, reader.get_destination_page_number(e), float(e.top)) for e in walk(reader.outline)]


DOCUMENTS = ["handleplan-da", "handleplan-en", "status-da"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_word_page_but_the_last_is_left_mostly_empty(laid_out, name):
    _, pages = laid_out[name]
    fills = [_fill(page) for page in pages.pages]
    assert len(fills) >= 3
    assert all(f > MIN_FILL for f in fills[:-1]), [round(f, 2) for f in fills]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_word_heading_is_followed_on_its_page_by_its_content(laid_out, name):
    data, pages = laid_out[name]
    headings = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.style.name.startswith("Heading")]
    marks = _bookmarks(pages)
    assert [title for title, _, _ in marks] == headings  # every heading laid out, and found
    for title, number, top in marks:
        content = _content(pages.pages[number])
        own = [c for c in content if top - 40 < c[0] <= top + 1 and c[2] != "<image>" and c[2].strip() in title]
        assert own, (title, number)
        last_line = min(bottom for bottom, _, _ in own)
        below = [c for c in content if c[1] < last_line - 1 and c not in own]
        assert below, f"{title!r} ends page {number + 1}; its content starts the next page"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_word_chart_is_on_the_same_page_as_its_caption(laid_out, name):
    data, pages = laid_out[name]
    paragraphs = docx.Document(io.BytesIO(data)).paragraphs
    pictures = [(p, paragraphs[i + 1].text) for i, p in enumerate(paragraphs) if p._p.xpath(".//pic:pic")]
    on_page = [n for n, page in enumerate(pages.pages) for c in _content(page) if c[2] == "<image>"]
    assert len(on_page) == len(pictures) >= 2
    captioned = [(caption, n) for (p, caption), n in zip(pictures, on_page) if p.paragraph_format.keep_with_next]
    assert captioned
    for caption, number in captioned:
        text = " ".join(pages.pages[number].extract_text().split())
        assert " ".join(caption.split()[:6]) in text, (caption, number)


def test_the_status_reports_group_profiles_and_interviews_are_laid_out_in_word(laid_out):
    _, pages = laid_out["status-da"]
    text = " ".join(" ".join(page.extract_text() for page in pages.pages).split())
    for expected in ("Gruppernes profiler", "Leder: gennemsnit", "4,0 (n=4)", "Arbejdsmiljøinterviewet",
                     "2 interviews med 3 personer"):
        assert expected in text, expected
