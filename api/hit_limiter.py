"""The default rate limits for the hits api/fast_path.py replays, counted per client in this process.

Same rule as flask-limiter's fixed windows (limits' FixedWindowRateLimiter, in memory or on Redis): a
client's window for a limit opens at its first hit and lasts the limit's span; every hit counts, refused
ones too; a hit is refused once the count passes the limit; limits are tried shortest span first and a
refusal stops there. The headers are flask-limiter's: the breached limit, else the shortest one.

Why not limits' MemoryStorage: it costs ~40 µs a hit (a key string and a lock per limit, three clock
reads), and while any key is live a timer thread wakes every 10 ms to walk every key (~3 ms with 10,000
clients, holding the GIL the serving threads need). Here a hit is one dict lookup and one clock read.

Memory bound: clients live in two generations, each one longest span long: a client hit in the current
one stays, a client last hit in the previous one moves up, and the generation before is dropped whole,
since every window in it has closed. So what is kept is the clients seen in the last two longest spans
(2 minutes with the shipped limits), ~240 bytes each, and at most MAX_CLIENTS of them: when that many are
live, a new client is not counted here (`check` returns None) and the fast path hands its request to Flask,
whose limiter applies as for any other request. Never unlimited.
"""

from __future__ import annotations

import threading
import time

from limits import parse_many

MAX_CLIENTS = 100_000  # ~25 MB per worker at most


class HitLimiter:
    def __init__(self, limits: str, max_clients: int = MAX_CLIENTS):
        items = sorted(parse_many(limits), key=lambda item: item.get_expiry())
        self.descriptions = [str(item) for item in items]
        self._spans = [(float(item.get_expiry()), item.amount) for item in items]
        self._limit_headers = [("X-RateLimit-Limit", str(item.amount)) for item in items]
        self._generation_seconds = max(span for span, _ in self._spans)
        self.max_clients = max_clients
        self._current: dict[str, list] = {}  # client -> [window end, count] per limit, flattened
        self._previous: dict[str, list] = {}
        self._rotate_at = 0.0
        self._lock = threading.Lock()

    def count(self, client: str) -> None:
        """Count a request Flask answered (its own limiter enforced it), so replayed hits continue from it."""
        with self._lock:
            now = time.time()
            windows = self._windows(client, now)
            if windows is not None:
                self._hit(windows, now, stop_at_refusal=False)

    def check(self, client: str) -> tuple[bool, list[tuple[str, str]], str | None] | None:
        """(allowed, headers, the breached limit's description); None when this client is not counted here
        (MAX_CLIENTS live already): Flask must answer it."""
        with self._lock:
            now = time.time()
            windows = self._windows(client, now)
            if windows is None:
                return None
            breached = self._hit(windows, now, stop_at_refusal=True)
            shown = 0 if breached is None else breached
            window_end, hits = windows[2 * shown], windows[2 * shown + 1]
        remaining, reset = self._spans[shown][1] - hits, int(window_end)
        headers = [self._limit_headers[shown], ("X-RateLimit-Remaining", str(max(0, remaining))),
                   ("X-RateLimit-Reset", str(reset)), ("Retry-After", str(int(reset - now)))]
        return breached is None, headers, None if breached is None else self.descriptions[breached]

    def snapshot(self) -> list:
        """Every client's windows, for a successor process (api/workers.py): plain lists `marshal` writes."""
        with self._lock:
            return [[client, windows] for generation in (self._previous, self._current) for client, windows in generation.items()]

    def restore(self, snapshot: list) -> None:
        """Count on from a predecessor's windows (those still open), so a recycle does not reset anyone's limits."""
        now = time.time()
        with self._lock:
            # They join the current generation, opened before its end like any other of its windows.
            self._rotate_at = max(self._rotate_at, now + self._generation_seconds)
            for client, windows in snapshot:
                if len(windows) == 2 * len(self._spans) and max(windows[0::2]) > now:
                    self._current.setdefault(client, list(windows))
                if len(self._current) >= self.max_clients:
                    break

    def _windows(self, client: str, now: float) -> list | None:
        if now >= self._rotate_at:
            # Every window opened before the current generation began has closed by now; and when a whole
            # generation passed without a hit, every window opened in the current one too.
            quiet = now >= self._rotate_at + self._generation_seconds
            self._previous, self._current = {} if quiet else self._current, {}
            self._rotate_at = now + self._generation_seconds
        windows = self._current.get(client)
        if windows is None:
            windows = self._previous.pop(client, None)
            if windows is None:
                if len(self._current) + len(self._previous) >= self.max_clients:
                    return None
                windows = [0.0, 0] * len(self._spans)
            self._current[client] = windows
        return windows

    def _hit(self, windows: list, now: float, stop_at_refusal: bool) -> int | None:
        """Count one hit in each limit's window, shortest first; the index of the first limit it breaches."""
        breached = None
        at = 0
        for span, amount in self._spans:
            if windows[at] <= now:  # closed (or never opened): this hit opens the next one
                windows[at], windows[at + 1] = now + span, 1
            else:
                windows[at + 1] += 1
            if windows[at + 1] > amount and breached is None:
                breached = at // 2
                if stop_at_refusal:
                    return breached
            at += 2
        return breached
