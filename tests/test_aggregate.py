"""Tests of fea_core.aggregate: the competence profile, anonymity thresholds and talking points.

Expected numbers are worked out by hand in the comments (sample standard deviation, n - 1),
never by calling pandas the way the code under test does.
"""

from __future__ import annotations

import math
import random
import statistics

import pandas as pd
import pytest

from fea_core.aggregate import (
    ALL_GROUP,
    DISAGREEMENT_STD,
    MIN_GROUP_SIZE,
    PROFILE_COLUMNS,
    competence_summary,
)
from fea_core.method import load_method

NAN = float("nan")
METHOD = load_method("da")
FACTORS = METHOD.factors
KEYS = [f.key for f in FACTORS]
ROLE_LABELS = {r.key: r.label for r in METHOD.roles}
IN, AA, TE, MO, SY, TI = KEYS


def frame(answers: dict[int, tuple[str | None, dict[str, float | None]]]) -> pd.DataFrame:
    """Build ratings rows from {participant_id: (role, {factor: value or None})}."""
    rows = [
        (pid, role, factor, NAN if value is None else float(value))
        for pid, (role, values) in answers.items()
        for factor, value in values.items()
    ]
    return pd.DataFrame(rows, columns=["participant_id", "role", "factor", "value"])


def by_columns(values: dict[str, list[float | None]], roles: list[str | None] | None = None) -> pd.DataFrame:
    """Build ratings rows from one column of answers per factor: participant i gave values[f][i]."""
    count = len(next(iter(values.values())))
    roles = roles or [None] * count
    return frame({i + 1: (roles[i], {f: v[i] for f, v in values.items()}) for i in range(count)})


def summarise(rows: pd.DataFrame, **kwargs):
    return competence_summary(rows, FACTORS, all_label="Alle", role_labels=ROLE_LABELS, **kwargs)


def group(summary, key: str) -> pd.DataFrame:
    return summary.profile[summary.profile["group_key"] == key].set_index("factor")


def close(actual, expected) -> bool:
    """Compare a shown figure with the exact one: it is shown rounded to one decimal."""
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return pd.isna(actual)
    return math.isclose(float(actual), round(expected, 1), rel_tol=1e-12, abs_tol=1e-12)


def same_count(actual, expected) -> bool:
    """Compare a shown count; None means withheld (NA)."""
    return pd.isna(actual) if expected is None else (not pd.isna(actual) and int(actual) == expected)


# Five phones, no roles. Worked out by hand:
#   innovation 1 2 3 4 5       mean 3    squares 4+1+0+1+4 = 10, /4 -> std sqrt(2.5)
#   aabenhed   4 4 4 - -       mean 4    std 0                     n 3, dont know 2
#   teknikker  5 - - - -       one number: withheld, counts too (fea_core.disclosure)
#   motivation - - - - -       mean NaN  std NaN                   n 0, dont know 5 (nothing to reveal)
#   systematik 1 5 1 5 3       mean 3    squares 4+4+4+4+0 = 16, /4 -> std 2
#   tid        2 3 2 3 -       mean 2.5  squares 4 x 0.25 = 1, /3 -> std sqrt(1/3)
_ = None
ROOM = {
    IN: [1, 2, 3, 4, 5],
    AA: [4, 4, 4, _, _],
    TE: [5, _, _, _, _],
    MO: [_, _, _, _, _],
    SY: [1, 5, 1, 5, 3],
    TI: [2, 3, 2, 3, _],
}
EXPECTED = {
    IN: (3.0, math.sqrt(2.5), 5, 0),
    AA: (4.0, 0.0, 3, 2),
    TE: (NAN, NAN, None, None),
    MO: (NAN, NAN, 0, 5),
    SY: (3.0, 2.0, 5, 0),
    TI: (2.5, math.sqrt(1 / 3), 4, 1),
}


def test_the_profile_has_mean_spread_n_and_dont_know_per_factor():
    summary = summarise(by_columns(ROOM))
    room = group(summary, ALL_GROUP)
    assert list(room.index) == KEYS
    for key, (mean, std, n, dont_know) in EXPECTED.items():
        assert close(room.loc[key, "mean"], mean), key
        assert close(room.loc[key, "std"], std), key
        assert same_count(room.loc[key, "n"], n), key
        assert same_count(room.loc[key, "dont_know"], dont_know), key


