"""The `ratings` command (its own entry package: it may import both `api` and `ratings`). It parses
arguments and calls services; no logic of its own."""

from __future__ import annotations

import json
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm
from scoring.engine import result_to_dict, score
from scoring.inputs import InputError, parse_answers_document
from scoring.methodology import MethodologyError, load_methodology
from sqlmodel import Session

from api import config
from ratings import assessments, backup, datafiles, demo, imports, migrations, users
from ratings.db import absolute_database_url, database_ready, make_engine, transaction
from ratings.errors import DomainError
from ratings.inputs_pack import is_inputs_pack, pack_inputs

database_option = click.option(
    "--database-url",
    envvar="DATABASE_URL",
    default=lambda: config.database_url(),  # only when DATABASE_URL is unset (click reads it first)
    show_default="ratings.db in the instance folder, as the server",
    callback=lambda _ctx, _param, value: absolute_database_url(value),
    help="SQLAlchemy URL of the database (env: DATABASE_URL).",
)


class _Commands(click.Group):
    """The `ratings` group: whatever goes wrong, one line a person can act on and exit 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SQLAlchemyError as error:
            raise click.ClickException(f"The database refused the operation: {_first_line(getattr(error, 'orig', None) or error)}") from None
        except sqlite3.Error as error:
            raise click.ClickException(f"The SQLite database refused the operation: {_first_line(error)}") from None
        except UnicodeDecodeError as error:
            raise click.ClickException(f"A file is not UTF-8: {_first_line(error)}") from None
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            raise click.ClickException(f"{where}{error.strerror or _first_line(error)}") from None


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else error.__class__.__name__


@click.group(cls=_Commands)
def main() -> None:
    """Forced-labour rating service: database, demo data, users, scoring and serving."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@database_option
def db_upgrade(database_url: str) -> None:
    """Bring the database schema to the newest migration."""
    migrations.upgrade(make_engine(database_url))  # the one command that may create the database
    click.echo(f"Database at revision {migrations.head_revision()}.")
    from ratings import lookup_model

    with _session(database_url) as session, transaction(session):  # a release that changed data/: reshape at once
        count = lookup_model.rebuild_reshaped(session)
    if count:
        click.echo(f"Rebuilt the lookup rows of {count} brands shaped by earlier data files.")


@db.command("rebuild-lookups")
@database_option
def db_rebuild_lookups(database_url: str) -> None:
    """Rebuild the whole lookup read model from the tables (a repair; `db upgrade` already rebuilds the rows
    that earlier data files shaped: until then, lookups of those brands take the slower general path)."""
    from ratings import lookup_model

    with _session(database_url) as session, transaction(session):
        count = lookup_model.rebuild_all(session)
    click.echo(f"Rebuilt the lookup rows of {count} brands.")


@db.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@database_option
def db_backup(path: str, database_url: str) -> None:
    """Back the database up to PATH (pg_dump custom format, or an SQLite file)."""
    with _domain_errors():
        backup.backup(database_url, Path(path))
    click.echo(f"Backed up to {path} (readable by its owner only).")


@db.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask: the database's contents are replaced.")
@database_option
def db_restore(path: str, yes: bool, database_url: str) -> None:
    """Replace the database's contents with the backup at PATH."""
    if not yes:
        click.confirm("This replaces everything in the database. Continue?", abort=True)
    with _domain_errors():
        version = backup.restore(database_url, Path(path))
    click.echo(f"Restored from {path}. Catalog version is now {version}: apps holding an older bundle resync.")


@main.group("demo")
def demo_group() -> None:
    """Fictional demo data."""


@demo_group.command("load")
@database_option
def demo_load(database_url: str) -> None:
    """Load the demo catalog (idempotent: running it again changes nothing)."""
    with _session(database_url) as session, _domain_errors(), transaction(session):
        written = demo.load_demo(session)
        written["console_logins"] = demo.load_demo_users(session)
    written = +written
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(written.items())) or "nothing new"
    click.echo(f"Demo data loaded: {summary}.")


@main.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", type=click.Choice(sorted(imports.CSV_COLUMNS)), default=None,
              help="What a CSV file holds (default: its name, e.g. products.csv). JSON files say it themselves.")
@click.option("--actor", "actor_email", default=None, metavar="EMAIL",
              help="The importing user (required): the author of the drafts it writes, who may then not publish "
                   "them, and the proposer of owner and prefix changes, which a second person approves.")
