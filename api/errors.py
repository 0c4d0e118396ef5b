"""The error contract: every error is JSON {status, code, message, errors?}; no stack trace leaves."""

from __future__ import annotations

import logging

import marshmallow as ma
from flask import Flask, jsonify
from flask_smorest import Api
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ratings.errors import Conflict, DomainError, Forbidden, Gone, Invalid, Malformed, NotFound, Stale

log = logging.getLogger(__name__)

PRECONDITION_REQUIRED = "Send If-Match with the ETag you read, so no one else's change is overwritten."

STATUS_OF = {Malformed: 400, Forbidden: 403, NotFound: 404, Conflict: 409, Gone: 410, Stale: 412, Invalid: 422}

# Stable codes for errors Flask or webargs raise on their own.
_HTTP_CODES = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "A valid API token is required."),
    403: ("forbidden", "You are not allowed to do this."),
    404: ("not_found", "Nothing is here. Check the address."),
    405: ("method_not_allowed", "This address does not accept that method."),
    412: ("precondition_failed", "The resource changed since you read it; fetch it again and retry."),
    413: ("payload_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send the body as JSON."),
    422: ("validation_failed", "Some fields are invalid; see errors."),
    428: ("precondition_required", PRECONDITION_REQUIRED),
    429: ("rate_limited", "Too many requests; slow down and retry later."),
    500: ("internal_error", "Something went wrong on our side. It has been logged."),
    503: ("unavailable", "The service is temporarily unavailable; retry shortly."),
}


class ErrorSchema(ma.Schema):
    status = ma.fields.Integer(required=True, metadata={"description": "HTTP status"})
    code = ma.fields.String(required=True, metadata={"description": "Stable snake_case machine code"})
    message = ma.fields.String(required=True, metadata={"description": "What happened, in a sentence a person can act on"})
    errors = ma.fields.Dict(metadata={"description": "Field-level errors, when any"})


def error_body(status: int, code: str, message: str, errors=None) -> dict:
    body = {"status": status, "code": code, "message": message}
    if errors:
        body["errors"] = errors
    return body


class RatingsApi(Api):
    """flask-smorest's Api with our error shape, so the OpenAPI document describes what we send."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):
        status = error.code or 500
        code, message = _HTTP_CODES.get(status, ("error", error.description or error.name))
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        if isinstance(errors, dict) and set(errors) <= {"json", "query", "path", "headers", "form", "files"} and len(errors) == 1:
            errors = next(iter(errors.values()))  # webargs nests by location; one location needs no nesting
        if error.description and error.description != type(error).description:
            message = error.description  # a specific reason given where it was raised
        message = data.get("message", message)
        code = data.get("code", code)
        headers = data.get("headers", {})
        return error_body(status, code, message, errors), status, headers


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        status = next((s for cls, s in STATUS_OF.items() if isinstance(error, cls)), 400)
        return jsonify(error_body(status, error.code, error.message, error.errors)), status

    @app.errorhandler(StaleDataError)
    def _concurrent_write(_error):
        # Two writers read the same version; the database let only the first one through.
        return jsonify(error_body(412, "stale_version", "Someone changed this at the same time; fetch it again and retry.")), 412

    @app.errorhandler(OperationalError)
    def _database_down(error):
        # Connection refused, server gone, pool exhausted: retry later; the pool pre-pings and recovers.
        log.warning("database unavailable: %s", error.__class__.__name__)
        response = jsonify(error_body(503, "database_unavailable", "The database is unavailable; retry shortly."))
        response.headers["Retry-After"] = "5"
        return response, 503

    @app.errorhandler(DataError)
    def _bad_data(error):
        # A value the database cannot hold (NUL in text, a number beyond 64 bits, text longer than its
        # column). The rules (ratings/rules.py) refuse these first; this is the safety net, never a 500.
        log.warning("database refused a value: %s", getattr(error.orig, "__class__", error.__class__).__name__)
        return jsonify(error_body(400, "invalid_data", "A value in the request cannot be stored (too long, out of range, "
                                                     "or holding characters that are not allowed).")), 400

    @app.errorhandler(UnicodeEncodeError)
    def _unencodable(_error):
        # Lone surrogates ("\ud800") decode from JSON but cannot be encoded for the database.
        return jsonify(error_body(400, "invalid_text", "The request holds text that is not valid Unicode.")), 400

    @app.errorhandler(OverflowError)
    def _overflow(_error):
        # SQLite's driver refuses integers beyond 64 bits with OverflowError (PostgreSQL's with a DataError).
        return jsonify(error_body(400, "invalid_data", "A number in the request is out of range.")), 400

    @app.errorhandler(IntegrityError)
    def _integrity(_error):
        return jsonify(error_body(409, "conflict", "This clashes with data written at the same time; fetch it again and retry.")), 409

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        # HTTPExceptions never reach here: RatingsApi.handle_http_exception is the more specific handler.
        log.exception("unhandled error")
        code, message = _HTTP_CODES[500]
        return jsonify(error_body(500, code, message)), 500
