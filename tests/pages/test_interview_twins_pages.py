"""Identical key points from different interviews: one card with a count, sent once for all (issue 16, point 7)."""

from __future__ import annotations

import pytest

from fea_core import interview_summary, items
from fea_core import interviews as iv
from fea_core.model import ITEM_PROBLEM
from tests.interview_fixtures import make_link


def open_interviews(app, view, user, code, lang="da"):
    at = app(user=user, query={"w": code})
    at.session_state["lang"] = lang
    at = view.ok(at.run())
    return view.ok(at.switch_page("pages/interviews.py").run())


@pytest.fixture
def twins(store, make_workshop):
    """Two interviews wrote the same point (spelled with other case and spacing), a third another one."""
    workshop = make_workshop()
    link = make_link(store, workshop.id)
    for text in ("Travlhed om morgenen", "travlhed  OM morgenen\u200b", "Uklare roller"):
        interview = iv.start_interview(store, link, group_size=1)
        iv.save_point(store, link, interview.number, iv.POINT_POSITIONS[0], text, "samarbejde")
    return workshop


def send_radios(at) -> list:
    return [r for r in at.radio if r.key and r.key.startswith("send_")]


@pytest.mark.parametrize(("lang", "count"), [("da", "2 interviews"), ("en", "2 interviews")])
def test_two_identical_points_show_as_one_card_with_a_count(app, view, facilitator, twins, lang, count):
    at = open_interviews(app, view, facilitator, twins.code, lang)
    assert len(send_radios(at)) == 2  # the twins and the other point
    assert [c.value for c in at.caption].count(count) == 1
    shown = [m.value for m in at.markdown if "morgenen" in m.value.casefold()]
    assert len(shown) == 1


def test_sending_the_card_sends_both_points_and_offers_neither_again(app, view, store, facilitator, twins):
    at = open_interviews(app, view, facilitator, twins.code)
    radio = next(r for r in send_radios(at) if r.key in {f"send_{p.ref}" for p in
                 interview_summary.summarise(store, twins.id).points if "morgenen" in p.text})
    radio.set_value(ITEM_PROBLEM)
    at = view.ok(at.button(key="send_points").click().run())
    assert [i.text for i in items.list_items(store, twins.id, ITEM_PROBLEM)] in (
        ["Travlhed om morgenen"], ["travlhed OM morgenen"])
    points = [p for p in interview_summary.summarise(store, twins.id).points if "morgenen" in p.text]
    assert len(points) == 2 and all(p.is_sent and p.item_number == 1 for p in points)
    assert "Sendt til Trin 1: 1 nye punkter; 0 stod der allerede." in view.text(at)
    assert "I Trin 1 som problem nr. 1" in view.text(at)
    assert len(send_radios(at)) == 1  # only "Uklare roller" is still offered
