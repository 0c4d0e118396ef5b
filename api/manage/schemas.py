"""Input and output schemas of the authenticated API: separate schemas for create, update and output."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate
from werkzeug.http import http_date

from api.public.schemas import (
    ANSWER_VALUE, SCALES, SCORE, CategoryBreakdown, CategoryScore, CompanyOut, MethodologyRef, SourcingRecordOut, StageScore,
    grade, score,
)
from api.errors import PRECONDITION_REQUIRED
from ratings import rules
from ratings.datafiles import DEFAULT_METHODOLOGY

IF_MATCH = {
    "in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
    "example": '"assessment-1-v3"',
    "description": f"the ETag you read (the `ETag` header of the last read or write). {PRECONDITION_REQUIRED} "
                   "Missing: 428 `precondition_required`; stale: 412 `stale_version`. `*` skips the check.",
}


def rule(check, **options):
    """A marshmallow validator from a rule of ratings.rules: its problems become the field's errors."""
    def validator(value):
        problems = check(value, **options)
        if problems:
            raise ma.ValidationError(problems if isinstance(problems, list) else [f"{k}: {'; '.join(v)}" for k, v in problems.items()])
    return validator


NAME = rule(rules.name)
SLUG = rule(rules.slug)
COUNTRY = rule(rules.country)
URL = rule(rules.url)
TEXT = rule(rules.text)
ID = rule(rules.integer)  # any 64-bit integer: an id that names nothing is a 404, not a 422


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE  # a misspelt field is an error, not silently ignored


class CompanyCreate(Strict):
    name = fields.String(required=True, validate=NAME)
    slug = fields.String(validate=SLUG)
    country = fields.String(allow_none=True, validate=COUNTRY)
    website = fields.String(allow_none=True, validate=URL, metadata={"format": "uri"})
    parent = fields.String(allow_none=True, validate=SLUG)


class CompanyUpdate(Strict):
    name = fields.String(validate=NAME)
    country = fields.String(allow_none=True, validate=COUNTRY)
    website = fields.String(allow_none=True, validate=URL, metadata={"format": "uri"})
    parent = fields.String(allow_none=True, validate=SLUG)


class CompanyRecordOut(ma.Schema):
    slug = fields.String(required=True, metadata={"description": "the company's stable id"})
    name = fields.String(required=True, metadata={"description": "the company's name"})
    country = fields.String(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2"})
    website = fields.String(allow_none=True, metadata={"description": "URL"})


class BrandCreate(Strict):
    name = fields.String(required=True, validate=NAME)
    slug = fields.String(validate=SLUG)
    company = fields.String(required=True, validate=SLUG)
    industry = fields.String(allow_none=True, validate=SLUG)
    aliases = fields.List(fields.String(validate=NAME), load_default=list, validate=validate.Length(max=50))


class BrandUpdate(Strict):
    name = fields.String(validate=NAME)
    company = fields.String(validate=SLUG)
    industry = fields.String(allow_none=True, validate=SLUG)
    aliases = fields.List(fields.String(validate=NAME), validate=validate.Length(max=50))


class BrandOut(ma.Schema):
    slug = fields.String(required=True, metadata={"description": "the brand's stable id"})
    name = fields.String(required=True, metadata={"description": "the brand's name"})
    aliases = fields.List(fields.String(), required=True, metadata={"description": "other names search finds it by"})


class ProductCreate(Strict):
    gtin = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=rule(rules.name, max_length=rules.PRODUCT_NAME_MAX))
    brand = fields.String(required=True, validate=SLUG)


class ProductConfirmBody(Strict):
    brand = fields.String(validate=SLUG, metadata={"description": "the right brand, if the guess was wrong"})


class ProductRecordOut(ma.Schema):
    gtin = fields.String(required=True, metadata={"description": "14-digit GTIN (zero-padded)"})
    name = fields.String(required=True, metadata={"description": "product name"})
    source = fields.String(required=True, metadata={"description": "`analyst`, `import`, `upstream`, or `upstream_fuzzy` "
                                                                 "(a guess that shows no grade until an analyst confirms it)"})


class PrefixCreate(Strict):
    prefix = fields.String(required=True, validate=rule(rules.gs1_prefix),
                           metadata={"description": "6 to 12 digits of the 13-digit GTIN form; not a restricted-circulation or coupon range"})


