"""Brand search: case-, accent- and punctuation-insensitive, prefix- and typo-tolerant (rapidfuzz), by name
or alias, and by what a brand makes (the words of its product names, its product categories).

The index is built once from the database and kept by the caller for as long as the catalog
version does not change; searching it touches no database.
"""

from __future__ import annotations

import math
import re
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

import numpy
from rapidfuzz import fuzz, process, utils
from slugify import slugify
from sqlmodel import Session, select

from ratings import categories, lookup_model
from ratings.models import Brand, Industry, Product
from ratings.publishing import current_grades, grade_rank

MATCH_THRESHOLD = 75  # similarity of whole names below this is noise
WORD_THRESHOLD = 80  # one typo in a six-letter word still matches
UNRATED = 10_000  # sorts after every grade
MIN_TERM = 3  # shorter words of product names (sizes, "M", "of") are not indexed
SIMILAR_WORDS_KEPT = 20_000  # query words whose similar words are kept: a few MB at most
MADE_WEIGHT = 0.8  # a brand found by what it makes ranks below one found by its name
STOP_WORDS = frozenset({"and", "with", "for", "the", "pack", "set", "one", "size", "count"})
_WORD = re.compile(r"[^\W\d_]{3,}")  # letters only: sizes and weights are not what people search for


def _category_terms(industry: str | None, slug: str | None) -> list[str]:
    category = categories.get(industry, slug)
    return [] if category is None else [category.name, *category.words]


@dataclass(frozen=True)
class BrandEntry:
    brand_id: int
    slug: str
    name: str
    industry: str | None
    rank: int  # grade rank: 0 is the best grade; UNRATED when there is no current rating
    # Its public summary (ratings.public.brand_summary) as JSON text, from the lookup read model: a page of hits
    # needs no query. None when the read model has no row for it shaped by this process's data files.
    summary: str | None = field(default=None, compare=False, repr=False)


def normalise(text: str) -> str:
    """'Café  Lumière & Co.' -> 'cafe lumiere co': what users type and what brands print compare alike."""
    return utils.default_process(slugify(text, separator=" ", lowercase=True))


