"""A model of scale past one machine: processes and PostgreSQL settings for 1,000 and 5,000 phones.

    python bench/scale_model.py                   # the model, with the per-phone costs measured here
    python bench/scale_model.py --measure-db      # first measure the workshop row's lock on PostgreSQL
    python bench/scale_model.py --answer-ms 2.7 --step-ms 4.7 --lock-ms 1.9   # your own measurements

Nothing here is a load test: it multiplies measured costs. The per-phone costs come from
bench/run_cost.py (server CPU per answer POST, per held-poll reply, per step change) and
bench/load.py --idle; the workshop row's lock time from --measure-db. A process is one core
(Python's GIL), used to ``--headroom`` at most. Three limits decide the size:

- **steady answers**: phones x answers per phone per second x CPU per answer, plus every
  phone's held poll renewed each ui/routes.HOLD_SECONDS, plus one shared screen per workshop;
- **the step change**: every phone of a workshop learns of it at once: its held poll is
  answered with its new state (no script run; the states of the polls woken together are read
  in one or two database turns) and asked again; the whole burst, spread over the processes,
  must fit the promised ``--step-target`` seconds. ``step_ms`` is one phone's state answered
  alone (bench/run_cost.py), an upper bound for a phone in a batch;
- **the workshop row**: every answer bumps its workshop's revision under that row's lock
  (fea_core/storage.Store._bump), so one workshop's answers are serial at the database,
  whatever the number of processes: at most 1 / lock time answers per second per workshop.
  Parallel workshops lock different rows and do not wait for each other.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HOLD_SECONDS = 20.0  # ui/routes.HOLD_SECONDS: a held poll is answered and renewed at least this often

# Measured on the project's 2-core machine (see README "Performance"; quote yours with the flags).
MEASURED = {
    "answer_ms": 1.5,  # run_cost.py --runs 60 (2026-12-03, statements built once): an answer POST 1.3-1.6 ms of server CPU (was 1.7-3.7)
    "poll_ms": 3.0,  # load.py --idle --phones 200: 200 poll replies in 20 s at 3 % of a core
    "step_ms": 1.2,  # run_cost.py --runs 100 (2026-12-03): the poll's answer with the state, one phone alone; was 1.8 as a fetch, 4.7-11.2 as a rerun
    "screen_ms_per_s": 7.2,  # run_cost.py --runs 100 (2026-12-03): the room view's live rerun, at most one a second
    "lock_ms": 2.0,  # --measure-db: the workshop row locked per answer (UPDATE + COMMIT, fsync on)
}


@dataclass(frozen=True)
class Costs:
    answer_ms: float
    poll_ms: float
    step_ms: float
    screen_ms_per_s: float
    lock_ms: float
    think_s: float = 10.0  # a phone's mean pause between answers in a real room (bench default: 2 s)
    headroom: float = 0.6  # the share of a core a process may use before answers queue
    step_target_s: float = 0.5  # the whole room on the new step within this
    pool_per_process: int = 15  # FEA_DB_POOL_SIZE + FEA_DB_MAX_OVERFLOW at the defaults (5 + 10)


@dataclass(frozen=True)
class Plan:
    phones: int
    workshops: int
    processes: int
    by_answers: int  # processes the steady answers need
    by_step: int  # processes the step-change burst needs
    answers_per_s_per_workshop: float
    lock_ceiling_per_workshop: float  # answers per second one workshop's row allows
    lock_use: float  # answers_per_s_per_workshop / lock_ceiling_per_workshop
    max_connections: int
    bottleneck: str


def plan(phones: int, workshops: int, costs: Costs) -> Plan:
    """Return the processes and database settings ``phones`` spread over ``workshops`` need."""
    answers_per_s = phones / costs.think_s
    cpu_per_s = (answers_per_s * costs.answer_ms + phones / HOLD_SECONDS * costs.poll_ms
                 + workshops * costs.screen_ms_per_s) / 1000
    by_answers = math.ceil(cpu_per_s / costs.headroom)
    # The step changes of parallel workshops rarely coincide: size for the largest room's burst.
    room = math.ceil(phones / workshops)
    burst_cpu_s = room * (costs.poll_ms + costs.step_ms) / 1000
    by_step = math.ceil(burst_cpu_s / costs.step_target_s)
    processes = max(1, by_answers, by_step)
    per_workshop = answers_per_s / workshops
    ceiling = 1000 / costs.lock_ms
    lock_use = per_workshop / ceiling
    reserve = 13  # README: 10 for backups, accounts and an admin shell, 3 superuser_reserved_connections
    max_connections = processes * costs.pool_per_process + reserve
    if lock_use >= 0.5:
        bottleneck = "the workshop row's lock (answers of one room queue at the database)"
    elif by_step >= by_answers:
        bottleneck = "the step-change burst (CPU of the processes for one room's step-change poll answers)"
    else:
        bottleneck = "steady answers (CPU of the processes)"
    return Plan(phones, workshops, processes, by_answers, by_step, per_workshop, ceiling, lock_use,
                max_connections, bottleneck)


def _postgres_settings(p: Plan) -> str:
    if p.max_connections > 300:
        # A connection is held a few ms per read/write (README "Sizing the connection pools"):
        # many processes share the server better with small pools than with 15 each.
        small = p.processes * 5 + 13
        settings = [f"FEA_DB_POOL_SIZE=3 FEA_DB_MAX_OVERFLOW=2, max_connections={small}"
                    + (" behind PgBouncer (transaction pooling)" if small > 500 else "")]
    else:
        settings = [f"max_connections={max(100, p.max_connections)}"]
    if p.lock_use >= 0.5:
        # The lock is held through COMMIT's WAL flush: group commit shortens the wait per answer.
        settings.append("commit_delay=200 (with commit_siblings=5), or synchronous_commit=off if a lost"
                        " last second of answers on a crash is acceptable")
    return "; ".join(settings)


def print_table(costs: Costs, scenarios) -> None:
    print(f"costs: answer {costs.answer_ms} ms, poll {costs.poll_ms} ms, step state {costs.step_ms} ms, "
          f"screen {costs.screen_ms_per_s} ms/s per workshop, row lock {costs.lock_ms:.2f} ms; "
          f"think {costs.think_s} s, headroom {costs.headroom:.0%} of a core, step target {costs.step_target_s} s")
    print(f"{'phones':>6} {'rooms':>5} {'procs':>5} {'(ans':>5} {'step)':>5} {'ans/s/room':>10} "
          f"{'lock use':>8}  first bottleneck / PostgreSQL")
    for phones, workshops in scenarios:
        p = plan(phones, workshops, costs)
        print(f"{p.phones:>6} {p.workshops:>5} {p.processes:>5} {p.by_answers:>5} {p.by_step:>5} "
              f"{p.answers_per_s_per_workshop:>10.1f} {p.lock_use:>8.0%}  {p.bottleneck}")
        print(f"{'':>36}{_postgres_settings(p)}")


# --- measuring the workshop row's lock ------------------------------------------------------------

def _hammer(url: str, workshop_id: int, seconds: float, queue) -> None:
    """Bump one workshop's revision as fea_core does, as fast as one process can; report the count."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, pool_size=1)
    done = 0
    end = time.perf_counter() + seconds
    with engine.connect() as conn:
        while time.perf_counter() < end:
            with conn.begin():
                conn.execute(text("UPDATE workshops SET revision = revision + 1 WHERE id = :id"), {"id": workshop_id})
            done += 1
    queue.put(done)


