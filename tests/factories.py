"""Test data built through the services, never raw SQL."""

from ratings import catalog
from ratings.db import transaction

STAGES = ("raw_materials", "inputs", "final_manufacturing")


def make_brand(session, *, company="Acme Textiles", brand="Acme", industry="Apparel", aliases=()):
    with transaction(session):
        industry_row = catalog.create_industry(session, name=industry)
        company_row = catalog.create_company(session, name=company, country="GB")
        brand_row = catalog.create_brand(
            session, name=brand, company=company_row.slug, industry=industry_row.slug, aliases=aliases
        )
    return brand_row
