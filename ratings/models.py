"""The tables. Tables only: behaviour lives in the service modules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import JSON, UniqueConstraint, event, false
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from ratings.types import JSONType, UTCDateTime, utcnow


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _json(default=list) -> Any:
    return Field(default_factory=default, sa_type=JSONType, nullable=False)


class Industry(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=120)
    name: str = Field(max_length=200)


class Company(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=120)
    name: str = Field(max_length=200)
    country: Optional[str] = Field(default=None, max_length=2)  # ISO 3166-1 alpha-2 of the head office
    website: Optional[str] = Field(default=None, max_length=2000)  # rules.URL_MAX
    parent_id: Optional[int] = Field(default=None, foreign_key="company.id")
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Brand(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=120)
    name: str = Field(max_length=200)
    company_id: int = Field(foreign_key="company.id", index=True)
    industry_id: Optional[int] = Field(default=None, foreign_key="industry.id", index=True)
    aliases: list[str] = _json()
    created_at: datetime = _created()
    updated_at: datetime = _created()
    category: Optional[str] = Field(default=None, max_length=60)  # its main product line (data/categories.json)


class Product(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    gtin: str = Field(unique=True, index=True, min_length=14, max_length=14)
    name: str = Field(max_length=300)
    brand_id: int = Field(foreign_key="brand.id", index=True)
    source: str = Field(default="analyst", max_length=20)  # analyst | import | upstream | upstream_fuzzy
    created_at: datetime = _created()
    updated_at: datetime = _created()
    category: Optional[str] = Field(default=None, max_length=60)  # a slug of its brand's industry (data/categories.json)


class Gs1Prefix(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    prefix: str = Field(unique=True, index=True, max_length=13)  # digits of the 13-digit GTIN form
    company_id: int = Field(foreign_key="company.id", index=True)
    created_at: datetime = _created()


class Sourcing(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    stage: str = Field(max_length=40)
    good: Optional[str] = Field(default=None, max_length=200)
    country: Optional[str] = Field(default=None, max_length=2)
    disclosed: bool = True  # False records an explicit "not disclosed" for the stage


class User(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True, max_length=320)
    role: str = Field(max_length=20)  # analyst | reviewer | company | admin
    company_id: Optional[int] = Field(default=None, foreign_key="company.id")
    created_at: datetime = _created()
    # Console login (ratings/users.py). The argon2 hash never leaves: excluded from dumps, so audit rows lack it.
    password_hash: Optional[str] = Field(default=None, max_length=255, exclude=True, repr=False)
    # Bumped whenever the password changes; console sessions carry it and die when it moves (logout everywhere).
    session_generation: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ApiToken(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(unique=True, index=True, max_length=64)  # sha256 hex; the token itself is never stored
    created_at: datetime = _created()
    last_used_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    revoked_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)


class Assessment(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    methodology_id: str = Field(max_length=60)
    methodology_version: str = Field(max_length=30)
    cycle_year: int
    status: str = Field(default="draft", max_length=20)  # draft | submitted | published | withdrawn
    author_id: Optional[int] = Field(default=None, foreign_key="user.id")
    review_comment: Optional[str] = None
    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = Field(default=1)  # optimistic locking: every write bumps it
    evidence_cutoff: Optional[date] = None  # the research was done: no evidence after this date was considered
    # Frozen at submission (the reviewed inputs), cleared when returned to draft: [{stage, good, country, disclosed}]
    sourcing_snapshot: Optional[list] = Field(default=None, sa_type=JSONType)
    risk_list_edition: Optional[str] = Field(default=None, max_length=60)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        # SQLAlchemy refuses a concurrent write whose version is stale (two analysts, one draft).
        return {"version_id_col": cls.__table__.c.version}


class Answer(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("assessment_id", "indicator_id", "stage"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    indicator_id: str = Field(max_length=40)
    stage: Optional[str] = Field(default=None, max_length=40)
    value: Any = Field(sa_type=JSONType)  # a choice key, a percent number, or "na"
    evidence: list[dict] = _json()  # [{url, source_type: public | company | third_party, note}]
    note: Optional[str] = None  # analysts' working note, never public
    # Per-answer optimistic locking (the console saves one answer at a time): every write to this slot moves it.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # Copied from the previous cycle ("Start from last cycle") and not touched since.
    copied: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class AnswerComment(SQLModel, table=True):
    """A reviewer's comment on one answer slot, sent back with a returned assessment (never public)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    indicator_id: str = Field(max_length=40)
    stage: Optional[str] = Field(default=None, max_length=40)
    text: str
    author_id: Optional[int] = Field(default=None, foreign_key="user.id")
    created_at: datetime = _created()


