"""The room view (pages/screen.py) and the control view that steers it (pages/control.py)."""

from __future__ import annotations

from datetime import UTC

import pytest
from streamlit.testing.v1.util import patch_config_options

from fea_core import accounts, competence, participation, workshops
from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_TALK, ACTIVITY_WELCOME
from ui import join_panel

NOT_FOUND = "Workshoppen findes ikke, eller den er ikke din."


def open_screen(app, view, user, code):
    at = view.ok(app(user=user, query={"w": code}).run())
    return view.ok(at.switch_page("pages/screen.py").run())


def open_control(app, view, user, code):
    at = view.ok(app(user=user, query={"w": code}).run())
    return view.ok(at.switch_page("pages/control.py").run())


def click(at, view, label):
    return view.ok(view.button(at, label).click().run())


def button_labels(at):
    return [b.label for b in at.button]


def radar_table(at, view):
    """Return the room view's factor table as {column: [cells]}, or None when none is drawn."""
    rows = view.key_table(at, "radar-key-table")
    if rows is None:
        return None
    return {name: [r[i] for r in rows[1:]] for i, name in enumerate(rows[0])}


def charts(at):
    return at.get("vega_lite_chart")


@pytest.fixture
def in_competence(store, make_workshop):
    """Return a workshop in the competence round, with three phones that have answered."""
    workshop = make_workshop("Temadag i Lager Nord")
    workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    for values in ((4, 2, None, 5, 1, 3), (5, 3, 2, 4, 1, 2), (3, 3, 3, None, 2, 2)):
        _, participant = participation.join(store, workshop.code)
        competence.submit_ratings(store, participant, dict(zip(competence.factor_keys(), values)))
    return workshops.get_workshop(store, workshop.id)


def test_an_unknown_workshop_code_is_not_found(app, view, facilitator, make_workshop):
    make_workshop("Temadag i Lager Nord")

    at = open_screen(app, view, facilitator, "NOSUCH")

    assert [e.value for e in at.error] == [NOT_FOUND]
    assert "Temadag i Lager Nord" not in view.text(at)
    assert view.steps(at) is None and not at.radio
    control = open_control(app, view, facilitator, "NOSUCH")
    assert [e.value for e in control.error] == [NOT_FOUND]
    assert view.steps(control) is None and not control.radio and not control.sidebar.button


def test_another_facilitators_workshop_is_not_found(app, view, store, facilitator, make_workshop):
    accounts.create_facilitator(store, "bent", "Bent Berg", "en-anden-adgangskode")
    other = make_workshop("Bents temadag", owner="bent")

    at = open_screen(app, view, facilitator, other.code)

    assert [e.value for e in at.error] == [NOT_FOUND]
    text = view.text(at)
    assert "Bents temadag" not in text
    assert other.code not in text
    assert not at.radio and not at.button
    control = open_control(app, view, facilitator, other.code)
    assert [e.value for e in control.error] == [NOT_FOUND]
    assert other.code not in view.text(control)
    assert not control.radio and not control.button
    assert workshops.get_workshop(store, other.id) == other  # nothing changed


@pytest.fixture
def lan(monkeypatch):
    """The machine's network address as ui/join_address.lan_ip() finds it (None: no network)."""

    def set_lan(address):
        monkeypatch.setattr(join_panel, "lan_ip", lambda: address)

    set_lan("192.168.1.20")
    return set_lan


def test_the_welcome_activity_shows_the_join_code_and_url(app, view, facilitator, make_workshop, join, lan):
    workshop = make_workshop("Temadag i Lager Nord")
    join(workshop)
    join(workshop)

    at = open_screen(app, view, facilitator, workshop.code)

    markdown = [m.value for m in at.markdown]
    assert "Temadag i Lager Nord" in view.text(at)
    assert any(workshop.code in m and "fea-code" in m for m in markdown)
    # The screen's browser is on localhost (AppTest's URL): phones get the machine's network address.
    assert f"http://192.168.1.20:8501/?code={workshop.code}" in view.text(at)
    assert not at.warning
    assert [(m.label, m.value) for m in at.metric] == [("Deltagere", "2")]
    assert len(at.get("image")) == 1  # the QR code
    assert not at.sidebar.button and not at.sidebar.radio  # nothing in a sidebar (it is hidden too)
    assert view.steps(at).value == "welcome"  # in the folded compact controls


def test_the_join_url_uses_fea_public_url_when_set(app, view, facilitator, make_workshop, monkeypatch):
    monkeypatch.setenv("FEA_PUBLIC_URL", "https://workshop.example.dk/")
    workshop = make_workshop()

    at = open_screen(app, view, facilitator, workshop.code)

    assert f"https://workshop.example.dk/?code={workshop.code}" in view.text(at)


