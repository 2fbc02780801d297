"""Tests of fea_core.accounts: facilitator accounts with bcrypt hashes, and the login-cookie key."""

from __future__ import annotations

import bcrypt
import pytest

from fea_core import accounts
from fea_core.accounts import (
    PASSWORD_MIN,
    InvalidAccount,
    authenticator_credentials,
    cookie_key,
    create_facilitator,
    has_facilitators,
    set_password,
)
from fea_core.errors import FeaError, InvalidText

PASSWORD = "correct horse battery"


@pytest.fixture
def fast_bcrypt(monkeypatch):
    """Hash with bcrypt's lowest cost: the tests check the hashing, not its slowness."""
    real_gensalt = bcrypt.gensalt
    monkeypatch.setattr(accounts.bcrypt, "gensalt", lambda *a, **k: real_gensalt(rounds=4))


@pytest.fixture
def anne(fresh_store, fast_bcrypt) -> str:
    create_facilitator(fresh_store, "anne", "Anne Facilitator", PASSWORD)
    return "anne"


def stored_hash(store, username: str) -> str:
    return authenticator_credentials(store)["usernames"][username]["password"]


def test_a_new_account_stores_a_bcrypt_hash_not_the_password(fresh_store, anne):
    credentials = authenticator_credentials(fresh_store)
    assert credentials == {"usernames": {"anne": {"name": "Anne Facilitator", "password": stored_hash(fresh_store, "anne")}}}
    hashed = stored_hash(fresh_store, "anne")
    assert hashed.startswith("$2")
    assert PASSWORD not in hashed
    assert bcrypt.checkpw(PASSWORD.encode(), hashed.encode())
    assert not bcrypt.checkpw(b"wrong password!", hashed.encode())


def test_real_hashes_use_a_cost_that_slows_guessing(fresh_store):
    hashed = accounts.hash_password(PASSWORD)
    cost = int(hashed.split("$")[2])
    assert cost >= 10


def test_two_accounts_with_the_same_password_get_different_hashes(fresh_store, anne):
    create_facilitator(fresh_store, "bodil", "Bodil", PASSWORD)
    assert stored_hash(fresh_store, "anne") != stored_hash(fresh_store, "bodil")


def test_usernames_are_stored_in_lower_case_without_outer_spaces(fresh_store, fast_bcrypt):
    create_facilitator(fresh_store, "  Anne.Berg ", "Anne", PASSWORD)
    assert list(authenticator_credentials(fresh_store)["usernames"]) == ["anne.berg"]


def test_the_display_name_is_cleaned(fresh_store, fast_bcrypt):
    create_facilitator(fresh_store, "anne", "  Anne \u202e  Berg ", PASSWORD)
    assert authenticator_credentials(fresh_store)["usernames"]["anne"]["name"] == "Anne Berg"


def test_an_empty_display_name_is_refused(fresh_store, fast_bcrypt):
    with pytest.raises(InvalidText):
        create_facilitator(fresh_store, "anne", "   ", PASSWORD)
    assert not has_facilitators(fresh_store)


@pytest.mark.parametrize("password", ["", "short", "x" * (PASSWORD_MIN - 1), None, 1234567890123])
def test_a_short_or_missing_password_raises_invalid_account(fresh_store, fast_bcrypt, password):
    with pytest.raises(InvalidAccount) as raised:
        create_facilitator(fresh_store, "anne", "Anne", password)
    assert raised.value.params["reason"] == "password"
    assert raised.value.params["limit"] == PASSWORD_MIN
    assert not has_facilitators(fresh_store)


def test_a_password_of_exactly_the_minimum_length_is_accepted(fresh_store, fast_bcrypt):
    create_facilitator(fresh_store, "anne", "Anne", "x" * PASSWORD_MIN)
    assert has_facilitators(fresh_store)


@pytest.mark.parametrize(
    "username",
    ["", "ab", "anne berg", "anne!", "anne@example.com", "x" * 65, "æble", "anne/../root", "<script>"],
)
def test_a_bad_username_raises_invalid_account(fresh_store, fast_bcrypt, username):
    with pytest.raises(InvalidAccount) as raised:
        create_facilitator(fresh_store, username, "Anne", PASSWORD)
    assert raised.value.params["reason"] == "username"
    assert not has_facilitators(fresh_store)


@pytest.mark.parametrize("username", ["abc", "anne.berg", "anne_berg", "anne-berg", "anne2", "x" * 64])
def test_plain_usernames_are_accepted(fresh_store, fast_bcrypt, username):
    create_facilitator(fresh_store, username, "Anne", PASSWORD)
    assert username in authenticator_credentials(fresh_store)["usernames"]


