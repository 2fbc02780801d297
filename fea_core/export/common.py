"""What every export format shares: its strings, literal text, numbers and dates, file names,
spreadsheet escaping and the chart images.

Strings come from data/export.toml; the method's own labels come from data/method.toml.
"""

from __future__ import annotations

import io
import math
import re
import threading
import unicodedata
from collections import OrderedDict
from datetime import date, datetime

import pandas as pd
from PIL import Image as PILImage
from PIL import ImageChops

from fea_core.aggregate import ALL_GROUP
from fea_core.charts import quadrant_spec, radar_spec, to_png
from fea_core.i18n import load_strings, lookup
from fea_core.method import DEFAULT_LANGUAGE, LANGUAGES
from fea_core.report import Report

EMPTY = "–"
# Characters XML 1.0 (docx, xlsx) cannot hold, plus bidi overrides that would make a text read
# differently in the document than it was typed. Tab and newline stay: they are layout.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
# Never in a file name: Windows' reserved characters, and control characters anywhere.
_NOT_IN_FILE_NAME = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]')
FILE_NAME_MAX = 150  # UTF-8 bytes of the workshop name: the whole file name stays under 255 bytes
# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _catalogue() -> dict[str, dict[str, str]]:
    return load_strings("export.toml")


def label(language: str, key: str, **params) -> str:
    """Return the export string for key in the language, with {named} parameters filled in."""
    return lookup(_catalogue(), language, key, **params)


def status_label(language: str, status: str) -> str:
    """Return an action status's label ("Ikke startet"), or the key itself if it is unknown."""
    key = f"status.{status}"
    return label(language, key) if key in _catalogue() else literal(status)


def literal(value: object, empty: str = EMPTY) -> str:
    """Return a value as plain text safe for any document; None or blank text becomes ``empty``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return empty
    text = _ILLEGAL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    text = unicodedata.normalize("NFC", text).strip()
    return text if text else empty


def number(value: object, language: str) -> str:
    """Format a statistic to one decimal, with a decimal comma in Danish; missing shows a dash."""
    try:
        value = float(value)
    except (TypeError, ValueError):  # None, pd.NA
        return EMPTY
    if math.isnan(value):
        return EMPTY
    value = round(value, 1) + 0.0  # + 0.0 turns -0.0 into 0.0: an unchanged factor is "0,0", never "-0,0"
    text = f"{value:.1f}"
    return text.replace(".", ",") if language == "da" else text


def signed_number(value: object, language: str) -> str:
    """Format a change like ``number``, with "+" before a rise; no sign when it rounds to zero."""
    text = number(value, language)
    return "+" + text if text != EMPTY and round(float(value), 1) > 0 else text


def count(value: object) -> str:
    """Format a count; a withheld one (None, NA) shows a dash."""
    try:
        return str(int(value))
    except (TypeError, ValueError):  # None, pd.NA
        return EMPTY


def _day(value: object) -> object:
    """Return a datetime's date, a date as it is, and anything else (None, text) unchanged."""
    return value.date() if isinstance(value, datetime) else value


def long_date(value: date | datetime | None, language: str, empty: str = EMPTY) -> str:
    """Format a date as "26. november 2026" (Danish) or "26 November 2026" (English)."""
    day = _day(value)
    if not isinstance(day, date):
        return literal(day, empty)
    month = _catalogue()["doc.months"][language if language in LANGUAGES else DEFAULT_LANGUAGE][day.month - 1]
    return label(language, "doc.date", day=day.day, month=month, year=day.year)


def short_date(value: date | datetime | None, language: str, empty: str = EMPTY) -> str:
    """Format a date for a table column: "26.11.2026" (Danish) or "2026-11-26" (English)."""
    day = _day(value)
    if not isinstance(day, date):
        return literal(day, empty)
    return day.strftime("%d.%m.%Y") if language == "da" else day.isoformat()


class Figure(str):
    """A number or date as the documents print it ("3,4", "26.11.2026") that carries the value it
    shows, rounded as printed: the spreadsheet stores that value as a number or a date, every other
    renderer just prints the text."""

    value: object

    def __new__(cls, text: str, value: object):
        figure = super().__new__(cls, text)
        figure.value = value
        return figure


def count_figure(value: object) -> str:
    """Return ``count(value)`` as a Figure holding the whole number (a withheld count stays a dash)."""
    text = count(value)
    return text if text == EMPTY else Figure(text, int(value))


def number_figure(value: object, language: str) -> str:
    """Return ``number(value, language)`` as a Figure holding the value rounded to what is printed.

    Only the rounded value: a spreadsheet cell must not carry digits the disclosure rule hid.
    """
    text = number(value, language)
    return text if text == EMPTY else Figure(text, round(float(value), 1) + 0.0)


def date_figure(value: date | datetime | None, language: str, empty: str = EMPTY, *, long: bool = False) -> str:
    """Return ``long_date`` or ``short_date`` as a Figure holding the date; no date gives ``empty``."""
    text = (long_date if long else short_date)(value, language, empty)
    day = _day(value)
    return Figure(text, day) if isinstance(day, date) else text


