"""Console passwords (argon2), logout everywhere on a password change, and the demo logins."""

import pytest
from sqlmodel import select

from ratings import demo, users
from ratings.db import transaction
from ratings.errors import Invalid
from ratings.models import AuditEvent, User


@pytest.fixture
def person(session):
    with transaction(session):
        user, _ = users.create_user(session, email="Pat@Example.org", role="analyst")
        users.set_password(session, email="pat@example.org", password="correct horse battery")
    return user


def test_a_password_is_stored_as_an_argon2id_hash_only(session, person):
    stored = session.exec(select(User.password_hash).where(User.id == person.id)).one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


def test_the_right_password_logs_in_and_any_other_does_not(session, person):
    assert users.verify_login(session, email=" PAT@example.org ", password="correct horse battery").id == person.id
    assert users.verify_login(session, email="pat@example.org", password="correct horse batterY") is None
    assert users.verify_login(session, email="nobody@example.org", password="correct horse battery") is None
    assert users.verify_login(session, email="pat@example.org", password="") is None


def test_a_user_without_a_password_cannot_log_in(session):
    with transaction(session):
        users.create_user(session, email="token-only@example.org", role="reviewer")
    assert users.verify_login(session, email="token-only@example.org", password="") is None
    assert users.verify_login(session, email="token-only@example.org", password="anything at all 123") is None


def test_a_weak_password_is_refused_with_the_reason(session, person):
    for weak in ("short", " leading-space-password", "x" * 2000):
        with pytest.raises(Invalid) as raised:
            users.set_password(session, email="pat@example.org", password=weak)
        assert raised.value.code == "weak_password" and raised.value.errors["password"]


def test_changing_the_password_ends_the_sessions_made_before(session, person):
    generation = session.get(User, person.id).session_generation
    assert users.session_user(session, user_id=person.id, generation=generation) is not None
    with transaction(session):
        users.set_password(session, email="pat@example.org", password="a brand new passphrase")
    assert users.session_user(session, user_id=person.id, generation=generation) is None
    assert users.session_user(session, user_id=person.id, generation=generation + 1) is not None


def test_the_audit_trail_records_a_password_change_without_the_hash(session, person):
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "user.set_password")).all()
    assert len(events) == 1
    assert "password_hash" not in events[0].after and "argon2" not in str(events[0].after)


def test_demo_logins_are_one_per_role_and_load_idempotently(session):
    with transaction(session):
        demo.load_demo(session)
        assert demo.load_demo_users(session) == 4
    audit_rows = len(session.exec(select(AuditEvent)).all())
    with transaction(session):
        assert demo.load_demo_users(session) == 0
    assert len(session.exec(select(AuditEvent)).all()) == audit_rows
    assert sorted(session.exec(select(User.role).where(User.email.in_(demo.demo_users_present(session)))).all()) == [
        "admin", "analyst", "company", "reviewer"]
    for email, _role, _company, password in demo.DEMO_USERS:
        assert users.verify_login(session, email=email, password=password) is not None
    company_user = users.get_user(session, email="company@demo.example")
    assert company_user.company_id is not None
