"""Likely duplicates suggested in trin 1 and 3 (fea_core/similar_items.py), on Danish examples."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

import pytest

from fea_core import similar_items
from fea_core.similar_items import (
    THRESHOLD,
    DuplicateFinder,
    duplicate_groups,
    normalise,
    pairs_of,
    similarity,
)


@dataclass(frozen=True)
class Row:
    id: int
    number: int
    text: str
    hidden: bool = False
    merged_into: int | None = None


def rows(*texts: str) -> list[Row]:
    return [Row(id=100 + n, number=n, text=text) for n, text in enumerate(texts, start=1)]


def numbers(groups) -> list[list[int]]:
    return [[i.number for i in g] for g in groups]


DUPLICATES = [
    ("For mange afbrydelser", "Mange afbrydelser i løbet af dagen"),
    ("travlhed", "Travlhed om morgenen"),
    ("Dårlig kommunikation", "Dårlig kommunikation mellem afdelingerne"),
    ("Uklare forventninger", "Uklare forventninger fra ledelsen"),
    ("Mangel på anerkendelse", "Manglende anerkendelse"),
    ("Høj arbejdsmængde", "For høj arbejdsmængde"),
    ("IT-systemer virker ikke", "IT systemerne virker ikke!"),
    ("Sygefravær", "Højt sygefravær"),
    ("Too many interruptions", "Interruptions all day"),
]
NOT_DUPLICATES = [
    ("For lidt tid", "For lidt sparring"),
    ("Støj i kontoret", "Larm i kontoret"),
    ("Ingen pauser", "Ingen sparring"),
    ("Konflikter i teamet", "Konflikter med borgere"),
    ("For mange opgaver", "For mange møder"),
    ("Dårlig ledelse", "Dårligt indeklima"),
    ("Mødekultur", "For mange møder"),
]


@pytest.mark.parametrize(("a", "b"), DUPLICATES)
def test_danish_texts_that_say_the_same_score_above_the_threshold(a, b):
    assert similarity(a, b) >= THRESHOLD


@pytest.mark.parametrize(("a", "b"), NOT_DUPLICATES)
def test_danish_texts_that_share_only_little_words_or_a_frame_score_below_it(a, b):
    assert similarity(a, b) < THRESHOLD


def test_normalising_folds_case_punctuation_and_spacing_and_keeps_danish_letters():
    assert normalise("  ÆBLER, på   ØEN — Å!!  ") == "æbler på øen å"
    assert normalise("Travl-\nhed\t(om morgenen)") == "travl hed om morgenen"


def test_invisible_characters_do_not_hide_a_duplicate():
    hidden = "Tra\u200bvl\u00adhed\u2060 om mor\ufeffgenen"
    assert normalise(hidden) == "travlhed om morgenen"
    assert numbers(duplicate_groups(rows("Travlhed", hidden))) == [[1, 2]]


def test_three_similar_problems_are_one_group_and_a_different_one_is_left_alone():
    found = duplicate_groups(rows("For mange afbrydelser", "For lidt sparring", "Mange afbrydelser i løbet af dagen",
                                  "afbrydelser, afbrydelser!"))
    assert numbers(found) == [[1, 3, 4]]


def test_hidden_and_merged_items_are_never_suggested():
    items = [Row(1, 1, "Travlhed"), Row(2, 2, "Travlhed om morgenen", hidden=True),
             Row(3, 3, "travlhed hele dagen", merged_into=1), Row(4, 4, "Støj")]
    assert duplicate_groups(items) == []
    items.append(Row(5, 5, "Travlhed, travlhed"))
    assert numbers(duplicate_groups(items)) == [[1, 5]]


def test_a_dismissed_suggestion_is_not_made_again_but_a_new_similar_item_is():
    items = rows("Travlhed", "Travlhed om morgenen")
    dismissed = pairs_of([i.id for i in items])
    assert duplicate_groups(items, dismissed=dismissed) == []
    items += rows("", "", "Travlhed hele dagen")[2:]  # like nr. 1, not like nr. 2: suggested with nr. 1 only
    assert numbers(duplicate_groups(items, dismissed=dismissed)) == [[1, 3]]


@pytest.mark.parametrize("text", ["# Travlhed", "$Travlhed$", "**Travlhed**", "<b>Travlhed</b>", "Travlhed\u202e"])
def test_markup_around_a_duplicate_does_not_hide_it(text):
    assert numbers(duplicate_groups(rows("Travlhed om morgenen", text))) == [[1, 2]]


@pytest.mark.parametrize("text", [":red[Travlhed]", "![](http://x.example/travlhed)", "=HYPERLINK(\"travlhed\")",
                                  "'; DROP TABLE items; --", "\\(x^2\\)", "a" * 200])
def test_hostile_text_is_compared_as_plain_words_and_suggested_only_with_what_it_says(text):
    found = duplicate_groups(rows("Støj i kontoret", text, text.upper()))
    assert numbers(found) == [[2, 3]]  # itself in capitals, not the unrelated problem


def test_texts_of_only_symbols_or_little_words_are_not_all_alike():
    assert duplicate_groups(rows("🔥🔥🔥", "!!!", "…", "🙂")) == []
    assert numbers(duplicate_groups(rows("for lidt", "For lidt!", "Alt for meget"))) == [[1, 2]]


def test_a_flood_of_twenty_items_from_one_phone_is_grouped_without_error():
    texts = [f"Travlhed nummer {n}" for n in range(10)] + [f"Emne {chr(0x41 + n)}{n * 7919}" for n in range(10)]
    found = duplicate_groups(rows(*texts))
    assert numbers(found) == [list(range(1, 11))]


def test_a_long_list_compares_only_the_newest_items_and_answers():
    texts = [f"Punkt {n} " + "x" * 190 for n in range(1000)]
    found = duplicate_groups(rows(*texts))
    assert all(i.number > 600 for g in found for i in g)


def test_pairs_of_a_group_are_every_pair_once():
    assert pairs_of([3, 1, 2, 1]) == {frozenset((1, 3)), frozenset((2, 3)), frozenset((1, 2))}


# --- the finder the screen keeps per list: only new items are compared ----------------------------


def test_the_finder_compares_only_the_new_items_with_the_list(monkeypatch):
    shapes = []
    real = similar_items.process.cdist

    def counting(left, right, **kwargs):
        shapes.append((len(left), len(right)))
        return real(left, right, **kwargs)

    monkeypatch.setattr(similar_items.process, "cdist", counting)
    finder = DuplicateFinder()
    items = rows("Travlhed", "Støj i kontoret", "Uklare roller", "For mange møder")
    assert finder.groups(items) == []
    items = items + [Row(105, 5, "Travlhed om morgenen")]
    assert numbers(finder.groups(items)) == [[1, 5]]
    assert numbers(finder.groups(items)) == [[1, 5]]
    assert shapes == [(4, 4), (1, 5)]  # nothing new the third time: no comparison at all


def test_an_edited_or_unhidden_item_is_compared_again():
    finder = DuplicateFinder()
    items = rows("Travlhed", "Støj i kontoret", "Uklare roller")
    assert finder.groups(items) == []
    items[2] = replace(items[2], text="Travlhed hele dagen")  # the facilitator edits nr. 3
    assert numbers(finder.groups(items)) == [[1, 3]]
    items[0] = replace(items[0], hidden=True)
    assert finder.groups(items) == []
    items[1] = replace(items[1], text="travlhed!")  # edited while nr. 1 is hidden
    assert numbers(finder.groups(items)) == [[2, 3]]
    items[0] = replace(items[0], hidden=False)  # back on the list: compared with what is there now
    assert numbers(finder.groups(items)) == [[1, 2, 3]]


def test_the_finder_always_agrees_with_comparing_everything_anew():
    rng = random.Random(21)
    words = ["Travlhed", "travlhed om morgenen", "Støj", "støj i kontoret", "Uklare roller", "roller uklare",
             "For mange møder", "Møder", "Ingen pauser", "Pauser", "", "!!!"]
    finder = DuplicateFinder()
    items: list[Row] = []
    dismissed: set[frozenset] = set()
    for step in range(300):
        action = rng.random()
        if action < 0.45 or not items:
            items.append(Row(1000 + step, len(items) + 1, rng.choice(words)))
        elif action < 0.65:
            k = rng.randrange(len(items))
            items[k] = replace(items[k], hidden=not items[k].hidden)
        elif action < 0.8:
            k = rng.randrange(len(items))
            items[k] = replace(items[k], text=rng.choice(words))
        elif action < 0.9:
            k = rng.randrange(len(items))
            items[k] = replace(items[k], merged_into=None if items[k].merged_into else items[0].id)
        else:
            groups = duplicate_groups(items)
            if groups:
                dismissed |= pairs_of([i.id for i in rng.choice(groups)])
        assert finder.groups(items, dismissed=dismissed) == duplicate_groups(items, dismissed=dismissed), step
