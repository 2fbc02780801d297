"""Roles in the pages: what each kind of account sees on every facilitator page and download, and the
attacks: a facilitator taking over another account, the steering group reading raw interview notes,
a removed co-facilitator coming back. (fea_core refuses the same in tests/test_roles.py,
tests/test_sharing.py and tests/test_interview_confidentiality.py.)"""

from __future__ import annotations

from datetime import date

import pytest

from fea_core import accounts, courses, decisions, items, sharing, workshops
from fea_core import interviews as iv
from fea_core.model import ACTIVITY_IDEAS, ACTIVITY_IMPLEMENT
from tests.interview_fixtures import fill_interviews

NOT_FOUND = "Workshoppen findes ikke, eller den er ikke din."
COURSE_NOT_FOUND = "Forløbet findes ikke, eller du har ikke adgang til det."
REQUIRED = "Denne side er kun for facilitatorer. Log ind først."
WRONG = "Forkert brugernavn eller adgangskode."
PASSWORD = "en-god-lang-kode"
HANDLEPLAN_DOWNLOADS = ["Word", "PDF", "Markdown (.zip med figurer)", "Excel (rådata)"]


def open_page(app, view, user, page, query=None):
    at = view.ok(app(user=user, query=query).run())
    return view.ok(at.switch_page(page).run())


def everything(at) -> str:
    """Every element the last run rendered, as protobuf text (tables, code blocks and downloads too)."""
    found = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(found)


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def downloads(at) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


@pytest.fixture
def room(store, facilitator):
    """bent owns a workshop in trin 6 with two interviews, in his forløb.

    anna: the administrator (first account), on nothing; carla: plain co-facilitator; dorte:
    co-facilitator named for the notes; erik: the forløb's steering group; frida: a stranger;
    gustav: was named for the notes and in the steering group, then deactivated.
    """
    for username in ("bent", "carla", "dorte", "erik", "frida", "gustav"):
        accounts.create_facilitator(store, username, username.title(), PASSWORD)
    workshop = workshops.create_workshop(store, name="Bents temadag", department="Lager", held_on=date(2025, 3, 14),
                                         theme="Social kapital", language="da", owner="bent")
    workshops.set_activity(store, workshop.id, ACTIVITY_IDEAS)
    idea = items.add_item_as_facilitator(store, workshop.id, "idea", "Fast tavlemøde kl. 7.45")
    decisions.choose_idea(store, workshop.id, idea.id)
    workshop = workshops.set_activity(store, workshop.id, ACTIVITY_IMPLEMENT)
    markers = fill_interviews(store, workshop.id)
    for username in ("carla", "dorte", "gustav"):
        sharing.share_workshop(store, workshop.id, username, by="bent")
    for username in ("dorte", "gustav"):
        sharing.grant_interview_notes(store, workshop.id, username, by="bent")
    course = courses.create_course(store, name="Bents forløb", department="Lager", starts_on=date(2025, 1, 1),
                                   language="da", owner="bent")
    courses.add_workshop(store, course.id, workshop.id, by="bent")
    for username in ("erik", "gustav"):
        courses.add_course_facilitator(store, course.id, username, by="bent")
    accounts.deactivate_facilitator(store, "gustav", by="anna")
    [link] = iv.list_links(store, workshop.id, by="bent")
    return workshop, course, markers, link.token


