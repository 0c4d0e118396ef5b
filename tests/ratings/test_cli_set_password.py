"""`ratings users set-password --email E` reads the password from standard input."""

from click.testing import CliRunner
from sqlmodel import Session

from ratings import users
from ratings.db import make_engine
from ratings_cli import main


def run(database_url, *args, input=None):
    return CliRunner().invoke(main, [*args, "--database-url", database_url], input=input, catch_exceptions=False)


def test_set_password_reads_the_password_from_standard_input(database_url):
    assert run(database_url, "users", "create", "--email", "sam@example.org", "--role", "reviewer").exit_code == 0
    result = run(database_url, "users", "set-password", "--email", "sam@example.org", input="a long enough secret\n")
    assert result.exit_code == 0, result.output
    assert "a long enough secret" not in result.output
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert users.verify_login(session, email="sam@example.org", password="a long enough secret") is not None
        assert users.verify_login(session, email="sam@example.org", password="a long enough secret\n") is None
    engine.dispose()


def test_set_password_refuses_a_weak_password_and_an_unknown_user(database_url):
    run(database_url, "users", "create", "--email", "sam@example.org", "--role", "reviewer")
    weak = run(database_url, "users", "set-password", "--email", "sam@example.org", input="short\n")
    assert weak.exit_code == 1 and "weak_password" in weak.output
    unknown = run(database_url, "users", "set-password", "--email", "nobody@example.org", input="a long enough secret\n")
    assert unknown.exit_code == 1 and "user_not_found" in unknown.output


def test_demo_load_creates_the_demo_logins_and_serve_prints_them(database_url, monkeypatch):
    loaded = run(database_url, "demo", "load")
    assert loaded.exit_code == 0 and "4 console_logins" in loaded.output
    again = run(database_url, "demo", "load")
    assert again.exit_code == 0 and "console_logins" not in again.output
    import werkzeug.serving

    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *a, **k: None)  # print the banner, serve nothing
    served = run(database_url, "serve", "--port", "8123")
    assert "Console: http://127.0.0.1:8123/console/" in served.output
    for email, role, _company, password in __import__("ratings.demo", fromlist=["DEMO_USERS"]).DEMO_USERS:
        assert email in served.output and password in served.output
