"""Tests of fea_core.export: the handleplan as Word, PDF, Markdown and Excel, each read back.

Most tests build a ``Report`` by hand (``make_report``), so they control every piece: Danish
letters, „typographic quotes“, a hostile participant text, empty parts. One test plays a whole
100-participant workshop through ``tests.report_fixture`` and times the export.

The PDF is read with a small extractor below (content streams + the fonts' ToUnicode maps), so
the tests need neither pypdf nor poppler.
"""

from __future__ import annotations

import io
import math
import re
import sys
import zlib
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # lets a bare `pytest` (no `python -m`) import fea_core too
    sys.path.insert(0, str(REPO))

from fea_core import export  # noqa: E402
from fea_core.aggregate import competence_summary  # noqa: E402
from fea_core.export import common, file_name, to_docx, to_markdown, to_pdf, to_xlsx  # noqa: E402
from fea_core.export.common import safe_file_name, signed_number  # noqa: E402
from fea_core.method import LANGUAGES, load_method  # noqa: E402
from fea_core.model import Item, Workshop  # noqa: E402
from fea_core.quadrants import positions, ranking  # noqa: E402
from fea_core.report import (  # noqa: E402
    ACTION_RAW_COLUMNS, ACTION_STATUSES, ITEM_RAW_COLUMNS, PLACEMENT_RAW_COLUMNS, RATING_RAW_COLUMNS,
    Action, RawData, Report,
)

HOSTILE_FORMULA = '=HYPERLINK("http://x")'
HOSTILE_HTML = "<script>alert(1)</script>"
HOSTILE_MARKDOWN = "**bold** [klik](http://x) # _x_"
NAME = "Temadag om psykisk arbejdsmiljø"
DEPARTMENT = "Hjemmeplejen Nord – „Team Øst“"
CHOSEN_PROBLEM = "Travlhed om morgenen: „Vi når det aldrig“"
CHOSEN_IDEA = "Fast tavlemøde kl. 7.45 med fordeling af opgaverne"
DESCRIPTION = "Mellem kl. 7 og 9 sker vagtskiftet.\nIngen ved, hvem der gør hvad – „det er bare sådan her“."
ANSWERS = ("Et dagligt tavlemøde på 10 minutter.", "Alle på dagvagten.", "", "Hver hverdag.",
           "Afdelingssygeplejersken leder.")
PROCESS = "Styregruppen følger op på hvert månedsmøde."
HELD_ON = date(2026, 11, 26)


# A hand-built report ---------------------------------------------------------------------------
def _item(item_id: int, kind: str, number: int, text: str, **changes) -> Item:
    return Item(id=item_id, workshop_id=1, kind=kind, number=number, text=text, author_participant_id=None,
                hidden=changes.get("hidden", False), merged_into=changes.get("merged_into"),
                created_at=datetime(2026, 11, 26, 9, 0))


