"""Input and output schemas of the authenticated API: separate schemas for create, update and output."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ratings import rules


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
    slug = fields.String(required=True)
    name = fields.String(required=True)
    country = fields.String(allow_none=True)
    website = fields.String(allow_none=True)


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
    slug = fields.String(required=True)
    name = fields.String(required=True)
    aliases = fields.List(fields.String(), required=True)


class ProductCreate(Strict):
    gtin = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=rule(rules.name, max_length=rules.PRODUCT_NAME_MAX))
    brand = fields.String(required=True, validate=SLUG)


class ProductRecordOut(ma.Schema):
    gtin = fields.String(required=True)
    name = fields.String(required=True)
    source = fields.String(required=True)


class PrefixCreate(Strict):
    prefix = fields.String(required=True, validate=rule(rules.gs1_prefix),
                           metadata={"description": "6 to 12 digits of the 13-digit GTIN form; not a restricted-circulation or coupon range"})


class PrefixOut(ma.Schema):
    prefix = fields.String(required=True)


class SourcingRecordIn(Strict):
    stage = fields.String(required=True, validate=validate.Length(min=1, max=rules.STAGE_MAX))
    good = fields.String(allow_none=True, validate=rule(rules.name, max_length=rules.GOOD_MAX))
    country = fields.String(allow_none=True, validate=COUNTRY)
    disclosed = fields.Raw(load_default=True, validate=rule(rules.boolean),
                           metadata={"type": "boolean", "description": "true or false (a JSON boolean, not a string or number)"})


class SourcingReplace(Strict):
    records = fields.List(fields.Nested(SourcingRecordIn), required=True, validate=validate.Length(max=500))


class SourcingOut(ma.Schema):
    records = fields.List(fields.Nested(SourcingRecordIn), required=True)


class AssessmentCreate(Strict):
    company = fields.String(required=True, validate=SLUG)
    methodology = fields.String(load_default="f2w-2026", validate=validate.Length(max=60))
    cycle_year = fields.Integer(strict=True, validate=rule(rules.year))  # 2026.7 is refused, not cut to 2026


def _notes_are_text(entries):
    problems = [f"answers[{n}].note: {rules.note(e['note'])[0]}" for n, e in enumerate(entries)
                if isinstance(e, dict) and rules.note(e.get("note"))]
    if problems:
        raise ma.ValidationError(problems)


class AnswersReplace(Strict):
    answers = fields.List(fields.Dict(), required=True, validate=[validate.Length(max=2000), _notes_are_text],
                          metadata={"description": "entries of the answers-file shape: indicator, stage, value, note, and evidence "
                                                   "[{url, source_type, visibility (public | confidential), date (YYYY-MM-DD), note}]"})


class ReturnBody(Strict):
    comment = fields.String(required=True, validate=TEXT)


class WithdrawBody(Strict):
    reason = fields.String(required=True, validate=TEXT)


class ReplyCreate(Strict):
    rating = fields.Integer(required=True, strict=True, validate=ID)
    text = fields.String(required=True, validate=TEXT)


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
