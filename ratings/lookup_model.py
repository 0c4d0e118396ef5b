"""The barcode lookup's read model: a known product's answer from one indexed query plus pieces composed per request.

Why this shape:
- **One row per brand** (`LookupBrand`), not per GTIN: a lookup answer about a product is its brand's answer plus
  the product's own columns (name, source, category), so the query is `product JOIN lookupbrand` on the GTIN's
  unique index. Per GTIN would mean rewriting a brand's hundreds of products whenever its company is rated.
- **Pieces already shaped by the public helpers** (ratings/public.py: `brand_summary`, `company_ref`, the rating
  summary of `offline_summary`): the read model holds their output, so the answer cannot drift from the general
  path. Only what depends on the day (`stale`) and on the product (its category, the alternatives' closeness) is
  composed per request.
- **Kept current in the writing transaction**: every flush notes which brands and companies it touched (the
  same writes the catalog change log records, ratings/changes.py), bulk writers note theirs (`touch`), and just
  before the commit their rows are rebuilt from the tables as the transaction sees them. Rebuilding is always
  right (it is derived data), so noting too much is harmless; a rollback forgets the notes.
- **Alternatives are not stored per brand**: a publication that moves a company in its industry's ranking would
  rewrite every brand of the industry. Each process instead holds, per industry and catalog version, the
  industry's rated brands grouped by grade (one indexed query of this table), and the general path's ranking rule
  (`ratings.lookup.choose`) picks a scanned brand's alternatives from it per request.

- **Shaped by data files too**: category and stage names, explanations and `stale_after` come from data/
  (methodologies, explanation templates, categories.json). Each row carries a digest of those files (`shaped_by`);
  a process whose files differ (a deploy that changed them) answers from the general path until the rows are
  rebuilt (`ratings db rebuild-lookups`), so the answer never depends on which path served it.

What it does not answer (the general path does): GS1-prefix matches, upstream lookups, unknown codes, and products
of fuzzy upstream matches (shown without a grade).
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections import namedtuple
from functools import lru_cache
from typing import Any, Iterable

from sqlalchemy import Text, bindparam, cast, delete, event, insert, inspect, literal_column, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from ratings import categories
from ratings.datafiles import DATA_DIR
from ratings import lookup as general  # as a module: ratings.db imports this one while ratings.lookup may be loading
from ratings.models import Brand, CatalogChange, Company, Industry, LookupBrand, Product, PublishedRating, RatingWithdrawal
from ratings.publishing import current_grades, grade_rank

_TOUCHED = "lookup_model.touched"  # session.info key: {"brands": set, "companies": set, "industries": set}
CHUNK = 500  # brands rebuilt per round of queries
_ROW = LookupBrand.__table__.c


# --- reading -------------------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def shaped_by() -> str:
    """A digest of the data files the stored pieces are shaped from, as this process loaded them."""
    digest = hashlib.blake2b(digest_size=16)
    paths = [*DATA_DIR.glob("methodologies/**/*.json"), *DATA_DIR.glob("explanations/*.json"), DATA_DIR / "categories.json"]
    for path in sorted(paths):
        digest.update(path.relative_to(DATA_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _product_query():
    # LIMIT written as a literal, not bound: PostgreSQL plans a prepared statement with a bound LIMIT afresh on every
    # run (its generic plan looks costlier), which took about 0.12 ms of the database's CPU per lookup (BENCHMARKS.md)
    newest = select(CatalogChange.id, CatalogChange.at).order_by(CatalogChange.id.desc()).limit(literal_column("1")).subquery()
    return (select(Product.gtin, Product.name.label("product_name"), Product.source,
                   Product.category.label("product_category"), *_ROW,
                   select(newest.c.id).scalar_subquery().label("version_id"),
                   select(newest.c.at).scalar_subquery().label("version_at"))
            .join(LookupBrand, LookupBrand.brand_id == Product.brand_id).where(Product.gtin == bindparam("gtin")))


_PRODUCT = _product_query()  # built once: SQLAlchemy's compiled cache then skips compiling it per lookup
ProductRow = namedtuple("ProductRow", [column.name for column in _PRODUCT.selected_columns])


class _DriverStatement:
    """_PRODUCT compiled once for a reader's dialect, run on the driver's cursor: a lookup is the hot path, and
    SQLAlchemy's Connection and Result cost about as much client time as the query itself (a round trip on
    PostgreSQL; on SQLite, more than the query). Values are converted as SQLAlchemy's Result converts them
    (SQLite's JSON text and datetimes), by the columns' own result processors."""

    def __init__(self, reader: Engine):
        compiled = _PRODUCT.compile(dialect=reader.dialect)
        self.sql, self.params = str(compiled), compiled.construct_params({"gtin": None})
        self.order = compiled.positiontup if compiled.positional else None  # SQLite's "?" parameters, in order
        self.processors: list[tuple[int, Any]] | None = None  # from the first run's cursor description

    def first(self, reader: Engine, gtin: str) -> ProductRow | None:
        dbapi_error = reader.dialect.loaded_dbapi.Error
        params = {**self.params, "gtin": gtin}
        if self.order is not None:
            params = tuple(params[name] for name in self.order)
        try:
            connection = reader.raw_connection()  # from the pool, back to it on close()
        except dbapi_error as error:  # the database is down: raised as SQLAlchemy would (api/errors.py: a 503)
            raise DBAPIError.instance(None, None, error, dbapi_error) from error
        cursor = None
        try:
            cursor = connection.cursor()
            cursor.execute(self.sql, params)
            values = cursor.fetchone()
            if self.processors is None:  # two threads may both build them: either result is right
                self.processors = self._processors(reader, cursor.description)
        except dbapi_error as error:
            if reader.dialect.is_disconnect(error, connection.dbapi_connection, cursor):
                connection.invalidate(error)  # as SQLAlchemy does with a connection found dead: it leaves the pool
                return None
            raise DBAPIError.instance(self.sql, None, error, dbapi_error) from error
        finally:
            if cursor is not None:
                cursor.close()
            connection.close()
        if values is None:
            return None
        values = list(values)
        for index, process in self.processors:
            values[index] = process(values[index])
        return ProductRow(*values)

    @staticmethod
    def _processors(reader: Engine, description) -> list[tuple[int, Any]]:
        dialect = reader.dialect
        found = [(index, column.type.dialect_impl(dialect).result_processor(dialect, described[1]))
                 for index, (column, described) in enumerate(zip(_PRODUCT.selected_columns, description))]
        return [(index, process) for index, process in found if process is not None]


_DRIVER_STATEMENTS: weakref.WeakKeyDictionary[Engine, _DriverStatement] = weakref.WeakKeyDictionary()


def product_row(session: Session | None, gtin: str, *, reader: Engine | None = None):
    """The product's own columns, its brand's read-model row and the catalog version (what the industry's ranked
    list is held under: `ratings.lookup.catalog_version_key`), in one query; None for an unknown GTIN or a row
    shaped by other data files. Core, not ORM: nothing here becomes an object of the session. With `reader`
    (ratings.db.make_reader) the query runs there, one round trip, and the session's connection is not opened;
    a reader connection found dead also gives None (the general path answers, on the session)."""
    if reader is None:
        row = session.connection().execute(_PRODUCT, {"gtin": gtin}).first()
    else:
        statement = _DRIVER_STATEMENTS.get(reader)
        if statement is None:
            statement = _DRIVER_STATEMENTS[reader] = _DriverStatement(reader)
        row = statement.first(reader, gtin)
    return row if row is not None and row.shaped_by == shaped_by() else None


def summary_texts(session: Session) -> dict[int, str]:
    """Every brand's public summary (`brand_summary`) as JSON text, by brand id, for the rows shaped by this
    process's data files: what the search index holds, so that a page of hits needs no query."""
    rows = session.connection().execute(select(_ROW.brand_id, cast(_ROW.summary, Text).label("summary"), _ROW.shaped_by))
    return {r.brand_id: r.summary for r in rows if r.shaped_by == shaped_by()}


class _Ranked:
    """A rated brand of an industry, as `ratings.lookup.choose` ranks candidates, with its public summary (kept as
    text until chosen: an industry holds thousands of brands, a lookup shows three)."""

    __slots__ = ("rank", "score", "name", "brand_id", "group", "grade", "categories", "_summary")

    def __init__(self, rank, score, name, brand_id, group, grade, categories, summary_text):
        self.rank, self.score, self.name, self.brand_id, self.group = rank, score, name, brand_id, group
        self.grade, self.categories, self._summary = grade, categories, summary_text

    @property
    def summary(self) -> dict:
        if isinstance(self._summary, str):
            self._summary = json.loads(self._summary)  # two threads may both decode it: either result is right
        return self._summary


# Per process: industry id -> (catalog version key, its rated brands grouped by rank, best first).
_INDUSTRIES: dict[int, tuple[tuple, Any]] = {}


def alternatives(session: Session | None, row, *, category: str | None,
                 reader: Engine | None = None) -> list[tuple[dict, str, Any]] | None:
    """The scanned brand's alternatives as (brand summary, reason, shared category): what the general path's
    `ratings.lookup.alternatives` chooses, from the industry's ranked list instead of the tables. None when some
    row of the industry was shaped by other data files (the general path must answer). A list not yet held at
    this version is read on `reader` when given (then `session` may be None), else on the session."""
    if row.industry_id is None:
        return []
    industry = row.summary["industry"]
    version = (row.version_id, row.version_at) if row.version_id is not None else ()  # as catalog_version_key has it
    ranking = _ranked(session, row.industry_id, version, reader=reader)
    if ranking is None:
        return None
    chosen = general.choose(ranking, general.wanted_categories(category, row.made), row.rank, row.group_id)
    found = []
    for _closeness, candidate, shared in chosen:
        shared_category = categories.get(industry, shared)
        found.append((candidate.summary, general.reason(candidate.grade, row.grade, industry, shared_category), shared_category))
    return found


def _ranked(session: Session | None, industry_id: int, version: tuple, *, reader: Engine | None = None):
    held = _INDUSTRIES.get(industry_id)
    if held is not None and held[0] == version:
        return held[1]
    query = select(_ROW.rank, _ROW.score, _ROW.name, _ROW.brand_id, _ROW.group_id, _ROW.grade, _ROW.made,
                   cast(_ROW.summary, Text).label("summary"), _ROW.shaped_by) \
        .where(_ROW.industry_id == industry_id, _ROW.rank.is_not(None))
    if reader is not None:
        with reader.connect() as connection:
            found = connection.execute(query).all()
    else:
        found = session.connection().execute(query).all()
    ranked = None if any(r.shaped_by != shaped_by() for r in found) else general.Ranking(
        _Ranked(r.rank, r.score, r.name, r.brand_id, r.group_id, r.grade, frozenset(r.made), r.summary) for r in found)
    _INDUSTRIES[industry_id] = (version, ranked)
    return ranked


def warm(session: Session) -> None:
    """Every industry's ranking at the current catalog version, as lookups would build them one by one: a
    gunicorn master before forking (workers inherit them), a worker before its first request."""
    version = general.catalog_version_key(session)
    for industry_id in session.connection().execute(select(_ROW.industry_id).where(_ROW.industry_id.is_not(None)).distinct()):
        _ranked(session, industry_id[0], version)


# --- keeping it current --------------------------------------------------------------------------------------

def touch(session: Session, *, brands: Iterable[int] = (), companies: Iterable[int] = ()) -> None:
    """Note brands and companies whose rows must be rebuilt before this transaction commits: for writers that
    bypass the ORM's unit of work (the importer's multi-row statements)."""
    touched = _touched(session)
    touched["brands"].update(brands)
    touched["companies"].update(companies)


def _touched(session: Session) -> dict[str, set]:
    return session.info.setdefault(_TOUCHED, {"brands": set(), "companies": set(), "industries": set()})


@event.listens_for(Session, "after_flush")
def _note_flushed(session, _flush_context) -> None:
    """What this flush changed that a row shows (after the flush: new objects have their ids)."""
    touched = _touched(session)
    with session.no_autoflush:
        for obj in (*session.new, *session.dirty, *session.deleted):
            if isinstance(obj, Brand):
                touched["brands"].add(obj.id)
            elif isinstance(obj, Company):  # its name, country or parent: its brands and those of its subsidiaries
                touched["companies"].add(obj.id)
            elif isinstance(obj, Product):  # what the brand makes; a moved product changes its old brand too
                touched["brands"].update(b for b in (obj.brand_id, *inspect(obj).attrs.brand_id.history.deleted) if b)
            elif isinstance(obj, PublishedRating):
                touched["companies"].add(obj.company_id)
            elif isinstance(obj, RatingWithdrawal):
                touched["companies"].add(session.get(PublishedRating, obj.rating_id).company_id)
            elif isinstance(obj, Industry) and obj not in session.new:  # a renamed industry's slug is in every summary
                touched["industries"].add(obj.id)


@event.listens_for(Session, "before_commit")
def _rebuild_touched(session) -> None:
    if not any(session.info.get(_TOUCHED, {}).values()):
        return
    session.flush()  # the last changes, noted by _note_flushed
    touched = session.info.pop(_TOUCHED)
    refresh(session, brands=touched["brands"], companies=touched["companies"], industries=touched["industries"])


@event.listens_for(Session, "after_soft_rollback")
def _forget_touched(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction; after a savepoint, the outer writes still count
        session.info.pop(_TOUCHED, None)


def refresh(session: Session, *, brands: Iterable[int] = (), companies: Iterable[int] = (),
            industries: Iterable[int] = ()) -> int:
    """Rebuild the rows of these brands, of every brand of these companies and their subsidiaries (a group is
    named by its top parent), and of every brand of these industries. Returns how many brands were rebuilt."""
    parents = dict(session.execute(select(Company.id, Company.parent_id)).all())
    company_ids = _with_subsidiaries(set(companies), parents)
    brand_ids = set(brands)
    if company_ids:
        brand_ids.update(session.execute(select(Brand.id).where(Brand.company_id.in_(list(company_ids)))).scalars())
    if industries:
        brand_ids.update(session.execute(select(Brand.id).where(Brand.industry_id.in_(list(industries)))).scalars())
    ordered = sorted(brand_ids)
    for start in range(0, len(ordered), CHUNK):
        _rebuild(session, ordered[start:start + CHUNK], parents)
    return len(ordered)


def rebuild_reshaped(session: Session) -> int:
    """Rebuild only the rows shaped by other data files than this process's (after a release changed data/)."""
    stale = session.execute(select(LookupBrand.brand_id).where(LookupBrand.shaped_by != shaped_by())).scalars().all()
    return refresh(session, brands=stale) if stale else 0


def rebuild_all(session: Session) -> int:
    """Every brand's row from the tables (the migration that adds the table, or a repair)."""
    session.execute(delete(LookupBrand))
    return refresh(session, brands=session.execute(select(Brand.id)).scalars().all())


def _with_subsidiaries(company_ids: set[int], parents: dict[int, int | None]) -> set[int]:
    found, frontier = set(company_ids), set(company_ids)
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier and child not in found}
        found |= frontier
    return found


def _rebuild(session: Session, brand_ids: list[int], parents: dict[int, int | None]) -> None:
    from ratings.public import brand_summary, company_ref, offline_ratings  # public composes answers from this model

    brands = session.execute(select(Brand).where(Brand.id.in_(brand_ids))).scalars().all()
    company_ids = list({b.company_id for b in brands})
    companies = {c.id: c for c in session.execute(select(Company).where(Company.id.in_(company_ids))).scalars()}
    slugs = dict(session.execute(select(Industry.id, Industry.slug)).all())
    grades = current_grades(session, company_ids)
    ratings = offline_ratings(session, company_ids) if grades else {}
    made: dict[int, list[str]] = {}
    for brand_id, category in session.execute(
            select(Product.brand_id, Product.category).where(Product.brand_id.in_(brand_ids), Product.category.is_not(None))
            .distinct().order_by(Product.brand_id, Product.category)):
        made.setdefault(brand_id, []).append(category)
    rows = []
    for brand in brands:
        grade = grades.get(brand.company_id)
        rows.append({
            "brand_id": brand.id, "company_id": brand.company_id, "industry_id": brand.industry_id,
            "group_id": general.top_parent(brand.company_id, parents),
            "rank": grade_rank(grade) if grade else None,
            "grade": grade.grade if grade else None,
            "score": grade.score if grade else None,
            "name": brand.name,
            "made": general.made_of(brand.category, made.get(brand.id, [])),
            "summary": brand_summary(brand, companies[brand.company_id], grade, slugs.get(brand.industry_id)),
            "company": company_ref(companies[brand.company_id]),
            "rating": ratings.get(brand.company_id),
            "shaped_by": shaped_by(),
        })
    session.execute(delete(LookupBrand).where(LookupBrand.brand_id.in_(brand_ids)))  # and those of brands now gone
    if rows:
        session.execute(insert(LookupBrand), rows)
