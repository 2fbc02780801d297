"""What the app never keeps or sends: no IP addresses or names of participants, no telemetry.

The threat model in SECURITY.md points here for these claims.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from fea_core import schema

REPO = Path(__file__).resolve().parents[1]
# Column names that would identify a person or their device.
IDENTIFYING = ("ip", "addr", "agent", "email", "phone", "device", "fingerprint", "cookie", "session", "host")
NETWORK_MODULES = (
    "urllib", "urllib.request", "urllib3", "http.client", "requests", "httpx", "aiohttp", "socket", "smtplib",
    "ftplib", "websockets",
)


def is_network_client(module: str) -> bool:
    """Return whether importing this module gives code a way to call out (urllib.parse does not)."""
    return any(module == m or (module.startswith(m + ".") and m != "urllib") for m in NETWORK_MODULES)


def test_no_table_has_a_column_for_an_address_a_device_or_an_email():
    found = [
        f"{table.name}.{column.name}"
        for table in schema.metadata.sorted_tables
        for column in table.columns
        if any(part in column.name.lower().split("_") for part in IDENTIFYING)
    ]
    assert found == []


def test_a_participant_is_only_a_random_token_a_group_and_when_it_joined():
    assert set(schema.participants.c.keys()) == {"id", "workshop_id", "token", "role", "joined_at"}


def test_streamlit_sends_no_usage_statistics_and_shows_users_no_tracebacks():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"


def test_the_network_check_tells_clients_from_parsers():
    assert is_network_client("urllib.request") and is_network_client("requests.adapters") and is_network_client("socket")
    assert not is_network_client("urllib.parse") and not is_network_client("http")


def test_the_app_code_imports_no_network_client():
    # The app answers requests; it never makes one (no telemetry, no web fonts, no CDN).
    offenders = []
    sources = [*(REPO / "fea_core").rglob("*.py"), *(REPO / "ui").rglob("*.py"), *(REPO / "pages").glob("*.py")]
    sources += [REPO / "app.py", REPO / "serve.py", REPO / "navigation.py"]
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(REPO)}: {n}" for n in names if is_network_client(n)]
    assert sorted(offenders) == sorted(f"{path.relative_to(REPO)}: socket" for path in (SOCKET_OPTIONS, LAN_PROBE))


# The two modules that may import socket: one sets TCP_NODELAY on connections the server accepted,
# the other asks the kernel which interface is the machine's LAN address (a UDP socket, no packet).
SOCKET_OPTIONS = REPO / "ui" / "server" / "tcp_nodelay.py"
LAN_PROBE = REPO / "ui" / "join_address.py"


def test_the_socket_options_module_only_sets_options_and_opens_no_connection():
    tree = ast.parse(SOCKET_OPTIONS.read_text(encoding="utf-8"))
    called = {node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    assert "setsockopt" in called
    assert not called & {"connect", "connect_ex", "create_connection", "socket", "sendto", "send", "sendall"}


def test_the_lan_address_probe_opens_only_a_udp_socket_and_sends_nothing():
    tree = ast.parse(LAN_PROBE.read_text(encoding="utf-8"))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)]
    called = {node.func.attr for node in calls}
    assert {"socket", "connect", "getsockname"} <= called
    assert not called & {"send", "sendto", "sendall", "sendmsg", "recv", "recvfrom", "create_connection", "connect_ex"}
    sockets = [node for node in calls if node.func.attr == "socket"]
    assert [ast.unparse(node.args[1]) for node in sockets] == ["socket.SOCK_DGRAM"]  # UDP: connect sends nothing
