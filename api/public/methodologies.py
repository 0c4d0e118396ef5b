"""GET /v1/methodologies/{id}: the methodology as published, so an app can explain each indicator."""

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from api.caching import public_cached
from api.errors import ErrorSchema
from ratings import datafiles
from scoring.methodology import ANSWER_TYPES, methodology_to_dict

blp = Blueprint("methodologies", __name__, url_prefix="/v1/methodologies", description="Methodologies")


class StageOut(ma.Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    weight = fields.Float(required=True)


class AnswerSpecOut(ma.Schema):
    type = fields.String(required=True, validate=validate.OneOf(ANSWER_TYPES))
    options = fields.Dict(keys=fields.String(), values=fields.Float(),
                          metadata={"description": "choice: option -> value in [0, 1]"})
    labels = fields.Dict(keys=fields.String(), values=fields.String(),
                         metadata={"description": "choice: option -> what a person reads",
                                   "example": {"names_only": "Supplier names only"}})
    unit = fields.String(metadata={"description": "percent: what the number counts", "example": "percent of suppliers"})


class IndicatorSpecOut(ma.Schema):
    id = fields.String(required=True)
    title = fields.String(required=True, metadata={"description": "short topic", "example": "Published supplier list"})
    action = fields.String(metadata={"description": "what full credit takes, as an imperative"})
    text = fields.String(required=True, metadata={"description": "the question"})
    guidance = fields.String(required=True)
    weight = fields.Float(required=True)
    staged = fields.Boolean(required=True)
    answer = fields.Nested(AnswerSpecOut, required=True)


class CategorySpecOut(ma.Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    weight = fields.Float(required=True)
    indicators = fields.List(fields.Nested(IndicatorSpecOut), required=True)


class GradeLabelOut(ma.Schema):
    label = fields.String(required=True, metadata={"example": "Leading"})
    meaning = fields.String(required=True)
    colour = fields.String(required=True, metadata={"description": "a token an app maps to its palette",
                                                    "example": "grade-a"})


class MethodologyOut(ma.Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    version = fields.String(required=True)
    description = fields.String(required=True)
    stale_after_months = fields.Integer(required=True, metadata={"description": "a rating older than this is stale"})
    stages = fields.List(fields.Nested(StageOut), required=True)
    categories = fields.List(fields.Nested(CategorySpecOut), required=True)
    grades = fields.Dict(keys=fields.String(validate=validate.OneOf(["standard", "high_risk"])),
                         values=fields.List(fields.Tuple((fields.String(), fields.Float()))), required=True,
                         metadata={"description": "scale -> [letter, threshold] bands, best first"})
    grade_labels = fields.Dict(keys=fields.String(), values=fields.Nested(GradeLabelOut), required=True,
                               metadata={"description": "grade letter -> label, meaning and colour token"})


@blp.route("/<string:methodology_id>")
class Methodology(MethodView):
    @public_cached
    @blp.response(200, MethodologyOut)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown methodology")
    def get(self, methodology_id):
        """Categories, stages, indicators with titles, guidance, weights and option labels; grade bands with their
        labels, meanings and colour tokens; how long a rating stays fresh."""
        return methodology_to_dict(datafiles.methodology(methodology_id))
