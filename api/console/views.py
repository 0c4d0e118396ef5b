"""The console's pages. Thin: read the form, call a `ratings` service, render a template."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from api import database
from api.console import bp
from api.console.auth import console_user, count_failed_login, log_in, log_out, login_blocked, login_required
from api.console.forms import LoginForm, LogoutForm
from ratings import queues, research


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    next_page = safe_next(request.values.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_page)
    status = 200
    if form.validate_on_submit():
        email = form.email.data
        if login_blocked(email):
            flash("Too many failed logins; wait a minute and try again.", "error")
            return render_template("console/login.html", form=form, next=next_page), 429, {"Retry-After": "60"}
        if log_in(email, form.password.data) is not None:
            return redirect(next_page)
        count_failed_login(email)
        flash("Wrong email or password.", "error")
        status = 401
    elif request.method == "POST":
        status = 422
    return render_template("console/login.html", form=form, next=next_page), status


@bp.route("/logout", methods=["POST"])
def logout():
    LogoutForm()  # the CSRF token was checked before the view (CSRFProtect)
    log_out()
    flash("You are logged out.", "info")
    return redirect(url_for("console.login"))


@bp.route("/")
@login_required()
def queues_page():
    work = queues.work_queues(database.session(), user=console_user())
    return render_template("console/queues.html", work=work)


@bp.route("/queues")
@login_required()
def queues_fragment():
    """The queues alone, for htmx's refresh (the same service and template as the page)."""
    work = queues.work_queues(database.session(), user=console_user())
    return render_template("console/_queues.html", work=work)


@bp.route("/companies/<slug>")
@login_required()
def company_page(slug: str):
    page = research.company_research(database.session(), viewer=console_user(), slug=slug)
    return render_template("console/company.html", page=page)


def safe_next(target: str | None) -> str:
    """Only a console address on this site (never another host: no open redirect)."""
    default = url_for("console.queues_page")
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console/") or target.startswith("//"):
        return default
    return target
