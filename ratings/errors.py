"""Domain errors. `api/errors.py` maps each class to an HTTP status once; services only raise them."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A failure a user can act on: a stable machine `code`, a human `message`, optional field `errors`."""

    default_code = "error"

    def __init__(self, message: str, *, code: str | None = None, errors: dict[str, Any] | None = None,
                 extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.errors = errors
        self.extra = extra or {}  # more top-level fields of the error body (an unknown barcode's `rating_request`)


class Malformed(DomainError):
    """The input cannot be parsed at all (a barcode with letters in it, say)."""

    default_code = "malformed"


class Invalid(DomainError):
    """The input parses but breaks a rule of the domain."""

    default_code = "validation_failed"


class NotFound(DomainError):
    default_code = "not_found"


class Conflict(DomainError):
    """The request clashes with the current state (a duplicate GTIN, a wrong workflow step)."""

    default_code = "conflict"


class Stale(DomainError):
    """The caller's copy is older than the stored one (optimistic locking)."""

    default_code = "stale"


class Forbidden(DomainError):
    default_code = "forbidden"


class Gone(DomainError):
    """What the caller holds is too old to bring up to date (an offline bundle past the change log)."""

    default_code = "gone"
