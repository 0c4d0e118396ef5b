"""GET /v1/ratings/{id}/inputs: what a published rating was computed from, to verify it independently."""

from flask.views import MethodView
from flask_smorest import Blueprint

from api import database
from api.caching import public_cached
from api.errors import ErrorSchema
from api.openapi import example
from api.public.schemas import NOT_MODIFIED, InputsPackOut
from ratings.inputs_pack import inputs_pack

blp = Blueprint("ratings", __name__, url_prefix="/v1/ratings", description="Published ratings")


@blp.route("/<int:rating_id>/inputs")
class RatingInputs(MethodView):
    @public_cached
    @blp.alt_response(304, description=NOT_MODIFIED)
    @blp.response(200, InputsPackOut, example=example("inputs"))
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown rating")
    def get(self, rating_id):
        """The inputs pack: methodology version and file, answers with evidence (confidential evidence as
        its placeholder), the sourcing frozen at submission, the risk-list edition and the inputs hash.
        `ratings score --methodology FILE --answers PACK` reproduces the published score, grade, scale and hash."""
        return inputs_pack(database.session(), rating_id=rating_id)
