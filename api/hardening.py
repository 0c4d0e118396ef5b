"""Defences every response gets: security headers, body limits, JSON nesting limits, CORS where configured."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_cors import CORS
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix

from ratings import rules
from ratings.errors import Malformed

MAX_JSON_DEPTH = 32  # real documents here nest 4 or 5 deep; deeper is an attack or a bug

_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "cross-origin",  # public data, meant to be read from apps
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
# The interactive docs page loads Swagger UI from this server (api/docs_assets.py), nothing from elsewhere.
_DOCS_CSP = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " \
            "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"


class AppJSON(DefaultJSONProvider):
    """The app's JSON: request bodies refused when absurdly nested or not UTF-8 (a 400, not a RecursionError and a
    500), and response bodies as bytes without a Response object (what the fast path sends, api/fast_path.py)."""

    def body(self, obj: Any) -> bytes:
        """The body `response(obj)` sends: Flask's layout (compact unless debug or `compact` is False)."""
        if (self.compact is None and self._app.debug) or self.compact is False:
            text = self.dumps(obj, indent=2)
        else:
            text = self.dumps(obj, separators=(",", ":"))
        return f"{text}\n".encode()

    def response(self, *args: Any, **kwargs: Any):
        return self._app.response_class(self.body(self._prepare_response_obj(args, kwargs)), mimetype=self.mimetype)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if isinstance(s, (bytes, bytearray)):
            try:  # UTF-8 only (a BOM is accepted); a bad byte is named by line, not turned into U+FFFD
                s = rules.decode_utf8(bytes(s), source="The body")
            except Malformed as error:
                raise BadRequest(error.message) from None
        try:
            value = json.loads(s, **kwargs)
        except ValueError:
            raise BadRequest("The body is not valid JSON.") from None
        except RecursionError:
            raise BadRequest(f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.") from None
        if _depth(value) > MAX_JSON_DEPTH:
            raise BadRequest(f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.")
        _refuse_bad_values(value)
        return value


def _refuse_bad_values(value: Any) -> None:
    """NUL characters and lone surrogates in any key or string, and integers beyond 64 bits, are 400:
    no field accepts them and the database would fail on them (ratings.rules.characters)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if problems := rules.characters(item):
                raise BadRequest(f"A text in the JSON body {problems[0]}.")
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if not rules.INT64_MIN <= item <= rules.INT64_MAX:
                raise BadRequest("A number in the JSON body is beyond 64 bits.")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:  # iterative: a recursive walk would be the very thing an attacker exploits
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            return depth
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def trust_proxies(app: Flask) -> None:
    """Outermost layer (also in front of api/fast_path.py), applied last in create_app."""
    if app.config.get("TRUSTED_PROXY_COUNT"):
        # Behind N trusted proxies the client is the Nth address from the right of X-Forwarded-For: rate
        # limits and the failed-token lockout key on it. With 0 (the default) the header is ignored, since
        # anyone can send it.
        hops = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def harden(app: Flask) -> None:
    app.json = AppJSON(app)
    app.json.sort_keys = False
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]  # larger bodies get 413
    if app.config.get("CORS_ORIGINS"):
        CORS(app, resources={r"/v1/*": {"origins": app.config["CORS_ORIGINS"]}}, methods=["GET", "HEAD", "OPTIONS"])

    @app.before_request
    def _check_encoding():
        # Werkzeug decodes bad UTF-8 to U+FFFD; no slug, GTIN or search a person typed contains it.
        if "\ufffd" in request.path or any("\ufffd" in v for v in request.args.values()):
            raise BadRequest("The address is not valid UTF-8.")
        # NUL characters: PostgreSQL refuses them in text, and nothing a person types holds one.
        # (A barcode path is parsed strictly by its view, which names the reason: non_digit.)
        nul_in_path = "\x00" in request.path and not request.path.startswith("/v1/barcodes/")
        if nul_in_path or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
            raise BadRequest("The address must not contain NUL characters (%00).")

    @app.before_request
    def _check_path_integers():
        # <int:...> accepts any number of digits; ids are 64-bit, so a longer one names nothing.
        for value in (request.view_args or {}).values():
            if isinstance(value, int) and not rules.INT64_MIN <= value <= rules.INT64_MAX:
                raise BadRequest("An id in the address is beyond 64 bits.")

    @app.before_request
    def _check_json_body():
        # Parse JSON bodies once, here, with the depth limit: webargs re-parses with plain json.loads.
        if request.is_json and request.content_length:
            request.get_json()

    @app.after_request
    def _security_headers(response):
        for name, value in security_headers(app):
            response.headers.setdefault(name, value)
        if request.path == "/docs":
            response.headers["Content-Security-Policy"] = _DOCS_CSP
        return response


def security_headers(app: Flask) -> list[tuple[str, str]]:
    """The headers every API response carries (also those answered in front of Flask, api/fast_path.py)."""
    headers = list(_HEADERS.items())
    if app.config["RATINGS_ENV"] == "production":
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers
