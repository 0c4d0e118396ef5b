"""Console page 2's writes (analysts): create a company, and add a brand, a product or a sourcing record
to it. Thin, like the API's catalog routes: the rules and the audit are in ratings/catalog.py."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from api import database
from api.console import bp
from api.console.admin_views import error_status
from api.console.auth import console_user, login_required
from ratings import catalog, datafiles
from ratings.db import transaction
from ratings.errors import Conflict, Invalid, Malformed, NotFound

FORM_ERRORS = (Invalid, Malformed, Conflict, NotFound)  # a form the person can fix; others reach the error page


@bp.route("/companies/new")
@login_required("analyst")
def new_company_page():
    return render_template("console/company_new.html", form={}, problem=None)


@bp.route("/companies", methods=["POST"])
@login_required("analyst")
def create_company():
    form = {key: request.form.get(key, "").strip() for key in ("name", "country", "website")}
    session = database.session()
    try:
        with transaction(session):
            company = catalog.create_company(session, name=form["name"], country=form["country"] or None,
                                             website=form["website"] or None, actor=console_user())
    except FORM_ERRORS as error:
        return render_template("console/company_new.html", form=form, problem=error.message), error_status(error)
    flash(f"{company.name} is created.", "info")
    return redirect(url_for("console.company_page", slug=company.slug))


@bp.route("/companies/<slug>/brands", methods=["POST"])
@login_required("analyst")
def add_brand(slug: str):
    aliases = [a.strip() for a in request.form.get("aliases", "").split(",") if a.strip()]
    return _write(slug, "h-brands", lambda session: catalog.create_brand(
        session, name=request.form.get("name", ""), company=slug, aliases=aliases, actor=console_user()).name)


@bp.route("/companies/<slug>/products", methods=["POST"])
@login_required("analyst")
def add_product(slug: str):
    return _write(slug, "h-products", lambda session: catalog.create_product(
        session, gtin=request.form.get("gtin", ""), name=request.form.get("name", ""),
        brand=request.form.get("brand", ""), actor=console_user()).gtin)


@bp.route("/companies/<slug>/sourcing", methods=["POST"])
@login_required("analyst")
def add_sourcing(slug: str):
    """One more record: the company's records so far plus this one, through the API's replace service."""
    if request.form.get("undisclosed"):
        record = {"stage": request.form.get("stage", ""), "disclosed": False}
    else:
        record = {key: request.form.get(key, "").strip() for key in ("stage", "good", "country")}

    def write(session):
        company = catalog.get_company(session, slug)
        records = [_record(row) for row in catalog.sourcing_of(session, company.id)] + [record]
        catalog.replace_sourcing(session, company=slug, records=records, stages=datafiles.known_stages(),
                                 actor=console_user())
        return f"a sourcing record for {record['stage']}"

    return _write(slug, "h-sourcing", write)


def _write(slug: str, anchor: str, write):
    """Run one catalog write; say what was added, or the service's reason, back on the company page."""
    session = database.session()
    try:
        with transaction(session):
            added = write(session)
    except FORM_ERRORS as error:
        flash(error.message, "error")
    else:
        flash(f"Added {added}.", "info")
    return redirect(url_for("console.company_page", slug=slug) + f"#{anchor}")


def _record(row) -> dict:
    if not row.disclosed:
        return {"stage": row.stage, "disclosed": False}
    return {"stage": row.stage, "good": row.good, "country": row.country}
