"""A small world for console and work-list tests, built through the services: the demo catalog, the
demo logins, and assessments in every queue (a plain module shared by tests/api and tests/e2e)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ratings import assessments, demo, portal, users
from ratings.db import make_engine, transaction
from ratings.models import Company, PublishedRating

PASSWORDS = {email: password for email, _role, _company, password in demo.DEMO_USERS}
ANALYST, REVIEWER, COMPANY, ADMIN = (email for email, *_ in demo.DEMO_USERS)
SECOND_ANALYST = "analyst2@demo-test.example"
SECOND_PASSWORD = "second-analyst-password"
OTHER_COMPANY_USER = "other-company@demo-test.example"
OTHER_COMPANY_PASSWORD = "other-company-password"
OTHER_COMPANY = "fernhollow-textiles"


@dataclass
class World:
    url: str
    draft: int  # the demo analyst's draft
    returned: int  # the demo analyst's draft, returned by the reviewer with a comment
    submitted: int  # submitted by the demo analyst: the reviewer's queue
    others_submitted: int  # submitted by the second analyst
    others_draft: int  # the second analyst's draft
    reply: int  # the demo company's pending reply
    comment: str = "Add evidence for POL-1, please."


def build_world(url: str, *, load_catalog: bool = True) -> World:
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session, transaction(session):
        if load_catalog:
            demo.load_demo(session)
        demo.load_demo_users(session)
        analyst = users.get_user(session, email=ANALYST)
        reviewer = users.get_user(session, email=REVIEWER)
        company_user = users.get_user(session, email=COMPANY)
        users.create_user(session, email=SECOND_ANALYST, role="analyst")
        users.set_password(session, email=SECOND_ANALYST, password=SECOND_PASSWORD)
        second = users.get_user(session, email=SECOND_ANALYST)
        users.create_user(session, email=OTHER_COMPANY_USER, role="company", company=OTHER_COMPANY)
        users.set_password(session, email=OTHER_COMPANY_USER, password=OTHER_COMPANY_PASSWORD)

        def draft(author, company="tidewren-apparel-co", year=2031):
            return assessments.create_assessment(session, company=company, cycle_year=year, author=author).id

        mine = draft(analyst, year=2031)
        returned = draft(analyst, company="brindlecourt-group-plc", year=2031)
        assessments.submit(session, returned, actor=analyst)
        assessments.return_to_draft(session, returned, comment=World.comment, actor=reviewer)
        submitted = draft(analyst, company="fernhollow-textiles", year=2031)
        assessments.submit(session, submitted, actor=analyst)
        others_submitted = draft(second, year=2032)
        assessments.submit(session, others_submitted, actor=second)
        others_draft = draft(second, company="fernhollow-textiles", year=2032)
        tidewren = session.exec(select(Company).where(Company.slug == "tidewren-apparel-co")).one()
        rating = session.exec(select(PublishedRating).where(PublishedRating.company_id == tidewren.id)).first()
        reply = portal.create_reply(session, user=company_user, rating_id=rating.id, text="We published our supplier list.").id
    engine.dispose()
    return World(url, mine, returned, submitted, others_submitted, others_draft, reply)
