"""The handleplan as a Word document (python-docx): A4, headings, tables and the charts as PNG.

Text goes in only as run text, which python-docx stores as escaped XML character data: a
participant's text can never become markup, a field or a hyperlink.
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from fea_core.export.common import chart_images, label, literal
from fea_core.export.outline import (
    Bullets, Facts, Field, Heading, Image, Para, Table, Title, fit_widths, footer_text, outline,
)
from fea_core.report import Report

PAGE_W, PAGE_H, MARGIN = Cm(21.0), Cm(29.7), Cm(2.0)
TEXT_W = PAGE_W - 2 * MARGIN
INK, MUTED, ACCENT = RGBColor(0x1F, 0x29, 0x37), RGBColor(0x6B, 0x72, 0x80), RGBColor(0x1E, 0x3A, 0x8A)
HEAD_FILL, FACT_FILL, HIGHLIGHT_FILL, BORDER = "1E3A8A", "F3F4F6", "FDEBD3", "BFC5CD"
FONT = "Calibri"
TABLE_PT = 9.5
# Word checks spelling in the language its styles name; python-docx's template says en-US, so a
# Danish handleplan was proofed as English.
WORD_LANGUAGE = {"da": "da-DK", "en": "en-GB"}


def _shade(cell, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def _borders(table, color: str = BORDER) -> None:
    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), color)
        borders.append(element)
    # Word insists on the schema's order of table properties.
    props.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                                "w:tblDescription", "w:tblPrChange")


def _keep_row_whole(row) -> None:
    """Never split this row across two pages (Word's "allow row to break across pages" off)."""
    props = row._tr.get_or_add_trPr()
    props.append(OxmlElement("w:cantSplit"))


def _repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    props.append(header)


def _cell_text(cell, text: str, *, bold: bool = False, color: RGBColor | None = None,
               align_right: bool = False, size: float | None = None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if align_right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size or TABLE_PT)
    if color is not None:
        run.font.color.rgb = color


def _cell_margins(table, vertical: int = 45, horizontal: int = 85) -> None:
    """Give every cell some air (twentieths of a point)."""
    margins = OxmlElement("w:tblCellMar")
    for edge, size in (("top", vertical), ("left", horizontal), ("bottom", vertical), ("right", horizontal)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(size))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _estimate(text: str, bold: bool) -> float:
    """Estimate a word's width in EMU at TABLE_PT, generously: Word measures only when it lays out
    the page, and LibreOffice without Calibri falls back to a wider font."""
    return len(text) * TABLE_PT * (0.68 if bold else 0.62) * 12700


def _table(doc, block: Table) -> None:
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.headers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    _cell_margins(table)
    widths = [int(w) for w in fit_widths(block, TEXT_W, _estimate, 2 * 85 * 635 + 20000)]
    for column, width in zip(table.columns, widths):
        column.width = width  # the grid LibreOffice reads; Word reads the cells' widths
    numeric = block.numeric or (False,) * len(block.headers)
    for r, values in enumerate((block.headers, *block.rows)):
        row = table.rows[r]
        _keep_row_whole(row)
        for c, (cell, value) in enumerate(zip(row.cells, values)):
            cell.width = widths[c]
            if r == 0:
                _shade(cell, HEAD_FILL)
                _cell_text(cell, value, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF), align_right=numeric[c])
            else:
                chosen = (r - 1) in block.highlight
                if chosen:
                    _shade(cell, HIGHLIGHT_FILL)
                _cell_text(cell, value, bold=chosen, align_right=numeric[c])
    _repeat_header(table.rows[0])
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _facts(doc, block: Facts) -> None:
    table = doc.add_table(rows=len(block.rows), cols=2)
    table.autofit = False
    _borders(table, "E5E7EB")
    _cell_margins(table)
    table.columns[0].width, table.columns[1].width = int(TEXT_W * 0.33), int(TEXT_W * 0.67)
    for row, (name, value) in zip(table.rows, block.rows):
        _keep_row_whole(row)
        row.cells[0].width, row.cells[1].width = int(TEXT_W * 0.33), int(TEXT_W * 0.67)
        _shade(row.cells[0], FACT_FILL)
        _cell_text(row.cells[0], name, bold=True, size=10)
        _cell_text(row.cells[1], value, size=10)
    doc.add_paragraph()


def _field_code(paragraph, code: str) -> None:
    """Append a Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out."""
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(8)
        run.font.color.rgb = MUTED
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
        elif text == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
            run._r.append(element)
        else:
            run.text = text


