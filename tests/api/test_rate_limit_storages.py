"""The rate-limit storages of api/rate_limits.py: they count and answer as limits' own storages do, for less."""

from __future__ import annotations

import time

from api.rate_limits import OneTripRedisStorage, SweptMemoryStorage


def test_both_storages_count_and_answer_as_limits_own_storage_does(demo_url, make_app, redis_url):
    """The same requests against limits' own memory storage (the reference), SweptMemoryStorage and
    OneTripRedisStorage: the same statuses and limit headers (the reset, as seconds after the run's first
    request, within the seconds they straddle: the runs start seconds apart on a busy machine). Windows of a minute
    and an hour, not a second: a first search that builds the index can take over a second on a loaded machine,
    and a closing window would let a fourth request through."""
    def run(**config):
        app = make_app(demo_url, RATE_LIMIT_DEFAULT="5 per hour;3 per minute", FAST_PATH_ENABLED=False, **config)
        client = app.test_client()
        seen = []
        started = time.time()
        for n in range(6):
            response = client.get(f"/v1/brands?q=limit{n}")
            seen.append((response.status_code, response.headers.get("X-RateLimit-Limit"),
                         response.headers.get("X-RateLimit-Remaining"), int(response.headers["X-RateLimit-Reset"]) - started))
        return type(app.extensions["ratings_limiter"].limiter.storage), seen

    reference_type, reference = run(RATELIMIT_STORAGE_URI="memory://")
    assert [s[0] for s in reference] == [200, 200, 200, 429, 429, 429]
    for config, storage in (({}, SweptMemoryStorage), ({"CACHE_REDIS_URL": redis_url}, OneTripRedisStorage)):
        storage_type, seen = run(**config)
        assert storage_type is storage and reference_type is not storage
        assert [s[:3] for s in seen] == [s[:3] for s in reference]
        assert all(abs(a[3] - b[3]) <= 2 for a, b in zip(seen, reference))


def test_the_memory_storage_runs_no_timer_thread_and_still_forgets_expired_counts(demo_url, make_app):
    app = make_app(demo_url, RATE_LIMIT_DEFAULT="100 per second")
    storage = app.extensions["ratings_limiter"].limiter.storage
    assert isinstance(storage, SweptMemoryStorage)
    client = app.test_client()
    for n in range(5):
        assert client.get(f"/v1/brands?q=sweep{n}").status_code == 200
    assert not storage.timer.is_alive()  # MemoryStorage replaces its timer on each hit; this one never does
    assert storage.expirations  # the counts of this second
    time.sleep(1.1)  # every window closed, and a sweep is due
    storage.incr("another", 60)
    assert list(storage.expirations) == ["another"]
