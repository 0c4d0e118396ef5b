"""Brand search: case-, accent- and punctuation-insensitive, prefix- and typo-tolerant (rapidfuzz).

The index is built once from the database and kept by the caller for as long as the catalog
generation does not change; searching it touches no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils
from slugify import slugify
from sqlmodel import Session, select

from ratings.models import Brand, Company, Industry
from ratings.publishing import current_ratings, grade_rank

MATCH_THRESHOLD = 75  # WRatio below this is noise for short brand names
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

    @classmethod
    def build(cls, session: Session) -> "BrandIndex":
        industries = {i.id: i.slug for i in session.exec(select(Industry))}
        ratings = current_ratings(session)
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
        allowed = [
            industry in (None, entry.industry) and (max_rank is None or entry.rank <= max_rank) for entry in self.entries
        ]
        text = normalise(query or "")
        if not text:
            hits = [e for e, ok in zip(self.entries, allowed) if ok]
            return sorted(hits, key=lambda e: (e.rank, e.name))
        relevance = {
            index: score
            for _, score, index in process.extract(
                text, self._choices, scorer=fuzz.WRatio, score_cutoff=MATCH_THRESHOLD, limit=None
            )
        }
        for index, choice in enumerate(self._choices):
            if choice.startswith(text):  # what the user has typed so far: as good as an exact match
                relevance[index] = 100.0
        best: dict[int, float] = {}
        for index, score in relevance.items():
            owner = self._owner[index]
            if allowed[owner] and score > best.get(owner, 0):
                best[owner] = score
        ranked = sorted(best, key=lambda owner: (-best[owner], self.entries[owner].rank, self.entries[owner].name))
        return [self.entries[owner] for owner in ranked]


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
