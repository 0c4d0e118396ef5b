"""Output schemas of a rating's explained-grade fields (issue 13): named categories and stages, and the
explanation built by scoring/explain.py. api/public/schemas.py refers to them from RatingOut."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate


class CategoryNoteOut(ma.Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    score = fields.Float(required=True)
    grade = fields.String(allow_none=True)
    text = fields.String(required=True)


class MissedIndicatorOut(ma.Schema):
    indicator = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    missed = fields.Float(required=True, metadata={"description": "points of the overall score missed"})
    possible = fields.Float(required=True, metadata={"description": "points of the overall score it is worth"})
    text = fields.String(required=True)


class ScaleNoteOut(ma.Schema):
    scale = fields.String(required=True, validate=validate.OneOf(["standard", "high_risk"]))
    text = fields.String(required=True)


class StepOut(ma.Schema):
    indicator = fields.String(required=True)
    stage = fields.String(allow_none=True)
    points = fields.Float(required=True, metadata={"description": "points of the overall score (the roadmap's gain)"})
    text = fields.String(required=True, metadata={"example": "Publish a supplier list with full detail (Final manufacturing): +4.1 points"})


class NextGradeOut(ma.Schema):
    grade = fields.String(required=True)
    label = fields.String(required=True)
    reachable = fields.Boolean(required=True)
    points_needed = fields.Float(required=True)
    steps = fields.List(fields.Nested(StepOut), required=True,
                        metadata={"description": "the fewest roadmap items, biggest first, that reach the grade"})
    text = fields.String(required=True)


class ExplanationOut(ma.Schema):
    language = fields.String(required=True, metadata={"example": "en"})
    summary = fields.String(required=True, metadata={"description": "one sentence"})
    meaning = fields.String(required=True, metadata={"description": "what the grade means"})
    strongest = fields.Nested(CategoryNoteOut, allow_none=True, required=True)
    weakest = fields.Nested(CategoryNoteOut, allow_none=True, required=True)
    most_missed = fields.List(fields.Nested(MissedIndicatorOut), required=True,
                              metadata={"description": "the three indicators with the most points missed"})
    scale = fields.Nested(ScaleNoteOut, required=True)
    next_grade = fields.Nested(NextGradeOut, allow_none=True, required=True,
                               metadata={"description": "null at the top grade"})
    text = fields.List(fields.String(), required=True, metadata={"description": "every sentence, in reading order"})
