"""Brand search: case-, accent- and punctuation-insensitive, prefix- and typo-tolerant (rapidfuzz).

The index is built once from the database and kept by the caller for as long as the catalog
version does not change; searching it touches no database.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from rapidfuzz import fuzz, process, utils
from slugify import slugify
from sqlmodel import Session, select

from ratings.models import Brand, Industry
from ratings.publishing import current_grades, grade_rank

MATCH_THRESHOLD = 75  # similarity of whole names below this is noise
WORD_THRESHOLD = 80  # one typo in a six-letter word still matches
UNRATED = 10_000  # sorts after every grade


@dataclass(frozen=True)
class BrandEntry:
    brand_id: int
    slug: str
    name: str
    industry: str | None
    rank: int  # grade rank: 0 is the best grade; UNRATED when there is no current rating


def normalise(text: str) -> str:
    """'Café  Lumière & Co.' -> 'cafe lumiere co': what users type and what brands print compare alike."""
    return utils.default_process(slugify(text, separator=" ", lowercase=True))


class BrandIndex:
    def __init__(self, entries: list[BrandEntry], names: list[list[str]]):
        self.entries = entries
        self._choices: list[str] = []
        self._owner: list[int] = []  # position in entries of each choice
        for position, entry_names in enumerate(names):
            for name in entry_names:
                self._choices.append(normalise(name))
                self._owner.append(position)
        # Word index: a query that names one word of a brand ("solvane" for "Café Solvane").
        choices_of: dict[str, list[int]] = {}
        for index, choice in enumerate(self._choices):
            for word in set(choice.split()):
                choices_of.setdefault(word, []).append(index)
        self._words = sorted(choices_of)
        self._choices_of = choices_of
        self._choices_by_length = _ByLength(self._choices)
        self._words_by_length = _ByLength(self._words)

    @classmethod
    def build(cls, session: Session) -> "BrandIndex":
        industries = {i.id: i.slug for i in session.exec(select(Industry))}
        ratings = current_grades(session)  # grades only: 2,000 full ratings took 200 MB per worker
        entries, names = [], []
        for brand in session.exec(select(Brand).order_by(Brand.name)):
            rating = ratings.get(brand.company_id)
            entries.append(
                BrandEntry(brand.id, brand.slug, brand.name, industries.get(brand.industry_id),
                           grade_rank(rating) if rating else UNRATED)
            )
            names.append([brand.name, *brand.aliases])
        return cls(entries, names)

    def search(self, query: str | None, *, industry: str | None = None, max_rank: int | None = None) -> list[BrandEntry]:
        """Matching brands, by relevance then grade; everything (by grade, then name) without a query."""
        def allowed(entry: BrandEntry) -> bool:
            return industry in (None, entry.industry) and (max_rank is None or entry.rank <= max_rank)

        text = normalise(query or "")
        if not text:
            return sorted((e for e in self.entries if allowed(e)), key=lambda e: (e.rank, e.name))
        best: dict[int, float] = {}
        for index, score in self._relevance(text).items():
            owner = self._owner[index]
            if score > best.get(owner, 0) and allowed(self.entries[owner]):
                best[owner] = score
        ranked = sorted(best, key=lambda owner: (-best[owner], self.entries[owner].rank, self.entries[owner].name))
        return [self.entries[owner] for owner in ranked]

    def _relevance(self, text: str) -> dict[int, float]:
        """Choice index -> 0..100: the whole name (typos allowed), what was typed so far, or its words."""
        scores = dict(self._choices_by_length.extract(text, MATCH_THRESHOLD))
        for index, score in self._word_matches(text).items():
            scores[index] = max(scores.get(index, 0.0), score)
        for word_index in self._words_starting(text.split()[0]):  # cheap prefix candidates, then exact check
            for index in self._choices_of[self._words[word_index]]:
                if self._choices[index].startswith(text):
                    scores[index] = 100.0
        return scores

    def _word_matches(self, text: str) -> dict[int, float]:
        """Every query word must match a word of the name (typo-tolerant, or as its prefix)."""
        per_choice: dict[int, list[float]] = {}
        query_words = text.split()
        for position, query_word in enumerate(query_words):
            matched: dict[str, float] = {
                self._words[index]: score for index, score in self._words_by_length.extract(query_word, WORD_THRESHOLD)
            }
            for word_index in self._words_starting(query_word):
                matched[self._words[word_index]] = 100.0
            for word, score in matched.items():
                for index in self._choices_of[word]:
                    slots = per_choice.setdefault(index, [0.0] * len(query_words))
                    slots[position] = max(slots[position], score)
        # Slightly below a whole-name match of the same quality: the name has words the user did not type.
        return {index: 0.95 * sum(s) / len(s) for index, s in per_choice.items() if min(s) > 0}

    def _words_starting(self, prefix: str) -> range:
        start = bisect_left(self._words, prefix)
        end = bisect_left(self._words, prefix + "\uffff")
        return range(start, end)


class _ByLength:
    """Strings sorted by length, so a similarity search compares only those whose length can reach the cutoff.

    fuzz.ratio is 100 * (1 - d / (la + lb)) with d the Indel distance, and d >= |la - lb|: a score of at least
    c needs |la - lb| <= k (la + lb), k = 1 - c / 100, so lb within [la (1-k)/(1+k), la (1+k)/(1-k)]. At the
    cutoffs here that skips most names, and most of the search's time (profiled on 50,000 brands)."""

    def __init__(self, strings: list[str]):
        self._order = sorted(range(len(strings)), key=lambda i: (len(strings[i]), i))
        self._strings = [strings[i] for i in self._order]
        self._lengths = [len(s) for s in self._strings]

    def extract(self, query: str, cutoff: float) -> list[tuple[int, float]]:
        """(position in the original list, score) of every string scoring at least `cutoff`, best first, then by
        position: what process.extract over the whole list answers."""
        k = 1 - cutoff / 100
        shortest = math.floor(len(query) * (1 - k) / (1 + k))
        longest = math.ceil(len(query) * (1 + k) / (1 - k))
        start, end = bisect_left(self._lengths, shortest), bisect_right(self._lengths, longest)
        found = process.extract(query, self._strings[start:end], scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
        return sorted(((self._order[start + at], score) for _, score, at in found), key=lambda hit: (-hit[1], hit[0]))


BRAND_MATCH_THRESHOLD = 90  # stricter than search: a wrong match would show the wrong grade


def match_brand(session: Session, names: tuple[str, ...]) -> Brand | None:
    """The known brand an upstream brand string names: exact after normalising, else a close fuzzy match."""
    keys: dict[str, Brand] = {}
    for brand in session.exec(select(Brand).order_by(Brand.id)):
        for name in (brand.name, *brand.aliases):
            keys.setdefault(normalise(name), brand)
    wanted = [normalise(name) for name in names if normalise(name)]
    for key in wanted:
        if key in keys:
            return keys[key]
    choices = list(keys)
    for key in wanted:
        best = process.extractOne(key, choices, scorer=fuzz.WRatio, score_cutoff=BRAND_MATCH_THRESHOLD)
        if best is not None:
            return keys[best[0]]
    return None