# kind: (username, runs the workshop, reads raw notes, follows the forløb, administrator)
KINDS = {
    "owner": ("bent", True, True, True, False),
    "co-facilitator": ("carla", True, False, False, False),
    "notes-granted co-facilitator": ("dorte", True, True, False, False),
    "steering group": ("erik", True, False, True, False),
    "stranger": ("frida", False, False, False, False),
    "administrator on nothing": ("anna", False, False, False, True),
    "deactivated": ("gustav", False, False, False, False),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_facilitator_page_and_download_shows_each_kind_of_account_only_what_it_may_see(app, view, room, kind):
    workshop, course, markers, token = room
    user, runs, reads_notes, follows, admin = KINDS[kind]
    secret_notes = markers["notes"] + markers["advice"]
    if kind == "deactivated":
        # A deactivated account's session ends at its first run: it gets the login form, no page.
        at = view.ok(app(user=user, query={"w": workshop.code}).run())
        with pytest.raises(ValueError):
            at.switch_page("pages/workshops.py")  # not even registered for this session
        login = view.ok(at.switch_page("pages/login.py").run())
        assert "Du er logget ud" in view.text(login)
        for shown in (at, login):
            assert "Bents temadag" not in everything(shown) and "RAWNOTE" not in everything(shown)
            assert downloads(shown) == []
        return

    listing = open_page(app, view, user, "pages/workshops.py")
    assert ("Bents temadag" in view.text(listing)) is runs
    assert ("Bents forløb" in view.text(listing)) is follows

    screen = open_page(app, view, user, "pages/screen.py", {"w": workshop.code})
    assert (errors(screen) == [NOT_FOUND]) is not runs
    assert downloads(screen) == (HANDLEPLAN_DOWNLOADS if runs else [])
    assert "RAWNOTE" not in everything(screen) and token not in everything(screen)

    page = open_page(app, view, user, "pages/interviews.py", {"w": workshop.code})
    assert (errors(page) == [NOT_FOUND]) is not runs
    assert bool(page.toggle) is reads_notes
    assert (token in everything(page)) is reads_notes  # an interviewer link's token reads its notes
    assert "RAWNOTE" not in everything(page)  # folded until asked, even for a reader
    assert downloads(page) == []  # raw notes are never offered as a file
    if reads_notes:
        view.ok(page.toggle(key="show_raw_notes").set_value(True).run())
        assert all(note in view.text(page) for note in secret_notes[:3])
    elif runs:
        assert "Interviewerlinks og de rå noter ses kun af workshoppens ejer" in view.text(page)
        assert "Overblik på tværs af interviews" in view.text(page)  # the anonymous overview is theirs

    forløb = open_page(app, view, user, "pages/course.py", {"c": str(course.id)})
    assert (errors(forløb) == [COURSE_NOT_FOUND]) is not follows
    assert downloads(forløb) == (["Word", "PDF"] if follows else [])
    assert "RAWNOTE" not in everything(forløb)

    people = open_page(app, view, user, "pages/facilitators.py")
    headings = [s.value for s in people.subheader]
    if kind == "deactivated":
        assert errors(people) == [REQUIRED] and headings == []
    elif admin:
        assert "Revisionslog" in headings and "Nulstil en adgangskode" in headings
    else:
        assert headings == ["Skift min adgangskode"]
        assert not people.dataframe and "frida" not in view.text(people)


# --- a facilitator cannot manage accounts --------------------------------------------------------


def test_a_facilitator_on_the_facilitators_page_gets_only_their_own_password_and_no_account_list(
    app, view, store, facilitator, room
):
    at = open_page(app, view, "carla", "pages/facilitators.py")

    assert [s.value for s in at.subheader] == ["Skift min adgangskode"]
    labels = [b.label for b in at.button]
    assert "Opret facilitator" not in labels and "Gem ny adgangskode" not in labels and "Deaktivér" not in labels
    assert not at.selectbox and not at.dataframe
    assert "Kun en administrator opretter og deaktiverer konti" in view.text(at)
    assert "bent" not in everything(at) and "anna" not in everything(at)


def test_an_administrator_demoted_while_the_page_is_open_loses_the_forms_on_the_next_run(
    app, view, store, facilitator, room
):
    accounts.set_role(store, "bent", accounts.ADMIN, by="anna")
    at = open_page(app, view, "bent", "pages/facilitators.py")
    assert "Opret facilitator" in [b.label for b in at.button]

    accounts.set_role(store, "bent", accounts.FACILITATOR, by="anna")
    at.text_input(key="reset_new").input("bent-tager-anna")
    at.text_input(key="reset_again").input("bent-tager-anna")
    view.ok(view.button(at, "Gem ny adgangskode").click().run())

    assert "Gem ny adgangskode" not in [b.label for b in at.button]
    assert accounts.verify_login(store, "anna", view.PASSWORD).ok
    assert not accounts.verify_login(store, "anna", "bent-tager-anna").ok


def test_a_facilitator_changes_their_own_password_only_with_the_current_one(app, view, store, facilitator, room):
    at = open_page(app, view, "carla", "pages/facilitators.py")

    at.text_input(key="own_current").input("not-my-password")
    at.text_input(key="own_new").input("carlas-nye-kode")
    at.text_input(key="own_again").input("carlas-nye-kode")
    view.ok(view.button(at, "Skift adgangskode").click().run())
    assert errors(at) == ["Den nuværende adgangskode er forkert. Intet er ændret."]
    assert accounts.verify_login(store, "carla", PASSWORD).ok

    at.text_input(key="own_current").input(PASSWORD)
    at.text_input(key="own_new").input("carlas-nye-kode")
    at.text_input(key="own_again").input("carlas-nye-kode")
    view.ok(view.button(at, "Skift adgangskode").click().run())
    assert [s.value for s in at.success] == [
        "Din adgangskode er ændret. Alle dine logins er afsluttet: log ind igen med den nye."]
    assert accounts.verify_login(store, "carla", "carlas-nye-kode").ok


def test_the_administrator_deactivates_an_account_handing_its_workshops_over_and_reads_it_in_the_audit_log(
    app, view, store, facilitator, room
):
    workshop = room[0]
    at = open_page(app, view, facilitator, "pages/facilitators.py")

    at.selectbox(key="deactivate_who").set_value("bent")
    at.selectbox(key="deactivate_successor").set_value("dorte")
    view.ok(view.button(at, "Deaktivér").click().run())

    assert [s.value for s in at.success] == ["bent er deaktiveret; 1 workshops og 1 forløb er flyttet."]
    assert workshops.get_workshop(store, workshop.id).owner == "dorte"
    assert "Bent (bent)" in at.selectbox(key="reactivate_who").options
    log = at.dataframe[-1].value  # the audit log: the last table on the page
    assert list(log["Hvad"][:3]) == ["overtog forløb", "overtog workshop", "deaktiverede konto"]
    assert list(log["Hvem"][:3]) == ["anna", "anna", "anna"]
    assert list(log["Hvem det gjaldt"][:3]) == ["dorte", "dorte", "bent"]
    assert PASSWORD not in everything(at) and "$2b$" not in everything(at)
    login = view.ok(app().run())
    view.ok(login.switch_page("pages/login.py").run())
    login.text_input[0].input("bent")
    login.text_input[1].input(PASSWORD)
    view.ok(view.button(login, "Log ind").click().run())
    assert errors(login) == [WRONG]  # the same answer as a wrong password


def test_the_administrator_moves_a_deactivated_accounts_work_later(app, view, store, facilitator, room):
    workshop, course, _, _ = room
    accounts.deactivate_facilitator(store, "bent", by="anna")
    at = open_page(app, view, facilitator, "pages/facilitators.py")
    assert sharing.can_facilitate(store, workshops.get_workshop(store, workshop.id), "carla")  # still runs it

    at.selectbox(key="hand_over_from").set_value("bent")
    at.selectbox(key="hand_over_to").set_value("erik")
    view.ok(view.button(at, "Flyt").click().run())

    assert [s.value for s in at.success] == ["1 workshops og 1 forløb er flyttet fra bent til erik."]
    assert workshops.get_workshop(store, workshop.id).owner == "erik"
    assert courses.get_course(store, course.id).owner == "erik"
    assert courses.course_facilitators(store, course.id) == ["gustav"]  # erik owns it now


def test_the_last_administrator_cannot_deactivate_themselves_on_the_page(app, view, store, facilitator, room):
    at = open_page(app, view, facilitator, "pages/facilitators.py")

    at.selectbox(key="deactivate_who").set_value("anna")
    view.ok(view.button(at, "Deaktivér").click().run())

    assert errors(at) == [
        "anna er den sidste aktive administrator. Gør først en anden til administrator; serveren må aldrig stå uden."]
    assert accounts.get_facilitator(store, "anna").is_admin


# --- raw interview notes ---------------------------------------------------------------------------


def test_a_steering_group_account_cannot_open_the_raw_notes_by_any_url(app, view, store, facilitator, room):
    workshop, course, markers, token = room
    for query in ({"w": workshop.code}, {"w": workshop.code, "show_raw_notes": "true"}):
        at = open_page(app, view, "erik", "pages/interviews.py", query)
        assert not at.toggle
        assert "RAWNOTE" not in everything(at) and token not in everything(at)
    with pytest.raises(iv.NotNotesReader):
        iv.all_interviews(store, workshop.id, by="erik")


def test_a_removed_co_facilitator_who_comes_back_sees_nothing_and_regains_no_notes(
    app, view, store, facilitator, room
):
    workshop, _, markers, _ = room
    at = open_page(app, view, "dorte", "pages/interviews.py", {"w": workshop.code})
    view.ok(at.toggle(key="show_raw_notes").set_value(True).run())
    assert markers["notes"][0] in view.text(at)

    sharing.unshare_workshop(store, workshop.id, "dorte", by="bent")
    view.ok(at.run())  # the same open page, its next run

    assert errors(at) == [NOT_FOUND]
    assert "RAWNOTE" not in everything(at)
    sharing.share_workshop(store, workshop.id, "dorte", by="bent")
    again = open_page(app, view, "dorte", "pages/interviews.py", {"w": workshop.code})
    assert not again.toggle and "RAWNOTE" not in everything(again)


def test_the_owner_grants_and_revokes_notes_access_on_the_control_view(app, view, store, facilitator, room):
    workshop = room[0]
    at = open_page(app, view, "bent", "pages/control.py", {"w": workshop.code})
    assert "Carla (carla)" in view.text(at) and "Dorte (dorte) · læser rå noter" in view.text(at)

    view.ok(at.button(key="notes_on_carla").click().run())
    assert sharing.can_read_notes(store, workshop, "carla")
    view.ok(at.button(key="notes_off_dorte").click().run())
    assert not sharing.can_read_notes(store, workshop, "dorte")
    assert sharing.can_facilitate(store, workshop, "dorte")
    view.ok(at.button(key="unshare_carla").click().run())
    assert not sharing.can_facilitate(store, workshop, "carla")
    assert not sharing.can_read_notes(store, workshop, "carla")


def test_a_co_facilitator_gets_no_notes_or_sharing_controls_on_the_screen(app, view, store, facilitator, room):
    at = open_page(app, view, "dorte", "pages/screen.py", {"w": room[0].code})
    keys = [b.key for b in at.button if b.key]
    assert not [k for k in keys if k.startswith(("notes_on_", "notes_off_", "unshare_"))]


def test_the_owner_removes_a_steering_group_member_on_the_forlobs_page_and_their_screen_ends(
    app, view, store, facilitator, room
):
    workshop, course, _, _ = room
    screen = open_page(app, view, "erik", "pages/screen.py", {"w": workshop.code})
    assert not errors(screen)
    owner = open_page(app, view, "bent", "pages/course.py", {"c": str(course.id)})

    view.ok(owner.button(key="course_remove_erik").click().run())

    assert courses.course_facilitators(store, course.id) == ["gustav"]
    view.ok(screen.run())
    assert errors(screen) == [NOT_FOUND]
    member = open_page(app, view, "erik", "pages/course.py", {"c": str(course.id)})
    assert errors(member) == [COURSE_NOT_FOUND]


def test_a_steering_group_member_gets_no_remove_buttons(app, view, store, facilitator, room):
    course = room[1]
    at = open_page(app, view, "erik", "pages/course.py", {"c": str(course.id)})
    assert not [b for b in at.button if (b.key or "").startswith("course_remove_")]


def test_the_administrators_page_and_its_audit_log_speak_english_with_lang_en(app, view, store, facilitator, room):
    at = open_page(app, view, facilitator, "pages/facilitators.py", {"lang": "en"})

    assert [s.value for s in at.subheader] == [
        "Add a facilitator", "Deactivate an account", "Reactivate an account",
        "Move a deactivated account's workshops and courses",
        "Reset a password", "All facilitators", "Change my password", "Audit log",
    ]
    log = at.dataframe[-1].value
    assert list(log.columns) == ["When (UTC)", "Who", "What", "Whom", "Details"]
    assert list(log["What"][:1]) == ["deactivated account"]
    assert "allowed raw notes" in list(log["What"])


def test_a_facilitators_page_for_a_facilitator_speaks_english_too(app, view, store, facilitator, room):
    at = open_page(app, view, "carla", "pages/facilitators.py", {"lang": "en"})

    assert [s.value for s in at.subheader] == ["Change my password"]
    at.text_input(key="own_current").input("wrong-password-x")
    at.text_input(key="own_new").input("carlas-new-password")
    at.text_input(key="own_again").input("carlas-new-password")
    view.ok(view.button(at, "Change password").click().run())
    assert errors(at) == ["The current password is wrong. Nothing was changed."]
