"""The shared screen says why a figure or a breakdown is withheld, with the real reason (issue 16, point 6)."""

from __future__ import annotations

import pytest

from fea_core import competence, participation, workshops
from fea_core.model import ACTIVITY_COMPETENCE

REASONS = {
    "da": ("Medarbejder vises ikke, selv om der er mindst 3 svar: hele gruppens tal minus Medarbejder "
           "ville afsløre svarene fra de færre end 3 øvrige deltagere."),
    "en": ("Employee is not shown although it has at least 3 answers: the whole group's figures minus Employee "
           "would reveal the answers of the fewer than 3 other participants."),
}
NO_GROUPS_DA = "Ingen grupper har mindst 3 svar endnu"


def rate(store, workshop, role, values):
    _, phone = participation.join(store, workshop.code)
    if role:
        phone = participation.set_role(store, phone, role)
    competence.submit_ratings(store, phone, dict(zip(competence.factor_keys(), values)))


def open_screen(app, view, user, code, lang="da", radar_view=None):
    at = app(user=user, query={"w": code})
    at.session_state["lang"] = lang  # the session's choice (the sidebar switch)
    if radar_view:
        # Chosen before the first run: AppTest formats the sidebar's radio in Danish on a
        # second run of an English session, so the English screen is read from one run.
        at.session_state["radar_view"] = radar_view
    at = view.ok(at.run())
    return view.ok(at.switch_page("pages/screen.py").run())


@pytest.fixture
def six_employees_two_leaders(store, make_workshop):
    """Issue 16: six employees and two leaders answered; the leaders' answers must not be derivable."""
    workshop = make_workshop()
    workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    for values in ((4, 2, 3, 5, 1, 3), (5, 3, 2, 4, 1, 2), (3, 3, 3, 4, 2, 2),
                   (2, 4, 4, 3, 3, 3), (4, 4, 4, 4, 4, 4), (1, 2, 3, 4, 5, 1)):
        rate(store, workshop, "medarbejder", values)
    for values in ((5, 5, 5, 5, 5, 5), (1, 1, 1, 1, 1, 1)):
        rate(store, workshop, "leder", values)
    workshops.set_results_visible(store, workshop.id, True)
    return workshop


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_breakdown_withheld_to_stop_a_subtraction_says_so_not_that_groups_are_too_small(
    app, view, facilitator, six_employees_two_leaders, lang
):
    at = open_screen(app, view, facilitator, six_employees_two_leaders.code, lang, radar_view="groups")
    assert not at.get("vega_lite_chart")  # no group radar at all
    [info] = at.info
    assert info.value == REASONS[lang]
    assert NO_GROUPS_DA not in view.text(at)


def test_the_whole_room_still_shows_and_the_caption_names_the_withheld_group(app, view, facilitator, six_employees_two_leaders):
    at = open_screen(app, view, facilitator, six_employees_two_leaders.code)
    assert len(at.get("vega_lite_chart")) == 1
    assert list(view.key_frame(at, "radar-key-table")["Svar"]) == ["8"] * 6
    assert REASONS["da"] in view.text(at)


def test_groups_that_are_simply_too_small_keep_the_too_few_message(app, view, store, facilitator, make_workshop):
    workshop = make_workshop()
    workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    for role in ("leder", "medarbejder", None, None):
        rate(store, workshop, role, (3, 3, 3, 3, 3, 3))
    workshops.set_results_visible(store, workshop.id, True)
    at = open_screen(app, view, facilitator, workshop.code, radar_view="groups")
    [info] = at.info
    assert info.value.startswith(NO_GROUPS_DA)


@pytest.mark.parametrize(("lang", "expected"), [
    ("da", "Tallene vises, når mindst 3 har givet et talsvar (anonymitet)."),
    ("en", "The figures are shown once at least 3 have given a numeric answer (anonymity)."),
])
def test_a_two_rater_round_shows_no_figure_and_says_why(app, view, store, facilitator, make_workshop, lang, expected):
    workshop = make_workshop()
    workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    rate(store, workshop, None, (4, 4, 4, 4, 4, 4))
    rate(store, workshop, None, (5, 5, 5, 5, 5, 5))
    workshops.set_results_visible(store, workshop.id, True)
    at = open_screen(app, view, facilitator, workshop.code, lang)
    table = view.key_frame(at, "radar-key-table")
    assert set(table.iloc[:, 1]) == {"–"} and set(table.iloc[:, 3]) == {"–"}
    assert expected in view.text(at)
    # The chart sent to the browser carries no point and no spread.
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert '"fea_points"' not in spec and "4.5" not in spec


def test_closing_with_one_late_answer_says_it_is_held_back(app, view, store, facilitator, make_workshop):
    workshop = make_workshop()
    workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    workshops.set_results_visible(store, workshop.id, True)
    for _ in range(3):
        rate(store, workshop, None, (3, 3, 3, 3, 3, 3))
    at = open_screen(app, view, facilitator, workshop.code)
    rate(store, workshop, None, (1, 1, 1, 1, 1, 1))
    workshops.set_activity_open(store, workshop.id, False)
    at = view.ok(at.run())
    assert list(view.key_frame(at, "radar-key-table")["Svar"]) == ["3"] * 6
    assert "1 svar kom efter sidste visning og er ikke talt med" in view.text(at)
