"""Tests of fea_core.participation: joining with a code, coming back with a token, choosing a group."""

from __future__ import annotations

import pytest

from fea_core.errors import InvalidRole, UnknownJoinCode, UnknownParticipant, WorkshopEnded
from fea_core.method import load_method
from fea_core.participation import count_participants, join, resume, set_role
from fea_core.workshops import create_workshop, end_workshop, get_workshop, reopen_workshop

# Services that write: run against both databases (PostgreSQL when several processes share one).
pytestmark = pytest.mark.databases("sqlite", "postgresql")

ROLE_KEYS = [r.key for r in load_method().roles]


def test_joining_with_the_code_adds_an_anonymous_participant(fresh_store, workshop):
    joined_workshop, participant = join(fresh_store, workshop.code)
    assert joined_workshop.id == workshop.id
    assert participant.workshop_id == workshop.id
    assert participant.role is None
    assert count_participants(fresh_store, workshop.id) == 1


def test_joining_accepts_the_code_as_typed(fresh_store, workshop):
    typed = f" {workshop.code[:3].lower()}-{workshop.code[3:].lower()} "
    joined_workshop, _ = join(fresh_store, typed)
    assert joined_workshop.id == workshop.id


def test_joining_bumps_the_revision_but_not_the_stage(fresh_store, workshop):
    join(fresh_store, workshop.code)
    after = get_workshop(fresh_store, workshop.id)
    assert (after.revision, after.stage) == (workshop.revision + 1, workshop.stage)


@pytest.mark.parametrize("code", ["ZZZZZZ", "", "   ", "KQ7", "not a code at all"])
def test_joining_with_an_unknown_code_raises_unknown_join_code(fresh_store, workshop, code):
    if code == workshop.code:  # one chance in 887 million
        code = "YYYYYY"
    with pytest.raises(UnknownJoinCode):
        join(fresh_store, code)
    assert count_participants(fresh_store, workshop.id) == 0


def test_joining_an_ended_workshop_raises_workshop_ended(fresh_store, workshop):
    end_workshop(fresh_store, workshop.id)
    with pytest.raises(WorkshopEnded) as raised:
        join(fresh_store, workshop.code)
    assert raised.value.params["code"] == workshop.code
    assert count_participants(fresh_store, workshop.id) == 0


def test_a_reopened_workshop_takes_participants_again(fresh_store, workshop):
    end_workshop(fresh_store, workshop.id)
    reopen_workshop(fresh_store, workshop.id)
    join(fresh_store, workshop.code)
    assert count_participants(fresh_store, workshop.id) == 1


def test_an_ended_workshop_still_recognises_phones_that_joined_before(fresh_store, workshop):
    _, participant = join(fresh_store, workshop.code)
    end_workshop(fresh_store, workshop.id)
    assert resume(fresh_store, participant.token) == participant


def test_tokens_are_long_and_unique(fresh_store, workshop):
    tokens = [join(fresh_store, workshop.code)[1].token for _ in range(200)]
    assert len(set(tokens)) == len(tokens)
    for token in tokens:
        assert len(token) >= 32
        assert token.isascii()
        assert all(ch.isalnum() or ch in "-_" for ch in token), "the token must be URL-safe"


def test_resume_returns_the_same_participant(fresh_store, workshop):
    _, participant = join(fresh_store, workshop.code)
    assert resume(fresh_store, participant.token) == participant


def test_resume_returns_the_role_chosen_since_joining(fresh_store, workshop):
    _, participant = join(fresh_store, workshop.code)
    set_role(fresh_store, participant, "leder")
    assert resume(fresh_store, participant.token).role == "leder"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "short",
        "x" * 9,
        "x" * 65,
        "x" * 10_000,
        "wrong-token-that-has-a-plausible-length",
        None,
        12345678901234,
    ],
    ids=["empty", "short", "nine", "65", "huge", "wrong", "none", "number"],
)
def test_resume_with_a_wrong_empty_short_or_long_token_raises_unknown_participant(fresh_store, workshop, token):
    join(fresh_store, workshop.code)
    with pytest.raises(UnknownParticipant):
        resume(fresh_store, token)


def test_resume_with_a_nearly_right_token_raises_unknown_participant(fresh_store, workshop):
    _, participant = join(fresh_store, workshop.code)
    token = participant.token
    for wrong in (token[:-1], token + "A", token.upper() if token != token.upper() else token.lower(), f" {token}"):
        with pytest.raises(UnknownParticipant):
            resume(fresh_store, wrong)


