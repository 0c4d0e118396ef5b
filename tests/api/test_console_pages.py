"""The console through Flask's test client: login, sessions, CSRF, scope, logout everywhere, limits."""

import re

import pytest
from sqlmodel import Session

from api.config import ConfigError
from ratings import users
from ratings.db import make_engine, transaction
from tests.console_data import ANALYST, COMPANY, OTHER_COMPANY_USER, PASSWORDS, REVIEWER, build_world


@pytest.fixture
def world(database_url):
    return build_world(database_url)


def csrf_token(client, path="/console/login"):
    page = client.get(path)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)


def login(client, email, password=None):
    return client.post("/console/login", data={
        "email": email, "password": PASSWORDS.get(email) if password is None else password, "csrf_token": csrf_token(client)})


def test_login_with_the_right_password_opens_the_queues(world, app):
    client = app.test_client()
    response = login(client, ANALYST)
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
    page = client.get("/console/")
    assert page.status_code == 200 and "My drafts" in page.text and ANALYST in page.text


def test_the_session_cookie_is_httponly_samesite_lax_and_scoped_to_the_console(world, app):
    cookie = login(app.test_client(), ANALYST).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # development and tests serve plain http


def test_the_cookie_is_secure_in_production_settings():
    from api.config import finalize, settings_from_env

    settings = finalize(settings_from_env({"RATINGS_ENV": "production", "SECRET_KEY": "s" * 40,
                                           "DATABASE_URL": "postgresql+psycopg://db/r", "CACHE_REDIS_URL": "redis://r"}))
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["PERMANENT_SESSION_LIFETIME"].total_seconds() == 8 * 3600


def test_a_wrong_password_gives_no_session(world, app):
    client = app.test_client()
    response = login(client, ANALYST, "not-the-password-at-all")
    assert response.status_code == 401 and "Wrong email or password" in response.text
    assert client.get("/console/").status_code == 302  # still sent to the login page
    unknown = login(client, "nobody@demo.example", "not-the-password-at-all")
    assert unknown.status_code == 401 and unknown.text.count("Wrong email or password") == 1


def test_a_form_without_its_csrf_token_is_refused_with_400(world, app):
    client = app.test_client()
    response = client.post("/console/login", data={"email": ANALYST, "password": PASSWORDS[ANALYST]})
    assert response.status_code == 400 and "CSRF" in response.text
    wrong = client.post("/console/login", data={"email": ANALYST, "password": PASSWORDS[ANALYST], "csrf_token": "forged"})
    assert wrong.status_code == 400
    assert client.get("/console/").status_code == 302
    login(client, ANALYST)
    assert client.post("/console/logout").status_code == 400  # logging out needs the token too
    assert client.get("/console/").status_code == 200


def test_logout_ends_the_session(world, app):
    client = app.test_client()
    login(client, ANALYST)
    token = csrf_token(client, "/console/")
    assert client.post("/console/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/console/").status_code == 302


def test_the_json_api_needs_no_csrf_token_and_never_sets_or_reads_a_cookie(world, app):
    client = app.test_client()
    login(client, ANALYST)
    public = client.get("/v1/brands/tidewren")
    assert public.status_code == 200 and "Set-Cookie" not in public.headers and "Cookie" not in public.headers.get("Vary", "")
    # A logged-in browser's cookie authenticates nothing on /v1: bearer tokens only.
    assert client.get("/v1/assessments").status_code == 401
    engine = make_engine(world.url)
    with Session(engine) as session, transaction(session):
        token = users.issue_token(session, user=users.get_user(session, email=ANALYST))
    engine.dispose()
    created = client.post("/v1/companies", json={"name": "No Csrf Co"}, headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 201


def test_a_company_user_cannot_reach_another_companys_page(world, app):
    client = app.test_client()
    login(client, COMPANY)
    assert client.get("/console/companies/tidewren-apparel-co").status_code == 200
    other = client.get("/console/companies/fernhollow-textiles")
    assert other.status_code == 403 and "Fernhollow" not in other.text
    other_client = app.test_client()
    login(other_client, OTHER_COMPANY_USER, "other-company-password")
    assert other_client.get("/console/companies/tidewren-apparel-co").status_code == 403
    assert other_client.get("/console/companies/fernhollow-textiles").status_code == 200


def test_changing_a_password_logs_out_every_other_session(world, app):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, REVIEWER)
    login(phone, REVIEWER)
    assert laptop.get("/console/").status_code == phone.get("/console/").status_code == 200
    engine = make_engine(world.url)
    with Session(engine) as session, transaction(session):
        users.set_password(session, email=REVIEWER, password="a fresh reviewer passphrase")
    engine.dispose()
    assert laptop.get("/console/").status_code == phone.get("/console/").status_code == 302
    assert login(laptop, REVIEWER).status_code == 401  # the old password is gone
    assert login(laptop, REVIEWER, "a fresh reviewer passphrase").status_code == 302


