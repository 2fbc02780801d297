"""Tests of fea_core.decisions (the chosen problem and idea) and of migration 002 that adds Problemløseren."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, delete, func, inspect, select

from fea_core import competence, participation, schema, storage
from fea_core.decisions import (
    PROBLEM_DESCRIPTION_MAX,
    Decisions,
    choose_idea,
    choose_problem,
    describe_problem,
    get_decisions,
)
from fea_core.errors import InvalidText, StaleItem
from fea_core.items import add_item_as_facilitator, hide_item, list_items, merge_items, unmerge_item
from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_PROBLEM_MATRIX
from fea_core.placement import place_item
from fea_core.storage import MIGRATIONS, Store, open_store, utcnow
from fea_core.workshops import get_workshop
from tests.old_release import write_001_rows

# Services that write: run against both databases (PostgreSQL when several processes share one).
pytestmark = pytest.mark.databases("sqlite", "postgresql")


@pytest.fixture
def listed(solver):
    """Two problems and two ideas on the lists."""
    return solver.add("problem", "Støj", "Travlhed"), solver.add("idea", "Støjskærme", "Faste mødefri dage")


# --- choosing --------------------------------------------------------------------------------------


def test_a_workshop_starts_with_nothing_chosen(solver):
    assert get_decisions(solver.store, solver.id) == Decisions(None, None, None)


def test_choosing_a_problem_records_it(solver, listed):
    (_, travlhed), _ = listed
    decided = choose_problem(solver.store, solver.id, travlhed.id)
    assert decided == Decisions(chosen_problem_id=travlhed.id)
    assert get_decisions(solver.store, solver.id) == decided


def test_choosing_an_idea_keeps_the_chosen_problem(solver, listed):
    (stoej, _), (_, moedefri) = listed
    choose_problem(solver.store, solver.id, stoej.id)
    decided = choose_idea(solver.store, solver.id, moedefri.id)
    assert (decided.chosen_problem_id, decided.chosen_idea_id) == (stoej.id, moedefri.id)


def test_choosing_again_replaces_the_choice_and_none_undoes_it(solver, listed):
    (stoej, travlhed), _ = listed
    choose_problem(solver.store, solver.id, stoej.id)
    assert choose_problem(solver.store, solver.id, travlhed.id).chosen_problem_id == travlhed.id
    assert choose_problem(solver.store, solver.id, None).chosen_problem_id is None
    with solver.store.read() as conn:
        assert len(conn.execute(select(schema.decisions)).all()) == 1


def test_choosing_bumps_the_revision_and_the_stage(solver, listed):
    (stoej, _), (idea, _) = listed
    revision, stage = solver.counters()
    choose_problem(solver.store, solver.id, stoej.id)
    assert solver.counters() == (revision + 1, stage + 1)
    choose_idea(solver.store, solver.id, idea.id)
    assert solver.counters() == (revision + 2, stage + 2)


def test_choosing_a_hidden_problem_raises_stale_item_and_saves_nothing(solver, listed):
    (stoej, travlhed), _ = listed
    choose_problem(solver.store, solver.id, stoej.id)
    hide_item(solver.store, travlhed.id)
    before = solver.counters()
    with pytest.raises(StaleItem) as raised:
        choose_problem(solver.store, solver.id, travlhed.id)
    assert raised.value.params == {"item_id": travlhed.id, "reason": "hidden"}
    assert get_decisions(solver.store, solver.id).chosen_problem_id == stoej.id
    assert solver.counters() == before


def test_choosing_a_merged_problem_raises_stale_item(solver, listed):
    (stoej, travlhed), _ = listed
    merge_items(solver.store, stoej.id, [travlhed.id])
    with pytest.raises(StaleItem) as raised:
        choose_problem(solver.store, solver.id, travlhed.id)
    assert raised.value.params["reason"] == "merged"
    assert get_decisions(solver.store, solver.id) == Decisions()


def test_an_idea_cannot_be_chosen_as_the_problem_nor_a_problem_as_the_idea(solver, listed):
    (stoej, _), (idea, _) = listed
    with pytest.raises(StaleItem):
        choose_problem(solver.store, solver.id, idea.id)
    with pytest.raises(StaleItem):
        choose_idea(solver.store, solver.id, stoej.id)
    (keep,) = solver.add("keep", "Morgenmødet")
    with pytest.raises(StaleItem):
        choose_problem(solver.store, solver.id, keep.id)
    assert get_decisions(solver.store, solver.id) == Decisions()


@pytest.mark.parametrize("bad_id", [424_242, "1", True])
def test_choosing_an_item_that_does_not_exist_raises_stale_item(solver, listed, bad_id):
    with pytest.raises(StaleItem):
        choose_problem(solver.store, solver.id, bad_id)


def test_another_workshops_problem_cannot_be_chosen(solver, listed):
    other = solver.other_workshop()
    (theirs,) = other.add("problem", "Støj")
    with pytest.raises(StaleItem):
        choose_problem(solver.store, solver.id, theirs.id)
    choose_problem(other.store, other.id, theirs.id)
    assert get_decisions(solver.store, solver.id) == Decisions()
    assert get_decisions(other.store, other.id).chosen_problem_id == theirs.id


def test_a_chosen_problem_merged_later_reads_as_the_problem_it_was_merged_into(solver, listed):
    (stoej, travlhed), _ = listed
    choose_problem(solver.store, solver.id, travlhed.id)
    merge_items(solver.store, stoej.id, [travlhed.id])
    assert get_decisions(solver.store, solver.id).chosen_problem_id == stoej.id
    unmerge_item(solver.store, travlhed.id)
    assert get_decisions(solver.store, solver.id).chosen_problem_id == travlhed.id


def test_a_chosen_idea_hidden_later_reads_as_not_chosen_until_shown_again(solver, listed):
    _, (idea, _) = listed
    choose_idea(solver.store, solver.id, idea.id)
    hide_item(solver.store, idea.id)
    assert get_decisions(solver.store, solver.id).chosen_idea_id is None
    hide_item(solver.store, idea.id, hidden=False)
    assert get_decisions(solver.store, solver.id).chosen_idea_id == idea.id


# --- describing the problem ------------------------------------------------------------------------


def test_the_description_keeps_its_lines_and_loses_control_characters(solver):
    text = "  Vi har travlt om morgenen.\r\nDet rammer\x07 især nye kolleger.\n\nDet har varet et år.  "
    decided = describe_problem(solver.store, solver.id, text)
    assert decided.problem_description == (
        "Vi har travlt om morgenen.\nDet rammer især nye kolleger.\n\nDet har varet et år."
    )


def test_describing_keeps_the_chosen_problem(solver, listed):
    (stoej, _), _ = listed
    choose_problem(solver.store, solver.id, stoej.id)
    decided = describe_problem(solver.store, solver.id, "Støj fra printeren")
    assert decided == Decisions(chosen_problem_id=stoej.id, problem_description="Støj fra printeren")
    assert choose_problem(solver.store, solver.id, stoej.id).problem_description == "Støj fra printeren"


def test_a_description_over_the_limit_is_rejected_with_the_limit_in_its_params(solver):
    describe_problem(solver.store, solver.id, "Kort")
    with pytest.raises(InvalidText) as raised:
        describe_problem(solver.store, solver.id, "x" * (PROBLEM_DESCRIPTION_MAX + 1))
    assert raised.value.params["limit"] == PROBLEM_DESCRIPTION_MAX == 2000
    assert raised.value.params["reason"] == "too_long"
    assert get_decisions(solver.store, solver.id).problem_description == "Kort"


def test_a_description_of_exactly_the_limit_is_kept(solver):
    decided = describe_problem(solver.store, solver.id, "x" * PROBLEM_DESCRIPTION_MAX)
    assert len(decided.problem_description) == PROBLEM_DESCRIPTION_MAX


def test_an_empty_description_is_rejected_and_none_clears_it(solver):
    describe_problem(solver.store, solver.id, "Kort")
    with pytest.raises(InvalidText):
        describe_problem(solver.store, solver.id, " \n ")
    assert describe_problem(solver.store, solver.id, None).problem_description is None


def test_describing_bumps_the_revision_but_not_the_stage(solver):
    revision, stage = solver.counters()
    describe_problem(solver.store, solver.id, "Travlhed")
    assert solver.counters() == (revision + 1, stage)


# --- migration 002 ---------------------------------------------------------------------------------


def test_the_problem_solver_migration_follows_the_initial_one():
    assert [name for name, _ in MIGRATIONS][:2] == ["001_initial", "002_problem_solver"]


def test_a_new_database_has_the_problem_solver_tables(solver):
    tables = set(inspect(solver.store.engine).get_table_names())
    assert {"items", "placements", "decisions"} <= tables
    assert "002_problem_solver" in solver.store.applied_migrations()


def _store_at_001(url: str) -> Store:
    """Return a store on a new database with only migration 001 applied, as an older release left it."""
    engine = create_engine(url)
    storage._configure_sqlite(engine)
    store = Store(engine)
    name, step = MIGRATIONS[0]
    assert name == "001_initial"
    with store.write() as conn:
        schema.schema_migrations.create(conn)
        step(conn)
        conn.execute(schema.schema_migrations.insert().values(name=name, applied_at=utcnow()))
    return store


def test_a_database_at_001_upgrades_to_002_and_keeps_its_rows(tmp_path):
    url = f"sqlite:///{tmp_path}/old.sqlite3"
    old = _store_at_001(url)
    assert old.applied_migrations() == ["001_initial"]
    assert "items" not in inspect(old.engine).get_table_names()
    rows = write_001_rows(old)
    old.engine.dispose()

    upgraded = open_store(url)  # what the next release does on start
    try:
        assert upgraded.applied_migrations() == [name for name, _ in MIGRATIONS]
        assert upgraded.migrate() == []
        assert {"items", "placements", "decisions"} <= set(inspect(upgraded.engine).get_table_names())
        workshop = get_workshop(upgraded, rows.workshop_id)
        assert (workshop.code, workshop.name, workshop.held_on, workshop.activity, workshop.stage) == (
            rows.code, "Temadag", date(2025, 3, 14), ACTIVITY_COMPETENCE, 2)
        assert participation.resume(upgraded, rows.token).id == rows.participant_id
        assert len(competence.rating_rows(upgraded, workshop.id)) == 6
        item = add_item_as_facilitator(upgraded, workshop.id, "problem", "Støj")
        assert list_items(upgraded, workshop.id, "problem") == [item]
        assert choose_problem(upgraded, workshop.id, item.id).chosen_problem_id == item.id
    finally:
        upgraded.engine.dispose()


def test_migration_002_applied_by_hand_on_001_creates_only_the_new_tables(tmp_path):
    store = _store_at_001(f"sqlite:///{tmp_path}/hand.sqlite3")
    try:
        before = set(inspect(store.engine).get_table_names())
        with store.write() as conn:  # only 002, as the release that brought it did
            MIGRATIONS[1][1](conn)
        store.engine.dispose()  # the inspector caches; look again on a fresh connection
        after = set(inspect(store.engine).get_table_names())
        assert after - before == {"items", "placements", "decisions"}
    finally:
        store.engine.dispose()


def test_deleting_a_workshop_takes_its_items_placements_and_choices_with_it(solver, listed):
    (stoej, travlhed), (idea, _) = listed
    solver.step(ACTIVITY_PROBLEM_MATRIX)
    phone = solver.phone()
    place_item(solver.store, phone, stoej.id, 4, 4)
    place_item(solver.store, phone, travlhed.id, 2, 2)
    merge_items(solver.store, stoej.id, [travlhed.id])
    choose_problem(solver.store, solver.id, stoej.id)
    choose_idea(solver.store, solver.id, idea.id)
    with solver.store.write() as conn:
        conn.execute(delete(schema.workshops).where(schema.workshops.c.id == solver.id))
    with solver.store.read() as conn:
        for table in (schema.items, schema.placements, schema.decisions):
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0, table.name
