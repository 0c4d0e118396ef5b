"""Schema-driven fuzzing (schemathesis): every operation, public and authenticated, anonymously and with
each role's token. No response may be a 500, and every response must match the schema documented for it."""

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlmodel import Session

from ratings import demo, migrations, users
from ratings.db import make_engine, transaction

ROLES = ("analyst", "reviewer", "admin", "company")


def fuzz_target():
    """A private demo database (fuzzing writes to it), one token per role, and the app on it.

    Built when the module is collected: schemathesis generates its tests from the app's schema.
    """
    from api import create_app

    workdir = Path(tempfile.mkdtemp(prefix="ratings-fuzz-"))
    url = f"sqlite:///{workdir}/fuzz.db"
    engine = make_engine(url)
    migrations.upgrade(engine)
    tokens = {}
    with Session(engine) as session, transaction(session):
        demo.load_demo(session)
        for role in ROLES:
            company = "tidewren-apparel-co" if role == "company" else None
            _, tokens[role] = users.create_user(session, email=f"fuzz-{role}@example.org", role=role, company=company)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "TESTING": True, "RATE_LIMITS_ENABLED": False,
                      "EXPORT_DIR": str(workdir / "exports"), "CACHE_KEY_PREFIX": "fuzz:"})
    return app, tokens


APP, TOKENS = fuzz_target()
schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=8, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_their_schema(case):
    for role in (None, *ROLES):
        headers = {"Authorization": f"Bearer {TOKENS[role]}"} if role else {}
        headers["Accept-Encoding"] = "identity"  # the WSGI client does not decompress
        if case.method in ("PUT", "POST", "PATCH", "DELETE"):
            headers["If-Match"] = "*"  # reach past the precondition check into the handlers
        case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])