@pytest.mark.parametrize("again", ["anne", "ANNE", " Anne "])
def test_a_duplicate_username_raises_invalid_account_and_keeps_the_first(fresh_store, anne, again):
    first_hash = stored_hash(fresh_store, "anne")
    with pytest.raises(InvalidAccount) as raised:
        create_facilitator(fresh_store, again, "Someone Else", "another password")
    assert raised.value.params["reason"] == "exists"
    assert authenticator_credentials(fresh_store) == {
        "usernames": {"anne": {"name": "Anne Facilitator", "password": first_hash}}
    }


def test_invalid_account_is_a_domain_error_with_its_code():
    assert issubclass(InvalidAccount, FeaError)
    assert InvalidAccount.code == "invalid_account"


def test_set_password_changes_the_hash(fresh_store, anne):
    old_hash = stored_hash(fresh_store, "anne")
    set_password(fresh_store, "anne", "a brand new password")
    new_hash = stored_hash(fresh_store, "anne")
    assert new_hash != old_hash
    assert bcrypt.checkpw(b"a brand new password", new_hash.encode())
    assert not bcrypt.checkpw(PASSWORD.encode(), new_hash.encode())


def test_set_password_accepts_the_username_in_any_case(fresh_store, anne):
    set_password(fresh_store, "ANNE", "a brand new password")
    assert bcrypt.checkpw(b"a brand new password", stored_hash(fresh_store, "anne").encode())


def test_set_password_refuses_a_short_password_and_keeps_the_old_one(fresh_store, anne):
    old_hash = stored_hash(fresh_store, "anne")
    with pytest.raises(InvalidAccount) as raised:
        set_password(fresh_store, "anne", "short")
    assert raised.value.params["reason"] == "password"
    assert stored_hash(fresh_store, "anne") == old_hash


def test_set_password_for_an_unknown_user_raises_invalid_account(fresh_store, anne):
    with pytest.raises(InvalidAccount) as raised:
        set_password(fresh_store, "bodil", "a brand new password")
    assert raised.value.params["reason"] == "unknown"


def test_set_password_changes_only_that_account(fresh_store, anne):
    create_facilitator(fresh_store, "bodil", "Bodil", PASSWORD)
    bo_hash = stored_hash(fresh_store, "bodil")
    set_password(fresh_store, "anne", "a brand new password")
    assert stored_hash(fresh_store, "bodil") == bo_hash


def test_has_facilitators_is_false_until_the_first_account_exists(fresh_store, fast_bcrypt):
    assert has_facilitators(fresh_store) is False
    create_facilitator(fresh_store, "anne", "Anne", PASSWORD)
    assert has_facilitators(fresh_store) is True


def test_credentials_are_empty_without_accounts(fresh_store):
    assert authenticator_credentials(fresh_store) == {"usernames": {}}


# --- the cookie key ------------------------------------------------------------------------------


def test_the_cookie_key_is_generated_once_and_stays_the_same(fresh_store, monkeypatch):
    monkeypatch.delenv("FEA_COOKIE_KEY", raising=False)
    first = cookie_key(fresh_store)
    assert len(first) >= 32
    assert cookie_key(fresh_store) == first
    assert cookie_key(fresh_store) == first


def test_every_database_gets_its_own_cookie_key(tmp_path, monkeypatch):
    from fea_core.storage import open_store

    monkeypatch.delenv("FEA_COOKIE_KEY", raising=False)
    one = open_store(f"sqlite:///{tmp_path}/one.sqlite3")
    two = open_store(f"sqlite:///{tmp_path}/two.sqlite3")
    try:
        assert cookie_key(one) != cookie_key(two)
    finally:
        one.engine.dispose()
        two.engine.dispose()


def test_the_cookie_key_comes_from_fea_cookie_key_when_set(fresh_store, monkeypatch):
    monkeypatch.setenv("FEA_COOKIE_KEY", "  configured-secret-key  ")
    assert cookie_key(fresh_store) == "configured-secret-key"
    assert cookie_key(fresh_store) == "configured-secret-key"


def test_a_blank_fea_cookie_key_is_ignored(fresh_store, monkeypatch):
    monkeypatch.delenv("FEA_COOKIE_KEY", raising=False)
    stored = cookie_key(fresh_store)
    monkeypatch.setenv("FEA_COOKIE_KEY", "   ")
    assert cookie_key(fresh_store) == stored


def test_the_stored_cookie_key_survives_a_configured_one_coming_and_going(fresh_store, monkeypatch):
    monkeypatch.delenv("FEA_COOKIE_KEY", raising=False)
    stored = cookie_key(fresh_store)
    monkeypatch.setenv("FEA_COOKIE_KEY", "configured-secret-key")
    assert cookie_key(fresh_store) == "configured-secret-key"
    monkeypatch.delenv("FEA_COOKIE_KEY")
    assert cookie_key(fresh_store) == stored


