"""Security in the pages: login throttling, managing facilitators, co-facilitators, join-code guessing."""

from __future__ import annotations

import re

import pytest

from fea_core import accounts, participation, sharing

NOT_FOUND = "Workshoppen findes ikke, eller den er ikke din."
WRONG = "Forkert brugernavn eller adgangskode."
LOCKED = re.compile(r"^For mange forkerte forsøg\. Prøv igen om (\d+) sekunder\.$")
TOO_MANY_CODES = re.compile(r"^For mange forsøg med forkerte koder\. Vent (\d+) sekunder og prøv igen\.$")
BENT_PASSWORD = "bents-hemmelige-kode"


def open_login(app, view, **kwargs):
    at = view.ok(app(**kwargs).run())
    return view.ok(at.switch_page("pages/login.py").run())


def try_login(at, view, username, password):
    """Submit the login form; after a success, rerun as the browser does once the cookie is stored."""
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    view.ok(view.button(at, "Log ind").click().run())
    if at.session_state["authentication_status"] is True:
        view.ok(at.run())
    return at


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def open_page(app, view, user, page, query=None):
    at = view.ok(app(user=user, query=query).run())
    return view.ok(at.switch_page(page).run())


@pytest.fixture
def bent(store, facilitator) -> str:
    accounts.create_facilitator(store, "bent", "Bent Berg", BENT_PASSWORD)
    return "bent"


@pytest.fixture
def carla(store, facilitator) -> str:
    accounts.create_facilitator(store, "carla", "Carla Krog", "carlas-hemmelige-kode")
    return "carla"


# --- login throttling ------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused(app, view, facilitator):
    at = open_login(app, view)
    for _ in range(accounts.LOCK_AFTER_FAILURES):
        try_login(at, view, facilitator, "not-the-password")
        assert errors(at) == [WRONG]

    try_login(at, view, facilitator, view.PASSWORD)

    [message] = errors(at)
    assert LOCKED.match(message), message
    assert 1 <= int(LOCKED.match(message).group(1)) <= accounts.FIRST_LOCK_SECONDS
    assert at.session_state["authentication_status"] is False
    assert "Workshops" not in [t.value for t in at.title]
    assert [t.label for t in at.text_input] == ["Brugernavn", "Adgangskode"]


def test_the_lock_holds_in_a_new_session_too(app, view, facilitator):
    at = open_login(app, view)
    for _ in range(accounts.LOCK_AFTER_FAILURES):
        try_login(at, view, facilitator, "not-the-password")

    again = try_login(open_login(app, view), view, facilitator, view.PASSWORD)

    assert LOCKED.match(errors(again)[0])


def test_an_unknown_username_gets_the_same_messages_as_a_known_one(app, view, facilitator):
    known, unknown = open_login(app, view), open_login(app, view)
    for _ in range(accounts.LOCK_AFTER_FAILURES):
        try_login(known, view, facilitator, "not-the-password")
        try_login(unknown, view, "nobody", "not-the-password")
        assert errors(known) == errors(unknown) == [WRONG]

    try_login(known, view, facilitator, "not-the-password")
    try_login(unknown, view, "nobody", "not-the-password")

    assert LOCKED.match(errors(known)[0]) and LOCKED.match(errors(unknown)[0])


def test_the_lock_message_speaks_english_with_lang_en(app, view, facilitator):
    at = open_login(app, view, query={"lang": "en"})
    for _ in range(accounts.LOCK_AFTER_FAILURES + 1):
        at.text_input[0].input(facilitator)
        at.text_input[1].input("not-the-password")
        view.ok(view.button(at, "Log in").click().run())

    assert re.match(r"^Too many wrong attempts\. Try again in \d+ seconds\.$", errors(at)[0])


def test_a_successful_login_after_some_failures_clears_them(app, view, store, facilitator):
    at = open_login(app, view)
    for _ in range(accounts.LOCK_AFTER_FAILURES - 1):
        try_login(at, view, facilitator, "not-the-password")

    try_login(at, view, facilitator, view.PASSWORD)

    assert at.session_state["authentication_status"] is True
    assert at.title[0].value == "Workshops"
    assert accounts.login_failures(store, facilitator) == (0, None)


