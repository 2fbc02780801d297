"""Simulated phones and a simulated shared screen: real Streamlit sessions over Streamlit's websocket.

The browser frontend talks to the server only through binary protobufs on
``/_stcore/stream``: it sends ``BackMsg.rerun_script`` (a ``ClientState`` with the
query string, the page, every widget's value and, for a fragment, its id) and receives
``ForwardMsg``s (``new_session``, deltas with the elements, ``script_finished``). This
module does the same, so the server does exactly the work a phone causes.

A ``Session`` keeps a small model of the page it was last sent: the widgets with their
keys, forms, fragments and options, and the alerts of the last run. ``Phone`` uses it to
do what a participant does on whatever step the facilitator has made active (rate the six
factors, send a problem, place a problem on its card). ``Screen`` logs in as a facilitator,
opens the room view and, as its browser watcher does (ui/live.py), holds a poll on
``/api/room/<token>`` and reruns the live fragment when the workshop changed. ``LivePoller`` is the phones' watcher: ``GET /api/live/<token>`` over keep-alive HTTP.

The phone's step is one browser component (ui/answer_forms.py): the page's delta carries its
phone state (fea_core/phone_state.py) with the current form's data, and the browser POSTs the
answer to ``/api/answer/<token>/...``. When the stage moves, the component fetches the new state
from ``/api/phone/<token>`` (no script run). ``Phone`` reads the same data, posts the same JSON
and fetches the same state over its own keep-alive connection.
"""

from __future__ import annotations

import asyncio
import json
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
EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN
FRAGMENT_DONE = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY

# The phone's step component and, per kind of view it draws, the step and where its form's data is.
PHONE_STEP = "fea_phone_step"
ROOM_WATCHER = "fea_live_watcher"  # ui/live.py: the room and control views' held-poll watcher
# The app's clear "no" to a late answer (the facilitator moved on or closed the round, an item
# was merged meanwhile, the same text was sent twice): not failures.
REFUSAL_CODES = ("round_closed", "not_this_activity", "stale_item", "duplicate_item")

# What a phone's page shows, told by the answer form on it.
STEP_RATE = "rate"
STEP_ITEMS = "items"
STEP_PLACE = "place"
STEP_OTHER = "other"
_VIEW_FORMS = {"rating": (STEP_RATE, "form"), "items": (STEP_ITEMS, "form"), "placement": (STEP_PLACE, "deck")}


def forms_of(state: dict) -> dict[str, dict]:
    """Return {step: form data} of the answer form a phone state shows (none on other steps)."""
    view = state["view"]
    step, field_name = _VIEW_FORMS.get(view["kind"], (None, None))
    return {step: view[field_name]} if step and view.get(field_name) else {}

PROBLEM_TEXTS = (
    "Vi når ikke at holde pauser", "Uklare roller ved vagtskifte", "For mange afbrydelser",
    "Mangler tid til oplæring", "Tonen på møderne", "Travlhed om morgenen", "Ingen fælles prioritering",
)


@dataclass(frozen=True)
class Widget:
    """A widget as the frontend knows it from a delta."""

    id: str
    kind: str  # "button_group", "text_area", "text_input", "button", ...
    key: str | None  # the key the script gave it, read from the id ($$ID-<hash>-<key>)
    form_id: str
    fragment_id: str
    options: tuple[str, ...] = ()  # a button group's option labels (its wire values)
    is_submit: bool = False


@dataclass
class RunResult:
    """What one request (a page load or an interaction) cost and showed."""

    latency: float  # seconds from sending the BackMsg to the script_finished that ends it
    runs: int  # script runs it caused
    errors: list[str] = field(default_factory=list)
    saved: bool = False  # the run showed a success box ("Tak! Dine svar er gemt.")
    refused: str = ""  # the app's own clear "no" (e.g. the step closed meanwhile): not a failure


@dataclass
class _Wait:
    future: asyncio.Future
    sent: float
    fragment_id: str
    started: bool = False  # a new_session arrived after our request: the run is ours
    runs: int = 0
    errors: list[str] = field(default_factory=list)
    refused: str = ""
    saved: bool = False


def _key_of(widget_id: str) -> str | None:
    # Keyed widget ids are "$$ID-<hash>-<key>"; unkeyed ones carry "None" or a label.
    if widget_id.startswith("$$ID-"):
        parts = widget_id.split("-", 2)
        if len(parts) == 3 and parts[2] != "None":
            return parts[2]
    return None


