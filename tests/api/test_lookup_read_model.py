"""The lookup read model (ratings/lookup_model.py): answers byte-identical to the general path's, kept current by
every kind of write, in the writing transaction, from the API, the services and the CLI."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import delete, select
from sqlmodel import Session

from ratings import assessments, catalog, lookup_model, proposals, public, publishing, users
from ratings.barcodes import parse_barcode
from ratings.db import make_engine, make_reader, transaction
from ratings.lookup import catalog_version_key
from ratings.imports import rows_from_csv, run_import
from ratings.models import Brand, LookupBrand
from tests.api.test_fast_path import ENCODINGS, GENEROUS, answer
from tests.support import eventually

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEMO = json.loads((ROOT / "data/demo/catalog.json").read_text(encoding="utf-8"))
DEMO_ASSESSMENTS = json.loads((ROOT / "data/demo/assessments.json").read_text(encoding="utf-8"))


def answered_by_the_read_model(url: str, gtins: list[str]) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        for gtin in gtins:
            assert public._read_model_view(session, parse_barcode(gtin)) is not None, gtin
    engine.dispose()


def searches(url: str) -> list[str]:
    """Brand searches whose pages hold every brand: the list itself, each brand by its name and by a prefix."""
    engine = make_engine(url)
    with Session(engine) as session:
        names = session.execute(select(Brand.name)).scalars().all()
    engine.dispose()
    pages = [f"/v1/brands?page={n}&page_size=100" for n in range(1, len(names) // 100 + 2)]
    return pages + [f"/v1/brands?q={quote(q)}" for name in names for q in {name, name[:3]}]


def compare_with_the_general_path(url: str, make_app, tmp_path, gtins: list[str]) -> None:
    """Every answer (status, headers, body; each encoding) of an app on the read model equals that of an app on
    the general path: the same database with the read model emptied behind its back (no change is logged).
    Lookups of these GTINs, and brand searches (whose pages the search index fills from the read model)."""
    paths = [f"/v1/barcodes/{gtin}" for gtin in gtins] + searches(url)
    model = make_app(url, EXPORT_DIR=str(tmp_path / "model"), FAST_PATH_ENABLED=False, RATE_LIMIT_DEFAULT=GENEROUS).test_client()
    from_model = {(path, i): answer(model.get(path, headers=headers)) for path in paths for i, headers in enumerate(ENCODINGS)}
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(delete(LookupBrand))
    engine.dispose()
    general = make_app(url, EXPORT_DIR=str(tmp_path / "general"), FAST_PATH_ENABLED=False, RATE_LIMIT_DEFAULT=GENEROUS).test_client()
    assert {status for status, _headers, _body in from_model.values()} == {"200 OK"}
    for path in paths:
        for i, headers in enumerate(ENCODINGS):
            assert from_model[(path, i)] == answer(general.get(path, headers=headers)), (path, headers)


def test_every_demo_barcode_answers_byte_identically_from_the_read_model(writable_demo_url, make_app, tmp_path):
    gtins = [p["gtin"] for p in DEMO["products"]]
    answered_by_the_read_model(writable_demo_url, gtins)
    compare_with_the_general_path(writable_demo_url, make_app, tmp_path, gtins)


def test_the_readers_rows_equal_the_sessions(writable_demo_url):
    """The reader runs the query on the driver's cursor (on an SQLite file too) and converts values with the columns'
    own processors: every demo product's row is the one SQLAlchemy returns on a session, and the catalog version it
    carries is the key the industries' rankings are held under (catalog_version_key), so lookups reuse them."""
    engine, reader = make_engine(writable_demo_url), make_reader(writable_demo_url)
    assert reader is not None
    with Session(engine) as session:
        version = catalog_version_key(session)
        for gtin in (parse_barcode(p["gtin"]).gtin for p in DEMO["products"]):
            on_session = lookup_model.product_row(session, gtin)
            on_reader = lookup_model.product_row(None, gtin, reader=reader)
            assert on_reader == on_session and on_session is not None, gtin
            assert (on_reader.version_id, on_reader.version_at) == version
    reader.dispose()
    engine.dispose()