class PublishedRating(SQLModel, table=True):
    """Immutable once written: a newer rating supersedes it in lookups; history keeps both."""

    id: Optional[int] = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    assessment_id: int = Field(foreign_key="assessment.id", unique=True)
    methodology_id: str = Field(max_length=60)
    methodology_version: str = Field(max_length=30)
    scale: str = Field(max_length=20)
    scale_reasons: list[str] = _json()
    score: float
    grade: str = Field(max_length=3)
    categories: dict = _json(dict)  # {id: {score, grade}}
    stages: dict = _json(dict)  # {id: {score}}
    result: dict = _json(dict)  # the engine's full result (indicators, coverage, roadmap)
    inputs_hash: str = Field(max_length=64)
    published_at: datetime = _created()
    published_by_id: Optional[int] = Field(default=None, foreign_key="user.id")
    sourcing: Optional[list] = Field(default=None, sa_type=JSONType)  # the snapshot frozen at submission
    risk_list_edition: Optional[str] = Field(default=None, max_length=60)


class RatingWithdrawal(SQLModel, table=True):
    """Withdrawing a rating is a fact of its own, so the rating row itself never changes."""

    id: Optional[int] = Field(default=None, primary_key=True)
    rating_id: int = Field(foreign_key="publishedrating.id", unique=True)
    reason: str
    withdrawn_by_id: Optional[int] = Field(default=None, foreign_key="user.id")
    withdrawn_at: datetime = _created()


