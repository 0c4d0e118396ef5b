"""Brand search and the brand scorecard."""

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from api.errors import ErrorSchema

from api import database
from api.openapi import example
from api.caching import public_cached
from api.read_models import brand_index
from api.public.schemas import NOT_MODIFIED, BrandPage, BrandQuery, ScorecardOut
from ratings.public import scorecard, search_page

blp = Blueprint("brands", __name__, url_prefix="/v1/brands", description="Brands and their scorecards")


@blp.route("")
class Brands(MethodView):
    @public_cached
    @blp.arguments(BrandQuery, location="query", as_kwargs=True)
    @blp.alt_response(304, description=NOT_MODIFIED)
    @blp.response(200, BrandPage, example=example("brands"))
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown industry")
    @blp.alt_response(422, schema=ErrorSchema, description="Invalid query parameters")
    def get(self, q, industry, grade_min, page, page_size):
        """Search brands by name or alias: accent-, case- and typo-tolerant; ranked by relevance, then grade."""
        page = search_page(
            database.session(), brand_index(), q=q, industry=industry, grade_min=grade_min, page=page, page_size=page_size
        )
        # Sent as built, not dumped through BrandPage again: ratings.public.brand_summary already builds BrandSummary's
        # dumped shape (tests/api/test_catalog_reads.py holds it to that), and dumping a page of them again cost about
        # 0.6 of a search's 5 ms of CPU on 50,000 brands (BENCHMARKS.md, 2026-12-03). The schema still documents the answer.
        return jsonify(page)


@blp.route("/<string:slug>")
class Brand(MethodView):
    @public_cached
    @blp.alt_response(304, description=NOT_MODIFIED)
    @blp.response(200, ScorecardOut, example=example("scorecard"))
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown brand")
    def get(self, slug):
        """The scorecard: rating, breakdown with evidence, history, the company's reply, alternatives."""
        return scorecard(database.session(), slug=slug)
