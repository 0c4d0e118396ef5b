"""The upstream product database (Open Food Facts v2 shape), the one place outbound HTTP happens.

Connect and read timeouts of 1 s and 2 s, one retry for refused connections and 5xx answers (urllib3),
no retry on a read timeout (a slow server does not get faster), and a circuit breaker (pybreaker):
after 5 consecutive failures upstream is skipped for 60 s, then tried again.
"""

from __future__ import annotations

from dataclasses import dataclass

import pybreaker
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

USER_AGENT = "forced-labour-ratings/0.1 (barcode lookups; +https://ratings.example/about)"


class UpstreamUnavailable(Exception):
    """Upstream failed, timed out, answered nonsense, or the breaker is open."""


@dataclass(frozen=True)
class UpstreamProduct:
    gtin: str
    name: str
    brands: tuple[str, ...]


class ProductDatabase:
    def __init__(self, url_template: str, *, connect_timeout: float = 1.0, read_timeout: float = 2.0,
                 fail_max: int = 5, reset_timeout: float = 60.0):
        self.url_template = url_template
        self.timeout = (connect_timeout, read_timeout)
        self.breaker = pybreaker.CircuitBreaker(fail_max=fail_max, reset_timeout=reset_timeout, name="upstream-products")
        self.http = requests.Session()
        self.http.headers["User-Agent"] = USER_AGENT
        retry = Retry(total=1, connect=1, read=0, status=1, status_forcelist=(500, 502, 503, 504),
                      allowed_methods=("GET",), backoff_factor=0, raise_on_status=False)
        self.http.mount("http://", HTTPAdapter(max_retries=retry))
        self.http.mount("https://", HTTPAdapter(max_retries=retry))

    def fetch(self, gtin: str) -> UpstreamProduct | None:
        """The product, None when upstream does not know it; UpstreamUnavailable when it cannot say."""
        try:
            return self.breaker.call(self._fetch, gtin)
        except (pybreaker.CircuitBreakerError, requests.RequestException, ValueError) as error:
            raise UpstreamUnavailable(f"upstream product lookup failed: {error.__class__.__name__}") from error

    def _fetch(self, gtin: str) -> UpstreamProduct | None:
        response = self.http.get(self.url_template.format(gtin=gtin), timeout=self.timeout)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return _parse(gtin, response.json())  # ValueError on malformed JSON counts as a failure


def _parse(gtin: str, body: dict) -> UpstreamProduct | None:
    if not isinstance(body, dict):
        raise ValueError("upstream answered JSON that is not an object")
    product = body.get("product")
    if body.get("status") in (0, "failure") or not isinstance(product, dict):
        return None  # Open Food Facts says "product not found" with a 200 and status 0
    brands = tuple(b.strip() for b in str(product.get("brands") or "").split(",") if b.strip())
    name = str(product.get("product_name") or "").strip()
    return UpstreamProduct(gtin=gtin, name=name or f"Product {gtin}", brands=brands)
