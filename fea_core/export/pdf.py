"""The handleplan as a PDF (fpdf2): A4, embedded DejaVu Sans, tables that wrap, the charts as PNG.

Text is only ever drawn with ``markdown=False`` (fpdf2's default), so a participant's ``**x**``
or ``<b>`` is printed as typed. The font ships in ``fonts/`` so æ, ø, å and „quotes“ render on a
machine without DejaVu installed.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, TableBordersLayout, VAlign, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from fea_core.export.common import chart_images, label, literal
from fea_core.export.outline import (
    Bullets, Facts, Field, Heading, Image, Para, Table, Title, fit_widths, footer_text, outline,
)
from fea_core.report import Report

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
MARGIN, TOP, BOTTOM = 20.0, 18.0, 20.0  # mm
INK, MUTED, ACCENT, RULE = (31, 41, 55), (107, 114, 128), (30, 58, 138), (200, 205, 212)
FACT_FILL, HIGHLIGHT_FILL, WHITE = (243, 244, 246), (253, 235, 211), (255, 255, 255)
BODY, SMALL, TABLE = 10.0, 8.5, 9.0  # pt
LINE = 5.0  # mm per body line
CELL_PAD, CELL_VPAD = 1.6, 1.2  # mm inside a table cell: left and right, top and bottom


def _png_size(png: bytes) -> tuple[int, int]:
    # The IHDR chunk comes first: width and height as big-endian 32-bit integers at byte 16.
    return struct.unpack(">II", png[16:24])


def _plain(text: str) -> str:
    # fpdf2 lays out tabs unpredictably; the rest is printed as given.
    return text.replace("\t", "    ")


class _Document(FPDF):
    """An A4 page with the house fonts, margins and a "title · name · page x of y" footer."""

    def __init__(self, language: str, title: str, name: str):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.language = language
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_title(f"{title} – {name}")
        self.set_lang(language)
        self.set_creator("Arbejdsmiljøpakken")
        self.plans: dict[int, tuple] = {}  # table id -> (column widths, first-page height)
        self.footer_left = f"{title} · {name[:70]}{'…' if len(name) > 70 else ''}"

    def footer(self):
        self.set_y(-14)
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y() - 1.5, self.w - MARGIN, self.get_y() - 1.5)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        page = label(self.language, "doc.page", page=self.page_no(), pages="{nb}")
        self.cell(self.epw * 0.75, 5, self.footer_left, align="L")
        self.cell(self.epw * 0.25, 5, page, align="R")

    # Layout helpers ---------------------------------------------------------------------------
    def room(self) -> float:
        """Return the height left on this page above the bottom margin."""
        return self.page_break_trigger - self.get_y()

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.room() < height:
            self.add_page()

    def para(self, text: str, *, size: float = BODY, bold: bool = False, color=INK, align: str = "L",
             line: float = LINE, after: float = 1.5) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)
        self.multi_cell(0, line, _plain(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(after)


def _heading(pdf: _Document, block: Heading, lead: float) -> None:
    """Draw a heading, on a new page unless ``lead`` mm of what follows fit under it."""
    pdf.need((15 if block.level == 1 else 11) + max(lead, 10))
    if pdf.get_y() > TOP + 1:
        pdf.ln(4)
    size = 14 if block.level == 1 else 11.5
    pdf.start_section(block.text, level=block.level - 1)  # the PDF's bookmarks (outline) mirror the headings
    pdf.para(block.text, size=size, bold=True, color=ACCENT, line=size * 0.5, after=1)
    if block.level == 1:
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(0.4)
        pdf.line(MARGIN, pdf.get_y(), pdf.w - MARGIN, pdf.get_y())
        pdf.set_line_width(0.2)
        pdf.ln(3)


def _column_widths(pdf: _Document, block: Table, total: float, size: float) -> tuple[float, ...]:
    def measure(text: str, bold: bool) -> float:
        pdf.set_font(FONT, "B" if bold else "", size)
        return pdf.get_string_width(text)

    return fit_widths(block, total, measure, 2 * CELL_PAD + 0.6)


def _row_heights(pdf: _Document, block: Table, widths, size: float) -> list[float]:
    """Return each body row's height in mm as fpdf2 will lay it out (dry runs only where text wraps)."""
    line = size * 0.48
    heights = []
    for index, row in enumerate(block.rows):
        pdf.set_font(FONT, "B" if index in block.highlight else "", size)
        lines = 1
        for text, width in zip(row, widths):
            inner = width - 2 * CELL_PAD
            if "\n" in text or pdf.get_string_width(text) > inner:
                wrapped = pdf.multi_cell(inner, line, _plain(text), dry_run=True, output=MethodReturnValue.LINES)
                lines = max(lines, len(wrapped))
        heights.append(lines * line + 2 * CELL_VPAD)
    return heights


