"""The competence rated again in a forløb: before and now, the change per factor, n each time."""

from __future__ import annotations

import math

import pandas as pd

from fea_core.charts import radar_spec
from fea_core.competence_change import competence_change
from fea_core.method import load_method

FACTORS = load_method("da").factors
KEYS = [f.key for f in FACTORS]


def rows(people: int, value: float, start: int = 1, **per_factor) -> pd.DataFrame:
    """Ratings of ``people`` participants: every factor ``value`` unless given per factor (None = Ved ikke)."""
    data = [
        {"participant_id": p, "role": None, "factor": k, "value": per_factor.get(k, value)}
        for p in range(start, start + people) for k in KEYS
    ]
    frame = pd.DataFrame(data, columns=["participant_id", "role", "factor", "value"])
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    return frame


def compare(before, now):
    return competence_change(before, now, FACTORS, before_label="Før (14.03.2025)", now_label="Nu (03.11.2025)")


def test_the_change_per_factor_is_now_minus_before_with_n_each_time():
    change = compare(rows(4, 2.0, aabenhed=3.0), rows(5, 3.0, start=10, aabenhed=4.5))
    table = change.table.set_index("factor")
    assert table.loc["aabenhed", "mean_before"] == 3.0 and table.loc["aabenhed", "mean_now"] == 4.5
    assert table.loc["aabenhed", "change"] == 1.5
    assert table.loc["motivation", "change"] == 1.0
    assert (table["n_before"] == 4).all() and (table["n_now"] == 5).all()
    assert (change.respondents_before, change.respondents_now) == (4, 5)
    assert list(change.table["label"]) == [f.label for f in FACTORS]


def test_both_times_are_drawn_as_two_profiles_on_the_radar():
    change = compare(rows(3, 2.0), rows(3, 4.0, start=10))
    assert list(dict.fromkeys(change.profile["group"])) == ["Før (14.03.2025)", "Nu (03.11.2025)"]
    spec = radar_spec(change.profile, FACTORS)
    points = next(layer for layer in spec["layer"] if layer.get("name") == "points")
    groups = {row["group"] for row in spec["datasets"][points["data"]["name"]]}
    assert groups == {"Før (14.03.2025)", "Nu (03.11.2025)"}


def test_a_time_with_fewer_than_three_answers_is_not_drawn_and_has_no_change():
    change = compare(rows(2, 2.0), rows(6, 4.0, start=10))
    assert not change.before_shown and change.now_shown
    assert set(change.profile["group_key"]) == {"now"}
    assert change.table["mean_before"].isna().all() and change.table["change"].isna().all()
    assert (change.table["n_before"] == 2).all()  # how many answered is still told


def test_a_factor_with_fewer_than_three_numbers_has_no_mean_that_time():
    change = compare(rows(4, 3.0, innovation=None), rows(4, 4.0, start=10))
    table = change.table.set_index("factor")
    assert math.isnan(table.loc["innovation", "mean_before"]) and math.isnan(table.loc["innovation", "change"])
    assert table.loc["innovation", "n_before"] == 0
    assert table.loc["systematik", "change"] == 1.0


def test_no_answers_at_all_gives_an_empty_profile():
    change = compare(rows(0, 3.0), rows(0, 3.0))
    assert len(change.profile) == 0 and change.respondents_now == 0
