"""Benchmark the scale-out set-up: phones -> nginx (deploy/nginx-fea.conf) -> N Streamlit processes -> one PostgreSQL.

    python bench/cluster.py --phones 400 --duration 60            # 2 processes, throwaway PostgreSQL
    FEA_DATABASE_URL=postgresql://fea:pw@db/fea_bench python bench/cluster.py --phones 400

Starts a PostgreSQL server (durable settings: fsync and synchronous commit on) unless
FEA_DATABASE_URL names one, the app processes with the repository's settings and a shared
cookie secret, and Debian's nginx with the repository's site file on a free port (its HTTPS server
without TLS: the simulated phones speak plain HTTP; rate limits and headers as shipped); then runs
bench/load.py's phone simulation against nginx's port and prints load.py's table plus CPU and
memory per process (app processes, nginx, PostgreSQL) and the database connections in use.
Everything it started is stopped at the end. Only 127.0.0.1 is targeted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # fea_core, bench, tests as packages

from bench import load  # noqa: E402
from bench.server import Server, cpu_seconds, rss_mib  # noqa: E402
from tests.nginx_proxy import NginxProxy  # noqa: E402
from tests.pg_cluster import ThrowawayPostgres  # noqa: E402


class ConnectionSampler(threading.Thread):
    """Count the app's PostgreSQL connections (open, and busy in a query) twice a second."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        import psycopg
        from sqlalchemy.engine import make_url

        libpq = make_url(url).set(drivername="postgresql", query={}).render_as_string(hide_password=False)
        self.conn = psycopg.connect(libpq, autocommit=True)
        self.stop_event = threading.Event()
        self.peak_open: Counter = Counter()  # application_name -> most connections open at once
        self.peak_active = 0  # most connections executing a statement at once, over all processes
        self.peak_lock_waits = 0  # most of those waiting for a row lock (the workshop's revision row)
        self.waiting: Counter = Counter()  # statements seen waiting for a lock, in all samples
        self.blockers: Counter = Counter()  # what the first session blocking each was doing

    def run(self) -> None:
        while not self.stop_event.wait(0.5):
            rows = self.conn.execute(
                "SELECT application_name, count(*), count(*) FILTER (WHERE state = 'active'), "
                "count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock') "
                "FROM pg_stat_activity WHERE application_name LIKE 'fea-%' GROUP BY application_name"
            ).fetchall()
            for name, opened, _, _ in rows:
                self.peak_open[name] = max(self.peak_open[name], opened)
            self.peak_active = max(self.peak_active, sum(r[2] for r in rows))
            self.peak_lock_waits = max(self.peak_lock_waits, sum(r[3] for r in rows))
            # Who waits, and for whom: the statement waiting, and the blocker's state and statement.
            for waiting, blocker in self.conn.execute(
                "SELECT left(w.query, 70), coalesce(b.state || ' ' || coalesce(b.wait_event, '-') || ': ' "
                "|| left(b.query, 70), '?') FROM pg_stat_activity w "
                "LEFT JOIN pg_stat_activity b ON b.pid = (pg_blocking_pids(w.pid))[1] "
                "WHERE w.application_name LIKE 'fea-%' AND w.state = 'active' AND w.wait_event_type = 'Lock'"
            ).fetchall():
                self.waiting[waiting] += 1
                self.blockers[blocker] += 1

    def stop(self) -> None:
        self.stop_event.set()
        self.join(5)
        self.conn.close()


class PerProcessWindow(load.Window):
    """load.py's measurement window, also keeping each watched process tree's CPU seconds."""

    watched: dict[str, int] = {}
    last: PerProcessWindow | None = None

    def __init__(self, pids, counters):
        super().__init__(pids, counters)
        self.cpu_start = {name: cpu_seconds([pid]) for name, pid in self.watched.items()}
        PerProcessWindow.last = self

    def close(self) -> dict:
        measured = super().close()
        self.cpu_pct = {
            name: (cpu_seconds([pid]) - self.cpu_start[name]) / measured["seconds"] * 100
            for name, pid in self.watched.items()
        }
        return measured


