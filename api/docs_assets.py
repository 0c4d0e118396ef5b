"""Swagger UI's assets for `/docs`, served from the installed `flask-swagger-ui` package (no CDN).

flask-smorest renders the page; OPENAPI_SWAGGER_UI_URL points its script and style links here, so the
page works on a machine without internet. Only the files of the package's `dist` folder are served.
"""

from __future__ import annotations

from importlib.resources import files

from flask import Blueprint, send_from_directory

ASSETS_URL = "/docs/assets/"
DIST = files("flask_swagger_ui") / "dist"  # swagger-ui-dist, as bundled in the wheel
MAX_AGE = 24 * 3600  # seconds; the file names carry no version, so a day, not a year

blp = Blueprint("docs_assets", __name__, url_prefix=ASSETS_URL.rstrip("/"))


@blp.get("/<path:filename>")
def asset(filename: str):
    return send_from_directory(str(DIST), filename, max_age=MAX_AGE)
