"""Tests of fea_core.accounts.verify_login: failed logins are throttled per username, known or not."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import bcrypt
import pytest

from fea_core import accounts
from fea_core.accounts import (
    FAILURE_MEMORY,
    FIRST_LOCK_SECONDS,
    LOCK_AFTER_FAILURES,
    LOGIN_LOCKED,
    LOGIN_OK,
    LOGIN_WRONG,
    MAX_LOCK_SECONDS,
    create_facilitator,
    lock_seconds,
    login_failures,
    set_password,
    verify_login,
)

PASSWORD = "correct horse battery"
T0 = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    """Hash with bcrypt's lowest cost: the tests check the counting, not bcrypt's slowness."""
    real_gensalt = bcrypt.gensalt
    monkeypatch.setattr(accounts.bcrypt, "gensalt", lambda *a, **k: real_gensalt(rounds=4))


@pytest.fixture
def anne(fresh_store) -> str:
    create_facilitator(fresh_store, "anne", "Anne Facilitator", PASSWORD)
    return "anne"


def fail(store, username: str, times: int, start: float = 0) -> None:
    for i in range(times):
        assert verify_login(store, username, "wrong password", now=at(start + i)).status == LOGIN_WRONG


def test_the_right_password_logs_in_with_the_accounts_name(fresh_store, anne):
    result = verify_login(fresh_store, "anne", PASSWORD, now=T0)
    assert (result.status, result.username, result.name) == (LOGIN_OK, "anne", "Anne Facilitator")
    assert result.ok and not result.locked


def test_the_username_is_matched_without_case_or_outer_spaces(fresh_store, anne):
    assert verify_login(fresh_store, "  ANNE ", PASSWORD, now=T0).username == "anne"


def test_a_wrong_password_is_wrong_and_counted(fresh_store, anne):
    result = verify_login(fresh_store, "anne", "not the password", now=T0)
    assert (result.status, result.username, result.name) == (LOGIN_WRONG, None, None)
    assert login_failures(fresh_store, "anne") == (1, None)


def test_four_failures_do_not_lock_the_account(fresh_store, anne):
    fail(fresh_store, "anne", LOCK_AFTER_FAILURES - 1)
    assert verify_login(fresh_store, "anne", PASSWORD, now=at(10)).status == LOGIN_OK


def test_the_fifth_failure_locks_the_account_even_for_the_right_password(fresh_store, anne):
    fail(fresh_store, "anne", LOCK_AFTER_FAILURES)  # at 0, 1, 2, 3, 4 s
    result = verify_login(fresh_store, "anne", PASSWORD, now=at(5))
    assert result.status == LOGIN_LOCKED
    assert result.locked and not result.ok
    assert result.seconds_left == FIRST_LOCK_SECONDS - 1  # locked at 4 s for 30 s, asked at 5 s
    assert result.username is None


def test_attempts_while_locked_are_refused_without_checking_the_password(fresh_store, anne, monkeypatch):
    fail(fresh_store, "anne", LOCK_AFTER_FAILURES)
    calls = []
    monkeypatch.setattr(accounts.bcrypt, "checkpw", lambda *a: calls.append(a) or True)
    assert verify_login(fresh_store, "anne", PASSWORD, now=at(10)).status == LOGIN_LOCKED
    assert calls == []
    assert login_failures(fresh_store, "anne")[0] == LOCK_AFTER_FAILURES  # a refused attempt adds nothing


def test_the_lock_ends_after_its_delay(fresh_store, anne):
    fail(fresh_store, "anne", LOCK_AFTER_FAILURES)
    assert verify_login(fresh_store, "anne", PASSWORD, now=at(4 + FIRST_LOCK_SECONDS - 1)).locked
    assert verify_login(fresh_store, "anne", PASSWORD, now=at(4 + FIRST_LOCK_SECONDS)).ok


def test_each_failure_after_a_lock_doubles_the_delay_up_to_fifteen_minutes(fresh_store, anne):
    fail(fresh_store, "anne", LOCK_AFTER_FAILURES)
    delays = []
    now = 4.0
    for _ in range(7):
        _, locked_until = login_failures(fresh_store, "anne")
        delay = (locked_until - at(now)).total_seconds()
        delays.append(delay)
        now += delay
        assert verify_login(fresh_store, "anne", "still wrong!", now=at(now)).status == LOGIN_WRONG
    assert delays == [30, 60, 120, 240, 480, 900, 900]
    assert MAX_LOCK_SECONDS == 900


@pytest.mark.parametrize(
    ("failures", "seconds"), [(0, 0), (4, 0), (5, 30), (6, 60), (7, 120), (9, 480), (10, 900), (500, 900)]
)
def test_lock_seconds_grow_from_the_fifth_failure_and_are_capped(failures, seconds):
    assert lock_seconds(failures) == seconds


def test_a_success_resets_the_count(fresh_store, anne):
    fail(fresh_store, "anne", LOCK_AFTER_FAILURES - 1)
    assert verify_login(fresh_store, "anne", PASSWORD, now=at(10)).ok
    assert login_failures(fresh_store, "anne") == (0, None)
    fail(fresh_store, "anne", LOCK_AFTER_FAILURES - 1, start=20)
    assert verify_login(fresh_store, "anne", PASSWORD, now=at(30)).ok  # four again: still not locked


def test_the_right_password_after_a_lock_expired_resets_the_growing_delay(fresh_store, anne):
    fail(fresh_store, "anne", LOCK_AFTER_FAILURES)
    fail(fresh_store, "anne", 1, start=4 + FIRST_LOCK_SECONDS)  # after the lock: 60 s this time
    assert verify_login(fresh_store, "anne", PASSWORD, now=at(100)).ok
    fail(fresh_store, "anne", LOCK_AFTER_FAILURES, start=200)
    _, locked_until = login_failures(fresh_store, "anne")
    assert locked_until == at(204 + FIRST_LOCK_SECONDS)


def test_failures_a_day_old_are_forgotten(fresh_store, anne):
    fail(fresh_store, "anne", LOCK_AFTER_FAILURES - 1)
    later = FAILURE_MEMORY.total_seconds() + 10
    assert verify_login(fresh_store, "anne", "wrong again!", now=at(later)).status == LOGIN_WRONG
    assert login_failures(fresh_store, "anne") == (1, None)


def test_an_unknown_username_is_wrong_like_a_wrong_password(fresh_store, anne):
    unknown = verify_login(fresh_store, "nobody", PASSWORD, now=T0)
    wrong = verify_login(fresh_store, "anne", "not the password", now=T0)
    assert unknown == wrong


def test_an_unknown_username_is_locked_the_same_way(fresh_store, anne):
    fail(fresh_store, "nobody", LOCK_AFTER_FAILURES)
    unknown = verify_login(fresh_store, "nobody", PASSWORD, now=at(5))
    fail(fresh_store, "anne", LOCK_AFTER_FAILURES)
    known = verify_login(fresh_store, "anne", PASSWORD, now=at(5))
    assert unknown == known
    assert unknown.status == LOGIN_LOCKED


def test_an_unknown_username_still_costs_one_bcrypt_check(fresh_store, anne, monkeypatch):
    real_checkpw = bcrypt.checkpw
    checked = []

    def spy(password, hashed):
        checked.append(hashed)
        return real_checkpw(password, hashed)

    monkeypatch.setattr(accounts.bcrypt, "checkpw", spy)
    verify_login(fresh_store, "nobody", PASSWORD, now=T0)
    verify_login(fresh_store, "anne", "not the password", now=T0)
    assert len(checked) == 2
    unknown_hash, anne_hash = checked
    assert unknown_hash.startswith(b"$2") and unknown_hash != anne_hash  # a real bcrypt hash, not a shortcut


def test_a_password_too_long_for_bcrypt_is_wrong_not_an_error(fresh_store, anne, monkeypatch):
    checked = []
    real_checkpw = bcrypt.checkpw
    monkeypatch.setattr(accounts.bcrypt, "checkpw", lambda p, h: checked.append(p) or real_checkpw(p, h))
    assert verify_login(fresh_store, "anne", PASSWORD + "x" * 100, now=T0).status == LOGIN_WRONG
    assert len(checked) == 1 and len(checked[0]) == 72


def test_a_password_that_matches_in_its_first_72_bytes_only_is_still_wrong(fresh_store):
    long = "æ" * 36  # exactly 72 bytes: the longest allowed
    create_facilitator(fresh_store, "anne", "Anne", long)
    assert verify_login(fresh_store, "anne", long, now=T0).ok
    assert verify_login(fresh_store, "anne", long + "x", now=T0).status == LOGIN_WRONG


def test_failures_of_one_user_do_not_lock_another(fresh_store, anne):
    create_facilitator(fresh_store, "bent", "Bent", PASSWORD)
    fail(fresh_store, "anne", LOCK_AFTER_FAILURES)
    assert verify_login(fresh_store, "bent", PASSWORD, now=at(5)).ok


def test_setting_a_new_password_lifts_the_lock(fresh_store, anne):
    fail(fresh_store, "anne", LOCK_AFTER_FAILURES)
    set_password(fresh_store, "anne", "a brand new password")
    assert verify_login(fresh_store, "anne", "a brand new password", now=at(5)).ok


def test_an_account_created_under_a_probed_name_starts_unlocked(fresh_store):
    fail(fresh_store, "carla", LOCK_AFTER_FAILURES)
    create_facilitator(fresh_store, "carla", "Carla", PASSWORD)
    assert verify_login(fresh_store, "carla", PASSWORD, now=at(5)).ok


def test_parallel_guesses_cannot_slip_past_the_limit(fresh_store, anne, store_url):
    # Every attempt is counted before bcrypt runs, so ten guesses at once get five checks.
    barrier = threading.Barrier(10)
    results = []

    def guess(i):
        barrier.wait()
        results.append(verify_login(fresh_store, "anne", f"guess number {i}", now=T0).status)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [LOGIN_LOCKED] * 5 + [LOGIN_WRONG] * 5


def test_stale_rows_of_invented_usernames_are_cleaned_up(fresh_store):
    for i in range(20):
        verify_login(fresh_store, f"invented-{i}", "whatever", now=T0)
    later = at(FAILURE_MEMORY.total_seconds() + 1)
    verify_login(fresh_store, "one-more", "whatever", now=later)
    assert [login_failures(fresh_store, f"invented-{i}") for i in range(20)] == [(0, None)] * 20
    assert login_failures(fresh_store, "one-more")[0] == 1