@dataclass(frozen=True)
class Watcher:
    fragment_id: str
    url: str
    field: str
    value: int


class Session:
    """One websocket, one Streamlit session, one rerun at a time, and a model of its page."""

    #: error boxes that are the app's clear "no" to a late answer (the facilitator moved on or
    #: closed the round, an item was merged meanwhile, the same text was sent twice): not failures
    refusal_marks: tuple[str, ...] = (
        "Runden er lukket", "Facilitator er gået videre", "Punktet er blevet samlet", "Det står der allerede",
    )

    def __init__(self, base_url: str, query_string: str, *, page_name: str = "",
                 counters: Counter | None = None, timeout: float = 60.0, rng: random.Random | None = None):
        parts = urlsplit(base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.ws_url = f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}{STREAM_PATH}"
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.query_string = query_string
        self.page_name = page_name
        self.counters = counters if counters is not None else Counter()
        self.timeout = timeout
        self.rng = rng or random.Random()
        self.page_script_hash = ""  # the browser sends "" first, then the page the server chose
        self.widgets: dict[str, Widget] = {}  # the page as the last completed run left it
        self.values: dict[str, object] = {}  # widget values the frontend keeps re-sending
        self.auto_rerun: tuple[float, str] | None = None  # (interval, fragment id) of run_every
        self.watcher: Watcher | None = None  # the room view's held-poll watcher, as its last run drew it
        self.forms: dict[str, dict] = {}  # step (rate, items, place) -> its answer form's data, as last drawn
        self.phone_url: str | None = None  # where the phone's step component fetches its state
        self.live_url: str | None = None  # where it holds its poll
        self.lang = "da"
        self._form_fragment: dict[str, str] = {}
        self._run_widgets: dict[str, Widget] = {}
        self._run_forms: dict[str, tuple[str, dict]] = {}
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
        """Send the rerun a browser sends on page load (or when its watcher asks for one)."""
        return await self.rerun()

    async def close(self) -> None:
        """Close the websocket; the server keeps the session for disconnectedSessionTTL."""
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)

    # --- the page model -------------------------------------------------------------------

    def keyed(self, prefix: str) -> list[Widget]:
        """Return the page's widgets whose key starts with ``prefix``, in page order."""
        return [w for w in self.widgets.values() if w.key and w.key.startswith(prefix)]

    def submit_of(self, form_id: str) -> Widget | None:
        """Return the submit button of a form."""
        return next((w for w in self.widgets.values() if w.is_submit and w.form_id == form_id), None)

    async def submit(self, form_id: str, values: dict[str, object]) -> RunResult:
        """Set widget values and press the form's submit button (in its fragment, as a browser does)."""
        button = self.submit_of(form_id)
        if button is None:
            return RunResult(0.0, 0, [f"no submit button for form {form_id!r}"])
        self.values.update(values)
        return await self.rerun(trigger_id=button.id, fragment_id=button.fragment_id)

    # --- the protocol ---------------------------------------------------------------------

    def _back_msg(self, trigger_id: str | None, fragment_id: str, auto: bool,
                  json_trigger: tuple[str, str] | None = None) -> bytes:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash
        if not self.page_script_hash:
            state.page_name = self.page_name
        if fragment_id:
            state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        for widget_id, value in self.values.items():
            if self.widgets and widget_id not in self.widgets:
                continue  # a widget the page no longer has: the frontend forgets it too
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            if isinstance(value, list):
                widget.string_array_value.data.extend(value)
            else:
                widget.string_value = str(value)
        if trigger_id:
            # A form submit is a one-shot trigger; the form's values travel with it.
            widget = state.widget_states.widgets.add()
            widget.id = trigger_id
            widget.trigger_value = True
        if json_trigger:
            # A component's event (setTriggerValue): one trigger widget per element, a JSON list.
            widget = state.widget_states.widgets.add()
            widget.id, widget.json_trigger_value = json_trigger
        return msg.SerializeToString()

    async def rerun(self, trigger_id: str | None = None, fragment_id: str = "", auto: bool = False,
                    json_trigger: tuple[str, str] | None = None) -> RunResult:
        """Send one rerun and wait for the script_finished that ends it."""
        if self._wait is not None:
            raise RuntimeError("one rerun at a time per session")
        loop = asyncio.get_running_loop()
        wait = _Wait(loop.create_future(), time.perf_counter(), fragment_id)
        self._wait = wait
        try:
            await self._ws.send(self._back_msg(trigger_id, fragment_id, auto, json_trigger))
            await asyncio.wait_for(asyncio.shield(wait.future), self.timeout)
        except asyncio.TimeoutError:
            wait.errors.append("timeout")
        except Exception as exc:  # the socket closed under us, or the reader failed
            wait.errors.append(f"connection: {type(exc).__name__}")
        finally:
            self._wait = None
        return RunResult(time.perf_counter() - wait.sent, wait.runs, wait.errors, wait.saved, wait.refused)

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                self._handle(data)
        except websockets.ConnectionClosed as exc:
            self._fail(exc)
        except Exception as exc:  # a parse error must end the session's wait, not hang it
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
            self._run_widgets = {}
            self._run_forms = {}
            if wait is not None:
                wait.started = True
                wait.saved = False
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "auto_rerun":
            self.auto_rerun = (msg.auto_rerun.interval, msg.auto_rerun.fragment_id)
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element, msg.delta.fragment_id, wait)
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
            if msg.script_finished == EARLY:
                return
            if msg.script_finished == FRAGMENT_DONE:
                # Only the fragment was redrawn: the rest of the page stays as it was.
                kept = {i: w for i, w in self.widgets.items() if w.fragment_id != wait.fragment_id}
                self.widgets = {**kept, **self._run_widgets}
                # The fragment's own forms are redrawn (or gone); the rest of the page keeps its.
                kept_forms = {n: d for n, d in self.forms.items() if self._form_fragment.get(n) != wait.fragment_id}
                self._set_forms(kept_forms, self._run_forms)
            else:
                self.widgets = self._run_widgets
                self._set_forms({}, self._run_forms)
            if not wait.future.done():
                wait.future.set_result(None)

    def _set_forms(self, kept: dict[str, dict], drawn: dict[str, tuple[str, dict]]) -> None:
        self.forms = {**kept, **{name: data for name, (_, data) in drawn.items()}}
        self._form_fragment = {n: f for n, f in self._form_fragment.items() if n in kept}
        self._form_fragment.update({name: fragment for name, (fragment, _) in drawn.items()})

    def _element(self, element, fragment_id: str, wait: _Wait | None) -> None:
        kind = element.WhichOneof("type")
        if kind in ("button_group", "text_area", "text_input", "button"):
            proto = getattr(element, kind)
            options = tuple(o.content for o in proto.options) if kind == "button_group" else ()
            self._run_widgets[proto.id] = Widget(
                proto.id, kind, _key_of(proto.id), proto.form_id, fragment_id, options,
                is_submit=kind == "button" and proto.is_form_submitter,
            )
        elif kind == "bidi_component" and element.bidi_component.component_name.endswith(ROOM_WATCHER):
            data = json.loads(element.bidi_component.json)
            self.watcher = Watcher(fragment_id, data["url"], data["field"], data["value"])
        elif kind == "bidi_component" and element.bidi_component.component_name == PHONE_STEP:
            data = json.loads(element.bidi_component.json)
            self.phone_url, self.live_url, self.lang = data["phone_url"], data["live_url"], data["state"]["lang"]
            self._run_forms.update({step: (fragment_id, form) for step, form in forms_of(data["state"]).items()})
        elif kind == "exception" and wait is not None:
            wait.errors.append(f"exception: {element.exception.type}: {element.exception.message[:120]}")
        elif kind == "alert" and wait is not None:
            if element.alert.format == Alert.ERROR:
                body = element.alert.body
                if any(mark in body for mark in self.refusal_marks):
                    wait.refused = body[:120]
                else:
                    wait.errors.append(f"error box: {body[:120]}")
            elif element.alert.format == Alert.SUCCESS:
                wait.saved = True


