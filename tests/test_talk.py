"""The Vidensoplæg: the facilitator's dialogue questions, and the competence model's circle."""

from __future__ import annotations

import json

import pytest

from fea_core import talk
from fea_core.errors import InvalidText
from fea_core.method import load_method
from fea_core.model import ACTIVITIES, ACTIVITY_COMPETENCE, ACTIVITY_TALK, ACTIVITY_WELCOME
from fea_core.model_figure import RINGS, competence_circle
from fea_core.workshops import get_workshop, set_activity

# Shared by every process of a deployment: run against both databases.
pytestmark = pytest.mark.databases("sqlite", "postgresql")


def test_the_talk_comes_after_the_welcome_and_leads_straight_into_the_competence_rating():
    assert ACTIVITIES[:3] == (ACTIVITY_WELCOME, ACTIVITY_TALK, ACTIVITY_COMPETENCE)


def test_a_workshop_has_no_dialogue_questions_until_the_facilitator_saves_some(fresh_store, workshop):
    assert talk.get_questions(fresh_store, workshop.id) is None
    assert talk.save_questions(fresh_store, workshop.id, []) == ()
    assert talk.get_questions(fresh_store, workshop.id) == ()


def test_questions_are_saved_in_order_cleaned_and_without_blank_rows(fresh_store, workshop):
    saved = talk.save_questions(fresh_store, workshop.id, ["  Hvor er vi stærke? ", "", None, "Hvad\u202e nu?"])
    assert saved == ("Hvor er vi stærke?", "Hvad nu?")
    talk.save_questions(fresh_store, workshop.id, ["Kun ét"])
    assert talk.get_questions(fresh_store, workshop.id) == ("Kun ét",)


def test_too_many_or_too_long_questions_save_nothing(fresh_store, workshop):
    talk.save_questions(fresh_store, workshop.id, ["Før"])
    with pytest.raises(talk.TooManyQuestions):
        talk.save_questions(fresh_store, workshop.id, [f"Spørgsmål {i}" for i in range(talk.QUESTIONS_MAX + 1)])
    with pytest.raises(InvalidText):
        talk.save_questions(fresh_store, workshop.id, ["x" * (talk.QUESTION_MAX + 1)])
    assert talk.get_questions(fresh_store, workshop.id) == ("Før",)


def test_the_facilitator_can_set_the_talk_as_the_activity(fresh_store, workshop):
    set_activity(fresh_store, workshop.id, ACTIVITY_TALK)
    assert get_workshop(fresh_store, workshop.id).activity == ACTIVITY_TALK


def _texts(spec: dict) -> list[str]:
    found = []
    for layer in spec["layer"]:
        values = spec["datasets"][layer["data"]["name"]]
        if layer["mark"]["type"] == "text":
            found += [v["text"] for v in values]
    return found


def test_the_circle_names_the_six_factors_and_low_at_the_centre_high_at_the_rim():
    m = load_method("da")
    spec = competence_circle(m.factors, low="Lav", high="Høj").to_dict()

    texts = [t.replace("\n", " ") for t in _texts(spec)]
    assert sorted(texts) == sorted([f.label for f in m.factors] + ["Lav", "Høj"])
    ends = next(layer for layer in spec["layer"] if layer.get("name") == "low_high")
    low = next(v for v in spec["datasets"][ends["data"]["name"]] if v["text"] == "Lav")
    assert (low["x"], low["y"]) == (0.0, 0.0)
    discs = [layer for layer in spec["layer"] if layer.get("name", "").startswith("disc_")]
    assert len(discs) == RINGS
    assert "Innovation" in json.dumps(spec) and "NFA" not in json.dumps(spec)


def test_the_first_factor_sits_at_the_top_as_on_the_competence_radar():
    m = load_method("en")
    spec = competence_circle(m.factors, low="Low", high="High").to_dict()
    dots = next(layer for layer in spec["layer"] if layer.get("name") == "factor_dots")
    first = spec["datasets"][dots["data"]["name"]][0]
    assert first["factor"] == "Innovation" and abs(first["x"]) < 1e-9 and first["y"] == RINGS
