"""GET /v1/companies/{slug}."""

from flask.views import MethodView
from flask_smorest import Blueprint

from api.errors import ErrorSchema

from api import database
from api.openapi import example
from api.caching import public_cached
from api.public.schemas import NOT_MODIFIED, CompanyOut
from ratings.public import company_profile

blp = Blueprint("companies", __name__, url_prefix="/v1/companies", description="Companies")


@blp.route("/<string:slug>")
class Company(MethodView):
    @public_cached
    @blp.alt_response(304, description=NOT_MODIFIED)
    @blp.response(200, CompanyOut, example=example("company"))
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown company")
    def get(self, slug):
        """A company, its brands and its current rating."""
        return company_profile(database.session(), slug=slug)
