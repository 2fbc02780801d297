"""Tests of fea_core.workshops: join codes, creating workshops, and steering what the room does."""

from __future__ import annotations

from datetime import date

import pytest

from fea_core import workshops
from fea_core.errors import InvalidText
from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_PROBLEMS, ACTIVITY_TALK, ACTIVITY_WELCOME
from fea_core.workshops import (
    JOIN_ALPHABET,
    JOIN_CODE_LENGTH,
    NAME_MAX,
    THEME_MAX,
    count_workshops,
    create_workshop,
    end_workshop,
    find_by_code,
    get_workshop,
    list_workshops,
    live_counters,
    move_step,
    new_join_code,
    normalize_code,
    reopen_workshop,
    set_activity,
    set_activity_open,
    set_results_visible,
)

# Services that write: run against both databases (PostgreSQL when several processes share one).
pytestmark = pytest.mark.databases("sqlite", "postgresql")


def new(store, **overrides):
    """Create a workshop with sensible defaults."""
    values = dict(
        name="Temadag", department="Afdeling", held_on=date(2025, 3, 14), theme="Stress", language="da", owner="anne"
    )
    values.update(overrides)
    return create_workshop(store, **values)


# --- join codes ----------------------------------------------------------------------------------


def test_the_join_alphabet_has_no_characters_that_read_alike():
    for ambiguous in "0O1IL":
        assert ambiguous not in JOIN_ALPHABET
    assert JOIN_ALPHABET == JOIN_ALPHABET.upper()
    assert len(set(JOIN_ALPHABET)) == len(JOIN_ALPHABET)


def test_join_codes_use_only_the_unambiguous_alphabet_and_the_configured_length():
    codes = [new_join_code() for _ in range(2000)]
    for code in codes:
        assert len(code) == JOIN_CODE_LENGTH
        assert set(code) <= set(JOIN_ALPHABET), code
    assert len(set(codes)) > 1990  # random, not a counter or a constant


def test_a_created_workshop_gets_a_code_from_the_alphabet(fresh_store):
    for n in range(20):
        ws = new(fresh_store, name=f"W{n}")
        assert len(ws.code) == JOIN_CODE_LENGTH
        assert set(ws.code) <= set(JOIN_ALPHABET)


def test_workshops_get_distinct_codes(fresh_store):
    codes = {new(fresh_store, name=f"W{n}").code for n in range(30)}
    assert len(codes) == 30


def test_a_code_already_taken_is_never_handed_out_again(fresh_store, monkeypatch):
    draws = iter(["AAAAAA", "AAAAAA", "AAAAAA", "BBBBBB"])
    monkeypatch.setattr(workshops, "new_join_code", lambda: next(draws))
    first = new(fresh_store, name="Først")
    second = new(fresh_store, name="Anden")
    assert (first.code, second.code) == ("AAAAAA", "BBBBBB")
    assert count_workshops(fresh_store) == 2


def test_creating_gives_up_when_no_free_code_is_found(fresh_store, monkeypatch):
    monkeypatch.setattr(workshops, "new_join_code", lambda: "AAAAAA")
    new(fresh_store)
    with pytest.raises(RuntimeError):
        new(fresh_store)
    assert count_workshops(fresh_store) == 1


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("KQ7M3P", "KQ7M3P"),
        ("kq7m3p", "KQ7M3P"),
        ("kq7 m3p", "KQ7M3P"),
        ("KQ7-M3P", "KQ7M3P"),
        ("  kq7 - m3p \n", "KQ7M3P"),
        ("k-q-7 m-3-p", "KQ7M3P"),
        ("", ""),
        ("---", ""),
    ],
)
def test_normalize_code_upper_cases_and_drops_spaces_and_dashes(typed, expected):
    assert normalize_code(typed) == expected


def test_normalize_code_never_returns_a_very_long_string():
    assert len(normalize_code("A" * 10_000)) <= 32


