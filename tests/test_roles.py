"""Roles: administrators manage accounts, facilitators change only their own password; deactivation,
hand-over and the audit log. The rules live in fea_core.accounts, so they are tested here without
any page, on both databases (every process of a deployment shares the accounts)."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import bcrypt
import pytest
from sqlalchemy import select

from fea_core import accounts, audit, courses, schema, sharing
from fea_core.accounts import (
    ADMIN,
    FACILITATOR,
    InvalidAccount,
    LastAdministrator,
    NotAdministrator,
    change_own_password,
    create_facilitator,
    deactivate_facilitator,
    hand_over_work,
    reactivate_facilitator,
    set_password,
    set_role,
    verify_login,
)
from fea_core.errors import UnknownFacilitator
from fea_core.logins import login_is_current
from fea_core.roles import ServerShell
from fea_core.storage import utcnow
from fea_core.workshops import create_workshop, get_workshop

pytestmark = pytest.mark.databases("sqlite", "postgresql")

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new password"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    real_gensalt = bcrypt.gensalt
    monkeypatch.setattr(accounts.bcrypt, "gensalt", lambda *a, **k: real_gensalt(rounds=4))


@pytest.fixture
def people(fresh_store):
    """anne (the first account: administrator), bent and carla (facilitators)."""
    for username in ("anne", "bent", "carla"):
        create_facilitator(fresh_store, username, username.title(), PASSWORD)
    return fresh_store


def role_of(store, username):
    return accounts.get_facilitator(store, username).role


def log(store):
    """The audit log as (actor, action, target, detail), oldest first (read by the command line)."""
    return [(e.actor, e.action, e.target, e.detail) for e in reversed(audit.entries(store, by=ServerShell("t"), limit=500))]


def make_workshop(store, owner: str, name: str = "Temadag"):
    return create_workshop(store, name=name, department="Lager", held_on=date(2025, 3, 14), theme="Tema",
                           language="da", owner=owner)


# --- the first account, and who may manage accounts ---------------------------------------------


def test_the_first_account_ever_is_an_administrator_and_later_ones_are_facilitators(people):
    assert [(f.username, f.role, f.active) for f in accounts.list_facilitators(people)] == [
        ("anne", ADMIN, True), ("bent", FACILITATOR, True), ("carla", FACILITATOR, True)]


def test_an_administrator_creates_an_account_and_a_facilitator_cannot(people):
    create_facilitator(people, "dorte", "Dorte", PASSWORD, by="anne")
    with pytest.raises(NotAdministrator):
        create_facilitator(people, "eve", "Eve", PASSWORD, by="bent")
    assert accounts.get_facilitator(people, "dorte").role == FACILITATOR
    assert accounts.get_facilitator(people, "eve") is None


def test_a_facilitator_cannot_reset_another_accounts_password(people):
    with pytest.raises(NotAdministrator):
        set_password(people, "anne", "bent-took-over-anne", by="bent")
    assert verify_login(people, "anne", PASSWORD).ok
    assert not verify_login(people, "anne", "bent-took-over-anne").ok


@pytest.mark.parametrize(
    "attempt",
    [
        lambda s: set_role(s, "bent", ADMIN, by="bent"),
        lambda s: set_role(s, "anne", FACILITATOR, by="bent"),
        lambda s: deactivate_facilitator(s, "carla", by="bent"),
        lambda s: deactivate_facilitator(s, "anne", by="bent", hand_over_to="bent"),
        lambda s: reactivate_facilitator(s, "carla", by="bent"),
        lambda s: hand_over_work(s, "carla", "bent", by="bent"),
        lambda s: audit.entries(s, by="bent"),
        lambda s: audit.count(s, by="bent"),
    ],
    ids=["promote self", "demote admin", "deactivate", "deactivate with hand-over", "reactivate", "hand over",
         "read audit log", "count audit log"],
)
def test_a_facilitator_can_do_no_administrators_work(people, attempt):
    with people.read() as conn:
        before = conn.execute(select(schema.facilitators).order_by(schema.facilitators.c.id)).all()
    with pytest.raises(NotAdministrator):
        attempt(people)
    with people.read() as conn:
        assert conn.execute(select(schema.facilitators).order_by(schema.facilitators.c.id)).all() == before


@pytest.mark.parametrize("by", ["nobody", "", "ANNE-impostor", "cli:root", "system"])
def test_an_unknown_name_or_a_string_that_looks_like_the_command_line_is_no_administrator(people, by):
    with pytest.raises(NotAdministrator):
        set_password(people, "bent", NEW_PASSWORD, by=by)
    assert verify_login(people, "bent", PASSWORD).ok


def test_a_deactivated_or_demoted_administrator_loses_the_power_at_once(people):
    set_role(people, "bent", ADMIN, by="anne")
    deactivate_facilitator(people, "anne", by="bent")
    with pytest.raises(NotAdministrator):
        create_facilitator(people, "dorte", "Dorte", PASSWORD, by="anne")
    set_role(people, "carla", ADMIN, by="bent")
    set_role(people, "bent", FACILITATOR, by="carla")
    with pytest.raises(NotAdministrator):
        reactivate_facilitator(people, "anne", by="bent")


# --- passwords ------------------------------------------------------------------------------------


def test_an_administrator_resets_a_password_which_ends_every_login_of_that_account(people):
    began = utcnow()
    assert login_is_current(people, "bent", began)
    set_password(people, "bent", NEW_PASSWORD, by="anne")
    assert not login_is_current(people, "bent", began)
    assert verify_login(people, "bent", NEW_PASSWORD).ok
    assert not verify_login(people, "bent", PASSWORD).ok


def test_an_administrator_changes_their_own_password_only_with_the_current_one(people):
    with pytest.raises(InvalidAccount) as raised:
        set_password(people, "anne", NEW_PASSWORD, by="anne")
    assert raised.value.params["reason"] == "own_password"
    assert verify_login(people, "anne", PASSWORD).ok


def test_a_facilitator_changes_their_own_password_giving_the_current_one_and_their_logins_end(people):
    began = utcnow()
    change_own_password(people, "bent", PASSWORD, NEW_PASSWORD, password_again=NEW_PASSWORD)
    assert not login_is_current(people, "bent", began)
    assert verify_login(people, "bent", NEW_PASSWORD).ok
    assert verify_login(people, "anne", PASSWORD).ok  # nobody else's password moved


def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failed_login(people):
    with pytest.raises(InvalidAccount) as raised:
        change_own_password(people, "bent", "not the password", NEW_PASSWORD)
    assert raised.value.params["reason"] == "current_wrong"
    assert accounts.login_failures(people, "bent")[0] == 1
    for _ in range(accounts.LOCK_AFTER_FAILURES - 1):
        with pytest.raises(InvalidAccount):
            change_own_password(people, "bent", "not the password", NEW_PASSWORD)
    with pytest.raises(InvalidAccount) as locked:
        change_own_password(people, "bent", PASSWORD, NEW_PASSWORD)  # even the right one, while locked
    assert locked.value.params["reason"] == "locked" and locked.value.params["seconds"] > 0
    assert not verify_login(people, "bent", NEW_PASSWORD).ok


# --- never without an administrator --------------------------------------------------------------


def test_the_last_active_administrator_can_be_neither_demoted_nor_deactivated(people):
    with pytest.raises(LastAdministrator) as raised:
        set_role(people, "anne", FACILITATOR, by="anne")
    assert raised.value.params == {"username": "anne"}
    with pytest.raises(LastAdministrator):
        deactivate_facilitator(people, "anne", by="anne")
    with pytest.raises(LastAdministrator):
        set_role(people, "anne", FACILITATOR, by=ServerShell("root"))  # not even from the command line
    assert accounts.get_facilitator(people, "anne").is_admin


def test_with_a_second_administrator_the_first_can_step_down(people):
    set_role(people, "bent", ADMIN, by="anne")
    set_role(people, "anne", FACILITATOR, by="bent")
    assert (role_of(people, "anne"), role_of(people, "bent")) == (FACILITATOR, ADMIN)
    with pytest.raises(LastAdministrator):
        deactivate_facilitator(people, "bent", by="bent")


def test_a_deactivated_administrator_does_not_count_as_the_one_that_remains(people):
    set_role(people, "bent", ADMIN, by="anne")
    deactivate_facilitator(people, "bent", by="anne")
    with pytest.raises(LastAdministrator):
        set_role(people, "anne", FACILITATOR, by="anne")


# --- deactivation ---------------------------------------------------------------------------------


def test_a_deactivated_account_is_refused_with_the_same_answer_as_a_wrong_password(people):
    began = utcnow()
    deactivate_facilitator(people, "bent", by="anne")
    right = verify_login(people, "bent", PASSWORD)
    wrong = verify_login(people, "carla", "not the password")
    assert (right.status, right.username, right.name) == (wrong.status, wrong.username, wrong.name)
    assert right.status == accounts.LOGIN_WRONG
    assert not login_is_current(people, "bent", began)
    assert "bent" not in accounts.authenticator_credentials(people)["usernames"]  # its cookie names no one


def test_a_reactivated_account_logs_in_again_but_its_old_logins_stay_ended(people):
    began = utcnow()
    deactivate_facilitator(people, "bent", by="anne")
    reactivate_facilitator(people, "bent", by="anne")
    assert verify_login(people, "bent", PASSWORD).ok
    assert not login_is_current(people, "bent", began)
    assert login_is_current(people, "bent", utcnow())


def test_an_unknown_account_cannot_be_deactivated_or_given_work(people):
    with pytest.raises(UnknownFacilitator):
        deactivate_facilitator(people, "nobody", by="anne")
    for successor in ("nobody", "bent"):  # unknown, or the account itself
        with pytest.raises(InvalidAccount) as raised:
            deactivate_facilitator(people, "bent", by="anne", hand_over_to=successor)
        assert raised.value.params["reason"] == "successor"
    assert accounts.get_facilitator(people, "bent").active


def test_without_a_successor_the_workshops_stay_with_their_co_facilitators_and_no_one_gains_the_notes(people):
    workshop = make_workshop(people, "bent")
    sharing.share_workshop(people, workshop.id, "carla", by="bent")
    deactivate_facilitator(people, "bent", by="anne")
    workshop = get_workshop(people, workshop.id)
    assert workshop.owner == "bent"
    assert sharing.can_facilitate(people, workshop, "carla")
    assert not sharing.can_facilitate(people, workshop, "bent")
    assert not sharing.can_read_notes(people, workshop, "carla")
    assert not sharing.can_read_notes(people, workshop, "anne")  # an administrator reads no one's notes


def test_a_named_successor_takes_over_every_workshop_and_forlob_and_stops_being_their_co_facilitator(people):
    mine, theirs = make_workshop(people, "bent", "Bents"), make_workshop(people, "anne", "Annes")
    sharing.share_workshop(people, mine.id, "carla", by="bent")
    sharing.share_workshop(people, theirs.id, "bent", by="anne")
    course = courses.create_course(people, name="Forløb", department="Lager", starts_on=date(2025, 1, 1),
                                   language="da", owner="bent")
    courses.add_course_facilitator(people, course.id, "carla", by="bent")

    moved = deactivate_facilitator(people, "bent", by="anne", hand_over_to="carla")

    assert moved == (1, 1)
    mine = get_workshop(people, mine.id)
    assert mine.owner == "carla"
    assert sharing.co_facilitators(people, mine.id) == []
    assert sharing.can_read_notes(people, mine, "carla")
    assert courses.get_course(people, course.id).owner == "carla"
    assert courses.course_facilitators(people, course.id) == []
    assert get_workshop(people, theirs.id).owner == "anne"  # what bent ran for others stays theirs
    assert [e[1] for e in log(people)][-3:] == ["account.deactivate", "workshop.hand_over", "course.hand_over"]


def test_an_already_deactivated_accounts_work_can_be_handed_over_later_to_an_active_account(people):
    workshop = make_workshop(people, "bent")
    deactivate_facilitator(people, "bent", by="anne")
    with pytest.raises(InvalidAccount):
        hand_over_work(people, "carla", "anne", by="anne")  # carla is active: deactivate her first
    deactivate_facilitator(people, "carla", by="anne")
    with pytest.raises(InvalidAccount):
        hand_over_work(people, "bent", "carla", by="anne")  # a deactivated successor
    assert hand_over_work(people, "bent", "anne", by="anne") == (1, 0)
    assert get_workshop(people, workshop.id).owner == "anne"


# --- the audit log --------------------------------------------------------------------------------


def test_every_account_change_is_logged_with_who_what_and_whom(people):
    create_facilitator(people, "dorte", "Dorte", PASSWORD, by="anne")
    set_password(people, "dorte", NEW_PASSWORD, by="anne")
    change_own_password(people, "bent", PASSWORD, NEW_PASSWORD)
    set_role(people, "carla", ADMIN, by="anne")
    set_role(people, "carla", FACILITATOR, by="anne")
    deactivate_facilitator(people, "dorte", by="anne")
    reactivate_facilitator(people, "dorte", by="anne")

    entries = log(people)
    assert entries[0][:3] == (entries[0][0], "account.create", "anne")
    assert entries[0][0].startswith("cli:") and entries[0][3] == "administrator"
    assert [e[:3] for e in entries[3:]] == [
        ("anne", "account.create", "dorte"),
        ("anne", "account.reset_password", "dorte"),
        ("bent", "account.change_password", "bent"),
        ("anne", "account.promote", "carla"),
        ("anne", "account.demote", "carla"),
        ("anne", "account.deactivate", "dorte"),
        ("anne", "account.reactivate", "dorte"),
    ]


def test_the_audit_log_never_holds_a_password_or_a_hash(people):
    set_password(people, "bent", NEW_PASSWORD, by="anne")
    change_own_password(people, "carla", PASSWORD, "carlas secret new one")
    hashes = [h["password"] for h in accounts.authenticator_credentials(people)["usernames"].values()]
    with people.read() as conn:
        rows = conn.execute(select(schema.audit_log)).all()
    text = "\n".join(str(v) for row in rows for v in row)
    for secret in (PASSWORD, NEW_PASSWORD, "carlas secret new one", *hashes, "$2b$"):
        assert secret not in text
    assert {c.name for c in schema.audit_log.columns} == {"id", "at", "actor", "action", "target", "detail"}


def test_an_administrator_reads_the_log_newest_first_a_page_at_a_time(people):
    for n in range(7):
        create_facilitator(people, f"person{n}", f"Person {n}", PASSWORD, by="anne")
    assert audit.count(people, by="anne") == 10
    first = audit.entries(people, by="anne", limit=4)
    second = audit.entries(people, by="anne", limit=4, offset=4)
    assert [e.target for e in first] == ["person6", "person5", "person4", "person3"]
    assert [e.target for e in second] == ["person2", "person1", "person0", "carla"]
    assert first[0].at >= first[-1].at


# --- the command line -----------------------------------------------------------------------------


def run_cli(monkeypatch, store_url, *argv) -> int:
    monkeypatch.setenv("FEA_DATABASE_URL", store_url)
    monkeypatch.setenv("FEA_NEW_PASSWORD", PASSWORD)
    return accounts.main(list(argv))


def test_the_command_line_creates_the_first_administrator_and_promotes_demotes_and_deactivates(
    fresh_store, store_url, monkeypatch, capsys
):
    assert run_cli(monkeypatch, store_url, "create", "anne", "--name", "Anne") == 0
    assert run_cli(monkeypatch, store_url, "create", "bent", "--name", "Bent") == 0
    assert role_of(fresh_store, "anne") == ADMIN and role_of(fresh_store, "bent") == FACILITATOR

    assert run_cli(monkeypatch, store_url, "promote", "bent") == 0
    assert run_cli(monkeypatch, store_url, "demote", "anne") == 0
    assert (role_of(fresh_store, "anne"), role_of(fresh_store, "bent")) == (FACILITATOR, ADMIN)
    workshop = make_workshop(fresh_store, "anne")
    assert run_cli(monkeypatch, store_url, "deactivate", "anne", "--hand-over-to", "bent") == 0
    assert get_workshop(fresh_store, workshop.id).owner == "bent"
    assert not verify_login(fresh_store, "anne", PASSWORD).ok
    assert run_cli(monkeypatch, store_url, "reactivate", "anne") == 0
    assert verify_login(fresh_store, "anne", PASSWORD).ok
    assert run_cli(monkeypatch, store_url, "set-password", "anne") == 0

    actors = {e[0] for e in log(fresh_store)}
    assert len(actors) == 1 and actors.pop().startswith("cli:")


def test_the_command_line_refuses_to_leave_the_server_without_an_administrator(
    fresh_store, store_url, monkeypatch, capsys
):
    run_cli(monkeypatch, store_url, "create", "anne", "--name", "Anne")
    capsys.readouterr()
    assert run_cli(monkeypatch, store_url, "demote", "anne") == 2
    assert "anne is the last active administrator; promote another account first" in capsys.readouterr().err
    assert run_cli(monkeypatch, store_url, "deactivate", "anne") == 2
    assert accounts.get_facilitator(fresh_store, "anne").is_admin


# --- the pages always name who acts ---------------------------------------------------------------

CHECKED = {
    "create_facilitator", "set_password", "set_role", "deactivate_facilitator", "reactivate_facilitator",
    "hand_over_work", "share_workshop", "unshare_workshop", "grant_interview_notes", "revoke_interview_notes",
    "add_course_facilitator", "remove_course_facilitator", "create_link", "list_links", "revoke_link",
    "all_interviews", "entries", "count",
}
MODULES = {"accounts", "sharing", "courses", "iv", "interviews", "audit"}  # how pages/ and ui/ import them


def test_no_page_or_ui_module_calls_an_account_or_sharing_change_without_naming_who_acts():
    missing = []
    calls = 0
    for path in [*sorted((REPO / "pages").glob("*.py")), *sorted((REPO / "ui").rglob("*.py")), REPO / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CHECKED:
                if getattr(node.func.value, "id", "") not in MODULES:
                    continue  # e.g. participation.set_role: a phone's group, not an account's role
                calls += 1
                if "by" not in {k.arg for k in node.keywords}:
                    missing.append(f"{path.name}:{node.lineno} {node.func.attr}")
        # _apply(sharing.x, ...) passes by= itself: checked in ui/sharing_view.py below.
    assert calls >= 10  # the scan found the pages' calls: the check is not vacuous
    assert missing == []
    sharing_view = (REPO / "ui" / "sharing_view.py").read_text(encoding="utf-8")
    assert "action(store(), workshop.id, user, by=by)" in sharing_view
