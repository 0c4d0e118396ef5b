"""Schemas of the rating requests (kept apart from schemas.py, which holds the cached public reads)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.paging import Paging, page_of


class RatingRequestCreate(ma.Schema):
    gtin = fields.String(validate=validate.Length(min=1, max=40), metadata={"example": "5907303498518",
                         "description": "a barcode as printed (spaces and hyphens allowed)"})
    brand = fields.String(validate=validate.Length(min=1, max=120), metadata={"description": "a brand slug"})
    company = fields.String(validate=validate.Length(min=1, max=120), metadata={"description": "a company slug"})

    @ma.validates_schema
    def _exactly_one(self, data, **_kwargs):
        if len([k for k in ("gtin", "brand", "company") if data.get(k) is not None]) != 1:
            raise ma.ValidationError("Name exactly one of gtin, brand or company.", "_schema")


class RatingRequestTarget(ma.Schema):
    type = fields.String(required=True, validate=validate.OneOf(["gtin", "brand", "company"]),
                         metadata={"description": "what is asked for: a barcode nobody rated, a brand or a company"})
    key = fields.String(required=True, metadata={"description": "the GTIN-14 or the slug"})


class RatingRequestAccepted(ma.Schema):
    target = fields.Nested(RatingRequestTarget, required=True,
                           metadata={"description": "what the request counts for: a known product's brand, a GS1 prefix's company, else the GTIN"})
    counted = fields.Boolean(required=True, metadata={"description": "false when this client asked for it today already"})


class RatingRequestLink(ma.Schema):
    """Where an app sends a rating request for what it was shown (in barcode, scorecard and company responses)."""

    href = fields.String(required=True, metadata={"description": "the path to send the request to",
                                                  "example": "/v1/rating-requests"})
    method = fields.String(required=True, metadata={"description": "the HTTP method", "example": "POST"})
    body = fields.Dict(keys=fields.String(), values=fields.String(), required=True, metadata={
        "description": "the JSON body to send: one of `gtin`, `brand`, `company`", "example": {"gtin": "05907303498518"}})


class NamedRef(ma.Schema):
    slug = fields.String(required=True, metadata={"description": "stable id"})
    name = fields.String(required=True, metadata={"description": "name"})


class ScannedBarcode(ma.Schema):
    gtin = fields.String(required=True, metadata={"description": "14-digit GTIN scanned"})
    count = fields.Integer(required=True, metadata={"description": "requests counted with it (one per client per day)"})


class RatingRequestOut(ma.Schema):
    target = fields.Nested(RatingRequestTarget, required=True, metadata={"description": "what is asked for"})
    brand = fields.Nested(NamedRef, allow_none=True, required=True, metadata={"description": "the brand, when known"})
    company = fields.Nested(NamedRef, allow_none=True, required=True, metadata={"description": "the company, when known"})
    count = fields.Integer(required=True, metadata={"description": "distinct clients per day, summed over days"})
    first_requested_at = fields.DateTime(required=True, metadata={"description": "first request (UTC)"})
    last_requested_at = fields.DateTime(required=True, metadata={"description": "latest counted request (UTC)"})
    barcodes = fields.List(fields.Nested(ScannedBarcode), required=True, metadata={"description": "the barcodes scanned, most often first"})


class RatingRequestQuery(Paging):
    type = fields.String(load_default=None, validate=validate.OneOf(["gtin", "brand", "company"]),
                         metadata={"description": "only requests for this kind of target"})


RatingRequestPage = page_of(RatingRequestOut, name="RatingRequestPage",
                            items="most requested first, then most recently requested", total="requests on every page")
