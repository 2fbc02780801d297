"""Load-test the live workshop with real Streamlit sessions (websocket protocol), not HTTP GETs.

    python bench/load.py --phones 200 --duration 60
    python bench/load.py --compare --phones 100 --duration 30
    python bench/load.py --idle --phones 200
    python bench/load.py --phones 200 --duration 1800 --phase-seconds 60     # the soak

The scenario is a workshop: every simulated phone resumes a pre-joined participant
(``?code=...&p=TOKEN``), keeps a poll of ``/api/live/<token>`` held until the step moves,
as the browser's watcher does, and does what the active step asks, with a think time between
interactions: rate the six factors, send problems, place problems on their cards. The
bench plays the facilitator: it moves the room through the steps (Arbejdsmiljøkompetence-
modellen -> Trin 1 -> Trin 2, round and round) and measures how long each phone takes to
show the new step. A simulated shared screen is logged in and reruns its live fragment
every second, as the facilitator's browser does. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # fea_core, when run as a script

from bench.server import Server, cpu_seconds, machine_cpu_seconds, rss_mib  # noqa: E402
from ui.live import RETRY_INTERVAL_MS  # noqa: E402
from ui.server import memory_trace  # noqa: E402
from fea_core.items import ITEMS_PER_STEP_MAX  # noqa: E402
from bench.ws_client import STEP_ITEMS, STEP_OTHER, LivePoller, Phone, RunResult, Screen  # noqa: E402

BENCH_USER = "bench-load"
BENCH_PASSWORD = "bench-load-password"
LOG_DIR = Path(tempfile.gettempdir()) / "fea-bench-logs"
PHASES = ("competence", "problems", "problem_matrix")
RSS_SAMPLE_SECONDS = 5.0
TIMELINE_SECONDS = 2.0
LAG_SAMPLE_SECONDS = 0.05
SETTLE_SECONDS = 3.0  # watchers and the shared screen run this long before the measured window


def prepare_workshop(phones: int) -> tuple[int, str, list[str]]:
    """Create a facilitator, a workshop in the competence round and the phones' participants."""
    from fea_core import accounts, participation, workshops
    from fea_core.config import database_url
    from fea_core.model import ACTIVITY_COMPETENCE
    from fea_core.storage import open_store

    store = open_store(database_url())
    try:
        accounts.create_facilitator(store, BENCH_USER, "Load test", BENCH_PASSWORD)
    except accounts.InvalidAccount:
        pass  # a second run against the same database reuses the account
    workshop = workshops.create_workshop(
        store, name="Load test", department="Bench", held_on=date.today(),
        theme="Live at scale", language="da", owner=BENCH_USER,
    )
    workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    tokens = [participation.join(store, workshop.code)[1].token for _ in range(phones)]
    return workshop.id, workshop.code, tokens


def phones_with_ratings(workshop_id: int) -> int:
    """Return how many participants have all six ratings saved in the database."""
    from fea_core import competence
    from fea_core.config import database_url
    from fea_core.storage import open_store

    rows = competence.rating_rows(open_store(database_url()), workshop_id)
    return int((rows.groupby("participant_id").size() == 6).sum()) if len(rows) else 0


class Facilitator:
    """The bench's hand on the facilitator's controls: the same service calls the shared screen makes."""

    def __init__(self, code: str):
        from fea_core import workshops
        from fea_core.config import database_url
        from fea_core.storage import open_store

        self.store = open_store(database_url())
        self.workshop = workshops.find_by_code(self.store, code)

    def move_to(self, activity: str, cards: int) -> int:
        """Make ``activity`` the room's step; return the new stage number."""
        from fea_core.errors import StoreBusy

        # On SQLite the bench is a second process: while the server's writers take turns on
        # their in-process lock, this one meets SQLite's busy timeout now and then. A real
        # facilitator's clicks go through the server, so try again rather than fail the run.
        for attempt in range(20):
            try:
                return self._move_to(activity, cards)
            except StoreBusy:
                time.sleep(0.2)
        return self._move_to(activity, cards)

    def _move_to(self, activity: str, cards: int) -> int:
        from fea_core import workshops
        from fea_core.model import ACTIVITY_PROBLEM_MATRIX

        if activity == ACTIVITY_PROBLEM_MATRIX:
            self._tidy_problems(cards)
        return workshops.set_activity(self.store, self.workshop.id, activity).stage

    def _tidy_problems(self, cards: int) -> None:
        # A facilitator merges and hides until the room has a dozen or so problems to place;
        # 200 phones send hundreds. One bulk update stands for that work (one revision, no stage).
        from sqlalchemy import select, update

        from fea_core import items, schema

        wid = self.workshop.id
        shown = items.list_items(self.store, wid, "problem")
        for n in range(len(shown), cards):
            items.add_item_as_facilitator(self.store, wid, "problem", f"Problem fra facilitator {n + 1}")
        keep = select(schema.items.c.id).where(
            schema.items.c.workshop_id == wid, schema.items.c.kind == "problem", schema.items.c.hidden.is_(False)
        ).order_by(schema.items.c.number).limit(cards)
        with self.store.write(wid) as conn:
            kept = [r.id for r in conn.execute(keep)]
            conn.execute(
                update(schema.items)
                .where(schema.items.c.workshop_id == wid, schema.items.c.kind == "problem",
                       schema.items.c.id.not_in(kept))
                .values(hidden=True)
            )


