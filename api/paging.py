"""Paging, declared once for every list endpoint: the query fields and the response envelope."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

PAGE_SIZE_MAX = 100


class Paging(ma.Schema):
    """`page` and `page_size` of a list endpoint's query (mixed into its query schema)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=PAGE_SIZE_MAX))


def page_of(item: type[ma.Schema], *, name: str, items: str, total: str) -> type[ma.Schema]:
    """The envelope `{"items", "page", "page_size", "total"}` of a list of `item`, as schema `name`
    (the OpenAPI component's name); `items` and `total` describe what this list holds and counts."""
    return ma.Schema.from_dict({
        "items": fields.List(fields.Nested(item), required=True, metadata={"description": items}),
        "page": fields.Integer(required=True, metadata={"description": "page number, from 1"}),
        "page_size": fields.Integer(required=True, metadata={"description": "items per page"}),
        "total": fields.Integer(required=True, metadata={"description": total}),
    }, name=name)
