"""GET /v1/methodologies/{id}: the methodology as published, so an app can explain each indicator."""

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from api.errors import ErrorSchema
from api.openapi import example
from scoring.methodology import methodology_to_dict

from api.caching import public_cached
from api.public.schemas import NOT_MODIFIED, MethodologyFileOut, MethodologyOut
from ratings import datafiles

blp = Blueprint("methodologies", __name__, url_prefix="/v1/methodologies", description="Methodologies")


@blp.route("/<string:methodology_id>")
class Methodology(MethodView):
    @public_cached
    @blp.alt_response(304, description=NOT_MODIFIED)
    @blp.response(200, MethodologyOut, example=example("methodology"))
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown methodology")
    def get(self, methodology_id):
        """Categories, stages, indicators with their guidance and weights, and the grade bands."""
        return methodology_to_dict(datafiles.methodology(methodology_id))


@blp.route("/<string:methodology_id>/<string:version>/file")
class MethodologyFile(MethodView):
    @public_cached
    @blp.alt_response(304, description=NOT_MODIFIED)
    @blp.response(200, MethodologyFileOut, example=example("methodology_file"), description="the methodology file, byte for byte (its sha256 is in the "
                                                       "inputs pack)")
    @blp.alt_response(404, schema=ErrorSchema, description="No file of that version is shipped")
    def get(self, methodology_id, version):
        """The exact file a methodology version was published from, for `ratings score --methodology`."""
        path = datafiles.methodology_file(methodology_id, version)
        return Response(path.read_bytes(), mimetype="application/json")