def percentiles(values: list[float]) -> tuple[float, float, float, float]:
    """Return p50, p95, p99 and max in milliseconds (NaN when there are none)."""
    if not values:
        return (float("nan"),) * 4
    if len(values) == 1:
        return (values[0] * 1000,) * 4
    q = statistics.quantiles(values, n=100, method="inclusive")
    return q[49] * 1000, q[94] * 1000, q[98] * 1000, max(values) * 1000


async def open_phones(urls, code, tokens, args, counters, errors: Counter):
    """Connect every phone, spread over the ramp, and load its page; return the ones that work."""
    ramp = args.ramp if args.ramp is not None else max(1.0, len(tokens) / 20)

    async def one(i: int, token: str):
        await asyncio.sleep(ramp * i / len(tokens))
        phone = Phone(urls[i % len(urls)], f"code={code}&p={token}", counters=counters,
                      timeout=args.timeout, rng=random.Random(args.seed * 100_003 + i))
        phone.token, phone.base_url = token, urls[i % len(urls)]
        try:
            await phone.connect()
        except Exception as exc:
            return phone, RunResult(0.0, 0, [f"connect: {type(exc).__name__}: {exc}"[:120]])
        return phone, await phone.load()

    started = time.monotonic()
    opened = await asyncio.gather(*(one(i, t) for i, t in enumerate(tokens)))
    good, loads = [], []
    for phone, result in opened:
        if result.errors or phone.step() == STEP_OTHER:
            errors.update(f"load: {e}" for e in result.errors or ["no rating form on the page"])
            await phone.close()
        else:
            good.append(phone)
            loads.append(result.latency)
    print(f"  {len(good)}/{len(tokens)} phones loaded in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return good, loads


class Window:
    """Server CPU, script runs and generator CPU between two instants."""

    def __init__(self, pids, counters):
        self.pids, self.counters = pids, counters
        self.t0, self.cpu0, self.runs0, self.gen0 = time.monotonic(), cpu_seconds(pids), counters["runs"], _own_cpu()

    def close(self) -> dict:
        seconds = time.monotonic() - self.t0
        return {
            "seconds": seconds,
            "runs": self.counters["runs"] - self.runs0,
            "runs_per_s": (self.counters["runs"] - self.runs0) / seconds,
            "cpu_pct": (cpu := (cpu_seconds(self.pids) - self.cpu0) if self.pids else float("nan")) / seconds * 100,
            "cpu_ms_per_run": cpu * 1000 / max(1, self.counters["runs"] - self.runs0),
            "gen_cpu_pct": (_own_cpu() - self.gen0) / seconds * 100,
        }


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


class Watcher:
    """A phone's watcher: what stage it has shown, and an event when the poll sees a newer one."""

    def __init__(self, stage: int):
        self.shown = stage
        self.seen = stage
        self.seen_at = 0.0  # when the poll saw it (time.monotonic())
        self.state: dict | None = None  # the new phone state the poll's answer carried
        self.changed = asyncio.Event()


async def _poll_loop(url: str, token: str, lang: str, watcher: Watcher, args, deadline: float, errors: Counter, rng):
    poller = LivePoller(url, token, timeout=args.timeout)
    await asyncio.sleep(rng.uniform(0, args.poll))  # browsers' timers are not in step
    while time.monotonic() < deadline:
        sent = time.monotonic()
        try:
            # As the browser's watcher: held until the stage moves past what the phone knows;
            # the answer then carries the new phone state (ui/server/routes.py live()).
            status, body = await poller.get(watcher.seen, lang)
            if status == 200:
                reply = json.loads(body)
                stage = reply["stage"]
                if stage > watcher.seen:
                    watcher.state = reply.get("state")
                    watcher.seen, watcher.seen_at = stage, time.monotonic()
                    watcher.changed.set()
            else:
                errors[f"poll: HTTP {status}"] += 1
        except Exception as exc:
            errors[f"poll: {type(exc).__name__}"] += 1
            await poller.close()
        # Held and answered: ask again at once; answered at once: wait an interval (as ui/live.py).
        if time.monotonic() - sent < args.poll:
            await asyncio.sleep(args.poll)
    await poller.close()


async def _screen_loop(url: str, code: str, args, counters: Counter, out: dict):
    """The shared screen: log in, then rerun as the room view does until out["deadline"].

    out["open"] is set once it has logged in and drawn (or failed to): a temadag's phones join by
    the QR code on that screen, so the bench opens it before any phone.
    """
    screen = Screen(url, f"w={code}", page_name="screen", counters=counters, timeout=args.timeout)
    try:
        await screen.connect()
        opened = await screen.log_in(BENCH_USER, BENCH_PASSWORD)
    except Exception as exc:
        out["errors"][f"screen: {type(exc).__name__}: {exc}"[:120]] += 1
        return
    finally:
        out["open"].set()  # opened or failed: the phones may join now
    if opened.errors:
        out["errors"].update(f"screen: {e}" for e in opened.errors)
        await screen.close()
        return
    interval = RETRY_INTERVAL_MS / 1000
    while time.monotonic() < out["deadline"]:
        sent = time.monotonic()
        result = await screen.tick()
        if result.errors:
            out["errors"].update(f"screen: {e}" for e in result.errors)
        elif result.runs and sent >= out["window_start"]:
            out["ticks"].append(result.latency)
        # As the watcher: a poll answered within the interval waits out the rest of it, so the
        # room view reruns at most about once per interval however fast phones answer.
        await asyncio.sleep(max(0.0, interval - (time.monotonic() - sent)))
    await screen.close()


async def active_run(urls, pids, code, tokens, args) -> dict:
    """Ramp the phones up, run the workshop's steps for --duration seconds, and measure."""
    counters, errors = Counter(), Counter()
    phases = tuple(getattr(args, "phases", None) or PHASES)
    phase_seconds = getattr(args, "phase_seconds", None) or args.duration / len(phases)
    cards = getattr(args, "cards", 12)
    items_each = getattr(args, "items_each", 3)
    poll = getattr(args, "poll", 1.0)
    args.poll = poll
    facilitator = await asyncio.to_thread(Facilitator, code)
    # The shared screen is open before the phones join (they scan its QR code), as on a temadag:
    # its login and first room view are the server's warm-up, not growth "after loading".
    screen_out = {"ticks": [], "errors": errors, "window_start": math.inf, "deadline": math.inf,
                  "open": asyncio.Event()}
    screen_task = None
    if getattr(args, "screen", True):
        screen_task = asyncio.create_task(_screen_loop(urls[0], code, args, counters, screen_out))
        await screen_out["open"].wait()
    rss_start = rss_mib(pids)
    phones, loads = await open_phones(urls, code, tokens, args, counters, errors)
    rss_loaded = rss_mib(pids)
    if getattr(args, "memory_trace", None):  # the server's memory trace takes its baseline now
        memory_trace.loaded_marker(Path(args.memory_trace).resolve()).touch()
    latencies: list[float] = []
    by_step: dict[str, list[float]] = defaultdict(list)
    finished_at: list[float] = []
    changes: list[float] = []  # seconds from the facilitator's switch to a phone showing the new step
    # ... in three parts: until its poll saw the switch, until it was done with an answer it was
    # sending, and taking the new phone state (from the poll's answer; a request only without it).
    change_parts: dict[str, list[float]] = {"poll": [], "busy": [], "fetch": []}
    switched_at: dict[int, float] = {}
    outcome = Counter()
    settle = getattr(args, "settle", SETTLE_SECONDS)
    deadline = screen_out["deadline"] = time.monotonic() + settle + args.duration
    rss_samples: list[float] = []
    busy_samples: list[tuple[float, float, float]] = []  # (seconds into the window, machine busy %, server CPU %)

    async def _think(watcher: Watcher, rng: random.Random):
        pause = min(args.think * rng.uniform(0.5, 1.5), max(0.0, deadline - time.monotonic()))
        try:  # think, unless the watcher sees the facilitator move on
            await asyncio.wait_for(watcher.changed.wait(), pause)
        except asyncio.TimeoutError:
            pass

    async def phone_loop(phone: Phone, watcher: Watcher, rng: random.Random):
        await asyncio.sleep(rng.uniform(0, args.think))  # phones do not all press at once
        sent_items = 0
        # The app takes ITEMS_PER_STEP_MAX problems per phone in a workshop's trin 1, however often
        # the soak comes back to it; a person who has said that much listens (no 409 to count).
        sent_in_all = 0
        while time.monotonic() < deadline:
            if watcher.seen > watcher.shown:
                target = watcher.seen
                watcher.changed.clear()
                following = time.monotonic()
                result = await phone.follow(target, watcher.state)  # the step component draws the new step
                if result.errors:
                    errors.update(f"step change: {e}" for e in result.errors)
                    outcome["failed"] += 1
                elif target in switched_at:
                    changes.append(time.monotonic() - switched_at[target])
                    change_parts["poll"].append(watcher.seen_at - switched_at[target])
                    change_parts["busy"].append(following - watcher.seen_at)
                    change_parts["fetch"].append(time.monotonic() - following)
                watcher.shown = target
                sent_items = 0
                # A person reads the new step before answering: the same think time as between
                # answers (without it, all phones would answer in the same second as they switch).
                await _think(watcher, rng)
                continue
            if phone.step() == STEP_ITEMS and (sent_items >= items_each or sent_in_all >= ITEMS_PER_STEP_MAX):
                step, result = STEP_OTHER, RunResult(0.0, 0)  # said what it had to say: listens
            else:
                step, result = await phone.act()
                sent_items += step == STEP_ITEMS
                sent_in_all += step == STEP_ITEMS
            if step == STEP_OTHER:
                result.errors.clear()  # nothing to do here until the next step: just wait
            elif result.refused:
                outcome["refused"] += 1
            elif result.errors or not result.saved:
                errors.update(result.errors or [f"{step}: no confirmation after submit"])
                outcome["failed"] += 1
                if any(e.startswith(("connection", "timeout")) for e in result.errors):
                    return  # a dead or stuck session will not recover; count it once
            else:
                latencies.append(result.latency)
                by_step[step].append(result.latency)
                finished_at.append(time.monotonic())
            await _think(watcher, rng)

    async def conductor():
        # Move the room through the steps; the first one is already active.
        k = 0
        while True:
            k += 1
            at = window_start + k * phase_seconds
            if at >= deadline - 1.0:
                return
            await asyncio.sleep(at - time.monotonic())
            stage = await asyncio.to_thread(facilitator.move_to, phases[k % len(phases)], cards)
            switched_at[stage] = time.monotonic()

    async def rss_sampler():
        while time.monotonic() < deadline:
            rss_samples.append(rss_mib(pids) if pids else float("nan"))
            await asyncio.sleep(RSS_SAMPLE_SECONDS)

    lags: list[tuple[float, float]] = []  # (seconds into the window, how late the bench's own loop woke)

    async def lag_sampler():
        # The phones share one event loop: when it is late, every phone's poll, answer and
        # measurement is late too, and the server is not to blame for that part.
        while (now := time.monotonic()) < deadline:
            await asyncio.sleep(LAG_SAMPLE_SECONDS)
            lags.append((now - window_start, time.monotonic() - now - LAG_SAMPLE_SECONDS))

    async def busy_sampler():
        # Each TIMELINE_SECONDS: how busy the whole machine and the server processes were.
        machine, server, at = machine_cpu_seconds(), cpu_seconds(pids) if pids else 0.0, time.monotonic()
        while (now := time.monotonic()) < deadline:
            await asyncio.sleep(min(TIMELINE_SECONDS, max(0.0, deadline - now)))
            m, s, t = machine_cpu_seconds(), cpu_seconds(pids) if pids else 0.0, time.monotonic()
            busy_samples.append((t - window_start, (m[0] - machine[0]) / max(1e-9, m[1] - machine[1]) * 100,
                                 (s - server) / (t - at) * 100))
            machine, server, at = m, s, t

    stage0 = facilitator.workshop.stage
    watchers = [Watcher(stage0) for _ in phones]
    # A loaded page's watcher polls from then on: --settle seconds before the window (else the
    # window would open with every phone's first poll at once, which no room does).
    tasks = [asyncio.create_task(_poll_loop(p.base_url, p.token, p.lang, w, args, deadline, errors, random.Random(-i)))
             for i, (p, w) in enumerate(zip(phones, watchers))]
    if screen_task is not None:
        tasks.append(screen_task)
    await asyncio.sleep(settle)
    window = Window(pids, counters)
    window_start = screen_out["window_start"] = time.monotonic()
    tasks += [asyncio.create_task(phone_loop(p, w, random.Random(args.seed + i)))
              for i, (p, w) in enumerate(zip(phones, watchers))]
    tasks += [asyncio.create_task(conductor()), asyncio.create_task(rss_sampler()), asyncio.create_task(busy_sampler()),
              asyncio.create_task(lag_sampler())]
    await asyncio.sleep(max(0.0, deadline - time.monotonic()))
    measured = window.close()
    window_end = time.monotonic()
    await asyncio.gather(*tasks)  # in-flight interactions finish: the slow tail stays in the numbers
    # A phone that never showed a step it was switched to counts as a failed step change.
    missed = sum(1 for w in watchers for s in switched_at if s > w.shown and switched_at[s] < window_end - 3)
    if missed:
        errors["step change never shown"] += missed
    measured["done_per_s"] = sum(t <= window_end for t in finished_at) / measured["seconds"]
    rss_end = rss_mib(pids)
    await asyncio.gather(*(p.close() for p in phones))
    return {
        "phones": len(tokens), "loaded": len(phones), "interactions": len(latencies) + outcome["failed"],
        "ok": len(latencies), "failed": outcome["failed"] + missed + len(tokens) - len(phones),
        "refused": outcome["refused"], "errors": errors, "lat": percentiles(latencies),
        "steps": {step: (len(v), percentiles(v)) for step, v in by_step.items()},
        "changes": (len(changes), len(switched_at), percentiles(changes)),
        "change_parts": {part: percentiles(v) for part, v in change_parts.items()},
        "screen": (len(screen_out["ticks"]), percentiles(screen_out["ticks"])),
        "load": percentiles(loads), "screen_first": screen_task is not None, "rss_start": rss_start, "rss_loaded": rss_loaded, "rss_end": rss_end,
        "rss_max": max(rss_samples + [rss_end]), "rss_samples": rss_samples, **measured,
        "timeline": {"answers": [(f - window_start, lat) for f, lat in zip(finished_at, latencies)],
                     "switches": sorted(at - window_start for at in switched_at.values()),
                     "busy": busy_samples, "lags": lags},
        "lag": percentiles([lag for _, lag in lags]),
    }


async def idle_run(urls, pids, code, tokens, args) -> dict:
    """Connect the phones, then let them only poll /api/live/<token> for --idle-seconds."""
    counters, errors = Counter(), Counter()
    rss_start = rss_mib(pids)
    phones, loads = await open_phones(urls, code, tokens, args, counters, errors)
    latencies: list[float] = []
    failed = 0
    deadline = time.monotonic() + args.idle_seconds

    async def poll(i: int, rng: random.Random):
        # As the browser's watcher: the first poll answers at once, the next ones are held
        # until the stage moves (it does not here) or the route's hold ends.
        nonlocal failed
        poller = LivePoller(urls[i % len(urls)], tokens[i], timeout=args.timeout)
        await asyncio.sleep(rng.uniform(0, args.poll))  # browsers' timers are not in step
        stage = None
        while time.monotonic() < deadline:
            sent = time.perf_counter()
            try:
                status, body = await asyncio.wait_for(poller.get(stage), max(0.1, deadline - time.monotonic()))
                if status == 200:
                    latencies.append(time.perf_counter() - sent)
                    stage = json.loads(body)["stage"]
                else:
                    failed += 1
                    errors[f"poll: HTTP {status}"] += 1
            except asyncio.TimeoutError:
                break  # held past the window's end: not an error
            except Exception as exc:
                failed += 1
                errors[f"poll: {type(exc).__name__}"] += 1
                await poller.close()
            if time.perf_counter() - sent < args.poll:
                await asyncio.sleep(args.poll)
        await poller.close()

    window = Window(pids, counters)
    await asyncio.gather(*(poll(i, random.Random(args.seed + i)) for i in range(len(phones))))
    measured = window.close()
    rss_end = rss_mib(pids)
    await asyncio.gather(*(p.close() for p in phones))
    return {
        "phones": len(tokens), "loaded": len(phones), "polls": len(latencies) + failed,
        "failed": failed + len(tokens) - len(phones), "errors": errors,
        "lat": percentiles(latencies), "load": percentiles(loads),
        "rss_start": rss_start, "rss_end": rss_end, **measured,
    }


def run_config(mode: str, args, idle: bool = False) -> dict:
    """Prepare a database, start the server(s) in this mode, run one scenario, stop everything."""
    with tempfile.TemporaryDirectory(prefix="fea-bench-") as tmp:
        servers: list[Server] = []
        if mode != "none":
            os.environ["FEA_DATA_DIR"] = tmp
            os.environ.pop("FEA_DATABASE_URL", None)
        workshop_id, code, tokens = prepare_workshop(args.phones)
        try:
            if mode == "none":
                urls = [args.url]
            else:
                trace = {}
                if args.memory_trace:  # ui/server/memory_trace.py: the baseline once every phone has loaded
                    # (the soak's "after loading"; a guessed number of seconds missed the first burst)
                    trace = {"FEA_MEMORY_TRACE": str(Path(args.memory_trace).resolve()), "FEA_MEMORY_TRACE_AFTER": "loaded"}
                    memory_trace.loaded_marker(Path(args.memory_trace).resolve()).unlink(missing_ok=True)
                servers = [Server(mode, Path(tmp), Path(tmp) / f"server-{i}.log", extra_env=trace)
                           for i in range(args.processes)]
                for s in servers:
                    s.wait_ready()
                urls = [s.url for s in servers]
            pids = [s.proc.pid for s in servers]
            print(f"{mode}: {len(tokens)} phones -> {', '.join(urls)} (workshop {code})", file=sys.stderr)
            scenario = idle_run if idle else active_run
            result = asyncio.run(scenario(urls, pids, code, tokens, args))
            result["config"] = f"{mode} x{len(urls)}" if len(urls) > 1 else mode
            result["saved_in_db"] = phones_with_ratings(workshop_id)
            for s in servers:
                if not s.alive():
                    result["errors"][f"server exited with {s.proc.returncode}"] += 1
                    result["failed"] += 1
                if result["failed"]:
                    # The phones only see redacted errors (client.showErrorDetails): keep the tracebacks.
                    print(f"  server log kept: {s.keep_log(LOG_DIR)}", file=sys.stderr)
        finally:
            for s in servers:
                s.stop()
    return result


def print_active(results: list[dict]) -> None:
    """Print the interaction table, then steps, step changes, the shared screen and memory."""
    head = (f"{'config':<10}{'phones':>7}{'loaded':>7}{'inter.':>8}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}"
            f"{'p99 ms':>9}{'max ms':>9}{'inter/s':>8}{'runs/s':>8}{'srv CPU%':>9}{'ms/run':>7}{'gen CPU%':>9}"
            f"{'RSS MiB start->end':>20}{'load p95':>9}{'in DB':>7}")
    print(head)
    for r in results:
        p50, p95, p99, top = r["lat"]
        print(f"{r['config']:<10}{r['phones']:>7}{r['loaded']:>7}{r['interactions']:>8}{r['failed']:>7}"
              f"{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}{top:>9.0f}{r['done_per_s']:>8.1f}{r['runs_per_s']:>8.1f}"
              f"{r['cpu_pct']:>9.0f}{r['cpu_ms_per_run']:>7.1f}{r['gen_cpu_pct']:>9.1f}{r['rss_start']:>10.0f} ->{r['rss_end']:>6.0f}"
              f"{r['load'][1]:>11.0f}{r['saved_in_db']:>7}")
    for r in results:
        if "steps" not in r:
            continue
        steps = ", ".join(f"{step} {n} (p95 {lat[1]:.0f} ms)" for step, (n, lat) in sorted(r["steps"].items()))
        print(f"{r['config']}: interactions by step: {steps}; refused by the app (step moved on): {r['refused']}")
        shown, switches, lat = r["changes"]
        print(f"{r['config']}: step changes: {switches} switches, {shown} phone updates, "
              f"p50 {lat[0]:.0f} ms, p95 {lat[1]:.0f} ms, max {lat[3]:.0f} ms (facilitator's switch -> new step drawn)")
        if shown:
            parts = ", ".join(f"{name} p50 {v[0]:.0f} / p95 {v[1]:.0f} ms" for name, v in r["change_parts"].items())
            print(f"{r['config']}: step changes in parts: {parts} (poll: switch -> the phone's poll saw it; "
                  "busy: finishing an answer; fetch: the new step's data from the poll's answer, or GET /api/phone "
                  "when the answer had none; no script run)")
        lag = r["lag"]
        print(f"{r['config']}: the bench's own event loop woke late by p50 {lag[0]:.0f} ms, p95 {lag[1]:.0f} ms, "
              f"max {lag[3]:.0f} ms (every phone's timing includes this)")
        ticks, lat = r["screen"]
        print(f"{r['config']}: shared screen: {ticks} live-fragment runs, p50 {lat[0]:.0f} ms, p95 {lat[1]:.0f} ms")
        growth = (r["rss_end"] - r["rss_loaded"]) / r["rss_loaded"] * 100 if r["rss_loaded"] else float("nan")
        start = "before phones (shared screen open)" if r.get("screen_first") else "before phones"
        print(f"{r['config']}: server RSS MiB: {start} {r['rss_start']:.0f}, all loaded {r['rss_loaded']:.0f}, "
              f"max {r['rss_max']:.0f}, end {r['rss_end']:.0f} (growth after loading {growth:+.1f} %)")
        _print_rss_course(r)
    _print_errors(results)


def print_idle(results: list[dict]) -> None:
    """Print the idle-phones table (latencies are of each phone's first poll; the next ones are held)."""
    print(f"{'config':<10}{'phones':>7}{'loaded':>7}{'window s':>9}{'runs':>6}{'runs/s':>8}{'polls':>7}"
          f"{'errors':>7}{'1st p50':>9}{'p95':>7}{'p99':>7}{'srv CPU%':>9}{'gen CPU%':>9}{'RSS MiB start->end':>20}")
    for r in results:
        p50, p95, p99, _ = r["lat"]
        print(f"{r['config']:<10}{r['phones']:>7}{r['loaded']:>7}{r['seconds']:>9.1f}{r['runs']:>6}"
              f"{r['runs_per_s']:>8.2f}{r['polls']:>7}{r['failed']:>7}{p50:>9.1f}{p95:>7.1f}"
              f"{p99:>7.1f}{r['cpu_pct']:>9.0f}{r['gen_cpu_pct']:>9.1f}{r['rss_start']:>10.0f} ->{r['rss_end']:>6.0f}")
    _print_errors(results)


def print_timeline(results: list[dict]) -> None:
    """Print, per TIMELINE_SECONDS of the window, the answers finished, their p95, and how busy the machine was."""
    for r in results:
        line = r.get("timeline")
        if not line:
            continue
        print(f"{r['config']}: timeline ({TIMELINE_SECONDS:.0f} s buckets; * = the facilitator switched the step)")
        print(f"{'from s':>8}{'answers':>9}{'p50 ms':>8}{'p95 ms':>8}{'machine busy %':>16}{'server CPU %':>14}"
              f"{'bench late max ms':>19}")
        start = 0.0
        for end, machine, server in line["busy"]:
            lats = [lat for at, lat in line["answers"] if start <= at < end]
            p50, p95, _, _ = percentiles(lats)
            mark = "*" if any(start <= s < end for s in line["switches"]) else " "
            late = max((lag for at, lag in line.get("lags", []) if start <= at < end), default=float("nan"))
            print(f"{start:>7.0f}{mark}{len(lats):>9}{p50:>8.0f}{p95:>8.0f}{machine:>16.0f}{server:>14.0f}"
                  f"{late * 1000:>19.0f}")
            start = end


def _print_rss_course(r: dict) -> None:
    """For a soak: RSS every 5 minutes, and its growth over the second half (a leak keeps growing there)."""
    samples, every = r.get("rss_samples", []), int(300 / RSS_SAMPLE_SECONDS)
    if len(samples) < 2 * every:
        return
    course = ", ".join(f"{i * RSS_SAMPLE_SECONDS / 60:.0f} min {v:.0f}" for i, v in enumerate(samples) if i % every == 0)
    half = samples[len(samples) // 2]
    print(f"{r['config']}: server RSS MiB every 5 minutes: {course}; end {r['rss_end']:.0f} "
          f"(second half {(r['rss_end'] - half) / half * 100:+.1f} %)")


def _print_errors(results: list[dict]) -> None:
    for r in results:
        for text, n in r["errors"].most_common(8):
            print(f"  {r['config']}: {n} x {text}")


def main(argv: list[str] | None = None) -> int:
    """Command line: run the chosen scenario and print the results table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--phones", type=int, default=200)
    p.add_argument("--duration", type=float, default=60.0, help="seconds of workshop after the ramp")
    p.add_argument("--think", type=float, default=2.0, help="mean pause between interactions, jittered +-50%%")
    p.add_argument("--phases", type=lambda s: tuple(s.split(",")), default=PHASES,
                   help="the steps the facilitator cycles through (activity keys, comma-separated)")
    p.add_argument("--phase-seconds", type=float, default=None, help="seconds per step (duration / steps)")
    p.add_argument("--cards", type=int, default=12, help="problems left to place in trin 2")
    p.add_argument("--items-each", type=int, default=3, help="problems each phone sends per trin 1")
    p.add_argument("--no-screen", dest="screen", action="store_false", help="no simulated shared screen")
    p.add_argument("--ramp", type=float, default=None, help="seconds to connect all phones (phones/20)")
    p.add_argument("--url", help="an already running server (with --start-server none)")
    p.add_argument("--start-server", choices=["default", "tuned", "none"], default="tuned")
    p.add_argument("--processes", type=int, default=1, help="server processes; phones stick round-robin")
    p.add_argument("--idle", action="store_true", help="measure connected phones that only poll")
    p.add_argument("--idle-seconds", type=float, default=20.0)
    p.add_argument("--poll", type=float, default=1.0, help="seconds between /api/live polls per phone")
    p.add_argument("--compare", action="store_true", help="run default, then tuned, and compare p95")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds before a rerun counts as failed")
    p.add_argument("--settle", type=float, default=SETTLE_SECONDS,
                   help="seconds the watchers poll and the screen runs before the window opens")
    p.add_argument("--timeline", action="store_true", help="also print answers and CPU per 2 s of the window")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--memory-trace", metavar="FILE",
                   help="trace the server's heap (tracemalloc) and write what grew most after loading to FILE")
    args = p.parse_args(argv)
    if args.start_server == "none" and not args.url:
        p.error("--start-server none needs --url (and FEA_DATABASE_URL/FEA_DATA_DIR of that server)")
    if args.url and args.start_server != "none":
        p.error("--url is for --start-server none")
    modes = ["default", "tuned"] if args.compare else [args.start_server]
    load_before = os.getloadavg()
    results = [run_config(mode, args, idle=args.idle) for mode in modes]
    load_after = os.getloadavg()
    print(f"\nthink {args.think} s, duration {args.duration:.0f} s, steps {','.join(args.phases)} "
          f"({args.phase_seconds or args.duration / len(args.phases):.0f} s each), {args.processes} server "
          f"process(es), {os.cpu_count()} cores" if not args.idle else f"\nidle {args.idle_seconds:.0f} s, held polls of /api/live (first after up to {args.poll} s)")
    # Other work on the machine shares the same cores: say how busy it was.
    print(f"machine load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    (print_idle if args.idle else print_active)(results)
    if args.timeline and not args.idle:
        print_timeline(results)
    if args.compare and len(results) == 2:
        ratio = results[0]["lat"][1] / results[1]["lat"][1]
        print(f"p95 default / tuned = {ratio:.2f}")
    if args.memory_trace:
        trace = Path(args.memory_trace)
        print(f"\nmemory trace ({trace}):\n{trace.read_text() if trace.exists() else 'not written: the run was shorter than the baseline plus a minute'}")
    return 1 if any(r["failed"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
