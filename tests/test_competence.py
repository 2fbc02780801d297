"""Tests of fea_core.competence: the round where each phone rates the six factors 1-5 or "Ved ikke"."""

from __future__ import annotations

import math

import pytest

from fea_core import competence
from fea_core.competence import DONT_KNOW, factor_keys, my_ratings, rating_rows, submit_ratings, validate_answers
from fea_core.errors import InvalidRating, MissingAnswers, NotThisActivity, RoundClosed
from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_WELCOME
from fea_core.participation import join
from fea_core.workshops import (
    create_workshop,
    end_workshop,
    get_workshop,
    reopen_workshop,
    set_activity,
    set_activity_open,
)

# Services that write: run against both databases (PostgreSQL when several processes share one).
pytestmark = pytest.mark.databases("sqlite", "postgresql")

FACTORS = ("innovation", "aabenhed", "teknikker_og_viden", "motivation", "systematik", "tid_og_ressourcer")


def test_the_round_asks_about_the_six_factors_in_the_models_order():
    assert factor_keys() == FACTORS


def test_ved_ikke_is_stored_as_none():
    assert DONT_KNOW is None


# --- when answers are taken ----------------------------------------------------------------------


def test_answers_are_saved_while_the_round_is_open(room):
    phone = room.join()
    room.rate(phone, 4, motivation=2)
    assert my_ratings(room.store, phone) == {**dict.fromkeys(FACTORS, 4), "motivation": 2}


def test_submitting_while_the_room_is_at_the_welcome_screen_raises_not_this_activity(fresh_store, workshop, answers):
    _, phone = join(fresh_store, workshop.code)
    with pytest.raises(NotThisActivity) as raised:
        submit_ratings(fresh_store, phone, answers(3))
    assert raised.value.params["activity"] == ACTIVITY_WELCOME
    assert my_ratings(fresh_store, phone) == {}
    assert get_workshop(fresh_store, workshop.id).revision == workshop.revision + 1  # only the join


def test_submitting_after_the_room_moved_back_to_welcome_raises_not_this_activity(room, answers):
    phone = room.join()
    room.rate(phone, 2)
    set_activity(room.store, room.workshop.id, ACTIVITY_WELCOME)
    with pytest.raises(NotThisActivity):
        submit_ratings(room.store, phone, answers(5))
    assert my_ratings(room.store, phone) == dict.fromkeys(FACTORS, 2)


def test_a_closed_round_rejects_new_ratings_and_keeps_the_earlier_ones(room, answers):
    phone = room.join()
    room.rate(phone, 4, aabenhed=None)
    earlier = my_ratings(room.store, phone)
    closed = set_activity_open(room.store, room.workshop.id, False)
    with pytest.raises(RoundClosed):
        submit_ratings(room.store, phone, answers(1))
    assert my_ratings(room.store, phone) == earlier
    assert get_workshop(room.store, room.workshop.id).revision == closed.revision


def test_a_closed_round_rejects_a_first_answer_too(room, answers):
    phone = room.join()
    set_activity_open(room.store, room.workshop.id, False)
    with pytest.raises(RoundClosed):
        submit_ratings(room.store, phone, answers(3))
    assert my_ratings(room.store, phone) == {}


def test_an_ended_workshop_rejects_ratings(room, answers):
    phone = room.join()
    room.rate(phone, 3)
    end_workshop(room.store, room.workshop.id)
    with pytest.raises(RoundClosed):
        submit_ratings(room.store, phone, answers(5))
    assert my_ratings(room.store, phone) == dict.fromkeys(FACTORS, 3)


def test_an_ended_then_reopened_workshop_takes_ratings_once_the_round_is_reopened(room, answers):
    phone = room.join()
    end_workshop(room.store, room.workshop.id)
    reopen_workshop(room.store, room.workshop.id)
    set_activity_open(room.store, room.workshop.id, True)
    submit_ratings(room.store, phone, answers(5))
    assert my_ratings(room.store, phone) == dict.fromkeys(FACTORS, 5)


