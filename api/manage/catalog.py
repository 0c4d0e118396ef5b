"""Catalog writes (analysts): companies, brands, products, GS1 prefixes and sourcing."""

from flask.views import MethodView
from flask_smorest import Blueprint

from api import database
from api.auth import current_user, roles
from api.manage import error_docs
from api.manage.schemas import (
    BrandCreate, BrandOut, BrandUpdate, CompanyCreate, CompanyRecordOut, CompanyUpdate, PrefixCreate, PrefixOut, ProductCreate,
    ProductRecordOut, SourcingOut, SourcingReplace,
)
from ratings import catalog, datafiles
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
    @documented((404, "Unknown brand, company or industry"))
    def patch(self, body, slug):
        """Change a brand's name, aliases, industry or owner (never its slug)."""
        session = database.session()
        with transaction(session):
            return catalog.update_brand(session, slug, changes=body, actor=current_user())


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


@blp.route("/companies/<string:slug>/gs1-prefixes")
class Prefixes(MethodView):
    @roles("analyst")
    @blp.arguments(PrefixCreate)
    @blp.response(201, PrefixOut)
    @documented((404, "Unknown company"), (409, "The prefix is registered already"))
    def post(self, body, slug):
        """Register a GS1 company prefix (digits of the 13-digit form)."""
        session = database.session()
        with transaction(session):
            return catalog.register_gs1_prefix(session, company=slug, prefix=body["prefix"], actor=current_user())


@blp.route("/companies/<string:slug>/sourcing")
class Sourcing(MethodView):
    @roles("analyst")
    @blp.arguments(SourcingReplace)
    @blp.response(200, SourcingOut)
    @documented((404, "Unknown company"))
    def put(self, body, slug):
        """Replace the company's sourcing records (a stage with `disclosed: false` records non-disclosure)."""
        session = database.session()
        with transaction(session):
            rows = catalog.replace_sourcing(
                session, company=slug, records=body["records"], stages=datafiles.known_stages(), actor=current_user()
            )
            return {"records": rows}
