"""Load the fictional demo dataset (data/demo/): the catalog through the bulk import, then publish
each demo assessment through the assessment and publishing services.

Idempotent: the import matches rows by natural key, and a (company, methodology, cycle) that has an
assessment already is left alone, so loading twice leaves the same rows and no extra audit events.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, select

from ratings import assessments, publishing
from ratings.datafiles import DATA_DIR
from ratings.imports import rows_from_json, run_import
from ratings.models import Assessment, Company, User

DEMO_DIR = DATA_DIR / "demo"


def load_demo(session: Session, directory: Path = DEMO_DIR) -> Counter:
    """Import the catalog and publish the demo assessments; returns counts of rows created or changed."""
    catalog = json.loads((directory / "catalog.json").read_text(encoding="utf-8"))
    report = run_import(session, rows_from_json(catalog))
    written = Counter({
        section: outcomes.get("created", 0) + outcomes.get("updated", 0)
        for section, outcomes in report.as_dict().items()
    })
    demo = json.loads((directory / "assessments.json").read_text(encoding="utf-8"))
    for item in sorted(demo["assessments"], key=lambda a: (a["cycle_year"], a.get("published_at") or "")):  # oldest first
        if _publish_once(session, demo["methodology"], item):
            written["published_ratings"] += 1
    return +written  # drop zero counts


def _publish_once(session: Session, methodology: str, item: dict) -> bool:
    company = session.exec(select(Company).where(Company.slug == item["company"])).one()
    exists = session.exec(
        select(Assessment.id).where(
            Assessment.company_id == company.id,
            Assessment.methodology_id == methodology,
            Assessment.cycle_year == item["cycle_year"],
        )
    ).first()
    if exists is not None:
        return False
    draft = assessments.create_assessment(session, company=item["company"], methodology=methodology, cycle_year=item["cycle_year"])
    if item.get("evidence_cutoff"):  # when the fictional research was done
        draft.evidence_cutoff = date.fromisoformat(item["evidence_cutoff"])
    assessments.replace_answers(session, draft.id, entries=item["answers"])
    assessments.submit(session, draft.id)
    # The demo has no reviewer (four eyes is for people), and its history has dates of its own.
    published_at = datetime.fromisoformat(item["published_at"].replace("Z", "+00:00")) if item.get("published_at") else None
    publishing.publish(session, draft.id, reviewer=None, published_at=published_at)
    return True


# --- Demo console logins ---------------------------------------------------------------------------
# One login per role with a known password, for a newcomer to look around (README: Console). Production
# refuses to start while any of these exists (api/__init__.py).

DEMO_COMPANY = "tidewren-apparel-co"
DEMO_USERS = (  # (email, role, company, password)
    ("analyst@demo.example", "analyst", None, "demo-analyst-password"),
    ("reviewer@demo.example", "reviewer", None, "demo-reviewer-password"),
    ("company@demo.example", "company", DEMO_COMPANY, "demo-company-password"),
    ("admin@demo.example", "admin", None, "demo-admin-password"),
)


def load_demo_users(session: Session) -> int:
    """Create the demo logins that are missing (idempotent: existing ones are left exactly as they are);
    returns how many were created."""
    from ratings import users  # users imports catalog; keep demo's import graph as it was

    created = 0
    for email, role, company, password in DEMO_USERS:
        if session.exec(select(User).where(User.email == email)).first() is not None:
            continue
        users.create_user(session, email=email, role=role, company=company)
        users.set_password(session, email=email, password=password)
        created += 1
    return created


def demo_users_present(session: Session) -> list[str]:
    """The emails of demo logins in this database (none may exist in production)."""
    emails = [email for email, *_ in DEMO_USERS]
    return list(session.exec(select(User.email).where(User.email.in_(emails)).order_by(User.email)).all())