def test_a_reopened_round_takes_changed_answers(room, answers):
    phone = room.join()
    room.rate(phone, 3)
    set_activity_open(room.store, room.workshop.id, False)
    set_activity_open(room.store, room.workshop.id, True)
    submit_ratings(room.store, phone, answers(5))
    assert my_ratings(room.store, phone) == dict.fromkeys(FACTORS, 5)


def _facilitator_acts_mid_submit(monkeypatch, action):
    # The phone has checked its answers and is about to write; the facilitator acts first.
    real_validate = competence.validate_answers

    def validate_then_act(answers):
        checked = real_validate(answers)
        action()
        return checked

    monkeypatch.setattr(competence, "validate_answers", validate_then_act)


def test_a_round_closed_while_the_phone_was_submitting_saves_nothing(room, answers, monkeypatch):
    phone = room.join()
    _facilitator_acts_mid_submit(monkeypatch, lambda: set_activity_open(room.store, room.workshop.id, False))
    with pytest.raises(RoundClosed):
        submit_ratings(room.store, phone, answers(4))
    assert my_ratings(room.store, phone) == {}


def test_a_room_that_moved_on_while_the_phone_was_submitting_saves_nothing(room, answers, monkeypatch):
    # Moving on opens the next activity, so "is it open?" alone would let this through.
    phone = room.join()
    _facilitator_acts_mid_submit(monkeypatch, lambda: set_activity(room.store, room.workshop.id, ACTIVITY_WELCOME))
    with pytest.raises(NotThisActivity):
        submit_ratings(room.store, phone, answers(4))
    assert my_ratings(room.store, phone) == {}


# --- what counts as a complete, valid answer -----------------------------------------------------


def test_missing_factors_raise_missing_answers_listing_them_in_the_models_order(room, answers):
    phone = room.join()
    partial = answers(3)
    del partial["systematik"], partial["innovation"]
    with pytest.raises(MissingAnswers) as raised:
        submit_ratings(room.store, phone, partial)
    assert raised.value.params["factors"] == ["innovation", "systematik"]
    assert my_ratings(room.store, phone) == {}


def test_no_answers_at_all_raise_missing_answers_for_all_six(room):
    phone = room.join()
    with pytest.raises(MissingAnswers) as raised:
        submit_ratings(room.store, phone, {})
    assert raised.value.params["factors"] == list(FACTORS)


def test_a_missing_answer_is_reported_even_when_the_round_is_closed(room, answers):
    # Validation comes first: the phone learns what is wrong with its form, not only the round.
    phone = room.join()
    set_activity_open(room.store, room.workshop.id, False)
    partial = answers(3)
    del partial["motivation"]
    with pytest.raises(MissingAnswers):
        submit_ratings(room.store, phone, partial)


@pytest.mark.parametrize(
    "value",
    [0, 6, -1, 100, "3", 3.5, 3.0, True, False, "Ved ikke", "", [3], float("nan")],
    ids=repr,
)
def test_a_value_outside_one_to_five_raises_invalid_rating(room, answers, value):
    phone = room.join()
    room.rate(phone, 2)
    with pytest.raises(InvalidRating) as raised:
        submit_ratings(room.store, phone, answers(3, motivation=value))
    assert raised.value.params["factors"] == ["motivation"]
    assert my_ratings(room.store, phone) == dict.fromkeys(FACTORS, 2)


def test_an_unknown_factor_raises_invalid_rating(room, answers):
    phone = room.join()
    with pytest.raises(InvalidRating) as raised:
        submit_ratings(room.store, phone, {**answers(3), "humor": 5})
    assert raised.value.params["factors"] == ["humor"]
    assert my_ratings(room.store, phone) == {}


@pytest.mark.parametrize("value", [1, 2, 3, 4, 5, None])
def test_every_value_on_the_scale_and_ved_ikke_is_accepted(room, answers, value):
    phone = room.join()
    submit_ratings(room.store, phone, answers(value))
    assert my_ratings(room.store, phone) == dict.fromkeys(FACTORS, value)


def test_validate_answers_returns_them_in_the_models_order(answers):
    shuffled = dict(reversed(list(answers(3, innovation=1).items())))
    assert list(validate_answers(shuffled)) == list(FACTORS)
    assert validate_answers(shuffled)["innovation"] == 1


# --- what is stored ------------------------------------------------------------------------------