def test_without_a_network_address_the_screen_warns_that_phones_cannot_reach_the_join_url(
    app, view, facilitator, make_workshop, lan
):
    lan(None)
    workshop = make_workshop()

    at = open_screen(app, view, facilitator, workshop.code)

    assert f"http://localhost:8501/?code={workshop.code}" in view.text(at)
    assert [w.value for w in at.warning] == [
        "Telefonerne kan ikke nå denne adresse: den peger på selve computeren. Åbn appen via computerens "
        "netværksadresse, eller sæt FEA_PUBLIC_URL til den adresse, telefonerne bruger."
    ]


def test_a_server_listening_on_loopback_only_warns_instead_of_offering_its_network_address(
    app, view, facilitator, make_workshop, lan
):
    workshop = make_workshop()

    with patch_config_options({"server.address": "127.0.0.1"}):
        at = view.ok(app(user=facilitator, query={"w": workshop.code, "lang": "en"}).run())
        at = view.ok(at.switch_page("pages/screen.py").run())

    assert f"http://localhost:8501/?code={workshop.code}" in view.text(at)
    assert [w.value for w in at.warning] == [
        "Phones cannot reach this address: it points at this computer itself. Open the app at the computer's "
        "network address, or set FEA_PUBLIC_URL to the address phones use."
    ]


def test_choosing_the_competence_activity_changes_the_workshop_and_bumps_its_stage(
    app, view, store, facilitator, make_workshop
):
    workshop = make_workshop()
    at = open_control(app, view, facilitator, workshop.code)

    view.ok(view.steps(at).choose(ACTIVITY_COMPETENCE))

    now = workshops.get_workshop(store, workshop.id)
    assert now.activity == ACTIVITY_COMPETENCE
    assert now.stage == workshop.stage + 1
    assert now.activity_open and not now.results_visible
    assert {"Luk runden", "Vis resultater"} <= set(button_labels(at))
    room = open_screen(app, view, facilitator, workshop.code)
    assert "### Arbejdsmiljøkompetencemodellen" in [m.value for m in room.markdown]


def test_a_rerun_without_a_change_does_not_bump_the_stage(app, view, store, facilitator, in_competence):
    at = open_screen(app, view, facilitator, in_competence.code)
    view.ok(at.run())

    assert workshops.get_workshop(store, in_competence.id).stage == in_competence.stage


def test_closing_and_reopening_the_round_changes_activity_open(app, view, store, facilitator, in_competence):
    at = open_control(app, view, facilitator, in_competence.code)

    click(at, view, "Luk runden")
    assert workshops.get_workshop(store, in_competence.id).activity_open is False
    assert "Genåbn runden" in button_labels(at)
    assert "Runden er lukket" in view.text(at)
    assert "Runden er lukket" in view.text(open_screen(app, view, facilitator, in_competence.code))

    click(at, view, "Genåbn runden")
    assert workshops.get_workshop(store, in_competence.id).activity_open is True
    assert "Luk runden" in button_labels(at)
    assert "Runden er åben" in view.text(at)


def test_with_results_hidden_no_radar_is_rendered(app, view, facilitator, in_competence):
    at = open_screen(app, view, facilitator, in_competence.code)

    assert not in_competence.results_visible
    assert not charts(at)
    assert radar_table(at, view) is None
    assert "Resultaterne er skjult, mens I svarer." in view.text(at)
    assert "3 af 3 har svaret" in view.text(at)


def test_show_results_renders_the_radar_and_the_factor_table(app, view, store, facilitator, in_competence):
    at = open_screen(app, view, facilitator, in_competence.code)

    click(at, view, "Vis resultater")  # in the room view's compact controls

    assert workshops.get_workshop(store, in_competence.id).results_visible is True
    assert len(charts(at)) == 1
    table = radar_table(at, view)
    assert table["Faktor"] == list(view.FACTOR_LABELS_DA)
    assert list(table) == ["Faktor", "Gennemsnit", "Spredning", "Svar", "Ved ikke"]
    assert table["Gennemsnit"][0] == "4,0"  # innovation: (4+5+3)/3, decimal comma
    # Teknikker and Motivation have two numbers each: withheld, their counts too (anonymity).
    assert table["Ved ikke"] == ["0", "0", "–", "–", "0", "0"]
    assert table["Gennemsnit"][2] == "–"
    assert not at.dataframe  # no grid with English toolbar texts on the projector
    assert "Skjul resultater" in button_labels(at)


