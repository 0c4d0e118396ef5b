"""Query and output schemas of the work lists (GET /v1/assessments, GET /v1/replies)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.manage.schemas import SLUG, Strict
from ratings.queues import ASSESSMENT_STATUSES, AUTHOR_FILTERS, REPLY_STATUSES


class PageQuery(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class AssessmentQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(ASSESSMENT_STATUSES),
                           metadata={"description": "draft (returned ones included), returned (sent back with comments), "
                                                    "submitted or published"})
    company = fields.String(load_default=None, validate=[SLUG, validate.Length(max=120)])
    author = fields.String(load_default=None, validate=validate.OneOf(AUTHOR_FILTERS),
                           metadata={"description": "me: you are an author; others: you are not"})


class ReplyQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(REPLY_STATUSES))


class CompanyName(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class AssessmentItem(ma.Schema):
    id = fields.Integer(required=True)
    company = fields.Nested(CompanyName, required=True)
    methodology = fields.Dict(required=True)
    cycle_year = fields.Integer(required=True)
    status = fields.String(required=True)
    returned = fields.Boolean(required=True, metadata={"description": "a draft a reviewer sent back with comments"})
    review_comment = fields.String(allow_none=True)
    author = fields.String(allow_none=True)
    you_are_author = fields.Boolean(required=True)
    version = fields.Integer(required=True)
    updated_at = fields.DateTime(required=True)
    rating = fields.Integer(allow_none=True)


class AssessmentPage(ma.Schema):
    items = fields.List(fields.Nested(AssessmentItem), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)


class ReplyItem(ma.Schema):
    id = fields.Integer(required=True)
    rating = fields.Integer(required=True)
    text = fields.String(required=True)
    status = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    company = fields.Nested(CompanyName, required=True)


class ReplyPage(ma.Schema):
    items = fields.List(fields.Nested(ReplyItem), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)
