"""Users, their API tokens and console passwords. A token is shown once; only its SHA-256 is stored;
passwords are kept as argon2id hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, select

from ratings import audit, rules
from ratings.catalog import get_company
from ratings.errors import Conflict, Invalid, NotFound
from ratings.models import ApiToken, User
from ratings.types import utcnow

ROLES = ("analyst", "reviewer", "company", "admin")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    session: Session, *, email: str, role: str, company: str | None = None, actor: User | None = None
) -> tuple[User, str]:
    """Create a user and a first token; returns (user, token). The token is never retrievable again."""
    problems = rules.email(email)
    if problems:
        raise Invalid(f"{email!r} {problems[0]}.", code="invalid_email", errors={"email": problems})
    email = rules.normal_email(email)
    if role not in ROLES:
        raise Invalid(f"Role must be one of {', '.join(ROLES)}.", code="invalid_role", errors={"role": [f"One of {', '.join(ROLES)}."]})
    if (role == "company") != (company is not None):
        raise Invalid("A company user needs --company, and only company users have one.", code="invalid_company_scope")
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise Conflict(f"A user with the email {email} already exists.", code="duplicate_user")
    user = User(email=email, role=role, company_id=get_company(session, company).id if company else None)
    session.add(user)
    audit.record(session, actor=actor, action="user.create", entity=user)
    return user, issue_token(session, user=user, actor=actor)


def issue_token(session: Session, *, user: User, actor: User | None = None) -> str:
    token = secrets.token_urlsafe(32)  # 32 random bytes
    row = ApiToken(user_id=user.id, token_hash=hash_token(token))
    session.add(row)
    audit.record(session, actor=actor, action="token.issue", entity=row)
    return token


# Recording every use would turn each authenticated read into a write; a minute's precision is enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def authenticate(session: Session, token: str) -> User | None:
    """The active user holding `token`, or None for an unknown or revoked one (callers answer alike)."""
    digest = hash_token(token)
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    # The lookup is by hash, so timing reveals nothing about the token; compare in constant time anyway.
    if row is None or not hmac.compare_digest(row.token_hash, digest) or row.revoked_at is not None:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        row.last_used_at = now
        session.add(row)
        session.commit()
    return session.get(User, row.user_id)


def get_user(session: Session, *, email: str) -> User:
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise NotFound(f"No user has the email {email}.", code="user_not_found")
    return user


def revoke_tokens(session: Session, *, email: str, actor: User | None = None) -> int:
    """Revoke every live token of a user; returns how many."""
    user = get_user(session, email=email)
    rows = session.exec(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    for row in rows:
        before = audit.snapshot(row)
        row.revoked_at = utcnow()
        session.add(row)
        audit.record(session, actor=actor, action="token.revoke", entity=row, before=before)
    return len(rows)


# --- Console passwords (argon2id through argon2-cffi; the API keeps its bearer tokens) -----------------

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 1024  # hashing is deliberately slow: no megabyte passwords
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def password_problems(password: str) -> list[str]:
    """What is wrong with a new password (empty when it is acceptable)."""
    problems = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append(f"At least {PASSWORD_MIN_LENGTH} characters.")
    if len(password) > PASSWORD_MAX_LENGTH:
        problems.append(f"At most {PASSWORD_MAX_LENGTH} characters.")
    if password.strip() != password:
        problems.append("No spaces at the start or end.")
    return problems


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def set_password(session: Session, *, email: str, password: str, actor: User | None = None) -> User:
    """Give a user a (new) console password. Every console session of theirs ends (logout everywhere)."""
    problems = password_problems(password)
    if problems:
        raise Invalid("The password is too weak: " + " ".join(problems), code="weak_password",
                      errors={"password": problems})
    user = get_user(session, email=email)
    user.password_hash = hash_password(password)
    user.session_generation = (user.session_generation or 0) + 1
    session.add(user)
    audit.record(session, actor=actor, action="user.set_password", entity=user)  # the hash is excluded from dumps
    return user


def verify_login(session: Session, *, email: str, password: str) -> User | None:
    """The user with this email and password, or None (unknown email, no password, wrong password alike)."""
    user = session.exec(select(User).where(User.email == (email or "").strip().lower())).first()
    if len(password or "") > PASSWORD_MAX_LENGTH:
        return None
    stored = user.password_hash if user is not None and user.password_hash else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if stored is None:  # matched the dummy by chance (never, in practice): still no login
        return None
    if _hasher.check_needs_rehash(stored):  # parameters were raised since: upgrade the stored hash quietly
        user.password_hash = hash_password(password)
        session.add(user)
        session.commit()
    return user


def session_user(session: Session, *, user_id: int, generation: int) -> User | None:
    """The user a console session names, or None when the session is from before a password change."""
    user = session.get(User, user_id)
    if user is None or user.password_hash is None or user.session_generation != generation:
        return None
    return user