# --- the facilitators page -------------------------------------------------------------------------


def add_facilitator(at, view, username, name, password, again=None):
    form = {t.label: t for t in at.text_input}
    form["Brugernavn"].input(username)
    form["Fulde navn"].input(name)
    form["Adgangskode"].input(password)
    form["Adgangskode igen"].input(password if again is None else again)
    return view.ok(view.button(at, "Opret facilitator").click().run())


def test_the_facilitators_page_lists_the_accounts_and_offers_an_administrator_every_form(app, view, facilitator, bent):
    at = open_page(app, view, facilitator, "pages/facilitators.py")

    assert at.title[0].value == "Facilitatorer"
    assert [s.value for s in at.subheader] == [
        "Tilføj en facilitator", "Deaktivér en konto", "Genaktivér en konto",
        "Nulstil en adgangskode", "Alle facilitatorer", "Skift min adgangskode", "Revisionslog",
    ]
    # An administrator resets others' passwords there, never their own (that needs the current one).
    assert at.selectbox(key="reset_who").options == ["Bent Berg (bent)"]
    assert list(at.dataframe[0].value["Brugernavn"]) == ["anna", "bent"]
    assert list(at.dataframe[0].value["Rolle"]) == ["Administrator", "Facilitator"]
    assert [t.proto.type for t in at.text_input if "adgangskode" in t.label.lower()] == [at.text_input[0].proto.PASSWORD] * 7


def test_the_workshops_page_links_to_the_facilitators_page(app, view, facilitator):
    at = open_page(app, view, facilitator, "pages/workshops.py")

    links = {link.label: link for link in at.get("page_link")}
    assert "Facilitatorer" in links
    assert links["Facilitatorer"].proto.page.endswith("facilitators")


def test_a_facilitator_added_on_the_page_can_then_log_in(app, view, store, facilitator):
    at = open_page(app, view, facilitator, "pages/facilitators.py")

    add_facilitator(at, view, "Dorte", "Dorte Dahl", "dortes-nye-kode")

    assert [s.value for s in at.success] == ["Facilitatoren dorte er oprettet og kan nu logge ind."]
    assert "dorte" in list(at.dataframe[0].value["Brugernavn"])
    login = try_login(open_login(app, view), view, "dorte", "dortes-nye-kode")
    assert login.session_state["username"] == "dorte"
    assert login.session_state["name"] == "Dorte Dahl"
    assert login.title[0].value == "Workshops"


@pytest.mark.parametrize(
    ("username", "password", "again", "message"),
    [
        ("dorte", "dortes-nye-kode", "dortes-nye-kod", "De to adgangskoder er ikke ens."),
        ("dorte", "kort", None, "Adgangskoden skal være mindst 10 tegn."),
        ("anna", "dortes-nye-kode", None, "Brugernavnet er allerede i brug."),
        (
            "Dorte Dahl",
            "dortes-nye-kode",
            None,
            "Brugernavnet skal være 3-64 tegn: små bogstaver, tal, punktum, bindestreg eller understreg.",
        ),
    ],
)
def test_a_refused_account_is_explained_in_danish_and_not_created(
    app, view, store, facilitator, username, password, again, message
):
    at = open_page(app, view, facilitator, "pages/facilitators.py")

    add_facilitator(at, view, username, "Dorte Dahl", password, again)

    assert errors(at) == [message]
    assert not at.success
    assert [f.username for f in accounts.list_facilitators(store)] == ["anna"]


def test_a_refused_account_is_explained_in_english_with_lang_en(app, view, facilitator):
    at = open_page(app, view, facilitator, "pages/facilitators.py", query={"lang": "en"})
    form = {t.label: t for t in at.text_input}
    form["Username"].input("dorte")
    form["Full name"].input("Dorte Dahl")
    form["Password"].input("kort")
    form["Password again"].input("kort")
    view.ok(view.button(at, "Create facilitator").click().run())

    assert errors(at) == ["The password must be at least 10 characters."]