def test_the_profile_has_the_documented_columns_and_labels():
    summary = summarise(by_columns(ROOM))
    assert list(summary.profile.columns) == PROFILE_COLUMNS
    room = group(summary, ALL_GROUP)
    assert list(room["label"]) == [f.label for f in FACTORS]
    assert set(room["group"]) == {"Alle"}


def test_the_whole_room_comes_first_and_counts_every_respondent():
    summary = summarise(by_columns(ROOM))
    assert summary.profile["group_key"].iloc[0] == ALL_GROUP
    assert summary.respondents == 5


def test_a_phone_that_answered_only_ved_ikke_still_counts_as_a_respondent():
    rows = frame({1: (None, dict.fromkeys(KEYS, 3)), 2: (None, dict.fromkeys(KEYS))})
    summary = summarise(rows)
    assert summary.respondents == 2
    # Two people: nothing of theirs is shown, not even how many said "Ved ikke".
    room = group(summary, ALL_GROUP)
    assert room["n"].isna().all() and room["dont_know"].isna().all() and room["mean"].isna().all()
    assert (room["withheld"] == "few_answers").all()


# --- anonymity -----------------------------------------------------------------------------------


def _roles_room(leaders: int, employees: int, unassigned: int = 0) -> pd.DataFrame:
    answers = {}
    pid = 0
    for role, count, value in (("leder", leaders, 4), ("medarbejder", employees, 2), (None, unassigned, 3)):
        for _ in range(count):
            pid += 1
            answers[pid] = (role, dict.fromkeys(KEYS, value))
    return frame(answers)


def test_a_role_with_two_respondents_is_hidden_and_listed():
    # One unassigned phone besides the two employees: 3 outside the shown group, so the
    # leaders' profile cannot be subtracted down to identifiable answers.
    summary = summarise(_roles_room(leaders=3, employees=2, unassigned=1))
    assert summary.hidden_groups == ("medarbejder",)
    assert list(summary.profile["group_key"].unique()) == [ALL_GROUP, "leder"]


def test_a_role_with_three_respondents_is_shown():
    summary = summarise(_roles_room(leaders=3, employees=3))
    assert summary.hidden_groups == ()
    assert list(summary.profile["group_key"].unique()) == [ALL_GROUP, "leder", "medarbejder"]
    employees = group(summary, "medarbejder")
    assert (employees["mean"] == 2.0).all()
    assert (employees["std"] == 0.0).all()
    assert (employees["n"] == 3).all()
    assert set(employees["group"]) == {ROLE_LABELS["medarbejder"]}


def test_a_hidden_role_still_counts_in_the_whole_room():
    summary = summarise(_roles_room(leaders=3, employees=2))
    room = group(summary, ALL_GROUP)
    # (3 x 4 + 2 x 2) / 5 = 16 / 5
    assert close(room.loc[IN, "mean"], 16 / 5)
    assert room.loc[IN, "n"] == 5
    assert summary.respondents == 5


def test_a_role_nobody_chose_is_neither_shown_nor_listed_as_hidden():
    summary = summarise(_roles_room(leaders=3, employees=0))
    assert "amr" not in summary.hidden_groups
    assert "amr" not in set(summary.profile["group_key"])
    assert summary.hidden_groups == ()


def test_a_single_respondent_in_a_role_is_hidden():
    rows = frame({1: ("tr", dict.fromkeys(KEYS, 5)), 2: (None, dict.fromkeys(KEYS, 1)), 3: (None, dict.fromkeys(KEYS, 1))})
    summary = summarise(rows)
    assert summary.hidden_groups == ("tr",)
    assert set(summary.profile["group_key"]) == {ALL_GROUP}


def test_hidden_groups_are_listed_in_the_methods_role_order():
    rows = frame({
        1: ("anden", dict.fromkeys(KEYS, 3)),
        2: ("amr", dict.fromkeys(KEYS, 3)),
        3: ("leder", dict.fromkeys(KEYS, 3)),
    })
    assert summarise(rows).hidden_groups == ("leder", "amr", "anden")


def test_within_a_shown_role_a_factor_with_fewer_than_three_numbers_has_no_mean():
    # Three leaders: motivation has two numbers and one "Ved ikke"; the rest three numbers.
    rows = frame({
        1: ("leder", {**dict.fromkeys(KEYS, 4), MO: 1}),
        2: ("leder", {**dict.fromkeys(KEYS, 4), MO: 5}),
        3: ("leder", {**dict.fromkeys(KEYS, 4), MO: None}),
    })
    summary = summarise(rows)
    leaders = group(summary, "leder")
    assert pd.isna(leaders.loc[MO, "mean"])
    assert pd.isna(leaders.loc[MO, "std"])
    # Its counts are withheld too: n and "Ved ikke" would say how many of the three gave a number.
    assert pd.isna(leaders.loc[MO, "n"]) and pd.isna(leaders.loc[MO, "dont_know"])
    assert leaders.loc[MO, "withheld"] == "few_answers"
    assert leaders.loc[IN, "mean"] == 4.0
    assert leaders.loc[IN, "n"] == 3


