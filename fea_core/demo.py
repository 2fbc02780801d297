"""A demo workshop with 25 participants' answers (data/demo.toml), for a first look.

    python -m fea_core.demo --owner USERNAME
"""

from __future__ import annotations

import argparse
import random
import sys
import tomllib
from datetime import date

from fea_core.competence import submit_ratings
from fea_core.method import DATA_DIR
from fea_core.model import ACTIVITY_COMPETENCE, RATING_MAX, RATING_MIN, Workshop
from fea_core.participation import join, set_role
from fea_core.storage import Store, open_store
from fea_core.workshops import create_workshop, set_activity, set_results_visible

DONT_KNOW_SHARE = 0.06  # a few "Ved ikke", as in a real room


def load_demo(store: Store, owner: str, held_on: date | None = None) -> Workshop:
    """Create the demo workshop for an owner, with every phone's ratings, results visible."""
    with open(DATA_DIR / "demo.toml", "rb") as f:
        demo = tomllib.load(f)
    rng = random.Random(demo["seed"])
    workshop = create_workshop(
        store,
        name=demo["name"],
        department=demo["department"],
        held_on=held_on or date.today(),
        theme=demo["theme"],
        language=demo["language"],
        owner=owner,
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
                    value = round(rng.gauss(typical, 0.8))
                    answers[factor] = min(RATING_MAX, max(RATING_MIN, value))
            submit_ratings(store, participant, answers)
    return set_results_visible(store, workshop.id, True)


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
