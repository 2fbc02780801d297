"""Turn Nagle's algorithm off for the app's connections, as every web server does.

Streamlit 1.67 binds its listening socket itself (``socket.socket(family)``, protocol 0) and
hands it to uvicorn; asyncio enables TCP_NODELAY only on sockets whose protocol reads
IPPROTO_TCP, so no accepted connection gets it (uvicorn issue #3149, same cause). A response
written in two parts (headers, then body) then waits for the phone's delayed ACK: about 40 ms
on every keep-alive request and websocket reply after the first. bench/run_cost.py shows it.

uvicorn's protocol classes live in its internal modules (uvicorn.protocols.http.*): ``problems()``
checks them before anything is wrapped; when a release moves them the app logs one warning and
runs without TCP_NODELAY (slower replies, nothing lost).
"""

from __future__ import annotations

import inspect
import logging
import socket

_log = logging.getLogger(__name__)
_PATCHED = "_fea_nodelay"


def set_nodelay(transport) -> None:
    """Set TCP_NODELAY on a transport's TCP socket (nothing for other sockets)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass  # the peer is already gone


def _protocols() -> list[type]:
    """Return uvicorn's HTTP protocol classes (websockets start as HTTP); raise ImportError if moved."""
    from uvicorn.protocols.http import h11_impl

    protocols = [h11_impl.H11Protocol]
    try:
        from uvicorn.protocols.http import httptools_impl
    except ImportError:  # httptools is optional; uvicorn then speaks HTTP with h11
        pass
    else:
        protocols.append(httptools_impl.HttpToolsProtocol)
    return protocols


def problems() -> list[str]:
    """Return what ``enable`` needs of uvicorn and does not find (empty: all there)."""
    try:
        protocols = _protocols()
    except (ImportError, AttributeError) as error:
        return [f"uvicorn.protocols.http.h11_impl.H11Protocol ({error})"]
    found = []
    for protocol in protocols:
        method = getattr(protocol, "connection_made", None)
        if not callable(method) or list(inspect.signature(method).parameters) != ["self", "transport"]:
            found.append(f"{protocol.__name__}.connection_made(self, transport)")
    return found


def enable() -> bool:
    """Make uvicorn's HTTP protocols set TCP_NODELAY on each new connection; False (one warning) if it cannot."""
    missing = problems()
    if missing:
        _log.warning("TCP_NODELAY not set: this uvicorn has no %s; replies may wait ~40 ms for delayed ACKs "
                     "(ui/server/tcp_nodelay.py)", ", ".join(missing))
        return False
    for protocol in _protocols():
        if getattr(protocol, _PATCHED, False):
            continue
        original = protocol.connection_made

        def connection_made(self, transport, _original=original):
            set_nodelay(transport)
            _original(self, transport)

        protocol.connection_made = connection_made
        setattr(protocol, _PATCHED, True)
    return True
