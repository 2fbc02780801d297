"""A demo workshop with 25 participants' answers (data/demo.toml), for a first look.

    python -m fea_core.demo --owner USERNAME

It is the second workshop of a demo forløb: the first, eight months earlier, rated the same
group's competence lower on Åbenhed and Motivation (what NFA's evaluation found the course
strengthened most), so the shared screen's "Før og nu" has something to show.
"""

from __future__ import annotations

import argparse
import random
import sys
import tomllib
from datetime import date, timedelta

from fea_core.competence import submit_ratings
from fea_core.courses import add_workshop, create_course
from fea_core.method import DATA_DIR
from fea_core.model import ACTIVITY_COMPETENCE, RATING_MAX, RATING_MIN, Workshop
from fea_core.participation import join, set_role
from fea_core.storage import Store, open_store
from fea_core.workshops import create_workshop, set_activity, set_results_visible

DONT_KNOW_SHARE = 0.06  # a few "Ved ikke", as in a real room
MONTHS_BETWEEN = 8


def load_demo(store: Store, owner: str, held_on: date | None = None) -> Workshop:
    """Create the demo forløb for an owner: an earlier workshop and the demo workshop, both rated."""
    with open(DATA_DIR / "demo.toml", "rb") as f:
        demo = tomllib.load(f)
    rng = random.Random(demo["seed"])
    held_on = held_on or date.today()
    earlier_on = held_on - timedelta(days=30 * MONTHS_BETWEEN)
    course = create_course(
        store, name=demo["course"]["name"], department=demo["department"], starts_on=earlier_on,
        language=demo["language"], owner=owner, steering_group=demo["course"]["steering_group"],
    )
    earlier = _rated_workshop(store, demo, demo["course"]["earlier_name"], earlier_on, owner, rng,
                              lower=demo["course"]["lower_before"])
    workshop = _rated_workshop(store, demo, demo["name"], held_on, owner, rng, lower={})
    add_workshop(store, course.id, earlier.id)
    add_workshop(store, course.id, workshop.id)
    return set_results_visible(store, workshop.id, True)


def _rated_workshop(store: Store, demo: dict, name: str, held_on: date, owner: str, rng: random.Random,
                    lower: dict[str, float]) -> Workshop:
    workshop = create_workshop(
        store, name=name, department=demo["department"], held_on=held_on, theme=demo["theme"],
        language=demo["language"], owner=owner,
    )
    set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    for role, group in demo["groups"].items():
        for _ in range(group["count"]):
            _, participant = join(store, workshop.code)
            if role != "none":
                participant = set_role(store, participant, role)
            answers = {}
            for factor, typical in group["typical"].items():
                if rng.random() < DONT_KNOW_SHARE:
                    answers[factor] = None
                else:
                    value = round(rng.gauss(typical - lower.get(factor, 0.0), 0.8))
                    answers[factor] = min(RATING_MAX, max(RATING_MIN, value))
            submit_ratings(store, participant, answers)
    return workshop


def main(argv: list[str] | None = None) -> int:
    """Command line: load the demo workshop for a facilitator."""
    from fea_core.config import database_url

    parser = argparse.ArgumentParser(prog="python -m fea_core.demo")
    parser.add_argument("--owner", required=True, help="the facilitator username who will own it")
    args = parser.parse_args(argv)
    workshop = load_demo(open_store(database_url()), args.owner.lower())
    print(f"ok: demo workshop {workshop.code} for {args.owner.lower()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