class PrefixOut(ma.Schema):
    prefix = fields.String(required=True, metadata={"description": "GS1 company prefix (digits)"})


class SourcingRecordIn(Strict):
    stage = fields.String(required=True, validate=validate.Length(min=1, max=rules.STAGE_MAX))
    good = fields.String(allow_none=True, validate=rule(rules.name, max_length=rules.GOOD_MAX))
    country = fields.String(allow_none=True, validate=COUNTRY)
    disclosed = fields.Raw(load_default=True, validate=rule(rules.boolean),
                           metadata={"type": "boolean", "description": "true or false (a JSON boolean, not a string or number)"})


class SourcingReplace(Strict):
    records = fields.List(fields.Nested(SourcingRecordIn), required=True, validate=validate.Length(max=500))


class SourcingOut(ma.Schema):
    records = fields.List(fields.Nested(SourcingRecordOut), required=True, metadata={"description": "the company's sourcing now"})


class AssessmentCreate(Strict):
    company = fields.String(required=True, validate=SLUG)
    methodology = fields.String(load_default=DEFAULT_METHODOLOGY, validate=validate.Length(max=60))
    cycle_year = fields.Integer(strict=True, validate=rule(rules.year))  # 2026.7 is refused, not cut to 2026


def _notes_are_text(entries):
    problems = [f"answers[{n}].note: {rules.note(e['note'])[0]}" for n, e in enumerate(entries)
                if isinstance(e, dict) and rules.note(e.get("note"))]
    if problems:
        raise ma.ValidationError(problems)


class Evidence(ma.Schema):
    url = fields.String(required=True, metadata={"description": "where the evidence can be read (http or https)"})
    source_type = fields.String(required=True, metadata={"description": "`public`, `company` or `third_party`"})
    visibility = fields.String(metadata={"description": "`public` or `confidential` (default: confidential for company evidence)"})
    date = fields.String(allow_none=True, metadata={"description": "publication or access date, YYYY-MM-DD"})
    note = fields.String(allow_none=True, metadata={"description": "what to look for there; absent when none"})


class AnswerEntry(ma.Schema):
    """One entry of the answers-file shape (docs/methodology.md). Documented here; the service checks each
    entry against the methodology and names every bad one (422 `invalid_answers`, `errors.answers[].index`)."""

    class Meta:
        unknown = ma.INCLUDE  # checked by the service, which names the entry and the field

    indicator = fields.Raw(required=True, metadata={"type": "string", "description": "indicator id", "example": "POL-1"})
    stage = fields.Raw(allow_none=True, metadata={"type": "string", "example": "raw_materials",
                                                  "description": "stage id; required for a staged indicator, else absent"})
    value = fields.Raw(allow_none=True, metadata=ANSWER_VALUE)
    evidence = fields.Raw(allow_none=True, metadata={"type": "array", "items": {"$ref": "#/components/schemas/Evidence"},
                                                     "description": "sources for the answer"})
    note = fields.Raw(allow_none=True, metadata={"type": "string", "description": "working note, never shown publicly"})


class AnswersReplace(Strict):
    answers = fields.List(fields.Nested(AnswerEntry), required=True, validate=[validate.Length(max=2000), _notes_are_text],
                          metadata={"description": "every answer of the draft (what is not listed is unanswered)"})


class AnswerComment(Strict):
    indicator = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={"description": "indicator id"})
    stage = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40),
                          metadata={"description": "stage id; null or absent for an unstaged indicator"})
    text = fields.String(required=True, validate=TEXT, metadata={"description": "the comment"})


class ReturnBody(Strict):
    comment = fields.String(required=True, validate=TEXT)
    comments = fields.List(fields.Nested(AnswerComment), load_default=list, validate=validate.Length(max=2000),
                           metadata={"description": "a comment per answer slot (replaces those of an earlier return)"})


class AnswerCommentOut(ma.Schema):
    indicator = fields.String(required=True, metadata={"description": "indicator id"})
    stage = fields.String(allow_none=True, metadata={"description": "stage id; null for an unstaged indicator"})
    text = fields.String(required=True, metadata={"description": "the reviewer's comment on this answer"})


