"""Every visible word in the session's language on the facilitator's screens (issue 16, point 5)."""

from __future__ import annotations

import json

import pytest

from fea_core import items, placement, workshops
from fea_core.model import ACTIVITY_PROBLEM_MATRIX, ACTIVITY_PROBLEMS


def open_screen(app, view, user, code, lang="da"):
    at = app(user=user, query={"w": code})
    at.session_state["lang"] = lang
    at = view.ok(at.run())
    return view.ok(at.switch_page("pages/screen.py").run())


def tooltip_titles(spec: dict) -> set[str]:
    found = set()

    def walk(node):
        if isinstance(node, dict):
            tips = node.get("tooltip")
            for tip in tips if isinstance(tips, list) else []:
                found.add(tip.get("title"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


@pytest.fixture
def placed_matrix(store, make_workshop, join):
    workshop = workshops.set_activity(store, make_workshop().id, ACTIVITY_PROBLEMS)
    problems = [items.add_item_as_facilitator(store, workshop.id, "problem", t) for t in ("Travlhed", "Støj")]
    workshop = workshops.set_activity(store, workshop.id, ACTIVITY_PROBLEM_MATRIX)
    for _ in range(3):
        phone = join(workshop)
        for problem in problems:
            placement.place_item(store, phone, problem.id, 4, 2)
    return workshops.set_results_visible(store, workshop.id, True)


@pytest.mark.parametrize(("lang", "expected", "foreign"), [
    ("en", {"No.", "Text", "Answers"}, {"Nr.", "Tekst", "Svar"}),
    ("da", {"Nr.", "Tekst", "Svar"}, {"No.", "Text", "Answers"}),
])
def test_the_matrix_tooltips_speak_the_sessions_language(app, view, facilitator, placed_matrix, lang, expected, foreign):
    at = open_screen(app, view, facilitator, placed_matrix.code, lang)
    [chart] = at.get("vega_lite_chart")
    titles = tooltip_titles(json.loads(chart.proto.spec))
    assert expected <= titles
    assert not titles & foreign
    means = {t for t in titles if t and t.endswith(("mean", "gennemsnit"))}
    assert len(means) == 2 and all(t.endswith("mean" if lang == "en" else "gennemsnit") for t in means)