def make_report(*, language: str = "da", participants: int = 12, problem_texts=None, idea_texts=None,
                chosen: bool = True, actions=None, description: str | None = DESCRIPTION,
                answers=ANSWERS, name: str = NAME, next_follow_up: date | None = date(2027, 1, 15)) -> Report:
    """Return a Report as build_report would: 12 phones, a few problems and ideas, four actions."""
    method = load_method(language)
    workshop = Workshop(
        id=1, code="ABC123", name=name, department=DEPARTMENT, held_on=HELD_ON, theme="Psykologisk tryghed",
        language=language, owner="anne", created_at=datetime(2026, 11, 1, tzinfo=timezone.utc), ended_at=None,
        activity="solution_matrix", activity_open=False, results_visible=True, revision=7, stage=5,
    )
    roles = ["medarbejder"] * 8 + ["leder"] * 4
    ratings = pd.DataFrame(
        [{"participant_id": p, "role": roles[p % len(roles)], "factor": f.key,
          "value": float("nan") if (p + i) % 7 == 0 else float(1 + (p * (i + 1)) % 5)}
         for p in range(participants) for i, f in enumerate(method.factors)],
        columns=["participant_id", "role", "factor", "value"],
    )
    summary = competence_summary(ratings, method.factors, all_label="Alle",
                                 role_labels={r.key: r.label for r in method.roles})
    problem_texts = [CHOSEN_PROBLEM, HOSTILE_FORMULA, HOSTILE_HTML, HOSTILE_MARKDOWN, "Støj i vagtstuen"] \
        if problem_texts is None else problem_texts
    if idea_texts is None:
        idea_texts = [CHOSEN_IDEA, "Buddy-ordning for nye", "- en idé der ligner en liste"]
    problems = tuple(_item(10 + n, "problem", n, t) for n, t in enumerate(problem_texts, start=1))
    ideas = tuple(_item(100 + n, "idea", n, t) for n, t in enumerate(idea_texts, start=1))
    keep = (_item(200, "keep", 1, "Vi hjælper hinanden – „altid“"),)

    def placed(items, seed):
        return pd.DataFrame(
            [{"item_id": i.id, "participant_id": p, "x": 1 + (p + seed * i.number) % 5, "y": 1 + (p * i.number) % 5}
             for i in items for p in range(participants)],
            columns=["item_id", "participant_id", "x", "y"],
        )

    problem_placements, idea_placements = placed(problems, 1), placed(ideas, 2)
    if actions is None:
        actions = (
            Action(1, 1, "Indkøbe en whiteboardtavle", "Mette", date(2026, 12, 10), "Tjekkes på styregruppemødet",
                   "done"),
            Action(2, 2, "Holde tavlemøde hver hverdag", "Alle på dagvagten", date(2027, 1, 31), "Evaluering",
                   "in_progress"),
            Action(3, 3, HOSTILE_FORMULA, "", None, "", "not_started"),
            Action(4, 4, "Justere formen", "Styregruppen", None, "På personalemødet", "adjusted"),
        )
    raw = RawData(
        ratings=ratings.rename(columns={"participant_id": "participant"})[RATING_RAW_COLUMNS],
        items=pd.DataFrame(
            [{"kind": i.kind, "number": i.number, "text": i.text, "hidden": i.hidden,
              "merged_into_number": None, "by_facilitator": True} for i in (*problems, *ideas, *keep)],
            columns=ITEM_RAW_COLUMNS,
        ),
        placements=pd.DataFrame(
            [{"kind": i.kind, "item_number": i.number, "participant": p.participant_id, "x": p.x, "y": p.y}
             for frame, items in ((problem_placements, problems), (idea_placements, ideas))
             for i in items for p in frame[frame["item_id"] == i.id].itertuples()],
            columns=PLACEMENT_RAW_COLUMNS,
        ),
        actions=pd.DataFrame(
            [{"position": a.position, "what": a.what, "owner": a.owner, "deadline": a.deadline,
              "follow_up": a.follow_up, "status": a.status} for a in actions],
            columns=ACTION_RAW_COLUMNS,
        ),
    )
    return Report(
        language=language, generated_at=datetime(2026, 11, 26, 15, 30, tzinfo=timezone.utc), workshop=workshop,
        participants=participants, factors=method.factors, competence=summary,
        competence_caption=method.competence_caption, problems=problems, keep_items=keep,
        problem_matrix=method.problem_matrix,
        problem_positions=ranking(positions(problems, problem_placements, method.problem_matrix)),
        chosen_problem=problems[0] if chosen and problems else None,
        problem_description=description if chosen else None, ideas=ideas, solution_matrix=method.solution_matrix,
        idea_positions=ranking(positions(ideas, idea_placements, method.solution_matrix)),
        chosen_idea=ideas[0] if chosen and ideas else None, support_questions=method.support_questions,
        support_answers=tuple(answers), actions=tuple(actions), follow_up_process=PROCESS,
        next_follow_up=next_follow_up, raw=raw,
    )


def make_empty_report(language: str = "da") -> Report:
    """Return a report of a workshop where nothing happened yet: no answers, items, choices or actions."""
    base = make_report(language=language, participants=0, problem_texts=[], idea_texts=[], chosen=False,
                       actions=(), answers=("",) * 5, next_follow_up=None)
    return replace(base, keep_items=(), follow_up_process="", participants=0)


