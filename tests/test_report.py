"""Tests of fea_core.report.build_report (the handleplan document's content) and the report fixture."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from problem_solver_fixtures import new_solver
from sqlalchemy import select

from fea_core import competence, decisions, handleplan, participation, schema
from fea_core.items import hide_item, merge_items, submit_item
from fea_core.method import load_method
from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_PROBLEM_MATRIX, ACTIVITY_PROBLEMS
from fea_core.placement import place_item
from fea_core.report import (
    ACTION_RAW_COLUMNS,
    ITEM_RAW_COLUMNS,
    PLACEMENT_RAW_COLUMNS,
    RATING_RAW_COLUMNS,
    Report,
    anonymous_numbers,
    build_report,
)
from tests.report_fixture import (
    CHOSEN_IDEA_TEXT,
    CHOSEN_PROBLEM_TEXT,
    HOSTILE_FORMULA,
    HOSTILE_HTML,
    PROBLEM_DESCRIPTION,
    make_workshop_for_report,
)
from fea_core.storage import open_store

FORBIDDEN_COLUMNS = {"token", "participant_id", "author_participant_id", "id", "item_id"}


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    """The fixture workshop (100 phones, 30 problems, 30 ideas), built once for this module."""
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('report')}/full.sqlite3")
    workshop = make_workshop_for_report(store, "anne")
    yield store, workshop
    store.engine.dispose()


@pytest.fixture(scope="module")
def report(full) -> Report:
    store, workshop = full
    return build_report(store, workshop.id, "da")


@pytest.fixture
def solver(tmp_path):
    s = new_solver(tmp_path)
    yield s
    s.store.engine.dispose()


def tokens_of(store, workshop_id) -> set[str]:
    with store.read() as conn:
        return set(
            conn.execute(
                select(schema.participants.c.token).where(schema.participants.c.workshop_id == workshop_id)
            ).scalars()
        )


# --- the fixture workshop --------------------------------------------------------------------------


def test_the_fixture_workshop_has_everyone_and_every_item(report):
    assert report.participants == 100
    assert len(report.problems) == 30
    assert len(report.ideas) == 30
    assert len(report.keep_items) == 3
    assert report.competence.respondents == 100


def test_the_fixture_workshop_is_ended_after_trin_6(report):
    assert report.workshop.is_ended
    assert report.workshop.activity == "implement"


def test_the_fixture_text_is_danish_with_typographic_quotes(report):
    assert "„" in report.workshop.name and "“" in report.workshop.name
    assert "ø" in report.workshop.department
    assert any("æ" in i.text or "å" in i.text for i in report.problems)


def test_the_hostile_texts_are_kept_verbatim_as_participants_typed_them(report):
    problem = next(i for i in report.problems if i.text == HOSTILE_FORMULA)
    idea = next(i for i in report.ideas if i.text == HOSTILE_HTML)
    assert problem.author_participant_id is not None and idea.author_participant_id is not None
    assert set(report.raw.items["text"]) >= {HOSTILE_FORMULA, HOSTILE_HTML}


def test_a_second_fixture_workshop_in_the_same_store_is_its_own(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/two.sqlite3")
    try:
        first = make_workshop_for_report(store, "anne", participants=3, problems=4, ideas=3, seed=2)
        second = make_workshop_for_report(store, "anne", participants=2, problems=2, ideas=2, seed=3)
        small = build_report(store, second.id, "da")
        assert (small.participants, len(small.problems), len(small.ideas)) == (2, 2, 2)
        # Its phones have database ids 4 and 5; the raw data numbers them afresh (two raters: their
        # rating rows are withheld, their placements are not).
        assert set(small.raw.placements["participant"]) == {1, 2} and small.raw.ratings.empty
        assert build_report(store, first.id, "da").participants == 3
    finally:
        store.engine.dispose()


# --- what the report gathers -----------------------------------------------------------------------


def test_the_report_has_the_chosen_problem_with_its_description_and_the_chosen_idea(report):
    assert report.chosen_problem.text == CHOSEN_PROBLEM_TEXT
    assert report.chosen_problem.kind == "problem"
    assert report.problem_description == PROBLEM_DESCRIPTION
    assert report.chosen_idea.text == CHOSEN_IDEA_TEXT
    assert report.chosen_idea.kind == "idea"


def test_positions_have_a_quadrant_label_for_every_placed_item(report):
    for frame, matrix in ((report.problem_positions, report.problem_matrix), (report.idea_positions, report.solution_matrix)):
        assert len(frame) == 30
        assert (frame["n"] == 100).all()
        assert set(frame["quadrant_label"]) <= set(matrix.quadrants.values())
        assert frame["quadrant_label"].ne("").all()


def test_positions_are_ranked_with_the_chosen_items_first_in_the_priority_quadrant(report):
    top_problem = report.problem_positions.iloc[0]
    top_idea = report.idea_positions.iloc[0]
    assert (top_problem["text"], top_problem["quadrant_label"]) == (CHOSEN_PROBLEM_TEXT, "Her skal vi gøre en indsats")
    assert (top_idea["text"], top_idea["quadrant_label"]) == (CHOSEN_IDEA_TEXT, "Det her skal prioriteres")


def test_the_report_has_the_method_content_in_its_language(report):
    method = load_method("da")
    assert report.language == "da"
    assert report.factors == method.factors
    assert report.competence_caption == method.competence_caption
    assert report.support_questions == method.support_questions
    assert report.problem_matrix == method.problem_matrix
    assert report.solution_matrix == method.solution_matrix


def test_the_competence_profile_is_labelled_in_the_reports_language(report):
    profile = report.competence.profile
    assert profile.loc[profile["group_key"] == "all", "group"].unique().tolist() == ["Alle"]
    assert profile.loc[profile["group_key"] == "medarbejder", "group"].unique().tolist() == ["Medarbejder"]


def test_an_english_report_has_english_labels(full):
    store, workshop = full
    english = build_report(store, workshop.id, "en")
    assert english.language == "en"
    assert english.support_questions == load_method("en").support_questions
    profile = english.competence.profile
    assert profile.loc[profile["group_key"] == "all", "group"].iloc[0] == "Everyone"
    assert english.problem_positions["quadrant_label"].iloc[0] == load_method("en").problem_matrix.quadrants["top_right"]


def test_the_report_has_the_five_answers_with_the_adopted_proposal(report):
    assert len(report.support_answers) == len(report.support_questions) == 5
    assert all(report.support_answers)
    assert report.support_answers[1].endswith("\nOgså vikarerne – de kender ikke vores „uskrevne regler“.")


def test_the_report_has_the_actions_and_the_follow_up(report):
    assert [a.position for a in report.actions] == [1, 2, 3, 4]
    assert [a.status for a in report.actions] == ["done", "in_progress", "not_started", "not_started"]
    assert report.actions[3].owner == "" and report.actions[3].deadline is None
    assert report.follow_up_process.startswith("Styregruppen")
    assert report.next_follow_up == date(2025, 5, 13)


def test_the_report_is_dated_when_it_was_made(report):
    assert report.generated_at.tzinfo is not None


# --- the raw data ----------------------------------------------------------------------------------


def test_the_raw_data_has_exactly_the_documented_columns(report):
    assert list(report.raw.ratings.columns) == RATING_RAW_COLUMNS
    assert list(report.raw.items.columns) == ITEM_RAW_COLUMNS
    assert list(report.raw.placements.columns) == PLACEMENT_RAW_COLUMNS
    assert list(report.raw.actions.columns) == ACTION_RAW_COLUMNS


def test_the_raw_data_has_no_token_or_participant_id_anywhere(full, report):
    store, workshop = full
    tokens = tokens_of(store, workshop.id)
    assert len(tokens) == 100
    for frame in (report.raw.ratings, report.raw.items, report.raw.placements, report.raw.actions):
        assert not FORBIDDEN_COLUMNS & set(frame.columns)
        cells = {str(v) for v in frame.to_numpy().ravel()}
        assert not tokens & cells


def test_the_raw_data_numbers_the_participants_1_to_n(report):
    ratings, placements = report.raw.ratings, report.raw.placements
    assert set(ratings["participant"]) == set(range(1, 101))
    assert set(placements["participant"]) == set(range(1, 101))
    assert len(ratings) == 100 * 6
    assert (ratings.groupby("participant").size() == 6).all()


def test_the_raw_placements_are_every_phones_own(report):
    placements = report.raw.placements
    assert len(placements) == 100 * (30 + 30)
    assert placements["x"].between(1, 5).all() and placements["y"].between(1, 5).all()
    assert set(placements["kind"]) == {"problem", "idea"}
    assert (placements.groupby(["kind", "item_number"]).size() == 100).all()


def test_the_raw_items_tell_who_typed_them_only_as_facilitator_or_not(report):
    items = report.raw.items
    assert len(items) == 30 + 30 + 3
    assert items["by_facilitator"].dtype == bool
    # The fixture's facilitator types every fifth problem and idea.
    assert items.loc[items["kind"] == "problem", "by_facilitator"].sum() == 6
    assert items["merged_into_number"].isna().all()
    assert not items["hidden"].any()


def test_the_raw_actions_are_the_plans_actions(report):
    actions = report.raw.actions
    assert actions["what"].tolist() == [a.what for a in report.actions]
    assert actions["deadline"].tolist() == [a.deadline for a in report.actions]


# --- anonymity and edge cases on small, hand-built workshops ----------------------------------------


def test_anonymous_numbers_follow_the_secret_tokens_not_the_join_order():
    tokens = {1: "token-aaaaaaaaaaaaaaaa", 2: "token-bbbbbbbbbbbbbbbb", 3: "token-cccccccccccccccc"}
    numbers = anonymous_numbers(tokens)
    assert sorted(numbers.values()) == [1, 2, 3]
    swapped = anonymous_numbers({1: tokens[3], 2: tokens[2], 3: tokens[1]})
    assert swapped == {1: numbers[3], 2: numbers[2], 3: numbers[1]}
    assert anonymous_numbers(tokens) == numbers  # two exports agree


def test_a_participants_number_is_the_same_in_ratings_and_placements(solver):
    solver.step(ACTIVITY_COMPETENCE)
    phones = [solver.phone() for _ in range(3)]
    for value, phone in enumerate(phones, start=1):
        competence.submit_ratings(solver.store, phone, dict.fromkeys(competence.factor_keys(), value))
    (problem,) = solver.add("problem", "Støj")
    solver.step(ACTIVITY_PROBLEM_MATRIX)
    for value, phone in enumerate(phones, start=1):
        place_item(solver.store, phone, problem.id, value, value)
    raw = build_report(solver.store, solver.id, "da").raw
    rated = raw.ratings.groupby("participant")["value"].first()
    placed = raw.placements.set_index("participant")["x"]
    assert sorted(rated.index) == [1, 2, 3]
    for participant in (1, 2, 3):
        assert rated[participant] == placed[participant]


def test_a_phone_that_only_placed_items_still_gets_a_number(solver):
    (problem,) = solver.add("problem", "Støj")
    solver.step(ACTIVITY_PROBLEM_MATRIX)
    place_item(solver.store, solver.phone(), problem.id, 2, 3)
    solver.phone()  # joined, did nothing: not in the raw data
    raw = build_report(solver.store, solver.id, "da").raw
    assert raw.placements["participant"].tolist() == [1]
    assert raw.ratings.empty


def _rate_with_roles(solver, roles):
    solver.step(ACTIVITY_COMPETENCE)
    for role in roles:
        phone = solver.phone()
        if role is not None:
            phone = participation.set_role(solver.store, phone, role)
        competence.submit_ratings(solver.store, phone, dict.fromkeys(competence.factor_keys(), 3))


def test_the_raw_ratings_leave_out_the_role_of_a_group_too_small_to_show(solver):
    _rate_with_roles(solver, ["medarbejder"] * 3 + ["leder"] + [None] * 3)
    raw = build_report(solver.store, solver.id, "da").raw
    per_person = raw.ratings.drop_duplicates("participant")["role"]
    assert len(per_person) == 7
    assert (per_person == "medarbejder").sum() == 3
    assert per_person.isna().sum() == 4  # the leader hides among the three without a role
    assert "leder" not in set(raw.ratings["role"].dropna())


def test_the_raw_ratings_leave_out_every_role_when_the_breakdown_is_withheld(solver):
    # Three employees and one leader: showing the employees would give the leader away by subtraction.
    _rate_with_roles(solver, ["medarbejder"] * 3 + ["leder"])
    built = build_report(solver.store, solver.id, "da")
    assert built.competence.breakdown_withheld
    assert built.raw.ratings["role"].isna().all()


def test_the_raw_items_show_hidden_and_merged_items_by_number(solver):
    solver.step(ACTIVITY_PROBLEMS)
    phone = solver.phone()
    typed = submit_item(solver.store, phone, "problem", "Støj")
    more, hidden = solver.add("problem", "Larm", "Navnet på en kollega")
    merge_items(solver.store, typed.id, [more.id])
    hide_item(solver.store, hidden.id)
    built = build_report(solver.store, solver.id, "da")
    items = built.raw.items.set_index("number")
    assert [i.number for i in built.problems] == [1]
    assert items.loc[2, "merged_into_number"] == 1
    assert pd.isna(items.loc[1, "merged_into_number"])
    assert bool(items.loc[3, "hidden"]) and not bool(items.loc[1, "hidden"])
    assert items["by_facilitator"].tolist() == [False, True, True]


def test_a_report_of_a_new_workshop_is_empty_but_complete(solver):
    built = build_report(solver.store, solver.id, "da")
    assert built.participants == 0
    assert (built.problems, built.ideas, built.keep_items, built.actions) == ((), (), (), ())
    assert built.chosen_problem is None and built.chosen_idea is None and built.problem_description is None
    assert built.support_answers == ("",) * 5
    assert (built.follow_up_process, built.next_follow_up) == ("", None)
    assert built.problem_positions.empty and built.idea_positions.empty
    for frame in (built.raw.ratings, built.raw.items, built.raw.placements, built.raw.actions):
        assert frame.empty


def test_a_chosen_item_merged_later_reports_the_item_it_was_merged_into(solver):
    stoej, larm = solver.add("problem", "Støj", "Larm")
    decisions.choose_problem(solver.store, solver.id, larm.id)
    merge_items(solver.store, stoej.id, [larm.id])
    assert build_report(solver.store, solver.id, "da").chosen_problem.text == "Støj"


def test_the_report_reads_the_handleplan_saved_by_the_services(solver):
    handleplan.save_answer(solver.store, solver.id, 4, "Sådan")
    handleplan.save_actions(solver.store, solver.id, [{"what": "Tavle", "owner": "Mette", "deadline": "2025-04-01",
                                                       "follow_up": "", "status": "done"}])
    built = build_report(solver.store, solver.id, "en")
    assert built.support_answers[4] == "Sådan"
    assert [(a.what, a.deadline, a.status) for a in built.actions] == [("Tavle", date(2025, 4, 1), "done")]


def test_a_report_of_a_workshop_that_does_not_exist_raises_lookup_error(solver):
    with pytest.raises(LookupError):
        build_report(solver.store, 424_242, "da")


def test_the_raw_data_leaves_out_the_words_of_hidden_items(tmp_path):
    from datetime import date

    from fea_core import items, participation
    from fea_core.model import ACTIVITY_PROBLEMS
    from fea_core.report import build_report
    from fea_core.storage import open_store
    from fea_core.workshops import create_workshop, set_activity

    store = open_store(f"sqlite:///{tmp_path}/hidden.sqlite3")
    workshop = create_workshop(store, name="W", department="D", held_on=date(2026, 1, 5), theme="T", language="da", owner="o")
    set_activity(store, workshop.id, ACTIVITY_PROBLEMS)
    _, phone = participation.join(store, workshop.code)
    kept = items.submit_item(store, phone, "problem", "Travlhed")
    hidden = items.submit_item(store, phone, "problem", "Peter er umulig")
    items.hide_item(store, hidden.id)
    raw = build_report(store, workshop.id, "da").raw.items
    assert list(raw["text"]) == ["Travlhed", ""]
    assert list(raw["hidden"]) == [False, True]
    assert kept.number == 1


def _document_texts(built: Report) -> dict[str, str]:
    """Every export of a report as plain text, read back as a reader would."""
    import io

    import docx
    import openpyxl
    from pypdf import PdfReader

    from fea_core.export import to_docx, to_markdown, to_pdf, to_xlsx

    word = docx.Document(io.BytesIO(to_docx(built)))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(built)))
    markdown = to_markdown(built)
    return {
        "docx": "\n".join([p.text for p in word.paragraphs] + cells),
        "pdf": "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(to_pdf(built))).pages),
        "md": markdown.decode("utf-8") if isinstance(markdown, bytes) else markdown,
        "xlsx": "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                          for v in row if v is not None),
    }


def test_every_document_says_which_problems_and_ideas_were_merged_into_a_shown_one(solver):
    # The report's item lists leave merged items out, so the note was built from nothing and never
    # printed. A hidden item stays off the record even when it was merged first.
    stoej, larm, bulder, navn = solver.add("problem", "Støj", "Larm", "Bulder", "Navnet på en kollega")
    tavle, tavlemoede = solver.add("idea", "Tavle", "Tavlemøde")
    merge_items(solver.store, stoej.id, [larm.id, bulder.id, navn.id])
    hide_item(solver.store, navn.id)
    merge_items(solver.store, tavle.id, [tavlemoede.id])
    built = build_report(solver.store, solver.id, "da")
    assert built.merged_numbers == {stoej.id: (2, 3), tavle.id: (2,)}
    for kind, text in _document_texts(built).items():
        flat = " ".join(text.replace("\\", "").split())
        assert "Støj (samlet med nr. 2, 3)" in flat, kind
        assert "Tavle (samlet med nr. 2)" in flat, kind


def test_a_round_of_two_raters_has_no_rating_rows_in_the_raw_data(solver, tmp_path):
    # The screen and the documents withhold a 2-rater round; its two raw rows would be its answers.
    _rate_with_roles(solver, [None, None])
    assert build_report(solver.store, solver.id, "da").raw.ratings.empty
    (tmp_path / "three").mkdir()
    three = new_solver(tmp_path / "three")
    try:
        _rate_with_roles(three, [None, None, None])
        assert len(build_report(three.store, three.id, "da").raw.ratings) == 3 * 6
    finally:
        three.store.engine.dispose()
