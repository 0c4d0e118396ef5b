"""A Redis cache that keeps the app serving when Redis goes away.

While Redis is unreachable every call goes to an in-process cache instead (logged once), and Redis
is tried again every few seconds. Keys carry the catalog version (api/catalog_version.py), so what
either cache holds is never older than the database: writes made during the outage move the version.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from cachelib import SimpleCache
from flask_caching.backends.base import BaseCache
from flask_caching.backends.rediscache import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
RETRY_AFTER = 5.0  # seconds between attempts to go back to Redis


class FallbackRedisCache(BaseCache):
    def __init__(self, redis: BaseCache, local: BaseCache):
        super().__init__(default_timeout=redis.default_timeout)
        self.redis, self.local = redis, local
        self._down_since: float | None = None
        self._lock = threading.Lock()

    @classmethod
    def factory(cls, app, config, args, kwargs):
        """flask-caching's hook (CACHE_TYPE = "api.fallback_cache.FallbackRedisCache")."""
        redis = RedisCache.factory(app, config, args, kwargs)
        return cls(redis, SimpleCache(threshold=config.get("CACHE_THRESHOLD", 5000), default_timeout=redis.default_timeout))

    @property
    def using_redis(self) -> bool:
        return self._down_since is None

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self._down_since is not None and time.monotonic() - self._down_since < RETRY_AFTER:
            return getattr(self.local, name)(*args, **kwargs)
        try:
            result = getattr(self.redis, name)(*args, **kwargs)
        except (RedisError, OSError) as error:
            with self._lock:
                if self._down_since is None:
                    log.warning("Redis unreachable (%s); serving from the in-process cache until it returns", error)
                self._down_since = time.monotonic()
            return getattr(self.local, name)(*args, **kwargs)
        if self._down_since is not None:
            self._recovered()
        return result

    def _recovered(self) -> None:
        with self._lock:
            if self._down_since is None:
                return
            self._down_since = None
        log.warning("Redis is back; using it again")

    def get(self, key):
        return self._call("get", key)

    def set(self, key, value, timeout=None):
        return self._call("set", key, value, timeout)

    def add(self, key, value, timeout=None):
        return self._call("add", key, value, timeout)

    def delete(self, key):
        return self._call("delete", key)

    def has(self, key):
        return self._call("has", key)

    def inc(self, key, delta=1):
        return self._call("inc", key, delta)

    def get_many(self, *keys):
        return self._call("get_many", *keys)

    def set_many(self, mapping, timeout=None):
        return self._call("set_many", mapping, timeout)

    def delete_many(self, *keys):
        return self._call("delete_many", *keys)

    def clear(self):
        return self._call("clear")
