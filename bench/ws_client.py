"""One simulated phone: a real Streamlit session driven over Streamlit's websocket protocol.

The browser frontend talks to the server only through binary protobufs on
``/_stcore/stream``: it sends ``BackMsg.rerun_script`` (a ``ClientState`` with the
query string, the page and every widget's value) and receives ``ForwardMsg``s
(``new_session``, deltas with the elements, ``script_finished``). This module does
the same, so the server does exactly the work a phone causes. It also has a tiny
keep-alive HTTP client for the ``/api/live/<token>`` poll the phone's watcher makes.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

STREAM_PATH = "/_stcore/stream"
RATING_KEY_MARK = "-rate_"  # keyed widget ids end with "-<key>"; the rating keys are rate_<factor>
EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN


@dataclass
class RunResult:
    """What one request (a page load or an interaction) cost and showed."""

    latency: float  # seconds from sending the BackMsg to the final script_finished
    runs: int  # script runs it caused (st.rerun() inside the script makes two)
    errors: list[str] = field(default_factory=list)
    saved: bool = False  # the final run showed a success box ("Tak! Dine svar er gemt.")


@dataclass
class _Wait:
    future: asyncio.Future
    sent: float
    started: bool = False  # a new_session arrived after our request: the run is ours
    runs: int = 0
    errors: list[str] = field(default_factory=list)
    saved: bool = False


class Phone:
    """A participant's phone: one websocket, one Streamlit session, one rerun at a time."""

    def __init__(self, base_url: str, query_string: str, *, counters: Counter | None = None,
                 timeout: float = 60.0, rng: random.Random | None = None):
        parts = urlsplit(base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.ws_url = f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}{STREAM_PATH}"
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.query_string = query_string
        self.counters = counters if counters is not None else Counter()
        self.timeout = timeout
        self.rng = rng or random.Random()
        self.page_script_hash = ""  # the browser sends "" first, then the page the server chose
        self.rating_options: dict[str, list[str]] = {}  # widget id -> option labels (wire values)
        self.submit_id: str | None = None
        self.values: dict[str, list[str]] = {}  # widget values the frontend would keep re-sending
        self._run_ratings: dict[str, list[str]] = {}
        self._run_submit: str | None = None
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._wait: _Wait | None = None

    async def connect(self) -> None:
        """Open the websocket the way the frontend does (subprotocol "streamlit", same origin)."""
        # No client pings (a browser sends none) and no proxy from the environment.
        self._ws = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], origin=self.origin, max_size=None,
            ping_interval=None, proxy=None, open_timeout=self.timeout,
        )
        self._reader = asyncio.create_task(self._read())

    async def load(self) -> RunResult:
        """Send the first rerun a browser sends on page load, with the URL's query string."""
        return await self._rerun(trigger_id=None)

    async def rate_and_submit(self) -> RunResult:
        """Pick a value on each of the six rating controls and press the form's submit button."""
        if len(self.rating_options) != 6 or not self.submit_id:
            found = f"{len(self.rating_options)} rating controls, submit={'yes' if self.submit_id else 'no'}"
            return RunResult(0.0, 0, [f"form not on page ({found})"])
        for widget_id, options in self.rating_options.items():
            self.values[widget_id] = [self.rng.choice(options)]
        return await self._rerun(trigger_id=self.submit_id)

    async def close(self) -> None:
        """Close the websocket; the server keeps the session for disconnectedSessionTTL."""
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)

    def _back_msg(self, trigger_id: str | None) -> bytes:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash
        for widget_id, value in self.values.items():
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            widget.string_array_value.data.extend(value)
        if trigger_id:
            # A form submit is a one-shot trigger; the form's values travel with it.
            widget = state.widget_states.widgets.add()
            widget.id = trigger_id
            widget.trigger_value = True
        return msg.SerializeToString()

    async def _rerun(self, trigger_id: str | None) -> RunResult:
        if self._wait is not None:
            raise RuntimeError("one rerun at a time per phone")
        loop = asyncio.get_running_loop()
        wait = _Wait(loop.create_future(), time.perf_counter())
        self._wait = wait
        try:
            await self._ws.send(self._back_msg(trigger_id))
            await asyncio.wait_for(asyncio.shield(wait.future), self.timeout)
        except asyncio.TimeoutError:
            wait.errors.append("timeout")
        except Exception as exc:  # the socket closed under us, or the reader failed
            wait.errors.append(f"connection: {type(exc).__name__}")
        finally:
            self._wait = None
        return RunResult(time.perf_counter() - wait.sent, wait.runs, wait.errors, wait.saved)

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                self._handle(data)
        except websockets.ConnectionClosed as exc:
            self._fail(exc)
        except Exception as exc:  # a parse error must end the phone's wait, not hang it
            self._fail(exc)
        else:
            self._fail(ConnectionError("closed by server"))

    def _fail(self, exc: BaseException) -> None:
        if self._wait is not None and not self._wait.future.done():
            self._wait.future.set_exception(exc)
            self._wait.future.exception()  # mark retrieved: the waiter reports it

    def _handle(self, data: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        self.counters["messages"] += 1
        self.counters["bytes"] += len(data)
        kind = msg.WhichOneof("type")
        wait = self._wait
        if kind == "new_session":
            self._run_ratings, self._run_submit = {}, None
            if wait is not None:
                wait.started = True
                wait.saved = False
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element, wait)
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            if wait is not None:
                wait.errors.append("compile error")
        elif kind == "script_finished":
            self.counters["runs"] += 1
            if msg.script_finished == EARLY:
                self.counters["runs_early"] += 1
            if wait is None or not wait.started:
                return
            wait.runs += 1
            if msg.script_finished != EARLY:
                # Only a completed run shows the whole page: its ids are the ones to use next.
                self.rating_options, self.submit_id = self._run_ratings, self._run_submit
                if not wait.future.done():
                    wait.future.set_result(None)

    def _element(self, element, wait: _Wait | None) -> None:
        kind = element.WhichOneof("type")
        if kind == "button_group" and RATING_KEY_MARK in element.button_group.id:
            self._run_ratings[element.button_group.id] = [o.content for o in element.button_group.options]
        elif kind == "button" and element.button.is_form_submitter:
            self._run_submit = element.button.id
        elif kind == "exception" and wait is not None:
            wait.errors.append(f"exception: {element.exception.type}: {element.exception.message[:120]}")
        elif kind == "alert" and wait is not None:
            if element.alert.format == Alert.ERROR:
                wait.errors.append(f"error box: {element.alert.body[:120]}")
            elif element.alert.format == Alert.SUCCESS:
                wait.saved = True


