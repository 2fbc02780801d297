"""The attacks of issue 15 point 4, each tried against what the app shows or exports.

A curious leader sees the shared screen (radar, tooltips, table), the exports and the status
report, and remembers earlier states of the screen. Each test plays one attack; the solver
below is the attacker's arithmetic, written independently of fea_core.disclosure.
"""

from __future__ import annotations

import io
import json
import math
from itertools import combinations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from fea_core import release
from fea_core.aggregate import ALL_GROUP, competence_summary
from fea_core.charts import radar_spec
from fea_core.competence_change import competence_change
from fea_core.disclosure import CHANGED, DERIVABLE, FEW, pins_few
from fea_core.export import to_markdown, to_xlsx
from fea_core.method import load_method
from fea_core.report import build_report
from fea_core.workshops import get_workshop, set_activity_open, set_results_visible

METHOD = load_method("da")
FACTORS = METHOD.factors
KEYS = [f.key for f in FACTORS]
ROLES = {r.key: r.label for r in METHOD.roles}
IN = "innovation"
NAN = float("nan")


def frame(people: list[tuple[str | None, dict[str, float | None]]], default: float | None = 3) -> pd.DataFrame:
    """Rows for people given as (role, {factor: value}); unnamed factors get ``default``."""
    rows = []
    for pid, (role, values) in enumerate(people, start=1):
        for key in KEYS:
            value = values.get(key, default)
            rows.append((pid, role, key, NAN if value is None else float(value)))
    return pd.DataFrame(rows, columns=["participant_id", "role", "factor", "value"])


def summarise(rows: pd.DataFrame):
    return competence_summary(rows, FACTORS, all_label="Alle", role_labels=ROLES)


def cell(summary, key: str, factor: str):
    profile = summary.profile
    found = profile[(profile["group_key"] == key) & (profile["factor"] == factor)]
    return found.iloc[0] if len(found) else None


def shown(summary, key: str, factor: str) -> bool:
    c = cell(summary, key, factor)
    return c is not None and not pd.isna(c["mean"])


def isolates_few(sets: list[set], universe: list) -> bool:
    """The attacker's check: do sums and differences of these sets isolate 1 or 2 elements?

    Brute force over every element and pair, on the raw 0/1 matrix (no grouping of elements):
    a combination supported on T exists exactly when dropping T's columns lowers the rank.
    """
    sets = [s for s in sets if s]
    if not sets:
        return False
    index = {v: i for i, v in enumerate(universe)}
    matrix = np.zeros((len(sets), len(universe)))
    for r, s in enumerate(sets):
        for v in s:
            matrix[r, index[v]] = 1.0
    full = np.linalg.matrix_rank(matrix)
    for size in (1, 2):
        for group in combinations(range(len(universe)), size):
            if np.linalg.matrix_rank(np.delete(matrix, list(group), axis=1)) < full:
                return True
    return False


# --- the rule itself ----------------------------------------------------------------------------


def test_the_set_solver_agrees_with_the_rule_on_small_cases():
    a = frozenset
    cases = [
        [a({1, 2, 3, 4, 5, 6}), a({1, 2, 3})],  # room minus 3 leaves 3
        [a({1, 2, 3, 4, 5}), a({1, 2, 3})],  # room minus 3 leaves 2
        [a({1, 2, 3, 4, 5, 6, 7}), a({1, 2, 3, 4, 5, 6})],  # the 7th answer
        [a({1, 2, 3, 4}), a({1, 2, 3, 5})],  # an answer replaced: 4 against 5
        [a({1, 2, 3}), a({4, 5, 6})],
    ]
    for sets in cases:
        universe = sorted(set().union(*sets))
        assert pins_few(sets) == isolates_few([set(s) for s in sets], universe), sets
    assert [pins_few(s) for s in cases] == [False, True, True, True, False]


# --- point 4: the attacks -----------------------------------------------------------------------