# Reading the files back --------------------------------------------------------------------------
def docx_text(data: bytes) -> str:
    """Return every paragraph and table cell of a .docx, one per line."""
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def _pdf_objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Return {object number: (dictionary text, decoded stream or None)}."""
    objects = {}
    for match in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S):
        body, stream = match.group(2), None
        start = body.find(b"stream")
        if start != -1:
            head = body[:start]
            length = int(re.search(rb"/Length (\d+)", head).group(1))
            offset = start + len(b"stream") + (2 if body[start + 6:start + 8] == b"\r\n" else 1)
            stream = body[offset:offset + length]
            if b"/FlateDecode" in head:
                stream = zlib.decompress(stream)
            body = head
        objects[int(match.group(1))] = (body, stream)
    return objects


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 0
    escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
    while i < len(literal):
        c = literal[i]
        if c != 0x5C:
            out.append(c)
            i += 1
            continue
        nxt = literal[i + 1]
        if nxt in escapes:
            out.append(escapes[nxt])
            i += 2
        elif 0x30 <= nxt <= 0x37:
            digits = re.match(rb"[0-7]{1,3}", literal[i + 1:i + 4]).group(0)
            out.append(int(digits, 8) & 0xFF)
            i += 1 + len(digits)
        elif nxt in (10, 13):
            i += 2
        else:
            out.append(nxt)
            i += 2
    return bytes(out)


_TOKEN = re.compile(rb"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>|\[|\]|/[^\s/\[\]()<>]+|[-+]?\d*\.?\d+|[A-Za-z'\"*]+", re.S)


def pdf_text(data: bytes) -> list[str]:
    """Return the text of each page of a PDF written by fpdf2 with embedded (Type0) fonts."""
    objects = _pdf_objects(data)
    cmaps = {}
    for name, number in set(re.findall(rb"/(F\d+) (\d+) 0 R", data)):
        font = objects[int(number)][0]
        unicode_map = re.search(rb"/ToUnicode (\d+) 0 R", font)
        table = {}
        if unicode_map:
            cmap = objects[int(unicode_map.group(1))][1].decode("latin-1")
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    table[int(code, 16)] = bytes.fromhex(uni).decode("utf-16-be")
            for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
                for lo, hi, start in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                        table[code] = chr(int(start, 16) + k)
        cmaps[name.decode()] = table
    pages_dict = next(body for body, _ in objects.values() if b"/Type /Pages" in body)
    kids = [int(n) for n in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids \[(.*?)\]", pages_dict, re.S).group(1))]
    pages = []
    for kid in kids:
        contents = int(re.search(rb"/Contents (\d+) 0 R", objects[kid][0]).group(1))
        stream = objects[contents][1]
        font, out, operands = None, [], []
        for token in _TOKEN.findall(stream):
            if token.startswith((b"(", b"<", b"[", b"]", b"/")) or re.fullmatch(rb"[-+]?\d*\.?\d+", token):
                operands.append(token)
                continue
            if token == b"Tf":
                font = operands[-2][1:].decode()
            elif token in (b"Tj", b"TJ", b"'", b'"'):
                for operand in operands:
                    if operand.startswith(b"("):
                        raw = _unescape(operand[1:-1])
                    elif operand.startswith(b"<"):
                        raw = bytes.fromhex(operand[1:-1].decode())
                    elif re.fullmatch(rb"[-+]?\d*\.?\d+", operand):
                        if token == b"TJ" and float(operand) < -200:  # a wide gap: a space
                            out.append(" ")
                        continue
                    else:
                        continue
                    codes = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2)]
                    out.append("".join(cmaps.get(font, {}).get(c, "\ufffd") for c in codes))
            elif token in (b"Td", b"TD", b"T*", b"ET"):
                out.append("\n")
            operands = []
        pages.append("".join(out))
    return pages


def pdf_body(data: bytes) -> str:
    """Return the PDF's text without the page footers, so a paragraph across a page break reads on."""
    footer = re.compile(r"[^\n]*·[^\n]*\n+(Side|Page) \d+ (af|of) \d+\s*$")
    return "\n".join(footer.sub("", page) for page in pdf_text(data))


