"""Console page 6, administration: users (create with role and company scope, set a password, revoke
tokens), withdrawals of ratings (an admin proposes; a reviewer or another admin decides, as
ratings/proposals.py enforces), and the audit log with filters. Thin: every rule is in `ratings`."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from api import database
from api.console import bp
from api.errors import STATUS_OF
from api.console.auth import console_user, login_required
from api.console.views import safe_next
from ratings import admin, audit, proposals, users
from ratings.db import transaction
from ratings.errors import Conflict, Invalid, NotFound

DECIDERS = proposals.APPROVERS  # reviewers and admins decide proposals


@bp.route("/admin/users")
@login_required("admin")
def users_page():
    return _users()


@bp.route("/admin/users", methods=["POST"])
@login_required("admin")
def create_user():
    session = database.session()
    form = {key: request.form.get(key, "").strip() for key in ("email", "role", "company")}
    try:
        with transaction(session):
            user, token = users.create_user(session, email=form["email"], role=form["role"],
                                            company=form["company"] or None, actor=console_user())
    except (Invalid, Conflict, NotFound) as error:
        return _users(problem=error.message, form=form, status=error_status(error))
    # The token is shown once, in this response only (never in a flash message: the session cookie is readable).
    return _users(created={"email": user.email, "token": token}, status=201)


@bp.route("/admin/users/password", methods=["POST"])
@login_required("admin")
def set_user_password():
    session = database.session()
    email = request.form.get("email", "")
    try:
        with transaction(session):
            users.set_password(session, email=email, password=request.form.get("password", ""), actor=console_user())
    except (Invalid, NotFound) as error:
        return _users(problem=error.message, status=error_status(error))
    flash(f"{email} has a new password; their console sessions have ended.", "info")
    return redirect(url_for("console.users_page"))


@bp.route("/admin/users/revoke", methods=["POST"])
@login_required("admin")
def revoke_user_tokens():
    session = database.session()
    email = request.form.get("email", "")
    with transaction(session):
        count = users.revoke_tokens(session, email=email, actor=console_user())
    flash(f"Revoked {count} API token(s) of {email}.", "info")
    return redirect(url_for("console.users_page"))


@bp.route("/admin/withdrawals")
@login_required(*DECIDERS)
def withdrawals_page():
    return _withdrawals()


@bp.route("/admin/withdrawals", methods=["POST"])
@login_required("admin")
def propose_withdrawal():
    session = database.session()
    rating = request.form.get("rating", "")
    try:
        with transaction(session):
            proposal = proposals.propose_withdrawal(session, int(rating) if rating.isdigit() else 0,
                                                    reason=request.form.get("reason", ""), actor=console_user())
    except (Invalid, Conflict, NotFound) as error:
        return _withdrawals(problem=error.message, status=error_status(error))
    flash(f"Withdrawal proposal #{proposal.id} waits for a reviewer or another admin.", "info")
    return redirect(url_for("console.withdrawals_page"))


@bp.route("/admin/proposals/<int:proposal_id>/<decision>", methods=["POST"])
@login_required(*DECIDERS)
def decide_proposal(proposal_id: int, decision: str):
    session = database.session()
    with transaction(session):
        if decision == "approve":
            proposals.approve(session, proposal_id, actor=console_user())
        elif decision == "reject":
            proposals.reject(session, proposal_id, actor=console_user(), reason=request.form.get("reason", ""))
        else:
            raise NotFound(f"No decision called {decision!r}.", code="not_found")
    flash(f"Proposal #{proposal_id}: {decision}d.", "info")
    back = request.form.get("next")  # the work queues post their decisions here too
    return redirect(safe_next(back) if back else url_for("console.withdrawals_page"))


@bp.route("/admin/audit")
@login_required("admin")
def audit_page():
    filters = {key: request.args.get(key, "").strip() for key in ("actor", "entity", "action", "since", "until")}
    page = request.args.get("page", "1")
    events = audit.list_events(database.session(), **{k: v or None for k, v in filters.items()},
                               page=int(page) if page.isdigit() else 1)
    return render_template("console/admin_audit.html", events=events, filters=filters)


def _users(*, problem: str | None = None, form: dict | None = None, created: dict | None = None, status: int = 200):
    session = database.session()
    return render_template("console/admin_users.html", people=admin.users_overview(session), roles=users.ROLES,
                           companies=admin.company_choices(session), problem=problem, form=form or {},
                           created=created), status


def _withdrawals(*, problem: str | None = None, status: int = 200):
    return render_template("console/admin_withdrawals.html", overview=admin.withdrawals_overview(database.session()),
                           problem=problem), status


def error_status(error) -> int:
    return next((s for cls, s in STATUS_OF.items() if isinstance(error, cls)), 400)
