"""TCP_NODELAY on the app's connections (ui/server/tcp_nodelay.py).

Streamlit binds its listening socket with ``socket.socket(family)`` (protocol 0), so asyncio
never turns Nagle's algorithm off on accepted connections: each keep-alive reply written in two
parts then waits ~40 ms for the client's delayed ACK.
"""

from __future__ import annotations

import asyncio
import asyncio.trsock
import socket

import pytest
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from ui.server import tcp_nodelay


class Transport:
    """The little of asyncio's transport that set_nodelay and uvicorn's connection_made read."""

    def __init__(self, sock: socket.socket | None):
        self.sock = sock

    def get_extra_info(self, name: str, default=None):
        if self.sock is None:
            return default
        if name == "socket":  # asyncio hands out its wrapper, not the socket itself
            return asyncio.trsock.TransportSocket(self.sock)
        if name in ("sockname", "peername"):
            return getattr(self.sock, f"get{name}")()
        return default

    def is_closing(self) -> bool:
        return False


def nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


@pytest.fixture
def accepted():
    """Return a connection accepted on a listening socket made as Streamlit makes it (protocol 0)."""
    listener = socket.socket(socket.AF_INET)
    assert listener.proto == 0  # what keeps asyncio from setting TCP_NODELAY itself
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    conn, _ = listener.accept()
    yield conn
    for s in (conn, client, listener):
        s.close()


@pytest.fixture
def unpatched(monkeypatch):
    """Let enable() patch uvicorn's protocol classes afresh; undo it after the test."""
    from uvicorn.protocols.http import h11_impl

    protocols = [h11_impl.H11Protocol]
    try:
        from uvicorn.protocols.http import httptools_impl
    except ImportError:
        pass
    else:
        protocols.append(httptools_impl.HttpToolsProtocol)
    for protocol in protocols:
        monkeypatch.setattr(protocol, "connection_made", protocol.connection_made)
        monkeypatch.setattr(protocol, tcp_nodelay._PATCHED, False, raising=False)
    return protocols


def test_set_nodelay_turns_nagle_off_on_a_connection_accepted_from_a_protocol_0_socket(accepted):
    assert nodelay(accepted) == 0

    tcp_nodelay.set_nodelay(Transport(accepted))

    assert nodelay(accepted) == 1


def test_set_nodelay_leaves_non_tcp_sockets_and_transports_without_a_socket_alone():
    left, right = socket.socketpair(socket.AF_UNIX)
    try:
        tcp_nodelay.set_nodelay(Transport(left))  # a Unix socket has no TCP options: no error
    finally:
        left.close()
        right.close()
    tcp_nodelay.set_nodelay(Transport(None))


def test_set_nodelay_ignores_a_connection_the_peer_already_closed(accepted):
    accepted.close()  # setsockopt on a closed socket raises OSError

    tcp_nodelay.set_nodelay(Transport(accepted))


def test_after_enable_uvicorns_h11_protocol_sets_nodelay_on_each_new_connection(accepted, unpatched):
    tcp_nodelay.enable()
    loop = asyncio.new_event_loop()
    try:
        config = Config(app=lambda scope, receive, send: None, lifespan="off")
        protocol = H11Protocol(config, ServerState(), app_state={}, _loop=loop)
        assert nodelay(accepted) == 0

        protocol.connection_made(Transport(accepted))

        assert nodelay(accepted) == 1
        assert protocol.client == accepted.getpeername()  # uvicorn's own connection_made ran too
    finally:
        loop.close()


def test_enable_wraps_connection_made_once_however_often_it_is_called(unpatched):
    before = [p.connection_made for p in unpatched]

    tcp_nodelay.enable()
    once = [p.connection_made for p in unpatched]
    tcp_nodelay.enable()

    assert [p.connection_made for p in unpatched] == once
    assert all(a is not b for a, b in zip(before, once))
    assert all(getattr(p, tcp_nodelay._PATCHED) for p in unpatched)


def test_the_installed_uvicorn_has_the_protocol_classes_enable_wraps(unpatched):
    assert tcp_nodelay.problems() == []
    assert tcp_nodelay.enable() is True


def test_when_uvicorn_moves_its_h11_protocol_enable_warns_once_and_wraps_nothing(monkeypatch, caplog, unpatched):
    from uvicorn.protocols.http import h11_impl

    monkeypatch.delattr(h11_impl, "H11Protocol")  # as a release that renamed or moved it
    before = [p.connection_made for p in unpatched]

    with caplog.at_level("WARNING", logger="ui.server.tcp_nodelay"):
        assert tcp_nodelay.enable() is False

    assert [r.name for r in caplog.records] == ["ui.server.tcp_nodelay"] and "H11Protocol" in caplog.text
    assert [p.connection_made for p in unpatched] == before
    assert not any(getattr(p, tcp_nodelay._PATCHED) for p in unpatched)


def test_a_connection_made_of_another_shape_is_not_wrapped(monkeypatch, caplog, unpatched):
    monkeypatch.setattr(H11Protocol, "connection_made", lambda self, transport, extra: None)
    changed = H11Protocol.connection_made

    with caplog.at_level("WARNING"):
        assert tcp_nodelay.enable() is False

    assert H11Protocol.connection_made is changed and "connection_made(self, transport)" in caplog.text
