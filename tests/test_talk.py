"""The Vidensoplæg: the facilitator's dialogue questions, and the competence model's circle."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from fea_core import talk
from fea_core.charts import radar_spec
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


# Figur 1 of the seed, read as three rows of two: "Innovation Åbenhed / Teknikker og viden Motivation /
# Systematik Tid og ressourcer", left column first. Going clockwise round the circle from 12 o'clock:
FIGURE_1_CLOCKWISE = ["aabenhed", "motivation", "tid_og_ressourcer", "systematik", "teknikker_og_viden", "innovation"]
FIGURE_1_ROWS = [("innovation", "aabenhed"), ("teknikker_og_viden", "motivation"), ("systematik", "tid_og_ressourcer")]


def _clockwise_and_rows(points: dict[str, tuple[float, float]]) -> tuple[list[str], list[tuple[str, str]]]:
    """Read drawn points back as figur 1 is read: the clockwise order, and three rows of left-right pairs."""
    bearing = {k: math.degrees(math.atan2(x, y)) % 360 for k, (x, y) in points.items()}
    clockwise = sorted(points, key=bearing.get)
    by_height = sorted(points, key=lambda k: -points[k][1])
    rows = [tuple(sorted(by_height[i:i + 2], key=lambda k: points[k][0])) for i in range(0, 6, 2)]
    return clockwise, rows


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_circle_the_app_draws_places_the_factors_as_figure_1_does(language):
    m = load_method(language)
    circle = competence_circle(m.factors, low="Lav", high="Høj").to_dict()
    dots = next(layer for layer in circle["layer"] if layer.get("name") == "factor_dots")
    label_of = {f.label: f.key for f in m.factors}
    talk = {label_of[d["factor"]]: (d["x"], d["y"]) for d in circle["datasets"][dots["data"]["name"]]}
    profile = pd.DataFrame([{"group": "Alle", "factor": f.key, "label": f.label, "mean": 4.0, "std": 0.5, "n": 5,
                             "dont_know": 0} for f in m.factors])
    # The live radar, Før og nu and every document draw with radar_spec.
    radar = radar_spec(profile, m.factors)
    points = {r["factor"]: (r["x"], r["y"]) for layer in radar["layer"] if layer.get("name") == "points"
              for r in radar["datasets"][layer["data"]["name"]]}
    for drawn in (talk, points):
        assert _clockwise_and_rows(drawn) == (FIGURE_1_CLOCKWISE, FIGURE_1_ROWS)


def test_figure_1_in_the_seed_has_the_rows_the_app_draws():
    seed = (Path(__file__).resolve().parents[1] / "data" / "seed" / "veje-til-et-bedre-psykisk-arbejdsmiljoe.txt")
    text = seed.read_text(encoding="utf-8")
    figure = text[: text.index("FIGUR 1:")]
    lines = [" ".join(line.split()) for line in figure.splitlines() if line.strip()][-3:]
    da = {f.key: f.label for f in load_method("da").factors}
    assert [line.replace(" ", "") for line in lines] == [(da[a] + da[b]).replace(" ", "") for a, b in FIGURE_1_ROWS]