def test_ved_ikke_is_stored_and_comes_back_as_none(room):
    phone = room.join()
    room.rate(phone, 4, aabenhed=None, systematik=None)
    saved = my_ratings(room.store, phone)
    assert saved["aabenhed"] is None
    assert saved["systematik"] is None
    assert saved["innovation"] == 4
    assert set(saved) == set(FACTORS)


def test_a_double_submit_replaces_the_answers(room):
    phone = room.join()
    room.rate(phone, 2)
    room.rate(phone, 5, tid_og_ressourcer=None)
    rows = rating_rows(room.store, room.workshop.id)
    assert len(rows) == 6
    assert (rows["participant_id"] == phone.id).all()
    assert my_ratings(room.store, phone) == {**dict.fromkeys(FACTORS, 5), "tid_og_ressourcer": None}


def test_respondents_are_counted_once_per_phone_however_often_they_submit(room):
    first, second, silent = room.join(), room.join(), room.join()
    assert competence.count_respondents(room.store, room.workshop.id) == 0
    room.rate(first, 2)
    room.rate(first, 4, motivation=None)  # a second submit is the same person
    room.rate(second, 5)
    assert competence.count_respondents(room.store, room.workshop.id) == 2
    assert silent.id not in set(rating_rows(room.store, room.workshop.id)["participant_id"])


def test_a_submit_bumps_the_revision_by_one_and_not_the_stage(room):
    phone = room.join()
    before = get_workshop(room.store, room.workshop.id)
    room.rate(phone, 3)
    after = get_workshop(room.store, room.workshop.id)
    assert (after.revision, after.stage) == (before.revision + 1, before.stage)


def test_phones_do_not_overwrite_each_other(room):
    first, second = room.join(), room.join()
    room.rate(first, 1)
    room.rate(second, 5)
    room.rate(first, 2)
    assert my_ratings(room.store, first) == dict.fromkeys(FACTORS, 2)
    assert my_ratings(room.store, second) == dict.fromkeys(FACTORS, 5)


def test_my_ratings_is_empty_before_answering(room):
    assert my_ratings(room.store, room.join()) == {}


def test_rating_rows_returns_nan_for_ved_ikke_and_the_phones_role(room):
    leader = room.join(role="leder")
    anonymous = room.join()
    room.rate(leader, 4, motivation=None)
    room.rate(anonymous, 2)
    rows = rating_rows(room.store, room.workshop.id)
    assert list(rows.columns) == ["participant_id", "role", "factor", "value", "version"]
    assert rows["value"].dtype == "float64"
    # One version per submission: the disclosure rule tells a replaced answer from the first.
    assert rows.groupby("participant_id")["version"].nunique().max() == 1
    assert len(rows) == 12
    by_key = {(r.participant_id, r.factor): r for r in rows.itertuples()}
    assert math.isnan(by_key[(leader.id, "motivation")].value)
    assert by_key[(leader.id, "innovation")].value == 4.0
    assert by_key[(anonymous.id, "innovation")].value == 2.0
    assert by_key[(leader.id, "innovation")].role == "leder"
    assert by_key[(anonymous.id, "innovation")].role is None or math.isnan(by_key[(anonymous.id, "innovation")].role)
    assert rows["value"].isna().sum() == 1


def test_rating_rows_keep_to_one_workshop(fresh_store, room):
    other = create_workshop(
        fresh_store, name="Anden", department="Køkkenet", held_on=room.workshop.held_on,
        theme="Tema", language="da", owner="bo",
    )
    set_activity(fresh_store, other.id, ACTIVITY_COMPETENCE)
    room.rate(room.join(), 3)
    _, elsewhere = join(fresh_store, other.code)
    submit_ratings(fresh_store, elsewhere, dict.fromkeys(FACTORS, 1))
    rows = rating_rows(fresh_store, room.workshop.id)
    assert len(rows) == 6
    assert (rows["value"] == 3.0).all()


def test_rating_rows_of_a_workshop_without_answers_is_an_empty_frame(room):
    room.join()
    rows = rating_rows(room.store, room.workshop.id)
    assert rows.empty
    assert list(rows.columns) == ["participant_id", "role", "factor", "value", "version"]
    assert rows["value"].dtype == "float64"
