"""Assessments: a draft of answers with evidence, checked against its methodology, then submitted.

Publishing lives in `ratings.publishing`; this module keeps drafts and the workflow steps before it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlmodel import Session, select
from scoring.engine import Result, score
from scoring.risk import decide_scale
from scoring.inputs import Answer as AnswerInput
from scoring.inputs import Evidence, InputError, SourcingRecord, answers_to_dicts, parse_answers_document

from ratings import audit, catalog, datafiles, rules
from ratings.errors import Conflict, Invalid, NotFound, Stale
from ratings.models import Answer, AnswerComment, Assessment, AssessmentAuthor, Company, PublishedRating, User
from ratings.types import utcnow


def create_assessment(
    session: Session, *, company: str, methodology: str = datafiles.DEFAULT_METHODOLOGY, cycle_year: int | None = None,
    author: User | None = None,
) -> Assessment:
    owner = catalog.get_company(session, company)
    method = datafiles.methodology(methodology)
    assessment = Assessment(
        company_id=owner.id,
        methodology_id=method.id,
        methodology_version=method.version,
        cycle_year=cycle_year or utcnow().year,
        author_id=author.id if author else None,
    )
    session.add(assessment)
    audit.record(session, actor=author, action="assessment.create", entity=assessment)
    add_author(session, assessment, author, "created")
    return assessment


def add_author(session: Session, assessment: Assessment, user: User | None, action: str) -> None:
    """Remember that `user` shaped the assessment (created, answered, submitted): they may never publish it."""
    if user is None or user.id is None:
        return
    known = session.exec(select(AssessmentAuthor.id).where(
        AssessmentAuthor.assessment_id == assessment.id, AssessmentAuthor.user_id == user.id)).first()
    if known is None:
        session.add(AssessmentAuthor(assessment_id=assessment.id, user_id=user.id, first_action=action))
        session.flush()


def author_ids(session: Session, assessment: Assessment) -> set[int]:
    ids = set(session.exec(select(AssessmentAuthor.user_id).where(AssessmentAuthor.assessment_id == assessment.id)).all())
    if assessment.author_id is not None:
        ids.add(assessment.author_id)
    return ids


def submitted_assessment_of(session: Session, company_id: int) -> Assessment | None:
    """The company's assessment under review, if any: its sourcing is frozen until it is published or returned."""
    return session.exec(select(Assessment).where(Assessment.company_id == company_id, Assessment.status == "submitted")
                        .order_by(Assessment.id)).first()


def refuse_while_submitted(session: Session, company: Company, what: str = "Its sourcing") -> None:
    under_review = submitted_assessment_of(session, company.id)
    if under_review is not None:
        raise Conflict(
            f"{what} of {company.slug} cannot change while assessment {under_review.id} is submitted for review: "
            "it is part of what the reviewer checks. Publish the assessment or return it to draft first.",
            code="assessment_under_review",
            errors={"assessment": under_review.id},
        )


def get_assessment(session: Session, assessment_id: int, *, for_update: bool = False) -> Assessment:
    """`for_update` locks the row until commit (PostgreSQL), so concurrent writers queue, then see the new version."""
    assessment = session.get(Assessment, assessment_id, with_for_update=for_update or None, populate_existing=for_update)
    if assessment is None:
        raise NotFound(f"No assessment has the id {assessment_id}.", code="assessment_not_found")
    return assessment


def replace_answers(
    session: Session, assessment_id: int, *, entries: list[dict[str, Any]], expected_version: int | None = None,
    actor: User | None = None,
) -> Assessment:
    """Replace every answer of a draft. Each bad entry is named (422) and nothing is saved."""
    assessment = get_assessment(session, assessment_id, for_update=True)
    _require_version(assessment, expected_version)
    if assessment.status != "draft":
        raise Conflict(f"Assessment {assessment.id} is {assessment.status}; only a draft can be edited.", code="not_a_draft")
    notes = {(e.get("indicator"), e.get("stage")): e.get("note") for e in entries if isinstance(e, dict)}
    _refuse_bad_notes(entries)
    answers = parse_answers(assessment, [_without_note(e) for e in entries])
    refuse_na_where_undisclosed(session, assessment, answers)
    before = {"answers": answers_to_dicts(stored_answers(session, assessment.id))}
    old_versions = {}  # per-answer versions keep moving, so a one-answer save made before this replace is stale
    for row in session.exec(select(Answer).where(Answer.assessment_id == assessment.id)).all():
        old_versions[(row.indicator_id, row.stage)] = row.version
        session.delete(row)
    session.flush()  # the old rows go before the new ones meet the unique (indicator, stage) index
    for answer in answers:
        session.add(
            Answer(
                assessment_id=assessment.id,
                indicator_id=answer.indicator,
                stage=answer.stage,
                value=answer.value,
                evidence=[evidence_dict(e) for e in answer.evidence],
                note=notes.get((answer.indicator, answer.stage)),
                version=old_versions.get((answer.indicator, answer.stage), 0) + 1,
            )
        )
    assessment.updated_at = utcnow()
    session.add(assessment)
    audit.record(session, actor=actor, action="assessment.answers", entity=assessment, before=before)
    add_author(session, assessment, actor, "answered")
    return assessment