def test_find_by_code_accepts_the_code_as_typed(fresh_store, workshop):
    code = workshop.code
    for typed in (code, code.lower(), f" {code[:3]}-{code[3:]} ", f"{code[:3].lower()} {code[3:]}"):
        assert find_by_code(fresh_store, typed) == workshop


def test_find_by_code_returns_none_for_an_unknown_or_empty_code(fresh_store, workshop):
    assert find_by_code(fresh_store, "ZZZZZZ" if workshop.code != "ZZZZZZ" else "YYYYYY") is None
    assert find_by_code(fresh_store, "") is None
    assert find_by_code(fresh_store, "   ") is None


def test_get_workshop_returns_none_for_an_unknown_id(fresh_store):
    assert get_workshop(fresh_store, 12345) is None


# --- creating ------------------------------------------------------------------------------------


def test_a_new_workshop_starts_at_the_open_welcome_screen_with_results_hidden(fresh_store, workshop):
    assert workshop.activity == ACTIVITY_WELCOME
    assert workshop.activity_open is True
    assert workshop.results_visible is False
    assert workshop.is_ended is False
    assert workshop.ended_at is None
    assert (workshop.revision, workshop.stage) == (0, 0)


def test_a_new_workshop_keeps_what_the_facilitator_typed(fresh_store, workshop):
    assert workshop.name == "Temadag om psykisk arbejdsmiljø"
    assert workshop.department == "Hjemmeplejen Nord"
    assert workshop.held_on == date(2025, 3, 14)
    assert workshop.theme == "Stress og arbejdspres"
    assert workshop.language == "da"
    assert workshop.owner == "anne"
    assert get_workshop(fresh_store, workshop.id) == workshop


def test_creating_cleans_the_texts(fresh_store):
    ws = new(fresh_store, name="  Temadag \t  om\nstress\u202e ", department=" Nord ", theme="Stress\x00")
    assert (ws.name, ws.department, ws.theme) == ("Temadag om stress", "Nord", "Stress")


@pytest.mark.parametrize("field", ["name", "department", "theme"])
@pytest.mark.parametrize("value", ["", "   ", "\n\t", "\x00\u202e"])
def test_creating_with_an_empty_text_raises_invalid_text_with_reason_empty(fresh_store, field, value):
    with pytest.raises(InvalidText) as raised:
        new(fresh_store, **{field: value})
    assert raised.value.params["reason"] == "empty"
    assert count_workshops(fresh_store) == 0


@pytest.mark.parametrize("field, limit", [("name", NAME_MAX), ("department", NAME_MAX), ("theme", THEME_MAX)])
def test_creating_with_a_too_long_text_raises_invalid_text_with_the_limit(fresh_store, field, limit):
    new(fresh_store, **{field: "x" * limit})  # exactly at the limit is fine
    with pytest.raises(InvalidText) as raised:
        new(fresh_store, **{field: "x" * (limit + 1)})
    assert raised.value.params["reason"] == "too_long"
    assert raised.value.params["limit"] == limit
    assert count_workshops(fresh_store) == 1


def test_creating_with_a_non_text_name_raises_invalid_text(fresh_store):
    with pytest.raises(InvalidText) as raised:
        new(fresh_store, name=None)
    assert raised.value.params["reason"] == "not_text"


def test_creating_without_a_real_date_raises_invalid_text(fresh_store):
    with pytest.raises(InvalidText) as raised:
        new(fresh_store, held_on="2025-03-14")
    assert raised.value.params["reason"] == "not_a_date"
    assert count_workshops(fresh_store) == 0


def test_creating_in_an_unknown_language_is_refused(fresh_store):
    with pytest.raises(ValueError):
        new(fresh_store, language="de")
    assert count_workshops(fresh_store) == 0


def test_english_workshops_can_be_created(fresh_store):
    assert new(fresh_store, language="en").language == "en"


# --- steering ------------------------------------------------------------------------------------


