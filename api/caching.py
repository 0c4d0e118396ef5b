"""Response caching for public GETs, invalidated by a catalog generation kept in the cache backend.

Every cached response is stored with the generation it was built in. Any catalog change or publication
bumps it, so the very next request from every worker and host (sharing Redis) misses and rebuilds.
ETags are content hashes stored with the body, so an unchanged resource keeps its ETag and a
matching If-None-Match gets a 304 without touching the database.
"""

from __future__ import annotations

import hashlib
import re
import time
from functools import wraps

from flask import Response, current_app, g, request

from api.errors import error_body
from api.extensions import cache
from ratings.errors import NotFound
from ratings.types import utcnow

GENERATION_KEY = "catalog-generation"
GENERATION_TIMEOUT = 10 * 365 * 24 * 3600  # seconds: in effect never
CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A lost counter restarts at the clock, never at a number older responses were cached under.
        # Not timeout=0: the in-process cache evicts the entries that expire first, and it sorts 0 first.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=GENERATION_TIMEOUT)
        value = cache.get(GENERATION_KEY)
    return 0 if value is None else int(value)  # None only from a cache that keeps nothing (CACHE_TYPE=NullCache)


def bump_generation() -> None:
    """Call after every committed catalog change or publication."""
    if cache.cache.inc(GENERATION_KEY) is None:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=GENERATION_TIMEOUT)


def cache_day() -> str:
    """The UTC date public responses are computed for (ratings turn stale by the day)."""
    return utcnow().date().isoformat()


def public_cached(view):
    """Serve a public GET from the response cache, with ETag, 304 and Cache-Control."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        # An entry remembers the generation it was built in; one round trip to Redis fetches both.
        # Keyed on the UTC day too: a rating's `stale` depends on the date (DESIGN, "Freshness of changes").
        key = f"response:{cache_day()}:{request.full_path}"
        current, entry = cache.get_many(GENERATION_KEY, key)
        current = generation() if current is None else int(current)
        if entry is None or entry[0] != current:
            try:
                response = view(*args, **kwargs)
            except NotFound as missing:  # negative caching: unknown barcodes are scanned again and again
                body = current_app.json.dumps(error_body(404, missing.code, missing.message, missing.errors))
                entry = (current, 404, body.encode(), None)
            else:
                if response.status_code != 200:
                    return response
                body = response.get_data()
                entry = (current, 200, body, _etag(body))
            if not g.get("response_uncacheable"):  # e.g. a 404 only because upstream was down
                cache.set(key, entry, timeout=current_app.config["CACHE_DEFAULT_TIMEOUT"])
        return _respond(*entry[1:])

    return wrapper


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


def _etag(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()
