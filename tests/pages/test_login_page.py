"""The facilitator's login (pages/login.py, at /facilitator)."""

from __future__ import annotations

import sys

from fea_core import accounts
from ui.auth import first_account_command


def open_login(app, view, **kwargs):
    at = view.ok(app(**kwargs).run())
    return view.ok(at.switch_page("pages/login.py").run())


def test_with_no_accounts_the_first_run_instructions_are_shown_and_no_login_form(app, view, store):
    assert not accounts.has_facilitators(store)

    at = open_login(app, view)

    assert at.title[0].value == "Facilitator"
    assert [w.value for w in at.warning] == [
        "Der er endnu ingen facilitator-konto. Opret den første på serveren med kommandoen herunder "
        "(der er ingen standard-adgangskode)."
    ]
    # The whole command, wrapped rather than cut off, with the Python that runs this server.
    assert [c.value for c in at.code] == [first_account_command()]
    assert at.code[0].proto.wrap_lines
    assert not at.text_input
    assert not at.button


def test_with_an_account_the_login_form_is_shown(app, view, facilitator):
    at = open_login(app, view)

    assert not at.warning
    assert [t.label for t in at.text_input] == ["Brugernavn", "Adgangskode"]
    assert at.text_input[1].proto.type == at.text_input[1].proto.PASSWORD
    assert view.button(at, "Log ind").proto.is_form_submitter
    assert "Deltager? Gå til deltagelse" in [link.label for link in at.get("page_link")]


def test_the_login_page_speaks_english_with_lang_en(app, view, facilitator):
    at = open_login(app, view, query={"lang": "en"})

    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert view.button(at, "Log in")


def test_a_wrong_password_is_refused(app, view, facilitator):
    at = open_login(app, view)

    at.text_input[0].input(facilitator)
    at.text_input[1].input("not-the-password")
    view.ok(view.button(at, "Log ind").click().run())

    assert [e.value for e in at.error] == ["Forkert brugernavn eller adgangskode."]
    assert at.session_state["authentication_status"] is False
    assert [t.label for t in at.text_input] == ["Brugernavn", "Adgangskode"]


def test_the_right_password_logs_in_and_goes_on_to_the_workshops_page(app, view, facilitator):
    at = open_login(app, view)

    at.text_input[0].input(facilitator)
    at.text_input[1].input(view.PASSWORD)
    view.ok(view.button(at, "Log ind").click().run())

    assert at.session_state["authentication_status"] is True
    assert [s.value for s in at.success] == ["Du er logget ind som Anna Andersen."]
    assert not at.text_input  # the form is gone while the browser stores the login cookie
    # In a browser the cookie component reruns the session once the cookie is stored.
    view.ok(at.run())
    assert at.session_state["authentication_status"] is True
    assert at.session_state["username"] == facilitator
    assert at.title[0].value == "Workshops"
    assert "Ny workshop" in [s.value for s in at.subheader]


def test_a_logged_in_session_is_sent_on_to_the_workshops_page(app, view, facilitator):
    at = open_login(app, view, user=facilitator)

    assert at.title[0].value == "Workshops"
    assert "Brugernavn" not in [t.label for t in at.text_input]


def test_a_logged_in_session_with_a_workshop_in_the_url_is_sent_back_to_its_screen(
    app, view, facilitator, make_workshop
):
    workshop = make_workshop("Temadag i Lager Nord")

    at = open_login(app, view, user=facilitator, query={"w": workshop.code})

    assert "Temadag i Lager Nord" in view.text(at)
    assert at.query_params["w"] == workshop.code


