"""What the assessment form shows, read from the methodology and the stored answers: categories,
indicators and their slots, each slot's answer and reviewer comment, the completeness meter and the live
result (the same engine and rules the API's preview and publish use)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ratings import assessments, review
from ratings.models import Assessment, Company
from scoring.completeness import Completeness, completeness


def form_sheet(session: Session, assessment_id: int) -> dict[str, Any]:
    assessment = assessments.get_assessment(session, assessment_id)
    method = assessments.methodology_of(assessment)
    answers = review.answers_by_slot(session, assessment.id)
    comments = review.comments_by_slot(session, assessment.id)
    stages = method.stages
    categories = []
    for category in method.categories:
        indicators = []
        for indicator in category.indicators:
            slot_stages = [s.id for s in stages] if indicator.staged else [None]
            indicators.append({
                "indicator": indicator,
                "slots": [{"stage": stage, "answer": answers.get((indicator.id, stage)),
                           "comment": comments[(indicator.id, stage)].text if (indicator.id, stage) in comments else None}
                          for stage in slot_stages],
            })
        categories.append({"category": category, "indicators": indicators})
    company = session.get(Company, assessment.company_id)
    return {"assessment": assessment, "company": company, "methodology": method, "categories": categories,
            "stage_names": {s.id: s.name for s in stages}, **live_state(session, assessment)}


def live_state(session: Session, assessment: Assessment) -> dict[str, Any]:
    """The completeness meter and the live result, recomputed after every save."""
    stored = assessments.stored_answers(session, assessment.id)
    method = assessments.methodology_of(assessment)
    return {"completeness": completeness(method, stored), "result": assessments.score_assessment(session, assessment),
            "indicator_text": {i.id: i.text for c in method.categories for i in c.indicators},
            "stage_names": {s.id: s.name for s in method.stages}}


def submit_warnings(session: Session, assessment_id: int) -> Completeness:
    """What a submit should warn about: unanswered slots and answers without evidence."""
    assessment = assessments.get_assessment(session, assessment_id)
    return completeness(assessments.methodology_of(assessment), assessments.stored_answers(session, assessment.id))


