"""Output schemas of the public API (input is only path and query parameters).

The read models are shaped in `ratings/public.py` (plain dicts); these schemas declare them, field for
field and in the same order, for the OpenAPI document, and serialize them. A key a read model has and
its schema lacks is dropped, so a new field is added in both places. Every nested object has its own
schema; scores are points from 0 to 100 on one decimal, and times are ISO 8601 in UTC.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.paging import Paging, page_of
from api.public.explanation_schemas import ExplanationOut  # explained grades (issue 13)
from api.public.rating_request_schemas import RatingRequestLink
from ratings.datafiles import DEFAULT_METHODOLOGY, grade_letters

GRADES = ", ".join(grade_letters())
GRADE = f"letter grade, best first: {GRADES}"
SCORE = "points from 0 to 100, rounded to one decimal"
SCALES = ["standard", "high_risk"]
STATUS = {"description": "`rated` when the company has a current published rating, else `not_rated`"}


def grade(description: str = GRADE, **kwargs) -> fields.String:
    return fields.String(metadata={"description": description, "example": "B+"}, **kwargs)


def score(description: str = SCORE, **kwargs) -> fields.Float:
    return fields.Float(metadata={"description": description, "example": 72.4}, **kwargs)


class MethodologyRef(ma.Schema):
    id = fields.String(required=True, metadata={"description": "methodology id (`GET /v1/methodologies/{id}`)",
                                                "example": DEFAULT_METHODOLOGY})
    version = fields.String(required=True, metadata={"description": "methodology version", "example": "2026.1"})


class CategoryScore(ma.Schema):
    id = fields.String(required=True, metadata={"description": "category id (the key it is under)", "example": "policies"})
    name = fields.String(required=True, metadata={"description": "category name, from the methodology", "example": "Policies"})
    score = score(f"the category's {SCORE}; null when none of its indicators applies", allow_none=True)
    grade = grade("the category's letter grade on the rating's scale; null when not scored", allow_none=True)


class StageScore(ma.Schema):
    id = fields.String(required=True, metadata={"description": "stage id (the key it is under)", "example": "raw_materials"})
    name = fields.String(required=True, metadata={"description": "stage name, from the methodology", "example": "Raw materials"})
    score = score(f"the stage's {SCORE}, over the answers given for that stage; null when none applies",
                  allow_none=True)


class RatingOut(ma.Schema):
    id = fields.Integer(required=True, metadata={"description": "rating id (published ratings are immutable)"})
    grade = grade(required=True)
    score = score(f"overall score: {SCORE}", required=True)
    scale = fields.String(required=True, validate=validate.OneOf(SCALES), metadata={
        "description": "grade bands used: `high_risk` (stricter) when the company sources a risk-listed good and "
                       "country, or does not disclose a supply-chain stage; otherwise `standard`"})
    scale_reasons = fields.List(fields.String(), required=True, metadata={"description": "why this scale, in sentences"})
    categories = fields.Dict(keys=fields.String(), values=fields.Nested(CategoryScore), required=True,
                             metadata={"description": "category id -> its id, name, score and grade, in methodology order"})
    stages = fields.Dict(keys=fields.String(), values=fields.Nested(StageScore), required=True,
                         metadata={"description": "supply-chain stage id -> its id, name and score, in methodology order"})
    methodology = fields.Nested(MethodologyRef, required=True, metadata={"description": "the methodology it was scored with"})
    published_at = fields.DateTime(required=True, metadata={"description": "when a reviewer published it (UTC)"})
    inputs_hash = fields.String(required=True, metadata={
        "description": "sha256 of the canonical inputs it was computed from; `GET /v1/ratings/{id}/inputs` gives "
                       "them, and `ratings score` on that pack reproduces this hash", "example": "3f5a" + "0" * 60})
    cycle_year = fields.Integer(allow_none=True, required=True, metadata={
        "description": "the research cycle (calendar year) the assessment belongs to", "example": 2026})
    evidence_cutoff = fields.Date(allow_none=True, required=True, metadata={
        "description": "when the research was done (UTC date): no evidence published after it was considered"})
    stale = fields.Boolean(required=True, metadata={
        "description": "true from `stale_after` on (compared with today's UTC date): still shown, but old"})
    stale_after = fields.Date(allow_none=True, required=True, metadata={
        "description": "the first UTC day the rating counts as stale: `published_at` plus the methodology's "
                       "`stale_after_months`; null when the methodology sets none"})
    explanation = fields.Nested(ExplanationOut, required=True, metadata={"description": "why this grade, in words"})


class CompanyRef(ma.Schema):
    slug = fields.String(required=True, metadata={"description": "the company's stable id", "example": "brindlecourt-group-plc"})
    name = fields.String(required=True, metadata={"description": "the company's name"})
    country = fields.String(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2 country of registration",
                                                       "example": "GB"})


class CategoryRef(ma.Schema):
    slug = fields.String(required=True, metadata={"description": "product category slug (data/categories.json)",
                                                  "example": "knitwear"})
    name = fields.String(required=True, metadata={"description": "product category name", "example": "Knitwear"})


class BrandSummary(ma.Schema):
    slug = fields.String(required=True, metadata={"description": "the brand's stable id", "example": "brindlecourt"})
    name = fields.String(required=True, metadata={"description": "the brand's name"})
    aliases = fields.List(fields.String(), required=True, metadata={"description": "other names search finds it by"})
    industry = fields.String(allow_none=True, metadata={"description": "industry slug (`GET /v1/industries/{slug}`)"})
    company = fields.Nested(CompanyRef, required=True, metadata={"description": "the owner, whose rating the brand carries"})
    grade = grade(f"current grade ({GRADES}); null when not rated", allow_none=True)
    score = score(f"current score: {SCORE}; null when not rated", allow_none=True)
    category = fields.Nested(CategoryRef, allow_none=True, required=True,
                             metadata={"description": "its main product category; null when not recorded"})


class AlternativeOut(BrandSummary):
    """A better-graded brand of another company group (issue 13, point 6)."""

    reason = fields.String(required=True, metadata={"description": "why it is suggested, in words: its grade, the "
                                                                   "scanned brand's, the industry and shared category",
                                                    "example": "A- vs C in apparel, knitwear"})
    shared_category = fields.Nested(CategoryRef, allow_none=True, required=True, metadata={
        "description": "the product category it has in common with the scanned product or brand; null when only the industry"})


class ProductOut(ma.Schema):
    gtin = fields.String(required=True, metadata={"description": "14-digit GTIN (zero-padded)", "example": "05091997966733"})
    name = fields.String(required=True, metadata={"description": "product name as recorded"})
    source = fields.String(required=True, metadata={"description": "who recorded it: `analyst`, `import` or `upstream`"})
    category = fields.Nested(CategoryRef, allow_none=True, required=True,
                             metadata={"description": "its product category; null when not known"})
    brand_names = fields.List(fields.String(), metadata={
        "description": "the brand as the upstream product database writes it, for a product of a brand we do not know "
                       "(only then present)"})


class BarcodeRef(ma.Schema):
    input = fields.String(required=True, metadata={"description": "the code as sent"})
    gtin = fields.String(required=True, metadata={"description": "its canonical 14-digit GTIN"})


class BarcodeOut(ma.Schema):
    barcode = fields.Nested(BarcodeRef, required=True, metadata={"description": "the code sent and its GTIN"})
    match = fields.String(required=True, validate=validate.OneOf(["product", "gs1_prefix", "upstream"]), metadata={
        "description": "how it was resolved: a known product, the company's GS1 prefix, or the upstream product database"})
    status = fields.String(required=True, validate=validate.OneOf(["rated", "not_rated"]), metadata=STATUS)
    product = fields.Nested(ProductOut, allow_none=True, required=True, metadata={"description": "null on a prefix match"})
    brand = fields.Nested(BrandSummary, allow_none=True, required=True, metadata={"description": "null on a prefix match"})
    company = fields.Nested(CompanyRef, allow_none=True, required=True, metadata={
        "description": "the brand's owner, or the prefix's; null only for an upstream product of a brand we do not know"})
    rating = fields.Nested(RatingOut, allow_none=True, required=True,
                           metadata={"description": "the company's current rating; null when not rated"})
    alternatives = fields.List(fields.Nested(AlternativeOut), required=True, metadata={
        "description": "up to three better-graded brands of the same industry, one per company group, none of this one's"})
    rating_request = fields.Nested(RatingRequestLink, allow_none=True, required=True, metadata={
        "description": "how to ask for a rating (`POST /v1/rating-requests`) when there is none; null when rated"})


class BrandQuery(Paging):
    q = fields.String(load_default=None, validate=validate.Length(max=200),
                      metadata={"description": "name or alias; accents, case and small typos do not matter"})
    industry = fields.String(load_default=None, validate=validate.Length(max=120), metadata={"description": "industry slug"})
    grade_min = fields.String(load_default=None, validate=validate.Length(max=3),
                              metadata={"description": f"keep this grade and better ({GRADES})", "example": "B"})


BrandPage = page_of(BrandSummary, name="BrandPage", items="this page's brands, best match first",
                    total="matching brands on every page")


class EvidenceOut(ma.Schema):
    url = fields.String(allow_none=True, metadata={"description": "the source's address; null for confidential evidence"})
    source_type = fields.String(required=True, metadata={"description": "public | company | third_party"})
    visibility = fields.String(required=True, metadata={"description": "public (shown with its URL) or confidential "
                                                        "(a company-provided document: type and date only)"})
    label = fields.String(allow_none=True, metadata={"description": "'company-provided document' for confidential evidence"})
    date = fields.String(allow_none=True, metadata={"description": "publication or access date, YYYY-MM-DD"})
    note = fields.String(allow_none=True, metadata={"description": "null for confidential evidence"})


ANSWER_VALUE = {"description": "the answer: a choice option (string), a percentage 0 to 100 (number), "
                               "`na` (not applicable) or null (unanswered)",
                "oneOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]}


class IndicatorOut(ma.Schema):
    indicator = fields.String(required=True, metadata={"description": "indicator id", "example": "POL-1"})
    text = fields.String(required=True, metadata={"description": "the question"})
    stage = fields.String(allow_none=True, metadata={"description": "stage id for a staged indicator, else null"})
    value = fields.Raw(allow_none=True, metadata=ANSWER_VALUE)
    applicable = fields.Boolean(required=True, metadata={"description": "false when answered not applicable"})
    earned = fields.Float(required=True, metadata={"description": "points of the overall score earned, two decimals"})
    possible = fields.Float(required=True, metadata={"description": "points of the overall score available, two decimals"})
    evidence = fields.List(fields.Nested(EvidenceOut), required=True, metadata={"description": "sources of the answer"})


class CategoryBreakdown(ma.Schema):
    id = fields.String(required=True, metadata={"description": "category id"})
    name = fields.String(required=True, metadata={"description": "category name"})
    score = score(allow_none=True)
    grade = grade(allow_none=True)
    indicators = fields.List(fields.Nested(IndicatorOut), required=True, metadata={"description": "in methodology order"})


class HistoryItem(ma.Schema):
    id = fields.Integer(required=True, metadata={"description": "rating id"})
    grade = grade(required=True)
    score = score(required=True)
    scale = fields.String(required=True, validate=validate.OneOf(SCALES), metadata={"description": "grade bands used"})
    methodology = fields.Nested(MethodologyRef, required=True, metadata={"description": "the methodology it was scored with"})
    published_at = fields.DateTime(required=True, metadata={"description": "when it was published (UTC)"})
    cycle_year = fields.Integer(allow_none=True, required=True, metadata={
        "description": "the research cycle (calendar year) the assessment belongs to", "example": 2026})
    evidence_cutoff = fields.Date(allow_none=True, required=True, metadata={
        "description": "when the research was done (UTC date): no evidence published after it was considered"})
    withdrawn = fields.Boolean(required=True, metadata={"description": "withdrawn ratings stay in the history"})
    withdrawn_reason = fields.String(allow_none=True, metadata={"description": "why it was withdrawn; null if not"})
    company = fields.Nested(CompanyRef, metadata={"description": "the owner the brand carried this rating under"})
    owned_from = fields.DateTime(allow_none=True, metadata={"description": "since when that owner held the brand (null: always)"})
    owned_to = fields.DateTime(allow_none=True, metadata={"description": "until when (null: the current owner)"})


class ReplyOut(ma.Schema):
    text = fields.String(required=True, metadata={"description": "the company's reply, as accepted by a reviewer"})
    accepted_at = fields.DateTime(allow_none=True, metadata={"description": "when a reviewer accepted it (UTC)"})


class ScorecardOut(ma.Schema):
    brand = fields.Nested(BrandSummary, required=True, metadata={"description": "the brand"})
    status = fields.String(required=True, validate=validate.OneOf(["rated", "not_rated"]), metadata=STATUS)
    rating = fields.Nested(RatingOut, allow_none=True, required=True, metadata={"description": "null when not rated"})
    breakdown = fields.List(fields.Nested(CategoryBreakdown), required=True,
                            metadata={"description": "indicators by category with public evidence; empty when not rated"})
    history = fields.List(fields.Nested(HistoryItem), required=True, metadata={"description": "every rating, newest first"})
    reply = fields.Nested(ReplyOut, allow_none=True, required=True, metadata={"description": "the company's accepted reply"})
    alternatives = fields.List(fields.Nested(AlternativeOut), required=True, metadata={
        "description": "up to three better-graded brands of the same industry, one per company group, none of this one's"})
    rating_request = fields.Nested(RatingRequestLink, allow_none=True, required=True, metadata={
        "description": "how to ask for a rating (`POST /v1/rating-requests`) when there is none; null when rated"})


class CompanyOut(ma.Schema):
    slug = fields.String(required=True, metadata={"description": "the company's stable id"})
    name = fields.String(required=True, metadata={"description": "the company's name"})
    country = fields.String(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2"})
    website = fields.String(allow_none=True, metadata={"description": "the company's website (URL)"})
    parent = fields.Nested(CompanyRef, allow_none=True, metadata={"description": "the parent company, if any"})
    status = fields.String(required=True, validate=validate.OneOf(["rated", "not_rated"]), metadata=STATUS)
    rating = fields.Nested(RatingOut, allow_none=True, required=True, metadata={"description": "current rating; null when not rated"})
    brands = fields.List(fields.Nested(BrandSummary), required=True, metadata={"description": "its brands, by name"})
    rating_request = fields.Nested(RatingRequestLink, allow_none=True, required=True, metadata={
        "description": "how to ask for a rating (`POST /v1/rating-requests`) when there is none; null when rated"})


class IndustryOut(ma.Schema):
    slug = fields.String(required=True, metadata={"description": "the industry's stable id", "example": "apparel"})
    name = fields.String(required=True, metadata={"description": "the industry's name"})
    brands = fields.Integer(required=True, metadata={"description": "number of brands"})
    rated = fields.Integer(required=True, metadata={"description": "number of rated brands"})
    grades = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                         metadata={"description": "current grade -> number of brands with it"})


class IndustryList(ma.Schema):
    items = fields.List(fields.Nested(IndustryOut), required=True, metadata={"description": "every industry, by name"})


class IndustryDetail(IndustryOut):
    ranking = fields.List(fields.Nested(BrandSummary), required=True, metadata={"description": "brands by score, best first"})


# GET /v1/methodologies/{id}: the file's own shape (scoring.methodology.methodology_to_dict).

NUMBER = {"type": "number"}  # weights and thresholds pass through as written in the file (ints stay ints)


class Number(fields.Raw):
    """A number dumped as it is (40 stays 40, 0.5 stays 0.5), documented as a number."""


class StageDef(ma.Schema):
    id = fields.String(required=True, metadata={"description": "stage id", "example": "raw_materials"})
    name = fields.String(required=True, metadata={"description": "stage name"})
    weight = Number(required=True, metadata={**NUMBER, "description": "relative weight of the stage in staged indicators"})


class AnswerDef(ma.Schema):
    type = fields.String(required=True, validate=validate.OneOf(["choice", "percent"]),
                         metadata={"description": "`choice`: one of `options`; `percent`: 0 to 100"})
    options = fields.Dict(keys=fields.String(), values=fields.Float(),
                          metadata={"description": "option -> credit from 0 to 1 (choice answers only)"})
    labels = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "option -> what a person reads (choice answers only)",
        "example": {"names_only": "Supplier names only"}})
    unit = fields.String(metadata={"description": "what the number counts, in words (percent answers only)",
                                   "example": "percent of suppliers"})


class IndicatorDef(ma.Schema):
    id = fields.String(required=True, metadata={"description": "indicator id", "example": "POL-1"})
    title = fields.String(required=True, metadata={"description": "short topic, for lists and explanations",
                                                   "example": "Published supplier list"})
    text = fields.String(required=True, metadata={"description": "the question"})
    guidance = fields.String(allow_none=True, metadata={"description": "what earns full or partial credit"})
    weight = Number(required=True, metadata={**NUMBER, "description": "relative weight within its category"})
    staged = fields.Boolean(required=True, metadata={"description": "answered once per supply-chain stage"})
    answer = fields.Nested(AnswerDef, required=True, metadata={"description": "what kind of answer it takes"})
    action = fields.String(metadata={"description": "what full credit takes, as an imperative (explanations' "
                                                    "next-grade steps); absent when the file gives none"})


class CategoryDef(ma.Schema):
    id = fields.String(required=True, metadata={"description": "category id", "example": "policies"})
    name = fields.String(required=True, metadata={"description": "category name"})
    weight = Number(required=True, metadata={**NUMBER, "description": "relative weight in the overall score"})
    indicators = fields.List(fields.Nested(IndicatorDef), required=True, metadata={"description": "its indicators"})


GRADE_BANDS = {
    "description": "scale (`standard`, `high_risk`) -> its bands, best first: [letter, lowest score in points]",
    "type": "object",
    "additionalProperties": {"type": "array", "items": {
        "type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}], "minItems": 2, "maxItems": 2}},
}


class GradeLabelDef(ma.Schema):
    label = fields.String(required=True, metadata={"description": "the grade in a word or two", "example": "Leading"})
    meaning = fields.String(required=True, metadata={"description": "what the grade means, in a sentence"})
    colour = fields.String(required=True, metadata={"description": "a colour token an app maps to its own palette",
                                                    "example": "grade-a"})


class MethodologyOut(ma.Schema):
    id = fields.String(required=True, metadata={"description": "methodology id", "example": DEFAULT_METHODOLOGY})
    name = fields.String(required=True, metadata={"description": "methodology name"})
    version = fields.String(required=True, metadata={"description": "methodology version", "example": "2026.1"})
    description = fields.String(allow_none=True, metadata={"description": "what it rates, in plain language"})
    stale_after_months = fields.Integer(allow_none=True, metadata={
        "description": "months after publication from which a rating counts as stale (`stale`, `stale_after`)",
        "example": 24})
    stages = fields.List(fields.Nested(StageDef), required=True, metadata={"description": "supply-chain stages; may be empty"})
    categories = fields.List(fields.Nested(CategoryDef), required=True, metadata={"description": "weighted categories"})
    grades = fields.Raw(required=True, metadata=GRADE_BANDS)
    grade_labels = fields.Dict(keys=fields.String(), values=fields.Nested(GradeLabelDef), required=True,
                               metadata={"description": "grade letter -> its label, meaning and colour token"})


class MethodologyFileOut(ma.Schema):
    """The methodology file as shipped (data/methodologies/), byte for byte; docs/methodology.md describes it."""

    class Meta:
        unknown = ma.INCLUDE  # the whole file: categories, indicators, grade bands, ...

    id = fields.String(required=True, metadata={"description": "methodology id", "example": DEFAULT_METHODOLOGY})
    version = fields.String(required=True, metadata={"description": "methodology version", "example": "2026.1"})


# GET /v1/ratings/{id}/inputs: the inputs pack (ratings/inputs_pack.py).

class PackRating(ma.Schema):
    id = fields.Integer(required=True, metadata={"description": "rating id"})
    grade = grade(required=True)
    score = score(f"overall score: {SCORE}", required=True)
    scale = fields.String(required=True, validate=validate.OneOf(SCALES), metadata={"description": "grade bands used"})
    inputs_hash = fields.String(required=True, metadata={"description": "sha256 of the canonical inputs (hash form below)"})
    published_at = fields.DateTime(required=True, metadata={"description": "when a reviewer published it (UTC)"})


class PackMethodology(ma.Schema):
    id = fields.String(required=True, metadata={"description": "methodology id", "example": DEFAULT_METHODOLOGY})
    version = fields.String(required=True, metadata={"description": "methodology version", "example": "2026.1"})
    file = fields.String(required=True, metadata={"description": "path of the exact methodology file, byte for byte"})
    sha256 = fields.String(required=True, metadata={"description": "sha256 of that file"})


class PackRiskList(ma.Schema):
    edition = fields.String(allow_none=True, required=True, metadata={
        "description": "risk-list edition the scale was decided on (data/risk/); null for ratings published before "
                       "editions were recorded", "example": "dol-2022"})


class PackHash(ma.Schema):
    algorithm = fields.String(required=True, metadata={"description": "always `sha256`"})
    form = fields.Integer(required=True, metadata={"description": "version of the canonical form "
                                                                  "(docs/methodology.md, \"Reproducing a grade\")"})


class PackEvidence(ma.Schema):
    url = fields.String(metadata={"description": "public evidence: its address"})
    source_type = fields.String(required=True, validate=validate.OneOf(["public", "company", "third_party"]),
                                metadata={"description": "who published the source"})
    note = fields.String(metadata={"description": "public evidence: the analyst's public note"})
    date = fields.String(metadata={"description": "publication or access date, YYYY-MM-DD", "format": "date"})
    visibility = fields.String(required=True, validate=validate.OneOf(["public", "confidential"]),
                               metadata={"description": "`public` (URL and note shown) or `confidential` (a placeholder)"})
    digest = fields.String(metadata={"description": "confidential evidence: sha256 of its URL and note, which is "
                                                    "what enters the inputs hash"})


class PackAnswer(ma.Schema):
    indicator = fields.String(required=True, metadata={"description": "indicator id"})
    stage = fields.String(allow_none=True, required=True, metadata={"description": "stage id; null when unstaged"})
    value = fields.Raw(required=True, metadata=ANSWER_VALUE)
    evidence = fields.List(fields.Nested(PackEvidence), metadata={"description": "sources, when any"})


class SourcingRecordOut(ma.Schema):
    stage = fields.String(required=True, metadata={"description": "stage id"})
    good = fields.String(allow_none=True, metadata={"description": "what is sourced at that stage"})
    country = fields.String(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2 where it is sourced"})
    disclosed = fields.Boolean(required=True, metadata={"description": "false records that the company does not disclose this stage"})


class InputsPackOut(ma.Schema):
    format = fields.String(required=True, metadata={"description": "`f2w-inputs-pack/1`"})
    rating = fields.Nested(PackRating, required=True, metadata={"description": "the published result to reproduce"})
    methodology = fields.Nested(PackMethodology, required=True, metadata={"description": "what it was scored with"})
    risk_list = fields.Nested(PackRiskList, required=True, metadata={"description": "the risk list that decided the scale"})
    hash = fields.Nested(PackHash, required=True, metadata={"description": "how `inputs_hash` is computed"})
    answers = fields.List(fields.Nested(PackAnswer), required=True, metadata={"description": "every answer given"})
    sourcing = fields.List(fields.Nested(SourcingRecordOut), required=True,
                           metadata={"description": "the company's sourcing, frozen when the assessment was submitted"})


# GET /v1/changes: the records of the offline bundle (ratings.export), to upsert or delete.

class BundleRating(RatingOut):
    """The public rating summary (RatingOut) without `stale`, which depends on the day the bundle is read:
    an offline app compares `stale_after` with its own date. Dates are ISO 8601 text."""

    class Meta:
        exclude = ("stale",)

    published_at = fields.String(required=True, metadata={"description": "ISO 8601, UTC", "format": "date-time"})
    evidence_cutoff = fields.String(allow_none=True, required=True, metadata={
        "description": "when the research was done (ISO 8601 date): no evidence published after it was considered",
        "format": "date"})
    stale_after = fields.String(allow_none=True, required=True, metadata={
        "description": "the first UTC day (ISO 8601 date) the rating counts as stale; null when the methodology sets none",
        "format": "date"})


class BundleRecord(ma.Schema):
    type = fields.String(required=True, validate=validate.OneOf(["company", "brand", "prefix", "gtin"]), metadata={
        "description": "which record: `company` (slug, name, rating), `brand` (slug, name, aliases, industry, "
                       "company, rating), `prefix` (prefix, company) or `gtin` (gtin, brand)"})
    slug = fields.String(metadata={"description": "company or brand slug"})
    name = fields.String(metadata={"description": "company or brand name"})
    aliases = fields.List(fields.String(), metadata={"description": "other names of the brand (brand)"})
    industry = fields.String(allow_none=True, metadata={"description": "industry slug (brand)"})
    prefix = fields.String(metadata={"description": "GS1 company prefix (prefix)"})
    gtin = fields.String(metadata={"description": "14-digit GTIN (gtin)"})
    brand = fields.String(metadata={"description": "brand slug (gtin)"})
    company = fields.String(metadata={"description": "company slug (brand, prefix)"})
    rating = fields.Nested(BundleRating, allow_none=True, metadata={"description": "current rating summary (company, "
                                                                                     "brand); null when not rated"})


class Change(ma.Schema):
    op = fields.String(required=True, validate=validate.OneOf(["upsert", "delete"]),
                       metadata={"description": "`upsert`: store `record`; `delete`: remove the record of `type` and `key`"})
    record = fields.Nested(BundleRecord, metadata={"description": "upsert: the full record"})
    type = fields.String(validate=validate.OneOf(["company", "brand", "prefix", "gtin"]),
                         metadata={"description": "delete: the kind of record"})
    key = fields.String(metadata={"description": "delete: its slug, prefix or GTIN"})


class ChangesOut(ma.Schema):
    version = fields.Integer(required=True, metadata={"description": "the catalog version these changes bring you to"})
    since = fields.Integer(required=True, metadata={"description": "the version you sent"})
    changes = fields.List(fields.Nested(Change), required=True, metadata={"description": "apply in order"})


class HealthOut(ma.Schema):
    status = fields.String(required=True, validate=validate.OneOf(["ok"]), metadata={"description": "always `ok`"})


class ReadyChecks(ma.Schema):
    database = fields.String(required=True, metadata={"description": "`ok`, or why not"})
    cache = fields.String(required=True, metadata={"description": "`ok`, or why not"})


class ReadyOut(ma.Schema):
    status = fields.String(required=True, validate=validate.OneOf(["ok"]), metadata={"description": "`ok` when ready"})
    checks = fields.Nested(ReadyChecks, required=True, metadata={"description": "each dependency's state"})


NOT_MODIFIED = "Not modified: the `If-None-Match` you sent matches the current `ETag` (no body)"
