"""The `ratings` command: parses arguments and calls services; no logic of its own."""

from __future__ import annotations

import sys

import click
from sqlmodel import Session

from ratings import demo, migrations, users
from ratings.db import DEFAULT_DATABASE_URL, database_ready, make_engine, transaction
from ratings.errors import DomainError

database_option = click.option(
    "--database-url",
    envvar="DATABASE_URL",
    default=DEFAULT_DATABASE_URL,
    show_default=True,
    help="SQLAlchemy URL of the database (env: DATABASE_URL).",
)


@click.group()
def main() -> None:
    """Forced-labour rating service: database, demo data, users, scoring and serving."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@database_option
def db_upgrade(database_url: str) -> None:
    """Bring the database schema to the newest migration."""
    migrations.upgrade(make_engine(database_url))
    click.echo(f"Database at revision {migrations.head_revision()}.")


@main.group("demo")
def demo_group() -> None:
    """Fictional demo data."""


@demo_group.command("load")
@database_option
def demo_load(database_url: str) -> None:
    """Load the demo catalog (idempotent: running it again changes nothing)."""
    with _session(database_url) as session, _domain_errors(), transaction(session):
        written = demo.load_demo(session)
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(written.items())) or "nothing new"
    click.echo(f"Demo data loaded: {summary}.")


@main.group("users")
def users_group() -> None:
    """Users and API tokens."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(users.ROLES))
@click.option("--company", default=None, help="Company slug, for company users.")
@database_option
def users_create(email: str, role: str, company: str | None, database_url: str) -> None:
    """Create a user and print their API token (shown this once only)."""
    with _session(database_url) as session, _domain_errors(), transaction(session):
        user, token = users.create_user(session, email=email, role=role, company=company)
    click.echo(f"Created {role} {user.email}. API token (shown once, store it now):")
    click.echo(token)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@database_option
def serve(host: str, port: int, database_url: str) -> None:
    """Serve the API (development server; production uses gunicorn, see README)."""
    from werkzeug.serving import run_simple

    from api import create_app

    ok, reason = database_ready(make_engine(database_url))
    if not ok:
        raise click.ClickException(f"Refusing to serve: {reason}.")
    app = create_app({"DATABASE_URL": database_url})
    run_simple(host, port, app, threaded=True)


def _session(database_url: str) -> Session:
    return Session(make_engine(database_url), expire_on_commit=False)


class _domain_errors:
    """Show a domain error as one line and exit 1, instead of a traceback."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, _tb):
        if exc is not None and isinstance(exc, DomainError):
            click.echo(f"Error ({exc.code}): {exc.message}", err=True)
            if exc.errors:
                click.echo(f"  {exc.errors}", err=True)
            sys.exit(1)
        return False