class BrandIndex:
    """Candidates come from words, not from a scan of every name: each query word is compared once with the
    distinct words of names and of what brands make (rapidfuzz over a length window of that vocabulary), and
    only the names holding a word like one of the query's are scored as whole names. Profiled on 50,000 brands,
    scanning every name and both word lists was nearly all of a search's time."""

    def __init__(self, entries: list[BrandEntry], names: list[list[str]], terms: list[Iterable[str]] | None = None):
        """`terms`: per entry, what it makes (words of its product names, its categories' names and words)."""
        self.entries = entries
        self._choices: list[str] = []
        self._owner: list[int] = []  # position in entries of each choice
        for position, entry_names in enumerate(names):
            for name in entry_names:
                self._choices.append(normalise(name))
                self._owner.append(position)
        self._prefixes = _Prefixes(self._choices)
        self._choice_bounds = _Bounds(self._choices)  # whole names: most candidates are ruled out before scoring
        self._choice_array = numpy.array(self._choices, dtype=object)  # a subset of them taken at once
        # Name words: a query that names one word of a brand ("solvane" for "Café Solvane").
        choices_of: dict[str, list[int]] = {}
        for index, choice in enumerate(self._choices):
            for word in set(choice.split()):
                choices_of.setdefault(word, []).append(index)
        self._choices_of = {word: array("i", indexes) for word, indexes in choices_of.items()}
        self._named_by = {word: array("i", dict.fromkeys(self._owner[i] for i in indexes))
                          for word, indexes in choices_of.items()}
        # What brands make: distinct words of their product names and categories -> the brands (positions).
        brands_of: dict[str, list[int]] = {}
        normalised: dict[str, str] = {}
        for position, entry_terms in enumerate(terms or ()):
            words = set()
            for term in entry_terms:
                key = normalised.get(term)
                if key is None:
                    key = normalised[term] = normalise(term)
                words.update(w for w in key.split() if len(w) >= MIN_TERM and w not in STOP_WORDS)
            for word in words:
                brands_of.setdefault(word, []).append(position)
        self._brands_of = {word: array("i", positions) for word, positions in brands_of.items()}
        # One vocabulary for both: names and products share most words, and each query word is compared once.
        self._vocabulary = sorted(choices_of.keys() | brands_of.keys())
        self._vocabulary_by_length = _ByLength(self._vocabulary)
        self._sort_key = [(entry.rank, entry.name, position) for position, entry in enumerate(entries)]  # same names: by id
        self._by_grade: list[int] | None = None  # every entry by grade then name: made on the first empty query
        # Searches share their words (names, and what people type for them): each word's similar words are kept
        # per index, so per version (comparing one with the vocabulary costs about 0.1 ms on 50,000 brands).
        self._similar_words = lru_cache(maxsize=SIMILAR_WORDS_KEPT)(self._compare_with_vocabulary)

    @classmethod
    def build(cls, session: Session) -> "BrandIndex":
        industries = {i.id: i.slug for i in session.exec(select(Industry))}
        ratings = current_grades(session)  # grades only: 2,000 full ratings took 200 MB per worker
        summaries = lookup_model.summary_texts(session)
        entries, names, terms, position_of = [], [], [], {}
        for brand in session.exec(select(Brand).order_by(Brand.name)):
            rating = ratings.get(brand.company_id)
            position_of[brand.id] = len(entries)
            entries.append(
                BrandEntry(brand.id, brand.slug, brand.name, industries.get(brand.industry_id),
                           grade_rank(rating) if rating else UNRATED, summaries.get(brand.id))
            )
            names.append([brand.name, *brand.aliases])
            terms.append(set(_category_terms(industries.get(brand.industry_id), brand.category)))
        # What brands make: the distinct words of their product names, and their products' categories.
        industry_of = [entry.industry for entry in entries]
        rows = session.exec(select(Product.brand_id, Product.name, Product.category).execution_options(yield_per=20_000))
        for brand_id, name, category in rows:
            position = position_of.get(brand_id)
            if position is None:
                continue
            made = terms[position]
            made.update(_WORD.findall(name.lower()))
            if category:
                made.update(_category_terms(industry_of[position], category))
        return cls(entries, names, terms)

    def search(self, query: str | None, *, industry: str | None = None, max_rank: int | None = None) -> list[BrandEntry]:
        """Matching brands, by relevance then grade; everything (by grade, then name) without a query."""
        entries = self.entries

        def allowed(owner: int) -> bool:
            entry = entries[owner]
            return industry in (None, entry.industry) and (max_rank is None or entry.rank <= max_rank)

        filtered = industry is not None or max_rank is not None
        text = normalise(query or "")
        if not text:
            return [entries[owner] for owner in self._everything() if not filtered or allowed(owner)]
        query_words = text.split()
        similar = [self._similar_words(word) for word in query_words]
        best: dict[int, float] = {}
        owner_of = self._owner
        for index, score in self._relevance(text, query_words, similar).items():
            owner = owner_of[index]
            if score > best.get(owner, 0) and (not filtered or allowed(owner)):
                best[owner] = score
        for owner, score in self._made_matches(query_words, similar).items():
            if score > best.get(owner, 0) and (not filtered or allowed(owner)):
                best[owner] = score
        sort_key = self._sort_key
        ranked = sorted(best, key=lambda owner: (-best[owner], sort_key[owner]))
        return [entries[owner] for owner in ranked]

    def _everything(self) -> list[int]:
        if self._by_grade is None:
            self._by_grade = sorted(range(len(self.entries)), key=self._sort_key.__getitem__)
        return self._by_grade

    def _compare_with_vocabulary(self, query_word: str) -> "_Similar":
        """Words of the vocabulary like `query_word` (typos allowed), and those starting with it."""
        vocabulary = self._vocabulary
        alike = [(vocabulary[at], score) for at, score in self._vocabulary_by_length.extract(query_word, WORD_THRESHOLD)]
        alike.reverse()  # lowest score first: see _best_of
        start = bisect_left(vocabulary, query_word)
        return _Similar(alike, vocabulary[start:bisect_left(vocabulary, query_word + "\uffff", start)])

    def _relevance(self, text: str, query_words: list[str], similar: list["_Similar"]) -> dict[int, float]:
        """Choice index -> 0..100: the whole name (typos allowed), what was typed so far, or its words."""
        per_word = [_best_of(self._choices_of, [*words.alike, *((word, 100.0) for word in words.starting)])
                    for words in similar]
        scores = _all_words_matched(per_word, 0.95).as_dict()  # below a whole-name match: the name has words not typed
        candidates = [matched.keys for matched in per_word]
        for query_word in query_words:  # a name written in more words than typed ("tidewren" for "Tide Wren")
            for end in range(MIN_TERM, len(query_word)):
                starting = self._choices_of.get(query_word[:end])
                if starting is not None:
                    candidates.append(starting)
        kept = self._choice_bounds.may_reach(text, numpy.unique(numpy.concatenate(candidates)), MATCH_THRESHOLD)
        names = self._choice_array[kept].tolist()
        kept = kept.tolist()
        for _, score, at in process.extract(text, names, scorer=fuzz.ratio, score_cutoff=MATCH_THRESHOLD, limit=None):
            if score > scores.get(kept[at], 0.0):
                scores[kept[at]] = score
        for index in self._prefixes.starting(text):
            scores[index] = 100.0
        return scores

    def _made_matches(self, query_words: list[str], similar: list["_Similar"]) -> dict[int, float]:
        """Entry position -> 0..100 for brands that make what was typed ("jumper"): every query word must match
        a word of what it makes or of its name. Below name matches: a brand is found by its name first."""
        per_word = [
            _best_of(self._brands_of, [*words.alike, *((word, 100.0) for word in words.starting)]
                     if len(query_word) >= MIN_TERM else words.alike)
            for query_word, words in zip(query_words, similar)
        ]
        if not any(len(matched.keys) for matched in per_word):
            return {}  # nothing made matches: the common case of a brand name, kept cheap
        if len(query_words) > 1:  # a word of its name also counts ("fernhollow shirt")
            for slot, words in enumerate(similar):
                named = _best_of(self._named_by, [(word, 100.0) for word in words.starting])
                made = per_word[slot]  # scored after the name words: what it makes wins, as before
                per_word[slot] = _Scored.last_wins(numpy.concatenate([named.keys, made.keys]),
                                                   numpy.concatenate([named.scores, made.scores]))
        return _all_words_matched(per_word, MADE_WEIGHT).as_dict()