def test_set_activity_bumps_stage_and_reopens_the_round_and_hides_results(fresh_store, workshop):
    set_activity_open(fresh_store, workshop.id, False)
    before = set_results_visible(fresh_store, workshop.id, True)
    assert (before.activity_open, before.results_visible) == (False, True)

    after = set_activity(fresh_store, workshop.id, ACTIVITY_COMPETENCE)
    assert after.activity == ACTIVITY_COMPETENCE
    assert after.activity_open is True
    assert after.results_visible is False
    assert after.stage == before.stage + 1
    assert after.revision == before.revision + 1


def test_setting_the_same_activity_again_still_reopens_it(fresh_store, competence_workshop):
    set_activity_open(fresh_store, competence_workshop.id, False)
    again = set_activity(fresh_store, competence_workshop.id, ACTIVITY_COMPETENCE)
    assert again.activity_open is True


def test_set_activity_refuses_an_unknown_activity_and_changes_nothing(fresh_store, workshop):
    with pytest.raises(ValueError):
        set_activity(fresh_store, workshop.id, "karaoke")
    assert get_workshop(fresh_store, workshop.id) == workshop


def test_a_move_from_the_step_the_room_is_on_goes_there_like_set_activity(fresh_store, workshop):
    closed = set_results_visible(fresh_store, workshop.id, True)
    moved = move_step(fresh_store, workshop.id, ACTIVITY_WELCOME, ACTIVITY_TALK)
    assert moved.activity == ACTIVITY_TALK
    assert (moved.activity_open, moved.results_visible) == (True, False)
    assert (moved.stage, moved.revision) == (closed.stage + 1, closed.revision + 1)


def test_a_move_from_a_step_the_room_has_left_changes_nothing(fresh_store, workshop):
    # The view was drawn at welcome; meanwhile another tab moved the room on to competence.
    now = set_activity(fresh_store, workshop.id, ACTIVITY_COMPETENCE)
    # A stale "go back to the talk" and a stale "next" (a double click) both do nothing,
    # and the phones are not woken: neither counter moves.
    assert move_step(fresh_store, workshop.id, ACTIVITY_TALK, ACTIVITY_WELCOME) is None
    assert move_step(fresh_store, workshop.id, ACTIVITY_WELCOME, ACTIVITY_TALK) is None
    assert get_workshop(fresh_store, workshop.id) == now


def test_a_double_click_on_next_moves_the_room_one_step(fresh_store, workshop):
    first = move_step(fresh_store, workshop.id, ACTIVITY_WELCOME, ACTIVITY_TALK)
    assert move_step(fresh_store, workshop.id, ACTIVITY_WELCOME, ACTIVITY_TALK) is None
    assert get_workshop(fresh_store, workshop.id) == first


def test_a_move_to_the_same_or_an_unknown_step_changes_nothing(fresh_store, workshop):
    assert move_step(fresh_store, workshop.id, ACTIVITY_WELCOME, ACTIVITY_WELCOME) is None
    with pytest.raises(ValueError):
        move_step(fresh_store, workshop.id, ACTIVITY_WELCOME, "karaoke")
    with pytest.raises(ValueError):
        move_step(fresh_store, workshop.id, ACTIVITY_WELCOME, "<b>problems</b>")
    assert get_workshop(fresh_store, workshop.id) == workshop
    assert move_step(fresh_store, workshop.id, ACTIVITY_WELCOME, ACTIVITY_PROBLEMS).activity == ACTIVITY_PROBLEMS


def test_closing_and_opening_the_round_bumps_stage(fresh_store, competence_workshop):
    closed = set_activity_open(fresh_store, competence_workshop.id, False)
    assert closed.activity_open is False
    assert closed.activity == ACTIVITY_COMPETENCE
    assert (closed.stage, closed.revision) == (competence_workshop.stage + 1, competence_workshop.revision + 1)
    reopened = set_activity_open(fresh_store, competence_workshop.id, True)
    assert reopened.activity_open is True
    assert reopened.stage == closed.stage + 1


