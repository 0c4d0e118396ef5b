"""Output schemas of the public API (input is only path and query parameters)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.public.rating_request_schemas import RatingRequestLink


class MethodologyRef(ma.Schema):
    id = fields.String(required=True)
    version = fields.String(required=True)


class CategoryScore(ma.Schema):
    score = fields.Float(allow_none=True)
    grade = fields.String(allow_none=True)


class StageScore(ma.Schema):
    score = fields.Float(allow_none=True)


class RatingOut(ma.Schema):
    id = fields.Integer(required=True)
    grade = fields.String(required=True, metadata={"example": "B+"})
    score = fields.Float(required=True, metadata={"description": "0 to 100, one decimal"})
    scale = fields.String(required=True, validate=validate.OneOf(["standard", "high_risk"]))
    scale_reasons = fields.List(fields.String(), required=True)
    categories = fields.Dict(keys=fields.String(), values=fields.Nested(CategoryScore), required=True)
    stages = fields.Dict(keys=fields.String(), values=fields.Nested(StageScore), required=True)
    methodology = fields.Nested(MethodologyRef, required=True)
    published_at = fields.DateTime(required=True)
    cycle_year = fields.Integer(allow_none=True, metadata={"description": "the research cycle", "example": 2026})
    evidence_cutoff = fields.Date(allow_none=True, metadata={"description": "research done: no later evidence was considered"})


class CompanyRef(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    country = fields.String(allow_none=True)


class CategoryRef(ma.Schema):
    slug = fields.String(required=True, metadata={"example": "knitwear"})
    name = fields.String(required=True, metadata={"example": "Knitwear"})


class BrandSummary(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    aliases = fields.List(fields.String(), required=True)
    industry = fields.String(allow_none=True)
    company = fields.Nested(CompanyRef, required=True)
    grade = fields.String(allow_none=True, metadata={"description": "current grade; null when not rated"})
    score = fields.Float(allow_none=True)
    category = fields.Nested(CategoryRef, allow_none=True, metadata={"description": "its main product category"})


class AlternativeOut(BrandSummary):
    """A better-graded brand of another company group (issue 13, point 6)."""

    reason = fields.String(required=True, metadata={"example": "A- vs C in apparel, knitwear",
                                                    "description": "why it is suggested, in words"})
    shared_category = fields.Nested(CategoryRef, allow_none=True, required=True,
                                    metadata={"description": "the product category it has in common with the scanned brand"})


class ProductOut(ma.Schema):
    gtin = fields.String(required=True)
    name = fields.String(required=True)
    source = fields.String(required=True)
    category = fields.Nested(CategoryRef, allow_none=True, metadata={"description": "its product category, when known"})
    brand_names = fields.List(fields.String(), metadata={"description": "upstream's brand text, for a brand we do not know"})


class BarcodeRef(ma.Schema):
    input = fields.String(required=True)
    gtin = fields.String(required=True)


class BarcodeOut(ma.Schema):
    barcode = fields.Nested(BarcodeRef, required=True)
    match = fields.String(required=True, validate=validate.OneOf(["product", "gs1_prefix", "upstream"]))
    status = fields.String(required=True, validate=validate.OneOf(["rated", "not_rated"]))
    product = fields.Nested(ProductOut, allow_none=True, required=True)
    brand = fields.Nested(BrandSummary, allow_none=True, required=True)
    company = fields.Nested(CompanyRef, allow_none=True, required=True,
                            metadata={"description": "null only for an upstream product of a brand we do not know"})
    rating = fields.Nested(RatingOut, allow_none=True, required=True)
    alternatives = fields.List(fields.Nested(AlternativeOut), required=True)
    rating_request = fields.Nested(RatingRequestLink, allow_none=True,
                                   metadata={"description": "how to ask for a rating, when there is none"})


class BrandQuery(ma.Schema):
    q = fields.String(load_default=None, validate=validate.Length(max=200))
    industry = fields.String(load_default=None, validate=validate.Length(max=120))
    grade_min = fields.String(load_default=None, validate=validate.Length(max=3), metadata={"example": "B"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class BrandPage(ma.Schema):
    items = fields.List(fields.Nested(BrandSummary), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)


class EvidenceOut(ma.Schema):
    url = fields.String(required=True)
    source_type = fields.String(required=True)
    note = fields.String(allow_none=True)


class IndicatorOut(ma.Schema):
    indicator = fields.String(required=True)
    text = fields.String(required=True)
    stage = fields.String(allow_none=True)
    value = fields.Raw(allow_none=True)
    applicable = fields.Boolean(required=True)
    earned = fields.Float(required=True)
    possible = fields.Float(required=True)
    evidence = fields.List(fields.Nested(EvidenceOut), required=True)


class CategoryBreakdown(ma.Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    score = fields.Float(allow_none=True)
    grade = fields.String(allow_none=True)
    indicators = fields.List(fields.Nested(IndicatorOut), required=True)


class HistoryItem(ma.Schema):
    id = fields.Integer(required=True)
    grade = fields.String(required=True)
    score = fields.Float(required=True)
    scale = fields.String(required=True)
    methodology = fields.Nested(MethodologyRef, required=True)
    published_at = fields.DateTime(required=True)
    cycle_year = fields.Integer(allow_none=True, metadata={"description": "the research cycle", "example": 2026})
    evidence_cutoff = fields.Date(allow_none=True, metadata={"description": "research done: no later evidence was considered"})
    withdrawn = fields.Boolean(required=True)
    withdrawn_reason = fields.String(allow_none=True)


class ReplyOut(ma.Schema):
    text = fields.String(required=True)
    accepted_at = fields.DateTime(allow_none=True)


class ScorecardOut(ma.Schema):
    brand = fields.Nested(BrandSummary, required=True)
    status = fields.String(required=True, validate=validate.OneOf(["rated", "not_rated"]))
    rating = fields.Nested(RatingOut, allow_none=True, required=True)
    breakdown = fields.List(fields.Nested(CategoryBreakdown), required=True)
    history = fields.List(fields.Nested(HistoryItem), required=True)
    reply = fields.Nested(ReplyOut, allow_none=True, required=True)
    alternatives = fields.List(fields.Nested(AlternativeOut), required=True)
    rating_request = fields.Nested(RatingRequestLink, allow_none=True,
                                   metadata={"description": "how to ask for a rating, when there is none"})


class CompanyOut(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    country = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    parent = fields.Nested(CompanyRef, allow_none=True)
    status = fields.String(required=True)
    rating = fields.Nested(RatingOut, allow_none=True, required=True)
    brands = fields.List(fields.Nested(BrandSummary), required=True)
    rating_request = fields.Nested(RatingRequestLink, allow_none=True,
                                   metadata={"description": "how to ask for a rating, when there is none"})


class IndustryOut(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    brands = fields.Integer(required=True, metadata={"description": "number of brands"})
    rated = fields.Integer(required=True, metadata={"description": "number of rated brands"})
    grades = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                         metadata={"description": "brands per current grade"})


class IndustryList(ma.Schema):
    items = fields.List(fields.Nested(IndustryOut), required=True)


class IndustryDetail(IndustryOut):
    ranking = fields.List(fields.Nested(BrandSummary), required=True, metadata={"description": "brands by score, best first"})
