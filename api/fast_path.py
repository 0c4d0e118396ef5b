"""Repeat public lookups answered in front of Flask, byte for byte as Flask answered them.

A public GET that Flask served from its response cache (api/caching.py marks it) is recorded here,
per worker, exactly as it left the app (status, headers, body, already compressed for the client's
Accept-Encoding), keyed on the catalog version and the UTC day (api/caching.answer_day: `stale`
depends on the date), the path and query, and the request headers the
answer depends on (Accept-Encoding, Origin). The next identical request is answered from that record
without Flask's per-request machinery (sessions, hooks, schema checks, compression, a Redis round
trip). A 304 is recorded and replayed the same way. Nothing here decides what an answer is.

First requests of a route registered as a `FrontRoute` (a known product's barcode: one query of the lookup
read model) are answered here too, once Flask has answered one of them for the same request headers: the
route's own function builds the body Flask's view would send (ratings.public plus the view's schema), and
every header is the one Flask sent then (the `Template`), but for the body's length and ETag. Compressed as
flask-compress would, with its own function. Anything else (another form of the code, a conditional request,
a code the read model does not hold, an error) is Flask's to answer.

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

from api.caching import FAST_PATH_FRONT as FRONT
from api.caching import FAST_PATH_RECORD as RECORD
from api.caching import answer_day, client_etags, etag_of
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


@dataclass(frozen=True)
class FrontRoute:
    """A route whose answers this layer builds itself. `argument(path, query)`: what the view would be called
    with, or None when Flask must answer (another form of the address). `body(argument)`: the body Flask's view
    would send, before compression, or None when Flask must answer (not in the read model)."""

    endpoint: str  # the view's Flask endpoint, as api/caching.py marks its answers (FAST_PATH_FRONT)
    argument: Callable[[str, str], str | None]
    body: Callable[[str], bytes | None]


@dataclass(frozen=True)
class Template:
    """How Flask sent a route's answer for some request headers: every header but the body's length and ETag
    is the same for every answer of the route (they depend on the request headers and the configuration)."""

    status: str
    headers: tuple[tuple[str, str], ...]  # as recorded (without _DYNAMIC)
    etag: str  # the answer's ETag, as caching.py made it (in the ETag header, maybe with ":gzip" after it)
    encoding: str | None  # the Content-Encoding flask-compress chose, None when it sent the body as is
    compressible: bool  # whether that body was long enough to be compressed (COMPRESS_MIN_SIZE)

    def fits(self, length: int, min_size: int) -> bool:
        """Whether flask-compress would treat a body of this length as it treated the recorded one."""
        if self.encoding is not None:
            return length >= min_size
        return self.compressible or length < min_size  # if it could have been compressed, it was not asked to be

    def answer(self, sent: bytes, etag: str) -> Recorded:
        headers = [(n, str(len(sent)) if n.lower() == "content-length"
                    else v.replace(self.etag, etag) if n.lower() == "etag" else v) for n, v in self.headers]
        return Recorded(self.status, headers, sent, etag)


Generation = tuple  # (catalog version, UTC day): what the response cache keys an answer on
MAX_TEMPLATES = 256  # request-header sets learned, all routes together: clients choose them, so they are bounded
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
                 rate_limited: Callable[[str], tuple[str, list[tuple[str, str]], bytes]], max_entries: int = 20_000,
                 routes: Iterable[FrontRoute] = (), compress: Callable[[bytes, str], bytes] | None = None,
                 compress_min_size: int = 0, on_error: Callable[[BaseException], None] = lambda error: None):
        self.wsgi_app = wsgi_app
        self.version = version
        self.store = ResponseStore(max_entries)
        self.limiter = HitLimiter(limits) if limits else None
        self.rate_limited = rate_limited
        self.routes = {route.endpoint: route for route in routes}
        self.templates: dict[tuple, Template] = {}  # (endpoint, Accept-Encoding, Origin) -> how Flask sent it
        self.compress = compress
        self.compress_min_size = compress_min_size
        self.on_error = on_error

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
        front = self._front(environ, key) if entry is None else None
        if entry is None and front is None:
            return self._record(environ, start_response, key)
        if self.limiter is None:
            verdict = None
        else:
            verdict = self.limiter.check(get("REMOTE_ADDR") or "127.0.0.1")
            if verdict is None:  # a client the limiter has no room for: Flask's limiter counts it
                return self.wsgi_app(environ, start_response)
            allowed, limit_headers, breached = verdict
            if not allowed:
                status, headers, body = self.rate_limited(breached)
                start_response(status, _merge(headers, limit_headers))
                return [body]
        if entry is None:  # counted above, refused or not, as Flask's limiter counts any request
            entry = self._build(front, generation, key)
            if entry is None:
                return self._record(environ, start_response, key, counted=True)
        if verdict is None:
            start_response(entry.status, list(entry.headers))
        else:
            start_response(entry.status, entry.headers_with(verdict[1]))
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

    def _front(self, environ: dict, key: tuple) -> tuple | None:
        """(route, argument, template) when this layer can build the answer Flask would give; else None."""
        if not self.routes or environ.get("HTTP_IF_NONE_MATCH") or environ.get("CONTENT_LENGTH") not in (None, "", "0") \
                or "HTTP_TRANSFER_ENCODING" in environ:
            return None  # a conditional request, or one with a body (Flask checks bodies): Flask answers
        path, query, accept_encoding, origin = key
        for endpoint, route in self.routes.items():
            template = self.templates.get((endpoint, accept_encoding, origin))
            if template is not None:
                argument = route.argument(path, query)
                if argument is not None:
                    return route, argument, template
        return None

    def _build(self, front: tuple, generation: Generation, key: tuple) -> Recorded | None:
        route, argument, template = front
        try:
            body = route.body(argument)
        except Exception as error:  # Flask answers (and reports) it as it would any request
            self.on_error(error)
            return None
        if body is None or not template.fits(len(body), self.compress_min_size):
            return None
        sent = body if template.encoding is None else self.compress(body, template.encoding)
        entry = template.answer(sent, etag_of(body))
        self.store.put(generation, key, entry)
        return entry

    def _learn(self, endpoint: str, body_length: int, key: tuple, status: str, headers: list[tuple[str, str]],
               etag: str | None) -> None:
        """Keep how Flask sent an answer of a front route, for the next first requests with these headers."""
        if endpoint not in self.routes or not status.startswith("200") or etag is None:
            return
        if len(self.templates) >= MAX_TEMPLATES and (endpoint, key[2], key[3]) not in self.templates:
            return  # the headers clients send most are learned first; rarer ones are left to Flask
        encoding = next((v for n, v in headers if n.lower() == "content-encoding"), None)
        self.templates[(endpoint, key[2], key[3])] = Template(
            status, tuple(headers), etag, encoding, body_length >= self.compress_min_size)

    def _record(self, environ: dict, start_response: Callable, key: tuple, counted: bool = False) -> Iterable[bytes]:
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
        if environ.get(FRONT) is not None and key[-1] != 304:
            self._learn(*environ[FRONT], key, status, headers, _base_etag(etag))
        if self.limiter is not None and not counted:
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
