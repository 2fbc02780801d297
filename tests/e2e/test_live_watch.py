"""The phone's live watcher (ui/live.py) against the held poll of /api/live (ui/server/routes.py).

An idle phone asks once per hold instead of every second, and a step change reaches it as soon
as the route sees it, not at its next poll.
"""

from __future__ import annotations

import time

from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_PROBLEMS
from fea_core.workshops import set_activity
from tests.e2e.conftest import PATIENCE_SECONDS
from ui.server import routes
from tests.e2e.test_answer_forms import open_phone, store, workshop_at  # noqa: F401 (fixtures)

LIVE = "/api/live/"


def test_an_idle_phone_asks_once_per_hold_and_shows_the_next_step_at_once(store, open_phone):  # noqa: F811
    workshop, participant = workshop_at(store, ACTIVITY_COMPETENCE)
    phone = open_phone(workshop, participant)
    asked, answered = [], []
    phone.on("request", lambda r: asked.append(time.monotonic()) if LIVE in r.url else None)
    phone.on("requestfinished", lambda r: answered.append(time.monotonic()) if LIVE in r.url else None)
    phone.wait_for_timeout(6_000)
    # Polling every second would have asked about six times by now; the held poll asks once
    # (twice if the page's first question went out just before the listener).
    assert len(asked) <= 2, len(asked)
    assert answered == []  # still held: nothing moved

    moved = time.monotonic()
    set_activity(store, workshop.id, ACTIVITY_PROBLEMS)
    phone.get_by_role("heading", name="Trin 1", exact=False).wait_for(timeout=PATIENCE_SECONDS * 1000)
    # The change answered the held poll, not the hold's end (how fast: bench/load.py).
    assert answered and answered[0] - moved < routes.HOLD_SECONDS
    print(f"step change shown after {time.monotonic() - moved:.2f} s")  # shown with -s
