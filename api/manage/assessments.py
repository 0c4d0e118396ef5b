"""Assessments: drafts with answers (analysts), the workflow, and publishing (reviewers)."""

from flask.views import MethodView
from flask_smorest import Blueprint
from scoring.engine import result_to_dict

from api import database
from api.auth import current_user, roles
from api.manage import error_docs
from api.manage.concurrency import answer_etag, etag, expected_answer_version, expected_version
from api.manage.list_schemas import AssessmentPage, AssessmentQuery
from api.manage.proposals import proposal_response
from api.manage.schemas import (
    ANSWER_IF_MATCH, IF_MATCH, AnswerSave, AnswerSaved, AnswersReplace, AssessmentCreate, AssessmentOut, ProposalOut,
    PublishOut, ResultOut, ReturnBody, WithdrawBody,
)
from ratings import answer_saves, assessments, proposals, publishing, queues, review
from ratings.db import transaction

blp = Blueprint("assessments", __name__, url_prefix="/v1", description="Assessments and publishing")


def documented(*errors, role="an analyst"):
    return error_docs(blp, role, (404, "Unknown assessment"), *errors)


def respond(session, assessment, status=200):
    """The assessment with its ETag, so the next write can send it as If-Match."""
    return assessments.describe(session, assessment), status, {"ETag": f'"{etag(assessment)}"'}


@blp.route("/assessments")
class Assessments(MethodView):
    @roles("analyst", "reviewer")
    @blp.arguments(AssessmentQuery, location="query", as_kwargs=True)
    @blp.response(200, AssessmentPage)
    @error_docs(blp, "an analyst or reviewer", (404, "Unknown company"), (422, "Invalid query parameters"))
    def get(self, **query):
        """Assessments, most recently changed first, filtered by status, company and authorship (`author=me`)."""
        return queues.list_assessments(database.session(), viewer=current_user(), **query)

    @roles("analyst")
    @blp.arguments(AssessmentCreate)
    @blp.response(201, AssessmentOut)
    @documented((422, "Invalid fields"))
    def post(self, body):
        """Start a draft assessment of a company under a methodology."""
        session = database.session()
        with transaction(session):
            draft = assessments.create_assessment(session, author=current_user(), **body)
        return respond(session, draft, 201)


@blp.route("/assessments/<int:assessment_id>")
class Assessment(MethodView):
    @roles("analyst", "reviewer")
    @blp.response(200, AssessmentOut)
    @documented(role="an analyst or reviewer")
    def get(self, assessment_id):
        """The assessment with its answers, evidence and notes; the ETag to send back as If-Match."""
        session = database.session()
        return respond(session, assessments.get_assessment(session, assessment_id))


@blp.route("/assessments/<int:assessment_id>/answers")
class Answers(MethodView):
    @roles("analyst")
    @blp.arguments(AnswersReplace)
    @blp.response(200, AssessmentOut)
    @documented((409, "Not a draft"), (412, "Stale If-Match"), (422, "Invalid answers, each named; nothing saved"),
                (428, "If-Match missing"))
    @blp.doc(parameters=[IF_MATCH])
    def put(self, body, assessment_id):
        """Replace every answer of a draft (the answers-file shape); needs If-Match."""
        version = expected_version(assessment_id)
        session = database.session()
        with transaction(session):
            draft = assessments.replace_answers(
                session, assessment_id, entries=body["answers"], expected_version=version, actor=current_user()
            )
        return respond(session, draft)


@blp.route("/assessments/<int:assessment_id>/answers/<indicator>", endpoint="answer")
@blp.route("/assessments/<int:assessment_id>/answers/<indicator>/<stage>", endpoint="staged_answer")
class OneAnswer(MethodView):
    @roles("analyst")
    @blp.arguments(AnswerSave)
    @blp.response(200, AnswerSaved)
    @documented((409, "Not a draft"), (412, "answer_conflict: someone saved this answer since"),
                (422, "Invalid answer"), (428, "If-Match missing"))
    @blp.doc(parameters=[ANSWER_IF_MATCH])
    def put(self, body, assessment_id, indicator, stage=None):
        """Save one answer of a draft (the console's per-answer save); needs the answer's ETag as If-Match."""
        version = expected_answer_version(assessment_id, indicator, stage)
        session = database.session()
        with transaction(session):
            draft, row = answer_saves.save_answer(session, assessment_id, indicator=indicator, stage=stage,
                                                  expected_version=version, actor=current_user(), **body)
        result = assessments.score_assessment(session, draft)
        tag = answer_etag(assessment_id, indicator, stage, row.version if row else 0)
        return ({"answer": answer_saves.answer_dict(row), "assessment_version": draft.version,
                 "preview": {"score": result.score, "grade": result.grade, "scale": result.scale}},
                200, {"ETag": f'"{tag}"'})


