"""Property: whatever room plays out, nothing shown or exported lets anyone solve for fewer than 3 answers.

Hypothesis plays random rooms against a real store: phones join as leader, employee or no
group, answer with numbers or "Ved ikke", answer late, change their answers; the shared
screen looks now and then (results visible), the round closes, the handleplan is exported.
Every figure the screen and the export showed is collected as a fact about a set of answers
(checked against the test's own ledger of what each phone sent), and the attacker's solver of
tests/test_disclosure.py tries every sum and difference of those sets, over the numbers and
over the people ("Ved ikke"), across every state seen.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fea_core import competence, participation, release
from fea_core.aggregate import ALL_GROUP, competence_summary
from fea_core.competence import rating_rows
from fea_core.model import ACTIVITY_COMPETENCE
from fea_core.report import build_report
from fea_core.storage import open_store
from fea_core.workshops import create_workshop, get_workshop, set_activity, set_activity_open, set_results_visible
from tests.test_disclosure import FACTORS, KEYS, ROLES, isolates_few

GROUPS = ("leder", "medarbejder", None)
VALUE = st.one_of(st.none(), st.integers(1, 5))
# Two factors vary; the other four are 3 or "Ved ikke", which still tests the people level.
ANSWER = st.tuples(VALUE, VALUE, st.sampled_from([3, None]))
EVENT = st.one_of(
    st.tuples(st.just("new"), st.sampled_from(GROUPS), ANSWER),
    st.tuples(st.just("change"), st.integers(0, 30), ANSWER),
    st.tuples(st.just("look")),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store(f"sqlite:///{tmp_path_factory.mktemp('disclosure')}/rooms.sqlite3")
    yield s
    s.engine.dispose()


def _answers(answer) -> dict[str, int | None]:
    a, b, rest = answer
    return {KEYS[0]: a, KEYS[1]: b, **{k: rest for k in KEYS[2:]}}


class Ledger:
    """What each phone really sent, per version: the ground truth the shown facts must match."""

    def __init__(self, store, workshop):
        self.store, self.workshop = store, workshop
        self.phones: list = []
        self.role: dict[int, str | None] = {}
        self.sent: dict[tuple[int, str], dict[str, int | None]] = {}
        self.facts: dict[str, list[tuple[set, set]]] = {k: [] for k in KEYS}

    def send(self, phone, answer) -> None:
        values = _answers(answer)
        competence.submit_ratings(self.store, phone, values)
        rows = rating_rows(self.store, self.workshop.id)
        version = rows.loc[rows["participant_id"] == phone.id, "version"].iloc[0]
        self.sent[(phone.id, version)] = values

    def observe(self, rows: pd.DataFrame, summary) -> None:
        """Record every shown figure as a fact about a set, after checking it against the ledger."""
        members: dict[str, set] = {}
        for r in rows.drop_duplicates(["participant_id", "version"]).itertuples():
            var = (int(r.participant_id), r.version)
            assert var in self.sent, "a released answer the phone never sent"
            members.setdefault(ALL_GROUP, set()).add(var)
            if r.role in ROLES:
                members.setdefault(r.role, set()).add(var)
        for c in summary.profile.itertuples():
            if pd.isna(c.n):  # withheld: no figure at all
                assert pd.isna(c.mean) and pd.isna(c.std) and pd.isna(c.dont_know)
                continue
            people = members.get(c.group_key, set())
            numbers = {v for v in people if self.sent[v][c.factor] is not None}
            values = [self.sent[v][c.factor] for v in numbers]
            assert int(c.n) == len(numbers) and int(c.dont_know) == len(people) - len(numbers)
            if values:
                assert math.isclose(c.mean, round(sum(values) / len(values), 1))
            self.facts[c.factor].append((people, numbers))

    def assert_nothing_solvable(self) -> None:
        for factor, facts in self.facts.items():
            universe = sorted({v for people, _ in facts for v in people})
            for level in (0, 1):  # the people (who said "Ved ikke"), then the numbers
                sets = [fact[level] for fact in facts]
                assert not isolates_few(sets, universe), (factor, "people" if level == 0 else "numbers", sets)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(events=st.lists(EVENT, min_size=1, max_size=16))
def test_no_sum_or_difference_of_anything_shown_or_exported_isolates_fewer_than_three_answers(store, events):
    ws = create_workshop(store, name="Rum", department="Afd", held_on=date(2026, 1, 1), theme="T",
                         language="da", owner="anne")
    set_activity(store, ws.id, ACTIVITY_COMPETENCE)
    set_results_visible(store, ws.id, True)
    ledger = Ledger(store, ws)

    def look():
        rel = release.released(store, get_workshop(store, ws.id), advance=True)
        summary = competence_summary(rel.rows, FACTORS, all_label="Alle", role_labels=ROLES, decisions=rel.decisions)
        ledger.observe(rel.rows, summary)

    for event in events:
        if event[0] == "new":
            _, phone = participation.join(store, ws.code)
            if event[1] is not None:
                phone = participation.set_role(store, phone, event[1])
            ledger.phones.append(phone)
            ledger.send(phone, event[2])
        elif event[0] == "change" and ledger.phones:
            ledger.send(ledger.phones[event[1] % len(ledger.phones)], event[2])
        else:
            look()
    set_activity_open(store, ws.id, False)
    look()
    report = build_report(store, ws.id, "da")  # the export, after everything the screen showed
    ledger.observe(release.released(store, get_workshop(store, ws.id), advance=True).rows, report.competence)
    ledger.assert_nothing_solvable()
