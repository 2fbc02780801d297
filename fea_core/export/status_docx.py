"""The forløb's status report as a Word document: the handleplan document's styles, other content."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from fea_core.export import docx as base
from fea_core.export.common import label, literal
from fea_core.export.outline import Bullets, Facts, Field, Heading, Image, PageBreak, Para, Table, Title
from fea_core.export.status_outline import footer_line, status_images, status_outline
from fea_core.status_report import CourseStatus


def status_to_docx(status: CourseStatus, facilitators: tuple[str, ...] = ()) -> bytes:
    """Return the forløb's status report as a .docx file's bytes."""
    images = status_images(status)
    doc = Document()
    base.house_style(doc, label(status.language, "course_report.title"), literal(status.course.name, ""), status.language)
    for block in status_outline(status, facilitators):
        if isinstance(block, Title):
            doc.add_paragraph(block.title, style="Title").paragraph_format.space_after = Pt(0)
            base._text(doc, block.subtitle, bold=True, size=15).paragraph_format.space_after = Pt(10)
        elif isinstance(block, Heading):
            doc.add_paragraph(block.text, style="Heading 1" if block.level == 1 else "Heading 2")
        elif isinstance(block, Para):
            base._text(doc, block.text, muted=block.muted, size=9 if block.muted else None)
        elif isinstance(block, Field):
            base._text(doc, block.label, bold=True, keep_with_next=True).paragraph_format.space_after = Pt(1)
            base._text(doc, block.text).paragraph_format.space_after = Pt(8)
        elif isinstance(block, Facts):
            base._facts(doc, block)
        elif isinstance(block, Table):
            base._table(doc, block)
        elif isinstance(block, Image):
            picture = doc.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.add_run().add_picture(io.BytesIO(images[block.chart]), width=int(base.TEXT_W * block.width))
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
        elif isinstance(block, PageBreak):
            doc.add_page_break()
    base._text(doc, footer_line(status), muted=True, size=8).paragraph_format.space_before = Pt(18)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
