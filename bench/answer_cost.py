"""Measure the CPU of one answer's database work, in-process, on a throwaway PostgreSQL.

    python bench/answer_cost.py --phones 300

The same service calls the answer route (ui/server/answer_routes.py) makes, without HTTP: a
phone's token looked up, six ratings, an item (the route answers with its saved text; the phone
keeps its own list), a placement. Prints this thread's CPU and the wall time per call, so a
change to how an answer's statements are built or sent shows here before it shows in
bench/cluster.py.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.pg_cluster import ThrowawayPostgres  # noqa: E402

WARM_UP = 20  # calls first, so each statement's first build and compile is not counted


def timed(label: str, call, cases: list[tuple]) -> None:
    for case in cases[:WARM_UP]:
        call(*case)
    cpu, wall = time.thread_time(), time.perf_counter()
    for case in cases:
        call(*case)
    n = len(cases)
    print(f"{label:28s} CPU {(time.thread_time() - cpu) / n * 1000:6.3f} ms   "
          f"wall {(time.perf_counter() - wall) / n * 1000:6.3f} ms   ({n} calls)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--phones", type=int, default=300)
    args = p.parse_args(argv)
    with ThrowawayPostgres(durable=True) as pg:
        url = pg.url(pg.create_database("answer_cost"))
        os.environ["FEA_DATABASE_URL"] = url
        from fea_core import competence, items, participation, placement, workshops
        from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_PROBLEM_MATRIX, ACTIVITY_PROBLEMS
        from fea_core.storage import open_store

        store = open_store(url)
        w = workshops.create_workshop(store, name="Bench", department="Bench", held_on=date.today(),
                                      theme="Answers", language="da", owner="bench")
        workshops.set_activity(store, w.id, ACTIVITY_COMPETENCE)
        phones = [participation.join(store, w.code)[1] for _ in range(args.phones)]
        keys = competence.factor_keys()
        print(f"{args.phones} phones, PostgreSQL (durable), one thread")
        timed("a phone's token looked up", lambda p: participation.resume(store, p.token), [(p,) for p in phones])
        timed("six ratings", lambda p: competence.submit_ratings(store, p, {k: random.randint(1, 5) for k in keys}),
              [(p,) for p in phones])
        workshops.set_activity(store, w.id, ACTIVITY_PROBLEMS)
        timed("an item", lambda p, n: items.submit_item(store, p, "problem", f"Problem {n} {random.random()}"),
              list(zip(phones, range(len(phones)))))
        workshops.set_activity(store, w.id, ACTIVITY_PROBLEM_MATRIX)
        cards = [item.id for item in items.list_items(store, w.id, "problem")][:3]
        timed("a placement", lambda p, i: placement.place_item(store, p, i, random.randint(1, 5), random.randint(1, 5)),
              [(p, i) for p in phones for i in cards])
        store.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
