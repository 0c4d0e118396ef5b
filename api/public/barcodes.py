"""GET /v1/barcodes/{code}: what a phone shows after a scan."""

import re

import marshmallow as ma
from flask import Flask, Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from api.errors import ErrorSchema
from api.hardening import AppJSON

from api import database
from api.openapi import example
from api.caching import NotInReadModel, public_cached, read_model_pass
from api.fast_path import FrontRoute
from api.public.rating_request_schemas import RatingRequestLink
from api.public.schemas import NOT_MODIFIED, BarcodeOut
from api.upstream_lookup import upstream_resolver
from ratings.errors import DomainError
from ratings.public import full_barcode_view, read_model_barcode_view


class BarcodeNotFoundError(ErrorSchema):
    """The error contract plus how to ask for a rating of the code (DESIGN "Shapes")."""

    rating_request = ma.fields.Nested(RatingRequestLink, required=True, metadata={
        "description": "how to ask for a rating of this barcode (`POST /v1/rating-requests`)"})


blp = Blueprint("barcodes", __name__, url_prefix="/v1/barcodes", description="Barcode lookups")


@blp.route("/<string:code>")
class Barcode(MethodView):
    @public_cached(read_model_first=True)
    @blp.alt_response(304, description=NOT_MODIFIED)
    @blp.response(200, BarcodeOut, example=example("barcode"))
    @blp.alt_response(400, schema=ErrorSchema, description="Malformed barcode (`invalid_barcode`, with the reason)")
    @blp.alt_response(404, schema=BarcodeNotFoundError,
                      description="No product or brand is known (`barcode_not_found`), with how to request a rating")
    @blp.alt_response(422, schema=ErrorSchema, description="A restricted-circulation code (`restricted_barcode`)")
    def get(self, code):
        """Look up a GTIN-8, UPC-A, EAN-13 or GTIN-14 (spaces and hyphens allowed)."""
        if read_model_pass():  # a known product: one query of the lookup read model (ratings/lookup_model.py)
            body = read_model_body(current_app.json, database.session(), code, database.reader())
            if body is None:
                raise NotInReadModel
            return Response(body, mimetype=current_app.json.mimetype)  # sent as is: @blp.response passes it on
        return full_barcode_view(database.session(), code=code, upstream=upstream_resolver())


def read_model_body(json: AppJSON, session: Session | None, code: str, reader) -> bytes | None:
    """A known product's answer as sent, None when the read model does not hold it. read_model_barcode_view builds
    it in the shape BarcodeOut dumps, so it is not dumped again (the read model's tests compare it, byte for byte,
    with the general path's, which is)."""
    answer = read_model_barcode_view(session, code=code, reader=reader)
    return None if answer is None else json.body(answer)


def front_route(app: Flask) -> FrontRoute:
    """A known product's lookup built in front of Flask (api/fast_path.py) as the view's read-model pass builds it:
    the same function, the same JSON provider. Only a code of digits alone is taken there (what
    a scanner sends); any other form, and whatever the read model does not hold, goes to Flask."""
    digits_only = re.compile(re.escape(blp.url_prefix) + r"/([0-9]{8,14})")
    engine, reader = database.engine_of(app), database.reader_of(app)

    def argument(path: str, query: str) -> str | None:
        match = None if query else digits_only.fullmatch(path)
        return match.group(1) if match else None

    def body(code: str) -> bytes | None:
        try:
            if reader is not None:  # every read on the reader: no session to open and close
                return read_model_body(app.json, None, code, reader)
            with Session(engine, expire_on_commit=False) as session:
                return read_model_body(app.json, session, code, reader)
        except (DomainError, OperationalError):  # a wrong check digit, a database down: Flask's answers say why
            return None

    return FrontRoute(f"{blp.name}.{Barcode.__name__}", argument, body)