def test_a_two_rater_rounds_own_radar_shows_neither_answer():
    # Issue 15: "Hele gruppen" showed mean 4,5, spread 0,7 and "2 svar": both answers.
    summary = summarise(frame([(None, {IN: 4}), (None, {IN: 5})]))
    room = summary.profile[summary.profile["group_key"] == ALL_GROUP]
    assert room["mean"].isna().all() and room["std"].isna().all()
    assert room["n"].isna().all() and room["dont_know"].isna().all()
    assert set(room["withheld"]) == {FEW}
    spec = radar_spec(room, FACTORS)
    assert not spec["datasets"].get("fea_points") and not spec["datasets"].get("fea_spread")


def test_two_employees_answers_cannot_be_solved_from_the_room_minus_the_leaders():
    # 3 leaders (2, 3, 3) and 3 employees (Ved ikke, 1, 5) on Innovation.
    people = [("leder", {IN: 2}), ("leder", {IN: 3}), ("leder", {IN: 3}),
              ("medarbejder", {IN: None}), ("medarbejder", {IN: 1}), ("medarbejder", {IN: 5})]
    summary = summarise(frame(people))
    assert shown(summary, ALL_GROUP, IN)
    assert not shown(summary, "medarbejder", IN)
    # The leaders' Innovation would give the employees' sum and squares by subtraction.
    assert not shown(summary, "leder", IN)
    assert cell(summary, "leder", IN)["withheld"] == DERIVABLE
    # Factors where everyone gave a number keep both groups.
    assert shown(summary, "leder", "aabenhed") and shown(summary, "medarbejder", "aabenhed")
    assert summary.breakdown_withheld and summary.withheld_reasons["leder"] == DERIVABLE


def test_a_room_of_eight_minus_six_employees_does_not_give_the_two_leaders_answers():
    # Two leaders, six employees, and one phone without a group that said "Ved ikke": three
    # people outside the employees, but only two numbers, the leaders'.
    people = [("leder", {IN: 1}), ("leder", {IN: 5})] + [("medarbejder", {IN: 3})] * 6 + [(None, {IN: None})]
    summary = summarise(frame(people))
    assert shown(summary, ALL_GROUP, IN)
    assert not shown(summary, "medarbejder", IN)
    assert cell(summary, "medarbejder", IN)["withheld"] == DERIVABLE
    assert "leder" in summary.hidden_groups


def test_the_count_of_ved_ikke_is_not_given_away_by_subtraction_either():
    # Everyone gave numbers except one of the two leaders: room "Ved ikke" minus employees'
    # "Ved ikke" would say which leader did not know. 3 numbers outside the employees? No: 1.
    people = [("leder", {IN: None}), ("leder", {IN: 4})] + [("medarbejder", {IN: 3})] * 4
    summary = summarise(frame(people))
    assert not shown(summary, "medarbejder", IN)


def test_tooltips_and_chart_data_carry_no_more_digits_than_the_label():
    # 2, 3, 3: mean 2.666..., spread 0.577...; the label says 2.7 and 0.6.
    summary = summarise(frame([(None, {IN: 2}), (None, {IN: 3}), (None, {IN: 3})]))
    room = summary.profile[summary.profile["group_key"] == ALL_GROUP]
    assert room.set_index("factor").loc[IN, "mean"] == 2.7
    spec = radar_spec(room, FACTORS)
    text = json.dumps(spec["datasets"])
    assert "2.66" not in text and "0.57" not in text
    point = next(p for p in spec["datasets"]["fea_points"] if p["factor"] == IN)
    assert math.isclose(math.hypot(point["x"], point["y"]), 2.7, abs_tol=1e-9)
    # Even a profile handed over unrounded is drawn from the rounded figure.
    raw = room.assign(mean=[2 + 2 / 3] * len(room), std=[0.5773502691896257] * len(room))
    point = radar_spec(raw, FACTORS)["datasets"]["fea_points"][0]
    assert math.isclose(math.hypot(point["x"], point["y"]), 2.7, abs_tol=1e-9)
    assert "0.577" not in json.dumps(radar_spec(raw, FACTORS)["datasets"])


