"""Crash safety: the server is killed with SIGKILL while phones submit, and nothing confirmed is lost.

Simulated phones (bench/ws_client.py: real Streamlit sessions over the websocket protocol) rate
and submit in a loop through the real app. Every submission the app confirmed ("Tak! Dine svar
er gemt.") is recorded. The server process is killed with SIGKILL while submissions are in flight,
started again on the same database, and then:
- every phone's last confirmed answers are in the database (or the newer answers it had in
  flight when the server died: a commit can land just before the confirmation is sent);
- each phone, reloading the join page with its token (``?code=..&p=TOKEN``), is the same
  participant: its saved answers are shown, and it can go on answering.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import time
from datetime import date

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.ws_client import EARLY, STEP_RATE, Phone
from fea_core import competence, participation
from fea_core.model import ACTIVITY_COMPETENCE
from fea_core.storage import open_store
from fea_core.workshops import create_workshop, set_activity
from tests.e2e.conftest import free_port, start_server

PHONES = 6
CONFIRMED_BEFORE_KILL = 3 * PHONES  # let the room get going before pulling the plug
THANKS = "Tak! Dine svar er gemt."
DONT_KNOW = "Ved ikke"
RATING_KEY_MARK = "-rate_"  # keyed widget ids end with "-<key>"; the rating keys are rate_<factor>

Answers = dict[str, "int | None"]


class CheckedPhone(Phone):
    """A Phone that also reads what each completed run showed: success boxes and chosen ratings."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._successes: list[str] = []
        self._chosen: dict[str, str | None] = {}
        self.successes: list[str] = []  # the success boxes of the last completed run
        self.chosen: Answers = {}  # the rating each control showed as chosen in the last completed run

    def _handle(self, data: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self._successes, self._chosen = [], {}
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which == "alert" and element.alert.format == Alert.SUCCESS:
                self._successes.append(element.alert.body)
            elif which == "button_group" and RATING_KEY_MARK in element.button_group.id:
                group = element.button_group
                picked = [group.options[i].content for i in group.default]
                self._chosen[group.id] = picked[0] if picked else None
        elif kind == "script_finished" and msg.script_finished != EARLY:
            self.successes = list(self._successes)
            self.chosen = {factor_of(i): value_of(v) for i, v in self._chosen.items()}
        super()._handle(data)  # last: it wakes the waiting coroutine on script_finished

    def sent(self) -> Answers:
        """Return the answers the last submit carried."""
        return {factor_of(i): value_of(v[0]) for i, v in self.values.items()}


def factor_of(widget_id: str) -> str:
    return widget_id.rsplit(RATING_KEY_MARK, 1)[1]


def value_of(label: str | None) -> int | None | str:
    if label is None:
        return "unset"
    return None if label == DONT_KNOW else int(label)


def prepare(url: str) -> tuple[str, list[str]]:
    """Create a workshop in the competence round with pre-joined phones; return (code, tokens)."""
    store = open_store(url)
    workshop = create_workshop(
        store, name="Crash test", department="Drift", held_on=date.today(), theme="Stress", language="da", owner="anne"
    )
    set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    tokens = [participation.join(store, workshop.code)[1].token for _ in range(PHONES)]
    store.engine.dispose()
    return workshop.code, tokens


def saved_answers(url: str, tokens: list[str]) -> dict[str, Answers]:
    """Return each phone's ratings as the database has them now."""
    store = open_store(url)
    try:
        return {token: competence.my_ratings(store, participation.resume(store, token)) for token in tokens}
    finally:
        store.engine.dispose()


async def submit_until_killed(base: str, code: str, tokens: list[str], process) -> tuple[dict, dict, int]:
    """Phones submit in a loop; SIGKILL the server mid-way. Return (confirmed, in flight, confirmations)."""
    phones = [CheckedPhone(base, f"code={code}&p={t}", timeout=20, rng=random.Random(n)) for n, t in enumerate(tokens)]
    for phone in phones:
        await phone.connect()
        loaded = await phone.load()
        assert not loaded.errors and phone.step() == STEP_RATE, loaded.errors
    confirmed: dict[str, Answers] = {}  # token -> the answers of its last confirmed submit
    in_flight: dict[str, Answers] = {}  # token -> answers sent before the kill, never confirmed
    count = 0
    killed = asyncio.Event()

    async def loop(token: str, phone: CheckedPhone, rng: random.Random) -> None:
        nonlocal count
        while True:
            before_kill = not killed.is_set()
            result = await phone.rate()
            if not result.errors and THANKS in phone.successes:
                confirmed[token] = phone.sent()
                count += 1
            else:
                assert any(e.startswith(("connection", "timeout")) for e in result.errors), (result.errors, phone.successes)
                if before_kill:  # it may have been saved just before the server died
                    in_flight[token] = phone.sent()
                return  # the server is gone
            await asyncio.sleep(rng.uniform(0.02, 0.15))

    async def killer() -> None:
        deadline = time.monotonic() + 30
        while count < CONFIRMED_BEFORE_KILL and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        # Kill while several submits are on their way, so some are cut off mid-write.
        settle = time.monotonic() + 10
        while sum(p._wait is not None for p in phones) < (2 if time.monotonic() < settle else 1):
            await asyncio.sleep(0)
        os.kill(process.pid, signal.SIGKILL)
        killed.set()

    await asyncio.gather(killer(), *(loop(t, p, random.Random(100 + n)) for n, (t, p) in enumerate(zip(tokens, phones))))
    await asyncio.gather(*(p.close() for p in phones))
    return confirmed, in_flight, count


async def come_back(base: str, code: str, tokens: list[str]) -> dict[str, tuple[Answers, Answers]]:
    """Each phone reloads its join URL on the new server: return (shown, newly confirmed) per token."""
    out = {}
    for n, token in enumerate(tokens):
        phone = CheckedPhone(base, f"code={code}&p={token}", timeout=30, rng=random.Random(1000 + n))
        await phone.connect()
        try:
            loaded = await phone.load()
            assert not loaded.errors, loaded.errors
            shown = dict(phone.chosen)
            result = await phone.rate()
            assert not result.errors and THANKS in phone.successes, (result.errors, phone.successes)
            out[token] = (shown, phone.sent())
        finally:
            await phone.close()
    return out


def test_every_confirmed_answer_survives_sigkill_and_the_phones_go_on_as_themselves(tmp_path):
    started = time.monotonic()
    url = f"sqlite:///{tmp_path / 'fea.sqlite3'}"  # the file start_server's FEA_DATA_DIR points at
    code, tokens = prepare(url)
    port = free_port()

    process, server = start_server(tmp_path, port)
    try:
        confirmed, in_flight, count = asyncio.run(submit_until_killed(server.base, code, tokens, process))
        assert process.wait(timeout=10) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)

    assert count >= CONFIRMED_BEFORE_KILL
    assert set(confirmed) == set(tokens), "every phone had an answer confirmed before the crash"
    # A submit on its way when the kill landed may have been answered a moment before it: then it
    # counts as confirmed, and in_flight can be empty. Either way nothing confirmed may be lost.

    # The database as the killed server left it (its WAL included): whole, and nothing confirmed lost.
    con = sqlite3.connect(tmp_path / "fea.sqlite3")
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    con.close()
    after_crash = saved_answers(url, tokens)
    for token in tokens:
        allowed = [confirmed[token]] + ([in_flight[token]] if token in in_flight else [])
        assert after_crash[token] in allowed, (token[:6], after_crash[token], allowed)

    # The same database, a new server on the same port: the phones come back as themselves.
    process, server = start_server(tmp_path, port)
    try:
        back = asyncio.run(come_back(server.base, code, tokens))
    finally:
        process.terminate()
        process.wait(timeout=20)

    for token in tokens:
        shown, _ = back[token]
        assert shown == after_crash[token], "the join page shows the phone's saved answers"
    final = saved_answers(url, tokens)
    assert {token: final[token] for token in tokens} == {token: back[token][1] for token in tokens}
    store = open_store(url)
    try:
        workshop_id = participation.resume(store, tokens[0]).workshop_id
        assert participation.count_participants(store, workshop_id) == PHONES, "nobody was counted twice"
    finally:
        store.engine.dispose()
    assert time.monotonic() - started < 60
