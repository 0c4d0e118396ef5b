"""What the OpenAPI document says besides the routes: the API description, and examples from the demo data."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

DESCRIPTION = """\
Letter grades (A+ to F) for how well a brand's owner works to keep **forced and child labour** out of its
supply chain, with the breakdown by category and supply-chain stage, the evidence behind each answer and
better-graded alternatives. Consumers' apps look up a barcode or a brand; analysts and reviewers record and
publish assessments; companies see their scorecard and reply. Grades come from a published methodology
(`GET /v1/methodologies/{id}`) that anyone can recompute offline. Versioned under `/v1`: changes to v1 are
additive only (new fields and routes), so clients should ignore fields they do not know.

## Authentication
Public routes (barcodes, brands, companies, industries, methodologies, export, changes, health) need no
login. Every other route needs a bearer token: `Authorization: Bearer <token>`. An admin creates users and
their tokens with the command line (`ratings users create --email E --role analyst|reviewer|company|admin`,
`ratings users token`, `ratings users revoke`); a token is shown once and only its hash is stored. No or an
unknown token: 401; a role or company the route does not allow: 403. In this page, **Authorize** takes the
token.

## Errors
Every error is JSON in one shape (schema `Error`):
`{"status": 404, "code": "barcode_not_found", "message": "No product or brand is known for barcode ...", "errors": {...}}`.
`code` is a stable snake_case machine code to branch on; `message` is a sentence a person can act on;
`errors`, when present, names each bad field. Statuses: 400 malformed input, 401 no or invalid token,
403 role or scope, 404 unknown, 409 state conflict, 410 gone (`resync_required`), 412 stale `If-Match`,
413 too large, 422 validation, 428 `If-Match` missing, 429 rate limit, 503 a dependency is down (with
`Retry-After`). Rate limits apply per client; a 429 says when to retry.

## Caching and sync
Public `GET`s are cacheable: they send `Cache-Control: public, max-age=60, stale-while-revalidate=300` and
an `ETag`; send it back as `If-None-Match` and an unchanged resource answers `304` with no body. A committed
change (from the API, the console or the command line) is served on the next request. Offline apps download
`GET /v1/export` (gzip NDJSON, with its catalog version) once and then ask `GET /v1/changes?since=VERSION`
for what changed; a `410` means download the bundle again.

## Writes
Writes to an assessment need `If-Match` with the `ETag` of your last read or write (`GET
/v1/assessments/{id}` sends it): without it `428`, with a stale one `412`, so no one's change is overwritten.
An author can never publish their own assessment (`403 four_eyes`).
"""


@lru_cache(maxsize=None)
def examples() -> dict[str, Any]:
    """Response examples of the public operations, taken from the demo catalog (api/examples.json)."""
    return json.loads((files("api") / "examples.json").read_text(encoding="utf-8"))


def example(name: str) -> Any:
    return examples()[name]
