"""The offline bundle (`/v1/export`) and delta sync (`/v1/changes`) for mobile apps."""

from pathlib import Path

import marshmallow as ma
from flask import current_app, request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from api import database
from api.openapi import example
from api.caching import CACHE_CONTROL, client_etags, public_cached
from api.errors import ErrorSchema
from api.public.schemas import NOT_MODIFIED, ChangesOut
from ratings import changes, export

BUNDLE = ("gzip-compressed NDJSON (Content-Encoding: gzip): a header line `{\"type\": \"header\", \"format\", \"version\"}`, "
          "then one record per line, each shaped as `BundleRecord` (companies, brands, prefixes, GTINs)")

blp = Blueprint("export", __name__, url_prefix="/v1", description="Offline bundle and delta sync")


class ChangesQuery(ma.Schema):
    since = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0),
                              metadata={"description": "the `version` of the bundle or delta you hold"})


@blp.route("/export")
class Export(MethodView):
    @blp.response(200, description=BUNDLE, content_type="application/x-ndjson")
    @blp.alt_response(304, description="Your bundle is current")
    @blp.doc(responses={"200": {"description": BUNDLE,
                                "content": {"application/x-ndjson": {"schema": {"type": "string", "format": "binary"},
                                                                      "example": example("export")}}}})
    def get(self):
        """Every current rating, GTIN -> brand and GS1 prefix -> company, for offline use."""
        session = database.session()
        version = changes.current_version(session)
        tag = f"export-v{version}"
        if tag in client_etags(request.if_none_match):
            return current_app.response_class(status=304, headers={"ETag": f'"{tag}"', "Cache-Control": CACHE_CONTROL})
        version, path = export.write_bundle(session, Path(current_app.config["EXPORT_DIR"]))
        response = send_file(path, mimetype="application/x-ndjson", conditional=False, etag=False)
        response.headers.update({"Content-Encoding": "gzip", "ETag": f'"export-v{version}"', "Cache-Control": CACHE_CONTROL,
                                 "X-Catalog-Version": str(version)})
        return response


@blp.route("/changes")
class Changes(MethodView):
    @public_cached
    @blp.arguments(ChangesQuery, location="query", as_kwargs=True)
    @blp.alt_response(304, description=NOT_MODIFIED)
    @blp.response(200, ChangesOut, example=example("changes"))
    @blp.alt_response(410, schema=ErrorSchema, description="`resync_required`: download /v1/export again")
    @blp.alt_response(422, schema=ErrorSchema, description="`since` missing or not a version")
    def get(self, since):
        """What changed since a version: full records to upsert, keys to delete, and the new version."""
        return export.changes_since(database.session(), since)
