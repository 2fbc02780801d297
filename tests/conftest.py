"""Shared fixtures for the unit tests of fea_core: a fresh SQLite store per test, a workshop in it.

Nothing here imports Streamlit: the AppTest and Playwright suites add their own conftest files
in their subfolders.
"""

from __future__ import annotations

import itertools
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
from tests.pg_cluster import TEMPLATE, ThrowawayPostgres  # noqa: E402

FACTOR_KEYS = ("innovation", "aabenhed", "teknikker_og_viden", "motivation", "systematik", "tid_og_ressourcer")


# --- the database backends ---------------------------------------------------------------------
# A test module (or test) marked ``databases("sqlite", "postgresql")`` runs once per backend; the
# rest use SQLite only. PostgreSQL is a real server started once per run (tests/pg_cluster.py).


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "databases(*backends): run once per database backend ('sqlite', 'postgresql'); default sqlite"
    )


def pytest_generate_tests(metafunc):
    marker = metafunc.definition.get_closest_marker("databases")
    if marker is not None and "database_backend" in metafunc.fixturenames:
        metafunc.parametrize("database_backend", marker.args, indirect=True)


@pytest.fixture
def database_backend(request) -> str:
    """"sqlite" or "postgresql": which database this test's ``store_url`` names."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the whole run, with a migrated template database.

    Fails (never skips) when PostgreSQL is not installed: the scale-out promise is tested.
    """
    server = problem = None
    try:
        server = ThrowawayPostgres()
        server.start()
    except (RuntimeError, OSError) as error:
        problem = str(error)
        if server is not None:
            server.stop()
    if problem:
        pytest.fail(problem, pytrace=False)
    try:
        server.create_database(TEMPLATE)
        open_store(server.url(TEMPLATE)).engine.dispose()  # a template must have no open connections
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_test_database(postgres_server) -> str:
    """The migrated database the PostgreSQL tests take turns on (emptied after each test)."""
    return postgres_server.create_database("fea_test", template=TEMPLATE)


_postgres_urls = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_server, postgres_test_database) -> str:
    """The URL of a migrated PostgreSQL database with no rows, for this test alone.

    One database, emptied after every test: a new database per test costs several times more. The
    URL differs per test (application_name) so open_store gives each test its own store and pool.
    """
    yield f"{postgres_server.url(postgres_test_database)}?application_name=fea-test-{next(_postgres_urls)}"
    postgres_server.empty_database(postgres_test_database)  # also closes what the test's pool still holds


@pytest.fixture
def store_url(request, database_backend, tmp_path) -> str:
    """The URL of a database that exists only for this test (an SQLite file unless marked otherwise)."""
    if database_backend == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path}/t.sqlite3"


@pytest.fixture
def fresh_store(store_url) -> Store:
    """A migrated, empty store in a new database (open_store caches per URL; the URL is unique)."""
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


@pytest.fixture
def solver(store_url):
    """A workshop at Problemløseren with helpers to add phones and items (tests/problem_solver_fixtures.py)."""
    from tests.problem_solver_fixtures import new_solver

    s = new_solver(store_url)
    yield s
    s.store.engine.dispose()


def pytest_unconfigure(config):
    """Let pytest exit as soon as it has printed its summary.

    It took 5-48 s to exit afterwards (gdb: Py_FinalizeEx's full garbage collections over every
    module's objects: Streamlit, pandas, Altair, SQLAlchemy, Playwright), longest on a busy machine.
    Nothing is left for those collections to do that matters: the process ends and the operating
    system takes its memory, temporary servers are stopped by their fixtures. gc.freeze() moves
    every object out of the collector's view, so finalization skips them.
    """
    import gc

    gc.freeze()