def reset_password(at, view, who, password, again=None):
    at.selectbox(key="reset_who").set_value(who)
    at.text_input(key="reset_new").input(password)
    at.text_input(key="reset_again").input(password if again is None else again)
    return view.ok(view.button(at, "Gem ny adgangskode").click().run())


def test_resetting_a_password_on_the_page_lets_the_new_one_log_in_and_not_the_old(app, view, store, facilitator, bent):
    at = open_page(app, view, facilitator, "pages/facilitators.py")

    reset_password(at, view, "bent", "bents-nye-adgangskode")

    assert [s.value for s in at.success] == ["Adgangskoden for bent er ændret."]
    old = try_login(open_login(app, view), view, "bent", BENT_PASSWORD)
    assert errors(old) == [WRONG]
    new = try_login(open_login(app, view), view, "bent", "bents-nye-adgangskode")
    assert new.session_state["username"] == "bent"


def test_a_too_short_new_password_is_refused_and_the_old_one_kept(app, view, store, facilitator, bent):
    at = open_page(app, view, facilitator, "pages/facilitators.py")

    reset_password(at, view, "bent", "kort")

    assert errors(at) == ["Adgangskoden skal være mindst 10 tegn."]
    assert accounts.verify_login(store, "bent", BENT_PASSWORD).ok


def test_a_participant_who_opens_the_facilitators_page_by_path_gets_no_form(app, view, facilitator):
    at = app()

    view.ok(at.switch_page("pages/facilitators.py").run())

    assert errors(at) == ["Denne side er kun for facilitatorer. Log ind først."]
    assert not at.text_input and not at.button and not at.dataframe
    assert "anna" not in view.text(at)


# --- co-facilitators -------------------------------------------------------------------------------


def test_a_co_facilitator_sees_the_shared_workshop_and_can_open_its_screen(
    app, view, store, facilitator, bent, carla, make_workshop
):
    workshop = make_workshop("Annas delte temadag")
    make_workshop("Annas private temadag")
    sharing.share_workshop(store, workshop.id, bent)

    listing = open_page(app, view, bent, "pages/workshops.py")
    assert "Annas delte temadag" in view.text(listing)
    assert "Annas private temadag" not in view.text(listing)

    screen = open_page(app, view, bent, "pages/screen.py", query={"w": workshop.code})
    assert "Annas delte temadag" in view.text(screen)
    control = open_page(app, view, bent, "pages/control.py", query={"w": workshop.code})
    assert view.steps(control).value == "welcome"

    for page in ("pages/screen.py", "pages/control.py"):
        third = open_page(app, view, carla, page, query={"w": workshop.code})
        assert errors(third) == [NOT_FOUND]
        assert "Annas delte temadag" not in view.text(third)
        assert not third.radio and not third.button


def test_the_owner_shares_from_the_control_views_sidebar_and_can_take_it_back(
    app, view, store, facilitator, bent, carla, make_workshop
):
    workshop = make_workshop("Annas temadag")
    at = open_page(app, view, facilitator, "pages/control.py", query={"w": workshop.code})
    assert "Workshoppen er ikke delt med andre." in view.text(at)
    picker = at.sidebar.selectbox(key="share_with")
    assert picker.options == ["Bent Berg (bent)", "Carla Krog (carla)"]
    assert view.button(at, "Del").disabled

    picker.set_value("bent")
    view.ok(at.run())
    view.ok(view.button(at, "Del").click().run())

    assert sharing.co_facilitators(store, workshop.id) == ["bent"]
    assert "Bent Berg (bent)" in view.text(at)
    assert at.sidebar.selectbox(key="share_with").options == ["Carla Krog (carla)"]

    view.ok(view.button(at, "Fjern").click().run())

    assert sharing.co_facilitators(store, workshop.id) == []
    assert not sharing.can_facilitate(store, workshop, bent)