def parse_answers(assessment: Assessment, entries: list[dict[str, Any]]) -> list[AnswerInput]:
    method = methodology_of(assessment)
    try:
        answers, _ = parse_answers_document({"answers": entries}, method, evidence_rule=rules.evidence_item)
    except InputError as error:
        raise Invalid(
            f"{len(error.problems)} answer(s) are invalid; nothing was saved.",
            code="invalid_answers",
            errors={"answers": [problem_dict(p) for p in error.problems]},
        ) from None
    return answers


def na_where_undisclosed(methodology, answers: list[AnswerInput], sourcing: list[SourcingRecord]) -> list[dict[str, Any]]:
    """'Not applicable' leaves the denominators; at a stage the company keeps hidden it would turn
    'no disclosure, no credit' into a free pass. Such answers are problems: leave them unanswered."""
    hidden = set(decide_scale(methodology, sourcing, datafiles.risk_list()).undisclosed_stages)
    return [
        {"index": index, "indicator": a.indicator, "stage": a.stage, "field": "value",
         "reason": f"stage {a.stage} is not disclosed, so it cannot be 'not applicable'; leave it unanswered"}
        for index, a in enumerate(answers)
        if a.value == "na" and a.stage in hidden
    ]


def refuse_na_where_undisclosed(session: Session, assessment: Assessment, answers: list[AnswerInput]) -> None:
    bad = na_where_undisclosed(methodology_of(assessment), answers, sourcing_of(session, assessment))
    if bad:
        raise Invalid(f"{len(bad)} answer(s) mark an undisclosed stage not applicable; nothing was saved.",
                      code="invalid_answers", errors={"answers": bad})


def problem_dict(problem) -> dict[str, Any]:
    return {
        "index": problem.index, "indicator": problem.indicator, "stage": problem.stage,
        "field": problem.field, "reason": problem.reason,
    }


def submit(session: Session, assessment_id: int, *, actor: User | None = None, expected_version: int | None = None) -> Assessment:
    """Submit a draft for review, freezing the company's sourcing with it: the reviewer checks both."""
    assessment = _move(session, assessment_id, "draft", "submitted", actor, expected_version,
                       freeze=lambda a: _freeze_sourcing(session, a))
    add_author(session, assessment, actor, "submitted")
    return assessment


def return_to_draft(
    session: Session, assessment_id: int, *, comment: str, actor: User | None = None, expected_version: int | None = None
) -> Assessment:
    rules.require(rules.text(comment), field="comment", code="invalid_comment", label="A comment")

    def thaw(assessment: Assessment) -> None:
        assessment.review_comment = comment
        assessment.sourcing_snapshot = None  # a draft scores on the live sourcing again
        assessment.risk_list_edition = None

    return _move(session, assessment_id, "submitted", "draft", actor, expected_version, freeze=thaw)


def _freeze_sourcing(session: Session, assessment: Assessment) -> None:
    assessment.sourcing_snapshot = [
        {"stage": r.stage, "good": r.good, "country": r.country, "disclosed": r.disclosed}
        for r in company_sourcing(session, assessment.company_id)
    ]
    assessment.risk_list_edition = datafiles.risk_list_edition()


@lru_cache(maxsize=None)
def preview(session: Session, assessment_id: int) -> Result:
    """The result of an assessment as it stands: a draft on the company's live sourcing, a submitted or
    published one on the sourcing frozen at submission (what the reviewer publishes)."""
    assessment = get_assessment(session, assessment_id)
    return score_assessment(session, assessment)


def score_assessment(session: Session, assessment: Assessment) -> Result:
    return score(
        methodology_of(assessment),
        stored_answers(session, assessment.id),
        sourcing_of(session, assessment),
        datafiles.risk_list_for(assessment.risk_list_edition),  # the edition frozen with its sourcing
    )


def sourcing_of(session: Session, assessment: Assessment) -> list[SourcingRecord]:
    """The frozen snapshot once submitted; the company's live sourcing for a draft."""
    if assessment.sourcing_snapshot is not None:
        return [SourcingRecord(stage=r["stage"], good=r.get("good"), country=r.get("country"),
                               disclosed=r.get("disclosed", True)) for r in assessment.sourcing_snapshot]
    return company_sourcing(session, assessment.company_id)


