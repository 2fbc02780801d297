"""Tests of fea_core.quadrants: where the room put each item, its quadrant as drawn, and the ranking."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pandas as pd
import pytest

from fea_core.charts import quadrant_spec
from fea_core.method import Axis, Matrix, load_method
from fea_core.model import Item
from fea_core.quadrants import POSITION_COLUMNS, QUADRANT_ORDER, classify, favourability, positions, ranking

PROBLEM = load_method("da").problem_matrix  # Problemets konsekvenser (x) x Antal berørte (y)
SOLUTION = load_method("da").solution_matrix  # Ressourceforbrug (x, drawn reversed) x Effekt (y)
NAN = float("nan")


def items(*texts: str) -> list[Item]:
    """Return visible items numbered 1, 2, ... with ids 101, 102, ..."""
    now = datetime(2025, 3, 14, tzinfo=UTC)
    return [Item(100 + n, 1, "problem", n, t, None, False, None, now) for n, t in enumerate(texts, start=1)]


def placed(*rows: tuple[int, int, float, float]) -> pd.DataFrame:
    """Return placement rows (item_id, participant_id, x, y)."""
    return pd.DataFrame(rows, columns=["item_id", "participant_id", "x", "y"]).astype(
        {"item_id": "int64", "participant_id": "int64", "x": "float64", "y": "float64"}
    )


def by_number(frame: pd.DataFrame) -> dict[int, dict]:
    return {int(r["number"]): r for r in frame.to_dict("records")}


# --- the method's matrices -----------------------------------------------------------------------


def test_the_solution_matrix_draws_resources_reversed_and_the_problem_matrix_does_not():
    assert SOLUTION.x.reversed and not SOLUTION.y.reversed
    assert not PROBLEM.x.reversed and not PROBLEM.y.reversed
    assert SOLUTION.quadrants["top_right"] == "Det her skal prioriteres"
    assert PROBLEM.quadrants["top_right"] == "Her skal vi gøre en indsats"


# --- classify --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "x, y, expected",
    [
        (4, 4, "top_right"),  # large consequences, many affected: "Her skal vi gøre en indsats"
        (2, 4, "top_left"),
        (4, 2, "bottom_right"),
        (2, 2, "bottom_left"),  # "Ikke relevant"
        (5, 5, "top_right"),
        (1, 5, "top_left"),
        (5, 1, "bottom_right"),
        (1, 1, "bottom_left"),
        (3.01, 3.01, "top_right"),
    ],
)
def test_the_problem_matrix_classifies_as_drawn(x, y, expected):
    assert classify(x, y, PROBLEM) == expected


@pytest.mark.parametrize(
    "x, y, expected",
    [
        (2, 4, "top_right"),  # low resource use, high effect: "Det her skal prioriteres"
        (4, 4, "top_left"),
        (2, 2, "bottom_right"),
        (4, 2, "bottom_left"),  # high resource use, low effect: "Ikke relevant"
        (1, 5, "top_right"),
        (5, 5, "top_left"),
        (1, 1, "bottom_right"),
        (5, 1, "bottom_left"),
        (2.99, 3.01, "top_right"),
    ],
)
def test_the_solution_matrix_classifies_low_resource_use_as_right(x, y, expected):
    assert classify(x, y, SOLUTION) == expected


@pytest.mark.parametrize(
    "x, y, problem, solution",
    [
        (3, 3, "bottom_left", "bottom_left"),  # the centre is never a priority
        (3, 5, "top_left", "top_left"),  # on the vertical mid-line: left
        (3, 1, "bottom_left", "bottom_left"),
        (5, 3, "bottom_right", "bottom_left"),  # on the horizontal mid-line: bottom
        (1, 3, "bottom_left", "bottom_right"),
        (3.0000000000000004, 3.0000000000000004, "bottom_left", "bottom_left"),  # a hair off is still on
    ],
)
def test_a_point_exactly_on_a_mid_line_counts_to_the_less_favourable_side(x, y, problem, solution):
    assert classify(x, y, PROBLEM) == problem
    assert classify(x, y, SOLUTION) == solution


def test_classify_follows_the_axis_orientation_not_the_matrix_name():
    mirrored = Matrix("m", "M", Axis("a", "A", "Lav", "Høj", reversed=True), Axis("b", "B", "Lav", "Høj"), {})
    assert classify(1, 5, mirrored) == "top_right"
    assert classify(5, 5, mirrored) == "top_left"


def test_classify_uses_the_mid_line_of_another_scale():
    assert classify(6, 6, PROBLEM, low=1, high=10) == "top_right"
    assert classify(5.5, 5.5, PROBLEM, low=1, high=10) == "bottom_left"
    assert classify(5, 5, PROBLEM, low=1, high=10) == "bottom_left"


def test_the_least_favourable_corner_is_bottom_left_as_drawn():
    assert favourability(1, 1, PROBLEM) == 0
    assert favourability(5, 1, SOLUTION) == 0
    assert favourability(5, 5, PROBLEM) == pytest.approx(math.hypot(4, 4))
    assert favourability(1, 5, SOLUTION) == pytest.approx(math.hypot(4, 4))


# --- positions -------------------------------------------------------------------------------------


@pytest.fixture
def example():
    """Four items: three phones on #1, two on #2, one on #3, none on #4."""
    its = items("Travlhed", "Støj", "Uklare roller", "Dårligt indeklima")
    rows = placed(
        (101, 1, 1, 5), (101, 2, 2, 4), (101, 3, 4, 3),
        (102, 1, 2, 2), (102, 2, 4, 2),
        (103, 3, 5, 1),
    )
    return its, rows


