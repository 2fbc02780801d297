"""The forløb's status report as a Word document: the handleplan document's styles, other content."""

from __future__ import annotations

from docx import Document

from fea_core.export import docx as base
from fea_core.export.common import label, literal
from fea_core.export.status_outline import footer_line, status_images, status_outline
from fea_core.status_report import CourseStatus


def status_to_docx(status: CourseStatus, facilitators: tuple[str, ...] = ()) -> bytes:
    """Return the forløb's status report as a .docx file's bytes."""
    doc = Document()
    base.house_style(doc, label(status.language, "course_report.title"), literal(status.course.name, ""), status.language)
    return base.render(doc, status_outline(status, facilitators), status_images(status), footer_line(status))