# --- the command line ----------------------------------------------------------------------------


def test_the_command_line_creates_an_account_and_sets_a_password(store_url, fresh_store, fast_bcrypt, monkeypatch, capsys):
    monkeypatch.setenv("FEA_DATABASE_URL", store_url)
    monkeypatch.setenv("FEA_NEW_PASSWORD", PASSWORD)
    assert accounts.main(["create", "Anne", "--name", "Anne Berg"]) == 0
    assert "ok: create anne" in capsys.readouterr().out
    assert bcrypt.checkpw(PASSWORD.encode(), stored_hash(fresh_store, "anne").encode())

    monkeypatch.setenv("FEA_NEW_PASSWORD", "a brand new password")
    assert accounts.main(["set-password", "anne"]) == 0
    assert bcrypt.checkpw(b"a brand new password", stored_hash(fresh_store, "anne").encode())


def test_the_command_line_reports_a_refused_account_with_exit_code_two(store_url, fresh_store, monkeypatch, capsys):
    monkeypatch.setenv("FEA_DATABASE_URL", store_url)
    monkeypatch.setenv("FEA_NEW_PASSWORD", "short")
    assert accounts.main(["create", "anne", "--name", "Anne"]) == 2
    assert "error" in capsys.readouterr().err
    assert not has_facilitators(fresh_store)


# --- added for the facilitators page: passwords typed twice, bcrypt's 72 bytes, the list --------


def test_a_password_longer_than_bcrypt_reads_is_refused_not_cut(fresh_store, fast_bcrypt):
    with pytest.raises(InvalidAccount) as raised:
        create_facilitator(fresh_store, "anne", "Anne", "æ" * 37)  # 74 bytes in UTF-8
    assert raised.value.params == {"reason": "password_too_long", "limit": accounts.PASSWORD_MAX_BYTES}
    assert not has_facilitators(fresh_store)


def test_a_password_of_exactly_72_bytes_is_accepted(fresh_store, fast_bcrypt):
    create_facilitator(fresh_store, "anne", "Anne", "æ" * 36)
    assert bcrypt.checkpw(("æ" * 36).encode(), stored_hash(fresh_store, "anne").encode())


def test_a_password_typed_differently_the_second_time_is_refused(fresh_store, fast_bcrypt):
    with pytest.raises(InvalidAccount) as raised:
        create_facilitator(fresh_store, "anne", "Anne", PASSWORD, password_again=PASSWORD + " ")
    assert raised.value.params == {"reason": "mismatch"}
    assert not has_facilitators(fresh_store)


def test_a_password_typed_the_same_twice_is_accepted(fresh_store, fast_bcrypt):
    create_facilitator(fresh_store, "anne", "Anne", PASSWORD, password_again=PASSWORD)
    assert has_facilitators(fresh_store)


def test_set_password_checks_the_repeated_password_and_keeps_the_old_one(fresh_store, anne):
    old_hash = stored_hash(fresh_store, "anne")
    with pytest.raises(InvalidAccount) as raised:
        set_password(fresh_store, "anne", "a brand new password", password_again="a brand new pasword")
    assert raised.value.params == {"reason": "mismatch"}
    with pytest.raises(InvalidAccount) as raised:
        set_password(fresh_store, "anne", "ø" * 40)
    assert raised.value.params["reason"] == "password_too_long"
    assert stored_hash(fresh_store, "anne") == old_hash


def test_the_facilitators_are_listed_by_username_without_hashes(fresh_store, anne):
    create_facilitator(fresh_store, "bodil", "Bodil Berg", PASSWORD)
    create_facilitator(fresh_store, "adam", "Adam Ahl", PASSWORD)
    assert accounts.list_facilitators(fresh_store) == [
        accounts.Facilitator("adam", "Adam Ahl"),
        accounts.Facilitator("anne", "Anne Facilitator", accounts.ADMIN),  # the first account
        accounts.Facilitator("bodil", "Bodil Berg"),
    ]


def test_every_invalid_account_reason_has_a_message_in_both_languages():
    import inspect
    import re

    from fea_core.i18n import catalogue

    reasons = set(re.findall(r"""InvalidAccount\(\s*reason=["'](\w+)["']""", inspect.getsource(accounts)))
    assert reasons == {
        "username", "password", "password_too_long", "mismatch", "exists", "unknown",
        "own_password", "current_wrong", "locked", "successor",
    }
    missing = sorted(r for r in reasons if f"error.invalid_account_reason.{r}" not in catalogue())
    assert missing == []