@pytest.mark.parametrize("role", ROLE_KEYS)
def test_set_role_records_every_group_of_the_method(fresh_store, workshop, role):
    _, participant = join(fresh_store, workshop.code)
    updated = set_role(fresh_store, participant, role)
    assert updated.role == role
    assert resume(fresh_store, participant.token).role == role


def test_set_role_to_none_forgets_the_group(fresh_store, workshop):
    _, participant = join(fresh_store, workshop.code)
    with_role = set_role(fresh_store, participant, "medarbejder")
    assert set_role(fresh_store, with_role, None).role is None
    assert resume(fresh_store, participant.token).role is None


@pytest.mark.parametrize("role", ["chef", "", "Leder", "LEDER", " leder", "Leader"])
def test_set_role_with_an_invalid_role_raises_invalid_role_and_keeps_the_old_role(fresh_store, workshop, role):
    _, participant = join(fresh_store, workshop.code)
    participant = set_role(fresh_store, participant, "amr")
    revision = get_workshop(fresh_store, workshop.id).revision
    with pytest.raises(InvalidRole) as raised:
        set_role(fresh_store, participant, role)
    assert raised.value.params["role"] == role
    assert resume(fresh_store, participant.token).role == "amr"
    assert get_workshop(fresh_store, workshop.id).revision == revision


def test_set_role_changes_only_that_participant(fresh_store, workshop):
    _, first = join(fresh_store, workshop.code)
    _, second = join(fresh_store, workshop.code)
    set_role(fresh_store, first, "tr")
    assert resume(fresh_store, second.token).role is None


def test_count_participants_counts_only_that_workshops_phones(fresh_store, workshop):
    other = create_workshop(
        fresh_store, name="Anden", department="Køkkenet", held_on=workshop.held_on,
        theme="Tema", language="da", owner="bo",
    )
    assert count_participants(fresh_store, workshop.id) == 0
    for _ in range(3):
        join(fresh_store, workshop.code)
    join(fresh_store, other.code)
    assert count_participants(fresh_store, workshop.id) == 3
    assert count_participants(fresh_store, other.id) == 1
    assert count_participants(fresh_store, 999) == 0


# --- joining with limits on wrong codes (the join page's guessing throttle) ----------------------


def _limits(max_wrong: int = 2):
    from fea_core.throttle import Limits, Throttle

    return Limits([(Throttle(max_wrong, 60), "this-session"), (Throttle(100, 60), "process")])


def test_wrong_codes_count_against_the_limits_and_then_even_the_right_code_is_refused(fresh_store, workshop):
    from fea_core.errors import TooManyAttempts

    limits = _limits(2)
    for _ in range(2):
        with pytest.raises(UnknownJoinCode):
            join(fresh_store, "ZZZZZZ", limits=limits)
    with pytest.raises(TooManyAttempts) as raised:
        join(fresh_store, workshop.code, limits=limits)
    assert 58 <= raised.value.params["seconds"] <= 60
    assert count_participants(fresh_store, workshop.id) == 0


def test_right_codes_do_not_count_against_the_limits(fresh_store, workshop):
    limits = _limits(1)
    for _ in range(5):
        join(fresh_store, workshop.code, limits=limits)
    assert limits.wait() == 0.0
    assert count_participants(fresh_store, workshop.id) == 5


def test_an_empty_code_is_no_guess(fresh_store, workshop):
    limits = _limits(1)
    for _ in range(3):
        with pytest.raises(UnknownJoinCode):
            join(fresh_store, " - ", limits=limits)
    assert limits.wait() == 0.0


def test_an_ended_workshops_code_is_no_wrong_guess(fresh_store, workshop):
    limits = _limits(1)
    end_workshop(fresh_store, workshop.id)
    for _ in range(3):
        with pytest.raises(WorkshopEnded):
            join(fresh_store, workshop.code, limits=limits)
    assert limits.wait() == 0.0


def test_a_throttled_lookup_does_not_touch_the_database(fresh_store, workshop, monkeypatch):
    from fea_core import participation
    from fea_core.errors import TooManyAttempts

    limits = _limits(1)
    assert participation.find_to_join(fresh_store, "ZZZZZZ", limits=limits) is None
    monkeypatch.setattr(participation, "find_by_code", lambda *a: pytest.fail("looked the code up"))
    with pytest.raises(TooManyAttempts):
        participation.find_to_join(fresh_store, workshop.code, limits=limits)