def _records(pdf: _Document, block: Table) -> None:
    """Print a table whose rows would not fit a page as one record per row: label, then value."""
    for row in block.rows:
        pdf.need(16)
        pdf.para(f"{block.headers[0]} {row[0]}", bold=True, color=ACCENT, after=0.5)
        for header, value in zip(block.headers[1:], row[1:]):
            pdf.para(header, size=SMALL, bold=True, color=MUTED, line=4, after=0)
            pdf.para(value, after=1.5)
        pdf.set_draw_color(*RULE)
        pdf.line(MARGIN, pdf.get_y(), pdf.w - MARGIN, pdf.get_y())
        pdf.ln(3)


def _table_plan(pdf: _Document, block: Table, size: float = TABLE) -> tuple[tuple[float, ...], float | None]:
    """Return the column widths and the height the table must find on its first page, or None
    when a row is too tall for any page and the table is printed as records instead."""
    if id(block) not in pdf.plans:
        widths = _column_widths(pdf, block, pdf.epw, size)
        heights = _row_heights(pdf, block, widths, size)
        header = size * 0.48 * 2 + 2 * CELL_VPAD  # room for a two-line heading
        if heights and max(heights) + header > (pdf.page_break_trigger - TOP) * 0.9:
            pdf.plans[id(block)] = (widths, None)
        else:
            # A short table stays on one page; a long one breaks between rows (the heading
            # repeats), but never leaves its heading alone at the bottom of a page.
            pdf.plans[id(block)] = (widths, header + (sum(heights) if len(heights) <= 8 else heights[0]) + 2)
    return pdf.plans[id(block)]


def _lead(pdf: _Document, block, images: dict[str, bytes]) -> float:
    """Return how much of a block must fit under the heading before it (mm)."""
    if isinstance(block, Table):
        first = _table_plan(pdf, block)[1]
        return 16 if first is None else first
    if isinstance(block, Image):
        px_w, px_h = _png_size(images[block.chart])
        return 0.8 * (pdf.epw * block.width * px_h / px_w + 9)
    return 14


def _heading_lead(pdf: _Document, following: list, images: dict[str, bytes]) -> float:
    """Return how much must fit under a heading: what follows it, and a chart or table that comes
    right after a one-line introduction too (a heading and its sentence alone at a page's foot,
    their chart on the next page, read as a page cut short)."""
    if not following:
        return 0
    lead = _lead(pdf, following[0], images)
    if isinstance(following[0], Para) and len(following) > 1 and isinstance(following[1], (Image, Table)):
        lead += _lead(pdf, following[1], images)
    return lead


def _table(pdf: _Document, block: Table, *, size: float = TABLE) -> None:
    widths, first = _table_plan(pdf, block, size)
    if first is None:
        _records(pdf, block)
        return
    pdf.need(first)
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    numeric = block.numeric or (False,) * len(block.headers)
    with pdf.table(
        col_widths=widths, width=pdf.epw, line_height=size * 0.48, padding=(CELL_VPAD, CELL_PAD),
        text_align=tuple("RIGHT" if n else "LEFT" for n in numeric), v_align=VAlign.T,
        headings_style=FontFace(emphasis="B", color=WHITE, fill_color=ACCENT),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES, wrapmode=WrapMode.WORD, markdown=False,
    ) as table:
        heading = table.row()
        for text in block.headers:
            heading.cell(text)
        for index, values in enumerate(block.rows):
            style = FontFace(emphasis="B", fill_color=HIGHLIGHT_FILL) if index in block.highlight else None
            row = table.row()
            for text in values:
                row.cell(_plain(text), style=style)
    pdf.ln(3)


