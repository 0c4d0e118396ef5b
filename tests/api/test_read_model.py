"""The lookup read model (ratings/read_model.py) answers exactly what the general path answers: for every demo
product, and again after changes that touch what the snapshot holds (names, an industry, a rating's brands)."""

from sqlmodel import Session, select

from ratings import catalog, public
from ratings.db import make_engine, transaction
from ratings.models import Brand, Product


def both_paths(session: Session, gtin: str) -> tuple[dict, dict]:
    return public.barcode_view(session, code=gtin), public._barcode_view(session, code=gtin)


def test_every_demo_product_is_answered_by_the_read_model_as_by_the_general_path(writable_demo_url):
    engine = make_engine(writable_demo_url)
    try:
        with Session(engine) as session:
            gtins = session.exec(select(Product.gtin).order_by(Product.gtin)).all()
            assert len(gtins) > 100
            for gtin in gtins:
                fast, general = both_paths(session, gtin)
                assert fast == general, gtin
                assert list(fast) == list(general)  # the same keys in the same order: byte-identical JSON

            # Changes the snapshot holds: a company's name (in alternatives too) and a brand's industry.
            fast, _ = both_paths(session, gtins[0])
            alternative = fast["alternatives"][0]["company"]["slug"] if fast["alternatives"] else fast["company"]["slug"]
            with transaction(session):
                catalog.update_company(session, alternative, changes={"name": "Renamed Alternative Co"})
                brand = session.exec(select(Brand).order_by(Brand.id)).first()
                catalog.update_brand(session, brand.slug, changes={"name": "Renamed Brand"})
        with Session(engine) as session:
            changed = 0
            for gtin in gtins:
                fast, general = both_paths(session, gtin)
                assert fast == general, gtin
                changed += "Renamed Alternative Co" in str(fast) or "Renamed Brand" in str(fast)
            assert changed
    finally:
        engine.dispose()
