"""Proposals (reviewers and admins): changes that move a public grade, waiting for a second person.

Approving applies the change in the same transaction; its catalog change-log row invalidates every cache,
so this blueprint needs no cache call of its own.
"""

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from api import database
from api.auth import current_user, roles
from api.manage import error_docs
from api.manage.schemas import ProposalList, ProposalOut, ProposalQuery, RejectBody
from ratings import proposals
from ratings.db import transaction

blp = Blueprint("proposals", __name__, url_prefix="/v1", description="Proposals: four eyes on grade-moving changes")


def proposal_response(session, proposal, status=202):
    """A proposal as the answer of the write that made it (202: accepted, not yet in effect)."""
    response = jsonify(ProposalOut().dump(proposals.describe(session, proposal)))
    response.status_code = status
    return response


def documented(*errors):
    return error_docs(blp, "a reviewer or admin", *errors)


@blp.route("/proposals")
class Proposals(MethodView):
    @roles("reviewer", "admin")
    @blp.arguments(ProposalQuery, location="query", as_kwargs=True)
    @blp.response(200, ProposalList)
    @documented((422, "Invalid status or kind"))
    def get(self, status, kind):
        """Proposals, oldest first (`?status=pending` for those waiting for you)."""
        session = database.session()
        return {"items": [proposals.describe(session, p) for p in proposals.list_proposals(session, status=status, kind=kind)]}


@blp.route("/proposals/<int:proposal_id>")
class Proposal(MethodView):
    @roles("reviewer", "admin")
    @blp.response(200, ProposalOut)
    @documented((404, "Unknown proposal"))
    def get(self, proposal_id):
        """One proposal."""
        session = database.session()
        return proposals.describe(session, proposals.get_proposal(session, proposal_id))


@blp.route("/proposals/<int:proposal_id>/approve")
class Approve(MethodView):
    @roles("reviewer", "admin")
    @blp.response(200, ProposalOut)
    @documented((403, "four_eyes: the proposer cannot approve"), (404, "Unknown proposal"),
                (409, "Decided already, or outdated"))
    def post(self, proposal_id):
        """Approve a pending proposal (never your own): the change takes effect now."""
        session = database.session()
        with transaction(session):
            proposal = proposals.approve(session, proposal_id, actor=current_user())
        return proposals.describe(session, proposal)


@blp.route("/proposals/<int:proposal_id>/reject")
class Reject(MethodView):
    @roles("reviewer", "admin")
    @blp.arguments(RejectBody)
    @blp.response(200, ProposalOut)
    @documented((403, "four_eyes: the proposer cannot decide"), (404, "Unknown proposal"), (409, "Decided already"),
                (422, "Invalid fields"))
    def post(self, body, proposal_id):
        """Reject a pending proposal with a reason; nothing changes."""
        session = database.session()
        with transaction(session):
            proposal = proposals.reject(session, proposal_id, actor=current_user(), reason=body["reason"])
        return proposals.describe(session, proposal)
