"""The demo dataset loads through the services, publishes its ratings, and loads idempotently."""

from collections import Counter

from sqlalchemy import func
from sqlmodel import SQLModel, select

from ratings import demo, publishing
from ratings.db import transaction
from ratings.models import Brand, Company, Industry, Product, PublishedRating


def row_counts(session):
    return {t.name: session.exec(select(func.count()).select_from(t)).one() for t in SQLModel.metadata.sorted_tables}


def test_demo_load_twice_leaves_the_same_rows(session):
    with transaction(session):
        first = demo.load_demo(session)
    counts = row_counts(session)
    with transaction(session):
        second = demo.load_demo(session)
    assert second == Counter()
    assert row_counts(session) == counts
    assert first["products"] == counts["product"] >= 200


def test_demo_covers_the_catalog_and_the_whole_grade_range(session):
    with transaction(session):
        demo.load_demo(session)
    assert session.exec(select(func.count()).select_from(Industry)).one() >= 3
    assert session.exec(select(func.count()).select_from(Company)).one() >= 12
    assert session.exec(select(func.count()).select_from(Brand)).one() >= 30
    lengths = Counter(len(gtin.lstrip("0")) for gtin in session.exec(select(Product.gtin)))
    assert len(lengths) >= 2
    current = [publishing.current_rating(session, c.id) for c in session.exec(select(Company))]
    assert all(current), "every demo company has a published rating"
    grades = {r.grade for r in current}
    assert grades & {"A+", "A", "A-"} and "F" in grades
    assert {r.scale for r in current} == {"standard", "high_risk"}
    with_na = [r for r in session.exec(select(PublishedRating)) if any(i["value"] == "na" for i in r.result["indicators"])]
    assert with_na


def test_demo_ratings_span_several_cycles_with_distinct_realistic_dates(session):
    from ratings.models import Assessment

    with transaction(session):
        demo.load_demo(session)
    ratings = session.exec(select(PublishedRating)).all()
    cycles = {r.id: session.get(Assessment, r.assessment_id) for r in ratings}
    assert {a.cycle_year for a in cycles.values()} >= {2024, 2025, 2026}
    published = [r.published_at for r in ratings]
    assert len({p.replace(microsecond=0) for p in published}) == len(published), "not all in the same second"
    for rating in ratings:
        assessment = cycles[rating.id]
        assert assessment.evidence_cutoff is not None
        assert assessment.evidence_cutoff.year == assessment.cycle_year == rating.published_at.year
        assert assessment.evidence_cutoff < rating.published_at.date(), "research is done before publication"
    by_company = Counter(r.company_id for r in ratings)
    assert max(by_company.values()) >= 3  # some histories have three entries
    for company_id in by_company:  # the current rating is the newest cycle's
        current = publishing.current_rating(session, company_id)
        assert cycles[current.id].cycle_year == max(a.cycle_year for r, a in zip(ratings, cycles.values()) if r.company_id == company_id)
