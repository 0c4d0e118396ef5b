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
in an in-process limiter (api/hit_limiter.py), which also counts the cacheable answers Flask gave.
That limiter is per worker: on one worker the limits hold exactly; across W workers a client gets at
most W x limit cache hits per window from one host (README: Rate limits). Requests with credentials
never take this path. Everything a replay sends but the limiter's four headers is built when the
answer is recorded, so a hit allocates little more than its header list.
"""

from __future__ import annotations

import marshal
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Iterable

from werkzeug.http import parse_etags

from api.caching import FAST_PATH_RECORD as RECORD
from api.caching import answer_day, client_etags
from api.hit_limiter import HitLimiter

_DYNAMIC = {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after", "date", "server"}


@dataclass(frozen=True)
class Recorded:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None  # without flask-compress's ":gzip" suffix, as clients' If-None-Match is compared
    before_limits: tuple = field(init=False, repr=False, compare=False)
    after_limits: tuple = field(init=False, repr=False, compare=False)
    chunks: tuple = field(init=False, repr=False, compare=False)  # what the WSGI server is handed, made once

    def __post_init__(self):
        at = _limits_at(self.headers)
        object.__setattr__(self, "before_limits", tuple(self.headers[:at]))
        object.__setattr__(self, "after_limits", tuple(self.headers[at:]))
        object.__setattr__(self, "chunks", (self.body,))

    def headers_with(self, limit_headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [*self.before_limits, *limit_headers, *self.after_limits]


Generation = tuple  # (catalog version, UTC day): what the response cache keys an answer on
SNAPSHOT_FORMAT = 1  # of FastPath.snapshot(); a process never takes a snapshot of another format


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

    def snapshot(self) -> tuple:
        """(generation, entries as plain tuples, least recently used first): what `marshal` can write."""
        with self._lock:
            return self._generation, [(key, e.status, e.headers, e.body, e.etag) for key, e in self._entries.items()]

    def restore(self, snapshot: tuple, generation: Generation) -> int:
        """Take a snapshot's entries if it is of `generation`, the one this process serves now; how many."""
        recorded_at, entries = snapshot
        if tuple(recorded_at or ()) != tuple(generation):
            return 0  # another version or day: nothing stale is ever replayed
        for key, status, headers, body, etag in entries[-self.max_entries:]:
            self.put(generation, tuple(key), Recorded(status, [tuple(h) for h in headers], body, etag))
        return min(len(entries), self.max_entries)


class FastPath:
    def __init__(self, wsgi_app: Callable, *, version: Callable[[], int | None], limits: str | None,
                 rate_limited: Callable[[str], tuple[str, list[tuple[str, str]], bytes]], max_entries: int = 20_000):
        self.wsgi_app = wsgi_app
        self.version = version
        self.store = ResponseStore(max_entries)
        self.limiter = HitLimiter(limits) if limits else None
        self.rate_limited = rate_limited

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        get = environ.get
        if get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in environ:
            return self.wsgi_app(environ, start_response)
        version = self.version()
        if version is None:
            return self.wsgi_app(environ, start_response)
        generation = (version, answer_day())  # what api/caching.py records an answer under
        key = (get("PATH_INFO", ""), get("QUERY_STRING", ""), get("HTTP_ACCEPT_ENCODING", ""), get("HTTP_ORIGIN", ""))
        entry = self.store.get(generation, key)
        if entry is not None and entry.etag is not None and _matches(environ, entry.etag):
            key = (*key, 304)
            entry = self.store.get(generation, key)
        if entry is None:
            return self._record(environ, start_response, key)
        if self.limiter is None:
            start_response(entry.status, list(entry.headers))
            return entry.chunks
        verdict = self.limiter.check(get("REMOTE_ADDR") or "127.0.0.1")
        if verdict is None:  # a client the limiter has no room for: Flask's limiter counts it
            return self.wsgi_app(environ, start_response)
        allowed, limit_headers, breached = verdict
        if not allowed:
            status, headers, body = self.rate_limited(breached)
            start_response(status, _merge(headers, limit_headers))
            return [body]
        start_response(entry.status, entry.headers_with(limit_headers))
        return entry.chunks

    def snapshot(self) -> bytes:
        """What a successor process needs to answer as this one would (api/workers.py hands it over)."""
        return marshal.dumps((SNAPSHOT_FORMAT, self.store.snapshot(), self.limiter.snapshot() if self.limiter else []))

    def restore(self, snapshot: bytes, generation: Generation) -> int:
        """Take over a predecessor's answers (those of `generation` only) and rate-limit counts; answers taken."""
        try:
            form, answers, windows = marshal.loads(snapshot)
        except (ValueError, EOFError, TypeError):
            return 0
        if form != SNAPSHOT_FORMAT:
            return 0
        if self.limiter is not None:
            self.limiter.restore(windows)
        return self.store.restore(answers, generation)

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


def _limits_at(headers: list[tuple[str, str]]) -> int:
    """Flask's order: the limiter's headers come right after the view's own, before Vary and the security headers."""
    return next((i for i, (n, _) in enumerate(headers) if n.lower() == "vary"), len(headers))


def _merge(headers: list[tuple[str, str]], limit_headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    at = _limits_at(headers)
    return [*headers[:at], *limit_headers, *headers[at:]]
