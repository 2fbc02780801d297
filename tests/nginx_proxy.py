"""Run the repository's nginx example (deploy/nginx-fea.conf) in front of app processes, for the
tests and the cluster benchmark: a temporary prefix, a free 127.0.0.1 port, stopped by its pid.

Uses Debian's nginx (``.ci/run`` installs ``nginx-light``). The site file is used as shipped;
only the upstream servers, the listen addresses, the redirect's port, the certificate and the log
paths are rewritten. With ``tls=False`` (the cluster benchmark, whose phones speak plain HTTP) the
HTTPS server listens without TLS; headers, limits and the log format stay as shipped.
"""

from __future__ import annotations

import re
import shutil
import socket
import ssl
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


def _sub_all(pattern: str, replacement: str, text: str) -> str:
    """re.sub that fails loudly when the shipped file no longer has what the tests rewrite."""
    new, n = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    assert n, f"deploy/nginx-fea.conf has no {pattern!r} to rewrite"
    return new


def render_site(upstreams: list[str], *, https: str, http: str, access_log: Path, error_log: Path,
                certificate: tuple[Path, Path] | None) -> str:
    """Return deploy/nginx-fea.conf with these upstream servers ("127.0.0.1:8501"), listen addresses
    ("127.0.0.1:port" for the HTTPS server and the redirecting one), logs and certificate (cert,
    key); ``certificate=None`` makes the HTTPS server listen without TLS."""
    text = SITE.read_text(encoding="utf-8")
    server_lines = re.findall(r"^ *server 127\.0\.0\.1:\d+ .*;$", text, flags=re.MULTILINE)
    assert server_lines, "deploy/nginx-fea.conf lists no upstream server"
    options = server_lines[0].split(None, 2)[2]
    indent = server_lines[0][: len(server_lines[0]) - len(server_lines[0].lstrip())]
    replacement = "\n".join(f"{indent}server {u} {options}" for u in upstreams)
    text = text.replace("\n".join(server_lines), replacement, 1)
    text = _sub_all(r"^( *)listen 80;$", rf"\1listen {http};", text)
    port = https.rsplit(":", 1)[1]
    text = _sub_all(r"return 301 https://\$host\$request_uri;", f"return 301 https://$host:{port}$request_uri;", text)
    text = _sub_all(r"access_log /var/log/nginx/fea\.access\.log", f"access_log {access_log}", text)
    text = _sub_all(r"error_log /var/log/nginx/fea\.error\.log", f"error_log {error_log}", text)
    if certificate is None:
        text = _sub_all(r"^( *)listen 443 ssl http2;", rf"\1listen {https};", text)
        text = _sub_all(r"^ *ssl_[a-z_]+ .*;\n", "", text)
    else:
        text = _sub_all(r"^( *)listen 443 ssl", rf"\1listen {https} ssl", text)
        text = _sub_all(r"^( *)ssl_certificate \S+;", rf"\1ssl_certificate {certificate[0]};", text)
        text = _sub_all(r"^( *)ssl_certificate_key \S+;", rf"\1ssl_certificate_key {certificate[1]};", text)
    return text


class NginxProxy:
    """nginx with the repo's site config on 127.0.0.1:<free port>, proxying to ``upstreams``.

    ``url`` is the HTTPS address (a throwaway self-signed certificate, ``certificate``), and
    ``http_url`` the port-80 stand-in that only redirects; with ``tls=False``, ``url`` is plain HTTP.
    """

    def __init__(self, upstreams: list[str], *, tls: bool = True):
        binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if binary is None:
            raise RuntimeError(INSTALL_HINT)
        self.binary = binary
        self.folder = Path(tempfile.mkdtemp(prefix="fea-nginx-"))
        self.folder.chmod(0o755)  # as root, nginx's workers run as nobody and buffer big responses here
        self.port, self.http_port = _free_port(), _free_port()
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.http_url = f"http://127.0.0.1:{self.http_port}"
        self.access_log = self.folder / "access.log"
        self.site_error_log = self.folder / "site-error.log"
        self.certificate = None
        if tls:
            from tests.tls_cert import make_self_signed

            self.certificate = make_self_signed(self.folder)
        (self.folder / "site.conf").write_text(render_site(
            upstreams, https=f"127.0.0.1:{self.port}", http=f"127.0.0.1:{self.http_port}",
            access_log=self.access_log, error_log=self.site_error_log, certificate=self.certificate))
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

    def start(self, timeout: float = 20.0, *, upstream_healthy: bool = True) -> NginxProxy:
        """Start nginx (it daemonizes) and wait until it proxies /_stcore/health (or, with
        ``upstream_healthy=False``, until it answers at all)."""
        self.check()
        done = self._nginx()
        if done.returncode != 0:
            raise RuntimeError(f"nginx did not start:\n{done.stderr}")
        if not upstream_healthy:
            while not (self.folder / "nginx.pid").exists() and timeout > 0:
                time.sleep(0.1)
                timeout -= 0.1
            return self
        opener = self.opener()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with opener.open(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"nginx on {self.url} does not proxy /_stcore/health:\n{self.log_tail()}")

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts exactly this proxy's throwaway certificate."""
        context = ssl.create_default_context()
        if self.certificate is not None:
            context.load_verify_locations(cafile=str(self.certificate[0]))
        return context

    def opener(self, *handlers) -> urllib.request.OpenerDirector:
        """A urllib opener for this proxy: no proxy from the environment, its certificate trusted."""
        return urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                           urllib.request.HTTPSHandler(context=self.ssl_context()), *handlers)

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
        """Return the end of nginx's error logs (its own, then the site's)."""
        tails = []
        for path in (self.folder / "error.log", self.site_error_log):
            if path.exists():
                tails += path.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(tails)

    def access_entries(self) -> list[dict[str, str]]:
        """Return the access log as dicts: request, status, upstream, route."""
        entries = []
        if not self.access_log.exists():
            return entries
        pattern = re.compile(r'^(?P<client>\S+) \[[^]]*\] "(?P<request>[^"]*)" (?P<status>\d+) \d+ '
                             r'upstream=(?P<upstream>\S+) route=(?P<route>\S*)')
        for line in self.access_log.read_text(errors="replace").splitlines():
            if m := pattern.search(line):
                entries.append(m.groupdict())
        return entries

    def __enter__(self) -> NginxProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
