"""The forløb's status report as a PDF: the handleplan PDF's layout and fonts, other content."""

from __future__ import annotations

from fea_core.export import pdf as base
from fea_core.export.common import label, literal
from fea_core.export.status_outline import footer_line, status_images, status_outline
from fea_core.status_report import CourseStatus


def status_to_pdf(status: CourseStatus, facilitators: tuple[str, ...] = ()) -> bytes:
    """Return the forløb's status report as a PDF file's bytes (A4)."""
    lang = status.language
    pdf = base._Document(lang, label(lang, "course_report.title"), literal(status.course.name, ""))
    return base.render(pdf, status_outline(status, facilitators), status_images(status), footer_line(status))