def test_positions_have_the_columns_the_chart_and_the_table_need(example):
    frame = positions(*example, PROBLEM)
    assert list(frame.columns) == POSITION_COLUMNS
    assert {"item_id", "number", "text", "x_mean", "y_mean", "x_std", "y_std", "n"} <= set(frame.columns)
    assert frame["item_id"].tolist() == [101, 102, 103, 104]
    assert frame["text"].tolist() == ["Travlhed", "Støj", "Uklare roller", "Dårligt indeklima"]


def test_mean_and_spread_are_computed_per_item_by_hand(example):
    rows = by_number(positions(*example, PROBLEM))
    # #1: x = 1, 2, 4 -> mean 7/3, sample variance ((4/3)^2 + (1/3)^2 + (5/3)^2) / 2 = 7/3
    assert rows[1]["x_mean"] == pytest.approx(7 / 3)
    assert rows[1]["x_std"] == pytest.approx(math.sqrt(7 / 3))
    # #1: y = 5, 4, 3 -> mean 4, variance (1 + 0 + 1) / 2 = 1
    assert rows[1]["y_mean"] == pytest.approx(4.0)
    assert rows[1]["y_std"] == pytest.approx(1.0)
    assert rows[1]["n"] == 3
    # #2: x = 2, 4 -> mean 3, variance (1 + 1) / 1 = 2; y = 2, 2 -> no spread at all
    assert (rows[2]["x_mean"], rows[2]["y_mean"]) == (3.0, 2.0)
    assert rows[2]["x_std"] == pytest.approx(math.sqrt(2))
    assert rows[2]["y_std"] == 0.0
    assert rows[2]["n"] == 2


def test_one_placement_has_no_spread(example):
    rows = by_number(positions(*example, PROBLEM))
    assert (rows[3]["x_mean"], rows[3]["y_mean"], rows[3]["n"]) == (5.0, 1.0, 1)
    assert math.isnan(rows[3]["x_std"]) and math.isnan(rows[3]["y_std"])


def test_an_item_nobody_placed_yet_has_a_row_with_no_quadrant(example):
    rows = by_number(positions(*example, PROBLEM))
    assert rows[4]["n"] == 0
    assert all(math.isnan(rows[4][c]) for c in ("x_mean", "y_mean", "x_std", "y_std", "score"))
    assert rows[4]["quadrant"] is None
    assert rows[4]["quadrant_label"] == ""


def test_quadrants_and_labels_follow_each_matrix(example):
    problem = by_number(positions(*example, PROBLEM))
    assert [problem[n]["quadrant"] for n in (1, 2, 3)] == ["top_left", "bottom_left", "bottom_right"]
    assert [problem[n]["quadrant_label"] for n in (1, 2, 3)] == ["Måske relevant", "Ikke relevant", "Måske relevant"]
    solution = by_number(positions(*example, SOLUTION))
    # #1 at (7/3, 4): below the middle of Ressourceforbrug, so right as drawn.
    assert [solution[n]["quadrant"] for n in (1, 2, 3)] == ["top_right", "bottom_left", "bottom_left"]
    assert solution[1]["quadrant_label"] == "Det her skal prioriteres"


