"""The response examples of the public operations (api/examples.json), built from the demo catalog.

`test_openapi.py` checks that the stored examples are what the demo answers today; to rebuild them after a
change of shape or of the demo: `RATINGS_WRITE_EXAMPLES=1 .venv/bin/pytest tests/api/test_openapi.py -k examples`.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import api

EXAMPLES_FILE = Path(api.__file__).parent / "examples.json"
MAX_ITEMS = 2  # lists are cut to their first items: an example shows the shape, not the whole catalog

# (example name, path): one per public JSON operation
REQUESTS = {
    "barcode": "/v1/barcodes/5091997966733",
    "brands": "/v1/brands?q=brindle",
    "scorecard": "/v1/brands/brindlecourt",
    "company": "/v1/companies/brindlecourt-group-plc",
    "industries": "/v1/industries",
    "industry": "/v1/industries/apparel",
    "methodology": "/v1/methodologies/f2w-2026",
    "methodology_file": "/v1/methodologies/f2w-2026/2026.1/file",
    "health": "/healthz",
    "ready": "/readyz",
}


def trimmed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: trimmed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [trimmed(v) for v in value[:MAX_ITEMS]]
    return value


def build_examples(client) -> dict[str, Any]:
    examples = {}
    for name, path in REQUESTS.items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        examples[name] = trimmed(response.get_json())
    rating = examples["scorecard"]["rating"]["id"]
    examples["inputs"] = trimmed(client.get(f"/v1/ratings/{rating}/inputs").get_json())
    bundle = client.get("/v1/export", headers={"Accept-Encoding": "identity"})
    lines = gzip.decompress(bundle.get_data()).decode().splitlines()
    examples["export"] = "\n".join(lines[:3]) + "\n"
    version = json.loads(lines[0])["version"]
    changes = client.get(f"/v1/changes?since={version - 1}")  # the demo's last change
    assert changes.status_code == 200, changes.get_json()
    examples["changes"] = trimmed(changes.get_json())
    return examples


def volatile(value: Any) -> Any:
    """The example with what differs from one demo load to the next (times, versions) blanked out."""
    if isinstance(value, dict):
        return {k: "<volatile>" if k in {"published_at", "accepted_at", "version", "since"} else volatile(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [volatile(v) for v in value]
    if isinstance(value, str) and value.startswith('{"type":"header"'):  # the bundle's first lines
        return [volatile(json.loads(line)) for line in value.splitlines()]  # key order varies with the database
    return value
