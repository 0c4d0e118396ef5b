"""Industries with counts and grade distributions, and brands ranked within one."""

from flask.views import MethodView
from flask_smorest import Blueprint

from api.errors import ErrorSchema

from api import database
from api.openapi import example
from api.caching import public_cached
from api.public.schemas import NOT_MODIFIED, IndustryDetail, IndustryList
from ratings.public import industries_overview, industry_ranking

blp = Blueprint("industries", __name__, url_prefix="/v1/industries", description="Industries")


@blp.route("")
class Industries(MethodView):
    @public_cached
    @blp.alt_response(304, description=NOT_MODIFIED)
    @blp.response(200, IndustryList, example=example("industries"))
    def get(self):
        """Every industry with its number of brands and their grade distribution."""
        return industries_overview(database.session())


@blp.route("/<string:slug>")
class Industry(MethodView):
    @public_cached
    @blp.alt_response(304, description=NOT_MODIFIED)
    @blp.response(200, IndustryDetail, example=example("industry"))
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown industry")
    def get(self, slug):
        """One industry's brands ranked by score, best first."""
        return industry_ranking(database.session(), slug=slug)
