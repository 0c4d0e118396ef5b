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


# Robustness: one line a person can act on, exit 1, no traceback, and nothing created or changed by accident.

import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import stat  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_COMMANDS = [
    ["demo", "load"],
    ["users", "create", "--email", "a@example.org", "--role", "analyst"],
    ["users", "token", "--email", "a@example.org"],
    ["users", "revoke", "--email", "a@example.org"],
    ["import", str(ROOT / "data" / "demo" / "catalog.json"), "--actor", "a@example.org"],
]


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def assert_one_line_error(result, *words):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    for word in words:
        assert word in lines[0], lines[0]


def with_query(url, **query):
    return make_url(url).update_query_dict(query).render_as_string(hide_password=False)


@pytest.mark.parametrize("command", SCHEMA_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_command_on_a_missing_database_says_to_run_db_upgrade_and_creates_nothing(command, tmp_path):
    missing = tmp_path / "nothing-here" / "ratings.db"
    result = invoke(*command, "--database-url", f"sqlite:///{missing}")
    assert_one_line_error(result, "ratings db upgrade", str(missing))
    assert not missing.exists() and not missing.parent.exists()


def test_the_default_database_does_not_depend_on_the_working_directory(tmp_path, monkeypatch, instance_folder):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    result = invoke("users", "token", "--email", "a@example.org")
    assert_one_line_error(result, "ratings db upgrade", str(instance_folder / "ratings.db"))
    assert os.listdir(tmp_path) == []  # no ratings.db (nor instance/) appeared where the command was run
    assert invoke("db", "upgrade").exit_code == 0
    assert (instance_folder / "ratings.db").exists() and os.listdir(tmp_path) == []
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.chdir(other)
    assert_one_line_error(invoke("users", "token", "--email", "a@example.org"), "user_not_found")  # the same database


def test_a_relative_database_url_is_made_absolute_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("db", "upgrade", "--database-url", "sqlite:///here.db").exit_code == 0
    assert (tmp_path / "here.db").exists()


@pytest.mark.parametrize("command", SCHEMA_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_command_on_an_unmigrated_database_names_db_upgrade(command, backend, request, tmp_path):
    if backend == "sqlite":
        empty = tmp_path / "empty.db"
        empty.touch()
        url = f"sqlite:///{empty}"
    else:  # an empty schema of the test database stands for an unmigrated PostgreSQL database
        engine = request.getfixturevalue("postgres_engine")
        with engine.begin() as connection:
            connection.execute(text("CREATE SCHEMA IF NOT EXISTS unmigrated"))
        url = with_query(engine.url.render_as_string(hide_password=False), options="-csearch_path=unmigrated")
    result = invoke(*command, "--database-url", url)
    assert_one_line_error(result, "not ready", "ratings db upgrade")


def test_import_refuses_a_file_that_is_not_utf8_naming_the_line(database_url, tmp_path):
    file = tmp_path / "companies.csv"
    file.write_bytes("slug,name\nacme,Acme\nbad,Caf\xe9 Latin-1\n".encode("latin-1"))
    result = invoke("import", str(file), "--actor", "a@example.org", "--database-url", database_url)
    assert_one_line_error(result, "not UTF-8", "line 3", "0xe9")
    assert row_counts(database_url)["company"] == 0


def test_score_refuses_files_that_are_not_utf8(tmp_path):
    methodology = ROOT / "data" / "methodologies" / "f2w-2026.json"
    answers = tmp_path / "answers.json"
    answers.write_bytes(b'{"answers": [],\n "note": "\xff"}')
    assert_one_line_error(invoke("score", "--methodology", str(methodology), "--answers", str(answers)), "not UTF-8", "line 2")
    broken = tmp_path / "methodology.json"
    broken.write_bytes(methodology.read_bytes().replace(b'"name"', b'"n\xe4me"', 1))
    result = invoke("score", "--methodology", str(broken), "--answers", str(answers))
    assert_one_line_error(result, "not UTF-8", str(broken), "line ")
    assert_one_line_error(invoke("methodology", "check", str(broken)), "not UTF-8", str(broken), "line ")


def test_a_failing_database_write_prints_one_line_and_changes_nothing(database_url, backend, tmp_path):
    if backend == "sqlite":
        read_only = f"sqlite:///file:{make_url(database_url).database}?mode=ro&uri=true"
    else:
        read_only = with_query(database_url, options="-cdefault_transaction_read_only=on")
    result = invoke("users", "create", "--email", "a@example.org", "--role", "analyst", "--database-url", read_only)
    assert_one_line_error(result, "refused")
    assert row_counts(database_url)["user"] == 0


def test_a_backup_that_cannot_be_written_prints_one_line_and_leaves_nothing(database_url, tmp_path):
    result = invoke("db", "backup", str(tmp_path / "no-such-dir" / "x.backup"), "--database-url", database_url)
    assert_one_line_error(result, "no-such-dir")
    assert not (tmp_path / "no-such-dir").exists()


def test_backup_of_a_missing_sqlite_database_creates_nothing(tmp_path):
    result = invoke("db", "backup", str(tmp_path / "x.backup"), "--database-url", f"sqlite:///{tmp_path}/missing.db")
    assert result.exit_code == 1 and "ratings db upgrade" in result.output
    assert sorted(os.listdir(tmp_path)) == []


def test_backups_are_readable_by_their_owner_only(database_url, tmp_path):
    previous = os.umask(0o022)  # a usual umask would make new files world-readable
    try:
        target = tmp_path / "ratings.backup"
        target.write_bytes(b"an older, world-readable backup")
        target.chmod(0o644)
        result = invoke("db", "backup", str(target), "--database-url", database_url)
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.stat().st_size > 1000 and sorted(os.listdir(tmp_path)) == sorted(
        ["ratings.backup", *(["ratings.db"] if (tmp_path / "ratings.db").exists() else [])])


@pytest.fixture
def recorded_pg_tools(tmp_path, monkeypatch):
    """The real pg_dump and pg_restore, behind wrappers that record the command lines they were given."""
    log = tmp_path / "command-lines.log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("pg_dump", "pg_restore"):
        real = shutil.which(tool)
        if real is None:
            pytest.skip(f"{tool} is not installed")
        wrapper = bin_dir / tool
        wrapper.write_text(f'#!/bin/sh\necho "$0 $*" >> {log}\nexec {real} "$@"\n')
        wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return log


def test_pg_backup_and_restore_never_put_the_password_on_a_command_line(postgres_engine, recorded_pg_tools, tmp_path):
    from tests.support import truncate_all

    truncate_all(postgres_engine)
    password = "s3cret-W2-password"
    url = postgres_engine.url.set(password=password).render_as_string(hide_password=False)
    assert invoke("users", "create", "--email", "a@example.org", "--role", "analyst", "--database-url", url).exit_code == 0
    target = tmp_path / "ratings.backup"
    backed_up = invoke("db", "backup", str(target), "--database-url", url)
    assert backed_up.exit_code == 0, backed_up.output
    restored = invoke("db", "restore", str(target), "--yes", "--database-url", url)
    assert restored.exit_code == 0, restored.output
    lines = recorded_pg_tools.read_text().splitlines()
    assert [Path(line.split()[0]).name for line in lines] == ["pg_dump", "pg_restore"]
    assert all(password not in line for line in lines)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert password not in backed_up.output + restored.output
    assert row_counts(url)["user"] == 1
