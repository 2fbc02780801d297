"""deploy/nginx-fea.conf: it agrees with the app's own timeouts, and as the front door (run in
Debian's nginx with a throwaway certificate) it speaks TLS, redirects port 80, sends the security
headers, limits floods without limiting a room behind one address, and logs no secret."""

from __future__ import annotations

import base64
import hashlib
import http.client
import re
import socket
import ssl
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import uvicorn

from tests.nginx_proxy import SITE, NginxProxy
from ui.server import routes


def _block(text: str, head: str, start: int = 0) -> str:
    start = text.index(head, start)
    depth, i = 0, text.index("{", start)
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[i:j]
    raise AssertionError(f"unclosed block {head}")


def _seconds(block: str, directive: str) -> float:
    found = re.search(rf"^\s*{directive}\s+(\d+)(s|m|h)?;", block, re.MULTILINE)
    assert found, f"{directive} missing"
    return int(found.group(1)) * {"s": 1, None: 1, "m": 60, "h": 3600}[found.group(2)]


def test_nginx_drops_an_idle_app_connection_before_the_app_does():
    # Streamlit runs uvicorn with its default keep-alive; were nginx to keep the connection
    # longer, an answer could go down a connection the app closes that instant: a 502.
    upstream = _block(SITE.read_text(), "upstream fea_streamlit")
    assert _seconds(upstream, "keepalive_timeout") < uvicorn.Config(app=None).timeout_keep_alive


def test_nginx_waits_longer_than_the_live_route_holds_a_poll():
    site = _https_server(SITE.read_text())
    for location in ("location / ", "location /api/ "):
        assert _seconds(_block(site, location), "proxy_read_timeout") > routes.HOLD_SECONDS, location


def _servers(text: str) -> list[str]:
    return [_block(text, "server {", m.start()) for m in re.finditer(r"^server \{", text, re.MULTILINE)]


def _https_server(text: str) -> str:
    (server,) = [block for block in _servers(text) if re.search(r"^\s*listen 443 ssl", block, re.MULTILINE)]
    return server


# --- The front door, run in Debian's nginx in front of a stand-in app ------------------------
# The stand-in answers every request at once, so these tests see nginx's own behaviour (TLS, the
# redirect, headers, limits, the log) quickly; tests/e2e/test_two_processes_postgres.py runs the
# same file in front of the real app in a browser.


SECURITY_HEADERS = ("Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options",
                    "Referrer-Policy", "X-Frame-Options")
TOKEN = "tok3nOfAPhoneXyZ0123456789abcdefghijkLMN"  # shaped like secrets.token_urlsafe(24)
CODE = "QWERTY"
SECRET = "interviewerS3cretAbcdefghijklmnopqrstuvw"