def test_before_and_now_withholds_a_time_with_two_numbers_and_its_counts():
    before = frame([(None, {IN: 4}), (None, {IN: 5})])
    now = frame([(None, {IN: 2}), (None, {IN: 3}), (None, {IN: 4})])
    change = competence_change(before, now, FACTORS, before_label="Før", now_label="Nu")
    row = change.table.set_index("factor").loc[IN]
    assert pd.isna(row["mean_before"]) and pd.isna(row["n_before"]) and pd.isna(row["change"])
    assert row["mean_now"] == 3.0 and row["n_now"] == 3
    assert set(change.profile["group_key"]) == {"now"} and not change.before_shown


# --- the live screen: batched release -----------------------------------------------------------


def _phone(room, role=None):
    return room.join(role)


def _screen(room):
    """What a screen with results visible shows now (it moves the release on)."""
    ws = get_workshop(room.store, room.workshop.id)
    rel = release.released(room.store, ws, advance=True)
    return rel, competence_summary(rel.rows, FACTORS, all_label="Alle", role_labels=ROLES, decisions=rel.decisions)


def _room_cell(summary, factor=IN):
    c = cell(summary, ALL_GROUP, factor)
    return (None if pd.isna(c["mean"]) else float(c["mean"]), None if pd.isna(c["n"]) else int(c["n"]))


@pytest.mark.databases("sqlite", "postgresql")
def test_a_late_answer_cannot_be_read_off_the_live_screen(room):
    set_results_visible(room.store, room.workshop.id, True)
    for value in (4, 4, 5, 4, 4, 4):
        room.rate(_phone(room), innovation=value)
    _, first = _screen(room)
    assert _room_cell(first) == (4.2, 6)
    # Issue 15: 4,2 with n=6 -> 3,7 with n=7 meant the 7th answered 1.
    room.rate(_phone(room), innovation=1)
    rel, after = _screen(room)
    assert _room_cell(after) == (4.2, 6) and rel.waiting == 1
    room.rate(_phone(room), innovation=3)
    assert _room_cell(_screen(room)[1]) == (4.2, 6)
    room.rate(_phone(room), innovation=5)
    rel, batch = _screen(room)
    assert rel.waiting == 0 and _room_cell(batch)[1] == 9


def test_a_replaced_answer_cannot_be_read_off_the_live_screen_as_a_difference(room):
    set_results_visible(room.store, room.workshop.id, True)
    phones = [_phone(room) for _ in range(4)]
    for p in phones:
        room.rate(p, innovation=3)
    _, before = _screen(room)
    room.rate(phones[0], innovation=5)  # one phone changes its mind
    rel, after = _screen(room)
    assert _room_cell(after) == _room_cell(before) and rel.waiting == 1
    room.rate(phones[1], innovation=1)
    room.rate(phones[1], innovation=2)  # the same phone twice is still one phone
    assert _screen(room)[0].waiting == 2 and _room_cell(_screen(room)[1]) == _room_cell(before)


@pytest.mark.databases("sqlite", "postgresql")
def test_closing_the_round_with_one_late_answer_holds_it_back_everywhere(room):
    set_results_visible(room.store, room.workshop.id, True)
    for value in (4, 4, 5, 4, 4, 4):
        room.rate(_phone(room), innovation=value)
    _screen(room)
    room.rate(_phone(room), innovation=1)
    set_activity_open(room.store, room.workshop.id, False)
    rel, closed = _screen(room)
    assert rel.held_back and rel.waiting == 1 and _room_cell(closed) == (4.2, 6)
    # The exports tell the same: no difference between them and the screen to read it from.
    report = build_report(room.store, room.workshop.id, "da")
    assert _room_cell(report.competence) == (4.2, 6)
    assert report.raw.ratings["participant"].nunique() == 6


