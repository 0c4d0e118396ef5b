"""The reviewers' list of companies' replies (deciding on one is in api/manage/portal.py)."""

from flask.views import MethodView
from flask_smorest import Blueprint

from api import database
from api.auth import current_user, roles
from api.manage import error_docs
from api.manage.list_schemas import ReplyPage, ReplyQuery
from ratings import queues

blp = Blueprint("replies", __name__, url_prefix="/v1", description="Company portal and replies")


@blp.route("/replies")
class Replies(MethodView):
    @roles("reviewer")
    @blp.arguments(ReplyQuery, location="query", as_kwargs=True)
    @blp.response(200, ReplyPage)
    @error_docs(blp, "a reviewer", (422, "Invalid query parameters"))
    def get(self, **query):
        """Companies' replies, oldest first; `status=pending` is the queue awaiting a decision."""
        return queues.list_replies(database.session(), viewer=current_user(), **query)