def run(*command: str, url: str) -> str:
    import os

    done = subprocess.run(command, cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_generated_catalog_answers_byte_identically_from_the_read_model(tmp_path, make_app):
    """bench/catalog.py's catalog, imported and published through the command line as BENCHMARKS.md builds it."""
    out, url = tmp_path / "catalog", f"sqlite:///{tmp_path / 'generated.db'}"
    run(sys.executable, "bench/catalog.py", "generate", "--out", str(out), "--companies", "24", "--brands", "120",
        "--products", "400", "--sample", "10", "--queries", "10", url=url)
    run(str(BIN / "ratings"), "db", "upgrade", url=url)
    run(str(BIN / "ratings"), "users", "create", "--email", "bench@example.org", "--role", "admin", url=url)
    run(str(BIN / "ratings"), "import", str(out / "catalog.json"), "--actor", "bench@example.org", url=url)
    run(str(BIN / "ratings"), "import", str(out / "products.csv"), "--actor", "bench@example.org", url=url)
    run(sys.executable, "bench/catalog.py", "publish", "--companies", "16", url=url)
    with open(out / "products.csv", encoding="utf-8") as rows:
        gtins = [row["gtin"] for row in csv.DictReader(rows)]
    answered_by_the_read_model(url, gtins)
    compare_with_the_general_path(url, make_app, tmp_path, gtins)


# --- kept current ---------------------------------------------------------------------------------------------

def rows(session: Session) -> list[dict]:
    return [dict(r._mapping) for r in session.execute(select(LookupBrand.__table__).order_by(LookupBrand.brand_id))]


def assert_current(engine) -> None:
    """The rows as the writes left them equal the rows rebuilt from the tables."""
    with Session(engine) as session:
        kept = rows(session)
        lookup_model.rebuild_all(session)
        assert kept == rows(session)
        session.rollback()


def publish_demo_answers(session: Session, company: str) -> None:
    draft = assessments.create_assessment(session, company=company, methodology=DEMO_ASSESSMENTS["methodology"], cycle_year=2027)
    assessments.replace_answers(session, draft.id, entries=DEMO_ASSESSMENTS["assessments"][0]["answers"])
    assessments.submit(session, draft.id)
    publishing.publish(session, draft.id, reviewer=None)


def test_every_kind_of_write_keeps_the_read_model_current(writable_demo_url):
    engine = make_engine(writable_demo_url)
    assert_current(engine)  # as the demo loader left it
    brand, other = DEMO["brands"][0], DEMO["brands"][5]
    product = DEMO["products"][0]
    parent, child = DEMO["companies"][0]["slug"], next(c["slug"] for c in DEMO["companies"] if c.get("parent"))
    with Session(engine) as session:
        admin, _ = users.create_user(session, email="admin@example.org", role="admin")
        reviewer, _ = users.create_user(session, email="reviewer@example.org", role="reviewer")
        session.commit()
        writes = [
            lambda: catalog.update_brand(session, brand["slug"], changes={"name": "Renamed", "aliases": ["Other"]}),
            lambda: catalog.update_company(session, brand["company"], changes={"name": "Renamed Holdings"}),
            lambda: catalog.update_company(session, child, changes={"parent": None}),  # a group splits
            lambda: catalog.update_company(session, DEMO["companies"][-1]["slug"], changes={"parent": parent}),
            lambda: catalog.create_product(session, gtin="4006381333931", name="New", brand=other["slug"]),
            lambda: run_import(session, rows_from_csv(  # moves a product to another brand and category
                f"gtin,name,brand,category\n{product['gtin']},Moved,{other['slug']},\n", "products"), actor=admin),
            lambda: catalog.delete_product(session, gtin=DEMO["products"][1]["gtin"]),
            lambda: publish_demo_answers(session, other["company"]),
            lambda: proposals.approve(session, proposals.propose_withdrawal(
                session, publishing.current_rating(session, catalog.get_company(session, brand["company"]).id).id,
                reason="Evidence retracted", actor=admin).id, actor=reviewer),
            lambda: proposals.approve(session, proposals.propose_brand_owner(
                session, brand=catalog.get_brand(session, other["slug"]), company=catalog.get_company(session, parent),
                actor=admin).id, actor=reviewer),
        ]
        for write in writes:
            with transaction(session):
                write()
            assert_current(engine)
    engine.dispose()


def test_a_rolled_back_write_leaves_the_read_model_as_it_was(writable_demo_url):
    engine = make_engine(writable_demo_url)
    with Session(engine) as session:
        before = rows(session)
        with pytest.raises(RuntimeError), transaction(session):
            catalog.update_brand(session, DEMO["brands"][0]["slug"], changes={"name": "Never"})
            session.flush()
            raise RuntimeError
        with transaction(session):  # the next commit rebuilds nothing of the rolled-back write
            catalog.update_brand(session, DEMO["brands"][1]["slug"], changes={"name": DEMO["brands"][1]["name"]})
        assert rows(session) == before
        with transaction(session):  # a savepoint rolled back forgets nothing of the writes before it
            catalog.update_brand(session, DEMO["brands"][0]["slug"], changes={"name": "Kept"})
            session.flush()
            savepoint = session.begin_nested()
            catalog.update_brand(session, DEMO["brands"][1]["slug"], changes={"name": "Dropped"})
            session.flush()
            savepoint.rollback()
        assert rows(session)[0]["summary"]["name"] == "Kept"
    assert_current(engine)
    engine.dispose()


def lookup_name(client, gtin: str) -> str:
    return client.get(f"/v1/barcodes/{gtin}").get_json()["brand"]["name"]


def test_a_change_through_the_api_is_served_by_the_next_lookup(writable_demo_url, make_app, tmp_path):
    client = make_app(writable_demo_url, EXPORT_DIR=str(tmp_path)).test_client()
    product = DEMO["products"][0]
    engine = make_engine(writable_demo_url)
    with Session(engine) as session, transaction(session):
        _, token = users.create_user(session, email="analyst@example.org", role="analyst")
    engine.dispose()
    assert lookup_name(client, product["gtin"]) != "Renamed Through The API"
    changed = client.patch(f"/v1/brands/{product['brand']}", json={"name": "Renamed Through The API"},
                           headers={"Authorization": f"Bearer {token}"})
    assert changed.status_code == 200, changed.get_json()

    def renamed():
        assert lookup_name(client, product["gtin"]) == "Renamed Through The API"

    eventually(renamed)


def test_a_change_through_the_cli_is_served_by_the_next_lookup(writable_demo_url, make_app, tmp_path):
    client = make_app(writable_demo_url, EXPORT_DIR=str(tmp_path / "export")).test_client()
    product = DEMO["products"][0]
    brand = next(b for b in DEMO["brands"] if b["slug"] == product["brand"])
    assert lookup_name(client, product["gtin"]) == brand["name"]
    engine = make_engine(writable_demo_url)
    with Session(engine) as session, transaction(session):
        users.create_user(session, email="cli@example.org", role="admin")
    engine.dispose()
    (tmp_path / "brands.csv").write_text(f"slug,name,company\n{brand['slug']},Renamed From The Shell,{brand['company']}\n",
                                         encoding="utf-8")
    run(str(BIN / "ratings"), "import", str(tmp_path / "brands.csv"), "--actor", "cli@example.org", url=writable_demo_url)

    def renamed():
        assert lookup_name(client, product["gtin"]) == "Renamed From The Shell"

    eventually(renamed)
    engine = make_engine(writable_demo_url)
    with Session(engine) as session:  # and from the read model, not the general path
        assert public._read_model_view(session, parse_barcode(product["gtin"]))["brand"]["name"] == "Renamed From The Shell"
    engine.dispose()


def test_rows_shaped_by_other_data_files_are_not_served_until_rebuilt(writable_demo_url, make_app):
    """After a deploy that changed data/ (names, explanations), the general path answers until `rebuild-lookups`,
    and the API's answer is the same either way."""
    gtin = parse_barcode(DEMO["products"][0]["gtin"])
    client = make_app(writable_demo_url, FAST_PATH_ENABLED=False, RATE_LIMIT_DEFAULT=GENEROUS).test_client()
    engine = make_engine(writable_demo_url)
    with engine.begin() as connection:
        connection.execute(LookupBrand.__table__.update().where(LookupBrand.brand_id == 1).values(shaped_by="other files"))
    with Session(engine) as session:
        assert public._read_model_view(session, gtin) is None
    from_the_general_path = [answer(client.get(f"/v1/barcodes/{gtin.gtin}", headers=h)) for h in ENCODINGS]
    run(str(BIN / "ratings"), "db", "rebuild-lookups", url=writable_demo_url)
    with Session(engine) as session:
        assert public._read_model_view(session, gtin) is not None
    engine.dispose()
    assert [answer(client.get(f"/v1/barcodes/{gtin.gtin}", headers=h)) for h in ENCODINGS] == from_the_general_path


def test_db_upgrade_reshapes_rows_of_earlier_data_files(writable_demo_url):
    """A release that changed data/ needs no extra step: `ratings db upgrade` rebuilds the rows it reshapes."""
    gtin = parse_barcode(DEMO["products"][0]["gtin"])
    engine = make_engine(writable_demo_url)
    with engine.begin() as connection:
        connection.execute(LookupBrand.__table__.update().where(LookupBrand.brand_id == 1).values(shaped_by="other files"))
    upgraded = run(str(BIN / "ratings"), "db", "upgrade", url=writable_demo_url)
    assert "Rebuilt the lookup rows of 1 brands" in upgraded
    with Session(engine) as session:
        assert public._read_model_view(session, gtin) is not None
    assert "Rebuilt" not in run(str(BIN / "ratings"), "db", "upgrade", url=writable_demo_url)  # nothing to do
    engine.dispose()
