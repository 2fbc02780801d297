"""Render the README's PDF pictures: the handleplan's page 1 (the decision) and its problem-matrix
page, and the status report's page 1, from the export benchmark's workshop.

    python3 tools/pdf_pages.py docs/screenshots      (./run screenshots calls it)

Needs poppler's pdftoppm (Debian: poppler-utils). Writes only into the folder it is given.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fea_core import action_history, carry_over, competence, courses, handleplan, participation  # noqa: E402
from fea_core.export import to_pdf  # noqa: E402
from fea_core.export.status_pdf import status_to_pdf  # noqa: E402
from fea_core.method import load_method  # noqa: E402
from fea_core.model import ACTIVITY_COMPETENCE  # noqa: E402
from fea_core.report import build_report  # noqa: E402
from tests.report_fixture import HELD_ON, make_workshop_for_report  # noqa: E402
from fea_core.status_report import build_course_status  # noqa: E402
from fea_core.storage import open_store  # noqa: E402
from fea_core.workshops import set_activity, set_activity_open  # noqa: E402

TODAY = HELD_ON + timedelta(days=80)  # the benchmark workshop's day, then a follow-up and the next day
DPI = 80  # an A4 page 661 px wide: readable in the README's table, small in the repository


def _page_of(pdf: bytes, title: str) -> int:
    """Return the 1-based page the bookmark whose title starts with ``title`` points at."""
    reader = PdfReader(io.BytesIO(pdf))

    def walk(entries):
        for entry in entries:
            yield from walk(entry) if isinstance(entry, list) else [entry]

    return next(reader.get_destination_page_number(e) for e in walk(reader.outline) if e.title.startswith(title)) + 1


def _png(pdf_path: Path, page: int, out: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf_path), str(out.with_suffix(""))], check=True)


def _status(store, first) -> bytes:
    """A forløb half-way: the benchmark's workshop followed up once, the next one rated by leaders and employees."""
    start = HELD_ON - timedelta(days=10)
    course = courses.create_course(
        store, name="Psykisk arbejdsmiljø 2025", department="Akutmodtagelsen, Sygehus Sønderjylland",
        starts_on=start, ends_on=start + timedelta(days=330), language="da", owner="anne",
        steering_group="Afdelingsleder Hanne Berg, AMR Jonas Lund, TR Fatima Ali, HR-konsulent Ole Friis",
    )
    courses.add_workshop(store, course.id, first.id)
    actions = handleplan.list_actions(store, first.id)
    held = datetime.combine(HELD_ON + timedelta(days=40), time(9), tzinfo=timezone.utc)
    meeting = courses.add_meeting(store, course.id, held.date(), "Tavlemødet er godt i gang. Vikarerne kender det ikke.",
                                  by="anne")
    action_history.record_update(store, actions[1].id, status="in_progress", works="De fleste møder op kl. 7.45",
                                 not_working="Nattevagten når det ikke før overlevering", by="anne",
                                 meeting_id=meeting.id, at=held)
    second = carry_over.start_next_workshop(
        store, course.id, previous_id=first.id, name="Anden temadag: psykologisk tryghed",
        held_on=TODAY - timedelta(days=20), theme="Psykologisk tryghed", owner="anne",
        action_ids=[a.id for a in carry_over.open_actions(store, first.id)],
    )
    handleplan.set_follow_up(store, second.id, "Styregruppen tager status hver anden måned.", TODAY + timedelta(days=14))
    set_activity(store, second.id, ACTIVITY_COMPETENCE)
    factors = [f.key for f in load_method("da").factors]
    for index, role in enumerate(["leder"] * 3 + ["medarbejder"] * 6):
        _, phone = participation.join(store, second.code)
        phone = participation.set_role(store, phone, role)
        competence.submit_ratings(store, phone, {f: 3 + (role == "leder") + (i + index) % 2 - (f == "tid_og_ressourcer")
                                                 for i, f in enumerate(factors)})
    set_activity_open(store, second.id, False)
    return status_to_pdf(build_course_status(store, course.id, "da", today=TODAY), ("Anna Facilitator",))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = open_store(f"sqlite:///{work / 'pages.sqlite3'}")
        try:
            workshop = make_workshop_for_report(store, "anne")
            plan = to_pdf(build_report(store, workshop.id, "da"))
            status = _status(store, workshop)
        finally:
            store.engine.dispose()
        (work / "plan.pdf").write_bytes(plan)
        (work / "status.pdf").write_bytes(status)
        _png(work / "plan.pdf", 1, args.folder / "handleplan-pdf-page1.png")
        _png(work / "plan.pdf", _page_of(plan, "Trin 2"), args.folder / "handleplan-pdf-matrix.png")
        _png(work / "status.pdf", 1, args.folder / "status-report-pdf-page1.png")
    print(f"wrote handleplan-pdf-page1.png, handleplan-pdf-matrix.png, status-report-pdf-page1.png to {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
