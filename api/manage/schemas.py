"""Input and output schemas of the authenticated API: separate schemas for create, update and output."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

NAME = validate.Length(min=1, max=200)
SLUG = validate.Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", error="Lowercase letters, digits and single hyphens.")


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE  # a misspelt field is an error, not silently ignored


class CompanyCreate(Strict):
    name = fields.String(required=True, validate=NAME)
    slug = fields.String(validate=[SLUG, validate.Length(max=120)])
    country = fields.String(allow_none=True, validate=validate.Length(equal=2))
    website = fields.Url(allow_none=True, validate=validate.Length(max=500))
    parent = fields.String(allow_none=True, validate=SLUG)


class CompanyUpdate(Strict):
    name = fields.String(validate=NAME)
    country = fields.String(allow_none=True, validate=validate.Length(equal=2))
    website = fields.Url(allow_none=True, validate=validate.Length(max=500))
    parent = fields.String(allow_none=True, validate=SLUG)


class CompanyRecordOut(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    country = fields.String(allow_none=True)
    website = fields.String(allow_none=True)


class BrandCreate(Strict):
    name = fields.String(required=True, validate=NAME)
    slug = fields.String(validate=[SLUG, validate.Length(max=120)])
    company = fields.String(required=True, validate=SLUG)
    industry = fields.String(allow_none=True, validate=SLUG)
    aliases = fields.List(fields.String(validate=NAME), load_default=list, validate=validate.Length(max=50))


class BrandUpdate(Strict):
    name = fields.String(validate=NAME)
    company = fields.String(validate=SLUG)
    industry = fields.String(allow_none=True, validate=SLUG)
    aliases = fields.List(fields.String(validate=NAME), validate=validate.Length(max=50))


class BrandOut(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    aliases = fields.List(fields.String(), required=True)


class ProductCreate(Strict):
    gtin = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    brand = fields.String(required=True, validate=SLUG)


class ProductConfirmBody(Strict):
    brand = fields.String(validate=SLUG, metadata={"description": "the right brand, if the guess was wrong"})


class ProductRecordOut(ma.Schema):
    gtin = fields.String(required=True)
    name = fields.String(required=True)
    source = fields.String(required=True)


class PrefixCreate(Strict):
    prefix = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{4,12}$", error="4 to 12 digits."))


class PrefixOut(ma.Schema):
    prefix = fields.String(required=True)


class SourcingRecordIn(Strict):
    stage = fields.String(required=True, validate=validate.Length(min=1, max=40))
    good = fields.String(allow_none=True, validate=validate.Length(max=200))
    country = fields.String(allow_none=True, validate=validate.Length(equal=2))
    disclosed = fields.Boolean(load_default=True)


class SourcingReplace(Strict):
    records = fields.List(fields.Nested(SourcingRecordIn), required=True, validate=validate.Length(max=500))


class SourcingOut(ma.Schema):
    records = fields.List(fields.Nested(SourcingRecordIn), required=True)


class AssessmentCreate(Strict):
    company = fields.String(required=True, validate=SLUG)
    methodology = fields.String(load_default="f2w-2026", validate=validate.Length(max=60))
    cycle_year = fields.Integer(validate=validate.Range(min=2000, max=2100))


class AnswersReplace(Strict):
    answers = fields.List(fields.Dict(), required=True, validate=validate.Length(max=2000),
                          metadata={"description": "entries of the answers-file shape: indicator, stage, value, evidence, note"})


class ReturnBody(Strict):
    comment = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class WithdrawBody(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class ReplyCreate(Strict):
    rating = fields.Integer(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class AnswerOut(ma.Schema):
    indicator = fields.String(required=True)
    stage = fields.String(allow_none=True)
    value = fields.Raw(required=True)
    evidence = fields.List(fields.Dict(), required=True)
    note = fields.String(allow_none=True)


class AssessmentOut(ma.Schema):
    id = fields.Integer(required=True)
    company = fields.String(required=True)
    methodology = fields.Dict(required=True)
    cycle_year = fields.Integer(required=True)
    status = fields.String(required=True)
    author = fields.String(allow_none=True)
    review_comment = fields.String(allow_none=True)
    version = fields.Integer(required=True)
    authors = fields.List(fields.String(), metadata={"description": "everyone who created, answered or submitted it"})
    sourcing = fields.List(fields.Dict(), allow_none=True,
                           metadata={"description": "the sourcing frozen at submission (null for a draft)"})
    rating = fields.Integer(allow_none=True, metadata={"description": "id of the published rating, once published"})
    answers = fields.List(fields.Nested(AnswerOut), required=True)


class RatingRef(ma.Schema):
    id = fields.Integer(required=True)
    grade = fields.String(required=True)
    score = fields.Float(required=True)
    withdrawn = fields.Boolean(required=True)


class ReplyRecordOut(ma.Schema):
    id = fields.Integer(required=True)
    rating = fields.Integer(required=True)
    text = fields.String(required=True)
    status = fields.String(required=True)


class ProposalOut(ma.Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "brand_owner | gs1_prefix | withdrawal"})
    status = fields.String(required=True, metadata={"description": "pending | approved | rejected"})
    change = fields.Dict(required=True, metadata={"description": "what takes effect on approval"})
    reason = fields.String(allow_none=True)
    proposed_by = fields.String(allow_none=True)
    proposed_at = fields.DateTime(required=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)


class ProposalList(ma.Schema):
    items = fields.List(fields.Nested(ProposalOut), required=True)


class ProposalQuery(ma.Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(("pending", "approved", "rejected")))
    kind = fields.String(load_default=None, validate=validate.OneOf(("brand_owner", "gs1_prefix", "withdrawal")))


class RejectBody(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))
