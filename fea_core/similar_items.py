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

import threading
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
    return DuplicateFinder(threshold).groups(items, dismissed=dismissed)


class DuplicateFinder:
    """``duplicate_groups`` for one list that grows: each call compares only the items that are new
    since the last call (or back on the list, or edited) with the others, and keeps the matches.

    The screen's full run follows every new item in trin 1; comparing all 400 newest items anew
    took 118 ms a run. Safe to share between threads (one lock).
    """

    def __init__(self, threshold: float = THRESHOLD):
        self._threshold = threshold
        self._lock = threading.Lock()
        self._words: dict[tuple[int, str], str] = {}  # (id, text) -> its topic words
        self._compared: set[tuple[int, str]] = set()  # the list of the last call: each pair of it compared
        self._matches: set[tuple] = set()  # pairs of (id, text), the smaller first, that score THRESHOLD or more
        self._last: tuple | None = None  # (what was asked, the groups found) of the last call

    def groups(self, items: Iterable, *, dismissed: Collection[frozenset] = ()) -> list[tuple]:
        """Return what ``duplicate_groups`` returns for these items."""
        listed = _listed(items)
        keys = [(i.id, i.text) for i in listed]
        asked = (tuple(keys), frozenset(dismissed))
        with self._lock:
            if self._last is not None and self._last[0] == asked:
                return list(self._last[1])  # the same list, asked again (another screen, a rerun)
            pairs = self._matching_pairs(keys)
        parent = list(range(len(listed)))

        def root(k: int) -> int:
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        index = {key: k for k, key in enumerate(keys)}
        for first, second in pairs:  # connected components: the order of the pairs does not matter
            if dismissed and frozenset((first[0], second[0])) in dismissed:
                continue
            a, b = root(index[first]), root(index[second])
            if a != b:
                parent[max(a, b)] = min(a, b)
        groups: dict[int, list] = {}
        for k, item in enumerate(listed):
            groups.setdefault(root(k), []).append(item)
        found = sorted((tuple(g) for g in groups.values() if len(g) > 1), key=lambda g: g[0].number)
        with self._lock:
            self._last = (asked, found)
        return list(found)

    def _matching_pairs(self, keys: list[tuple[int, str]]) -> list[tuple]:
        current = set(keys)
        new = [key for key in keys if key not in self._compared]
        for key in new:
            if key not in self._words:
                self._words[key] = topic_words(key[1])
        if new and len(keys) > 1:
            # One C call (rapidfuzz) for the new items against the whole list: pairs of two items
            # that were both on the last call's list were compared then.
            scores = process.cdist([self._words[k] for k in new], [self._words[k] for k in keys],
                                   scorer=fuzz.token_set_ratio, score_cutoff=self._threshold, workers=1)
            for a, key in enumerate(new):
                for b in scores[a].nonzero()[0]:
                    other = keys[int(b)]
                    if other != key and self._words[key] and self._words[other]:
                        self._matches.add((key, other) if key < other else (other, key))
        if self._compared - current:  # only what is listed now is kept: an item back later is compared anew
            self._words = {k: w for k, w in self._words.items() if k in current}
            self._matches = {m for m in self._matches if m[0] in current and m[1] in current}
        self._compared = current
        return list(self._matches)


def pairs_of(item_ids: Sequence[int]) -> set[frozenset]:
    """Return every pair within a group: what dismissing the group's suggestion remembers."""
    ids = list(dict.fromkeys(item_ids))
    return {frozenset((a, b)) for k, a in enumerate(ids) for b in ids[k + 1:]}