def squash(text: str) -> str:
    """Return text without any whitespace: a line break inside a wrapped cell does not matter."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def report() -> Report:
    return make_report()


@pytest.fixture(scope="module")
def docx_bytes(report) -> bytes:
    return to_docx(report)


@pytest.fixture(scope="module")
def pdf_bytes(report) -> bytes:
    return to_pdf(report)


@pytest.fixture(scope="module")
def workbook(report):
    return openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))


# Word ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("language", "tag"), [("da", "da-DK"), ("en", "en-GB")])
def test_word_proofs_the_document_in_the_workshops_language(language, tag):
    # python-docx's template names en-US in its styles: Word then checked Danish as English.
    document = docx.Document(io.BytesIO(to_docx(make_report(language=language))))
    styles = document.styles.element
    tags = {lang.get(qn("w:val")) for lang in styles.iter(qn("w:lang"))}
    default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert default.get(qn("w:val")) == tag
    assert tags == {tag}
    body_tags = {lang.get(qn("w:val")) for lang in document.element.body.iter(qn("w:lang"))}
    assert body_tags <= {tag}  # no run says otherwise
    assert document.core_properties.language == tag


def test_the_word_document_has_the_title_facts_and_every_step_in_danish(docx_bytes):
    text = docx_text(docx_bytes)
    method = load_method("da")
    for expected in ("Handleplan", NAME, DEPARTMENT, "26. november 2026", "Psykologisk tryghed", "Deltagere",
                     method.competence_model, "Gennemsnit", "Spredning", "Ved ikke",
                     "Beskriv det problem, I vil gøre noget ved", "Næste opfølgning", "15. januar 2027",
                     "Det fungerer godt – det vil vi holde fast i", "Vi hjælper hinanden – „altid“", PROCESS):
        assert expected in text, expected
    for step in method.steps:
        assert f"Trin {step.number}: {step.title}" in text
    for question in method.support_questions:
        assert question in text
    assert "Konkretisér løsningen" in text and "Implementér løsningen" in text


def test_the_word_document_shows_the_chosen_problem_its_description_and_the_chosen_solution(docx_bytes):
    document = docx.Document(io.BytesIO(docx_bytes))
    paragraphs = [p.text for p in document.paragraphs]
    assert f"{CHOSEN_PROBLEM} (nr. 1)" in paragraphs
    assert DESCRIPTION in paragraphs  # python-docx reads the kept line break (<w:br/>) back as "\n"
    assert f"{CHOSEN_IDEA} (nr. 1)" in paragraphs


def test_the_word_document_shows_hostile_participant_text_literally(docx_bytes):
    text = docx_text(docx_bytes)
    for hostile in (HOSTILE_FORMULA, HOSTILE_HTML, HOSTILE_MARKDOWN):
        assert hostile in text
    body = docx.Document(io.BytesIO(docx_bytes)).element.xml
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # character data only
    assert "w:hyperlink" not in body  # nothing became a link
    assert not re.search(r"<w:instrText[^>]*>[^<]*HYPERLINK", body)  # nor a field


def test_the_word_action_table_has_status_labels_short_dates_and_dashes(docx_bytes):
    document = docx.Document(io.BytesIO(docx_bytes))
    table = next(t for t in document.tables if [c.text for c in t.rows[0].cells][-1] == "Status")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Nr.", "Hvad", "Hvem", "Frist", "Opfølgning", "Status"]
    assert rows[1] == ["1", "Indkøbe en whiteboardtavle", "Mette", "10.12.2026", "Tjekkes på styregruppemødet",
                       "Gennemført"]
    assert rows[2][-1] == "I gang" and rows[4][-1] == "Justeret"
    assert rows[3] == ["3", HOSTILE_FORMULA, "–", "–", "–", "Ikke startet"]


def test_the_word_document_embeds_the_radars_and_both_matrices_as_pictures(docx_bytes, report):
    document = docx.Document(io.BytesIO(docx_bytes))
    assert len(document.inline_shapes) == len(common.chart_images(report)) == 4  # room, groups, 2 matrices
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


def test_the_word_competence_table_has_factor_mean_spread_answers_and_dont_know(docx_bytes, report):
    document = docx.Document(io.BytesIO(docx_bytes))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Faktor")
    assert [c.text for c in table.rows[0].cells] == ["Faktor", "Gennemsnit", "Spredning", "Svar", "Ved ikke"]
    overall = report.competence.profile.query("group_key == 'all'").set_index("factor")
    first = report.factors[0]
    row = [c.text for c in table.rows[1].cells]
    assert row[0] == first.label
    assert row[1] == f"{overall.loc[first.key, 'mean']:.1f}".replace(".", ",")  # Danish decimal comma
    assert row[3] == str(overall.loc[first.key, "n"]) and row[4] == str(overall.loc[first.key, "dont_know"])


# PDF -----------------------------------------------------------------------------------------------
def test_the_pdf_has_a_bookmark_for_every_step_and_says_its_language(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))

    def titles(entries):
        for entry in entries:
            yield from titles(entry) if isinstance(entry, list) else [entry.title]

    found = list(titles(reader.outline))
    for step in load_method("da").steps:
        assert f"Trin {step.number}: {step.title}" in found
    assert reader.trailer["/Root"]["/Lang"] == "da"


def _page_fill(page) -> float:
    """How far down the text area a page's lowest text reaches (0 top, 1 bottom margin)."""
    lowest = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            lowest.append(tm[5] * cm[3] + cm[5])  # the text's baseline in page space (y up)

    page.extract_text(visitor_text=visit)
    body = [y for y in lowest if y > 20 * 72 / 25.4]  # the footer sits in the bottom 14 mm
    height = float(page.mediabox.height)
    top, bottom = height - 18 * 72 / 25.4, 22 * 72 / 25.4
    return (top - min(body)) / (top - bottom) if body else 0.0


def test_the_summary_is_on_page_1_and_no_page_but_the_last_is_left_mostly_empty(pdf_bytes):
    pages = PdfReader(io.BytesIO(pdf_bytes)).pages
    first = " ".join(pages[0].extract_text().split())
    for expected in ("Beslutningen", "Valgt problem", "Valgt løsning", "Indkøbe en whiteboardtavle",
                     "Næste opfølgning", "15. januar 2027", "Veje til et bedre psykisk arbejdsmiljø"):
        assert expected in first, expected
    fills = [_page_fill(p) for p in pages]
    assert all(f > 0.6 for f in fills[:-1]), fills


def test_word_keeps_headings_with_their_content_and_table_rows_whole(docx_bytes):
    document = docx.Document(io.BytesIO(docx_bytes))
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)
    for table in document.tables:
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
    body = document.element.body.xml
    assert 'w:type="page"' not in body  # no fixed page breaks


def test_leaders_and_employees_are_two_profiles_in_the_documents_when_the_rule_shows_them():
    rows = [{"participant_id": p, "role": role, "factor": f.key, "value": float(v)}
            for p, (role, v) in enumerate([("leder", 4)] * 3 + [("medarbejder", 2)] * 4)
            for f in load_method("da").factors]
    summary = competence_summary(pd.DataFrame(rows), load_method("da").factors, all_label="Alle",
                                 role_labels={"leder": "Leder", "medarbejder": "Medarbejder"})
    report = replace(make_report(), competence=summary)
    assert "groups" in common.chart_images(report)
    for text in (docx_text(to_docx(report)), squash("\n".join(pdf_text(to_pdf(report))))):
        flat = squash(text)
        assert squash("Opdelt på grupper") in flat
        assert squash("Leder: gennemsnit") in flat and squash("4,0 (n=3)") in flat
        assert squash("Medarbejder: gennemsnit") in flat and squash("2,0 (n=4)") in flat


