"""Response caching for public GETs, keyed on the catalog version (api/catalog_version.py) and the UTC day.

A response is cached under the version it was built at; any committed change moves the version, so
the very next request on every worker and host misses and rebuilds. Nothing needs invalidating.
The day is in the key because a rating's `stale` flag depends on the date (answer_day()).
ETags are content hashes stored with the body, so an unchanged resource keeps its ETag and a
matching If-None-Match gets a 304 without touching the database.
"""

from __future__ import annotations

import hashlib
import re
from functools import wraps

from flask import Response, current_app, g, request

from api.catalog_version import current_version
from api.errors import error_body
from api.extensions import cache
from ratings.errors import NotFound
from ratings.types import utcnow

CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300"
FAST_PATH_RECORD = "ratings.fast_path.generation"  # environ key read by api/fast_path.py: (version, day)
# environ key read by api/fast_path.py: (endpoint, body length) of a read model's answer, which it can build itself
FAST_PATH_FRONT = "ratings.fast_path.front"


def answer_day() -> str:
    """The UTC date a public answer is computed for: ratings turn stale by the day, so the response cache
    and the fast path (api/fast_path.py) both key on it, and a cached answer never outlives its day."""
    return utcnow().date().isoformat()


class NotInReadModel(Exception):
    """Raised by a view in its read-model pass (see `public_cached`) when its read model has no answer."""


def read_model_pass() -> bool:
    """Whether the view is asked only for what its read model answers (raising NotInReadModel if nothing)."""
    return g.get("read_model_pass", False)


def public_cached(view=None, *, read_model_first: bool = False):
    """Serve a public GET from the response cache, with ETag, 304 and Cache-Control.

    read_model_first: the view is first asked for its read model's answer (`read_model_pass()`), one query
    that costs what a round trip to the shared cache costs. That answer is not stored in the shared cache (it
    would be a second copy of the read model's row, paid for with a second round trip); this worker's fast path
    still records it. When the read model has no answer, the shared cache is asked, then the view."""
    if view is None:
        return lambda wrapped: public_cached(wrapped, read_model_first=read_model_first)

    @wraps(view)
    def wrapper(*args, **kwargs):
        version = current_version()
        # Keyed on the UTC day too: a rating's `stale` depends on the date (DESIGN, "Freshness of changes").
        generation = (version, answer_day())
        entry = _read_model_entry(view, args, kwargs) if read_model_first else None
        if entry is None:
            key = f"response:v{version}:{generation[1]}:{request.full_path}"
            entry = cache.get(key)
            if entry is None:
                try:
                    response = view(*args, **kwargs)
                except NotFound as missing:  # negative caching: unknown barcodes are scanned again and again
                    body = current_app.json.dumps(error_body(404, missing.code, missing.message, missing.errors, missing.extra))
                    entry = (404, body.encode(), None)
                else:
                    if response.status_code != 200:
                        return response
                    body = response.get_data()
                    entry = (200, body, etag_of(body))
                if g.get("response_uncacheable"):  # e.g. a 404 only because upstream was down
                    return _respond(*entry)
                cache.set(key, entry, timeout=current_app.config["CACHE_DEFAULT_TIMEOUT"])
        request.environ[FAST_PATH_RECORD] = generation  # the answer as it leaves the app may be replayed (api/fast_path.py)
        return _respond(*entry)

    return wrapper


def _read_model_entry(view, args, kwargs) -> tuple | None:
    g.read_model_pass = True
    try:
        response = view(*args, **kwargs)
    except NotInReadModel:
        return None
    finally:
        g.read_model_pass = False
    body = response.get_data()
    request.environ[FAST_PATH_FRONT] = (request.endpoint, len(body))
    return 200, body, etag_of(body)


def client_etags(header) -> set[str]:
    """The ETags a client sent back, without the ':gzip'-style suffix flask-compress adds on the way out."""
    return {re.sub(r":(gzip|br|zstd|deflate)$", "", tag) for tag in header.as_set()}


def _respond(status: int, body: bytes, etag: str | None) -> Response:
    if etag is not None and etag in client_etags(request.if_none_match):
        response = Response(status=304)
    else:
        response = Response(body, status=status, mimetype="application/json")
    if etag is not None:
        response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def etag_of(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()
