"""Catalog writes (analysts): companies, brands, products, GS1 prefixes and sourcing."""

from flask.views import MethodView
from flask_smorest import Blueprint

from api import database
from api.auth import current_user, roles
from api.manage import error_docs
from api.manage.proposals import proposal_response
from api.manage.schemas import (
    BrandCreate, BrandOut, BrandUpdate, CompanyCreate, CompanyRecordOut, CompanyUpdate, PrefixCreate, PrefixOut, ProductCreate,
    ProductConfirmBody, ProductRecordOut, ProposalOut, SourcingOut, SourcingReplace,
)
from ratings import catalog, datafiles, proposals
from ratings.db import transaction

blp = Blueprint("catalog", __name__, url_prefix="/v1", description="Catalog writes (analysts)")

def documented(*errors):
    return error_docs(blp, "an analyst", (422, "Invalid fields; `errors` names each"), *errors)


@blp.route("/companies")
class Companies(MethodView):
    @roles("analyst")
    @blp.arguments(CompanyCreate)
    @blp.response(201, CompanyRecordOut)
    @documented((409, "The slug is taken"), (404, "Unknown parent company"))
    def post(self, body):
        """Create a company; its slug comes from the name unless given."""
        session = database.session()
        with transaction(session):
            return catalog.create_company(session, actor=current_user(), **body)


@blp.route("/companies/<string:slug>")
class Company(MethodView):
    @roles("analyst")
    @blp.arguments(CompanyUpdate)
    @blp.response(200, CompanyRecordOut)
    @documented((404, "Unknown company"))
    def patch(self, body, slug):
        """Change a company's name, country, website or parent (never its slug)."""
        session = database.session()
        with transaction(session):
            return catalog.update_company(session, slug, changes=body, actor=current_user())


@blp.route("/brands")
class Brands(MethodView):
    @roles("analyst")
    @blp.arguments(BrandCreate)
    @blp.response(201, BrandOut)
    @documented((404, "Unknown company or industry"), (409, "The slug is taken"))
    def post(self, body):
        """Create a brand of a company, with aliases."""
        session = database.session()
        with transaction(session):
            return catalog.create_brand(session, actor=current_user(), **body)


@blp.route("/brands/<string:slug>")
class Brand(MethodView):
    @roles("analyst")
    @blp.arguments(BrandUpdate)
    @blp.response(200, BrandOut)
    @blp.alt_response(202, schema=ProposalOut, description="A new owner (`company`) is proposed; a reviewer approves it")
    @documented((404, "Unknown brand, company or industry"), (409, "A proposal for this brand is pending"))
    def patch(self, body, slug):
        """Change a brand's name, aliases or industry (never its slug). A new owner (`company`) moves a public
        grade: it is proposed (202 with the proposal) and takes effect when a reviewer approves it."""
        session = database.session()
        with transaction(session):
            brand, proposal = proposals.update_brand(session, slug, changes=body, actor=current_user())
        if proposal is not None:
            return proposal_response(session, proposal)
        return brand


@blp.route("/products")
class Products(MethodView):
    @roles("analyst")
    @blp.arguments(ProductCreate)
    @blp.response(201, ProductRecordOut)
    @documented((400, "Malformed GTIN"), (404, "Unknown brand"), (409, "The GTIN exists already, in any form"))
    def post(self, body):
        """Create a product of a brand; the GTIN is stored in its 14-digit form."""
        session = database.session()
        with transaction(session):
            return catalog.create_product(session, actor=current_user(), **body)


@blp.route("/products/<string:gtin>")
class ProductItem(MethodView):
    @roles("analyst")
    @blp.response(204)
    @documented((400, "Malformed GTIN"), (404, "Unknown product"))
    def delete(self, gtin):
        """Remove a product (a wrong or retired GTIN); apps learn of it through /v1/changes."""
        session = database.session()
        with transaction(session):
            catalog.delete_product(session, gtin=gtin, actor=current_user())


@blp.route("/products/<string:gtin>/confirm")
class ProductConfirm(MethodView):
    @roles("analyst")
    @blp.arguments(ProductConfirmBody)
    @blp.response(200, ProductRecordOut)
    @documented((400, "Malformed GTIN"), (404, "Unknown product or brand"), (409, "Not a fuzzy upstream match"))
    def post(self, body, gtin):
        """Confirm (or correct, with `brand`) the brand of a product matched fuzzily upstream, which shows no grade
        until then."""
        session = database.session()
        with transaction(session):
            return catalog.confirm_upstream_product(session, gtin=gtin, brand=body.get("brand"), actor=current_user())


@blp.route("/companies/<string:slug>/gs1-prefixes")
class Prefixes(MethodView):
    @roles("analyst")
    @blp.arguments(PrefixCreate)
    @blp.response(201, PrefixOut)
    @blp.alt_response(202, schema=ProposalOut, description="The company is graded: the prefix is proposed; a reviewer approves it")
    @documented((404, "Unknown company"), (409, "The prefix is registered already, or proposed"))
    def post(self, body, slug):
        """Register a GS1 company prefix (digits of the 13-digit form). For a company with a published rating it
        is proposed instead (202 with the proposal): barcodes would start showing its grade."""
        session = database.session()
        with transaction(session):
            row, proposal = proposals.register_gs1_prefix(session, company=slug, prefix=body["prefix"], actor=current_user())
        if proposal is not None:
            return proposal_response(session, proposal)
        return row


@blp.route("/companies/<string:slug>/sourcing")
class Sourcing(MethodView):
    @roles("analyst")
    @blp.arguments(SourcingReplace)
    @blp.response(200, SourcingOut)
    @documented((404, "Unknown company"), (409, "assessment_under_review: an assessment of the company is submitted"))
    def put(self, body, slug):
        """Replace the company's sourcing records (a stage with `disclosed: false` records non-disclosure).
        Refused (409, naming it) while an assessment of the company is submitted: its sourcing is frozen with it."""
        session = database.session()
        with transaction(session):
            rows = catalog.replace_sourcing(
                session, company=slug, records=body["records"], stages=datafiles.known_stages(), actor=current_user()
            )
            return {"records": rows}
