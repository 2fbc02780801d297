"""navigation.py builds the page list from the role; facilitator pages check the role themselves too."""

from __future__ import annotations

import pytest

FACILITATOR_PAGES = ("pages/workshops.py", "pages/screen.py", "pages/control.py")


def test_a_participant_starts_on_the_join_page(app, view):
    at = view.ok(app().run())

    assert at.title[0].value == "Deltag i workshoppen"
    assert at.text_input[0].label == "Kode fra storskærmen"


def test_a_participant_session_gets_only_the_join_and_login_pages(app, view):
    at = view.ok(app().run())

    for page in ("pages/join.py", "pages/login.py"):
        at.switch_page(page)  # registered: no error
    for page in FACILITATOR_PAGES:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


def test_a_participant_can_open_the_login_page(app, view, facilitator):
    at = view.ok(app().run())
    view.ok(at.switch_page("pages/login.py").run())

    assert at.title[0].value == "Facilitator"
    assert [t.label for t in at.text_input] == ["Brugernavn", "Adgangskode"]


def test_a_facilitator_session_can_open_the_workshops_page(app, view, facilitator, make_workshop):
    make_workshop("Temadag i Lager Nord")
    at = view.ok(app(user=facilitator).run())

    view.ok(at.switch_page("pages/workshops.py").run())

    assert at.title[0].value == "Workshops"
    assert "Temadag i Lager Nord" in view.text(at)


def test_a_facilitator_session_can_open_the_screen_page(app, view, facilitator, make_workshop):
    workshop = make_workshop("Temadag i Lager Nord")
    at = view.ok(app(user=facilitator, query={"w": workshop.code}).run())

    view.ok(at.switch_page("pages/screen.py").run())

    assert "Temadag i Lager Nord" in view.text(at)
    assert view.steps(at).value == "welcome"
    assert "Det viser telefonerne nu" in view.text(at)


def test_a_facilitator_session_can_open_the_control_page(app, view, facilitator, make_workshop):
    workshop = make_workshop("Temadag i Lager Nord")
    at = view.ok(app(user=facilitator, query={"w": workshop.code}).run())

    view.ok(at.switch_page("pages/control.py").run())

    assert at.markdown[0].value == "### Styring: Temadag i Lager Nord"
    assert view.steps(at).value == "welcome"
    assert "Det viser telefonerne nu" in view.text(at)


@pytest.mark.parametrize("page", FACILITATOR_PAGES)
def test_a_participant_who_opens_a_facilitator_page_by_path_sees_only_the_login_hint(
    app, view, make_workshop, join, page
):
    # A fresh session whose first request is the page's path: the way a phone would type
    # /screen into the address bar. The page itself must refuse (defence in depth).
    workshop = make_workshop("Hemmelig temadag")
    join(workshop)
    at = app(query={"w": workshop.code})

    view.ok(at.switch_page(page).run())

    text = view.text(at)
    assert [e.value for e in at.error] == ["Denne side er kun for facilitatorer. Log ind først."]
    assert "Hemmelig temadag" not in text
    assert workshop.code not in text
    assert "Lager Nord" not in text
    assert not at.sidebar.radio and not at.sidebar.button and not at.text_input
    assert [link.label for link in at.get("page_link")] == ["Gå til log ind"]


def test_a_session_whose_login_is_gone_cannot_stay_on_the_screen_page(app, view, facilitator, make_workshop):
    workshop = make_workshop("Hemmelig temadag")
    at = view.ok(app(user=facilitator, query={"w": workshop.code}).run())
    view.ok(at.switch_page("pages/screen.py").run())
    assert "Hemmelig temadag" in view.text(at)

    at.session_state["authentication_status"] = None
    at.session_state["username"] = None
    view.ok(at.run())

    assert "Hemmelig temadag" not in view.text(at)
    assert workshop.code not in view.text(at)
    assert view.steps(at) is None and not at.radio


def test_started_without_app_pys_routes_every_page_says_so_and_shows_nothing_else(app, view, facilitator):
    from ui.server import entry

    entry.mark_serving(False)  # as `streamlit run navigation.py` would be
    at = app(user=facilitator).run()

    assert [e.value for e in at.error] == [
        "Appen er startet forkert: telefonernes svar kan ikke komme frem. Stop den, og start den med "
        "`streamlit run app.py`."
    ]
    assert not at.title and not at.text_input and not at.button