def _facts(pdf: _Document, block: Facts) -> None:
    pdf.set_font(FONT, "", BODY)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*WHITE)
    with pdf.table(
        col_widths=(0.32, 0.68), width=pdf.epw, line_height=5, padding=(1.6, 2.4), text_align="LEFT",
        v_align=VAlign.T, first_row_as_headings=False, borders_layout=TableBordersLayout.INTERNAL,
        markdown=False,
    ) as table:
        for name, value in block.rows:
            row = table.row()
            row.cell(name, style=FontFace(emphasis="B", fill_color=FACT_FILL))
            row.cell(_plain(value), style=FontFace(fill_color=(249, 250, 251)))
    pdf.ln(4)


def _image(pdf: _Document, block: Image, png: bytes) -> None:
    px_w, px_h = _png_size(png)
    width = pdf.epw * block.width
    height = width * px_h / px_w
    caption = 9 if block.caption else 0
    if pdf.room() < height + caption:
        # Shrink a little rather than leave half a page empty; below that, start a new page.
        if pdf.room() >= (height + caption) * 0.8:
            height = pdf.room() - caption
            width = height * px_w / px_h
        else:
            pdf.add_page()
    pdf.image(io.BytesIO(png), x=(pdf.w - width) / 2, y=pdf.get_y(), w=width, h=height)
    pdf.set_y(pdf.get_y() + height + 1)
    if block.caption:
        pdf.para(block.caption, size=SMALL, color=MUTED, align="C", line=4, after=3)


def _field(pdf: _Document, block: Field) -> None:
    pdf.need(14)  # the label stays with at least the first line of its value
    pdf.para(block.label, bold=True, after=0.5)
    pdf.para(block.text, after=4)


def _bullets(pdf: _Document, block: Bullets) -> None:
    pdf.set_font(FONT, "", BODY)
    pdf.set_text_color(*INK)
    for item in block.items:
        pdf.need(LINE)
        y = pdf.get_y()
        pdf.set_xy(MARGIN + 1.5, y)
        pdf.cell(4, LINE, "•")
        pdf.set_xy(MARGIN + 6, y)
        pdf.multi_cell(pdf.epw - 6, LINE, _plain(item), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)


def _title(pdf: _Document, block: Title) -> None:
    pdf.para(block.title, size=24, bold=True, color=ACCENT, line=11, after=0)
    pdf.para(block.subtitle, size=14, bold=True, line=7, after=5)


def render(pdf: _Document, blocks: list, images: dict[str, bytes], closing: str) -> bytes:
    """Lay out an outline's blocks on the document's pages and return the PDF's bytes."""
    pdf.add_page()
    for index, block in enumerate(blocks):
        if isinstance(block, Title):
            _title(pdf, block)
        elif isinstance(block, Heading):
            _heading(pdf, block, _heading_lead(pdf, blocks[index + 1:index + 3], images))
        elif isinstance(block, Para):
            pdf.para(block.text, size=SMALL if block.muted else BODY, color=MUTED if block.muted else INK, after=3)
        elif isinstance(block, Field):
            _field(pdf, block)
        elif isinstance(block, Facts):
            _facts(pdf, block)
        elif isinstance(block, Table):
            _table(pdf, block)
        elif isinstance(block, Image):
            _image(pdf, block, images[block.chart])
        elif isinstance(block, Bullets):
            _bullets(pdf, block)
    pdf.ln(6)
    pdf.para(closing, size=7.5, color=MUTED)
    return bytes(pdf.output())


def to_pdf(report: Report) -> bytes:
    """Return the handleplan as a PDF file's bytes (A4)."""
    lang = report.language
    pdf = _Document(lang, label(lang, "doc.title"), literal(report.workshop.name, ""))
    return render(pdf, outline(report), chart_images(report), footer_text(report))
