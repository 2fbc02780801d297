"""Measure the server CPU one script run costs, per page and interaction, with one session at a time.

    python bench/run_cost.py --runs 200

Starts the app (repository settings), prepares a workshop, and for each phone step
(rating, trin 1, trin 2 with 12 cards) sends --runs full page runs and --runs
interactions from one simulated phone, one after the other; then the shared screen's live
fragment, and (--room) the same once 400 phones have placed all 12 cards, each run after one
more placement (the matrix is rebuilt per change); then (--long-list) trin 1 once the workshop holds thousands of problems, as after
the soak's ten rounds: the screen's live fragment and full run, and a phone's send. Prints
the server's CPU milliseconds per run (from /proc, so other work on the machine changes the
wall clock but hardly this). A room's capacity is roughly one core
divided by this cost: this is the number to push down.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import Facilitator, prepare_workshop  # noqa: E402
from bench.load import BENCH_PASSWORD, BENCH_USER  # noqa: E402
from bench.server import Server, cpu_seconds  # noqa: E402
from bench.ws_client import Phone, Screen  # noqa: E402
from fea_core.items import ITEMS_PER_STEP_MAX  # noqa: E402


IDLE_SECONDS = 5.0
_idle_rate = 0.0  # the server's CPU seconds per wall second with nothing to do (timers, file polls)
_SESSION: list = [None]  # the session a lambda measured acts for (a bound method names its own)


async def _measure_idle(server: Server) -> None:
    global _idle_rate
    cpu0, t0 = cpu_seconds([server.proc.pid]), time.perf_counter()
    await asyncio.sleep(IDLE_SECONDS)
    _idle_rate = (cpu_seconds([server.proc.pid]) - cpu0) / (time.perf_counter() - t0)


async def _measure(server: Server, label: str, action, runs: int) -> tuple[str, float, float, float]:
    await action()  # warm: first loads import modules and fill caches
    session = getattr(action, "__self__", None) or _SESSION[0]
    scripts0 = session.counters["runs"]  # script runs the session was told of (script_finished)
    cpu0, t0 = cpu_seconds([server.proc.pid]), time.perf_counter()
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        result = await action()
        if result.errors:
            raise RuntimeError(f"{label}: {result.errors}")
        walls.append(time.perf_counter() - started)
    # What the idle server would have used in the same time is not the runs' cost.
    cpu = cpu_seconds([server.proc.pid]) - cpu0 - _idle_rate * (time.perf_counter() - t0)
    scripts = (session.counters["runs"] - scripts0) / runs
    return label, cpu * 1000 / runs, statistics.median(walls) * 1000, scripts


async def scenario(server: Server, code: str, token: str, runs: int, long_list: int = 0,
                   room: int = 0) -> list[tuple[str, float, float]]:
    facilitator = Facilitator(code)
    await _measure_idle(server)
    phone = Phone(server.url, f"code={code}&p={token}")
    _SESSION[0] = phone
    await phone.connect()
    await phone.load()
    rows = [await _measure(server, "rating page, full run", phone.load, runs),
            await _measure(server, "rating: send (POST, no script run)", phone.rate, runs)]
    facilitator.move_to("problems", 12)
    await phone.load()
    rows += [await _measure(server, "trin 1 page, full run", phone.load, runs),
             # One phone may send ITEMS_PER_STEP_MAX items per step (the warm-up sends one of them).
             await _measure(server, "trin 1: send (POST, no script run)", phone.send_item, min(runs, ITEMS_PER_STEP_MAX - 1))]
    facilitator.move_to("problem_matrix", 12)
    await phone.load()
    rows += [await _measure(server, "trin 2 page (12 cards), full run", phone.load, runs),
             await _measure(server, "trin 2: place (POST, no script run)", phone.place, runs),
             # What every phone in the room does when the facilitator changes the step: its held
             # poll is answered with the new phone state, no script run (and no second request).
             await _measure(server, "trin 2: step change (poll answer with state, no script run)", phone.catch_up, runs),
             # The same state asked for on its own (a reload's or an old page's way).
             await _measure(server, "trin 2: phone state alone (GET /api/phone)", lambda: phone.follow(0), runs)]
    await phone.close()
    screen = Screen(server.url, f"w={code}", page_name="screen")
    await screen.connect()
    opened = await screen.log_in(BENCH_USER, BENCH_PASSWORD)
    if opened.errors:
        raise RuntimeError(f"screen: {opened.errors}")
    rows.append(await _measure(server, "shared screen trin 2, live fragment", screen.rerun_live, runs))
    if room:
        # A whole room has placed every card and the results are shown: the matrix is rebuilt
        # after each new placement, as on the shared screen when the facilitator shows it live.
        place = await asyncio.to_thread(_fill_placements, facilitator, room)
        _SESSION[0] = screen

        async def placed_then_rerun():
            await asyncio.to_thread(place)
            return await screen.rerun_live()

        rows.append(await _measure(server, f"trin 2 screen, {room} phones x 12 placed, fragment", placed_then_rerun,
                                   min(runs, 60)))
    if long_list:
        # The soak's state after ten rounds of trin 1: thousands of problems, most hidden.
        listed = await asyncio.to_thread(_fill_long_list, facilitator, long_list)
        await screen.load()
        label = f"{long_list} problems ({listed} listed)"
        rows += [await _measure(server, f"trin 1 screen, {label}, fragment", screen.rerun_live, min(runs, 40)),
                 await _measure(server, f"trin 1 screen, {label}, full run", screen.load, min(runs, 20))]
        # A phone that has not sent yet in this step (one may send ITEMS_PER_STEP_MAX).
        sender = Phone(server.url, f"code={code}&p={_new_phone(facilitator)}")
        _SESSION[0] = sender
        await sender.connect()
        await sender.load()
        rows.append(await _measure(server, f"trin 1: send, {label}", sender.send_item, ITEMS_PER_STEP_MAX - 1))
        await sender.close()
    await screen.close()
    return rows


def _new_phone(facilitator: Facilitator) -> str:
    """Join the workshop as a new phone; return its token."""
    from fea_core import participation

    return participation.join(facilitator.store, facilitator.workshop.code)[1].token


def _fill_placements(facilitator: Facilitator, phones: int):
    """Let ``phones`` new phones place every card of trin 2 (one bulk insert); return a function
    that makes one of them move one card, as a phone does, through the service."""
    import itertools

    from fea_core import items, participation, placement, schema, workshops
    from fea_core.storage import utcnow

    store, wid = facilitator.store, facilitator.workshop.id
    cards = [i.id for i in items.list_items(store, wid, "problem")]
    room = [participation.join(store, facilitator.workshop.code)[1] for _ in range(phones)]
    with store.write(wid) as conn:
        conn.execute(schema.placements.insert(), [
            {"item_id": c, "participant_id": p.id, "workshop_id": wid, "x": 1 + (p.id + c) % 5,
             "y": 1 + (3 * p.id + c) % 5, "updated_at": utcnow()} for p in room for c in cards])
    workshops.set_results_visible(store, wid, True)  # the matrix drawn, not "results hidden"
    moves = itertools.cycle((p, c) for p in room for c in cards)

    def move_one() -> None:
        phone, card = next(moves)
        placement.place_item(store, phone, card, 1 + (phone.id + card + 1) % 5, 3)

    return move_one


def _fill_long_list(facilitator: Facilitator, total: int) -> int:
    """Give the workshop ``total`` problems in trin 1, of which a tenth are listed; return how many are."""
    from sqlalchemy import update

    from fea_core import items, participation, schema, workshops

    store, wid = facilitator.store, facilitator.workshop.id
    workshops.set_activity(store, wid, "problems")
    # A phone sends at most ITEMS_PER_STEP_MAX items per step: enough phones for the whole list.
    phones = max(200, -(-total // items.ITEMS_PER_STEP_MAX))
    senders = [participation.join(store, facilitator.workshop.code)[1] for _ in range(phones)]
    for n in range(total):
        items.submit_item(store, senders[n % len(senders)], "problem", f"Problem {n} fra bordet")
        if n % (total // 10 or 1) == total // 10 - 1 and n < total - total // 10:
            with store.write(wid) as conn:  # the facilitator tidies after each round
                conn.execute(update(schema.items).where(schema.items.c.workshop_id == wid).values(hidden=True))
    return len(items.list_items(store, wid, "problem"))


def main(argv: list[str] | None = None) -> int:
    """Command line: start a server, measure, print the table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--long-list", type=int, default=6000,
                   help="then measure trin 1 with this many problems, a tenth listed (0: skip)")
    p.add_argument("--room", type=int, default=400,
                   help="then measure trin 2's screen once this many phones placed all 12 cards (0: skip)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fea-cost-") as tmp:
        os.environ["FEA_DATA_DIR"] = tmp
        os.environ.pop("FEA_DATABASE_URL", None)
        _, code, tokens = prepare_workshop(1)
        server = Server("tuned", Path(tmp), Path(tmp) / "server.log")
        try:
            server.wait_ready()
            rows = asyncio.run(scenario(server, code, tokens[0], args.runs, args.long_list, args.room))
        finally:
            server.stop()
    print(f"server CPU when idle: {_idle_rate * 100:.1f} % of a core (subtracted below)")
    print(f"{'run':<42}{'server CPU ms/run':>18}{'wall ms p50':>13}{'script runs':>13}")
    for label, cpu_ms, wall_ms, scripts in rows:
        print(f"{label:<42}{cpu_ms:>18.1f}{wall_ms:>13.1f}{scripts:>13.2f}")
    print(f"machine load average (1 min): {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