def test_labels_come_in_the_matrix_language(example):
    english = by_number(positions(*example, load_method("en").solution_matrix))
    assert english[1]["quadrant_label"] == "This should be prioritised"


def test_items_come_in_number_order_and_placements_of_other_items_are_ignored():
    its = items("A", "B", "C")
    frame = positions(
        [its[2], its[0]], placed((103, 1, 5, 5), (102, 1, 1, 1), (999, 1, 1, 1)), PROBLEM
    )
    assert frame["number"].tolist() == [1, 3]
    assert frame["n"].tolist() == [0, 1]


def test_no_items_gives_an_empty_frame_with_the_columns():
    frame = positions([], placed(), PROBLEM)
    assert list(frame.columns) == POSITION_COLUMNS
    assert len(frame) == 0
    assert len(ranking(frame)) == 0


def test_positions_feed_the_quadrant_chart_with_raw_axis_values(example):
    frame = positions(*example, SOLUTION)
    spec = quadrant_spec(frame[frame["n"] > 0], SOLUTION)
    points = [row for layer in spec["layer"] if layer.get("name") == "items"
              for row in spec["datasets"][layer["data"]["name"]]]
    first = next(p for p in points if p["item_id"] == 101)
    # The chart mirrors the reversed axis itself: raw 7/3, rounded to the 2.3 the tooltip shows (the
    # browser gets no more digits than that), is drawn at 6 - 2.3.
    assert first["x"] == pytest.approx(6 - 2.3)
    assert first["x_mean"] == "2.3"


def test_the_chart_accepts_positions_with_unplaced_items(example):
    frame = positions(*example, PROBLEM)
    spec = quadrant_spec(frame, PROBLEM)
    assert spec["layer"]


# --- ranking ---------------------------------------------------------------------------------------


@pytest.fixture
def spread_out():
    """Seven items, one phone each, except #6 which nobody placed."""
    its = items("A", "B", "C", "D", "E", "F", "G")
    rows = placed(
        (101, 1, 4, 4),
        (102, 1, 5, 5),
        (103, 1, 2, 5),
        (104, 1, 5, 2),
        (105, 1, 1, 1),
        (107, 1, 3, 3),
    )
    return its, rows


def test_the_problem_ranking_puts_the_priority_quadrant_first_and_unplaced_last(spread_out):
    ranked = ranking(positions(*spread_out, PROBLEM))
    assert ranked["number"].tolist() == [2, 1, 3, 4, 7, 5, 6]
    assert ranked["quadrant"].tolist()[:6] == [
        "top_right", "top_right", "top_left", "bottom_right", "bottom_left", "bottom_left"
    ]
    assert ranked["quadrant"].tolist()[6] is None


def test_the_solution_ranking_puts_high_effect_at_low_resource_use_first(spread_out):
    ranked = ranking(positions(*spread_out, SOLUTION))
    # C (2, 5) top right; B (5, 5) before A (4, 4) top left; E (1, 1) bottom right;
    # G (3, 3) before D (5, 2) bottom left; F unplaced.
    assert ranked["number"].tolist() == [3, 2, 1, 5, 7, 4, 6]


def test_equal_positions_rank_by_number():
    its = items("A", "B", "C")
    ranked = ranking(positions(its, placed((103, 1, 4, 4), (102, 1, 4, 4), (101, 1, 4, 4)), PROBLEM))
    assert ranked["number"].tolist() == [1, 2, 3]


def test_the_ranking_keeps_the_columns_and_renumbers_the_index(spread_out):
    frame = positions(*spread_out, PROBLEM)
    ranked = ranking(frame)
    assert list(ranked.columns) == POSITION_COLUMNS
    assert ranked.index.tolist() == list(range(7))
    assert list(frame["number"]) == [1, 2, 3, 4, 5, 6, 7]  # the input is left as it was


def test_the_quadrant_order_is_priority_first():
    assert QUADRANT_ORDER == ("top_right", "top_left", "bottom_right", "bottom_left")


def test_positions_count_every_one_of_ten_thousand_placements():
    # How fast (under 1 s): bench/positions_bench.py, a timing goal rather than a pass/fail limit here.
    its = items(*[f"Item {n}" for n in range(1, 51)])
    rows = placed(*[(101 + (k % 50), k // 50, 1 + k % 5, 1 + (k // 5) % 5) for k in range(10_000)])
    ranked = ranking(positions(its, rows, SOLUTION))
    assert ranked["n"].sum() == 10_000
