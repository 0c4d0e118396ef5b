"""Output schemas of a rating's explanation (issue 13), built by scoring/explain.py from the rating's own
breakdown, its methodology and the templates in data/explanations/. api/public/schemas.py refers to them
from RatingOut. Points are points of the overall score (0 to 100), on two decimals unless said otherwise."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

POINTS = "points of the overall score (0 to 100)"


class CategoryNoteOut(ma.Schema):
    id = fields.String(required=True, metadata={"description": "category id", "example": "traceability"})
    name = fields.String(required=True, metadata={"description": "category name, from the methodology"})
    score = fields.Float(required=True, metadata={"description": "the category's points from 0 to 100, one decimal"})
    grade = fields.String(allow_none=True, metadata={"description": "the category's letter grade on the rating's scale"})
    text = fields.String(required=True, metadata={"description": "the sentence saying it",
                                                  "example": "Weakest category: Traceability, 31.2 out of 100 (D)."})


class MissedIndicatorOut(ma.Schema):
    indicator = fields.String(required=True, metadata={"description": "indicator id", "example": "TRA-2"})
    title = fields.String(required=True, metadata={"description": "the indicator's short title"})
    category = fields.String(required=True, metadata={"description": "id of the category it belongs to"})
    missed = fields.Float(required=True, metadata={"description": f"{POINTS} missed"})
    possible = fields.Float(required=True, metadata={"description": f"{POINTS} it is worth"})
    text = fields.String(required=True, metadata={"description": "the sentence saying it, with the answers given"})


class ScaleNoteOut(ma.Schema):
    scale = fields.String(required=True, validate=validate.OneOf(["standard", "high_risk"]),
                          metadata={"description": "the grade bands used"})
    text = fields.String(required=True, metadata={
        "description": "why this scale, in a sentence: the risk-listed good and country, or the undisclosed stage"})


class StepOut(ma.Schema):
    indicator = fields.String(required=True, metadata={"description": "indicator id of the roadmap item"})
    stage = fields.String(allow_none=True, metadata={"description": "stage id for a staged indicator, else null"})
    points = fields.Float(required=True, metadata={"description": f"{POINTS} gained (the roadmap's gain)"})
    text = fields.String(required=True, metadata={
        "description": "the step in words",
        "example": "Publish a supplier list with full detail (Final manufacturing): +4.1 points"})


class NextGradeOut(ma.Schema):
    grade = fields.String(required=True, metadata={"description": "the next better grade on the rating's scale"})
    label = fields.String(required=True, metadata={"description": "that grade's label", "example": "Leading"})
    reachable = fields.Boolean(required=True, metadata={
        "description": "false when full credit on every roadmap item still falls short"})
    points_needed = fields.Float(required=True, metadata={"description": f"{POINTS} between the score and that grade's threshold"})
    steps = fields.List(fields.Nested(StepOut), required=True,
                        metadata={"description": "the fewest roadmap items, biggest first, that reach the grade"})
    text = fields.String(required=True, metadata={"description": "the sentence saying it"})


class ExplanationOut(ma.Schema):
    language = fields.String(required=True, metadata={"description": "language of the texts (BCP 47)", "example": "en"})
    summary = fields.String(required=True, metadata={"description": "one sentence: grade, label, score and scale"})
    meaning = fields.String(required=True, metadata={"description": "what the grade means (the methodology's grade meaning)"})
    strongest = fields.Nested(CategoryNoteOut, allow_none=True, required=True,
                              metadata={"description": "the best-scored category; null when none is scored"})
    weakest = fields.Nested(CategoryNoteOut, allow_none=True, required=True,
                            metadata={"description": "the worst-scored category (ties: methodology order); null when none is scored"})
    most_missed = fields.List(fields.Nested(MissedIndicatorOut), required=True,
                              metadata={"description": "the three indicators with the most points missed"})
    scale = fields.Nested(ScaleNoteOut, required=True, metadata={"description": "the scale and why"})
    next_grade = fields.Nested(NextGradeOut, allow_none=True, required=True,
                               metadata={"description": "what would raise the grade to the next band; null at the top grade"})
    text = fields.List(fields.String(), required=True, metadata={"description": "every sentence, in reading order"})
