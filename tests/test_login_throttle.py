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

# The counting takes row locks and may race on first inserts: both databases.
pytestmark = pytest.mark.databases("sqlite", "postgresql")

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


# --- per username and client (fea_core/login_throttle.py) ----------------------------------------

from fea_core import login_throttle  # noqa: E402
from fea_core.login_throttle import (  # noqa: E402
    KNOWN_CLIENT_MEMORY,
    USERNAME_LOCK_AFTER_FAILURES,
    USERNAME_LOCK_SECONDS,
    client_key,
    username_failures,
)

STRANGER = "198.51.100.23"
OWNER = "203.0.113.7"


def fail_from(store, username: str, client: str, times: int, start: float = 0) -> list[str]:
    return [
        verify_login(store, username, "wrong password", now=at(start + i), client=client).status
        for i in range(times)
    ]


def test_a_strangers_ten_wrong_passwords_do_not_keep_the_owner_out_on_another_client(fresh_store, anne):
    statuses = fail_from(fresh_store, "anne", STRANGER, 10)

    assert statuses == [LOGIN_WRONG] * LOCK_AFTER_FAILURES + [LOGIN_LOCKED] * 5
    assert verify_login(fresh_store, "anne", PASSWORD, now=at(10), client=OWNER).ok


def test_the_stranger_stays_locked_on_their_own_client_even_with_the_right_password(fresh_store, anne):
    fail_from(fresh_store, "anne", STRANGER, LOCK_AFTER_FAILURES)

    result = verify_login(fresh_store, "anne", PASSWORD, now=at(5), client=STRANGER)

    assert result.locked and result.seconds_left == FIRST_LOCK_SECONDS - 1
    assert login_failures(fresh_store, "anne", STRANGER)[0] == LOCK_AFTER_FAILURES
    assert login_failures(fresh_store, "anne", OWNER) == (0, None)


def test_guesses_spread_over_many_clients_lock_the_username_briefly_for_new_clients(fresh_store, anne):
    for i in range(USERNAME_LOCK_AFTER_FAILURES):  # each client below its own limit
        assert verify_login(fresh_store, "anne", "wrong password", now=at(i), client=f"192.0.2.{i}").status == LOGIN_WRONG
    last = USERNAME_LOCK_AFTER_FAILURES - 1

    new_client = verify_login(fresh_store, "anne", PASSWORD, now=at(last + 1), client="192.0.2.200")

    assert new_client.locked
    assert new_client.seconds_left == USERNAME_LOCK_SECONDS - 1
    assert username_failures(fresh_store, "anne")[0] == USERNAME_LOCK_AFTER_FAILURES
    # A short wait, not a growing one: the owner on a new laptop is in after a minute.
    assert verify_login(fresh_store, "anne", PASSWORD, now=at(last + USERNAME_LOCK_SECONDS), client="192.0.2.200").ok


def test_the_username_lock_does_not_grow_with_further_failures(fresh_store, anne):
    for i in range(USERNAME_LOCK_AFTER_FAILURES):
        verify_login(fresh_store, "anne", "wrong password", now=at(i), client=f"192.0.2.{i}")
    start = USERNAME_LOCK_AFTER_FAILURES - 1
    for round_ in range(1, 6):  # one more guess each time the lock ends, from yet another client
        start += USERNAME_LOCK_SECONDS
        client = f"192.0.2.{100 + round_}"
        assert verify_login(fresh_store, "anne", "wrong password", now=at(start), client=client).status == LOGIN_WRONG
        _, locked_until = username_failures(fresh_store, "anne")
        assert locked_until == at(start + USERNAME_LOCK_SECONDS)


def test_the_owners_own_client_is_not_held_back_by_the_username_lock(fresh_store, anne):
    assert verify_login(fresh_store, "anne", PASSWORD, now=T0, client=OWNER).ok  # the owner's laptop
    for i in range(USERNAME_LOCK_AFTER_FAILURES + 5):
        verify_login(fresh_store, "anne", "wrong password", now=at(1 + i), client=f"192.0.2.{i}")
    now = at(USERNAME_LOCK_AFTER_FAILURES + 6)
    assert verify_login(fresh_store, "anne", PASSWORD, now=now, client="192.0.2.250").locked

    assert verify_login(fresh_store, "anne", PASSWORD, now=now, client=OWNER).ok


def test_a_client_the_owner_has_not_used_for_a_month_waits_like_a_new_one(fresh_store, anne):
    assert verify_login(fresh_store, "anne", PASSWORD, now=T0, client=OWNER).ok
    later = KNOWN_CLIENT_MEMORY.total_seconds() + 1
    for i in range(USERNAME_LOCK_AFTER_FAILURES):
        verify_login(fresh_store, "anne", "wrong password", now=at(later + i), client=f"192.0.2.{i}")

    assert verify_login(fresh_store, "anne", PASSWORD, now=at(later + USERNAME_LOCK_AFTER_FAILURES), client=OWNER).locked


