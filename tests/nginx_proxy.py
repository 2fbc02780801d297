"""Run the repository's nginx example (deploy/nginx-fea.conf) in front of app processes, for the
tests and the cluster benchmark: a temporary prefix, a free 127.0.0.1 port, stopped by its pid.

Uses Debian's nginx (``.ci/run`` installs ``nginx-light``). The site file is used as shipped;
only the upstream servers, the listen address and the log path are rewritten.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "deploy" / "nginx-fea.conf"
INSTALL_HINT = "nginx is not installed: `apt-get install nginx-light` (Debian; .ci/run does it)"

MAIN_CONF = """\
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
daemon on;
worker_processes 1;
worker_rlimit_nofile 16384;
events {{ worker_connections 8192; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def render_site(upstreams: list[str], listen: str, access_log: Path) -> str:
    """Return deploy/nginx-fea.conf with these upstream servers ("127.0.0.1:8501"), listen address and log."""
    text = SITE.read_text(encoding="utf-8")
    server_lines = re.findall(r"^ *server 127\.0\.0\.1:\d+ .*;$", text, flags=re.MULTILINE)
    assert server_lines, "deploy/nginx-fea.conf lists no upstream server"
    options = server_lines[0].split(None, 2)[2]
    indent = server_lines[0][: len(server_lines[0]) - len(server_lines[0].lstrip())]
    replacement = "\n".join(f"{indent}server {u} {options}" for u in upstreams)
    text = text.replace("\n".join(server_lines), replacement, 1)
    text = re.sub(r"^( *)listen 80;$", rf"\1listen {listen};", text, count=1, flags=re.MULTILINE)
    text = re.sub(r"access_log /var/log/nginx/fea\.access\.log", f"access_log {access_log}", text, count=1)
    return text


class NginxProxy:
    """nginx with the repo's site config on 127.0.0.1:<free port>, proxying to ``upstreams``."""

    def __init__(self, upstreams: list[str]):
        binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if binary is None:
            raise RuntimeError(INSTALL_HINT)
        self.binary = binary
        self.folder = Path(tempfile.mkdtemp(prefix="fea-nginx-"))
        self.folder.chmod(0o755)  # as root, nginx's workers run as nobody and buffer big responses here
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = self.folder / "access.log"
        (self.folder / "site.conf").write_text(render_site(upstreams, f"127.0.0.1:{self.port}", self.access_log))
        self.conf = self.folder / "nginx.conf"
        self.conf.write_text(MAIN_CONF.format(folder=self.folder))

    def _nginx(self, *args: str) -> subprocess.CompletedProcess:
        # -e: nginx 1.19.5+ would otherwise open the default error log before reading ours.
        return subprocess.run([self.binary, "-p", str(self.folder), "-c", str(self.conf), "-e",
                               str(self.folder / "error.log"), *args], capture_output=True, text=True)

    def check(self) -> str:
        """Return the output of `nginx -t` on the rendered configuration, or raise."""
        done = self._nginx("-t")
        if done.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{done.stderr}")
        return done.stderr

    def start(self, timeout: float = 20.0) -> NginxProxy:
        """Start nginx (it daemonizes) and wait until it proxies /_stcore/health."""
        self.check()
        done = self._nginx()
        if done.returncode != 0:
            raise RuntimeError(f"nginx did not start:\n{done.stderr}")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with opener.open(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"nginx on {self.url} does not proxy /_stcore/health:\n{self.log_tail()}")

    def pid(self) -> int | None:
        """Return the master process id, while it runs."""
        try:
            return int((self.folder / "nginx.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        """Stop nginx (fast shutdown by its own signal) and delete the temporary prefix."""
        if self.pid() is not None:
            self._nginx("-s", "stop")
            deadline = time.monotonic() + 10
            while (self.folder / "nginx.pid").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
        shutil.rmtree(self.folder, ignore_errors=True)

    def log_tail(self, lines: int = 20) -> str:
        """Return the end of nginx's error log."""
        path = self.folder / "error.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def access_entries(self) -> list[dict[str, str]]:
        """Return the access log as dicts: request, status, upstream, route."""
        entries = []
        if not self.access_log.exists():
            return entries
        pattern = re.compile(r'"(?P<request>[^"]*)" (?P<status>\d+) \d+ upstream=(?P<upstream>\S+) route=(?P<route>\S*)')
        for line in self.access_log.read_text(errors="replace").splitlines():
            if m := pattern.search(line):
                entries.append(m.groupdict())
        return entries

    def __enter__(self) -> NginxProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
