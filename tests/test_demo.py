"""The demo (python -m fea_core.demo): a rated workshop, the second of a forløb, for a first look."""

from __future__ import annotations

from datetime import date

from fea_core import competence, courses
from fea_core.competence_change import competence_change
from fea_core.demo import load_demo
from fea_core.method import load_method


def test_the_demo_workshop_has_25_answers_and_results_visible(fresh_store):
    workshop = load_demo(fresh_store, "anna", held_on=date(2026, 11, 26))

    rows = competence.rating_rows(fresh_store, workshop.id)
    assert rows["participant_id"].nunique() == 25
    assert workshop.results_visible and workshop.name.endswith("(demo)")


def test_the_demo_is_the_second_workshop_of_a_forloeb_that_rated_lower_before(fresh_store):
    workshop = load_demo(fresh_store, "anna", held_on=date(2026, 11, 26))

    course = courses.course_of(fresh_store, workshop.id)
    earlier, now = courses.course_workshops(fresh_store, course.id)
    assert now.id == workshop.id and earlier.held_on < workshop.held_on
    change = competence_change(
        competence.rating_rows(fresh_store, earlier.id), competence.rating_rows(fresh_store, now.id),
        load_method("da").factors, before_label="Før", now_label="Nu",
    ).table.set_index("factor")["change"]
    # What NFA's evaluation saw the course strengthen most: Åbenhed and Motivation.
    assert change["aabenhed"] > 0.4 and change["motivation"] > 0.3
