"""GET /v1/barcodes/{code}: what a phone shows after a scan."""

from flask.views import MethodView
from flask_smorest import Blueprint

from api.errors import ErrorSchema

from api import database
from api.openapi import example
from api.caching import public_cached
from api.read_models import lookup_model
from api.public.schemas import NOT_MODIFIED, BarcodeOut
from api.upstream_lookup import upstream_resolver
from ratings.public import barcode_view

blp = Blueprint("barcodes", __name__, url_prefix="/v1/barcodes", description="Barcode lookups")


@blp.route("/<string:code>")
class Barcode(MethodView):
    @public_cached
    @blp.alt_response(304, description=NOT_MODIFIED)
    @blp.response(200, BarcodeOut, example=example("barcode"))
    @blp.alt_response(400, schema=ErrorSchema, description="Malformed barcode (`invalid_barcode`, with the reason)")
    @blp.alt_response(404, schema=ErrorSchema, description="No product or brand is known (`barcode_not_found`)")
    @blp.alt_response(422, schema=ErrorSchema, description="A restricted-circulation code (`restricted_barcode`)")
    def get(self, code):
        """Look up a GTIN-8, UPC-A, EAN-13 or GTIN-14 (spaces and hyphens allowed)."""
        return barcode_view(database.session(), code=code, model=lookup_model(), upstream=upstream_resolver())