class CompanyResponse(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    rating_id: int = Field(foreign_key="publishedrating.id", index=True)
    text: str
    status: str = Field(default="pending", max_length=20)  # pending | accepted | rejected
    # The indicators the reply is about (ids of the rating's methodology) and links to its evidence.
    indicators: list = Field(default_factory=list, sa_type=JSONType, sa_column_kwargs={"server_default": "[]"})
    evidence: list = Field(default_factory=list, sa_type=JSONType, sa_column_kwargs={"server_default": "[]"})
    decision_reason: Optional[str] = None  # why a reviewer rejected it
    author_id: Optional[int] = Field(default=None, foreign_key="user.id")
    created_at: datetime = _created()
    reviewed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    reviewed_by_id: Optional[int] = Field(default=None, foreign_key="user.id")


class AuditEvent(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    actor_id: Optional[int] = Field(default=None, foreign_key="user.id")  # None: the CLI or the system
    action: str = Field(max_length=60, index=True)
    entity_type: str = Field(max_length=40)
    entity_id: str = Field(max_length=60)
    before: Optional[dict] = Field(default=None, sa_type=JSONType)
    after: Optional[dict] = Field(default=None, sa_type=JSONType)
    at: datetime = _created()


@event.listens_for(PublishedRating, "before_update")
@event.listens_for(PublishedRating, "before_delete")
def _published_ratings_are_immutable(_mapper, _connection, target: PublishedRating) -> None:
    # An integrity rule, like a constraint: a rating, once published, is never rewritten or removed.
    from ratings.errors import Conflict

    raise Conflict(f"Published rating {target.id} is immutable; publish a new assessment instead.", code="immutable_rating")


class CatalogChange(SQLModel, table=True):
    """Append-only log of what the offline bundle holds: its id is the catalog version apps sync from."""

    id: Optional[int] = Field(default=None, primary_key=True)
    entity: str = Field(max_length=20)  # company | brand | gtin | prefix
    key: str = Field(max_length=120, index=True)  # slug, GTIN or prefix
    at: datetime = _created()


class RatingRequest(SQLModel, table=True):
    """Demand for a rating: one row per target (a GTIN nobody rated, a brand, a company), never public.

    Not catalog state: it never appends to the change log. Holds no client address (see RatingRequestHit)."""

    __table_args__ = (UniqueConstraint("target_type", "target_key"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    target_type: str = Field(max_length=10)  # gtin | brand | company
    target_key: str = Field(max_length=120)  # the GTIN-14 or the slug
    brand_id: Optional[int] = Field(default=None, foreign_key="brand.id", index=True)
    company_id: Optional[int] = Field(default=None, foreign_key="company.id", index=True)
    count: int = Field(default=0, index=True)  # distinct clients per UTC day, summed over days
    first_requested_at: datetime = _created()
    last_requested_at: datetime = _created()


class RatingRequestGtin(SQLModel, table=True):
    """The barcodes people scanned when they asked for a target's rating."""

    __table_args__ = (UniqueConstraint("request_id", "gtin"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="ratingrequest.id", index=True)
    gtin: str = Field(max_length=14)
    count: int = Field(default=0)


class RatingRequestHit(SQLModel, table=True):
    """Who counted today: a hash of the client under a salt of the day that is never stored and thrown away
    at the day's end; rows of earlier days are deleted. One row per (target, day, client)."""

    __table_args__ = (UniqueConstraint("request_id", "day", "client_hash"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="ratingrequest.id", index=True)
    day: date = Field(index=True)
    client_hash: str = Field(max_length=64)


class AssessmentAuthor(SQLModel, table=True):
    """Everyone who created, wrote answers of, or submitted an assessment: none of them may publish it."""

    __table_args__ = (UniqueConstraint("assessment_id", "user_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    first_action: str = Field(max_length=20)  # created | answered | submitted | imported
    at: datetime = _created()


class Proposal(SQLModel, table=True):
    """A change that moves a public grade (a brand's owner, a graded company's GS1 prefix, a withdrawal),
    waiting for a second person. Proposals are not public: they never append to the catalog change log."""

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20, index=True)  # brand_owner | gs1_prefix | withdrawal
    subject: str = Field(max_length=120)  # brand slug, prefix, or rating id
    payload: dict = _json(dict)
    status: str = Field(default="pending", max_length=20, index=True)  # pending | approved | rejected
    reason: Optional[str] = None  # why the change is proposed (withdrawals)
    proposed_by_id: Optional[int] = Field(default=None, foreign_key="user.id")
    proposed_at: datetime = _created()
    decided_by_id: Optional[int] = Field(default=None, foreign_key="user.id")
    decided_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    decision_reason: Optional[str] = None


class BrandOwnership(SQLModel, table=True):
    """Dated ownership: a brand's earlier owners, so its history keeps the ratings it carried under them.
    A brand without rows has always belonged to its current company."""

    id: Optional[int] = Field(default=None, primary_key=True)
    brand_id: int = Field(foreign_key="brand.id", index=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    valid_from: datetime = Field(sa_type=UTCDateTime, nullable=False)
    valid_to: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)  # None: the current owner


class LookupBrand(SQLModel, table=True):
    """The barcode lookup's read model (ratings/lookup_model.py): per brand, what an answer about one of its
    products needs, already shaped by the public helpers. Derived data: rebuilt from the tables above in the
    transaction of every write that changes them, never edited on its own.

    Plain JSON, not JSONB, on PostgreSQL too: JSONB reorders keys, and the order of a rating's categories and
    stages is part of the answer's bytes."""

    brand_id: int = Field(primary_key=True, foreign_key="brand.id")
    company_id: int = Field(foreign_key="company.id")
    industry_id: Optional[int] = Field(default=None, index=True)
    group_id: int  # the top parent of its company: alternatives exclude the scanned brand's group
    rank: Optional[int] = None  # grade rank of its company's current rating (0 best); None when not rated
    grade: Optional[str] = Field(default=None, max_length=3)
    score: Optional[float] = None  # unrounded, as alternatives sort
    name: str = Field(max_length=200)  # alternatives sort by name within a score
    made: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # its main category, then its products'
    summary: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)  # brand_summary
    company: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)  # company_ref
    rating: Optional[dict] = Field(default=None, sa_type=JSON)  # the rating summary without `stale`, dates as text
    shaped_by: str = Field(max_length=32)  # digest of the data files the pieces were shaped from (lookup_model.shaped_by)
