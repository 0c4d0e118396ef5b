"""Product categories per industry (data/categories.json): what alternatives and search compare.

A product names its category by slug, and so may a brand (its main line); the list of an industry is
data, not code. Slugs are unique within an industry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from ratings.datafiles import DATA_DIR

CATEGORIES_FILE = DATA_DIR / "categories.json"


@dataclass(frozen=True)
class Category:
    industry: str
    slug: str
    name: str
    words: tuple[str, ...]  # other words people search for ("jumper" for knitwear)


@lru_cache(maxsize=None)
def all_categories() -> dict[str, dict[str, Category]]:
    """industry slug -> category slug -> Category; a malformed file is refused naming the item."""
    document = json.loads(CATEGORIES_FILE.read_text(encoding="utf-8"))
    found: dict[str, dict[str, Category]] = {}
    for industry, items in document["industries"].items():
        found[industry] = {}
        for index, item in enumerate(items):
            where = f"{CATEGORIES_FILE.name}: industries.{industry}[{index}]"
            if not isinstance(item, dict) or not isinstance(item.get("slug"), str) or not isinstance(item.get("name"), str):
                raise ValueError(f"{where}: a category needs a slug and a name")
            if item["slug"] in found[industry]:
                raise ValueError(f"{where}: the slug {item['slug']!r} appears twice")
            found[industry][item["slug"]] = Category(industry, item["slug"], item["name"], tuple(item.get("words") or ()))
    return found


def of_industry(industry: str | None) -> dict[str, Category]:
    return all_categories().get(industry or "", {})


def get(industry: str | None, slug: str | None) -> Category | None:
    return of_industry(industry).get(slug) if slug else None


def category_problems(industry: str | None, slug) -> list[str]:
    """Why `slug` is not a product category of `industry` (empty when it is, or when there is none)."""
    if slug is None:
        return []
    if not isinstance(slug, str):
        return ["a category slug"]
    known = of_industry(industry)
    if not known:
        return [f"the industry {industry!r} has no product categories" if industry else "a category needs the brand's industry"]
    if slug not in known:
        return [f"one of the {industry} categories: {', '.join(known)}"]
    return []


def ref(category: Category | None) -> dict | None:
    return None if category is None else {"slug": category.slug, "name": category.name}