def methodology_of(assessment: Assessment):
    method = datafiles.methodology(assessment.methodology_id)
    if method.version != assessment.methodology_version:
        raise Conflict(
            f"Assessment {assessment.id} was made under {assessment.methodology_id} {assessment.methodology_version}, "
            f"but the methodology is now at {method.version}; start a new assessment.",
            code="methodology_changed",
        )
    return method


def stored_answers(session: Session, assessment_id: int) -> list[AnswerInput]:
    rows = session.exec(select(Answer).where(Answer.assessment_id == assessment_id).order_by(Answer.id)).all()
    return [
        AnswerInput(
            indicator=row.indicator_id,
            stage=row.stage,
            value=row.value,
            evidence=tuple(Evidence(**item) for item in row.evidence),
        )
        for row in rows
    ]


def company_sourcing(session: Session, company_id: int) -> list[SourcingRecord]:
    return [
        SourcingRecord(stage=row.stage, good=row.good, country=row.country, disclosed=row.disclosed)
        for row in catalog.sourcing_of(session, company_id)
    ]


def _move(session: Session, assessment_id: int, source: str, target: str, actor: User | None, expected_version: int | None,
          freeze=None) -> Assessment:
    assessment = get_assessment(session, assessment_id, for_update=True)
    _require_version(assessment, expected_version)
    if assessment.status != source:
        raise Conflict(
            f"Assessment {assessment.id} is {assessment.status}; it must be {source} to become {target}.",
            code="wrong_status",
        )
    before = audit.snapshot(assessment)
    if freeze is not None:  # before the status moves: its queries must not flush a half-made change (one version per step)
        freeze(assessment)
    assessment.status = target
    assessment.updated_at = utcnow()
    session.add(assessment)
    audit.record(session, actor=actor, action=f"assessment.{target}", entity=assessment, before=before)
    return assessment


def _require_version(assessment: Assessment, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != assessment.version:
        raise Stale(
            f"Assessment {assessment.id} changed since you read it (version {assessment.version}, yours {expected_version}); "
            "fetch it again.",
            code="stale_version",
        )


def _without_note(entry: Any) -> Any:
    return {k: v for k, v in entry.items() if k != "note"} if isinstance(entry, dict) else entry


def evidence_dict(evidence: Evidence) -> dict[str, Any]:
    """How evidence is stored (Answer.evidence): visibility always explicit, date and note when given."""
    item = {"url": evidence.url, "source_type": evidence.source_type, "visibility": evidence.visibility}
    if evidence.date:
        item["date"] = evidence.date
    if evidence.note:
        item["note"] = evidence.note
    return item


def _refuse_bad_notes(entries: list[Any]) -> None:
    """An analyst's note is text (never an object or a list), at most rules.TEXT_MAX characters."""
    bad = [
        {"index": index, "indicator": e.get("indicator"), "stage": e.get("stage"), "field": "note", "reason": problems[0]}
        for index, e in enumerate(entries)
        if isinstance(e, dict) and e.get("note") is not None and (problems := rules.note(e["note"]))
    ]
    if bad:
        raise Invalid(f"{len(bad)} answer note(s) are invalid; nothing was saved.", code="invalid_answers", errors={"answers": bad})


def describe(session: Session, assessment: Assessment) -> dict[str, Any]:
    """An assessment as analysts and reviewers see it (never shown to companies or the public)."""
    company = session.get(Company, assessment.company_id)
    author = session.get(User, assessment.author_id) if assessment.author_id else None
    rating = session.exec(select(PublishedRating.id).where(PublishedRating.assessment_id == assessment.id)).first()
    rows = session.exec(select(Answer).where(Answer.assessment_id == assessment.id).order_by(Answer.id)).all()
    return {
        "id": assessment.id,
        "company": company.slug,
        "methodology": {"id": assessment.methodology_id, "version": assessment.methodology_version},
        "cycle_year": assessment.cycle_year,
        "status": assessment.status,
        "author": author.email if author else None,
        "authors": list(session.exec(
            select(User.email).join(AssessmentAuthor, AssessmentAuthor.user_id == User.id)
            .where(AssessmentAuthor.assessment_id == assessment.id).order_by(AssessmentAuthor.id)).all())
        if assessment.id is not None else [],
        "sourcing": assessment.sourcing_snapshot,
        "risk_list_edition": assessment.risk_list_edition,
        "review_comment": assessment.review_comment,
        "version": assessment.version,
        "rating": rating,
        "answers": [
            {"indicator": r.indicator_id, "stage": r.stage, "value": r.value, "evidence": r.evidence, "note": r.note,
             "version": r.version, "copied": r.copied}
            for r in rows
        ],
        "comments": [
            {"indicator": c.indicator_id, "stage": c.stage, "text": c.text}
            for c in session.exec(select(AnswerComment).where(AnswerComment.assessment_id == assessment.id)
                                  .order_by(AnswerComment.id)).all()
        ],
    }
