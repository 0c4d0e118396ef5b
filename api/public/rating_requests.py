"""POST /v1/rating-requests (anonymous) and GET /v1/rating-requests (analysts): rating demand.

The client is identified only by a keyed hash of its address under a salt of the UTC day: a random
secret kept in the cache (Redis when configured, so every worker and host shares it) with a lifetime
ending an hour after the day, never in the database, and never derived from anything that persists
(so neither a database dump nor SECRET_KEY can reverse a stored hash). Without a cache that keeps it
(NullCache), each process keeps its own salt of the day in memory. Losing the salt mid-day (Redis
flushed) only means a client may be counted once more that day.

Besides the default limits of every route, this route has its own tighter one (RATING_REQUEST_LIMIT),
counted on the same salted hash rather than on the address.
"""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta, timezone

from flask import current_app
from flask.views import MethodView
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint, abort
from limits import parse_many

from api import database
from api.auth import roles
from api.errors import ErrorSchema
from api.extensions import cache
from api.manage import error_docs
from api.public.rating_request_schemas import RatingRequestAccepted, RatingRequestCreate, RatingRequestPage, RatingRequestQuery
from ratings import rating_requests
from ratings.db import transaction
from ratings.types import utcnow

blp = Blueprint("rating_requests", __name__, url_prefix="/v1/rating-requests",
                description="Rating requests: ask for a rating of what is not rated yet; analysts see the demand")

_LOCAL_SALTS: dict = {}  # day -> salt, only when the cache keeps nothing (NullCache)


def daily_salt(now: datetime) -> str:
    day = now.date()
    key = f"rating-request-salt:{day.isoformat()}"
    salt = cache.get(key)
    if salt is None:
        end_of_day = datetime.combine(day + timedelta(days=1), time(), tzinfo=timezone.utc)
        cache.add(key, secrets.token_hex(32), timeout=int((end_of_day - now).total_seconds()) + 3600)
        salt = cache.get(key)  # another worker may have added its salt first: use that one
    if salt is None:
        for old in [d for d in _LOCAL_SALTS if d != day]:
            del _LOCAL_SALTS[old]
        salt = _LOCAL_SALTS.setdefault(day, secrets.token_hex(32))
    return salt


def _refuse_when_over_the_route_limit(client: str) -> None:
    if not current_app.config.get("RATELIMIT_ENABLED"):
        return
    limiter = current_app.extensions["ratings_limiter"].limiter
    for limit in parse_many(current_app.config["RATING_REQUEST_LIMIT"]):
        try:
            allowed = limiter.hit(limit, "rating-requests", client)
        except Exception:  # the limits store is down: the default limits still apply
            return
        if not allowed:
            reset, _remaining = limiter.get_window_stats(limit, "rating-requests", client)
            retry = max(1, int(reset - utcnow().timestamp()))
            abort(429, code="rate_limited", message=f"Too many rating requests; you may send {limit} — retry in {retry} s.",
                  headers={"Retry-After": str(retry)})


@blp.route("")
class RatingRequests(MethodView):
    @blp.arguments(RatingRequestCreate)
    @blp.response(202, RatingRequestAccepted, example={"target": {"type": "gtin", "key": "00001234567895"}, "counted": True})
    @blp.alt_response(400, schema=ErrorSchema, description="Malformed barcode (`invalid_barcode`)")
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown brand or company")
    @blp.alt_response(422, schema=ErrorSchema, description="Not exactly one of gtin, brand, company; or a restricted barcode")
    @blp.alt_response(429, schema=ErrorSchema, description="Too many requests from this client (`rate_limited`)")
    def post(self, body):
        """Ask for a rating (anonymous). Counted once per client per target per day; no address is kept."""
        now = utcnow()
        client = rating_requests.client_hash(get_remote_address() or "", daily_salt(now))
        _refuse_when_over_the_route_limit(client)
        session = database.session()
        with transaction(session):
            counted = rating_requests.request_rating(session, client=client, now=now, **body)
        return {"target": {"type": counted.target_type, "key": counted.target_key}, "counted": counted.counted}

    @roles("analyst", "reviewer", "admin")
    @blp.arguments(RatingRequestQuery, location="query", as_kwargs=True)
    @blp.response(200, RatingRequestPage)
    @error_docs(blp, "an analyst, reviewer or admin", (422, "Invalid query parameters"))
    def get(self, type, page, page_size):  # noqa: A002 (the query parameter's name)
        """Rating requests ranked by demand: counts, first and last requested, the barcodes scanned."""
        return rating_requests.ranked_requests(database.session(), page=page, page_size=page_size, target_type=type)
