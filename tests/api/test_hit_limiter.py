"""The fast path's limiter (api/hit_limiter.py) decides and reports what limits' fixed windows would, with a bound."""

import random
import time

import pytest
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from api.hit_limiter import HitLimiter

LIMITS = "5 per minute;2 per second"


class Reference:
    """What the fast path did before: limits' FixedWindowRateLimiter on a MemoryStorage."""

    def __init__(self, limits: str):
        self.items = sorted(parse_many(limits), key=lambda item: item.get_expiry())
        self.limiter = FixedWindowRateLimiter(MemoryStorage())

    def count(self, client):
        for item in self.items:
            self.limiter.hit(item, "fast-path", client)

    def check(self, client):
        breached = next((item for item in self.items if not self.limiter.hit(item, "fast-path", client)), None)
        shown = breached or self.items[0]
        stats = self.limiter.get_window_stats(shown, "fast-path", client)
        reset = int(stats.reset_time)
        headers = [("X-RateLimit-Limit", str(shown.amount)), ("X-RateLimit-Remaining", str(stats.remaining)),
                   ("X-RateLimit-Reset", str(reset)), ("Retry-After", str(int(reset - time.time())))]
        return breached is None, headers, None if breached is None else str(breached)


@pytest.fixture
def clock(monkeypatch):
    now = [1_800_000_000.25]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def test_the_same_verdicts_and_headers_as_limits_fixed_windows(clock):
    ours, reference = HitLimiter(LIMITS), Reference(LIMITS)
    rng = random.Random(14)
    for step in range(3000):
        clock[0] += rng.choice((0.0, 0.01, 0.2, 0.7, 1.0, 3.0, 59.9, 61.0))
        client = f"198.51.100.{rng.randrange(4)}"
        if rng.random() < 0.1:  # an answer Flask gave (its limiter judged it), counted on
            ours.count(client)
            reference.count(client)
        else:
            assert ours.check(client) == reference.check(client), step


def test_a_breach_is_reported_with_the_limit_that_was_breached(clock):
    limiter = HitLimiter(LIMITS)
    assert [limiter.check("a")[0] for _ in range(3)] == [True, True, False]
    allowed, headers, breached = limiter.check("a")
    assert (allowed, breached) == (False, "2 per 1 second")
    assert dict(headers)["X-RateLimit-Remaining"] == "0" and dict(headers)["X-RateLimit-Limit"] == "2"
    assert limiter.check("b")[0]  # per client


def test_clients_whose_windows_all_closed_are_forgotten(clock):
    limiter = HitLimiter(LIMITS)
    for n in range(100):
        limiter.check(f"client-{n}")
    clock[0] += 61
    limiter.check("late")
    clock[0] += 61
    limiter.check("later")
    assert set(limiter._current) | set(limiter._previous) == {"late", "later"}


def test_a_client_in_an_open_window_is_never_forgotten(clock):
    limiter = HitLimiter("3 per minute")
    for _ in range(3):
        clock[0] += 29
        assert limiter.check("steady")[0]
    assert not limiter.check("steady")[0]  # 87 s after the first hit, the window opened 29 s in still counts


def test_beyond_max_clients_new_clients_are_left_to_flask(clock):
    limiter = HitLimiter(LIMITS, max_clients=2)
    assert limiter.check("a") and limiter.check("b")
    assert limiter.check("c") is None
    limiter.count("c")  # not counted either
    assert limiter.check("a")[0] is True  # known clients still counted
    clock[0] += 121  # both generations gone: room again
    assert limiter.check("c") is not None
