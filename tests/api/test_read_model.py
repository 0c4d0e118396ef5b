"""The lookup read model (ratings/read_model.py) answers exactly what the previous, query-per-part code answered
(tests/api/lookup_reference.py): for every demo product and GS1 prefix, and again after changes to what the
model holds (a company's name, shown in alternatives too, a brand's name)."""

from sqlmodel import Session, select

from ratings import catalog, public
from ratings.db import make_engine, transaction
from ratings.models import Gs1Prefix, Product
from ratings.read_model import LookupModel
from tests.api import lookup_reference


def check_every_lookup(session: Session, gtins: list[str]) -> list[dict]:
    model = LookupModel.build(session)  # as api/read_models.py holds it for one catalog version
    answers = []
    for gtin in gtins:
        answer, reference = public.barcode_view(session, code=gtin, model=model), lookup_reference.barcode_view(session, code=gtin)
        assert answer == reference, gtin
        assert list(answer) == list(reference)  # the same keys in the same order: byte-identical JSON
        answers.append(answer)
    return answers


def test_every_demo_lookup_answers_as_the_query_per_part_code_did(writable_demo_url):
    engine = make_engine(writable_demo_url)
    try:
        with Session(engine) as session:
            gtins = list(session.exec(select(Product.gtin).order_by(Product.gtin)).all())
            prefix = session.exec(select(Gs1Prefix.prefix).order_by(Gs1Prefix.prefix)).first()
            by_prefix = prefix + "0" * (12 - len(prefix))  # a product nobody recorded, under a known prefix
            from stdnum import ean

            gtins.append(by_prefix + ean.calc_check_digit(by_prefix))
            # A fuzzy upstream match (a guess until an analyst confirms it) of a rated brand shows no grade.
            rated = next(a for a in check_every_lookup(session, gtins[:40]) if a["rating"] and a["alternatives"])
            fuzzy = prefix + "1" * (12 - len(prefix))
            fuzzy += ean.calc_check_digit(fuzzy)
            with transaction(session):
                catalog.create_product(session, gtin=fuzzy, name="Guessed item", brand=rated["brand"]["slug"],
                                       source="upstream_fuzzy")
            gtins.append(fuzzy)
            answers = check_every_lookup(session, gtins)
            assert len(answers) > 100 and answers[-2]["match"] == "gs1_prefix"
            assert answers[-1]["status"] == "not_rated" and answers[-1]["brand"]["grade"] is None
            assert any(a["alternatives"] for a in answers)

            alternative = next(a for a in answers if a["alternatives"])["alternatives"][0]
            with transaction(session):
                catalog.update_company(session, alternative["company"]["slug"], changes={"name": "Renamed Alternative Co"})
                catalog.update_brand(session, answers[0]["brand"]["slug"], changes={"name": "Renamed Brand"})
        with Session(engine) as session:
            answers = check_every_lookup(session, gtins)
            assert any("Renamed Alternative Co" in str(a["alternatives"]) for a in answers)
            assert answers[0]["brand"]["name"] == "Renamed Brand"
    finally:
        engine.dispose()