def test_the_min_group_size_can_be_raised():
    summary = summarise(_roles_room(leaders=4, employees=5, unassigned=1), min_group_size=5)
    assert summary.hidden_groups == ("leder",)
    assert list(summary.profile["group_key"].unique()) == [ALL_GROUP, "medarbejder"]


def test_the_default_threshold_is_three():
    assert MIN_GROUP_SIZE == 3


# --- talking points ------------------------------------------------------------------------------


def test_talking_points_are_the_widest_spreads_widest_first():
    # From ROOM: systematik std 2 and innovation std 1.58 disagree; the rest do not.
    assert summarise(by_columns(ROOM)).talking_points == (SY, IN)


def test_there_are_at_most_two_talking_points():
    rows = by_columns({
        IN: [1, 5, 1, 5],   # mean 3, squares 4 x 4 = 16, /3 -> std 2.309
        AA: [1, 3, 1, 3],   # mean 2, squares 4 x 1 = 4,  /3 -> std 1.155
        TE: [1, 4, 1, 4],   # mean 2.5, squares 4 x 2.25 = 9, /3 -> std 1.732
        MO: [3, 3, 3, 3],
        SY: [3, 3, 3, 3],
        TI: [3, 3, 3, 3],
    })
    assert summarise(rows).talking_points == (IN, TE)
    assert summarise(rows, max_talking_points=3).talking_points == (IN, TE, AA)


def test_a_spread_of_exactly_one_is_a_talking_point():
    # 1 2 3: mean 2, squares 1 + 0 + 1 = 2, /2 -> std exactly 1.
    assert DISAGREEMENT_STD == 1.0
    rows = by_columns({IN: [1, 2, 3], AA: [2, 2, 2], TE: [2, 2, 2], MO: [2, 2, 2], SY: [2, 2, 2], TI: [2, 2, 2]})
    assert summarise(rows).talking_points == (IN,)


def test_a_spread_just_below_one_is_not_a_talking_point():
    # 1 2 2 3: mean 2, squares 1 + 0 + 0 + 1 = 2, /3 -> std 0.816.
    rows = by_columns({IN: [1, 2, 2, 3], AA: [2] * 4, TE: [2] * 4, MO: [2] * 4, SY: [2] * 4, TI: [2] * 4})
    assert summarise(rows).talking_points == ()


def test_a_wide_spread_between_only_two_answers_is_not_a_talking_point():
    # 1 5 and three "Ved ikke": std 2.83 but only two numbers.
    rows = by_columns({IN: [1, 5, _, _, _], AA: [3] * 5, TE: [3] * 5, MO: [3] * 5, SY: [3] * 5, TI: [3] * 5})
    summary = summarise(rows)
    assert group(summary, ALL_GROUP).loc[IN, "withheld"] == "few_answers"
    assert summary.talking_points == ()


def test_equal_spreads_keep_the_models_order():
    rows = by_columns({IN: [3] * 4, AA: [3] * 4, TE: [3] * 4, MO: [1, 5, 1, 5], SY: [3] * 4, TI: [1, 5, 1, 5]})
    assert summarise(rows).talking_points == (MO, TI)


def test_talking_points_come_from_the_whole_room_even_with_roles():
    rows = frame({
        1: ("leder", {**dict.fromkeys(KEYS, 3), SY: 1}),
        2: ("leder", {**dict.fromkeys(KEYS, 3), SY: 5}),
        3: ("medarbejder", {**dict.fromkeys(KEYS, 3), SY: 1}),
        4: ("medarbejder", {**dict.fromkeys(KEYS, 3), SY: 5}),
    })
    summary = summarise(rows)
    assert summary.hidden_groups == ("leder", "medarbejder")
    assert summary.talking_points == (SY,)