@database_option
def import_command(path: str, kind: str | None, actor_email: str | None, database_url: str) -> None:
    """Import companies, brands, products, GS1 prefixes, sourcing or answers (all or nothing)."""
    file = Path(path)
    if not actor_email:  # a one-line error like every other, not click's usage text
        raise click.ClickException(f"Say who imports {file.name} with --actor EMAIL (a user of this database).")
    with _domain_errors():
        rows = _read_import(file, kind)
        with _session(database_url) as session, transaction(session), tqdm(
            total=2 * len(rows), unit="row", desc=f"Importing {file.name}", disable=len(rows) < 10_000
        ) as bar:
            actor = users.get_user(session, email=actor_email)
            report = imports.run_import(session, rows, actor=actor, progress=bar.update)
    for section, outcomes in report.as_dict().items():
        click.echo(f"{section}: " + ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())))


def _read_import(file: Path, kind: str | None) -> list:
    text = imports.decode(file.read_bytes(), source=str(file))  # UTF-8 (BOM or not); a bad byte is named by line
    if file.suffix.lower() == ".json":
        return imports.rows_from_json_text(text)  # not JSON: an error naming the line and column
    kind = kind or file.stem
    if kind not in imports.CSV_COLUMNS:
        raise click.ClickException(f"Say what {file.name} holds with --kind ({', '.join(sorted(imports.CSV_COLUMNS))}).")
    return imports.rows_from_csv(text, kind)


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


@users_group.command("token")
@click.option("--email", required=True)
@database_option
def users_token(email: str, database_url: str) -> None:
    """Issue another API token for an existing user (shown this once only)."""
    with _session(database_url) as session, _domain_errors(), transaction(session):
        token = users.issue_token(session, user=users.get_user(session, email=email))
    click.echo(f"New API token for {email} (shown once, store it now):")
    click.echo(token)


@users_group.command("revoke")
@click.option("--email", required=True)
@database_option
def users_revoke(email: str, database_url: str) -> None:
    """Revoke every API token of a user; requests with them get 401 from now on."""
    with _session(database_url) as session, _domain_errors(), transaction(session):
        count = users.revoke_tokens(session, email=email)
    click.echo(f"Revoked {count} token(s) of {email}.")


