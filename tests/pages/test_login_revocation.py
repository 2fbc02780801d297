"""Revocable logins in the pages: every facilitator run asks whether its login still counts
(ui/auth.py current_facilitator, fea_core/logins.py), and the re-login cookie carries when it began."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import jwt
from sqlalchemy import update

from fea_core import accounts, logins, schema

ENDED = (
    "Du er logget ud: kontoen er logget ud et andet sted, har fået en ny adgangskode eller er lukket. "
    "Log ind igen."
)


def open_workshops(app, view, user, **kwargs):
    at = view.ok(app(user=user, **kwargs).run())
    return view.ok(at.switch_page("pages/workshops.py").run())


def log_in_on_the_form(app, view, username, password):
    at = view.ok(app().run())
    view.ok(at.switch_page("pages/login.py").run())
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    view.ok(view.button(at, "Log ind").click().run())
    assert at.session_state["authentication_status"] is True
    view.ok(at.run())  # the rerun the cookie component makes once the browser stored the cookie
    return at


def component_calls(at) -> list[dict]:
    return [json.loads(c.proto.json_args) for c in at.get("component_instance")]


def assert_logged_out(at, view, secret_text: str) -> None:
    assert at.session_state["authentication_status"] is None
    assert at.session_state["username"] is None
    assert secret_text not in view.text(at)
    assert "Log ud" not in [b.label for b in at.button]
    # AppTest runs pages/workshops.py by itself (tests/pages/conftest.py): the page refuses;
    # in a browser app.py serves the login form at its URL, as at /facilitator here.
    assert [e.value for e in at.error] == ["Denne side er kun for facilitatorer. Log ind først."]
    view.ok(at.switch_page("pages/login.py").run())
    assert [t.label for t in at.text_input] == ["Brugernavn", "Adgangskode"]


def test_a_session_whose_logins_were_ended_is_logged_out_at_its_next_run(app, view, store, facilitator, make_workshop):
    make_workshop("Annas temadag")
    at = open_workshops(app, view, facilitator)
    assert "Annas temadag" in view.text(at)

    with store.write() as conn:
        logins.end_logins(conn, facilitator)
    view.ok(at.run())

    assert_logged_out(at, view, "Annas temadag")
    assert ENDED in [i.value for i in at.info]
    # The gate asks the browser to delete the cookie, as after "Log ud".
    assert [c["cookie"] for c in component_calls(at) if c.get("method") == "delete"] == ["fea_facilitator"]


def test_a_deactivated_accounts_session_ends_at_its_next_run(app, view, store, facilitator, make_workshop):
    make_workshop("Annas temadag")
    at = open_workshops(app, view, facilitator)

    with store.write() as conn:
        conn.execute(update(schema.facilitators).where(schema.facilitators.c.username == facilitator).values(active=False))
    view.ok(at.run())

    assert_logged_out(at, view, "Annas temadag")


def test_a_new_password_ends_an_open_session(app, view, store, facilitator, make_workshop):
    make_workshop("Annas temadag")
    at = open_workshops(app, view, facilitator)

    accounts.set_password(store, facilitator, "en-helt-ny-adgangskode")
    view.ok(at.run())

    assert_logged_out(at, view, "Annas temadag")


def test_a_facilitator_page_run_without_app_py_checks_the_login_too(app, view, store, facilitator, make_workshop):
    # AppTest (and a fresh server's first request) may run pages/screen.py without app.py.
    workshop = make_workshop("Annas temadag")
    at = view.ok(app(user=facilitator, query={"w": workshop.code}).run())
    view.ok(at.switch_page("pages/screen.py").run())
    assert "Annas temadag" in view.text(at)

    with store.write() as conn:
        logins.end_logins(conn, facilitator)
    view.ok(at.run())

    assert "Annas temadag" not in view.text(at)
    assert at.session_state["authentication_status"] is None


def test_logging_out_in_one_session_ends_the_accounts_other_sessions(app, view, store, facilitator, make_workshop):
    make_workshop("Annas temadag")
    first = log_in_on_the_form(app, view, facilitator, view.PASSWORD)
    view.ok(first.switch_page("pages/workshops.py").run())
    other_tab = open_workshops(app, view, facilitator)
    assert "Annas temadag" in view.text(other_tab)

    view.ok(view.button(first, "Log ud").click().run())
    view.ok(other_tab.run())

    assert_logged_out(other_tab, view, "Annas temadag")


def test_a_login_after_logging_out_counts_and_other_accounts_are_untouched(app, view, store, facilitator):
    accounts.create_facilitator(store, "bent", "Bent Berg", "bents-hemmelige-kode")
    bent = open_workshops(app, view, "bent")
    first = log_in_on_the_form(app, view, facilitator, view.PASSWORD)
    view.ok(first.switch_page("pages/workshops.py").run())
    view.ok(view.button(first, "Log ud").click().run())

    again = log_in_on_the_form(app, view, facilitator, view.PASSWORD)
    view.ok(again.switch_page("pages/workshops.py").run())
    view.ok(bent.run())

    assert again.session_state["username"] == facilitator
    assert again.title[0].value == "Workshops"
    assert bent.session_state["username"] == "bent"
    assert ENDED not in [i.value for i in again.info]


def test_the_login_cookie_carries_when_the_login_began_and_no_secure_flag_over_http(app, view, store, facilitator):
    at = view.ok(app().run())
    view.ok(at.switch_page("pages/login.py").run())
    at.text_input[0].input(facilitator)
    at.text_input[1].input(view.PASSWORD)
    view.ok(view.button(at, "Log ind").click().run())

    [cookie] = [c for c in component_calls(at) if c.get("method") == "set"]
    payload = jwt.decode(cookie["value"], accounts.cookie_key(store), algorithms=["HS256"])
    began = at.session_state["fea_login_began_at"]
    assert payload["username"] == facilitator
    assert datetime.fromtimestamp(payload["began_at"], UTC) == began
    # Expires a workshop day after the login (set a moment after it began).
    assert 0 <= payload["exp_date"] - payload["began_at"] - timedelta(days=1).total_seconds() < 60
    assert cookie["options"]["sameSite"] == "strict"
    assert "secure" not in cookie["options"]


def test_the_login_cookie_is_secure_when_the_public_url_is_https(app, view, monkeypatch, facilitator):
    monkeypatch.setenv("FEA_PUBLIC_URL", "https://fea.example.dk")
    at = view.ok(app().run())
    view.ok(at.switch_page("pages/login.py").run())
    at.text_input[0].input(facilitator)
    at.text_input[1].input(view.PASSWORD)
    view.ok(view.button(at, "Log ind").click().run())

    [cookie] = [c for c in component_calls(at) if c.get("method") == "set"]
    assert cookie["options"]["secure"] is True


def test_the_login_form_counts_failures_per_client_address(app, view, monkeypatch, store, facilitator):
    import ui.auth

    stranger = view.ok(app().run())
    view.ok(stranger.switch_page("pages/login.py").run())
    monkeypatch.setattr(ui.auth, "client_address", lambda: "198.51.100.23")
    for _ in range(accounts.LOCK_AFTER_FAILURES + 2):
        stranger.text_input[0].input(facilitator)
        stranger.text_input[1].input("not-the-password")
        view.ok(view.button(stranger, "Log ind").click().run())
    assert [e.value for e in stranger.error][0].startswith("For mange forkerte forsøg. Prøv igen om")

    monkeypatch.setattr(ui.auth, "client_address", lambda: "203.0.113.7")
    owner = log_in_on_the_form(app, view, facilitator, view.PASSWORD)

    assert owner.title[0].value == "Workshops"
    assert accounts.login_failures(store, facilitator, "198.51.100.23")[0] == accounts.LOCK_AFTER_FAILURES
