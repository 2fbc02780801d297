"""Crash safety: the server is killed with SIGKILL while phones submit, and nothing confirmed is lost.

Simulated phones (bench/ws_client.py: real Streamlit sessions over the websocket protocol, and
the answer form's POST to /api/answer/<token>/ratings, as the browser sends it) rate in a loop
through the real app. Every submission the app confirmed (HTTP 200, ``ok``: the form then shows
"Tak! Dine svar er gemt.") is recorded. The server process is killed with SIGKILL while
submissions are in flight, started again on the same database, and then:
- every phone's last confirmed answers are in the database (or the newer answers it had in
  flight when the server died: a commit can land just before the confirmation is sent);
- each phone, reloading the join page with its token (``?code=..&p=TOKEN``), is the same
  participant: its rating form is drawn with its saved answers, and it can go on answering.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import time
from datetime import date

from bench.ws_client import STEP_RATE, Phone, RunResult
from fea_core import competence, participation
from fea_core.model import ACTIVITY_COMPETENCE
from fea_core.storage import open_store
from fea_core.workshops import create_workshop, set_activity
from tests.e2e.conftest import free_port, start_server

PHONES = 6
CONFIRMED_BEFORE_KILL = 3 * PHONES  # let the room get going before pulling the plug
RATING_FORM = STEP_RATE  # bench/ws_client.py: the phone state's rating form

Answers = dict[str, "int | None"]


class CheckedPhone(Phone):
    """A Phone that remembers the answers it last sent, whether a send is on its way, and what its form shows."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.last_sent: Answers = {}
        self.sending = False  # a POST is out and its reply not read yet

    def shown(self) -> Answers:
        """Return the saved answers the page's rating form was drawn with (its chosen options)."""
        return dict(self.forms[RATING_FORM]["saved"])

    async def rate(self) -> RunResult:
        """Pick a value (or "Ved ikke") for each factor and POST them, as the form does."""
        data = self.forms[RATING_FORM]
        choices = [*data["scale"], None]
        self.last_sent = {f["key"]: self.rng.choice(choices) for f in data["factors"]}
        self.sending = True
        try:
            return await self.answer(RATING_FORM, {"ratings": self.last_sent})
        finally:
            self.sending = False


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
            if result.saved:
                confirmed[token] = phone.last_sent
                count += 1
            else:
                assert any(e.startswith(("connection", "timeout")) for e in result.errors), result.errors
                if before_kill:  # it may have been saved just before the server died
                    in_flight[token] = phone.last_sent
                return  # the server is gone
            await asyncio.sleep(rng.uniform(0.02, 0.15))

    async def killer() -> None:
        deadline = time.monotonic() + 30
        while count < CONFIRMED_BEFORE_KILL and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        # Kill while several submits are on their way, so some are cut off mid-write.
        settle = time.monotonic() + 10
        while sum(p.sending for p in phones) < (2 if time.monotonic() < settle else 1):
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
            assert phone.step() == STEP_RATE, "the page shows the rating form"
            shown = phone.shown()
            result = await phone.rate()
            assert result.saved and not result.errors, result.errors
            out[token] = (shown, phone.last_sent)
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
