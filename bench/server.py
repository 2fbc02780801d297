"""Start and stop `streamlit run app.py` for a benchmark, and read its CPU and memory from /proc."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# The repo's .streamlit/config.toml is always read (the server runs in the repo);
# "default" puts back Streamlit's own values for the two settings that decide capacity, and
# Streamlit's own thread per script run instead of the kept workers taking turns.
MODE_FLAGS = {
    "tuned": [],
    "default": ["--runner.postScriptGC", "true", "--server.fileWatcherType", "auto"],
}
MODE_ENV = {"tuned": {}, "default": {"FEA_SCRIPT_TURNS": "0"}}


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One Streamlit server process on 127.0.0.1, started by us and stopped by its pid."""

    def __init__(self, mode: str, data_dir: Path, log_path: Path, database_url: str | None = None,
                 extra_env: dict[str, str] | None = None):
        self.mode = mode
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        cmd = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.port", str(self.port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            *MODE_FLAGS[mode],
        ]
        env = {**os.environ, "FEA_DATA_DIR": str(data_dir), **MODE_ENV[mode], **(extra_env or {})}
        env.pop("FEA_DATABASE_URL", None)  # the temporary SQLite file, never a real database ...
        if database_url:
            env["FEA_DATABASE_URL"] = database_url  # ... unless the caller started one (bench/cluster.py)
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Block until /_stcore/health answers 200, or raise with the log's tail."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with opener.open(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"server not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def alive(self) -> bool:
        """Return whether the process is still running."""
        return self.proc.poll() is None

    def stop(self) -> None:
        """Terminate the process (SIGTERM, then SIGKILL after 10 s)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()

    def keep_log(self, folder: Path) -> Path:
        """Copy the server's output out of the temporary folder and return where it went."""
        folder.mkdir(parents=True, exist_ok=True)
        self._log.flush()
        target = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{self.mode}-{self.port}.log"
        target.write_bytes(self.log_path.read_bytes())
        return target

    def log_tail(self, lines: int = 15) -> str:
        """Return the last lines of the server's output."""
        self._log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


def _tree(pid: int) -> list[int]:
    # streamlit run may start helpers; count every descendant, not just the top process.
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def machine_cpu_seconds() -> tuple[float, float]:
    """Return (busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    total = sum(fields[:8])  # guest time is already counted in user
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


def cpu_seconds(pids: list[int]) -> float:
    """Return the CPU seconds (user + system) used so far by these processes and their descendants."""
    total = 0.0
    for root in pids:
        for pid in _tree(root):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # After the comm field: utime and stime are the 12th and 13th fields.
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def rss_mib(pids: list[int]) -> float:
    """Return the resident memory of these processes and their descendants, in MiB."""
    total_kib = 0
    for root in pids:
        for pid in _tree(root):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total_kib += int(line.split()[1])
            except OSError:
                continue
    return total_kib / 1024