def test_no_group_profile_is_printed_when_the_rule_withholds_the_breakdown():
    # 3 employees and 1 leader: the room minus the employees would give the leader's answers.
    rows = [{"participant_id": p, "role": role, "factor": f.key, "value": float(v)}
            for p, (role, v) in enumerate([("medarbejder", 3)] * 3 + [("leder", 5)])
            for f in load_method("da").factors]
    summary = competence_summary(pd.DataFrame(rows), load_method("da").factors, all_label="Alle",
                                 role_labels={"leder": "Leder", "medarbejder": "Medarbejder"})
    report = replace(make_report(), competence=summary)
    assert "groups" not in common.chart_images(report)
    assert "Opdelt på grupper" not in docx_text(to_docx(report))


def test_the_pdf_is_a4_with_page_numbers(pdf_bytes):
    assert pdf_bytes.startswith(b"%PDF-")
    assert b"/MediaBox [0 0 595.28 841.89]" in pdf_bytes
    pages = pdf_text(pdf_bytes)
    assert len(pages) >= 3
    assert f"Side 1 af {len(pages)}" in pages[0] and f"Side {len(pages)} af {len(pages)}" in pages[-1]


def test_the_pdf_has_the_title_facts_and_every_step_in_danish(pdf_bytes):
    text = squash("\n".join(pdf_text(pdf_bytes)))
    method = load_method("da")
    for expected in ("Handleplan", NAME, DEPARTMENT, "26. november 2026", method.competence_model,
                     "Beskriv det problem, I vil gøre noget ved", CHOSEN_PROBLEM, DESCRIPTION, CHOSEN_IDEA,
                     "Gennemført", "I gang", "Ikke startet", "Justeret", "10.12.2026", PROCESS,
                     "Vi hjælper hinanden – „altid“", "15. januar 2027", *method.support_questions):
        assert squash(expected) in text, expected
    for step in method.steps:
        assert squash(f"Trin {step.number}: {step.title}") in text


def test_the_pdf_shows_hostile_participant_text_literally(pdf_bytes):
    text = squash("\n".join(pdf_text(pdf_bytes)))
    for hostile in (HOSTILE_FORMULA, HOSTILE_HTML, HOSTILE_MARKDOWN):
        assert squash(hostile) in text, hostile
    assert b"/URI" not in pdf_bytes  # nothing became a link


def test_the_pdf_embeds_its_own_unicode_font_so_it_needs_none_installed(pdf_bytes):
    assert b"/FontFile2" in pdf_bytes and b"DejaVuSans" in pdf_bytes
    assert b"/Encoding /Identity-H" in pdf_bytes
    fonts = Path(export.__file__).parent / "fonts"
    assert (fonts / "DejaVuSans.ttf").is_file() and (fonts / "DejaVuSans-Bold.ttf").is_file()
    assert "Bitstream" in (fonts / "LICENSE").read_text(encoding="utf-8")


def test_the_pdf_wraps_a_very_long_word_and_a_very_long_text_without_losing_any_of_it():
    word = "Arbejdsmiljø" + "x" * 250 + "slut"
    long_text = " ".join(["Vi skal tale om travlhed og trivsel, også når det er svært."] * 35)  # ~2000 chars
    actions = (Action(1, 1, long_text[:1000], word, date(2027, 1, 1), word, "in_progress"),)
    report = make_report(problem_texts=[word, CHOSEN_PROBLEM], description=long_text, actions=actions)
    data = to_pdf(report)
    pages, text = pdf_text(data), squash(pdf_body(data))
    assert squash(word) in text and squash(long_text) in text and squash(long_text[:1000]) in text
    # Every line fits the page: no line holds more than the text width can carry (~110 chars at 8.5 pt).
    assert max(len(line) for page in pages for line in page.splitlines()) < 120
    assert docx_text(to_docx(report)).count(word) >= 2


def test_the_charts_are_rendered_once_when_word_and_pdf_come_from_one_report(monkeypatch):
    calls = []
    real = common.to_png
    monkeypatch.setattr(common, "to_png", lambda chart, *a, **k: calls.append(1) or real(chart, *a, **k))
    report = make_report()
    to_docx(report)
    to_pdf(report)
    assert len(calls) == 4  # the room's radar, the groups' radar, two matrices
    to_pdf(make_report())  # another report object: rendered afresh
    assert len(calls) == 8