@users_group.command("set-password")
@click.option("--email", required=True)
@database_option
def users_set_password(email: str, database_url: str) -> None:
    """Set a user's console password, read from standard input (one line); ends their console sessions."""
    stdin = sys.stdin
    if stdin.isatty():
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    else:
        password = stdin.readline().rstrip("\r\n")
    with _session(database_url) as session, _domain_errors(), transaction(session):
        users.set_password(session, email=email, password=password)
    click.echo(f"Password of {email} set; their console sessions have ended.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@database_option
def serve(host: str, port: int, database_url: str) -> None:
    """Serve the API (development server; production uses gunicorn, see README)."""
    from werkzeug.serving import run_simple

    from api import create_app

    _ready_engine(database_url).dispose()
    app = create_app({"DATABASE_URL": database_url})
    if app.config["RATINGS_ENV"] != "production":
        _print_console_banner(f"http://{host}:{port}/console/", database_url)
    run_simple(host, port, app, threaded=True)


def _print_console_banner(url: str, database_url: str) -> None:
    """Development only: where the console is, and the demo logins this database holds."""
    with _session(database_url) as session:
        present = set(demo.demo_users_present(session))
    click.echo(f"Console: {url}")
    logins = [(email, role, password) for email, role, _company, password in demo.DEMO_USERS if email in present]
    if not logins:
        click.echo("  No demo logins here: `ratings demo load` creates one per role.")
    for email, role, password in logins:
        click.echo(f"  {role:<9} {email:<24} password: {password}")


@main.group("methodology")
def methodology_group() -> None:
    """Methodology files."""


@methodology_group.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def methodology_check(path: str) -> None:
    """Validate a methodology file; exit 1 naming the item and the rule it breaks."""
    try:
        method = _load_methodology(Path(path))
    except MethodologyError as error:
        raise click.ClickException(str(error)) from None
    indicators = sum(len(c.indicators) for c in method.categories)
    click.echo(f"{path}: {method.id} {method.version} is valid: {len(method.categories)} categories, "
               f"{indicators} indicators, {len(method.stages)} stages.")


@main.command("score")
@click.option("--methodology", "methodology_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--answers", "answers_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="an answers file, or a rating's inputs pack (GET /v1/ratings/{id}/inputs)")
def score_command(methodology_path: str, answers_path: str) -> None:
    """Recompute a grade offline: print the engine's result for an answers file as JSON. Given an inputs
    pack, also check the result against the published rating it names (exit 1 when it differs)."""
    try:
        method = _load_methodology(Path(methodology_path))
        document = json.loads(_read_text(Path(answers_path)))
        pack = is_inputs_pack(document)
        answers, sourcing = parse_answers_document(pack_inputs(document) if pack else document, method)
        risk = datafiles.risk_list_for(document["risk_list"].get("edition") if pack else None)
    except MethodologyError as error:
        raise click.ClickException(str(error)) from None
    except json.JSONDecodeError as error:
        raise click.ClickException(f"{answers_path} is not valid JSON: {error}") from None
    except (DomainError, KeyError, AttributeError, TypeError) as error:
        raise click.ClickException(f"{answers_path}: {getattr(error, 'message', None) or 'not an inputs pack'}") from None
    except InputError as error:
        _exit_with_bad_entries(answers_path, [assessments.problem_dict(p) for p in error.problems])
    hidden = assessments.na_where_undisclosed(method, answers, sourcing)
    if hidden:
        _exit_with_bad_entries(answers_path, hidden)
    result = score(method, answers, sourcing, risk)
    shown = result_to_dict(result)
    click.echo(json.dumps(shown, indent=2, ensure_ascii=False))
    if pack:
        _check_against_published(document["rating"], shown)


def _check_against_published(published: dict, result: dict) -> None:
    """Say on stderr whether the recomputed result is the published one, field by field."""
    recomputed = {key: result[key] for key in ("score", "grade", "scale", "inputs_hash")}
    differ = [f"{key}: published {published.get(key)!r}, recomputed {value!r}"
              for key, value in recomputed.items() if published.get(key) != value]
    if differ:
        click.echo(f"Rating {published.get('id')} is NOT reproduced: " + "; ".join(differ), err=True)
        sys.exit(1)
    click.echo(f"Rating {published.get('id')} reproduced: score {result['score']}, grade {result['grade']}, "
               f"scale {result['scale']} and inputs hash {result['inputs_hash']} match.", err=True)


def _exit_with_bad_entries(path: str, problems: list[dict]) -> None:
    click.echo(f"{path}: {len(problems)} bad entr{'y' if len(problems) == 1 else 'ies'}:", err=True)
    for problem in problems:
        where = f"{'sourcing' if problem['field'].startswith('sourcing') else 'answers'}[{problem['index']}]"
        subject = " ".join(filter(None, [problem["indicator"], problem["stage"]]))
        click.echo(f"  {where} {subject}: {problem['field']}: {problem['reason']}", err=True)
    sys.exit(1)


def _read_text(file: Path) -> str:
    """The file's text (UTF-8, a BOM allowed), or a one-line error naming the line that is not UTF-8."""
    data = file.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise click.ClickException(
            f"{file} is not UTF-8: byte 0x{data[error.start]:02x} on line {line} cannot be decoded; save the file as UTF-8."
        ) from None


def _load_methodology(file: Path):
    _read_text(file)  # a file that is not UTF-8 is named with its line, like every other input file
    return load_methodology(file)


def _ready_engine(database_url: str):
    """An engine on a database that exists and is migrated to head; else a one-line error naming
    `ratings db upgrade` (never an empty SQLite file created as a side effect)."""
    engine = make_engine(database_url)
    ok, reason = database_ready(engine)
    if not ok:
        engine.dispose()
        raise click.ClickException(f"The database is not ready: {reason}.")
    return engine


def _session(database_url: str) -> Session:
    return Session(_ready_engine(database_url), expire_on_commit=False)


@contextmanager
def _domain_errors():
    """Show a domain error as lines a person can act on and exit 1, instead of a traceback."""
    try:
        yield
    except DomainError as error:
        click.echo(f"Error ({error.code}): {error.message}", err=True)
        rows = (error.errors or {}).get("rows")
        for row in rows or []:
            click.echo(f"  {row['where']}: {row['field']}: {row['reason']}", err=True)
        for field, reasons in (error.errors or {}).items():
            if field != "rows" and isinstance(reasons, list):  # field problems; other details are in the message
                click.echo(f"  {field}: {'; '.join(map(str, reasons))}", err=True)
        sys.exit(1)
