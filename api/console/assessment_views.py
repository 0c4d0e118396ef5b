"""Console pages 3 and 4: the assessment form (one answer saved per request, with the live preview in the
same response) and the review (answers beside the previous cycle's, a comment per answer, return or
publish). Thin: every rule is in the `ratings` services the API calls too."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from api import database
from api.console import bp
from api.console.answer_form import slot_entry
from api.console.auth import console_user, login_required
from ratings import answer_saves, assessment_form, assessments, cycles, publishing, review
from ratings.db import transaction
from ratings.errors import Invalid, Stale

EDITORS = ("analyst",)
READERS = ("analyst", "reviewer")


@bp.route("/companies/<slug>/assessments", methods=["POST"])
@login_required(*EDITORS)
def start_assessment(slug: str):
    session = database.session()
    with transaction(session):
        if request.form.get("from") == "last_cycle":
            draft = cycles.start_from_last_cycle(session, company=slug, actor=console_user())
        else:
            draft = assessments.create_assessment(session, company=slug, author=console_user())
    return redirect(url_for("console.assessment_page", assessment_id=draft.id))


@bp.route("/assessments/<int:assessment_id>")
@login_required(*READERS)
def assessment_page(assessment_id: int):
    sheet = assessment_form.form_sheet(database.session(), assessment_id)
    return render_template("console/assessment.html", sheet=sheet, editable=_editable(sheet["assessment"]))


@bp.route("/assessments/<int:assessment_id>/answers/<indicator>", methods=["POST"], defaults={"stage": None})
@bp.route("/assessments/<int:assessment_id>/answers/<indicator>/<stage>", methods=["POST"])
@login_required(*EDITORS)
def save_answer(assessment_id: int, indicator: str, stage: str | None):
    """One slot's form: save it, answer with the slot re-rendered and the live panel (out of band)."""
    session = database.session()
    assessment = assessments.get_assessment(session, assessment_id)
    spec = _indicator(assessments.methodology_of(assessment), indicator)
    entry = slot_entry(request.form, spec.answer.type)
    status, conflict, problems = 200, None, []
    try:
        with transaction(session):
            _, row = answer_saves.save_answer(
                session, assessment_id, indicator=indicator, stage=stage, value=entry["value"],
                evidence=entry["evidence"], note=entry["note"], expected_version=entry["version"], actor=console_user(),
            )
    except Stale as error:  # someone else saved this slot: show theirs and ours, keep ours in the form
        status = 409
        conflict = {"theirs": error.errors["current"], "yours": entry}
        row = answer_saves.answer_row(session, assessment_id, indicator, stage)
    except Invalid as error:
        status = 422
        problems = [p["reason"] if isinstance(p, dict) else str(p) for p in (error.errors or {}).get("answers", [])] or [error.message]
        row = answer_saves.answer_row(session, assessment_id, indicator, stage)
    if not request.headers.get("HX-Request"):  # without scripts: back to the form, at this slot
        if status != 200:
            flash(" ".join(problems) or "Someone else saved this answer meanwhile; compare and save again.", "error")
        return redirect(url_for("console.assessment_page", assessment_id=assessment_id) + f"#{_slot_id(indicator, stage)}")
    assessment = assessments.get_assessment(session, assessment_id)
    sheet = assessment_form.form_sheet(session, assessment_id)
    comment = next((s["comment"] for c in sheet["categories"] for i in c["indicators"] if i["indicator"].id == indicator
                    for s in i["slots"] if s["stage"] == stage), None)
    slot = {"stage": stage, "answer": row, "comment": comment}
    return render_template("console/_slot_response.html", sheet=sheet, indicator=spec, slot=slot, editable=True,
                           conflict=conflict, problems=problems, yours=entry if status != 200 else None,
                           saved=status == 200), status


@bp.route("/assessments/<int:assessment_id>/submit", methods=["POST"])
@login_required(*EDITORS)
def submit_assessment(assessment_id: int):
    """Submit; with unanswered slots or answers without evidence, first a page that lists them and asks."""
    session = database.session()
    version = _version()
    warnings = assessment_form.submit_warnings(session, assessment_id)
    if (warnings.unanswered or warnings.without_evidence) and request.form.get("confirm") != "yes":
        sheet = assessment_form.form_sheet(session, assessment_id)
        return render_template("console/submit_confirm.html", sheet=sheet, warnings=warnings, version=version)
    with transaction(session):
        assessments.submit(session, assessment_id, actor=console_user(), expected_version=version)
    flash(f"Assessment #{assessment_id} is submitted for review.", "info")
    return redirect(url_for("console.queues_page"))


@bp.route("/assessments/<int:assessment_id>/review")
@login_required(*READERS)
def review_page(assessment_id: int):
    sheet = review.review_sheet(database.session(), assessment_id, viewer=console_user())
    return render_template("console/review.html", sheet=sheet)


@bp.route("/assessments/<int:assessment_id>/return", methods=["POST"])
@login_required("reviewer")
def return_assessment(assessment_id: int):
    comments = {}
    for key, text in request.form.items():
        if key.startswith("comment-") and text.strip():
            indicator, _, stage = key.removeprefix("comment-").partition("--")
            comments[(indicator, stage or None)] = text
    session = database.session()
    with transaction(session):
        review.return_with_comments(session, assessment_id, comment=request.form.get("comment", "").strip()
                                    or "See the comments on the answers.", comments=comments,
                                    actor=console_user(), expected_version=_version())
    flash(f"Assessment #{assessment_id} went back to its analyst with {len(comments)} comment(s).", "info")
    return redirect(url_for("console.queues_page"))


@bp.route("/assessments/<int:assessment_id>/publish", methods=["POST"])
@login_required("reviewer")
def publish_assessment(assessment_id: int):
    session = database.session()
    with transaction(session):
        rating = publishing.publish(session, assessment_id, reviewer=console_user(), expected_version=_version())
    flash(f"Published: grade {rating.grade} ({rating.score:.1f} points).", "info")
    return redirect(url_for("console.queues_page"))


def _editable(assessment) -> bool:
    return assessment.status == "draft" and console_user().role in EDITORS


def _indicator(methodology, indicator_id: str):
    for category in methodology.categories:
        for indicator in category.indicators:
            if indicator.id == indicator_id:
                return indicator
    abort(404)


def _version() -> int | None:
    raw = request.form.get("version", "")
    if not raw.isdigit():
        abort(400, description="The form is missing the version you were looking at.")
    return int(raw)


def _slot_id(indicator: str, stage: str | None) -> str:
    return f"slot-{indicator}" + (f"--{stage}" if stage else "")