class _StandIn(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _reply(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        status = 404 if self.path.startswith("/api/live/unknown") else 200
        body = b'{"ok": true}' if self.path.startswith("/api/") else b"<!doctype html><title>stand-in</title>"
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if self.path.startswith("/api/") else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _reply

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def stand_in():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture()
def front_door(stand_in):
    proxy = NginxProxy([stand_in]).start()
    yield proxy
    proxy.stop()


@pytest.fixture()
def dead_end_door():
    """The site without TLS in front of a port where nothing listens: what the limits let through
    gets nginx's own 502 at once, so a flood is as fast as the client can send it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        nowhere = f"127.0.0.1:{s.getsockname()[1]}"
    proxy = NginxProxy([nowhere], tls=False).start(upstream_healthy=False)
    yield proxy
    proxy.stop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(proxy: NginxProxy, url: str, method: str = "GET", body: bytes | None = None):
    """Return (status, headers) of one request, errors included, redirects not followed."""
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": "application/json"} if body else {})
    try:
        with proxy.opener(_NoRedirect()).open(request, timeout=20) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def _statuses(proxy: NginxProxy, paths: list[str], workers: int = 4) -> list[int]:
    """GET each path over a few keep-alive connections at once (as fast as the machine allows)."""
    chunks = [paths[i::workers] for i in range(workers)]

    def run(chunk):
        if proxy.certificate is None:
            connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=20)
        else:
            connection = http.client.HTTPSConnection("127.0.0.1", proxy.port, timeout=20, context=proxy.ssl_context())
        out = []
        for path in chunk:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            out.append(response.status)
        connection.close()
        return out

    with ThreadPoolExecutor(workers) as pool:
        return [status for part in pool.map(run, chunks) for status in part]


def _csp(headers) -> dict[str, str]:
    return {d.split()[0]: d.strip() for d in headers["Content-Security-Policy"].split(";") if d.strip()}


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated:DeprecationWarning")
def test_the_front_door_speaks_tls_with_http2_and_the_certificate_it_is_given(front_door):
    context = front_door.ssl_context()
    context.set_alpn_protocols(["h2", "http/1.1"])
    with socket.create_connection(("127.0.0.1", front_door.port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:  # verified against the throwaway CA
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
            assert tls.selected_alpn_protocol() == "h2"

    def client(newest: ssl.TLSVersion) -> ssl.SSLContext:
        # A client willing to speak TLS 1.1 (security level 0), up to ``newest``.
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        context.minimum_version, context.maximum_version = ssl.TLSVersion.TLSv1_1, newest
        return context

    with socket.create_connection(("127.0.0.1", front_door.port), timeout=10) as raw:
        with client(ssl.TLSVersion.TLSv1_2).wrap_socket(raw) as tls:  # the client itself works
            assert tls.version() == "TLSv1.2"
    with socket.create_connection(("127.0.0.1", front_door.port), timeout=10) as raw:
        with pytest.raises(ssl.SSLError):
            client(ssl.TLSVersion.TLSv1_1).wrap_socket(raw)  # nginx refuses TLS 1.1


def test_port_80_only_redirects_to_https_and_never_reaches_the_app(front_door):
    for method, path in (("GET", f"/?code={CODE}"), ("POST", f"/api/answer/{TOKEN}/ratings")):
        status, headers = _get(front_door, front_door.http_url + path, method, b"{}" if method == "POST" else None)
        assert status == 301
        assert headers["Location"] == f"https://127.0.0.1:{front_door.port}{path}"
        assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert all(e["upstream"] == "-" for e in front_door.access_entries()), front_door.access_entries()


def test_every_reply_carries_the_security_headers_errors_and_refusals_included(front_door):
    replies = {
        "page": _get(front_door, f"{front_door.url}/?code={CODE}"),
        "answer": _get(front_door, f"{front_door.url}/api/answer/{TOKEN}/ratings", "POST", b"{}"),
        "unknown token": _get(front_door, f"{front_door.url}/api/live/unknown{TOKEN}"),
    }
    assert replies["unknown token"][0] == 404
    for what, (status, headers) in replies.items():
        for name in SECURITY_HEADERS:
            assert headers[name], f"{name} missing on the {what} reply ({status})"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert int(headers["Strict-Transport-Security"].split("=")[1]) >= 15_552_000  # half a year at least
        csp = _csp(headers)
        assert csp["frame-ancestors"] == "frame-ancestors 'none'" and headers["X-Frame-Options"] == "DENY"
        assert csp["default-src"] == "default-src 'self'"
        assert csp["object-src"] == "object-src 'none'"
        assert "'unsafe-eval'" not in csp["script-src"] and "'unsafe-inline'" not in csp["script-src"]
        assert csp["connect-src"] == f"connect-src 'self' wss://127.0.0.1:{front_door.port}"
    # A refusal by the rate limit is a reply too: one phone asking 80 times in a row.
    connection = http.client.HTTPSConnection("127.0.0.1", front_door.port, timeout=20,
                                             context=front_door.ssl_context())
    refused = None
    for _ in range(80):
        connection.request("GET", f"/api/live/{TOKEN}")
        response = connection.getresponse()
        response.read()
        if response.status == 429:
            refused = response.headers
            break
    connection.close()
    assert refused is not None, "80 requests of one phone were all let through"
    assert all(refused[name] for name in SECURITY_HEADERS), dict(refused)


def test_only_the_apps_own_component_pages_may_be_framed_and_only_by_the_app(front_door):
    status, headers = _get(front_door, f"{front_door.url}/component/extra_streamlit_components.CookieManager."
                                       "cookie_manager/index.html")
    assert status == 200
    assert _csp(headers)["frame-ancestors"] == "frame-ancestors 'self'" and headers["X-Frame-Options"] == "SAMEORIGIN"


def test_one_phone_is_refused_beyond_its_burst_while_the_other_phones_behind_its_address_go_on(front_door):
    statuses = _statuses(front_door, [f"/api/live/{TOKEN}"] * 80, workers=1)
    assert all(s == 200 for s in statuses[:31]), statuses[:31]  # the burst of 30, plus the first
    assert statuses.count(429) >= 10, statuses  # 3 a second after that: 80 in a few seconds is far more
    # The same address (a room behind one NAT), other phones: 200 phones asking twice at once,
    # as when a step changes and every held poll is answered and asked again.
    others = _statuses(front_door, [f"/api/live/phone{i:03d}{TOKEN}" for i in range(200)] * 2, workers=8)
    assert others.count(200) == 400, sorted(set(others))


def test_one_address_is_refused_beyond_what_a_busy_room_sends(dead_end_door):
    # Every request a different phone, so only the per-address limit (200/s, bursts of 1000) can
    # refuse: all 4000 would pass only if sending them took over 15 s.
    statuses = _statuses(dead_end_door, [f"/api/live/p{i:05d}{TOKEN}" for i in range(4000)], workers=4)
    assert set(statuses) <= {502, 429}
    assert statuses.count(429) > 0, "4000 requests from one address all passed"
    assert statuses.count(502) >= 1001  # the burst went through to the (absent) app


def test_new_sessions_from_one_address_are_refused_beyond_a_room_joining_at_once(dead_end_door):
    statuses = _statuses(dead_end_door, ["/_stcore/stream"] * 500, workers=4)
    assert set(statuses) <= {502, 429}
    assert statuses.count(502) >= 401  # 400 at once (a room of 200 twice over), then 5 a second
    assert statuses.count(429) >= 50, sorted(set(statuses))


def test_the_logs_hold_no_token_join_code_or_interviewer_secret(front_door):
    stream_url = f"https://127.0.0.1:{front_door.port}/?code={CODE}&p={TOKEN}"
    requests = [
        ("GET", f"{front_door.url}/?code={CODE}&p={TOKEN}"),
        ("GET", f"{front_door.url}/screen?w={CODE}"),
        ("GET", f"{front_door.url}/interview?i={SECRET}"),
        ("GET", f"{front_door.url}/api/live/{TOKEN}?field=stage&seen=3"),
        ("POST", f"{front_door.url}/api/answer/{TOKEN}/ratings"),
        ("POST", f"{front_door.url}/%61pi/answer/{TOKEN}/items"),  # the same route, spelt otherwise
        ("GET", f"{front_door.url}/component/x/index.html?streamlitUrl={urllib.parse.quote(stream_url, safe='')}"),
        ("GET", f"{front_door.http_url}/?code={CODE}&p={TOKEN}"),
        ("GET", f"{front_door.http_url}/interview?i={SECRET}"),
    ]
    for method, url in requests:
        _get(front_door, url, method, b"{}" if method == "POST" else None)
    _statuses(front_door, [f"/api/answer/{TOKEN}/items?lang=da"] * 60)  # refusals are logged too
    logged = front_door.access_log.read_text()
    entries = front_door.access_entries()
    assert len(entries) >= len(requests) + 60 and any(e["status"] == "429" for e in entries)
    assert {e["request"] for e in entries} >= {
        "GET /?*** HTTP/1.1", "GET /screen?*** HTTP/1.1",
        "GET /interview?*** HTTP/1.1", "GET /api/live/***?*** HTTP/1.1", "POST /api/answer/***/ratings HTTP/1.1",
        "POST /api/answer/***/items HTTP/1.1",
    }
    everything = logged + front_door.log_tail(10_000)
    for secret in (TOKEN, CODE, SECRET, TOKEN[:12], urllib.parse.quote(TOKEN)):
        assert secret not in everything
    # The client's network, not the device's address.
    assert {e["client"] for e in entries} == {"127.0.0.0"}


def test_the_inline_scripts_allowed_by_hash_are_exactly_those_the_installed_libraries_ship():
    import extra_streamlit_components
    import streamlit

    pages = [Path(streamlit.__file__).parent / "static" / "index.html",
             Path(extra_streamlit_components.__file__).parent / "CookieManager" / "frontend" / "build" / "index.html"]
    wanted = set()
    for page in pages:
        for script in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", page.read_text(encoding="utf-8"), re.S):
            wanted.add("'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'")
    policy = re.search(r'add_header Content-Security-Policy "([^"]*)"', SITE.read_text()).group(1)
    script_src = next(d for d in policy.split(";") if d.split()[0] == "script-src")
    assert wanted and set(re.findall(r"'sha256-[^']+'", script_src)) == wanted, (
        "a library update changed its inline scripts: put these hashes in deploy/nginx-fea.conf", sorted(wanted))


def test_no_location_sets_its_own_headers_which_would_drop_the_security_headers():
    text = SITE.read_text()
    for head in re.findall(r"^\s*(location [^{]+)\{", text, re.MULTILINE):
        assert "add_header" not in _block(text, head), head


def test_the_log_format_writes_neither_the_request_line_nor_the_query_string():
    text = SITE.read_text()
    log_format = re.search(r"log_format fea_masked (.*?);", text, re.S).group(1)
    for raw in ("$request ", '$request"', "$request_uri", "$args", "$query_string", "$arg_", "$uri ", "$remote_addr",
                "$http_referer", "$http_user_agent"):
        assert raw not in log_format, raw
    servers = _servers(text)
    assert len(servers) == 2 and all("access_log /var/log/nginx/fea.access.log fea_masked;" in s for s in servers)
    assert all(re.search(r"^\s*error_log \S+ crit;", s, re.MULTILINE) for s in servers)


def test_the_site_changes_no_setting_of_the_other_sites_on_the_same_nginx():
    # The file goes into nginx's http block (conf.d): at that level it may only define named
    # things of its own (maps, zones, a log format, the upstream), never a default like
    # limit_req_status, add_header or access_log that every other site would inherit.
    text = re.sub(r"#[^\n]*", "", SITE.read_text())
    top, depth = [], 0
    for statement in re.findall(r"[^;{}]*[;{}]", text):
        if depth == 0 and statement.strip():
            top.append(statement.split()[0])
        depth += statement.endswith("{") - statement.endswith("}")
    assert set(top) <= {"map", "limit_req_zone", "log_format", "upstream", "server", "}"}, top
    assert all(name.startswith("fea_") for name in re.findall(r"zone=(\w+)", text) + re.findall(r"log_format (\w+)", text))
