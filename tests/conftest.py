"""Shared fixtures for the unit tests of fea_core: a fresh SQLite store per test, a workshop in it.

Nothing here imports Streamlit: the AppTest and Playwright suites add their own conftest files
in their subfolders.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # lets a bare `pytest` (no `python -m`) import fea_core too
    sys.path.insert(0, str(REPO))

from fea_core import competence, participation  # noqa: E402
from fea_core.model import ACTIVITY_COMPETENCE, Participant, Workshop  # noqa: E402
from fea_core.storage import Store, open_store  # noqa: E402
from fea_core.workshops import create_workshop, set_activity  # noqa: E402

FACTOR_KEYS = ("innovation", "aabenhed", "teknikker_og_viden", "motivation", "systematik", "tid_og_ressourcer")


@pytest.fixture
def store_url(tmp_path) -> str:
    """The URL of a database file that exists only for this test."""
    return f"sqlite:///{tmp_path}/t.sqlite3"


@pytest.fixture
def fresh_store(store_url) -> Store:
    """A migrated, empty SQLite store in a new file (open_store caches per URL; the path is unique)."""
    store = open_store(store_url)
    yield store
    # Close the pooled connections so a test run does not hold hundreds of open files.
    store.engine.dispose()


@pytest.fixture
def workshop(fresh_store) -> Workshop:
    """A workshop at the welcome screen, owned by facilitator "anne"."""
    return create_workshop(
        fresh_store,
        name="Temadag om psykisk arbejdsmiljø",
        department="Hjemmeplejen Nord",
        held_on=date(2025, 3, 14),
        theme="Stress og arbejdspres",
        language="da",
        owner="anne",
    )


@pytest.fixture
def open_competence(fresh_store) -> Callable[[Workshop], Workshop]:
    """Return a function that opens the competence round of a workshop and returns it updated."""

    def _open(ws: Workshop) -> Workshop:
        return set_activity(fresh_store, ws.id, ACTIVITY_COMPETENCE)

    return _open


@pytest.fixture
def competence_workshop(workshop, open_competence) -> Workshop:
    """The workshop with its competence round open for answers."""
    return open_competence(workshop)


def answers_for(default: int | None = 3, **overrides: int | None) -> dict[str, int | None]:
    """Return a full set of six answers: every factor ``default`` unless overridden by key."""
    unknown = set(overrides) - set(FACTOR_KEYS)
    assert not unknown, f"not factor keys: {unknown}"
    return {key: overrides.get(key, default) for key in FACTOR_KEYS}


@pytest.fixture
def answers() -> Callable[..., dict[str, int | None]]:
    """Return ``answers_for``: ``answers(4, motivation=None)`` is six answers, motivation "Ved ikke"."""
    return answers_for


class Room:
    """A small helper for multi-step flows: phones joining one workshop and answering."""

    def __init__(self, store: Store, workshop: Workshop):
        self.store = store
        self.workshop = workshop

    def join(self, role: str | None = None) -> Participant:
        """Join as a new phone, optionally choosing a group."""
        _, participant = participation.join(self.store, self.workshop.code)
        if role is not None:
            participant = participation.set_role(self.store, participant, role)
        return participant

    def rate(self, participant: Participant, default: int | None = 3, **overrides: int | None) -> None:
        """Submit the phone's six ratings."""
        competence.submit_ratings(self.store, participant, answers_for(default, **overrides))


@pytest.fixture
def room(fresh_store, competence_workshop) -> Room:
    """A workshop whose competence round is open, ready for phones to join and rate."""
    return Room(fresh_store, competence_workshop)