def safe_file_name(name: str, held_on: date | None, extension: str, language: str = DEFAULT_LANGUAGE,
                   title_key: str = "doc.title") -> str:
    """Return "<title> - <name> - <date>.<ext>" ("Handleplan" by default): filesystem-safe, Danish
    letters kept, length capped."""
    cleaned = unicodedata.normalize("NFC", _NOT_IN_FILE_NAME.sub(" ", str(name or "")))
    cleaned = " ".join(cleaned.split()).encode("utf-8")[:FILE_NAME_MAX].decode("utf-8", "ignore").strip(" .")
    parts = [label(language, title_key), cleaned, held_on.isoformat() if held_on else ""]
    stem = " - ".join(p for p in parts if p)
    ext = re.sub(r"[^A-Za-z0-9]", "", str(extension))
    return f"{stem}.{ext}" if ext else stem


def file_name(report: Report, extension: str) -> str:
    """Return the export's file name from the workshop's name and date, e.g. "Handleplan - X - 2026-11-26.pdf"."""
    return safe_file_name(report.workshop.name, report.workshop.held_on, extension, report.language)


def xml_safe(text: str) -> str:
    """Return text without the control and bidi-override characters a document must not carry."""
    return _ILLEGAL.sub("", text)


# Chart images: rendered once per report, shared by to_docx and to_pdf when both run on the
# same Report object. The entry keeps the report alive, so its id cannot be reused meanwhile.
_CACHE_SIZE = 4
_cache: OrderedDict[int, tuple[Report, dict[str, bytes]]] = OrderedDict()
_cache_lock = threading.Lock()


def _trim(png: bytes, pad: int = 16) -> bytes:
    """Return the PNG on an opaque white background, cropped to the drawing plus ``pad`` pixels.

    The charts are sized for the screen with generous white margins; in a document the
    margins only make the chart smaller. No alpha channel also makes the PDF smaller.
    """
    with PILImage.open(io.BytesIO(png)) as image:
        image.load()
        flat = PILImage.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
    box = ImageChops.difference(flat, PILImage.new("RGB", flat.size, "white")).getbbox()
    if box:
        left, top, right, bottom = box
        flat = flat.crop((max(0, left - pad), max(0, top - pad),
                          min(flat.width, right + pad), min(flat.height, bottom + pad)))
    out = io.BytesIO()
    flat.save(out, format="PNG", compress_level=3)
    return out.getvalue()


def _plain_texts(positions):
    # Item texts only feed the tooltips, which a PNG never shows; vl-convert rejects characters
    # XML cannot hold, so they are made plain first.
    return positions.assign(text=positions["text"].map(literal)) if "text" in positions else positions


def shown_groups(profile: pd.DataFrame) -> pd.DataFrame:
    """Return the profile's group rows (not the whole room) that show at least one figure."""
    if not len(profile):
        return profile
    groups = profile[profile["group_key"] != ALL_GROUP]
    shown = groups.groupby("group_key")["mean"].transform(lambda m: m.notna().any()) if len(groups) else groups
    return groups[shown.astype(bool)] if len(groups) else groups


def group_chart(profile: pd.DataFrame, factors) -> dict:
    """Return the groups' radar spec under the "groups" key, or nothing when no group is shown.

    Leaders and employees as two profiles, as figure 1 draws two groups: only the groups the
    disclosure rule let through, with only their disclosed figures.
    """
    groups = shown_groups(profile)
    return {"groups": radar_spec(groups, factors)} if len(groups) else {}


def pngs(charts: dict[str, dict]) -> dict[str, bytes]:
    """Return each chart spec rendered to a trimmed PNG, under the same key."""
    return {key: _trim(to_png(chart)) for key, chart in charts.items()}


def charts(report: Report) -> dict[str, dict]:
    """Return the specs of the handleplan's charts: "radar", "groups" (when shown), "problems", "ideas"."""
    profile = report.competence.profile
    overall = profile[profile["group_key"] == ALL_GROUP] if len(profile) else profile
    problem_id = report.chosen_problem.id if report.chosen_problem else None
    idea_id = report.chosen_idea.id if report.chosen_idea else None
    return {
        "radar": radar_spec(overall, report.factors),
        **group_chart(profile, report.factors),
        "problems": quadrant_spec(_plain_texts(report.problem_positions), report.problem_matrix, chosen_id=problem_id),
        "ideas": quadrant_spec(_plain_texts(report.idea_positions), report.solution_matrix, chosen_id=idea_id),
    }


def _render(report: Report) -> dict[str, bytes]:
    return pngs(charts(report))


def chart_images(report: Report) -> dict[str, bytes]:
    """Return the PNGs of the competence radar, the groups' radar when any group is shown, and the two
    matrices ("radar", "groups", "problems", "ideas")."""
    key = id(report)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is report:
            _cache.move_to_end(key)
            return hit[1]
    images = _render(report)
    with _cache_lock:
        _cache[key] = (report, images)
        _cache.move_to_end(key)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return images
