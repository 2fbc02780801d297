"""The forløb's status report as a Word document: the handleplan document's styles, other content."""

from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from fea_core.export import docx as base
from fea_core.export.common import label, literal
from fea_core.export.outline import Bullets, Facts, Field, Heading, Image, PageBreak, Para, Table, Title
from fea_core.export.status_outline import footer_line, status_images, status_outline
from fea_core.status_report import CourseStatus


def _footer(section, status: CourseStatus) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    name = literal(status.course.name, "")
    run = paragraph.add_run(f"{label(status.language, 'course_report.title')} · {name[:80]} · ")
    run.font.size, run.font.color.rgb = Pt(8), base.MUTED
    template = label(status.language, "doc.page", page="{page}", pages="{pages}")
    for part in re.split(r"(\{page\}|\{pages\})", template):
        if part in ("{page}", "{pages}"):
            base._field_code(paragraph, "PAGE" if part == "{page}" else "NUMPAGES")
        elif part:
            run = paragraph.add_run(part)
            run.font.size, run.font.color.rgb = Pt(8), base.MUTED


def _setup(doc, status: CourseStatus) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = base.PAGE_W, base.PAGE_H
    section.left_margin = section.right_margin = base.MARGIN
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size, normal.font.color.rgb = base.FONT, Pt(10.5), base.INK
    normal.paragraph_format.space_after = Pt(4)
    for name, size, before in (("Title", 24, 0), ("Heading 1", 15, 14), ("Heading 2", 12, 10)):
        style = styles[name]
        style.font.name, style.font.size, style.font.color.rgb = base.FONT, Pt(size), base.ACCENT
        style.font.bold = True
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(4)
    doc.core_properties.title = f"{label(status.language, 'course_report.title')} – {literal(status.course.name, '')}"
    doc.core_properties.language = status.language
    _footer(section, status)


def status_to_docx(status: CourseStatus, facilitators: tuple[str, ...] = ()) -> bytes:
    """Return the forløb's status report as a .docx file's bytes."""
    images = status_images(status)
    doc = Document()
    _setup(doc, status)
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