class WithdrawBody(Strict):
    reason = fields.String(required=True, validate=TEXT)


class ReplyCreate(Strict):
    rating = fields.Integer(required=True, strict=True, validate=ID)
    text = fields.String(required=True, validate=TEXT)
    indicators = fields.List(fields.String(validate=validate.Length(max=40)), load_default=list,
                             metadata={"description": "ids of the rating's indicators the reply is about"})
    evidence = fields.List(fields.String(validate=validate.Length(max=2000)), load_default=list,
                           metadata={"description": "http(s) links to the evidence behind the reply"})


class AnswerOut(ma.Schema):
    indicator = fields.String(required=True, metadata={"description": "indicator id"})
    stage = fields.String(allow_none=True, metadata={"description": "stage id; null for an unstaged indicator"})
    value = fields.Raw(required=True, allow_none=True, metadata=ANSWER_VALUE)
    evidence = fields.List(fields.Nested(Evidence), required=True, metadata={"description": "sources for the answer"})
    note = fields.String(allow_none=True, metadata={"description": "working note, never shown publicly"})
    version = fields.Integer(metadata={"description": "this answer's own version: send it back (as If-Match "
                                                      "`answer-v<n>`) to save this one answer"})
    copied = fields.Boolean(metadata={"description": "copied from the previous cycle and not touched since"})


class AssessmentOut(ma.Schema):
    id = fields.Integer(required=True, metadata={"description": "assessment id"})
    company = fields.String(required=True, metadata={"description": "company slug"})
    methodology = fields.Nested(MethodologyRef, required=True, metadata={"description": "the methodology answered"})
    cycle_year = fields.Integer(required=True, metadata={"description": "the year the assessment covers"})
    status = fields.String(required=True, metadata={"description": "`draft`, `submitted` or `published`"})
    author = fields.String(allow_none=True, metadata={"description": "e-mail of the analyst who started it"})
    review_comment = fields.String(allow_none=True, metadata={"description": "the reviewer's comment when returned"})
    version = fields.Integer(required=True, metadata={"description": "moves on every write; the ETag carries it"})
    authors = fields.List(fields.String(), required=True,
                          metadata={"description": "e-mails of everyone who created it, wrote answers or submitted it; "
                                                  "none of them may publish it"})
    sourcing = fields.List(fields.Nested(SourcingRecordOut), allow_none=True, required=True,
                           metadata={"description": "the sourcing frozen at submission, scored at publication; "
                                                   "null for a draft (scored on the company's live sourcing)"})
    risk_list_edition = fields.String(allow_none=True, required=True,
                                      metadata={"description": "the risk-list edition frozen at submission; null for a draft"})
    rating = fields.Integer(allow_none=True, metadata={"description": "id of the published rating, once published"})
    answers = fields.List(fields.Nested(AnswerOut), required=True, metadata={"description": "every answer given"})
    comments = fields.List(fields.Nested(AnswerCommentOut), metadata={"description": "the reviewer's comments per "
                                                                                     "answer from the last return"})


class RatingRef(ma.Schema):
    id = fields.Integer(required=True)
    grade = fields.String(required=True)
    score = fields.Float(required=True)
    withdrawn = fields.Boolean(required=True)


class ReplyRecordOut(ma.Schema):
    id = fields.Integer(required=True, metadata={"description": "reply id"})
    rating = fields.Integer(required=True, metadata={"description": "id of the rating replied to"})
    text = fields.String(required=True, metadata={"description": "the reply"})
    status = fields.String(required=True, metadata={"description": "`pending`, `accepted` or `rejected`"})
    indicators = fields.List(fields.String(), required=True, metadata={"description": "indicator ids the reply is about"})
    evidence = fields.List(fields.String(), required=True, metadata={"description": "links to the reply's evidence"})
    reason = fields.String(allow_none=True, required=True, metadata={"description": "why a reviewer rejected it; "
                                                                                    "null unless rejected"})
    created_at = fields.DateTime(required=True, metadata={"description": "when the company replied"})
    reviewed_at = fields.DateTime(allow_none=True, required=True, metadata={"description": "when a reviewer decided"})


# The live result of an assessment (scoring.engine.result_to_dict) and the roadmap in it.