def test_a_success_clears_the_username_count_and_the_owners_client(fresh_store, anne):
    fail_from(fresh_store, "anne", STRANGER, 3)
    fail_from(fresh_store, "anne", OWNER, 2, start=3)

    assert verify_login(fresh_store, "anne", PASSWORD, now=at(10), client=OWNER).ok

    assert username_failures(fresh_store, "anne") == (0, None)
    assert login_failures(fresh_store, "anne", OWNER) == (0, None)


def test_every_address_of_one_ipv6_64_counts_as_one_client(fresh_store, anne):
    for i in range(LOCK_AFTER_FAILURES):
        verify_login(fresh_store, "anne", "wrong password", now=at(i), client=f"2001:db8:1:2::{i + 1:x}")

    assert verify_login(fresh_store, "anne", PASSWORD, now=at(5), client="2001:db8:1:2:ffff::9").locked
    assert verify_login(fresh_store, "anne", PASSWORD, now=at(5), client="2001:db8:1:3::1").ok


@pytest.mark.parametrize(
    ("address", "key"),
    [
        (None, "local"),
        ("", "local"),
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("fe80::1%eth0", "fe80::/64"),
        ("not an address", "unknown"),
        ("203.0.113.7, 10.0.0.1", "unknown"),
        ("x" * 500, "unknown"),
    ],
)
def test_client_keys_are_addresses_ipv6_blocks_or_a_marker(address, key):
    assert client_key(address) == key


def test_setting_a_new_password_lifts_every_clients_lock_and_the_username_lock(fresh_store, anne):
    for i in range(USERNAME_LOCK_AFTER_FAILURES):
        verify_login(fresh_store, "anne", "wrong password", now=at(i), client=f"192.0.2.{i % 4}")
    set_password(fresh_store, "anne", "a brand new password")

    assert username_failures(fresh_store, "anne") == (0, None)
    assert verify_login(fresh_store, "anne", "a brand new password", now=at(30), client="192.0.2.1").ok


def test_stale_client_rows_are_cleaned_up_but_recent_owners_clients_are_kept(fresh_store, anne):
    assert verify_login(fresh_store, "anne", PASSWORD, now=T0, client=OWNER).ok
    fail_from(fresh_store, "anne", STRANGER, 2)
    later = at(FAILURE_MEMORY.total_seconds() + 1)
    verify_login(fresh_store, "someone-else", "whatever", now=later, client=STRANGER)  # a new row cleans up

    assert login_failures(fresh_store, "anne", STRANGER) == (0, None)
    with fresh_store.read() as conn:
        rows = conn.execute(login_throttle._C.select()).all()
    assert {(r.username, r.client) for r in rows} == {("anne", OWNER), ("someone-else", STRANGER)}


# --- which client a login came from (behind a trusted proxy or not) --------------------------------

from fea_core.config import trusted_proxies  # noqa: E402



@pytest.fixture
def default_proxies(monkeypatch):
    monkeypatch.delenv("FEA_TRUSTED_PROXIES", raising=False)
    return trusted_proxies()


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "real_ip", "client"),
    [
        # nginx on the same machine (Streamlit reports 127.0.0.1 as None): the address it names.
        (None, "203.0.113.7", None, "203.0.113.7"),
        ("::ffff:127.0.0.1", "203.0.113.7", None, "203.0.113.7"),
        # What the client wrote itself stands left of what nginx appended: only the right-most counts.
        (None, "1.2.3.4, 203.0.113.7", None, "203.0.113.7"),
        (None, None, "203.0.113.9", "203.0.113.9"),
        (None, None, None, None),
        # A browser connecting directly from elsewhere cannot name another address.
        ("198.51.100.1", "203.0.113.7", "203.0.113.8", "198.51.100.1"),
    ],
)
def test_the_client_is_the_peer_unless_a_trusted_proxy_names_it(default_proxies, peer, forwarded_for, real_ip, client):
    assert login_throttle.client_address(peer, forwarded_for, real_ip, default_proxies) == client


def test_with_fea_trusted_proxies_none_no_header_is_believed(monkeypatch):
    monkeypatch.setenv("FEA_TRUSTED_PROXIES", "none")
    assert login_throttle.client_address(None, "203.0.113.7", "203.0.113.8", trusted_proxies()) is None


def test_a_proxy_on_another_machine_is_trusted_once_listed(monkeypatch):
    monkeypatch.setenv("FEA_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    proxies = trusted_proxies()
    assert login_throttle.client_address("10.1.2.3", "203.0.113.7, 10.9.9.9", None, proxies) == "203.0.113.7"
    monkeypatch.delenv("FEA_TRUSTED_PROXIES")
    assert login_throttle.client_address("10.1.2.3", "203.0.113.7", None, trusted_proxies()) == "10.1.2.3"


def test_a_wrong_trusted_proxies_setting_is_refused_with_its_name(monkeypatch):
    monkeypatch.setenv("FEA_TRUSTED_PROXIES", "127.0.0.1, nginx.local")
    with pytest.raises(ValueError, match="FEA_TRUSTED_PROXIES: 'nginx.local'"):
        trusted_proxies()
