"""Query and output schemas of the work lists (GET /v1/assessments, GET /v1/replies)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.manage.schemas import SLUG, MethodologyRef, ReplyRecordOut, Strict
from api.paging import Paging, page_of
from ratings.queues import ASSESSMENT_STATUSES, AUTHOR_FILTERS, REPLY_STATUSES


class PageQuery(Strict, Paging):
    pass


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
    slug = fields.String(required=True, metadata={"description": "company slug"})
    name = fields.String(required=True, metadata={"description": "company name"})


class AssessmentItem(ma.Schema):
    id = fields.Integer(required=True, metadata={"description": "assessment id"})
    company = fields.Nested(CompanyName, required=True, metadata={"description": "the company assessed"})
    methodology = fields.Nested(MethodologyRef, required=True, metadata={"description": "the methodology answered"})
    cycle_year = fields.Integer(required=True, metadata={"description": "the year the assessment covers"})
    status = fields.String(required=True, metadata={"description": "`draft`, `submitted`, `published` or `withdrawn`"})
    returned = fields.Boolean(required=True, metadata={"description": "a draft a reviewer sent back with comments"})
    review_comment = fields.String(allow_none=True, metadata={"description": "the reviewer's comment when returned"})
    author = fields.String(allow_none=True, metadata={"description": "e-mail of the analyst who started it"})
    you_are_author = fields.Boolean(required=True, metadata={"description": "whether you are an author (then you may not publish it)"})
    version = fields.Integer(required=True, metadata={"description": "moves on every write; the ETag carries it"})
    updated_at = fields.DateTime(required=True, metadata={"description": "last change"})
    rating = fields.Integer(allow_none=True, metadata={"description": "id of the published rating, once published"})


AssessmentPage = page_of(AssessmentItem, name="AssessmentPage", items="this page of results", total="matches on all pages")


class ReplyItem(ReplyRecordOut):
    company = fields.Nested(CompanyName, required=True, metadata={"description": "the company replying"})


ReplyPage = page_of(ReplyItem, name="ReplyPage", items="this page of results", total="matches on all pages")