def test_logging_out_ends_the_facilitator_session(app, view, facilitator, make_workshop):
    make_workshop("Annas temadag")
    at = open_login(app, view)
    at.text_input[0].input(facilitator)
    at.text_input[1].input(view.PASSWORD)
    view.ok(view.button(at, "Log ind").click().run())
    view.ok(at.run())  # the rerun the cookie component makes once the browser stored the cookie
    # The browser is now at /workshops (AppTest would otherwise keep asking for /facilitator).
    view.ok(at.switch_page("pages/workshops.py").run())
    assert "Annas temadag" in view.text(at)

    view.ok(view.button(at, "Log ud").click().run())

    assert at.session_state["authentication_status"] is None
    assert at.session_state["username"] is None
    # A shared laptop must not go on showing the facilitator's workshops.
    assert "Annas temadag" not in view.text(at)
    assert "Log ud" not in [b.label for b in at.button]
    view.ok(at.run())
    assert "Annas temadag" not in view.text(at)
    assert "Log ud" not in [b.label for b in at.button]

    # The login gate (in the browser it answers at /workshops too) asks the browser to delete
    # the re-login cookie on every run: a rerun that came before the browser ran the deletion
    # must not leave the cookie to log the next reload straight back in.
    view.ok(at.switch_page("pages/login.py").run())
    assert [t.label for t in at.text_input] == ["Brugernavn", "Adgangskode"]
    assert _cookie_deletions(at) == ["fea_facilitator"]
    view.ok(at.run())
    assert _cookie_deletions(at) == ["fea_facilitator"]

    # Logging in again stops it.
    at.text_input[0].input(facilitator)
    at.text_input[1].input(view.PASSWORD)
    view.ok(view.button(at, "Log ind").click().run())
    assert _cookie_deletions(at) == []


def _cookie_deletions(at) -> list[str]:
    import json

    calls = [json.loads(c.proto.json_args) for c in at.get("component_instance")]
    return [c["cookie"] for c in calls if c.get("method") == "delete"]


def test_a_login_hands_streamlit_authenticator_a_signed_cookie_for_the_user(app, view, store, facilitator):
    import json

    import jwt

    at = open_login(app, view)
    at.text_input[0].input(facilitator)
    at.text_input[1].input(view.PASSWORD)
    view.ok(view.button(at, "Log ind").click().run())

    calls = [json.loads(c.proto.json_args) for c in at.get("component_instance")]
    [cookie] = [c for c in calls if c.get("method") == "set"]
    assert cookie["cookie"] == "fea_facilitator"
    assert cookie["options"]["sameSite"] == "strict"
    payload = jwt.decode(cookie["value"], accounts.cookie_key(store), algorithms=["HS256"])
    assert payload["username"] == facilitator


def test_a_wrong_password_sets_no_cookie(app, view, facilitator):
    import json

    at = open_login(app, view)
    at.text_input[0].input(facilitator)
    at.text_input[1].input("not-the-password")
    view.ok(view.button(at, "Log ind").click().run())

    calls = [json.loads(c.proto.json_args) for c in at.get("component_instance")]
    assert [c["method"] for c in calls] == ["getAll"]  # only streamlit-authenticator's cookie read


def test_the_first_account_command_uses_python3_on_a_system_python(monkeypatch):
    monkeypatch.setattr(sys, "prefix", sys.base_prefix)
    assert first_account_command() == 'python3 -m fea_core.accounts create USERNAME --name "Navn Efternavn"'


def test_the_first_account_command_uses_the_apps_own_virtual_environment_relative_to_its_folder(monkeypatch):
    from ui import auth

    monkeypatch.setattr(sys, "prefix", str(auth._APP_FOLDER / ".venv"))
    monkeypatch.setattr(sys, "executable", str(auth._APP_FOLDER / ".venv" / "bin" / "python"))
    assert first_account_command() == '.venv/bin/python3 -m fea_core.accounts create USERNAME --name "Navn Efternavn"'


def test_the_first_account_command_names_a_virtual_environment_elsewhere_in_full(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    assert first_account_command() == f'{tmp_path}/bin/python3 -m fea_core.accounts create USERNAME --name "Navn Efternavn"'