def measure_db(seconds: float, writers: int) -> float:
    """Start a durable throwaway PostgreSQL; return the median ms the workshop row stays locked per answer."""
    from sqlalchemy import text

    from datetime import date

    from fea_core import accounts, workshops
    from fea_core.storage import open_store
    from tests.pg_cluster import ThrowawayPostgres

    with ThrowawayPostgres(durable=True) as pg:
        url = pg.url(pg.create_database())
        store = open_store(url)
        accounts.create_facilitator(store, "bench-scale", "Bench", "bench-scale-password")
        ids = [workshops.create_workshop(store, name=f"Rum {i}", department="Bench", held_on=date.today(),
                                         theme="Skala", language="da", owner="bench-scale").id
               for i in range(writers)]
        # One writer alone: the lock is held from the UPDATE until COMMIT has flushed the WAL.
        holds = []
        with store.engine.connect() as conn:
            for _ in range(300):
                started = time.perf_counter()
                with conn.begin():
                    conn.execute(text("UPDATE workshops SET revision = revision + 1 WHERE id = :id"), {"id": ids[0]})
                holds.append((time.perf_counter() - started) * 1000)
        lock_ms = statistics.median(holds)
        print(f"one writer: row locked {lock_ms:.2f} ms per answer (median of 300; p95 "
              f"{statistics.quantiles(holds, n=20)[-1]:.2f} ms) -> at most {1000 / lock_ms:.0f} answers/s per room")
        for label, targets in (("one room", [ids[0]] * writers), (f"{writers} rooms", ids)):
            queue = multiprocessing.Queue()
            procs = [multiprocessing.Process(target=_hammer, args=(url, wid, seconds, queue)) for wid in targets]
            for proc in procs:
                proc.start()
            total = sum(queue.get() for _ in procs)
            for proc in procs:
                proc.join()
            print(f"{writers} writers, {label}: {total / seconds:.0f} bumps/s")
        store.engine.dispose()
    return lock_ms


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--measure-db", action="store_true", help="measure --lock-ms on a throwaway PostgreSQL first")
    p.add_argument("--seconds", type=float, default=5.0, help="per concurrent run of --measure-db")
    p.add_argument("--writers", type=int, default=8, help="concurrent writer processes in --measure-db")
    for name, value in MEASURED.items():
        p.add_argument(f"--{name.replace('_', '-')}", type=float, default=value)
    p.add_argument("--think", type=float, default=Costs.think_s)
    p.add_argument("--headroom", type=float, default=Costs.headroom)
    p.add_argument("--step-target", type=float, default=Costs.step_target_s)
    args = p.parse_args(argv)
    lock_ms = measure_db(args.seconds, args.writers) if args.measure_db else args.lock_ms
    costs = Costs(args.answer_ms, args.poll_ms, args.step_ms, args.screen_ms_per_s, lock_ms,
                  think_s=args.think, headroom=args.headroom, step_target_s=args.step_target)
    print_table(costs, [(1000, 1), (5000, 1), (1000, 20), (5000, 20)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
