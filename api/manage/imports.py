"""POST /v1/imports: bulk import (analysts), all or nothing, every bad row named."""

import marshmallow as ma
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from api import database
from api.auth import current_user, roles
from api.manage import error_docs
from api.manage.schemas import ImportOut
from ratings import imports
from ratings.db import transaction

blp = Blueprint("imports", __name__, url_prefix="/v1", description="Bulk import")


class ImportQuery(ma.Schema):
    kind = ma.fields.String(load_default=None, validate=ma.validate.OneOf(sorted(imports.CSV_COLUMNS)),
                            metadata={"description": "what a text/csv body holds; a JSON body says it itself"})


@blp.route("/imports")
class Imports(MethodView):
    @roles("analyst")
    @blp.arguments(ImportQuery, location="query", as_kwargs=True)
    @blp.response(200, ImportOut)
    @error_docs(blp, "an analyst", (400, "The body is neither JSON nor CSV"),
                (422, "Invalid rows, each named in errors.rows; nothing written"))
    @blp.doc(requestBody={"required": True, "content": {
        "application/json": {"schema": {"type": "object"}}, "text/csv": {"schema": {"type": "string"}}}})
    def post(self, kind):
        """Import a JSON document (the demo catalog's shape) or a CSV file of one kind; re-running changes nothing."""
        if request.mimetype == "text/csv":
            if kind is None:
                abort(400, code="kind_required", message="Say what the CSV holds with ?kind=.")
            rows = imports.rows_from_csv(imports.decode(request.get_data(), source="The CSV body"), kind)
        else:
            document = request.get_json(silent=True)
            if document is None:
                abort(400, code="bad_request", message="Send the import as JSON (application/json) or CSV (text/csv).")
            rows = imports.rows_from_json(document)
        session = database.session()
        with transaction(session):
            report = imports.run_import(session, rows, actor=current_user())
        return {"rows": len(rows), "counts": report.as_dict()}