class Phone(Session):
    """A participant's phone, doing what the active step asks for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parts = urlsplit(self.origin)
        self.http = HttpConnection(parts.hostname, parts.port or 80, self.timeout)

    async def follow(self, stage: int, state: dict | None = None) -> RunResult:
        """Do what the step component does when its poll sees a new stage: draw the state the poll's
        answer carried, or fetch the phone state (no script run either way)."""
        if self.phone_url is None:
            return await self.load()
        sent = time.perf_counter()
        if state is not None and state["stage"] >= stage:
            self.forms = forms_of(state)
            return RunResult(time.perf_counter() - sent, 0)
        try:
            status, raw = await self.http.request("GET", f"{self.phone_url}?lang={self.lang}")
            state = json.loads(raw) if status == 200 else None
        except Exception as exc:
            return RunResult(time.perf_counter() - sent, 0, [f"connection: {type(exc).__name__}"])
        if state is None:
            return RunResult(time.perf_counter() - sent, 0, [f"phone state: HTTP {status}"])
        self.forms = forms_of(state)
        if state["stage"] < stage:
            return RunResult(time.perf_counter() - sent, 0, [f"phone state at stage {state['stage']}, not {stage}"])
        return RunResult(time.perf_counter() - sent, 0)

    async def catch_up(self) -> RunResult:
        """Send the poll a phone sends right after a step change: the stage it shows (0 here) is
        behind, so the answer comes at once and carries the new phone state (no script run)."""
        sent = time.perf_counter()
        try:
            status, raw = await self.http.request("GET", f"{self.live_url}?field=stage&seen=0&lang={self.lang}")
            state = json.loads(raw).get("state") if status == 200 else None
        except Exception as exc:
            return RunResult(time.perf_counter() - sent, 0, [f"connection: {type(exc).__name__}"])
        if state is None:
            return RunResult(time.perf_counter() - sent, 0, [f"poll: HTTP {status}, no state"])
        self.forms = forms_of(state)
        return RunResult(time.perf_counter() - sent, 0)

    def step(self) -> str:
        """Return what the page shows now: rating, sending items, placing, or something else."""
        return next((step for step in (STEP_RATE, STEP_ITEMS, STEP_PLACE) if step in self.forms), STEP_OTHER)

    async def act(self) -> tuple[str, RunResult]:
        """Do one interaction on the current step; return the step and what happened."""
        step = self.step()
        if step == STEP_RATE:
            return step, await self.rate()
        if step == STEP_ITEMS:
            return step, await self.send_item()
        if step == STEP_PLACE:
            return step, await self.place()
        return step, RunResult(0.0, 0, ["nothing to do on this page"])

    async def answer(self, form: str, body: dict) -> RunResult:
        """POST one answer as the form's script does; the latency is the round trip."""
        data = self.forms[form]
        sent = time.perf_counter()
        try:
            status, raw = await self.http.request("POST", data["url"], {**body, "lang": data["lang"]})
            reply = json.loads(raw)
        except Exception as exc:
            return RunResult(time.perf_counter() - sent, 0, [f"connection: {type(exc).__name__}"])
        result = RunResult(time.perf_counter() - sent, 0)
        if status == 200 and reply.get("ok"):
            result.saved = True
        elif reply.get("code") in REFUSAL_CODES:
            result.refused = str(reply.get("message", ""))[:120]
        else:
            result.errors.append(f"HTTP {status}: {str(reply.get('message', ''))[:100]}")
        return result

    async def rate(self) -> RunResult:
        """Pick a value (or "Ved ikke") for each of the six factors and send them."""
        data = self.forms[STEP_RATE]
        choices = [*data["scale"], None]
        return await self.answer(STEP_RATE, {"ratings": {f["key"]: self.rng.choice(choices) for f in data["factors"]}})

    async def send_item(self) -> RunResult:
        """Type a problem (or the step's kind of item) and send it."""
        kind = self.forms[STEP_ITEMS]["kinds"][0]["key"]  # a problem, not a thing to keep
        text = f"{self.rng.choice(PROBLEM_TEXTS)} ({self.rng.randrange(1000)})"
        return await self.answer(STEP_ITEMS, {"kind": kind, "text": text})

    async def place(self) -> RunResult:
        """Place one of the cards on both scales and save it."""
        data = self.forms[STEP_PLACE]
        card = self.rng.choice(data["cards"])
        return await self.answer(STEP_PLACE, {
            "item_id": card["id"], "x": self.rng.choice(data["scale"]), "y": self.rng.choice(data["scale"]),
        })

    async def close(self) -> None:
        """Close the websocket and the answer connection."""
        await super().close()
        await self.http.close()


