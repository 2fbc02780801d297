"""Før og nu on the shared screen (issue 16, point 7): a legend always, fixed colours, a shown round by default."""

from __future__ import annotations

import json
from datetime import date

import pytest

from fea_core import competence, courses, participation, workshops
from fea_core.charts import BEFORE_COLOR, NOW_COLOR
from fea_core.model import ACTIVITY_COMPETENCE

FACTORS = ("innovation", "aabenhed", "teknikker_og_viden", "motivation", "systematik", "tid_og_ressourcer")


def rate_room(store, workshop, values):
    workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    for value in values:
        _, phone = participation.join(store, workshop.code)
        competence.submit_ratings(store, phone, {f: value for f in FACTORS})
    return workshops.set_results_visible(store, workshop.id, True)


@pytest.fixture
def course(store, facilitator):
    return courses.create_course(store, name="Forløb", department="Lager Nord", starts_on=date(2025, 1, 6),
                                 language="da", owner=facilitator)


def in_course(store, course, make_workshop, name, held_on, values):
    workshop = make_workshop(name, held_on=held_on)
    courses.add_workshop(store, course.id, workshop.id)
    rate_room(store, workshop, values)
    return workshop


def compare_screen(app, view, facilitator, code, lang="da"):
    at = app(user=facilitator, query={"w": code})
    at.session_state["lang"] = lang
    at.session_state["radar_view"] = "compare"
    at = view.ok(at.run())
    return view.ok(at.switch_page("pages/screen.py").run())


def colour_scales(spec) -> list[dict]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            color = node.get("encoding", {}).get("color") if isinstance(node.get("encoding"), dict) else None
            if color and color.get("field") == "group":
                found.append(color)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def radar(at) -> dict:
    [chart] = [c for c in at.get("vega_lite_chart")]
    return json.loads(chart.proto.spec)


@pytest.mark.parametrize(("lang", "now_word"), [("da", "Nu"), ("en", "Now")])
def test_a_lone_now_profile_is_drawn_in_the_now_colour_with_a_legend(
    app, view, store, course, make_workshop, facilitator, lang, now_word
):
    in_course(store, course, make_workshop, "Første temadag", date(2025, 1, 20), [2, 2])  # withheld: 2 answers
    second = in_course(store, course, make_workshop, "Anden temadag", date(2025, 9, 1), [4, 4, 5])
    at = compare_screen(app, view, facilitator, second.code, lang)
    scales = colour_scales(radar(at))
    assert scales
    for color in scales:
        assert color["scale"]["range"] == [NOW_COLOR]
        assert color["scale"]["domain"][0].startswith(now_word)
    assert any(c.get("legend") is not None for c in scales)  # the legend says which time this is


def test_before_and_now_keep_their_colours_when_both_are_drawn(app, view, store, course, make_workshop, facilitator):
    in_course(store, course, make_workshop, "Første temadag", date(2025, 1, 20), [2, 2, 3])
    second = in_course(store, course, make_workshop, "Anden temadag", date(2025, 9, 1), [4, 4, 5])
    at = compare_screen(app, view, facilitator, second.code)
    for color in colour_scales(radar(at)):
        assert color["scale"]["range"] == [BEFORE_COLOR, NOW_COLOR]
        assert [d.split(" ")[0] for d in color["scale"]["domain"]] == ["Før", "Nu"]


def test_sammenlign_med_defaults_to_the_newest_round_that_may_be_shown(app, view, store, course, make_workshop, facilitator):
    first = in_course(store, course, make_workshop, "Første temadag", date(2025, 1, 20), [2, 2, 3])
    in_course(store, course, make_workshop, "Anden temadag", date(2025, 5, 1), [3, 3])  # newest earlier, withheld
    third = in_course(store, course, make_workshop, "Tredje temadag", date(2025, 9, 1), [4, 4, 5])
    at = compare_screen(app, view, facilitator, third.code)
    picker = at.selectbox(key="compare_with")
    assert picker.value == first.id
    assert "Før vises ikke: færre end 3 har svaret (anonymitet)." not in view.text(at)