def test_a_session_expires_after_its_lifetime(world, app_factory):
    from datetime import timedelta

    app = app_factory(PERMANENT_SESSION_LIFETIME=timedelta(seconds=0))
    client = app.test_client()
    login(client, ANALYST)
    assert client.get("/console/").status_code == 302


def test_repeated_failed_logins_are_limited(world, app_factory):
    client = app_factory(LOGIN_FAILURE_LIMIT="3 per minute").test_client()
    statuses = [login(client, ANALYST, f"wrong-password-{n}").status_code for n in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert login(client, ANALYST).status_code == 429  # even the right password waits now


def test_the_queues_show_each_role_its_own_work(world, app):
    analyst, reviewer, company = app.test_client(), app.test_client(), app.test_client()
    login(analyst, ANALYST), login(reviewer, REVIEWER), login(company, COMPANY)

    def listed(client, queue):
        page = client.get("/console/").text
        section = re.search(rf'id="queue-{queue}".*?</section>', page, re.S)
        return {int(i) for i in re.findall(r'data-assessment="(\d+)"', section.group(0))} if section else None

    assert listed(analyst, "my_drafts") == {world.draft}
    assert listed(analyst, "returned") == {world.returned}
    assert world.comment in analyst.get("/console/").text
    assert listed(analyst, "my_submitted") == {world.submitted}
    assert listed(reviewer, "awaiting_review") == {world.submitted, world.others_submitted}
    assert listed(reviewer, "my_drafts") is None
    assert "We published our supplier list." in reviewer.get("/console/").text
    company_page = company.get("/console/").text
    assert 'href="/console/companies/tidewren-apparel-co"' in company_page and "queue-" not in company_page
    assert listed(company, "awaiting_review") is None


def test_login_redirects_only_inside_the_console(world, app):
    client = app.test_client()
    token = csrf_token(client)
    for target, expected in (("/console/companies/tidewren-apparel-co", "/console/companies/tidewren-apparel-co"),
                             ("https://evil.example/", "/console/"), ("//evil.example/console/", "/console/")):
        client.post("/console/logout", data={"csrf_token": token})
        response = client.post("/console/login", data={"email": ANALYST, "password": PASSWORDS[ANALYST],
                                                        "csrf_token": csrf_token(client), "next": target})
        assert response.headers["Location"] == expected, target
        token = csrf_token(client, "/console/")


def test_htmx_is_served_by_the_app_with_its_licence(app):
    script = app.test_client().get("/console/static/vendor/htmx.min.js")
    assert script.status_code == 200 and b"htmx" in script.data[:200]
    licence = app.test_client().get("/console/static/vendor/htmx.LICENSE.txt")
    assert licence.status_code == 200 and b"Zero-Clause BSD" in licence.data


def test_production_refuses_to_start_while_demo_logins_exist(world, make_app):
    production = {"RATINGS_ENV": "production", "SECRET_KEY": "s" * 40, "CACHE_REDIS_URL": "redis://127.0.0.1:1/0"}
    if world.url.startswith("sqlite"):
        pytest.skip("production refuses SQLite before it looks at users")
    with pytest.raises(ConfigError, match="demo console logins"):
        make_app(world.url, **production)


def test_production_starts_on_a_database_without_demo_logins(database_url, make_app):
    if database_url.startswith("sqlite"):
        pytest.skip("production refuses SQLite")
    app = make_app(database_url, RATINGS_ENV="production", SECRET_KEY="s" * 40, CACHE_REDIS_URL="redis://127.0.0.1:1/0")
    assert app.config["SESSION_COOKIE_SECURE"] is True