def test_closing_the_round_releases_three_late_answers(room):
    set_results_visible(room.store, room.workshop.id, True)
    for _ in range(3):
        room.rate(_phone(room), innovation=4)
    _screen(room)
    for value in (1, 2, 3):
        room.rate(_phone(room), innovation=value)
    set_activity_open(room.store, room.workshop.id, False)
    rel, closed = _screen(room)
    assert not rel.held_back and _room_cell(closed) == (3.0, 6)


def test_a_screen_with_results_hidden_does_not_move_the_release_on(room):
    for _ in range(4):
        room.rate(_phone(room))
    ws = get_workshop(room.store, room.workshop.id)
    assert not len(release.released(room.store, ws, advance=False).rows)
    set_results_visible(room.store, room.workshop.id, True)
    rel, summary = _screen(room)
    assert len(rel.rows) == 4 * len(KEYS) and _room_cell(summary) == (3.0, 4)


def test_a_group_shown_live_does_not_give_away_its_newest_member(room):
    # Leaders 3 and employees 3 are shown; a fourth leader and two employees join: three new
    # answers for the room, but only one for the leaders' cell.
    set_results_visible(room.store, room.workshop.id, True)
    for role in ["leder"] * 3 + ["medarbejder"] * 3:
        room.rate(_phone(room, role), innovation=3)
    _, first = _screen(room)
    assert shown(first, "leder", IN)
    room.rate(_phone(room, "leder"), innovation=5)
    room.rate(_phone(room, "medarbejder"), innovation=2)
    room.rate(_phone(room, "medarbejder"), innovation=2)
    rel, second = _screen(room)
    assert rel.waiting == 0 and _room_cell(second)[1] == 9
    assert not shown(second, "leder", IN)
    assert rel.decisions.status[("leder", IN)] in (CHANGED, DERIVABLE)


@pytest.mark.databases("sqlite", "postgresql")
def test_deleting_the_workshop_deletes_its_release(room):
    from fea_core.retention import delete_workshop
    from sqlalchemy import select
    from fea_core import schema

    set_results_visible(room.store, room.workshop.id, True)
    for _ in range(3):
        room.rate(_phone(room))
    _screen(room)
    counts = delete_workshop(room.store, room.workshop.id)
    assert counts.get("competence_release") == 1
    with room.store.read() as conn:
        keys = conn.execute(select(schema.settings.c.key)).scalars().all()
    assert release.setting_key(room.workshop.id) not in keys


# --- exports ------------------------------------------------------------------------------------


def test_the_exports_print_only_disclosed_figures_and_name_no_group_that_would_give_answers_away(room):
    people = [("leder", 2), ("leder", 3), ("leder", 3), ("medarbejder", None), ("medarbejder", 1), ("medarbejder", 5)]
    for role, value in people:
        room.rate(_phone(room, role), innovation=value)
    set_activity_open(room.store, room.workshop.id, False)
    report = build_report(room.store, room.workshop.id, "da")
    assert not shown(report.competence, "leder", IN)
    # Roles in the raw data would answer the subtraction directly.
    assert report.raw.ratings["role"].isna().all()
    markdown = to_markdown(report)
    row = next(line for line in markdown.splitlines() if line.startswith(f"| {METHOD.factor(IN).label}"))
    assert "2,8" in row and "1,5" in row  # the room: 2, 3, 3, 1, 5 -> 2.8, spread 1.48
    assert "2,7" not in markdown and "1,48" not in markdown
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    numbers = [c for r in book[book.sheetnames[0]].iter_rows(values_only=True) for c in r if isinstance(c, float)]
    assert all(round(v, 1) == v for v in numbers)
    roles = {r[1] for r in book[book.sheetnames[1]].iter_rows(min_row=2, values_only=True)}
    assert roles == {None}
