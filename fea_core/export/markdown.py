"""The handleplan as Markdown (CommonMark with GitHub tables), for wikis and intranets.

Every text is escaped, so a participant's ``**x**``, ``<script>``, ``[link](...)`` or bare
``http://…`` shows as typed and never becomes emphasis, HTML or a link. The download is a .zip
of the Markdown file and the chart images it shows (``to_markdown_zip``), so the document
carries the same charts as Word and PDF wherever it is unpacked.
"""

from __future__ import annotations

import io
import re
import zipfile

from fea_core.export.common import chart_images, file_name
from fea_core.export.outline import Bullets, Facts, Field, Heading, Image, Para, Table, Title, footer_text, outline
from fea_core.markdown_escape import break_autolinks
from fea_core.report import Report

IMAGE_DIR = "billeder"
# A hard line break inside a paragraph: two trailing spaces are the one form every renderer
# knows (a trailing backslash showed as a literal "\" in several).
HARD_BREAK = "  \n"

# Characters with a meaning anywhere in a line: emphasis, code, links and images (a link needs
# "[", so "(" and "!" may stay), HTML, entities, tables, strikethrough, math, closing "#"s of a
# heading, and the backslash itself.
_INLINE = re.compile(r"([\\`*_\[\]<>#|~&$])")
# Characters that start a block at the start of a line: lists, quotes, setext headings.
_LINE_START = re.compile(r"^([-+=>])|^(\d+)([.)])")
# Bare addresses ("http://…", "www.…", "name@host") that GFM renderers link by themselves: the
# character that makes each an address is escaped (cmark-gfm, markdown-it), and a word joiner
# goes in for renderers that find addresses in the unescaped text (remark; fea_core.markdown_escape).
_BARE_ADDRESS = re.compile("(?i):(?=//)|(?<=www\u2060)\\.|@")  # after break_autolinks


def escape(text: str, line_start: bool = False) -> str:
    """Return one line of text that Markdown renders exactly as typed.

    ``line_start``: the text begins a line (a paragraph or list item), where "- ", "1." or "="
    would start a list or a heading.
    """
    line = _INLINE.sub(r"\\\1", break_autolinks(text.strip()))
    line = _BARE_ADDRESS.sub(lambda m: "\\" + m.group(0), line)
    if not line_start:
        return line
    return _LINE_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", line)


def escape_block(text: str) -> str:
    """Return possibly multi-line text as one paragraph, its line breaks kept as hard breaks."""
    lines = [escape(line, line_start=True) for line in text.splitlines() if line.strip()]
    return HARD_BREAK.join(lines) if lines else escape(text, line_start=True)


def _cell(text: str) -> str:
    # A table row is one line: line breaks inside a cell become spaces.
    return escape(" ".join(text.split()))


def _table(headers, rows, numeric=(), bold_rows=frozenset()) -> list[str]:
    numeric = numeric or (False,) * len(headers)
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |",
             "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    for index, row in enumerate(rows):
        cells = [_cell(c) for c in row]
        if index in bold_rows:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def to_markdown(report: Report, image_dir: str = IMAGE_DIR) -> str:
    """Return the handleplan as a Markdown document whose charts are ``image_dir``/<chart>.png."""
    out: list[str] = []
    for block in outline(report):
        if isinstance(block, Title):
            out += [f"# {escape(block.title)}: {escape(block.subtitle)}", ""]
        elif isinstance(block, Heading):
            out += [f"{'#' * (block.level + 1)} {escape(block.text)}", ""]
        elif isinstance(block, Para):
            out += [f"*{escape_block(block.text)}*" if block.muted else escape_block(block.text), ""]
        elif isinstance(block, Field):
            out += [f"**{escape(block.label)}**" + HARD_BREAK.rstrip("\n"), escape_block(block.text), ""]
        elif isinstance(block, Facts):
            out += [f"- **{escape(name)}:** {escape(' '.join(value.split()))}" for name, value in block.rows] + [""]
        elif isinstance(block, Table):
            out += _table(block.headers, block.rows, block.numeric, block.highlight) + [""]
        elif isinstance(block, Image):
            alt = escape(" ".join((block.caption or block.chart).split()))
            out += [f"![{alt}]({image_dir}/{block.chart}.png)", ""]
            if block.caption:
                out += [f"*{escape_block(block.caption)}*", ""]
        elif isinstance(block, Bullets):
            out += [f"- {escape(' '.join(item.split()), line_start=True)}" for item in block.items] + [""]
    out += ["---", "", f"*{escape(footer_text(report))}*", ""]
    return "\n".join(out)


def to_markdown_zip(report: Report) -> bytes:
    """Return a .zip of the handleplan's Markdown file and the chart images it shows."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(file_name(report, "md"), to_markdown(report).encode("utf-8"))
        for chart, png in chart_images(report).items():
            archive.writestr(f"{IMAGE_DIR}/{chart}.png", png)
    return out.getvalue()
