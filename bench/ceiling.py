"""The ceiling: the least any Flask endpoint can do, a constant 2 KB JSON body for every GET.

    BIND=127.0.0.1:8200 WEB_CONCURRENCY=2 .venv/bin/gunicorn -c gunicorn.conf.py --pythonpath bench ceiling:app

bench/load.py serves it with the project's gunicorn.conf.py (same workers, same access log, same
recycling), on the same paths as the project (one catch-all route, query strings ignored), so that
the project's lookups are compared with what Flask itself costs on the same machine in the same run.
The body is built once at import: exactly BODY_BYTES bytes of JSON shaped like a lookup answer.
"""

from __future__ import annotations

import json

from flask import Flask, Response

BODY_BYTES = 2048


def constant_body(size: int = BODY_BYTES) -> bytes:
    document = {
        "gtin": "3000000000017", "name": "Ceiling item", "brand": {"slug": "ceiling", "name": "Ceiling"},
        "company": {"slug": "ceiling-co", "name": "Ceiling Co."},
        "rating": {"grade": "B", "score": 61.5, "scale": "standard", "methodology": {"id": "f2w-2026", "version": "2026.1"}},
        "padding": "",
    }
    document["padding"] = "x" * (size - len(json.dumps(document, separators=(",", ":")).encode()))
    body = json.dumps(document, separators=(",", ":")).encode()
    assert len(body) == size
    return body


BODY = constant_body()
app = Flask(__name__)


@app.get("/", defaults={"path": ""})
@app.get("/<path:path>")
def constant(path: str) -> Response:
    return Response(BODY, status=200, mimetype="application/json")