class Screen(Session):
    """The facilitator's room view: log in, open the workshop, rerun its live part when it changed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parts = urlsplit(self.origin)
        self.http = HttpConnection(parts.hostname, parts.port or 80, self.timeout)

    async def log_in(self, username: str, password: str) -> RunResult:
        """Load the login gate at /screen, submit the form, then load the room view itself."""
        first = await self.load()
        fields = {w.key: w for w in self.widgets.values() if w.kind == "text_input"}
        inputs = [w for w in self.widgets.values() if w.kind == "text_input"]
        if len(inputs) < 2:
            return RunResult(first.latency, first.runs, first.errors + [f"login form not found ({list(fields)})"])
        result = await self.submit(inputs[0].form_id, {inputs[0].id: username, inputs[1].id: password})
        if result.errors:
            return result
        self.values.clear()
        self.page_script_hash = ""  # ask for /screen again, as the login's own rerun does
        opened = await self.load()
        if self.watcher is None:
            opened.errors.append("the room view has no live watcher (not logged in?)")
        return opened

    async def tick(self) -> RunResult:
        """Do what the browser's watcher does (ui/live.py): hold a poll until the workshop's
        revision moved, then rerun the live fragment. Phones answering move it all the time."""
        watcher = self.watcher
        status, raw = await self.http.request("GET", f"{watcher.url}?field={watcher.field}&seen={watcher.value}")
        if status != 200:
            return RunResult(0.0, 0, [f"room watch: HTTP {status}"])
        if json.loads(raw).get(watcher.field) == watcher.value:
            return RunResult(0.0, 0, [])  # held to its end with no change: no run, as in the browser
        return await self.rerun_live()

    async def rerun_live(self) -> RunResult:
        """Rerun the live fragment, as the watcher does once the workshop changed (bench/run_cost.py
        times this alone)."""
        return await self.rerun(fragment_id=self.watcher.fragment_id)

    async def close(self) -> None:
        await super().close()
        await self.http.close()


class HttpConnection:
    """One keep-alive HTTP/1.1 connection, as a browser keeps one per server for fetch()."""

    def __init__(self, host: str, port: int, timeout: float = 30.0):
        self.host, self.port, self.timeout = host, port, timeout
        self._reader = self._writer = None

    async def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        """Return (status, body) of one request; reconnect when the server closed the connection."""
        reused = self._writer is not None
        try:
            return await asyncio.wait_for(self._request(method, path, body), self.timeout)
        except (ConnectionError, asyncio.IncompleteReadError):
            if not reused:
                raise
            # The server closed the idle connection as we sent: nothing was read, send again.
            await self.close()
            return await asyncio.wait_for(self._request(method, path, body), self.timeout)

    async def _request(self, method: str, path: str, body: dict | None) -> tuple[int, bytes]:
        if self._reader is not None and self._reader.at_eof():
            await self.close()  # the server closed it while idle (keep-alive timeout): as a browser, reconnect
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        payload = json.dumps(body).encode() if body is not None else b""
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: */*\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        self._writer.write(head.encode("ascii") + b"\r\n" + payload)
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
            data = b""
            while size := int((await self._reader.readline()).strip() or b"0", 16):
                data += (await self._reader.readexactly(size + 2))[:-2]
            await self._reader.readline()
        else:
            data = await self._reader.readexactly(int(headers.get("content-length", 0)))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, data

    async def close(self) -> None:
        """Close the connection."""
        if self._writer is not None:
            self._writer.close()
            try:
                await self._writer.wait_closed()
            except OSError:
                pass
            self._reader = self._writer = None


class LivePoller:
    """The phone's watcher: GET /api/live/<participant token> over one keep-alive HTTP/1.1 connection."""

    def __init__(self, base_url: str, token: str, timeout: float = 30.0):
        parts = urlsplit(base_url)
        self.path = f"{parts.path.rstrip('/')}/api/live/{token}"
        self._http = HttpConnection(parts.hostname, parts.port or 80, timeout)

    async def get(self, stage: int | None = None, lang: str | None = None) -> tuple[int, bytes]:
        """Return (status, body) of one poll; given the stage the phone shows, held until it moves (ui/live.py),
        and given a language as well, an answer for a moved stage carries the new phone state."""
        query = "" if stage is None else f"?field=stage&seen={stage}" + (f"&lang={lang}" if lang else "")
        return await self._http.request("GET", self.path + query)

    async def close(self) -> None:
        """Close the connection."""
        await self._http.close()