# Markdown ------------------------------------------------------------------------------------------
def test_markdown_escapes_markdown_and_html_in_participant_text(report):
    text = to_markdown(report)
    assert "<script>" not in text and "\\<script\\>alert(1)\\</script\\>" in text
    assert "**bold**" not in text and "\\*\\*bold\\*\\* \\[klik\\](http\u2060\\://x) \\# \\_x\\_" in text
    # Not special in Markdown but for its address; the row still reads as typed.
    assert '=HYPERLINK("http\u2060\\://x")' in text
    assert "| 3 | - en idé der ligner en liste |" in text  # inside a table cell a dash starts nothing


def test_markdown_escapes_bare_addresses_that_renderers_would_link_by_themselves():
    report = make_report(description="Se http://127.0.0.2:9/a, WWW.evil.dk og skriv til leder@kommune.dk")
    text = to_markdown(report)
    assert "Se http\u2060\\://127.0.0.2:9/a, WWW\u2060\\.evil.dk og skriv til leder\u2060\\@kommune.dk" in text
    # Nothing left that GFM's autolink extension (cmark-gfm, markdown-it, remark) would link.
    assert re.search(r"(?i)https?://|www\.|\w@", text.replace("\\", "")) is None


def test_markdown_keeps_a_dash_at_the_start_of_a_paragraph_from_becoming_a_list():
    report = make_report(description="- ikke en liste\n1. heller ikke\n# ingen overskrift")
    text = to_markdown(report)
    assert "\\- ikke en liste  \n1\\. heller ikke  \n\\# ingen overskrift" in text


def test_markdown_has_the_headings_tables_and_danish_text(report):
    text = to_markdown(report)
    assert text.startswith(f"# Handleplan: {NAME}\n")
    assert "## Trin 6: Implementér løsningen" in text
    assert "| Nr. | Hvad | Hvem | Frist | Opfølgning | Status |" in text
    assert ("| 1 | Indkøbe en whiteboardtavle | Mette | 10.12.2026 | Tjekkes på styregruppemødet | Gennemført |"
            in text)
    assert "Travlhed om morgenen: „Vi når det aldrig“" in text and "Hjemmeplejen Nord – „Team Øst“" in text
    assert "Mellem kl. 7 og 9 sker vagtskiftet.  \nIngen ved" in text  # a hard line break, kept
    assert not re.search(r"\\$", text, re.MULTILINE)  # no backslash breaks, which several renderers print


def test_the_markdown_download_is_a_zip_of_the_document_and_every_chart_it_shows(report):
    import zipfile

    from fea_core.export import to_markdown_zip

    archive = zipfile.ZipFile(io.BytesIO(to_markdown_zip(report)))
    names = set(archive.namelist())
    (document,) = [n for n in names if n.endswith(".md")]
    text = archive.read(document).decode("utf-8")
    shown = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert sorted(shown) == sorted(f"billeder/{chart}.png" for chart in common.chart_images(report))
    assert {"billeder/radar.png", "billeder/problems.png", "billeder/ideas.png"} <= set(shown)
    for path in shown:
        assert archive.read(path).startswith(b"\x89PNG"), path
    assert document == file_name(report, "md")


# Excel ---------------------------------------------------------------------------------------------
def test_the_workbook_has_a_summary_and_the_four_raw_data_sheets(workbook, report):
    assert workbook.sheetnames == ["Oversigt", "Vurderinger", "Punkter", "Placeringer", "Handlinger"]
    assert workbook["Vurderinger"].max_row == 1 + len(report.raw.ratings)
    assert workbook["Placeringer"].max_row == 1 + len(report.raw.placements)
    assert workbook["Punkter"].max_row == 1 + len(report.raw.items)
    assert workbook["Handlinger"].max_row == 1 + len(report.raw.actions)
    summary = [c for row in workbook["Oversigt"].iter_rows(values_only=True) for c in row if c is not None]
    assert f"Handleplan: {NAME}" in summary and CHOSEN_PROBLEM + " (nr. 1)" in summary and DESCRIPTION in summary


def test_a_formula_typed_by_a_participant_is_a_quote_prefixed_text_cell_shown_as_typed(workbook):
    # Excel's own way to keep "=..." as text: the cell's quotePrefix style, no apostrophe in the value.
    formulas = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value == HOSTILE_FORMULA:
                    formulas.append(cell)
    assert formulas and all(c.data_type == "s" and c.quotePrefix for c in formulas)
    texts = {c.value for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row}
    assert "'" + HOSTILE_FORMULA not in texts
    assert HOSTILE_HTML in texts and HOSTILE_MARKDOWN in texts


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_every_formula_prefix_stays_text_in_the_workbook_and_other_text_has_no_prefix_style(start):
    typed = f"{start}1+1" if start != "-" else "-"
    report = make_report(problem_texts=[typed, f"ok {start}1"])
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    cells = {c.value: c for c in book["Punkter"]["C"]}
    assert cells[typed].data_type == "s" and cells[typed].quotePrefix
    assert not cells[f"ok {start}1"].quotePrefix