def test_a_co_facilitator_sees_who_shares_but_gets_no_sharing_controls(
    app, view, store, facilitator, bent, carla, make_workshop
):
    workshop = make_workshop("Annas temadag")
    sharing.share_workshop(store, workshop.id, bent)
    sharing.share_workshop(store, workshop.id, carla)

    at = open_page(app, view, bent, "pages/control.py", query={"w": workshop.code})

    text = view.text(at)
    assert "Ejer: Anna Andersen \\(anna\\)" in text  # the name is escaped Markdown: shown as typed
    assert "Kun ejeren kan dele workshoppen." in text
    assert not [b for b in at.sidebar.button if b.label in ("Del", "Fjern")]
    assert not [s for s in at.sidebar.selectbox if s.key == "share_with"]


def test_an_unshared_co_facilitator_loses_the_screen_on_the_next_run(
    app, view, store, facilitator, bent, make_workshop
):
    workshop = make_workshop("Annas temadag")
    sharing.share_workshop(store, workshop.id, bent)
    at = open_page(app, view, bent, "pages/screen.py", query={"w": workshop.code})
    assert "Annas temadag" in view.text(at)

    sharing.unshare_workshop(store, workshop.id, bent)
    view.ok(at.run())

    assert errors(at) == [NOT_FOUND]
    assert "Annas temadag" not in view.text(at)


# --- join-code guessing ----------------------------------------------------------------------------


def submit_code(at, view, code):
    at.text_input[0].input(code)
    return view.ok(view.button(at, "Deltag").click().run())


def test_the_join_page_refuses_after_too_many_wrong_codes_even_the_right_one(app, view, store, make_workshop):
    workshop = make_workshop("Temadag i Lager Nord")
    at = view.ok(app().run())
    for i in range(10):
        submit_code(at, view, f"ZZZZZ{i}")
        assert errors(at) == ["Koden findes ikke. Tjek koden på storskærmen og prøv igen."]

    submit_code(at, view, workshop.code)

    [message] = errors(at)
    assert TOO_MANY_CODES.match(message), message
    assert 1 <= int(TOO_MANY_CODES.match(message).group(1)) <= 60
    assert "p" not in at.query_params
    assert participation.count_participants(store, workshop.id) == 0


def test_another_phone_is_not_held_back_by_one_guessing_session(app, view, store, make_workshop):
    workshop = make_workshop("Temadag i Lager Nord")
    guesser = view.ok(app().run())
    for i in range(11):
        submit_code(guesser, view, f"ZZZZZ{i}")
    assert TOO_MANY_CODES.match(errors(guesser)[0])

    phone = submit_code(view.ok(app().run()), view, workshop.code)

    assert participation.resume(store, phone.query_params["p"]).workshop_id == workshop.id


def test_wrong_codes_from_many_sessions_stop_the_whole_process_for_a_while(app, view, store, make_workshop):
    workshop = make_workshop("Temadag i Lager Nord")
    for session in range(12):  # 12 sessions x 10 wrong codes = the process's 120 a minute
        at = view.ok(app().run())
        for i in range(10):
            submit_code(at, view, f"ZZZ{session:02d}{i}")

    phone = submit_code(view.ok(app().run()), view, workshop.code)

    assert TOO_MANY_CODES.match(errors(phone)[0])
    assert participation.count_participants(store, workshop.id) == 0


def test_a_wrong_code_in_the_url_counts_once_per_session_as_a_guess(app, view, store, make_workshop):
    workshop = make_workshop("Temadag i Lager Nord")
    at = view.ok(app(query={"code": "ZZZZZZ"}).run())
    for _ in range(15):  # reruns of the same URL do not count again
        view.ok(at.run())
    for i in range(9):
        submit_code(at, view, f"YYYYY{i}")

    submit_code(at, view, workshop.code)

    assert TOO_MANY_CODES.match(errors(at)[0])