class LivePoller:
    """The phone's watcher: GET /api/live/<participant token> over one keep-alive HTTP/1.1 connection."""

    def __init__(self, base_url: str, token: str, timeout: float = 30.0):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.path = f"{parts.path.rstrip('/')}/api/live/{token}"
        self.timeout = timeout
        self._reader = self._writer = None

    async def get(self) -> tuple[int, bytes]:
        """Return (status, body) of one poll; reconnect when the server closed the connection."""
        return await asyncio.wait_for(self._get(), self.timeout)

    async def _get(self) -> tuple[int, bytes]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        request = f"GET {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: */*\r\n\r\n"
        self._writer.write(request.encode("ascii"))
        await self._writer.drain()
        status_line = await self._reader.readline()
        if not status_line:
            await self.close()
            raise ConnectionError("server closed the keep-alive connection")
        status = int(status_line.split()[1])
        headers = {}
        while (line := await self._reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding") == "chunked":
            body = b""
            while size := int((await self._reader.readline()).strip() or b"0", 16):
                body += (await self._reader.readexactly(size + 2))[:-2]
            await self._reader.readline()
        else:
            body = await self._reader.readexactly(int(headers.get("content-length", 0)))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, body

    async def close(self) -> None:
        """Close the connection."""
        if self._writer is not None:
            self._writer.close()
            try:
                await self._writer.wait_closed()
            except OSError:
                pass
            self._reader = self._writer = None
