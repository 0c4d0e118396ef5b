"""The company portal (company users, scoped to their own company) and reviewers' acceptance of replies."""

from flask.views import MethodView
from flask_smorest import Blueprint

from api import database
from api.auth import BEARER_AUTH, current_user, roles
from api.errors import ErrorSchema
from api.manage import invalidate_after_writes
from api.manage.schemas import ReplyCreate, ReplyRecordOut
from ratings import portal
from ratings.db import transaction

blp = Blueprint("portal", __name__, url_prefix="/v1", description="Company portal and replies")
invalidate_after_writes(blp)


@blp.route("/portal/scorecard")
class Scorecard(MethodView):
    @roles("company")
    @blp.response(200)
    @blp.alt_response(401, schema=ErrorSchema, description="No token, or an unknown or revoked one")
    @blp.alt_response(403, schema=ErrorSchema, description="Not a company user")
    @blp.doc(security=[BEARER_AUTH])
    def get(self):
        """Your company's published scorecard: every indicator's points, the roadmap, history and replies."""
        return portal.scorecard(database.session(), user=current_user())


@blp.route("/portal/replies")
class Replies(MethodView):
    @roles("company")
    @blp.arguments(ReplyCreate)
    @blp.response(201, ReplyRecordOut)
    @blp.alt_response(401, schema=ErrorSchema, description="No token, or an unknown or revoked one")
    @blp.alt_response(403, schema=ErrorSchema, description="Not a company user")
    @blp.alt_response(404, schema=ErrorSchema, description="Not one of your company's ratings")
    @blp.alt_response(422, schema=ErrorSchema, description="Invalid fields")
    @blp.doc(security=[BEARER_AUTH])
    def post(self, body):
        """Reply to one of your published ratings; it shows publicly once a reviewer accepts it."""
        session = database.session()
        with transaction(session):
            return portal.reply_dict(portal.create_reply(session, user=current_user(), rating_id=body["rating"], text=body["text"]))


@blp.route("/replies/<int:reply_id>/accept")
class Accept(MethodView):
    @roles("reviewer")
    @blp.response(200, ReplyRecordOut)
    @blp.alt_response(401, schema=ErrorSchema, description="No token, or an unknown or revoked one")
    @blp.alt_response(403, schema=ErrorSchema, description="Not a reviewer")
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown reply")
    @blp.alt_response(409, schema=ErrorSchema, description="Not pending")
    @blp.doc(security=[BEARER_AUTH])
    def post(self, reply_id):
        """Accept a company's reply, so the public scorecard shows it."""
        session = database.session()
        with transaction(session):
            return portal.reply_dict(portal.accept_reply(session, reply_id, reviewer=current_user()))
