"""Tests of fea_core.charts: the competence radar, the 2x2 matrices and the PNG export.

Charts are checked through their Vega-Lite spec: each layer carries a ``name`` and its rows
live in the spec's ``datasets``. A few tests render with vl-convert, the real renderer.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import vl_convert

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # lets a bare `pytest` (no `python -m`) import fea_core too
    sys.path.insert(0, str(REPO))

from fea_core.charts import (  # noqa: E402
    GROUP_COLORS, _quadrant_layout, _radar_layout, quadrant_spec, radar_spec, to_png,
)
from fea_core.method import Axis, Factor, Matrix  # noqa: E402

NAN = float("nan")
# In the seed's order, at figur 1's places (degrees clockwise from 12 o'clock).
FACTORS = [
    Factor("innovation", "Innovation", 330),
    Factor("aabenhed", "Åbenhed", 30),
    Factor("teknikker", "Teknikker og viden", 270),
    Factor("motivation", "Motivation", 90),
    Factor("systematik", "Systematik", 210),
    Factor("tid", "Tid og ressourcer", 150),
]
PROBLEM = Matrix(
    key="problem", title="Vælg et problem",
    x=Axis("konsekvenser", "Problemets konsekvenser", "Små", "Store"),
    y=Axis("berorte", "Antal berørte", "Få", "Mange"),
    quadrants={"top_right": "Her skal vi gøre en indsats", "top_left": "Måske relevant",
               "bottom_right": "Måske relevant", "bottom_left": "Ikke relevant"},
)
SOLUTION = Matrix(
    key="solution", title="Prioritér den bedste løsning",
    x=Axis("ressourcer", "Ressourceforbrug", "Lav", "Høj", reversed=True),
    y=Axis("effekt", "Effekt", "Lav", "Høj"),
    quadrants={"top_right": "Det her skal prioriteres", "top_left": "Måske relevant",
               "bottom_right": "Måske relevant", "bottom_left": "Ikke relevant"},
)
HOSTILE = ["<script>alert(1)</script>", "=cmd|' /C calc'!A0"]


def profile(groups: dict[str, list[float]], std: float = 0.5) -> pd.DataFrame:
    rows = [
        {"group": g, "factor": f.key, "label": f.label, "mean": m,
         "std": NAN if math.isnan(m) else std, "n": 0 if math.isnan(m) else 8, "dont_know": 1}
        for g, means in groups.items() for f, m in zip(FACTORS, means)
    ]
    return pd.DataFrame(rows, columns=["group", "factor", "label", "mean", "std", "n", "dont_know"])


def positions(*items: tuple) -> pd.DataFrame:
    """Rows of (item_id, text, x_mean, y_mean, x_std, y_std); number = item_id."""
    return pd.DataFrame(
        [{"item_id": i, "number": i, "text": t, "x_mean": x, "y_mean": y, "x_std": sx, "y_std": sy, "n": 6}
         for i, t, x, y, sx, sy in items],
        columns=["item_id", "number", "text", "x_mean", "y_mean", "x_std", "y_std", "n"],
    )


def layers(spec: dict, prefix: str) -> list[dict]:
    return [layer for layer in spec["layer"] if layer.get("name", "").startswith(prefix)]


def rows(spec: dict, prefix: str) -> list[dict]:
    return [row for layer in layers(spec, prefix) for row in spec["datasets"][layer["data"]["name"]]]


def svg_size(spec: dict) -> tuple[float, float]:
    svg = vl_convert.vegalite_to_svg(spec)
    return tuple(float(v) for v in re.search(r'width="([\d.]+)" height="([\d.]+)"', svg).groups())


# --- radar -------------------------------------------------------------------------------------


def test_a_factor_sits_at_its_place_on_figure_1_with_its_mean_as_the_distance_from_the_centre():
    spec = radar_spec(profile({"Alle": [4, 2, 3, 3, 3, 3]}), FACTORS)
    points = {p["factor"]: (p["x"], p["y"]) for p in rows(spec, "points")}
    upper_left = (-4 * math.sin(math.radians(30)), 4 * math.cos(math.radians(30)))
    upper_right = (2 * math.sin(math.radians(30)), 2 * math.cos(math.radians(30)))
    assert points["innovation"] == pytest.approx(upper_left)
    assert points["aabenhed"] == pytest.approx(upper_right)
    assert points["teknikker"] == pytest.approx((-3, 0), abs=1e-9)  # straight left
    assert points["motivation"] == pytest.approx((3, 0), abs=1e-9)  # straight right


def test_the_polygon_goes_round_the_circle_clockwise_and_repeats_its_first_point_to_close():
    spec = radar_spec(profile({"Alle": [4, 2, 3, 1, 5, 3]}), FACTORS)
    polygon = sorted(rows(spec, "profiles"), key=lambda p: p["order"])
    assert len(polygon) == 7
    assert [p["factor"] for p in polygon] == ["aabenhed", "motivation", "tid", "systematik", "teknikker",
                                             "innovation", "aabenhed"]
    assert (polygon[-1]["x"], polygon[-1]["y"]) == (polygon[0]["x"], polygon[0]["y"])
    assert polygon[-1]["order"] > polygon[-2]["order"]
    assert layers(spec, "profiles")[0]["encoding"]["order"]["field"] == "order"


def test_a_factor_without_answers_is_skipped_and_the_polygon_joins_the_others():
    spec = radar_spec(profile({"Alle": [4, 2, NAN, 1, 5, 3]}), FACTORS)
    polygon = sorted(rows(spec, "profiles"), key=lambda p: p["order"])
    assert [p["factor"] for p in polygon] == ["aabenhed", "motivation", "tid", "systematik", "innovation",
                                             "aabenhed"]
    assert "teknikker" not in {p["factor"] for p in rows(spec, "points")}
    assert all(p["x"] is not None and p["y"] is not None for p in polygon)


def test_two_groups_are_drawn_blue_then_red_in_order_of_appearance_with_a_legend():
    spec = radar_spec(profile({"Medarbejder": [2] * 6, "Leder": [4] * 6}), FACTORS)
    color = layers(spec, "points")[0]["encoding"]["color"]
    assert color["scale"]["domain"] == ["Medarbejder", "Leder"]
    blue, red = color["scale"]["range"]
    assert (blue, red) == GROUP_COLORS[:2]
    assert int(blue[5:7], 16) > int(blue[1:3], 16) and int(red[1:3], 16) > int(red[5:7], 16)
    assert color.get("legend", {}) is not None


def test_a_single_group_has_no_legend_and_more_groups_get_distinct_colours():
    one = radar_spec(profile({"Alle": [3] * 6}), FACTORS)
    assert layers(one, "points")[0]["encoding"]["color"]["legend"] is None
    four = radar_spec(profile({g: [3] * 6 for g in "ABCD"}), FACTORS)
    assert len(set(layers(four, "points")[0]["encoding"]["color"]["scale"]["range"])) == 4


def test_an_empty_profile_still_draws_the_six_labels_the_rings_and_the_spokes():
    spec = radar_spec(profile({}), FACTORS)
    assert sorted(r["label"] for r in rows(spec, "labels")) == sorted(f.label for f in FACTORS)
    assert {r["ring"] for r in rows(spec, "rings")} | {5} == {1, 2, 3, 4, 5}
    assert len(rows(spec, "spokes")) == 6
    assert not layers(spec, "points") and not layers(spec, "profiles")


def test_labels_are_aligned_by_side_and_the_whole_chart_fits_its_square_canvas():
    spec = radar_spec(profile({"Alle": [3] * 6}), FACTORS, size=520)
    by_label = {r["label"]: layer["mark"]["align"] for layer in layers(spec, "labels")
                for r in spec["datasets"][layer["data"]["name"]]}
    # Figur 1 has three factors on each side: the left ones end at the rim, the right ones start there.
    assert {by_label[x] for x in ("Innovation", "Teknikker og viden", "Systematik")} == {"right"}
    assert {by_label[x] for x in ("Åbenhed", "Motivation", "Tid og ressourcer")} == {"left"}
    assert (spec["width"], spec["height"]) == (520, 520)
    assert svg_size(spec) == (530, 530)  # 520 plus Vega's default 5 px padding: no label spills out


def test_a_long_label_beside_the_circle_is_broken_onto_two_lines_but_keeps_its_verbatim_text():
    spec = radar_spec(profile({}), FACTORS)
    shown = {r["label"]: r["text"] for r in rows(spec, "labels")}
    assert shown["Teknikker og viden"] == "Teknikker og\nviden"
    assert shown["Tid og ressourcer"] == "Tid og\nressourcer"
    assert shown["Innovation"] == "Innovation"
    assert all(layer["mark"]["lineBreak"] == "\n" for layer in layers(spec, "labels"))


def test_tooltip_titles_can_be_given_in_another_language():
    english = {"factor": "Factor", "dont_know": "Don't know"}
    spec = radar_spec(profile({"Alle": [3] * 6}), FACTORS, titles=english)
    titles = [t["title"] for t in layers(spec, "points")[0]["encoding"]["tooltip"]]
    assert titles[0] == "Factor" and titles[-1] == "Don't know" and titles[1] == "Gennemsnit"


def test_the_spread_rule_runs_radially_from_mean_minus_std_to_mean_plus_std_clipped_to_the_scale():
    spec = radar_spec(profile({"Alle": [3, 3, 3, 4.5, 3, 3]}, std=1.0), FACTORS)  # Motivation, straight right
    right = [r for r in rows(spec, "spread") if abs(r["y"]) < 1e-9 and r["x"] > 3.4]
    assert len(right) == 1
    assert (right[0]["x"], right[0]["x2"], right[0]["y2"]) == pytest.approx((3.5, 5.0, 0.0), abs=1e-9)


def test_the_radar_tooltip_shows_factor_mean_spread_answers_and_dont_know():
    spec = radar_spec(profile({"Alle": [3.26, 3, 3, 3, 3, 3]}, std=0.84), FACTORS)
    titles = [t["title"] for t in layers(spec, "points")[0]["encoding"]["tooltip"]]
    assert titles == ["Faktor", "Gennemsnit", "Spredning", "Svar", "Ved ikke"]
    (p,) = [p for p in rows(spec, "points") if p["factor"] == "innovation"]
    assert (p["label"], p["mean"], p["std"], p["n"], p["dont_know"]) == ("Innovation", "3.3", "0.8", 8, 1)


def test_the_radar_has_fixed_symmetric_scales_and_no_axes():
    spec = radar_spec(profile({"Alle": [3] * 6}), FACTORS)
    for layer in spec["layer"]:
        for channel in ("x", "y"):
            enc = layer["encoding"][channel]
            low, high = enc["scale"]["domain"]
            assert low == -high and high > 5 and enc["axis"] is None


# --- quadrant matrices -------------------------------------------------------------------------


@pytest.mark.parametrize("matrix", [PROBLEM, SOLUTION], ids=["problem", "solution"])
def test_the_matrix_shows_all_four_quadrant_labels_verbatim_in_their_corners(matrix):
    spec = quadrant_spec(positions(), matrix)
    for quadrant, label in matrix.quadrants.items():
        (layer,) = layers(spec, f"label_{quadrant}")
        assert [r["label"] for r in spec["datasets"][layer["data"]["name"]]] == [label]
        assert layer["mark"]["align"] == ("right" if quadrant.endswith("right") else "left")
        assert layer["mark"]["baseline"] == ("top" if quadrant.startswith("top") else "bottom")


def test_with_resources_reversed_effect_5_and_resources_1_is_drawn_top_right():
    spec = quadrant_spec(positions((1, "Buddy-ordning", 1.0, 5.0, NAN, NAN)), SOLUTION)
    (item,) = rows(spec, "items")
    assert item["x"] > 3 and item["y"] > 3
    assert item["x_mean"] == "1.0"  # the tooltip still shows the real placement


def test_the_problem_matrix_is_not_mirrored_so_large_consequences_are_on_the_right():
    spec = quadrant_spec(positions((1, "Travlhed", 5.0, 5.0, NAN, NAN)), PROBLEM)
    assert rows(spec, "items")[0]["x"] == 5.0


@pytest.mark.parametrize("matrix, left, right", [(PROBLEM, "Små", "Store"), (SOLUTION, "Høj", "Lav")])
def test_the_axis_end_words_sit_at_the_drawn_ends(matrix, left, right):
    spec = quadrant_spec(positions(), matrix)
    (low_end,) = rows(spec, "x_low_end")
    (high_end,) = rows(spec, "x_high_end")
    assert (low_end["label"], high_end["label"]) == (left, right)
    assert low_end["x"] < high_end["x"]
    assert [r["label"] for r in rows(spec, "x_title")] == [matrix.x.label]
    assert [r["label"] for r in rows(spec, "y_title")] == [matrix.y.label]
    assert rows(spec, "y_low_end")[0]["y"] < rows(spec, "y_high_end")[0]["y"]


def test_hostile_participant_text_appears_only_as_a_data_value():
    items = positions((1, HOSTILE[0], 4, 4, 1, 1), (2, HOSTILE[1], 2, 2, 1, 1))
    spec = quadrant_spec(items, PROBLEM)
    outside_data = json.dumps({k: v for k, v in spec.items() if k != "datasets"})
    assert not any(text in outside_data for text in HOSTILE)
    assert "alert" not in outside_data and "calc" not in outside_data
    assert sorted(r["text"] for r in rows(spec, "items")) == sorted(HOSTILE)
    for name, values in spec["datasets"].items():
        for row in values:
            assert all(v not in HOSTILE for k, v in row.items() if k != "text")
    assert layers(spec, "numbers")[0]["encoding"]["text"]["field"] == "number"


def test_the_spread_is_drawn_as_error_bars_clipped_to_the_scale():
    spec = quadrant_spec(positions((1, "Trusler", 4.5, 2.0, 1.0, 0.5)), PROBLEM)
    bars = rows(spec, "spread")
    horizontal = [b for b in bars if b["y"] == b["y2"] == 2.0 and b["x"] != b["x2"]]
    vertical = [b for b in bars if b["x"] == b["x2"] == 4.5 and b["y"] != b["y2"]]
    assert [(b["x"], b["x2"]) for b in horizontal] == [(3.5, 5.0)]
    assert [(b["y"], b["y2"]) for b in vertical] == [(1.5, 2.5)]


def test_an_item_placed_by_one_person_has_no_error_bars():
    spec = quadrant_spec(positions((1, "Alene", 3.0, 3.0, NAN, NAN)), PROBLEM)
    assert not layers(spec, "spread")
    assert rows(spec, "items")[0]["x_std"] == "–"


def test_identical_individual_placements_are_jittered_apart_the_same_way_every_time():
    individual = pd.DataFrame({"item_id": [1, 1, 1], "x": [4, 4, 4], "y": [2, 2, 2]})
    first = rows(quadrant_spec(positions(), PROBLEM, individual=individual), "individual")
    again = rows(quadrant_spec(positions(), PROBLEM, individual=individual), "individual")
    points = {(round(d["x"], 6), round(d["y"], 6)) for d in first}
    assert len(points) == 3 and first == again
    assert all(abs(d["x"] - 4) < 0.2 and abs(d["y"] - 2) < 0.2 for d in first)


def test_individual_placements_are_mirrored_with_a_reversed_axis():
    individual = pd.DataFrame({"item_id": [1], "x": [1], "y": [5]})
    (dot,) = rows(quadrant_spec(positions(), SOLUTION, individual=individual), "individual")
    assert (dot["x"], dot["y"]) == (5.0, 5.0)


def test_the_chosen_item_is_highlighted_and_the_others_are_not():
    items = positions((1, "A", 2, 2, NAN, NAN), (2, "B", 4, 4, NAN, NAN))
    individual = pd.DataFrame({"item_id": [1, 2], "x": [2, 4], "y": [2, 4]})
    spec = quadrant_spec(items, PROBLEM, individual=individual, chosen_id=2)
    assert {r["item_id"]: r["chosen"] for r in rows(spec, "items")} == {1: False, 2: True}
    assert [d["chosen"] for d in rows(spec, "individual")] == [False, True]
    assert rows(quadrant_spec(items, PROBLEM), "items")[1]["chosen"] is False
    encoding = layers(spec, "items")[0]["encoding"]
    assert encoding["strokeWidth"]["condition"]["value"] > encoding["strokeWidth"]["value"]


def test_the_matrix_tooltip_shows_number_text_means_spreads_and_n():
    spec = quadrant_spec(positions((7, "Uklar rollefordeling", 3.24, 4.0, 0.96, NAN)), PROBLEM)
    tooltip = [t["field"] for t in layers(spec, "items")[0]["encoding"]["tooltip"]]
    assert tooltip == ["number", "text", "x_mean", "x_std", "y_mean", "y_std", "n"]
    (item,) = rows(spec, "items")
    shown = (item["number"], item["x_mean"], item["x_std"], item["y_std"], item["n"])
    assert shown == ("7", "3.2", "1.0", "–", 6)


def test_an_empty_matrix_draws_only_the_matrix():
    spec = quadrant_spec(positions(), SOLUTION)
    assert {layer["name"] for layer in spec["layer"]}.isdisjoint({"items", "numbers", "spread", "individual"})
    assert len(rows(spec, "quadrants")) == 4 and len(rows(spec, "midlines")) == 2
    assert svg_size(quadrant_spec(positions(), SOLUTION))[0] > 640  # the axis words render outside the plot


# --- the layout is built once per shape ------------------------------------------------------------


def test_a_new_rating_reuses_the_radar_layout_and_leaves_the_earlier_spec_as_it_was():
    _radar_layout.cache_clear()
    first = radar_spec(profile({"Alle": [3] * 6}), FACTORS)
    second = radar_spec(profile({"Alle": [4] * 6}), FACTORS)
    assert _radar_layout.cache_info().hits == 1 and _radar_layout.cache_info().misses == 1
    assert {p["mean"] for p in rows(first, "points")} == {"3.0"}
    assert {p["mean"] for p in rows(second, "points")} == {"4.0"}
    assert first["layer"] is second["layer"]  # the same layout, each with its own rows


def test_a_new_group_or_language_builds_a_new_radar_layout():
    _radar_layout.cache_clear()
    radar_spec(profile({"Alle": [3] * 6}), FACTORS)
    two = radar_spec(profile({"Medarbejder": [2] * 6, "Leder": [4] * 6}), FACTORS)
    english = radar_spec(profile({"Alle": [3] * 6}), FACTORS, titles={"factor": "Factor"})
    assert _radar_layout.cache_info().misses == 3
    (points,) = layers(two, "points")
    assert points["encoding"]["color"]["scale"]["domain"] == ["Medarbejder", "Leder"]
    assert layers(english, "points")[0]["encoding"]["tooltip"][0]["title"] == "Factor"


def test_the_matrix_layout_is_reused_while_the_items_move_and_the_chosen_one_changes():
    _quadrant_layout.cache_clear()
    before = quadrant_spec(positions((1, "Travlhed", 2.0, 2.0, NAN, NAN)), PROBLEM)
    after = quadrant_spec(positions((1, "Travlhed", 4.0, 3.0, NAN, NAN), (2, "Støj", 1.0, 1.0, NAN, NAN)),
                          PROBLEM, chosen_id=2)
    assert _quadrant_layout.cache_info().misses == 1 and _quadrant_layout.cache_info().hits == 1
    assert [(r["x"], r["y"]) for r in rows(before, "items")] == [(2.0, 2.0)]
    assert [(r["text"], r["chosen"]) for r in rows(after, "items")] == [("Travlhed", False), ("Støj", True)]
    # The numbers on the dots are drawn from the same rows, not a second copy of them.
    assert layers(after, "numbers")[0]["data"] == layers(after, "items")[0]["data"]


def test_a_spec_from_the_cached_layout_renders_the_same_image_as_a_freshly_built_one():
    data = profile({"Medarbejder": [2, 3, 4, 2, 3, 4], "Leder": [4, 4, 3, 5, 2, 3]}, std=0.7)
    _radar_layout.cache_clear()
    fresh = vl_convert.vegalite_to_svg(radar_spec(data, FACTORS))
    radar_spec(profile({"Medarbejder": [1] * 6, "Leder": [5] * 6}), FACTORS)  # another call in between
    assert vl_convert.vegalite_to_svg(radar_spec(data, FACTORS)) == fresh
    assert _radar_layout.cache_info().misses == 1


# --- export ------------------------------------------------------------------------------------


def test_to_png_returns_png_bytes_for_both_chart_kinds():
    for chart in (radar_spec(profile({"Alle": [3] * 6}), FACTORS),
                  quadrant_spec(positions((1, "Æbler på øen å", 2, 2, 1, 1)), PROBLEM)):
        png = to_png(chart, scale=1.0)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000


def test_fea_core_charts_never_imports_streamlit():
    code = "import sys, fea_core.charts; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_thirty_items_on_nearly_the_same_spot_are_drawn_apart_with_lines_back_to_their_places():
    items = positions(*((i, f"Punkt {i}", 2.0 + 0.01 * (i % 5), 2.0 + 0.01 * (i // 5), 0.8, 0.8)
                        for i in range(1, 31)))
    spec = quadrant_spec(items, PROBLEM, chosen_id=3, width=640, height=520, font_size=15)
    shown = rows(spec, "items")
    (ux, uy) = (5 / 640, 5 / 520)  # data units per pixel: the axes run from 0.5 to 5.5
    diameter = math.sqrt(15 * 48 / math.pi) * 2
    for a in shown:
        for b in shown:
            if a["item_id"] < b["item_id"]:
                assert math.hypot((a["x"] - b["x"]) / ux, (a["y"] - b["y"]) / uy) >= diameter, (a, b)
        assert 0.5 <= a["x"] <= 5.5 and 0.5 <= a["y"] <= 5.5
    moved = {(round(r["x2"], 6), round(r["y2"], 6)) for r in rows(spec, "leaders")}
    assert moved and moved <= {(round(a["x"], 6), round(a["y"], 6)) for a in shown}
    assert len(rows(spec, "anchors")) == len(rows(spec, "leaders"))
    # Crowded: only the chosen item's spread is drawn (its three bars per axis).
    assert len(rows(spec, "spread")) == 6


def test_markers_apart_from_each_other_stay_exactly_at_their_means():
    items = positions((1, "A", 2.0, 2.0, 0.5, 0.5), (2, "B", 4.0, 4.0, 0.5, 0.5))
    assert [(r["x"], r["y"]) for r in rows(quadrant_spec(items, PROBLEM), "items")] == [(2.0, 2.0), (4.0, 4.0)]
    assert not layers(quadrant_spec(items, PROBLEM), "leaders")
