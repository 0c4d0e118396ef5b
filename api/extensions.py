"""Extensions, created once here and bound to an app in `api.create_app`."""

from __future__ import annotations

from flask_caching import Cache
from flask_compress import Compress

# The flask-smorest Api is made per app in create_app: it binds to exactly one app.
cache = Cache()
compress = Compress()  # gzip/brotli for large bodies (scorecards, methodology, export)
