"""The pure scoring engine: methodology model and loader, answers, risk list and scale, scores, roadmap,
explanations.

No Flask, no database: plain frozen dataclasses in, plain frozen dataclasses out.
"""

from scoring.engine import (
    CategoryResult,
    Coverage,
    EvidenceCoverage,
    IndicatorResult,
    Result,
    StageResult,
    result_to_dict,
    score,
)
from scoring.explain import Explanation, Templates, load_templates, stored_result  # explain(): scoring.explain.explain
from scoring.fingerprint import inputs_hash
from scoring.inputs import (
    Answer,
    AnswerProblem,
    Evidence,
    InputError,
    SourcingRecord,
    answers_to_dicts,
    parse_answers_document,
    sourcing_to_dicts,
    validate_answers,
)
from scoring.methodology import (
    AnswerSpec,
    Category,
    GradeLabel,
    Indicator,
    Methodology,
    MethodologyError,
    Stage,
    load_methodologies,
    load_methodology,
    methodology_to_dict,
    parse_methodology,
)
from scoring.risk import RiskEntry, RiskList, RiskPair, ScaleDecision, decide_scale, load_risk_list
from scoring.roadmap import Roadmap, RoadmapItem

__all__ = [
    "Answer", "AnswerProblem", "AnswerSpec", "Category", "CategoryResult", "Coverage", "Evidence",
    "EvidenceCoverage", "Explanation", "GradeLabel", "Indicator", "IndicatorResult", "InputError", "Methodology", "MethodologyError",
    "Result", "RiskEntry", "RiskList", "RiskPair", "Roadmap", "RoadmapItem", "ScaleDecision", "SourcingRecord",
    "Stage", "StageResult", "answers_to_dicts", "decide_scale", "load_methodologies", "load_methodology",
    "inputs_hash", "load_risk_list", "methodology_to_dict", "parse_answers_document", "parse_methodology", "result_to_dict",
    "score", "sourcing_to_dicts", "validate_answers", "Templates", "load_templates", "stored_result",
]