class RiskPair(ma.Schema):
    stage = fields.String(required=True, metadata={"description": "stage id"})
    good = fields.String(required=True, metadata={"description": "the good, as on the risk list"})
    country = fields.String(required=True, metadata={"description": "ISO 3166-1 alpha-2"})
    country_name = fields.String(required=True, metadata={"description": "the country's name"})
    child_labor = fields.Boolean(required=True, metadata={"description": "listed for child labour"})
    forced_labor = fields.Boolean(required=True, metadata={"description": "listed for forced labour"})
    downstream = fields.Boolean(required=True, metadata={"description": "listed as an input of a downstream good"})
    input_country = fields.String(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2 of the input, if downstream"})


class IndicatorResult(ma.Schema):
    indicator = fields.String(required=True, metadata={"description": "indicator id"})
    category = fields.String(required=True, metadata={"description": "category id"})
    stage = fields.String(allow_none=True, metadata={"description": "stage id; null for an unstaged indicator"})
    value = fields.Raw(allow_none=True, metadata=ANSWER_VALUE)
    applicable = fields.Boolean(required=True, metadata={"description": "false when answered not applicable"})
    earned = fields.Float(required=True, metadata={"description": "points of the overall score earned, two decimals"})
    possible = fields.Float(required=True, metadata={"description": "points of the overall score available, two decimals"})
    share = fields.Float(required=True, metadata={"description": "possible points as a share of 1, four decimals"})


class EvidenceCoverage(ma.Schema):
    any = fields.Float(required=True, metadata={"description": "share of answers (0 to 1) with any evidence"})
    public = fields.Float(required=True, metadata={"description": "share with public evidence"})
    company = fields.Float(required=True, metadata={"description": "share with company evidence"})
    third_party = fields.Float(required=True, metadata={"description": "share with third-party evidence"})


class Coverage(ma.Schema):
    answered = fields.Float(required=True, metadata={"description": "share of slots (0 to 1) answered, three decimals"})
    evidence = fields.Nested(EvidenceCoverage, allow_none=True, required=True,
                             metadata={"description": "shares by kind of evidence; null with no answer"})


class RoadmapItem(ma.Schema):
    indicator = fields.String(required=True, metadata={"description": "indicator id"})
    stage = fields.String(allow_none=True, metadata={"description": "stage id; null for an unstaged indicator"})
    category = fields.String(required=True, metadata={"description": "category id"})
    gain = fields.Float(required=True, metadata={"description": "points added to the overall score by full credit here"})
    score_if_met = score(f"the overall score with only this item met: {SCORE}", required=True)
    grade_if_met = grade("the grade with only this item met", required=True)


class Roadmap(ma.Schema):
    next_grade = grade("the next better grade; null at the top", allow_none=True, required=True)
    reachable = fields.Boolean(required=True, metadata={"description": "whether next_grade can be reached on this scale"})
    items = fields.List(fields.Nested(RoadmapItem), required=True, metadata={"description": "biggest gain first"})
    to_next_grade = fields.List(fields.Nested(RoadmapItem), required=True,
                                metadata={"description": "the fewest items, biggest first, that reach next_grade"})


class ResultCategory(ma.Schema):  # the engine's own result: ids are the keys, names are in the methodology
    score = score(f"the category's {SCORE}; null when none of its indicators applies", allow_none=True)
    grade = grade("the category's letter grade on the result's scale; null when not scored", allow_none=True)


class ResultStage(ma.Schema):
    score = score(f"the stage's {SCORE}; null when none applies", allow_none=True)


class ResultOut(ma.Schema):
    score = score(required=True)
    grade = grade(required=True)
    scale = fields.String(required=True, validate=validate.OneOf(SCALES), metadata={"description": "grade bands used"})
    scale_reasons = fields.List(fields.String(), required=True, metadata={"description": "why this scale"})
    risk_pairs = fields.List(fields.Nested(RiskPair), required=True,
                             metadata={"description": "sourced (good, country) pairs on the risk list"})
    undisclosed_stages = fields.List(fields.String(), required=True, metadata={"description": "stage ids not disclosed"})
    categories = fields.Dict(keys=fields.String(), values=fields.Nested(ResultCategory), required=True,
                             metadata={"description": "category id -> score and grade"})
    stages = fields.Dict(keys=fields.String(), values=fields.Nested(ResultStage), required=True,
                         metadata={"description": "stage id -> score"})
    indicators = fields.List(fields.Nested(IndicatorResult), required=True, metadata={"description": "one per answer slot"})
    coverage = fields.Nested(Coverage, required=True, metadata={"description": "how much is answered and evidenced"})
    roadmap = fields.Nested(Roadmap, required=True, metadata={"description": "what would raise the grade"})
    notes = fields.List(fields.String(), required=True, metadata={"description": "remarks of the engine"})
    inputs_hash = fields.String(required=True, metadata={"description": "hash of the canonical inputs"})
    methodology = fields.Nested(MethodologyRef, required=True, metadata={"description": "the methodology scored with"})


class PublishOut(ma.Schema):
    rating = fields.Integer(required=True, metadata={"description": "id of the new rating"})
    grade = grade(required=True)
    score = score(required=True)
    scale = fields.String(required=True, validate=validate.OneOf(SCALES), metadata={"description": "grade bands used"})


class WithdrawOut(ma.Schema):
    rating = fields.Integer(required=True, metadata={"description": "id of the withdrawn rating"})
    withdrawn_at = fields.String(required=True, metadata={"format": "date-time", "description": "ISO 8601, UTC"})
    reason = fields.String(required=True, metadata={"description": "why, as shown in the history"})


class ImportOut(ma.Schema):
    rows = fields.Integer(required=True, metadata={"description": "rows read"})
    counts = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer()),
                         required=True, metadata={"description": "section (companies, brands, products...) -> outcome "
                                                                 "(created, updated, unchanged, or proposed: a brand's new "
                                                                 "owner or a graded company's prefix, waiting for approval) "
                                                                 "-> rows"})