@dataclass(frozen=True)
class _Similar:
    alike: list[tuple[str, float]]  # (word, fuzz.ratio >= WORD_THRESHOLD), lowest score first
    starting: list[str]  # words the query word is a prefix of


@dataclass(frozen=True)
class _Scored:
    """Distinct keys, sorted, each with a score: what a dict of them would hold, in numpy (the postings of a
    common word hold thousands of names, and building dicts of them was most of a search's time)."""
    keys: numpy.ndarray
    scores: numpy.ndarray

    @classmethod
    def last_wins(cls, keys: numpy.ndarray, scores: numpy.ndarray) -> "_Scored":
        """Each of `keys` once, with the score of its last occurrence: dict.update's rule, pair by pair."""
        distinct, first = numpy.unique(keys[::-1], return_index=True)  # first in the reversed order: the last one
        return cls(distinct, scores[::-1][first])

    def as_dict(self) -> dict[int, float]:
        return dict(zip(self.keys.tolist(), self.scores.tolist()))


_NOTHING = _Scored(numpy.empty(0, dtype=numpy.int32), numpy.empty(0, dtype=numpy.float64))


def _best_of(postings: dict[str, array], words: list[tuple[str, float]]) -> _Scored:
    """Each key of the postings of `words` (lowest score first) with the best score of a word holding it."""
    held = [(postings[word], score) for word, score in words if word in postings]
    if not held:
        return _NOTHING
    keys = numpy.concatenate([found for found, _ in held])
    scores = numpy.repeat([score for _, score in held], [len(found) for found, _ in held])
    return _Scored.last_wins(keys, scores)  # later words score at least as high


def _all_words_matched(per_word: list[_Scored], weight: float) -> _Scored:
    """Keys matched by every query word, scored `weight` x the mean of their words' scores."""
    if not per_word or not all(len(matched.keys) for matched in per_word):
        return _NOTHING
    if len(per_word) == 1:
        return _Scored(per_word[0].keys, weight * per_word[0].scores)  # = weight * sum([score]) / 1
    common = per_word[0].keys
    for matched in per_word[1:]:
        common = numpy.intersect1d(common, matched.keys, assume_unique=True)
    total = numpy.zeros(len(common))
    for matched in per_word:  # in the order of the words, as sum() adds them
        total += matched.scores[numpy.searchsorted(matched.keys, common)]
    return _Scored(common, weight * total / len(per_word))


