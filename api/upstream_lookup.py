"""Unknown barcodes, last resort: ask the upstream product database (when UPSTREAM_PRODUCT_URL is set).

A product whose brand we know is stored (source "upstream"), so the next lookup is local; a code
upstream does not know is remembered for a day (negative caching); a product whose brand we do not
know is remembered for a day too and shown unrated (its name, `rating: null`, a rating-request link).
When upstream is down the answer is a plain 404 that is not cached, so a later scan asks again.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g

from api.extensions import cache
from ratings.lookup import store_upstream_product
from ratings.upstream import ProductDatabase, UpstreamProduct, UpstreamUnavailable

log = logging.getLogger(__name__)
NEGATIVE_TTL = 24 * 3600


def init_upstream(app: Flask) -> None:
    if app.config.get("UPSTREAM_PRODUCT_URL"):
        app.extensions["upstream_products"] = ProductDatabase(app.config["UPSTREAM_PRODUCT_URL"])


def upstream_resolver():
    """The resolver for this app, or None when no upstream is configured."""
    database = current_app.extensions.get("upstream_products")
    if database is None:
        return None

    def resolve(session, barcode):
        miss_key = f"upstream-miss:{barcode.gtin}"
        unmatched_key = f"upstream-unmatched:{barcode.gtin}"
        if cache.get(miss_key):
            return None
        unmatched = cache.get(unmatched_key)
        if unmatched is not None:
            return UpstreamProduct(*unmatched)  # known upstream, its brand not here: shown as "not rated"
        try:
            found = database.fetch(barcode.gtin)
        except UpstreamUnavailable as error:
            log.warning("%s (gtin %s)", error, barcode.gtin)
            g.response_uncacheable = True
            return None
        product = store_upstream_product(session, found) if found is not None else None
        if product is None and found is not None:  # a product of a brand we do not know: what we know, unrated
            cache.set(unmatched_key, (found.gtin, found.name, tuple(found.brands)), timeout=NEGATIVE_TTL)
            return found
        if product is None:
            cache.set(miss_key, True, timeout=NEGATIVE_TTL)
        return product  # a stored product appends to the change log: every cache moves on by itself

    return resolve
