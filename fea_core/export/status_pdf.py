"""The forløb's status report as a PDF: the handleplan PDF's layout and fonts, other content."""

from __future__ import annotations

from fpdf import FPDF

from fea_core.export import pdf as base
from fea_core.export.common import label, literal
from fea_core.export.outline import Bullets, Facts, Field, Heading, Image, PageBreak, Para, Table, Title
from fea_core.export.status_outline import footer_line, status_images, status_outline
from fea_core.status_report import CourseStatus


class _StatusDocument(base._Document):
    """The handleplan's page set-up with the status report's title and footer."""

    def __init__(self, status: CourseStatus):
        FPDF.__init__(self, orientation="portrait", unit="mm", format="A4")
        self.language = status.language
        self.add_font(base.FONT, "", str(base.FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(base.FONT, "B", str(base.FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(base.MARGIN, base.TOP, base.MARGIN)
        self.set_auto_page_break(True, margin=base.BOTTOM)
        title = label(status.language, "course_report.title")
        name = literal(status.course.name, "")
        self.set_title(f"{title} – {name}")
        self.set_lang(status.language)
        self.set_creator("Arbejdsmiljøpakken")
        self.plans = {}
        self.footer_left = f"{title} · {name[:70]}{'…' if len(name) > 70 else ''}"

    def footer(self):
        self.set_y(-14)
        self.set_draw_color(*base.RULE)
        self.line(base.MARGIN, self.get_y() - 1.5, self.w - base.MARGIN, self.get_y() - 1.5)
        self.set_font(base.FONT, "", 7.5)
        self.set_text_color(*base.MUTED)
        page = label(self.language, "doc.page", page=self.page_no(), pages="{nb}")
        self.cell(self.epw * 0.75, 5, self.footer_left, align="L")
        self.cell(self.epw * 0.25, 5, page, align="R")


def status_to_pdf(status: CourseStatus, facilitators: tuple[str, ...] = ()) -> bytes:
    """Return the forløb's status report as a PDF file's bytes (A4)."""
    images = status_images(status)
    pdf = _StatusDocument(status)
    pdf.add_page()
    blocks = status_outline(status, facilitators)
    for index, block in enumerate(blocks):
        if isinstance(block, Title):
            base._title(pdf, block)
        elif isinstance(block, Heading):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            base._heading(pdf, block, base._lead(pdf, following, images) if following is not None else 0)
        elif isinstance(block, Para):
            pdf.para(block.text, size=base.SMALL if block.muted else base.BODY,
                     color=base.MUTED if block.muted else base.INK, after=3)
        elif isinstance(block, Field):
            base._field(pdf, block)
        elif isinstance(block, Facts):
            base._facts(pdf, block)
        elif isinstance(block, Table):
            base._table(pdf, block)
        elif isinstance(block, Image):
            base._image(pdf, block, images[block.chart])
        elif isinstance(block, Bullets):
            base._bullets(pdf, block)
        elif isinstance(block, PageBreak):
            pdf.add_page()
    pdf.ln(6)
    pdf.para(footer_line(status), size=7.5, color=base.MUTED)
    return bytes(pdf.output())
