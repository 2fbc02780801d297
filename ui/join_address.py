"""Which address the QR code and join URL offer phones, and whether phones can reach it.

FEA_PUBLIC_URL wins. Without it the shared screen offers the address its own browser uses; but
a facilitator who opens the app on the laptop that runs it uses localhost, which a phone reads
as itself. Then the machine's LAN address is offered instead (what Streamlit prints as its
"Network URL"), and when there is none, or the server listens on loopback only, the screen says
plainly that phones cannot join. Pure Python: tested without Streamlit.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

# Any address outside this machine will do: connect() on a UDP socket only asks the kernel which
# interface would route there and sends no packet. 192.0.2.1 is TEST-NET-1 (RFC 5737), never used.
_PROBE = ("192.0.2.1", 9)


@dataclass(frozen=True)
class JoinAddress:
    base: str  # scheme://host:port, no trailing slash
    reachable: bool  # False: phones in the room cannot open it


def is_loopback(host: str | None) -> bool:
    """True for localhost, *.localhost and 127.0.0.0/8 or ::1 (a phone reads them as itself)."""
    if not host:
        return True
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_ip() -> str | None:
    """Return this machine's address on its default route (IPv4), or None when it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(_PROBE)
            address = probe.getsockname()[0]
        except OSError:  # no network at all
            return None
    return None if is_loopback(address) or address == "0.0.0.0" else address


def join_address(public: str | None, browser_url: str | None, listen_address: str | None, lan: str | None) -> JoinAddress:
    """Decide the base URL phones get.

    ``public`` is FEA_PUBLIC_URL, ``browser_url`` the URL the shared screen's browser uses,
    ``listen_address`` Streamlit's server.address (empty: all interfaces), ``lan`` lan_ip().
    """
    if public:
        return JoinAddress(public.rstrip("/"), True)
    parts = urlsplit(browser_url or "http://localhost:8501/")
    base = f"{parts.scheme}://{parts.netloc}"
    if not is_loopback(parts.hostname):
        return JoinAddress(base, True)
    if lan is None or (listen_address and is_loopback(listen_address)):
        return JoinAddress(base, False)  # nothing better to offer: say so on the screen
    port = f":{parts.port}" if parts.port else ""
    return JoinAddress(f"{parts.scheme}://{lan}{port}", True)
