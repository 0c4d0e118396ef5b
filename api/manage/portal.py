"""The company portal (company users, scoped to their own company) and reviewers' acceptance of replies."""

from flask.views import MethodView
from flask_smorest import Blueprint

from api import database
from api.auth import current_user, roles
from api.manage import error_docs
from api.manage.schemas import PortalScorecardOut, RejectBody, ReplyCreate, ReplyRecordOut
from ratings import portal
from ratings.db import transaction

blp = Blueprint("portal", __name__, url_prefix="/v1", description="Company portal and replies")


@blp.route("/portal/scorecard")
class Scorecard(MethodView):
    @roles("company")
    @blp.response(200, PortalScorecardOut)
    @error_docs(blp, "a company user")
    def get(self):
        """Your company's published scorecard: every indicator's points, the roadmap, history and replies."""
        return portal.scorecard(database.session(), user=current_user())


@blp.route("/portal/replies")
class Replies(MethodView):
    @roles("company")
    @blp.arguments(ReplyCreate)
    @blp.response(201, ReplyRecordOut)
    @error_docs(blp, "a company user", (404, "Not one of your company's ratings"), (422, "Invalid fields"))
    def post(self, body):
        """Reply to one of your published ratings; it shows publicly once a reviewer accepts it."""
        session = database.session()
        with transaction(session):
            return portal.reply_dict(portal.create_reply(session, user=current_user(), rating_id=body["rating"], text=body["text"],
                                                         indicators=body["indicators"], evidence=body["evidence"]))


@blp.route("/replies/<int:reply_id>/accept")
class Accept(MethodView):
    @roles("reviewer")
    @blp.response(200, ReplyRecordOut)
    @error_docs(blp, "a reviewer", (404, "Unknown reply"), (409, "Not pending"))
    def post(self, reply_id):
        """Accept a company's reply, so the public scorecard shows it."""
        session = database.session()
        with transaction(session):
            return portal.reply_dict(portal.accept_reply(session, reply_id, reviewer=current_user()))


@blp.route("/replies/<int:reply_id>/reject")
class Reject(MethodView):
    @roles("reviewer")
    @blp.arguments(RejectBody)
    @blp.response(200, ReplyRecordOut)
    @error_docs(blp, "a reviewer", (404, "Unknown reply"), (409, "Not pending"), (422, "Invalid fields"))
    def post(self, body, reply_id):
        """Reject a company's reply with a reason, which the company sees; the public scorecard is unchanged."""
        session = database.session()
        with transaction(session):
            return portal.reply_dict(portal.reject_reply(session, reply_id, reviewer=current_user(), reason=body["reason"]))
