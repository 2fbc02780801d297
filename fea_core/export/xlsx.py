"""The handleplan and its anonymous raw data as an Excel workbook (openpyxl).

Sheets: a summary (the handleplan as rows), then the raw ratings, items, placements and actions
for the workplace's own analysis. A participant's ``=HYPERLINK(...)`` is stored as a text cell with
Excel's quote-prefix style (``_append``): shown as typed, never a formula, no visible apostrophe.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from fea_core.export.common import FORMULA_START, Figure, label, status_label, xml_safe
from fea_core.export.outline import Bullets, Facts, Field, Heading, Para, Table, Title, footer_text, outline
from fea_core.method import load_method
from fea_core.report import Report

HEAD_FONT, HEAD_FILL = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1E3A8A")
BOLD, TOP_WRAP = Font(bold=True), Alignment(vertical="top", wrap_text=True)
# How a date cell shows: as the documents print short dates ("26.11.2026"; ISO in English).
DATE_FORMAT = {"da": "dd.mm.yyyy", "en": "yyyy-mm-dd"}
ONE_DECIMAL = "0.0"  # a mean or spread, as printed; Excel shows the decimal comma of its own locale


def _value(value):
    """Return a value openpyxl writes as data: missing becomes empty, text loses characters XML forbids."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, Figure):  # a printed number or date: the sheet stores the value itself
        return value.value
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return _value(value.item())
    return xml_safe(value) if isinstance(value, str) else value


def _append(sheet, values) -> None:
    """Append a row; text that a spreadsheet would read as a formula stays text.

    openpyxl makes every string starting with "=" a formula. Such a cell is set back to a text
    cell with the quote-prefix style, which is how Excel itself stores text typed after an
    apostrophe: the apostrophe is not part of the value and is not shown.
    """
    sheet.append(values)
    if not any(isinstance(v, str) and v.startswith(FORMULA_START) for v in values):
        return  # most rows: no look-up (finding the last row costs a walk over the whole sheet)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True


def _day(value):
    """Return a deadline as a date (no time of day); missing stays empty."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.date() if isinstance(value, datetime) else value  # pd.Timestamp is a datetime


def _axis_scale(lang: str, kind: str, axis) -> str:
    """Say what 1 and 5 mean on a matrix axis, and that a reversed one is drawn high to low."""
    text = label(lang, "column.axis_scale", kind=kind, axis=axis.label, low=axis.low, high=axis.high)
    if axis.reversed:
        text += f" ({label(lang, 'column.axis_reversed', low=axis.low, high=axis.high)})"
    return text


def _formats(cells, values, date_format: str) -> None:
    """Give the cells that hold a printed date or a one-decimal figure the format it was printed in."""
    for cell, value in zip(cells, values):
        if isinstance(value, Figure) and isinstance(value.value, (date, datetime)):
            cell.number_format = date_format
        elif isinstance(value, Figure) and isinstance(value.value, float):
            cell.number_format = ONE_DECIMAL


def _summary(sheet, report: Report) -> None:
    date_format = DATE_FORMAT.get(report.language, DATE_FORMAT["en"])
    widths = (34, 60, 22, 16, 30, 16)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    def put(values, font=None, fill=None):
        _append(sheet, [_value(v) for v in values])
        _formats(sheet[sheet.max_row], values, date_format)
        for cell in sheet[sheet.max_row]:
            cell.alignment = TOP_WRAP
            if font is not None:
                cell.font = font
            if fill is not None and cell.value is not None:
                cell.fill = fill

    for block in outline(report):
        if isinstance(block, Title):
            put([f"{block.title}: {block.subtitle}"], Font(bold=True, size=16, color="1E3A8A"))
            put([])
        elif isinstance(block, Heading):
            put([])
            put([block.text], Font(bold=True, size=13, color="1E3A8A"))
        elif isinstance(block, Para):
            put([block.text])
        elif isinstance(block, Field):
            put([block.label, block.text])
            sheet.cell(sheet.max_row, 1).font = BOLD
        elif isinstance(block, Facts):
            for name, value in block.rows:
                put([name, value])
                sheet.cell(sheet.max_row, 1).font = BOLD
        elif isinstance(block, Table):
            put(block.headers, HEAD_FONT, HEAD_FILL)
            for row in block.rows:
                put(row)
        elif isinstance(block, Bullets):
            for item in block.items:
                put([item])
    put([])
    put([footer_text(report)], Font(italic=True, color="6B7280"))


def _raw_sheet(book: Workbook, title: str, frame: pd.DataFrame, headers: dict[str, str],
               convert: dict[str, callable], date_format: str) -> None:
    sheet = book.create_sheet(title)
    columns = list(frame.columns)
    _append(sheet, [_value(headers.get(c, c)) for c in columns])
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = HEAD_FONT, HEAD_FILL, TOP_WRAP
    converters = [convert.get(c) for c in columns]
    for row in frame.itertuples(index=False, name=None):
        _append(sheet, [_value(f(v) if f else v) for f, v in zip(converters, row)])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 60 if column in ("text", "what", "follow_up") else max(
            12, min(40, len(str(headers.get(column, column))) + 2))
        if column in ("deadline",):
            for cell in sheet[letter][1:]:
                cell.number_format = date_format
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, sheet.max_row)}"


def to_xlsx(report: Report) -> bytes:
    """Return the workbook's bytes: the summary sheet, then the raw data sheets."""
    lang = report.language
    method = load_method(lang)
    book = Workbook()
    summary = book.active
    summary.title = label(lang, "sheet.summary")
    _summary(summary, report)

    pm, sm = report.problem_matrix, report.solution_matrix
    headers = {key: label(lang, f"column.{key}") for key in (
        "participant", "role", "factor", "value", "kind", "number", "text", "hidden", "merged_into_number",
        "by_facilitator", "item_number", "position", "what", "owner", "deadline", "follow_up", "status")}
    for key in ("x", "y"):
        axes = [(label(lang, f"kind.{kind}"), getattr(matrix, key)) for kind, matrix in (("problem", pm), ("idea", sm))]
        headers[key] = label(lang, f"column.{key}", axes=" / ".join(_axis_scale(lang, kind, axis) for kind, axis in axes))
    factors = {f.key: f.label for f in report.factors}
    roles = {r.key: r.label for r in method.roles}
    kinds = {k: label(lang, f"kind.{k}") for k in ("problem", "idea", "keep")}
    dont_know = label(lang, "competence.dont_know")
    yes_no = lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else bool(v)  # noqa: E731
    convert = {
        "role": lambda v: roles.get(v, v),
        "factor": lambda v: factors.get(v, v),
        # "Ved ikke" as text: Excel's AVERAGE skips it, and nobody mistakes it for a missing answer.
        "value": lambda v: dont_know if v is None or (isinstance(v, float) and math.isnan(v)) else v,
        "kind": lambda v: kinds.get(v, v),
        "hidden": yes_no,
        "by_facilitator": yes_no,
        "status": lambda v: status_label(lang, v) if isinstance(v, str) else v,
        "deadline": _day,
    }
    raw = report.raw
    for key, frame in (("ratings", raw.ratings), ("items", raw.items), ("placements", raw.placements),
                       ("actions", raw.actions)):
        _raw_sheet(book, label(lang, f"sheet.{key}"), frame, headers, convert, DATE_FORMAT.get(lang, DATE_FORMAT["en"]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