def test_the_workbook_labels_ved_ikke_statuses_kinds_and_keeps_numbers_as_numbers(workbook):
    ratings = list(workbook["Vurderinger"].iter_rows(values_only=True))
    assert ratings[0] == ("Deltager (anonym)", "Gruppe", "Faktor", "Vurdering (1-5)")
    values = [r[3] for r in ratings[1:]]
    assert "Ved ikke" in values and all(v == "Ved ikke" or isinstance(v, (int, float)) for v in values)
    assert {r[1] for r in ratings[1:]} == {"Medarbejder", "Leder"}
    actions = list(workbook["Handlinger"].iter_rows(values_only=True))
    assert [a[5] for a in actions[1:]] == ["Gennemført", "I gang", "Ikke startet", "Justeret"]
    assert actions[1][3] == datetime(2026, 12, 10)
    kinds = {r[0] for r in workbook["Punkter"].iter_rows(min_row=2, values_only=True)}
    assert kinds == {"Problem", "Idé", "Fungerer godt"}
    placements = list(workbook["Placeringer"].iter_rows(values_only=True))
    assert placements[0][3] == ("Vandret akse (1-5): Problem: Problemets konsekvenser, 1 = Små, 5 = Store / "
                                "Idé: Ressourceforbrug, 1 = Lav, 5 = Høj (tegnet fra Høj til Lav)")
    assert placements[0][4].startswith("Lodret akse (1-5): Problem: Antal berørte, 1 = Få, 5 = Mange / Idé: Effekt")
    assert all(isinstance(r[3], int) and 1 <= r[3] <= 5 for r in placements[1:])


@pytest.mark.parametrize(("language", "date_format"), [("da", "dd.mm.yyyy"), ("en", "yyyy-mm-dd")])
def test_the_summary_sheet_stores_counts_as_numbers_and_dates_as_dates_shown_as_the_documents_print_them(
        language, date_format):
    report = make_report(language=language)
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(report))).worksheets[0]
    rows = {}
    for row in sheet.iter_rows():
        rows.setdefault(row[0].value, row)  # the first row a label starts: page 1's summary
    held = rows[common.label(language, "facts.date")][1]
    assert held.is_date and held.value == datetime(2026, 11, 26) and held.number_format == date_format
    participants = rows[common.label(language, "facts.participants")][1]
    assert participants.data_type == "n" and participants.value == 12
    follow_up = rows[common.label(language, "facts.next_follow_up")][1]
    assert follow_up.is_date and follow_up.value == datetime(2027, 1, 15)
    first_action = rows[1]  # the summary's agreements: number, what, who, deadline
    assert first_action[1].value == "Indkøbe en whiteboardtavle" and first_action[3].is_date
    assert first_action[3].value == datetime(2026, 12, 10) and first_action[3].number_format == date_format
    factor = rows[report.factors[0].label]
    mean, spread, answers = factor[1], factor[2], factor[3]
    assert mean.data_type == "n" and mean.number_format == "0.0" and isinstance(answers.value, int)
    # Only the printed (rounded) figure is stored: the cell carries no digit the document hides.
    assert round(mean.value, 1) == mean.value and round(spread.value, 1) == spread.value
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if re.fullmatch(r"\d+|\d+[.,]\d|\d\d\.\d\d\.\d{4}|\d{4}-\d\d-\d\d", t)]
    formula = [c for row in sheet.iter_rows() for c in row if c.value == HOSTILE_FORMULA]
    assert formula and all(c.data_type == "s" and c.quotePrefix for c in formula)


def test_a_withheld_figure_stays_a_dash_in_the_summary_sheet():
    report = make_report(participants=2)  # too few answers: every mean and spread is withheld
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(report))).worksheets[0]
    factor = next(row for row in sheet.iter_rows() if row[0].value == report.factors[0].label)
    assert factor[1].value == "–" and factor[2].value == "–"


def test_control_characters_in_participant_text_do_not_break_word_or_excel():
    report = make_report(problem_texts=["Før\x00 efter\x1b[31m", CHOSEN_PROBLEM])
    items = report.raw.items.assign(text=["a\x07b"] * len(report.raw.items))
    report = replace(report, raw=replace(report.raw, items=items))
    assert "Før efter[31m" in docx_text(to_docx(report))
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))["Punkter"]
    assert sheet["C2"].value == "ab"


# Empty pieces, English, file names ------------------------------------------------------------------
def test_an_empty_report_exports_in_every_format_with_dashes_and_not_chosen_yet():
    report = make_empty_report()
    text = docx_text(to_docx(report))
    assert "Ikke valgt endnu" in text and "Ikke fastsat endnu" in text and "Intet endnu." in text
    assert "Der er endnu ikke aftalt nogen handlinger." in text
    assert "Ingen har vurderet gruppens arbejdsmiljøkompetence endnu." in text
    assert "\n–\n" in text  # an unanswered question or description shows a dash
    pdf = squash("\n".join(pdf_text(to_pdf(report))))
    assert squash("Ikke valgt endnu") in pdf and squash("Der er endnu ikke aftalt nogen handlinger.") in pdf
    markdown = to_markdown(report)
    assert "Ikke valgt endnu" in markdown and "\n–\n" in markdown
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    assert book["Handlinger"].max_row == 1 and book["Vurderinger"].max_row == 1


