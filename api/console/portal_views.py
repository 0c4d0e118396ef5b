"""Console page 5: the company portal (the published scorecard with its explanation, the history chart,
the roadmap in words, replies and their status) and reviewers' decisions on replies. Thin: the scope,
the reply rules and the decisions are in ratings/portal.py, which the API calls too."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from api import database
from api.console import bp
from api.console.auth import console_user, login_required
from api.console.chart import history_chart
from ratings import portal
from ratings.db import transaction
from ratings.errors import Invalid
from ratings.research import own_company_slug


@bp.route("/portal")
@login_required("company")
def own_portal():
    return redirect(url_for("console.portal_page", slug=own_company_slug(database.session(), console_user())))


@bp.route("/companies/<slug>/portal")
@login_required("company")
def portal_page(slug: str):
    return _render(slug)


@bp.route("/companies/<slug>/portal/replies", methods=["POST"])
@login_required("company")
def create_reply(slug: str):
    session = database.session()
    portal.scorecard(session, user=console_user(), company=slug)  # the scope check, as the page makes it
    rating = request.form.get("rating", "")
    form = {"text": request.form.get("text", ""), "indicators": request.form.getlist("indicators"),
            "evidence": [line for line in request.form.get("evidence", "").splitlines() if line.strip()]}
    try:
        with transaction(session):
            reply = portal.create_reply(session, user=console_user(), rating_id=int(rating) if rating.isdigit() else 0,
                                        **form)
    except Invalid as error:
        return _render(slug, problem=error.message, form=form, status=422)
    flash(f"Your reply #{reply.id} is sent; a reviewer will accept or reject it.", "info")
    return redirect(url_for("console.portal_page", slug=slug) + "#h-replies")


@bp.route("/replies/<int:reply_id>/accept", methods=["POST"])
@login_required("reviewer")
def accept_reply(reply_id: int):
    session = database.session()
    with transaction(session):
        portal.accept_reply(session, reply_id, reviewer=console_user())
    flash(f"Reply #{reply_id} is accepted; the public scorecard shows it.", "info")
    return redirect(url_for("console.queues_page"))


@bp.route("/replies/<int:reply_id>/reject", methods=["POST"])
@login_required("reviewer")
def reject_reply(reply_id: int):
    session = database.session()
    with transaction(session):
        portal.reject_reply(session, reply_id, reviewer=console_user(), reason=request.form.get("reason", ""))
    flash(f"Reply #{reply_id} is rejected; the company sees your reason.", "info")
    return redirect(url_for("console.queues_page"))


def _render(slug: str, *, problem: str | None = None, form: dict | None = None, status: int = 200):
    card = portal.scorecard(database.session(), user=console_user(), company=slug)
    choices = [(c["name"], list({i["indicator"]: i["text"] for i in c["indicators"]}.items())) for c in card["breakdown"]]
    return render_template("console/portal.html", card=card, chart=history_chart(card["history"]), choices=choices,
                           problem=problem, form=form or {}), status