def _footer(section, title: str, name: str, language: str) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    prefix = f"{title} · {name[:80]} · " if name else ""
    run = paragraph.add_run(prefix)
    run.font.size, run.font.color.rgb = Pt(8), MUTED
    template = label(language, "doc.page", page="{page}", pages="{pages}")
    for part in re.split(r"(\{page\}|\{pages\})", template):
        if part == "{page}":
            _field_code(paragraph, "PAGE")
        elif part == "{pages}":
            _field_code(paragraph, "NUMPAGES")
        elif part:
            run = paragraph.add_run(part)
            run.font.size, run.font.color.rgb = Pt(8), MUTED


def house_style(doc, title: str, name: str, language: str) -> None:
    """Give a document the handleplan's page, fonts, headings and "title · name · page x of y" footer."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.left_margin = section.right_margin = MARGIN
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.8)
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size, normal.font.color.rgb = FONT, Pt(10.5), INK
    normal.paragraph_format.space_after = Pt(4)
    for style_name, size, before in (("Title", 24, 0), ("Heading 1", 15, 14), ("Heading 2", 12, 10)):
        style = styles[style_name]
        style.font.name, style.font.size, style.font.color.rgb = FONT, Pt(size), ACCENT
        style.font.bold = True
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(4)
    doc.core_properties.title = f"{title} – {name}"
    doc.core_properties.language = WORD_LANGUAGE.get(language, language)
    _proofing_language(doc, WORD_LANGUAGE.get(language, language))
    _footer(section, title, name, language)


def _proofing_language(doc, tag: str) -> None:
    """Name the document's language in its default run properties and in every style that names one."""
    root = doc.styles.element
    defaults = root.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        root.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    run_properties = run_defaults.find(qn("w:rPr"))
    if run_properties is None:
        run_properties = OxmlElement("w:rPr")
        run_defaults.append(run_properties)
    if run_properties.find(qn("w:lang")) is None:
        run_properties.append(OxmlElement("w:lang"))
    for lang in root.iter(qn("w:lang")):
        lang.set(qn("w:val"), tag)
        lang.set(qn("w:eastAsia"), tag)


def _text(doc, text: str, *, bold: bool = False, muted: bool = False, size: float | None = None,
          keep_with_next: bool = False, center: bool = False):
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)  # "\n" becomes a line break, "\t" a tab: literal layout, no markup
    run.bold = bold
    if muted:
        run.font.color.rgb, run.italic = MUTED, True
    if size:
        run.font.size = Pt(size)
    paragraph.paragraph_format.keep_with_next = keep_with_next
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def render(doc, blocks: list, images: dict[str, bytes], closing: str) -> bytes:
    """Write an outline's blocks into a styled document and return the .docx file's bytes.

    Content flows: a heading, a field's label and a chart are kept with what follows them, and
    a table row never splits across pages.
    """
    for block in blocks:
        if isinstance(block, Title):
            doc.add_paragraph(block.title, style="Title").paragraph_format.space_after = Pt(0)
            _text(doc, block.subtitle, bold=True, size=15).paragraph_format.space_after = Pt(10)
        elif isinstance(block, Heading):
            heading = doc.add_paragraph(block.text, style="Heading 1" if block.level == 1 else "Heading 2")
            heading.paragraph_format.keep_with_next = True
        elif isinstance(block, Para):
            _text(doc, block.text, muted=block.muted, size=9 if block.muted else None)
        elif isinstance(block, Field):
            _text(doc, block.label, bold=True, keep_with_next=True).paragraph_format.space_after = Pt(1)
            _text(doc, block.text).paragraph_format.space_after = Pt(8)
        elif isinstance(block, Facts):
            _facts(doc, block)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Image):
            picture = doc.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.paragraph_format.keep_with_next = bool(block.caption)
            picture.add_run().add_picture(io.BytesIO(images[block.chart]), width=int(TEXT_W * block.width))
            if block.caption:
                _text(doc, block.caption, muted=True, size=9, center=True)
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
    _text(doc, closing, muted=True, size=8).paragraph_format.space_before = Pt(18)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def to_docx(report: Report) -> bytes:
    """Return the handleplan as a .docx file's bytes."""
    doc = Document()
    house_style(doc, label(report.language, "doc.title"), literal(report.workshop.name, ""), report.language)
    return render(doc, outline(report), chart_images(report), footer_text(report))