def test_set_results_visible_bumps_the_revision_but_not_the_stage(fresh_store, workshop):
    shown = set_results_visible(fresh_store, workshop.id, True)
    assert shown.results_visible is True
    assert shown.stage == workshop.stage
    assert shown.revision == workshop.revision + 1
    hidden = set_results_visible(fresh_store, workshop.id, False)
    assert hidden.results_visible is False
    assert hidden.stage == workshop.stage
    assert hidden.revision == workshop.revision + 2


def test_end_workshop_marks_it_ended_and_closes_the_round(fresh_store, competence_workshop):
    ended = end_workshop(fresh_store, competence_workshop.id)
    assert ended.is_ended
    assert ended.ended_at is not None
    assert ended.activity_open is False
    assert ended.stage == competence_workshop.stage + 1
    assert ended.revision == competence_workshop.revision + 1


def test_reopen_workshop_undoes_ending_it(fresh_store, workshop):
    end_workshop(fresh_store, workshop.id)
    reopened = reopen_workshop(fresh_store, workshop.id)
    assert not reopened.is_ended
    assert reopened.ended_at is None
    assert reopened.code == workshop.code
    assert find_by_code(fresh_store, workshop.code) == reopened


def test_live_counters_follow_stage_and_revision(fresh_store, workshop):
    assert live_counters(fresh_store, workshop.id) == (0, 0)
    set_results_visible(fresh_store, workshop.id, True)
    assert live_counters(fresh_store, workshop.id) == (0, 1)
    set_activity(fresh_store, workshop.id, ACTIVITY_COMPETENCE)
    assert live_counters(fresh_store, workshop.id) == (1, 2)


def test_live_counters_return_none_for_an_unknown_workshop(fresh_store):
    assert live_counters(fresh_store, 987_654) is None


# --- listing -------------------------------------------------------------------------------------


def accounts_for(store, *usernames):
    """Active accounts for these usernames (list_workshops lists nothing for an account that is not)."""
    from fea_core import schema
    from fea_core.storage import utcnow

    with store.write() as conn:
        for username in usernames:
            conn.execute(schema.facilitators.insert().values(username=username, name=username, password_hash="!",
                                                             created_at=utcnow()))


def test_list_workshops_returns_only_the_owners_workshops(fresh_store):
    accounts_for(fresh_store, "anne", "bo")
    mine = [new(fresh_store, name=f"Anne {n}", owner="anne") for n in range(3)]
    theirs = new(fresh_store, name="Bo", owner="bo")
    listed = list_workshops(fresh_store, "anne")
    assert {w.id for w in listed} == {w.id for w in mine}
    assert [w.id for w in list_workshops(fresh_store, "bo")] == [theirs.id]
    assert list_workshops(fresh_store, "nobody") == []


def test_a_deactivated_account_lists_no_workshops_not_even_its_own(fresh_store):
    from sqlalchemy import update

    from fea_core import schema

    accounts_for(fresh_store, "anne")
    new(fresh_store, name="Annes", owner="anne")
    with fresh_store.write() as conn:
        conn.execute(update(schema.facilitators).where(schema.facilitators.c.username == "anne").values(active=False))
    assert list_workshops(fresh_store, "anne") == []


def test_list_workshops_puts_the_newest_day_first(fresh_store):
    accounts_for(fresh_store, "anne")
    old = new(fresh_store, name="Gammel", held_on=date(2024, 1, 5))
    future = new(fresh_store, name="Fremtid", held_on=date(2026, 9, 1))
    middle = new(fresh_store, name="Midt", held_on=date(2025, 6, 1))
    same_day = new(fresh_store, name="Samme dag", held_on=date(2025, 6, 1))
    assert [w.id for w in list_workshops(fresh_store, "anne")] == [future.id, same_day.id, middle.id, old.id]


def test_count_workshops_counts_every_owner(fresh_store):
    assert count_workshops(fresh_store) == 0
    new(fresh_store, owner="anne")
    new(fresh_store, owner="bo")
    assert count_workshops(fresh_store) == 2
