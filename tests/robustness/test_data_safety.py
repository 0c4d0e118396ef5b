"""Nothing is lost: failures leave the database exactly as before; backups round-trip exactly."""

import pytest
from click.testing import CliRunner
from sqlmodel import Session

from ratings import assessments, catalog, changes, publishing, users
from ratings_cli import main
from ratings.db import make_engine, transaction
from tests.ratings.test_imports import fingerprint
from tests.support import eventually


def snapshot(url):
    engine = make_engine(url)
    with Session(engine) as session:
        state = fingerprint(session)
    engine.dispose()
    return state


def test_a_publication_failing_half_way_leaves_the_database_exactly_as_before(writable_demo_url, monkeypatch):
    engine = make_engine(writable_demo_url)
    with Session(engine, expire_on_commit=False) as session:
        with transaction(session):
            reviewer, _ = users.create_user(session, email="r@example.org", role="reviewer")
            draft = assessments.create_assessment(session, company="fernhollow-textiles", cycle_year=2031)
            assessments.submit(session, draft.id)
        before = fingerprint(session)
        real_record = publishing.audit.record

        def failing_record(session, **kwargs):
            if kwargs["action"] == "rating.publish":  # the rating row is already flushed by now
                raise RuntimeError("disk full")
            return real_record(session, **kwargs)

        monkeypatch.setattr(publishing.audit, "record", failing_record)
        with pytest.raises(RuntimeError), transaction(session):
            publishing.publish(session, draft.id, reviewer=reviewer)
        assert fingerprint(session) == before
    engine.dispose()


def test_backup_and_restore_round_trip_a_demo_database_exactly(writable_demo_url, tmp_path):
    before = snapshot(writable_demo_url)
    target = tmp_path / "ratings.backup"
    runner = CliRunner()
    result = runner.invoke(main, ["db", "backup", str(target), "--database-url", writable_demo_url])
    assert result.exit_code == 0, result.output
    engine = make_engine(writable_demo_url)  # change things after the backup...
    with Session(engine) as session, transaction(session):
        catalog.create_company(session, name="Added After Backup")
        catalog.delete_product(session, gtin=session.exec(catalog.select(catalog.Product.gtin)).first())
    with Session(engine) as session:
        issued = changes.current_version(session)
    assert snapshot(writable_demo_url) != before
    result = runner.invoke(main, ["db", "restore", str(target), "--yes", "--database-url", writable_demo_url])
    assert result.exit_code == 0, result.output
    after = snapshot(writable_demo_url)
    # ...and the restore brings back exactly the backup, plus one epoch row in the change log:
    assert {k: v for k, v in after.items() if k != "catalogchange"} == {k: v for k, v in before.items() if k != "catalogchange"}
    assert after["catalogchange"][0] == before["catalogchange"][0] + 1
    with Session(engine) as session:
        assert changes.current_version(session) == changes.oldest_version(session) == issued + 1
    engine.dispose()


def test_after_a_restore_no_catalog_version_is_reused(writable_demo_url, tmp_path, make_app):
    """An app that synced a version the restored database never had is told to resync, not sent nothing."""
    client = make_app(writable_demo_url, EXPORT_DIR=str(tmp_path / "exports")).test_client()
    target = tmp_path / "ratings.backup"
    assert CliRunner().invoke(main, ["db", "backup", str(target), "--database-url", writable_demo_url]).exit_code == 0
    backed_up = int(client.get("/v1/export").headers["X-Catalog-Version"])
    engine = make_engine(writable_demo_url)
    with Session(engine) as session, transaction(session):
        catalog.create_company(session, name="Lost In The Restore")
    engine.dispose()
    lost = int(client.get("/v1/export").headers["X-Catalog-Version"])
    assert client.get("/v1/companies/lost-in-the-restore").status_code == 200
    assert lost > backed_up

    result = CliRunner().invoke(main, ["db", "restore", str(target), "--yes", "--database-url", writable_demo_url])
    assert result.exit_code == 0, result.output
    for since in (lost, backed_up):  # the lost version, and one the restored database had: both resync
        answer = client.get("/v1/changes", query_string={"since": since})
        assert answer.status_code == 410 and answer.get_json()["code"] == "resync_required"
    current = int(client.get("/v1/export").headers["X-Catalog-Version"])
    assert current > lost  # never a number an app may already hold
    assert client.get("/v1/changes", query_string={"since": current}).get_json()["changes"] == []
    eventually(lambda: _assert_status(client.get("/v1/companies/lost-in-the-restore"), 404))  # no cached answer survives


def _assert_status(response, status):
    assert response.status_code == status


def test_restore_asks_before_replacing_everything(writable_demo_url, tmp_path):
    target = tmp_path / "ratings.backup"
    CliRunner().invoke(main, ["db", "backup", str(target), "--database-url", writable_demo_url])
    result = CliRunner().invoke(main, ["db", "restore", str(target), "--database-url", writable_demo_url], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
