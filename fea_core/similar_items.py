"""Likely duplicates in a room's list (trin 1 and 3), suggested to the facilitator, who decides.

Said aloud, "For mange afbrydelser" and "Mange afbrydelser i løbet af dagen" are one problem;
typed on nine phones they are two cards. Exact repeats are already refused when sent
(``fea_core.text_cleaning.same_text_key``); this finds the near ones.

How: each text is normalised (invisible characters dropped, case folded with æ, ø and å kept,
punctuation and spacing folded to single spaces), the little words that carry no topic are left
out ("for", "lidt", "mange", "i", "af", ...), and rapidfuzz's ``token_set_ratio`` compares what
is left: one text whose words are all in the other scores 100 ("travlhed" / "travlhed om
morgenen"), two texts that share only their little words score low ("for lidt tid" / "for lidt
sparring": 18). THRESHOLD was chosen on the Danish examples in tests/test_similar_items.py:
duplicates there score 87 or more, the non-duplicates 77 at most.

Only listed items (not hidden, not merged) are ever suggested; pairs the facilitator dismissed are
not suggested again. Pure: no database, no Streamlit.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Sequence

from rapidfuzz import fuzz, process

from fea_core.text_cleaning import same_text_key

THRESHOLD = 85  # token_set_ratio on the words that carry the topic, 0-100
# Beyond this many listed items only the newest are compared: a flood is not a conversation.
MAX_COMPARED = 400

# Words that say how much or how, not what: two texts sharing only these are not the same point.
# Negations ("ikke", "ingen", "not", "no") carry meaning and stay. Danish first, then English.
STOP_WORDS = frozenset(
    """
    af al alle alt at blev bliver blive da de dem den der det du efter eller en er et for fra få
    før gør har have hele her hos hvad hvor i igen jeg kan lidt man mange med meget men mere
    mest mig min mit mod nok når og også om op os over på sig sin sit skal slet som så til ud
    under var ved vi vil være vores
    a about all an and are as at be been by do for from get got has have in into is it its lot
    lots many more most much of on or our so some that the their there this to too very was
    we were with
    """.split()
)


def normalise(text: str) -> str:
    """Return text as compared: invisible characters out, case folded (æøå kept), punctuation and spacing folded."""
    folded = same_text_key(unicodedata.normalize("NFKC", text))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


def topic_words(text: str) -> str:
    """Return the normalised text without its little words (all of them, if that is all it has)."""
    words = normalise(text).split()
    kept = [w for w in words if w not in STOP_WORDS]
    return " ".join(kept or words)


def similarity(a: str, b: str) -> float:
    """Return how alike two texts are, 0-100, on the words that carry their topic."""
    left, right = topic_words(a), topic_words(b)
    if not left or not right:
        return 0.0
    return float(fuzz.token_set_ratio(left, right))


def _listed(items: Iterable) -> list:
    listed = [i for i in items if not getattr(i, "hidden", False) and getattr(i, "merged_into", None) is None]
    listed.sort(key=lambda i: i.number)
    return listed[-MAX_COMPARED:]


def duplicate_groups(
    items: Iterable, *, dismissed: Collection[frozenset] = (), threshold: float = THRESHOLD
) -> list[tuple]:
    """Return groups of listed items that likely say the same, each by number, the groups by their first number.

    :param items: rows with id, number, text, hidden and merged_into (fea_core.model.Item).
    :param dismissed: pairs of item ids (frozensets) the facilitator said are not the same.
    """
    listed = _listed(items)
    words = [topic_words(i.text) for i in listed]
    if len(listed) < 2:
        return []
    # One C call for every pair (rapidfuzz): 400 items are 160,000 comparisons.
    scores = process.cdist(words, words, scorer=fuzz.token_set_ratio, score_cutoff=threshold, workers=1)
    parent = list(range(len(listed)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a in range(len(listed)):
        for b in scores[a, a + 1:].nonzero()[0]:
            b = int(b) + a + 1
            if not words[a] or not words[b]:
                continue
            if frozenset((listed[a].id, listed[b].id)) in dismissed:
                continue
            parent[root(b)] = root(a)
    groups: dict[int, list] = {}
    for k, item in enumerate(listed):
        groups.setdefault(root(k), []).append(item)
    found = [tuple(g) for g in groups.values() if len(g) > 1]
    return sorted(found, key=lambda g: g[0].number)


def pairs_of(item_ids: Sequence[int]) -> set[frozenset]:
    """Return every pair within a group: what dismissing the group's suggestion remembers."""
    ids = list(dict.fromkeys(item_ids))
    return {frozenset((a, b)) for k, a in enumerate(ids) for b in ids[k + 1:]}
