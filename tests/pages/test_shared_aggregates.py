"""The shared screen's aggregates are computed once per change per process, not once per viewer.

Several screens may show one workshop (a projector and the facilitator's laptop, a co-facilitator),
and each reruns its live view every second: the radar and the matrix must come from a cache keyed
by the workshop's revision, so the database and pandas work happens once per change.
"""

from __future__ import annotations

import pytest

import ui.competence_view
import ui.problem_solver_view
from fea_core import competence, items, participation, placement, release, workshops
from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_PROBLEM_MATRIX, ACTIVITY_PROBLEMS


def open_screen(app, view, user, code):
    at = view.ok(app(user=user, query={"w": code}).run())
    return view.ok(at.switch_page("pages/screen.py").run())


@pytest.fixture
def counted(monkeypatch):
    """Count the reads behind the radar and the matrix."""
    calls = {"ratings": 0, "placements": 0, "released": 0}

    def counting(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(ui.competence_view, "count_respondents",
                        counting("ratings", ui.competence_view.count_respondents))
    # The radar's figures come from the batched release (fea_core.release), also once per change.
    monkeypatch.setattr(release, "released", counting("released", release.released))
    real_rows = placement.placement_rows
    monkeypatch.setattr(placement, "placement_rows", counting("placements", real_rows))
    return calls


def rate(store, workshop, values):
    _, phone = participation.join(store, workshop.code)
    competence.submit_ratings(store, phone, dict(zip(competence.factor_keys(), values)))
    return phone


def test_three_screens_rerunning_share_one_radar_computation_per_change(
    app, view, store, facilitator, make_workshop, counted
):
    workshop = make_workshop()
    workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    workshops.set_results_visible(store, workshop.id, True)
    for values in ((4, 2, 3, 5, 1, 3), (5, 3, 2, 4, 1, 2), (3, 3, 3, 4, 2, 2)):
        rate(store, workshop, values)

    screens = [open_screen(app, view, facilitator, workshop.code) for _ in range(3)]
    for at in screens:  # a second tick each: the live fragment's rerun
        view.ok(at.run())
    assert counted["ratings"] == 1 and counted["released"] == 1

    rate(store, workshop, (1, 1, 1, 1, 1, 1))  # one change ...
    for at in screens:
        view.ok(at.run())
        view.ok(at.run())
    assert counted["ratings"] == 2 and counted["released"] == 2  # ... one more, whoever looks and how often


def test_while_the_results_are_hidden_the_screens_count_respondents_and_compute_no_figures(
    app, view, store, facilitator, make_workshop, counted
):
    workshop = make_workshop()
    workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)  # a new step starts hidden
    for values in ((4, 2, 3, 5, 1, 3), (5, 3, 2, 4, 1, 2), (3, 3, 3, 4, 2, 2)):
        rate(store, workshop, values)
    screens = [open_screen(app, view, facilitator, workshop.code) for _ in range(2)]
    rate(store, workshop, (1, 1, 1, 1, 1, 1))
    for at in screens:
        view.ok(at.run())
        assert "4 af 4" in " ".join(c.value for c in at.caption)  # the count, live
    assert counted["ratings"] == 2 and counted["released"] == 0  # no release, summary or radar

    workshops.set_results_visible(store, workshop.id, True)
    view.ok(screens[0].run())
    assert counted["released"] == 1


def test_the_problem_matrix_is_computed_once_per_change_for_every_screen(
    app, view, store, facilitator, make_workshop, counted
):
    workshop = make_workshop()
    workshops.set_activity(store, workshop.id, ACTIVITY_PROBLEMS)
    _, phone = participation.join(store, workshop.code)
    problem = items.submit_item(store, phone, "problem", "Travlhed om morgenen")
    workshops.set_activity(store, workshop.id, ACTIVITY_PROBLEM_MATRIX)
    workshops.set_results_visible(store, workshop.id, True)
    placement.place_item(store, phone, problem.id, 4, 5)

    screens = [open_screen(app, view, facilitator, workshop.code) for _ in range(2)]
    for at in screens:
        view.ok(at.run())
    assert counted["placements"] == 1

    placement.place_item(store, phone, problem.id, 1, 2)
    for at in screens:
        view.ok(at.run())
    assert counted["placements"] == 2