def test_hide_results_takes_the_radar_away_again(app, view, store, facilitator, in_competence):
    workshops.set_results_visible(store, in_competence.id, True)
    at = open_screen(app, view, facilitator, in_competence.code)
    assert len(charts(at)) == 1

    click(at, view, "Skjul resultater")

    assert workshops.get_workshop(store, in_competence.id).results_visible is False
    assert not charts(at)
    assert radar_table(at, view) is None
    assert "Vis resultater" in button_labels(at)


def test_new_ratings_show_up_three_at_a_time_while_the_round_is_open(app, view, store, facilitator, in_competence, join):
    workshops.set_results_visible(store, in_competence.id, True)
    at = open_screen(app, view, facilitator, in_competence.code)
    assert "3 af 3 har svaret" in view.text(at)

    participant = join(in_competence)
    competence.submit_ratings(store, participant, dict.fromkeys(competence.factor_keys(), 1))
    view.ok(at.run())

    # The count of phones is live; the figures wait, so one answer cannot be read off the change.
    assert "4 af 4 har svaret" in view.text(at)
    assert radar_table(at, view)["Svar"][0] == "3"
    assert "1 nye svar kommer med, når der er mindst 3" in view.text(at)
    for _ in range(2):
        competence.submit_ratings(store, join(in_competence), dict.fromkeys(competence.factor_keys(), 1))
    view.ok(at.run())
    assert radar_table(at, view)["Svar"][0] == "6"


def test_ending_the_workshop_closes_it_and_offers_to_reopen(app, view, store, facilitator, make_workshop):
    workshop = make_workshop()
    at = open_control(app, view, facilitator, workshop.code)

    click(at, view, "Afslut workshoppen")

    ended = workshops.get_workshop(store, workshop.id)
    assert ended.is_ended and not ended.activity_open
    assert "Genåbn workshoppen" in [b.label for b in at.sidebar.button]
    room = open_screen(app, view, facilitator, workshop.code)
    assert "Workshoppen er afsluttet: koden tager ikke imod nye deltagere." in view.text(room)

    click(at, view, "Genåbn workshoppen")

    assert not workshops.get_workshop(store, workshop.id).is_ended
    assert "Afslut workshoppen" in [b.label for b in at.sidebar.button]


def test_a_workshop_name_with_markdown_is_shown_escaped(app, view, facilitator, make_workshop):
    workshop = make_workshop("**x** <b>y</b> [l](javascript:alert(1))")

    at = open_screen(app, view, facilitator, workshop.code)

    [title] = [h.value for h in at.get("html") if "<div class='fea-room-title'>" in h.value]
    assert "**x** &lt;b&gt;y&lt;/b&gt; [l](javascript:alert(1))" in title  # st.html: HTML-escaped
    control = open_control(app, view, facilitator, workshop.code)
    assert r"\*\*x\*\* \<b\>y\<\/b\> \[l\]\(javascript\:alert\(1\)\)" in control.markdown[0].value


def test_a_rerun_keeps_an_activity_chosen_in_another_tab(app, view, store, facilitator, make_workshop):
    # The facilitator steers from a second tab or device; this screen's next full rerun
    # (any click among its controls) must follow the database, not put its old choice back.
    workshop = make_workshop()
    at = open_control(app, view, facilitator, workshop.code)
    assert view.steps(at).value == "welcome"
    changed = workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)

    view.ok(at.run())

    now = workshops.get_workshop(store, workshop.id)
    assert now.activity == ACTIVITY_COMPETENCE
    assert now.stage == changed.stage  # the phones were not sent back and forth
    assert view.steps(at).value == ACTIVITY_COMPETENCE


MOVED_ON = "Trinnet var allerede skiftet, så klikket ændrede ikke noget. Se det aktuelle trin."


@pytest.mark.parametrize("click", ["list", "next", "previous"])
def test_a_click_on_a_view_the_room_has_left_moves_nothing_and_says_so(
    app, view, store, facilitator, make_workshop, click
):
    # This tab was drawn at the talk; another tab (or the clicker) moved the room on to
    # competence. A click here, made before this tab followed, must not move the room again
    # or back: that is how a room once went back a step under load.
    workshop = workshops.set_activity(store, make_workshop().id, ACTIVITY_TALK)
    at = open_control(app, view, facilitator, workshop.code)
    assert view.steps(at).value == ACTIVITY_TALK
    changed = workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)

    if click == "list":
        view.ok(view.steps(at).choose(ACTIVITY_WELCOME))
    else:
        view.ok(view.button(at, "Næste trin" if click == "next" else "Forrige trin").click().run())

    assert workshops.get_workshop(store, workshop.id) == changed  # no move, no bump
    assert [toast.value for toast in at.toast] == [MOVED_ON]
    assert view.steps(at).value == ACTIVITY_COMPETENCE  # and the view now shows where the room is


