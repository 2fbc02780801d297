"""ui/auth_cookie.py: the moment a re-login cookie's login began, and the fenced fallback when
streamlit-authenticator's cookie component is gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from ui import auth_cookie
from ui.auth_cookie import COOKIE_EXPIRY_DAYS, began_at_of


def test_our_token_says_when_its_login_began():
    began = datetime(2026, 3, 14, 9, 0, 0, 123456, tzinfo=UTC)
    token = {"username": "anna", "exp_date": (began + timedelta(days=1)).timestamp(), "began_at": began.timestamp()}
    assert began_at_of(token) == began


def test_a_token_streamlit_authenticator_signed_itself_began_a_workshop_day_before_it_expires():
    now = datetime.now(UTC)
    token = {"username": "anna", "exp_date": (now + timedelta(days=COOKIE_EXPIRY_DAYS)).timestamp()}
    assert abs(began_at_of(token) - now) < timedelta(seconds=1)


@pytest.mark.parametrize(
    "token",
    [
        {"username": "anna", "began_at": (datetime.now(UTC) + timedelta(hours=1)).timestamp()},  # from the future
        {"username": "anna", "exp_date": (datetime.now(UTC) + timedelta(days=3)).timestamp()},  # ditto, derived
        {"username": "anna"},
        {"username": "anna", "began_at": "yesterday"},
        {"username": "anna", "began_at": None},
        {"username": "anna", "began_at": 1e300},
    ],
)
def test_a_token_without_a_believable_start_counts_as_unknown(token):
    assert began_at_of(token) is None


def test_the_cookie_is_secure_only_when_the_public_url_is_https(monkeypatch):
    monkeypatch.setenv("FEA_PUBLIC_URL", "https://fea.example.dk/")
    assert auth_cookie.secure()
    monkeypatch.setenv("FEA_PUBLIC_URL", "http://192.168.1.20:8501")
    assert not auth_cookie.secure()
    monkeypatch.delenv("FEA_PUBLIC_URL")
    assert not auth_cookie.secure()


def test_without_the_cookie_component_the_cookie_falls_back_to_streamlit_authenticators_own_calls(monkeypatch, caplog):
    calls = []
    # A stand-in for a future streamlit-authenticator whose cookie model has no cookie_manager.
    auth = SimpleNamespace(
        cookie_controller=SimpleNamespace(
            cookie_model=SimpleNamespace(cookie_key="k"),
            set_cookie=lambda: calls.append("set"),
            delete_cookie=lambda: calls.append("delete"),
        )
    )
    monkeypatch.setattr(auth_cookie, "_warned", False)

    auth_cookie.set_cookie(auth, "anna", datetime.now(UTC))
    auth_cookie.forget_cookie(auth)

    assert calls == ["set", "delete"]
    assert [r.getMessage() for r in caplog.records if r.name == "ui.auth_cookie"][:1] == [
        "streamlit-authenticator has no cookie_controller.cookie_model.cookie_manager any more: "
        "the login cookie is set without Secure (ui/auth_cookie.py)"
    ]


def test_a_controller_a_new_authenticator_version_removed_is_named_in_the_error():
    from ui import auth_cookie

    class Renamed:  # an Authenticate whose controllers were renamed
        pass

    with pytest.raises(RuntimeError, match="cookie_controller.get_cookie"):
        auth_cookie.read_cookie(Renamed())
    with pytest.raises(RuntimeError, match="authentication_controller.logout"):
        auth_cookie.log_out(Renamed())