class _Prefixes:
    """Strings sorted, so those starting with what was typed are one bisect away."""

    def __init__(self, strings: list[str]):
        self._order = sorted(range(len(strings)), key=strings.__getitem__)
        self._sorted = [strings[i] for i in self._order]

    def starting(self, prefix: str) -> list[int]:
        """Positions in the original list of the strings starting with `prefix`."""
        start = bisect_left(self._sorted, prefix)
        return self._order[start:bisect_left(self._sorted, prefix + "\uffff", start)]


class _Bounds:
    """The length and the set of characters of each string, to rule out at once, in numpy, the strings that cannot
    reach a fuzz.ratio cutoff against a query, before any is scored (exact: only impossible ones are ruled out).

    fuzz.ratio is 100 * (1 - d / (la + lb)) with d the Indel distance (insertions and deletions), so a score of
    at least c needs d <= k (la + lb), k = 1 - c / 100. Two cheap lower bounds of d: |la - lb|, and the number of
    characters that occur in one string and not the other (one insertion or deletion each at least), a popcount
    of the XOR of two bit masks."""

    def __init__(self, strings: list[str]):
        self.lengths = numpy.array([len(s) for s in strings], dtype=numpy.float64)
        self.masks = numpy.array([_characters(s) for s in strings], dtype=numpy.uint64)

    def may_reach(self, query: str, positions: numpy.ndarray, cutoff: float) -> numpy.ndarray:
        """Those of `positions` whose strings can score at least `cutoff`."""
        lengths = self.lengths[positions]
        allowed = (1 - cutoff / 100) * (len(query) + lengths) + 1e-9  # never stricter than the score itself
        differing = numpy.bitwise_count(self.masks[positions] ^ numpy.uint64(_characters(query)))
        return positions[(differing <= allowed) & (numpy.abs(lengths - len(query)) <= allowed)]


class _ByLength:
    """Strings sorted by length, so that a similarity search compares only the few strings that can reach the
    cutoff (a length window, one bisect, then _Bounds over the window); the answer is exactly process.extract's
    over all of them. On 50,000 brands' vocabulary that leaves a few hundred of 20,000 words to score (profiled:
    scoring every word of the window was a millisecond per query word, most of a search)."""

    def __init__(self, strings: list[str]):
        self._order = sorted(range(len(strings)), key=lambda i: (len(strings[i]), i))
        self._strings = [strings[i] for i in self._order]
        self._lengths = [len(s) for s in self._strings]
        self._bounds = _Bounds(self._strings)

    def extract(self, query: str, cutoff: float) -> list[tuple[int, float]]:
        """(position in the original list, score) of every string scoring at least `cutoff`, best first, then by
        position: what process.extract over the whole list answers."""
        shortest, longest = _length_window(len(query), cutoff)
        start, end = bisect_left(self._lengths, shortest), bisect_right(self._lengths, longest)
        if start >= end:
            return []
        kept = self._bounds.may_reach(query, numpy.arange(start, end), cutoff)
        if not len(kept):
            return []
        candidates = {at: self._strings[at] for at in kept.tolist()}
        found = process.extract(query, candidates, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
        return sorted(((self._order[at], score) for _, score, at in found), key=lambda hit: (-hit[1], hit[0]))


def _characters(text: str) -> int:
    """A bit per character a string holds: a to z, 0 to 9, and one bit for any other character."""
    mask = 0
    for char in set(text):
        if "a" <= char <= "z":
            mask |= 1 << (ord(char) - 97)
        elif "0" <= char <= "9":
            mask |= 1 << (ord(char) - 22)  # bits 26 to 35
        else:
            mask |= 1 << 36
    return mask


def _length_window(length: int, cutoff: float) -> tuple[int, int]:
    """Lengths a string needs to reach `cutoff` against one of `length` (see _ByLength)."""
    k = 1 - cutoff / 100
    return math.floor(length * (1 - k) / (1 + k)), math.ceil(length * (1 + k) / (1 - k))


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