def test_next_and_previous_move_one_step_from_the_step_shown(app, view, store, facilitator, make_workshop):
    workshop = make_workshop()
    at = open_control(app, view, facilitator, workshop.code)

    view.ok(view.button(at, "Næste trin").click().run())
    assert workshops.get_workshop(store, workshop.id).activity == ACTIVITY_TALK
    assert view.steps(at).value == ACTIVITY_TALK
    view.ok(view.button(at, "Næste trin").click().run())
    view.ok(view.button(at, "Forrige trin").click().run())
    now = workshops.get_workshop(store, workshop.id)
    assert (now.activity, now.stage) == (ACTIVITY_TALK, workshop.stage + 3)
    assert not at.toast


def countdowns(at, view):
    return [c for c in at.get("bidi_component") if c.proto.component_name.endswith("fea_countdown")]


def test_a_timer_started_on_the_control_view_is_saved_and_shown_on_the_room_view_and_the_phones(
    app, view, store, facilitator, in_competence, join
):
    control = open_control(app, view, facilitator, in_competence.code)
    assert not countdowns(open_screen(app, view, facilitator, in_competence.code), view)

    click(control, view, "Start nedtælling")  # 3 minutes unless another length is picked

    saved = workshops.get_workshop(store, in_competence.id)
    assert saved.timer_seconds == 180 and saved.timer_ends_at is not None
    assert saved.stage == in_competence.stage + 1  # the phones rerun and show it
    assert "Stop nedtælling" in button_labels(control)
    [room_clock] = countdowns(open_screen(app, view, facilitator, in_competence.code), view)
    data = __import__("json").loads(room_clock.proto.json)
    assert 0 < data["left_ms"] <= 180_000 and data["label"] == "Tid tilbage"
    # The phone draws the countdown itself (ui/web/phone_step.js) from the end time in its state.
    phone = view.phone(view.ok(app(query={"p": join(in_competence).token}).run()))
    ends = saved.timer_ends_at.replace(tzinfo=saved.timer_ends_at.tzinfo or UTC)  # SQLite keeps UTC without a zone
    assert phone["timer_ends_at"] == pytest.approx(ends.timestamp(), abs=1)

    click(control, view, "Stop nedtælling")
    assert workshops.get_workshop(store, in_competence.id).timer_ends_at is None
    assert not countdowns(open_screen(app, view, facilitator, in_competence.code), view)


def test_next_and_previous_on_the_control_view_walk_the_flow_and_stop_at_its_ends(
    app, view, store, facilitator, make_workshop
):
    workshop = make_workshop()
    control = open_control(app, view, facilitator, workshop.code)
    assert view.button(control, "Forrige trin").disabled  # the first step

    click(control, view, "Næste trin")
    assert workshops.get_workshop(store, workshop.id).activity == "talk"
    click(control, view, "Forrige trin")
    assert workshops.get_workshop(store, workshop.id).activity == "welcome"
    workshops.set_activity(store, workshop.id, "implement")
    view.ok(control.run())
    assert view.button(control, "Næste trin").disabled  # the last step


def test_the_browser_tab_titles_follow_the_sessions_language(app, view, facilitator, make_workshop):
    workshop = make_workshop()
    at = app(user=facilitator, query={"w": workshop.code})
    at.session_state["lang"] = "en"
    view.ok(at.run())
    at = view.ok(at.switch_page("pages/control.py").run())
    assert at.markdown[0].value.startswith("### Control view: ")
    # Every page's title (the browser tab's title) comes from the catalogue, none is spelt out.
    import re
    from pathlib import Path

    from fea_core.i18n import translate

    source = (Path(__file__).resolve().parents[2] / "navigation.py").read_text()
    titles = re.findall(r"\btitle=(t\(\"nav\.\w+\"\)|[^,)\s]+)", source)
    # Only the product's name is the same in both languages.
    assert len(titles) > 10 and all(
        re.fullmatch(r't\("nav\.\w+"\)', title) or title == '"Arbejdsmiljøpakken"' for title in titles
    ), titles
    for key in re.findall(r't\("(nav\.\w+)"\)', source):
        assert translate("da", key) and translate("en", key)
    assert [translate("en", f"nav.{k}") for k in ("screen", "control", "join")] == ["Room view", "Control view", "Join"]
