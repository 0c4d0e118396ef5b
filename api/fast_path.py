"""Repeat public lookups answered in front of Flask, byte for byte as Flask answered them.

A public GET that Flask served from its response cache (api/caching.py marks it) is recorded here,
per worker, exactly as it left the app (status, headers, body, already compressed for the client's
Accept-Encoding), keyed on the catalog version and the UTC day (api/caching.answer_day: `stale`
depends on the date), the path and query, and the request headers the
answer depends on (Accept-Encoding, Origin). The next identical request is answered from that record
without Flask's per-request machinery (sessions, hooks, schema checks, compression, a Redis round
trip). A 304 is recorded and replayed the same way. Nothing here decides what an answer is.

What a replay still does per request: read the catalog version (ratings/version_feed.py: no round
trip on PostgreSQL, a local read on SQLite), and count the client against the default rate limits
in an in-process limiter, which also counts the cacheable answers Flask gave. That limiter is per
worker: on one worker the limits hold exactly; across W workers a client gets at most W x limit
cache hits per window from one host (README: Rate limits). Requests with credentials never take
this path.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Iterable

from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter
from werkzeug.http import parse_etags

from api.caching import FAST_PATH_RECORD as RECORD
from api.caching import answer_day, client_etags

_DYNAMIC = {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after", "date", "server"}
_KEY_HEADERS = ("HTTP_ACCEPT_ENCODING", "HTTP_ORIGIN")


@dataclass(frozen=True)
class Recorded:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None  # without flask-compress's ":gzip" suffix, as clients' If-None-Match is compared


Generation = tuple  # (catalog version, UTC day): what the response cache keys an answer on


class ResponseStore:
    """The recorded answers of one generation (catalog version and day), least recently used dropped first."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._generation: Generation | None = None
        self._entries: OrderedDict[tuple, Recorded] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, generation: Generation, key: tuple) -> Recorded | None:
        with self._lock:
            if generation != self._generation:
                return None
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, generation: Generation, key: tuple, entry: Recorded) -> None:
        with self._lock:
            if generation != self._generation:
                if self._generation is not None and generation < self._generation:
                    return  # a slow request built at an older version or day
                self._generation, self._entries = generation, OrderedDict()
            self._entries[key] = entry
            if len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


class HitLimiter:
    """The default rate limits, counted per client in this process, with flask-limiter's headers."""

    def __init__(self, limits: str):
        self.items = sorted(parse_many(limits), key=lambda item: item.get_expiry())
        self._limiter = FixedWindowRateLimiter(MemoryStorage())

    def count(self, client: str) -> None:
        """Count a request Flask answered (its own limiter enforced it), so replayed hits continue from it."""
        for item in self.items:
            self._limiter.hit(item, "fast-path", client)

    def check(self, client: str) -> tuple[bool, list[tuple[str, str]], str | None]:
        """(allowed, headers, the breached limit's description)."""
        breached = None
        for item in self.items:
            if not self._limiter.hit(item, "fast-path", client):
                breached = item
                break
        shown = breached or self.items[0]  # flask-limiter shows the breached limit, else the shortest window
        stats = self._limiter.get_window_stats(shown, "fast-path", client)
        reset = int(stats.reset_time)
        headers = [("X-RateLimit-Limit", str(shown.amount)), ("X-RateLimit-Remaining", str(stats.remaining)),
                   ("X-RateLimit-Reset", str(reset)), ("Retry-After", str(int(reset - time.time())))]
        return breached is None, headers, None if breached is None else str(breached)


class FastPath:
    def __init__(self, wsgi_app: Callable, *, version: Callable[[], int | None], limits: str | None,
                 rate_limited: Callable[[str], tuple[str, list[tuple[str, str]], bytes]], max_entries: int = 20_000):
        self.wsgi_app = wsgi_app
        self.version = version
        self.store = ResponseStore(max_entries)
        self.limiter = HitLimiter(limits) if limits else None
        self.rate_limited = rate_limited

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in environ:
            return self.wsgi_app(environ, start_response)
        version = self.version()
        if version is None:
            return self.wsgi_app(environ, start_response)
        generation = (version, answer_day())  # what api/caching.py records an answer under
        key = (environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), *(environ.get(h, "") for h in _KEY_HEADERS))
        entry = self.store.get(generation, key)
        if entry is not None and entry.etag is not None and _matches(environ, entry.etag):
            entry = self.store.get(generation, (*key, 304))
            key = (*key, 304)
        if entry is None:
            return self._record(environ, start_response, key)
        limit_headers: list[tuple[str, str]] = []
        if self.limiter is not None:
            allowed, limit_headers, breached = self.limiter.check(environ.get("REMOTE_ADDR") or "127.0.0.1")
            if not allowed:
                status, headers, body = self.rate_limited(breached)
                start_response(status, _merge(headers, limit_headers))
                return [body]
        start_response(entry.status, _merge(entry.headers, limit_headers))
        return [entry.body]

    def _record(self, environ: dict, start_response: Callable, key: tuple) -> Iterable[bytes]:
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        chunks = self.wsgi_app(environ, capture)
        generation = environ.get(RECORD)
        if generation is None or any(name.lower() == "set-cookie" for name, _ in captured.get("headers", ())):
            return chunks
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        headers = [(n, v) for n, v in captured["headers"] if n.lower() not in _DYNAMIC]
        etag = next((v for n, v in headers if n.lower() == "etag"), None)
        status = captured["status"]
        if status.startswith("304") and key[-1] != 304:
            key = (*key, 304)
        self.store.put(generation, key, Recorded(status, headers, body, _base_etag(etag)))
        if self.limiter is not None:
            self.limiter.count(environ.get("REMOTE_ADDR") or "127.0.0.1")
        return [body]


def _matches(environ: dict, etag: str) -> bool:
    header = environ.get("HTTP_IF_NONE_MATCH")
    return bool(header) and etag in client_etags(parse_etags(header))


def _base_etag(header: str | None) -> str | None:
    if header is None:
        return None
    tags = client_etags(parse_etags(header))
    return next(iter(tags), None)


def _merge(headers: list[tuple[str, str]], limit_headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Flask's order: the limiter's headers come right after the view's own, before Vary and the security headers."""
    if not limit_headers:
        return list(headers)
    at = next((i for i, (n, _) in enumerate(headers) if n.lower() == "vary"), len(headers))
    return [*headers[:at], *limit_headers, *headers[at:]]