def test_an_english_report_uses_english_labels_statuses_and_method_titles():
    report = make_report(language="en")
    method = load_method("en")
    text = docx_text(to_docx(report))
    for expected in ("Action plan", "Workplace / department", "26 November 2026", "Done", "In progress",
                     "Not started", "Adjusted", f"Step 5: {method.step(5).title}", "Next follow-up"):
        assert expected in text, expected
    assert "Handleplan" not in text
    pdf = squash("\n".join(pdf_text(to_pdf(report))))
    assert squash("Page 1 of") in pdf and squash(method.step(6).title) in pdf
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    assert book.sheetnames == ["Summary", "Ratings", "Items", "Placements", "Actions"]
    assert file_name(report, "pdf") == f"Action plan - {NAME} - 2026-11-26.pdf"


def test_every_action_status_has_a_label_in_both_languages():
    for language in LANGUAGES:
        labels = [common.status_label(language, s) for s in ACTION_STATUSES]
        assert len(set(labels)) == len(ACTION_STATUSES)
        assert all(label and label not in ACTION_STATUSES for label in labels)
    assert [common.status_label("da", s) for s in ACTION_STATUSES] == [
        "Ikke startet", "I gang", "Gennemført", "Justeret", "Opgivet"]


def test_the_file_name_is_the_workshop_name_and_date(report):
    assert file_name(report, "docx") == f"Handleplan - {NAME} - 2026-11-26.docx"
    assert file_name(report, ".pdf") == f"Handleplan - {NAME} - 2026-11-26.pdf"


def test_the_file_name_is_filesystem_safe_keeps_danish_letters_and_is_capped():
    name = 'Æble/Øl\\Å: "test" <x> | y? * z\x00\x1f' + "ø" * 300
    result = safe_file_name(name, HELD_ON, "xlsx")
    assert not re.search(r'[/\\:*?"<>|\x00-\x1f]', result)
    assert result.startswith("Handleplan - Æble Øl Å test x y z") and result.endswith(" - 2026-11-26.xlsx")
    assert len(result.encode("utf-8")) < 255
    assert len(safe_file_name("漢" * 200, HELD_ON, "docx").encode("utf-8")) < 255  # three bytes a letter
    assert safe_file_name("  ...  ", HELD_ON, "md") == "Handleplan - 2026-11-26.md"


# The realistic workshop -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def full_workshop(tmp_path_factory):
    from tests import report_fixture as fixture
    from fea_core.report import build_report
    from fea_core.storage import open_store

    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('export')}/full.sqlite3")
    workshop = fixture.make_workshop_for_report(store, "anne")
    yield fixture, store, workshop, build_report
    store.engine.dispose()


def test_a_100_participant_workshop_exports_word_and_pdf_whole(full_workshop):
    # How fast (the 3 s goal): bench/export_bench.py, not a pass/fail limit on a loaded machine.
    fixture, store, workshop, build_report = full_workshop
    report = build_report(store, workshop.id, "da")
    word, pdf = to_docx(report), to_pdf(report)
    assert len(report.problems) == 30 and len(report.ideas) == 30 and report.participants == 100
    text, pages = docx_text(word), squash("\n".join(pdf_text(pdf)))
    for expected in (fixture.HOSTILE_FORMULA, fixture.HOSTILE_HTML, fixture.CHOSEN_PROBLEM_TEXT, fixture.WORKSHOP_NAME):
        assert expected in text and squash(expected) in pages, expected
    markdown = to_markdown(report)
    assert "<script>" not in markdown and fixture.CHOSEN_IDEA_TEXT in markdown
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    assert book["Vurderinger"].max_row == 1 + 600 and book["Placeringer"].max_row == 1 + 100 * 60
    items = [r[2] for r in book["Punkter"].iter_rows(min_row=2, values_only=True)]
    assert fixture.HOSTILE_FORMULA in items
    assert not math.isnan(report.competence.profile["mean"].iloc[0])


@pytest.mark.parametrize(
    ("value", "da", "en"),
    [(-0.04, "0,0", "0.0"), (0.04, "0,0", "0.0"), (-0.0, "0,0", "0.0"), (0.25, "+0,2", "+0.2"),
     (-1.26, "-1,3", "-1.3"), (float("nan"), "–", "–"), (None, "–", "–")],
)
def test_a_change_that_rounds_to_zero_has_no_sign_and_a_rise_has_a_plus(value, da, en):
    assert signed_number(value, "da") == da
    assert signed_number(value, "en") == en