def with_application_name(url: str, name: str) -> str:
    """Tag a process's connections so pg_stat_activity can tell the processes apart."""
    return f"{url}{'&' if '?' in url else '?'}application_name={name}"


def other_job(cores: float) -> subprocess.Popen:
    """Start a process that keeps ``cores`` of one core busy: another job on the same server.

    Busy for 10 ms, then asleep for the rest of the period, so a shared server's slow phase can be
    repeated on demand ("with another job taking about 0.4 core", as issue 21 measured).
    """
    if not 0 < cores < 1:
        raise ValueError("--other-job takes a fraction of one core, between 0 and 1")
    busy, pause = 0.010, 0.010 * (1 / cores - 1)
    loop = (f"import time\nwhile True:\n    t = time.perf_counter()\n"
            f"    while time.perf_counter() - t < {busy}: pass\n    time.sleep({pause})\n")
    return subprocess.Popen([sys.executable, "-c", loop])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--phones", type=int, default=400)
    p.add_argument("--duration", type=float, default=60.0, help="seconds of rating after the ramp")
    p.add_argument("--processes", type=int, default=2, help="Streamlit processes behind nginx")
    # The workshop scenario's options, passed on to load.active_run as load.py's own command line does.
    p.add_argument("--think", type=float, default=2.0, help="mean pause between interactions, jittered +-50%%")
    p.add_argument("--phases", type=lambda s: tuple(s.split(",")), default=load.PHASES,
                   help="the steps the facilitator cycles through (activity keys, comma-separated)")
    p.add_argument("--phase-seconds", type=float, default=None, help="seconds per step (duration / steps)")
    p.add_argument("--cards", type=int, default=12, help="problems left to place in trin 2")
    p.add_argument("--items-each", type=int, default=3, help="problems each phone sends per trin 1")
    p.add_argument("--no-screen", dest="screen", action="store_false", help="no simulated shared screen")
    p.add_argument("--poll", type=float, default=1.0, help="seconds between /api/live polls per phone")
    p.add_argument("--ramp", type=float, default=None, help="seconds to connect all phones (phones/20)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds before a rerun counts as failed")
    p.add_argument("--synchronous-commit", choices=["on", "off"], default="on",
                   help="the throwaway server's synchronous_commit (off: SQLite's WAL + NORMAL durability)")
    p.add_argument("--settle", type=float, default=load.SETTLE_SECONDS,
                   help="seconds the watchers poll and the screen runs before the window opens")
    p.add_argument("--timeline", action="store_true", help="also print answers and CPU per 2 s of the window")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--other-job", type=float, default=0.0, metavar="CORES",
                   help="keep this fraction of a core busy in another process during the run (e.g. 0.4)")
    args = p.parse_args(argv)

    given_url = os.environ.get("FEA_DATABASE_URL", "").strip()
    if given_url and not given_url.startswith("postgresql"):
        p.error("FEA_DATABASE_URL must name a PostgreSQL database (or be unset: a throwaway server is started)")
    load_before = os.getloadavg()
    pg = proxy = sampler = tmp = job = None
    servers: list[Server] = []
    try:
        if given_url:
            url = given_url
        else:
            pg = ThrowawayPostgres(durable=True, settings={"synchronous_commit": args.synchronous_commit}).start()
            url = pg.url(pg.create_database("fea_bench"))
        os.environ["FEA_DATABASE_URL"] = url  # load.prepare_workshop and the read-back use it
        workshop_id, code, tokens = load.prepare_workshop(args.phones)

        shared = {"FEA_COOKIE_KEY": secrets.token_urlsafe(32),
                  "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32)}
        tmp = Path(tempfile.mkdtemp(prefix="fea-cluster-"))
        for i in range(args.processes):
            servers.append(Server("tuned", tmp, tmp / f"server-{i}.log",
                                  database_url=with_application_name(url, f"fea-{i}"), extra_env=shared))
        for server in servers:
            server.wait_ready()
        # load.py's phones speak plain HTTP and websockets: the site's HTTPS server listens without
        # TLS here; its headers, rate limits and log format are as shipped. All phones come from
        # 127.0.0.1, as a room behind one NAT address, so the per-address limits are measured too.
        proxy = NginxProxy([s.url.removeprefix("http://") for s in servers], tls=False).start()
        sampler = ConnectionSampler(url)
        sampler.start()

        PerProcessWindow.watched = {f"app {i} :{s.port}": s.proc.pid for i, s in enumerate(servers)}
        PerProcessWindow.watched["nginx"] = proxy.pid()
        if pg is not None:
            PerProcessWindow.watched["postgresql"] = pg.postmaster_pid()
        if args.other_job:
            job = other_job(args.other_job)
            PerProcessWindow.watched["other job"] = job.pid
        load.Window = PerProcessWindow  # active_run opens its window by this name
        rss_start = {name: rss_mib([pid]) for name, pid in PerProcessWindow.watched.items()}
        pids = [s.proc.pid for s in servers]
        print(f"cluster: {len(tokens)} phones -> nginx {proxy.url} -> {', '.join(s.url for s in servers)} "
              f"-> {'PostgreSQL (throwaway, durable)' if pg else 'FEA_DATABASE_URL'} (workshop {code})",
              file=sys.stderr)
        result = asyncio.run(load.active_run([proxy.url], pids, code, tokens, args))
        rss_end = {name: rss_mib([pid]) for name, pid in PerProcessWindow.watched.items()}
        result["config"] = f"nginx x{args.processes}"
        result["saved_in_db"] = load.phones_with_ratings(workshop_id)
        for server in servers:
            if not server.alive():
                result["errors"][f"server exited with {server.proc.returncode}"] += 1
                result["failed"] += 1
        sampler.stop()
        time.sleep(0.5)  # nginx logs each websocket when it closes
        sessions = Counter(e["upstream"] for e in proxy.access_entries()
                           if e["request"].startswith("GET /_stcore/stream") and e["status"] == "101")
        load_after = os.getloadavg()

        print(f"\nthink {args.think} s, duration {args.duration:.0f} s, steps {','.join(args.phases)}, "
              f"{args.processes} app processes behind nginx, one PostgreSQL, {os.cpu_count()} cores"
              + (f", another job keeping {args.other_job} of a core busy" if args.other_job else ""))
        print(f"machine load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}")
        load.print_active([result])
        if args.timeline:
            load.print_timeline([result])
        window = PerProcessWindow.last
        print(f"\n{'process':<18}{'CPU %':>7}{'RSS MiB start->end':>20}{'sessions':>10}{'DB conns peak':>15}")
        for i, (name, pid) in enumerate(PerProcessWindow.watched.items()):
            port = name.rsplit(":", 1)[-1] if name.startswith("app") else None
            sessions_here = sessions.get(f"127.0.0.1:{port}", 0) if port else ""
            conns = sampler.peak_open.get(f"fea-{i}", "") if port else ""
            print(f"{name:<18}{window.cpu_pct[name]:>7.0f}{rss_start[name]:>11.0f} ->{rss_end[name]:>6.0f}"
                  f"{sessions_here:>10}{conns:>15}")
        print(f"PostgreSQL connections busy at once (peak, all processes): {sampler.peak_active}, "
              f"of them waiting for a lock: {sampler.peak_lock_waits}")
        for title, seen in (("waiting for a lock", sampler.waiting), ("holding it up", sampler.blockers)):
            for statement, n in seen.most_common(4):
                print(f"  {title}, in {n} samples: {' '.join(statement.split())}")
        if result["failed"]:
            statuses = Counter(f"{e['status']} {e['request'].split('?')[0][:60]}" for e in proxy.access_entries()
                               if not e["status"].startswith(("1", "2")))
            for what, n in statuses.most_common(8):
                print(f"  nginx answered {what}: {n} x")
            print(f"  nginx's error log ends:\n{proxy.log_tail(12)}")
            for server in servers:
                print(f"  server log kept: {server.keep_log(load.LOG_DIR)}", file=sys.stderr)
        return 0 if not result["failed"] else 1
    finally:
        if job is not None:
            job.kill()
            job.wait()
        if sampler is not None and sampler.is_alive():
            sampler.stop()
        if proxy is not None:
            proxy.stop()
        for server in servers:
            server.stop()
        if pg is not None:
            pg.stop()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
