"""deploy/nginx-fea.conf agrees with the app's own timeouts (read from the file as shipped)."""

from __future__ import annotations

import re

import uvicorn

from tests.nginx_proxy import SITE
from ui import routes


def _block(text: str, head: str) -> str:
    start = text.index(head)
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
    site = _block(SITE.read_text(), "server {")
    root = _block(site, "location / ")
    assert _seconds(root, "proxy_read_timeout") > routes.HOLD_SECONDS
