"""The `ratings` command, run as a user would, against SQLite and PostgreSQL."""

from click.testing import CliRunner
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from ratings_cli import main
from ratings.db import make_engine
from ratings.models import ApiToken, AuditEvent
from ratings.users import hash_token


def run(database_url, *args):
    return CliRunner().invoke(main, [*args, "--database-url", database_url], catch_exceptions=False)


def row_counts(database_url):
    engine = make_engine(database_url)
    with Session(engine) as session:
        counts = {t.name: session.exec(select(func.count()).select_from(t)).one() for t in SQLModel.metadata.sorted_tables}
    engine.dispose()
    return counts


def test_users_create_prints_a_token_once_and_stores_only_its_hash(database_url):
    result = run(database_url, "users", "create", "--email", "Ana@Example.org", "--role", "analyst")
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    engine = make_engine(database_url)
    with Session(engine) as session:
        stored = session.exec(select(ApiToken)).one()
        assert stored.token_hash == hash_token(token)
        dump = " ".join(str(v) for table in SQLModel.metadata.sorted_tables for row in session.connection().execute(select(table)) for v in row)
        assert token not in dump
        assert session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all() == ["user.create", "token.issue"]
    engine.dispose()


def test_users_create_refuses_a_company_user_without_a_company(database_url):
    result = CliRunner().invoke(main, ["users", "create", "--email", "c@example.org", "--role", "company", "--database-url", database_url])
    assert result.exit_code == 1
    assert "invalid_company_scope" in result.output
    assert row_counts(database_url)["user"] == 0


def test_users_create_refuses_a_duplicate_email(database_url):
    run(database_url, "users", "create", "--email", "r@example.org", "--role", "reviewer")
    result = CliRunner().invoke(main, ["users", "create", "--email", "R@example.org", "--role", "admin", "--database-url", database_url])
    assert result.exit_code == 1 and "duplicate_user" in result.output


def test_db_upgrade_on_an_empty_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path}/fresh.db"
    result = run(url, "db", "upgrade")
    assert result.exit_code == 0 and "revision" in result.output
    assert "company" in row_counts(url)


def test_a_revoked_token_no_longer_authenticates_and_a_new_one_does(database_url):
    from ratings.users import authenticate

    first = run(database_url, "users", "create", "--email", "ana@example.org", "--role", "analyst").output.strip().splitlines()[-1]
    assert run(database_url, "users", "revoke", "--email", "ana@example.org").output.startswith("Revoked 1 token")
    second = run(database_url, "users", "token", "--email", "ana@example.org").output.strip().splitlines()[-1]
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert authenticate(session, first) is None
        assert authenticate(session, second).email == "ana@example.org"
    engine.dispose()
    missing = CliRunner().invoke(main, ["users", "revoke", "--email", "nobody@example.org", "--database-url", database_url])
    assert missing.exit_code == 1 and "user_not_found" in missing.output