@blp.route("/assessments/<int:assessment_id>/preview")
class Preview(MethodView):
    @roles("analyst", "reviewer")
    @blp.response(200, ResultOut)
    @documented(role="an analyst or reviewer")
    def get(self, assessment_id):
        """The score, grade, breakdown and roadmap of the assessment as it stands (a submitted one on the sourcing
        frozen at submission), with the assessment's ETag: publish with it as If-Match to publish what you saw."""
        session = database.session()
        assessment = assessments.get_assessment(session, assessment_id)
        return result_to_dict(assessments.score_assessment(session, assessment)), 200, {"ETag": f'"{etag(assessment)}"'}


def _step(assessment_id, move, **kwargs):
    version = expected_version(assessment_id)
    session = database.session()
    with transaction(session):
        moved = move(session, assessment_id, actor=current_user(), expected_version=version, **kwargs)
    return respond(session, moved)


@blp.route("/assessments/<int:assessment_id>/submit")
class Submit(MethodView):
    @roles("analyst")
    @blp.response(200, AssessmentOut)
    @documented((409, "Not a draft"), (412, "Stale If-Match"), (428, "If-Match missing"))
    @blp.doc(parameters=[IF_MATCH])
    def post(self, assessment_id):
        """Submit a draft for review; needs If-Match."""
        return _step(assessment_id, assessments.submit)


@blp.route("/assessments/<int:assessment_id>/return")
class Return(MethodView):
    @roles("reviewer")
    @blp.arguments(ReturnBody)
    @blp.response(200, AssessmentOut)
    @documented((409, "Not submitted"), (412, "Stale If-Match"), (428, "If-Match missing"), role="a reviewer")
    @blp.doc(parameters=[IF_MATCH])
    def post(self, body, assessment_id):
        """Return a submitted assessment to draft with a comment, and one per answer if given; needs If-Match."""
        comments = {(c["indicator"], c["stage"]): c["text"] for c in body["comments"]}
        return _step(assessment_id, review.return_with_comments, comment=body["comment"], comments=comments)


@blp.route("/assessments/<int:assessment_id>/publish")
class Publish(MethodView):
    @roles("reviewer")
    @blp.response(201, PublishOut)
    @documented((403, "four_eyes: an author (creator, answer writer or submitter) cannot publish"), (409, "Not submitted"),
                (412, "Stale If-Match: the assessment changed since you reviewed it"), (428, "If-Match missing"),
                role="a reviewer")
    @blp.doc(parameters=[IF_MATCH])
    def post(self, assessment_id):
        """Publish exactly the version you reviewed (If-Match with the ETag of the assessment or its preview) as an
        immutable rating, scored on the sourcing frozen at submission; never an author's own."""
        version = expected_version(assessment_id)
        session = database.session()
        with transaction(session):
            rating = publishing.publish(session, assessment_id, reviewer=current_user(), expected_version=version)
        return {"rating": rating.id, "grade": rating.grade, "score": round(rating.score, 1), "scale": rating.scale}


@blp.route("/ratings/<int:rating_id>/withdraw")
class Withdraw(MethodView):
    @roles("admin")
    @blp.arguments(WithdrawBody)
    @blp.response(202, ProposalOut)
    @error_docs(blp, "an admin", (404, "Unknown rating"), (409, "Already withdrawn, or a withdrawal is pending"),
                (422, "Invalid fields"))
    def post(self, body, rating_id):
        """Propose withdrawing a rating with a reason; when a reviewer or another admin approves it
        (POST /v1/proposals/{id}/approve) it leaves public lookups and stays in the history."""
        session = database.session()
        with transaction(session):
            proposal = proposals.propose_withdrawal(session, rating_id, reason=body["reason"], actor=current_user())
        return proposal_response(session, proposal)