# GET /v1/portal/scorecard (ratings.portal.scorecard).

class HttpDate(fields.String):
    """A time as this route has always sent it: an RFC 9110 HTTP-date ("Tue, 01 Dec 2026 21:16:21 GMT")."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else http_date(value)


HTTP_DATE = {"description": 'HTTP-date in UTC, for example "Tue, 01 Dec 2026 21:16:21 GMT" '
                                            "(this route's format; the public routes send ISO 8601)"}


class PortalRating(ma.Schema):
    id = fields.Integer(required=True, metadata={"description": "rating id"})
    grade = grade(required=True)
    score = score(required=True)
    scale = fields.String(required=True, validate=validate.OneOf(SCALES), metadata={"description": "grade bands used"})
    scale_reasons = fields.List(fields.String(), required=True, metadata={"description": "why this scale"})
    categories = fields.Dict(keys=fields.String(), values=fields.Nested(CategoryScore), required=True,
                             metadata={"description": "category id -> score and grade"})
    stages = fields.Dict(keys=fields.String(), values=fields.Nested(StageScore), required=True,
                         metadata={"description": "stage id -> score"})
    methodology = fields.Nested(MethodologyRef, required=True, metadata={"description": "the methodology scored with"})
    published_at = HttpDate(required=True, metadata=HTTP_DATE)


class PortalHistoryItem(PortalRating):
    withdrawn = fields.Boolean(required=True, metadata={"description": "withdrawn ratings stay in the history"})


class PortalCompany(CompanyOut):
    rating = fields.Nested(PortalRating, allow_none=True, required=True, metadata={"description": "current rating, or null"})


class PortalScorecardOut(ma.Schema):
    company = fields.Nested(PortalCompany, required=True, metadata={"description": "your company, as the public sees it"})
    rating = fields.Nested(PortalRating, allow_none=True, required=True, metadata={"description": "null when not rated"})
    breakdown = fields.List(fields.Nested(CategoryBreakdown), required=True,
                            metadata={"description": "indicators by category with their points and evidence"})
    roadmap = fields.Nested(Roadmap, allow_none=True, required=True, metadata={"description": "what would raise the grade"})
    coverage = fields.Nested(Coverage, allow_none=True, required=True, metadata={"description": "answered and evidenced shares"})
    history = fields.List(fields.Nested(PortalHistoryItem), required=True, metadata={"description": "newest first"})
    replies = fields.List(fields.Nested("ReplyRecordOut"), required=True, metadata={"description": "your replies, oldest first"})


ANSWER_IF_MATCH = {
    "in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
    "example": '"answer-1-POL-1-raw_materials-v2"',
    "description": "this answer's ETag (`answer-<assessment>-<indicator>-<stage or _>-v<version>`, version 0 while "
                   "unanswered; from the assessment's answers or the last save). Missing: 428; another person saved "
                   "this answer since: 412 `answer_conflict` with their answer in `errors.current`. `*` skips the check.",
}


class AnswerSave(ma.Schema):
    """One answer slot (the answers-file shape without indicator and stage, which the address names)."""

    class Meta:
        unknown = ma.RAISE

    value = fields.Raw(required=True, allow_none=True,
                       metadata={**ANSWER_VALUE, "description": "the answer; null clears the slot (unanswered)"})
    evidence = fields.Raw(load_default=None, allow_none=True,
                          metadata={"type": "array", "items": {"$ref": "#/components/schemas/Evidence"},
                                    "description": "sources for the answer"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000),
                         metadata={"description": "working note, never shown publicly"})


class LivePreview(ma.Schema):
    score = score(required=True)
    grade = grade(required=True)
    scale = fields.String(required=True, validate=validate.OneOf(SCALES), metadata={"description": "grade bands used"})


class AnswerSaved(ma.Schema):
    answer = fields.Nested(AnswerOut, required=True, allow_none=True, metadata={"description": "null when cleared"})
    assessment_version = fields.Integer(required=True, metadata={"description": "the assessment's version now"})
    preview = fields.Nested(LivePreview, required=True, metadata={"description": "the live result after this save"})


# Proposals (ratings.proposals.describe): grade-moving changes waiting for a second person.

PROPOSAL_KINDS = ("brand_owner", "gs1_prefix", "withdrawal")
PROPOSAL_STATUSES = ("pending", "approved", "rejected")


class ProposalChange(ma.Schema):
    """What a proposal changes; which keys are present depends on its kind."""
    brand = fields.String(metadata={"description": "brand_owner: the brand's slug"})
    from_company = fields.String(metadata={"description": "brand_owner: the current owner's slug"})
    to_company = fields.String(metadata={"description": "brand_owner: the proposed owner's slug"})
    company = fields.String(metadata={"description": "gs1_prefix: the company's slug; withdrawal: the rated company's slug"})
    prefix = fields.String(metadata={"description": "gs1_prefix: the prefix (digits of the 13-digit form)"})
    rating = fields.Integer(metadata={"description": "withdrawal: the id of the rating"})


class ProposalOut(ma.Schema):
    id = fields.Integer(required=True, metadata={"description": "proposal id"})
    kind = fields.String(required=True, validate=validate.OneOf(PROPOSAL_KINDS),
                         metadata={"description": "`brand_owner`, `gs1_prefix` or `withdrawal`"})
    status = fields.String(required=True, validate=validate.OneOf(PROPOSAL_STATUSES),
                           metadata={"description": "`pending`, `approved` or `rejected`"})
    change = fields.Nested(ProposalChange, required=True, metadata={"description": "what takes effect on approval"})
    reason = fields.String(allow_none=True, required=True, metadata={"description": "why it is proposed (withdrawals)"})
    proposed_by = fields.String(allow_none=True, required=True, metadata={"description": "e-mail of the proposer"})
    proposed_at = fields.DateTime(required=True, metadata={"description": "when it was proposed (UTC)"})
    decided_by = fields.String(allow_none=True, required=True, metadata={"description": "e-mail of who approved or rejected it"})
    decided_at = fields.DateTime(allow_none=True, required=True, metadata={"description": "when it was decided (UTC)"})
    decision_reason = fields.String(allow_none=True, required=True, metadata={"description": "why it was rejected"})


class ProposalList(ma.Schema):
    items = fields.List(fields.Nested(ProposalOut), required=True, metadata={"description": "oldest first"})


class ProposalQuery(ma.Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(PROPOSAL_STATUSES),
                           metadata={"description": "only proposals with this status"})
    kind = fields.String(load_default=None, validate=validate.OneOf(PROPOSAL_KINDS),
                         metadata={"description": "only proposals of this kind"})


class RejectBody(Strict):
    reason = fields.String(required=True, validate=TEXT, metadata={"description": "why"})