# --- edge cases ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "object"])
def test_no_answers_give_six_empty_rows_for_the_whole_room(dtype):
    rows = pd.DataFrame(
        {
            "participant_id": pd.Series([], dtype="int64"),
            "role": pd.Series([], dtype="object"),
            "factor": pd.Series([], dtype="object"),
            "value": pd.Series([], dtype=dtype),
        }
    )
    summary = summarise(rows)
    assert len(summary.profile) == 6
    assert list(summary.profile["factor"]) == KEYS
    assert set(summary.profile["group_key"]) == {ALL_GROUP}
    assert summary.profile["mean"].isna().all()
    assert summary.profile["std"].isna().all()
    assert (summary.profile["n"] == 0).all()
    assert (summary.profile["dont_know"] == 0).all()
    assert summary.respondents == 0
    assert summary.hidden_groups == ()
    assert summary.talking_points == ()


def test_no_answers_from_the_database_give_six_empty_rows(fresh_store, competence_workshop):
    from fea_core.competence import rating_rows

    summary = summarise(rating_rows(fresh_store, competence_workshop.id))
    assert len(summary.profile) == 6
    assert summary.profile["mean"].isna().all()
    assert pd.api.types.is_float_dtype(summary.profile["mean"])
    assert (summary.profile["n"] == 0).all()


def test_the_summary_of_stored_answers_matches_the_hand_worked_room(room):
    # The same five phones as ROOM, through the database this time.
    for i in range(5):
        phone = room.join()
        room.rate(phone, **{key: ROOM[key][i] for key in KEYS})
    from fea_core.competence import rating_rows

    summary = summarise(rating_rows(room.store, room.workshop.id))
    whole = group(summary, ALL_GROUP)
    for key, (mean, std, n, dont_know) in EXPECTED.items():
        assert close(whole.loc[key, "mean"], mean), key
        assert close(whole.loc[key, "std"], std), key
        assert same_count(whole.loc[key, "n"], n) and same_count(whole.loc[key, "dont_know"], dont_know), key
    assert summary.talking_points == (SY, IN)


def test_ten_thousand_rows_summarise_without_error():
    rng = random.Random(20250314)
    roles = list(ROLE_LABELS) + [None]
    full_phones, rest = divmod(10_000, len(KEYS))  # 1666 phones answer all six, one answers four
    answers = {
        pid: (rng.choice(roles), {k: rng.choice([1, 2, 3, 4, 5, None]) for k in KEYS})
        for pid in range(1, full_phones + 2)
    }
    last_role, last_values = answers[full_phones + 1]
    answers[full_phones + 1] = (last_role, {k: last_values[k] for k in KEYS[:rest]})
    rows = frame(answers)
    assert len(rows) == 10_000

    summary = summarise(rows)

    whole = group(summary, ALL_GROUP)
    assert summary.respondents == full_phones + 1
    assert int(whole["n"].sum() + whole["dont_know"].sum()) == 10_000
    for key in KEYS:
        numbers = [values[key] for _, values in answers.values() if values.get(key) is not None]
        assert whole.loc[key, "n"] == len(numbers)
        assert close(whole.loc[key, "mean"], statistics.fmean(numbers))
        assert close(whole.loc[key, "std"], statistics.stdev(numbers))
    assert set(summary.profile["group_key"]) == {ALL_GROUP, *ROLE_LABELS}


def test_groups_are_withheld_when_the_rest_of_the_room_could_be_worked_out_by_subtraction():
    from fea_core.aggregate import competence_summary
    from fea_core.method import Factor

    factors = [Factor("a", "A", 0)]
    # Three leaders and one employee: room mean minus the leaders' mean reveals the employee.
    rows = pd.DataFrame(
        [(1, "leder", "a", 4.0), (2, "leder", "a", 5.0), (3, "leder", "a", 4.0), (4, "medarbejder", "a", 1.0)],
        columns=["participant_id", "role", "factor", "value"],
    )
    summary = competence_summary(rows, factors, all_label="Alle", role_labels={"leder": "Leder", "medarbejder": "Medarbejder"})
    assert summary.breakdown_withheld is True
    assert set(summary.profile["group_key"]) == {"all"}

    # With three employees the remainder is large enough and both groups are shown.
    more = pd.concat(
        [rows, pd.DataFrame([(5, "medarbejder", "a", 2.0), (6, "medarbejder", "a", 3.0)], columns=rows.columns)]
    )
    summary = competence_summary(more, factors, all_label="Alle", role_labels={"leder": "Leder", "medarbejder": "Medarbejder"})
    assert summary.breakdown_withheld is False
    assert set(summary.profile["group_key"]) == {"all", "leder", "medarbejder"}
